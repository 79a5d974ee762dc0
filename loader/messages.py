"""Messages of the readers: rejected-row reasons and whole-file errors.

Row reasons take ``column`` (the header as the file writes it, or ``#n`` for a file with no
header) and ``value`` (already masked). File errors take ``file``, the masked file name.
"""

from ringscope.i18n import register

register(
    {
        # Telephone numbers.
        "loader.number.empty": {
            "zh-CN": "{column} 为空：这一行没有对方号码。",
            "en": "{column} is empty: the row has no number.",
        },
        "loader.number.hidden": {
            "zh-CN": "{column} 为隐藏或未知号码（{value}），无法关联到任何人。",
            "en": "{column} is a hidden or unknown number ({value}) and links to nobody.",
        },
        "loader.number.not_digits": {
            "zh-CN": "{column} 的值 {value} 含有数字、空格、横线、括号和 + 以外的字符，不是电话号码。",
            "en": "{column} value {value} contains characters other than digits, spaces, dashes, "
            "brackets and +, so it is not a phone number.",
        },
        "loader.number.invalid": {
            "zh-CN": "{column} 的值 {value} 不是有效的中国手机号、固话（区号+号码）或服务号码。",
            "en": "{column} value {value} is not a valid Chinese mobile, landline (area code + "
            "number) or service number.",
        },
        "loader.number.foreign": {
            "zh-CN": "{column} 的值 {value} 是境外号码；本工具只处理中国号码。",
            "en": "{column} value {value} is a foreign number; only Chinese numbers are loaded.",
        },
        "loader.number.no_area_code": {
            "zh-CN": "{column} 的值 {value} 是不带区号的本地固话，且这一行没有可用的区号：请在导出时"
            "保留区号。",
            "en": "{column} value {value} is a local landline number without an area code, and "
            "the row gives no area code: export the bill with area codes.",
        },
        "loader.number.precision_lost": {
            "zh-CN": "{column} 的值 {value} 是被 Excel 截断的科学计数法，原号码的后几位已丢失：请把"
            "号码列设为文本后重新导出。",
            "en": "{column} value {value} is in scientific notation that Excel rounded, so the "
            "last digits are lost: format the column as text and export again.",
        },
        "loader.number.opaque_invalid": {
            "zh-CN": "{column} 的值 {value} 含有空白或控制字符，不能作为匿名编号。",
            "en": "{column} value {value} contains whitespace or control characters and cannot "
            "be an opaque id.",
        },
        # Durations.
        "loader.duration.empty": {
            "zh-CN": "{column} 为空：这一行没有通话时长。",
            "en": "{column} is empty: the row has no call duration.",
        },
        "loader.duration.negative": {
            "zh-CN": "{column} 的值 {value} 是负数；通话时长不能为负。",
            "en": "{column} value {value} is negative; a call duration cannot be.",
        },
        "loader.duration.invalid": {
            "zh-CN": "{column} 的值 {value} 不是可识别的时长：支持秒数（84）、1分24秒、1小时5分14秒、"
            "HH:MM:SS 和 MM:SS。",
            "en": "{column} value {value} is not a recognised duration: use seconds (84), "
            "1分24秒, 1小时5分14秒, HH:MM:SS or MM:SS.",
        },
        # Start times.
        "loader.start.empty": {
            "zh-CN": "{column} 为空：这一行没有通话开始时间。",
            "en": "{column} is empty: the row has no start time.",
        },
        "loader.start.invalid": {
            "zh-CN": "{column} 的值 {value} 不是可识别的日期时间：支持 2026-09-28 19:52:40、"
            "2026/9/28 19:52、20060601 0008、9月28日 19:52:40、Excel 日期和带时区的 ISO 8601。",
            "en": "{column} value {value} is not a recognised date and time: use "
            "2026-09-28 19:52:40, 2026/9/28 19:52, 20060601 0008, 9月28日 19:52:40, an Excel "
            "date or ISO 8601 with an offset.",
        },
        "loader.start.no_year": {
            "zh-CN": "{column} 的值 {value} 没有年份，文件里也没有计费周期或账单周期：请用 --year "
            "指定年份后重新导入。",
            "en": "{column} value {value} has no year, and the file states no billing period: "
            "give the year with --year and load the file again.",
        },
        "loader.start.no_time": {
            "zh-CN": "{column} 的值 {value} 只有日期、没有时刻；无法确定通话时间。",
            "en": "{column} value {value} is a date without a time of day, so the call cannot "
            "be placed in time.",
        },
        "loader.start.out_of_range": {
            "zh-CN": "{column} 的值 {value} 不在 1970 年至 2099 年之间，不可能是通话时间。",
            "en": "{column} value {value} is outside 1970-2099 and cannot be a call's start.",
        },
        "loader.start.bad_timezone": {
            "zh-CN": "时区 {value} 不存在：请使用 IANA 时区名，如 Asia/Shanghai。",
            "en": "Time zone {value} does not exist: use an IANA name such as Asia/Shanghai.",
        },
        # Direction and call type.
        "loader.direction.empty": {
            "zh-CN": "{column} 为空：无法判断是主叫还是被叫。",
            "en": "{column} is empty, so the call's direction is unknown.",
        },
        "loader.direction.invalid": {
            "zh-CN": "{column} 的值 {value} 无法判断是主叫还是被叫：支持 主叫/被叫、呼出/呼入、"
            "DIAL/DIALED、in/out 以及呼转类型。",
            "en": "{column} value {value} does not say who called: use 主叫/被叫, 呼出/呼入, "
            "DIAL/DIALED, in/out or a forwarding type.",
        },
        "loader.row.not_a_call": {
            "zh-CN": "{column} 的值 {value} 表明这一行是短信或上网记录，不是通话。",
            "en": "{column} value {value} marks an SMS or data session, not a call.",
        },
        "loader.row.not_an_object": {
            "zh-CN": "通话列表中的这一项不是 JSON 对象（{value}）。",
            "en": "This entry of the call list is not a JSON object ({value}).",
        },
        # Whole files.
        "loader.input.unreadable": {
            "zh-CN": "无法读取文件 {file}：{error}。请检查路径和读取权限。",
            "en": "Cannot read the file {file}: {error}. Check the path and read permission.",
        },
        "loader.input.empty": {
            "zh-CN": "文件 {file} 是空的：请重新导出话单。",
            "en": "The file {file} is empty: export the call records again.",
        },
        "loader.input.binary": {
            "zh-CN": "文件 {file} 不是文本、Excel、JSON 或 Parquet 文件（含有二进制数据）：请导出为 "
            "CSV、.xlsx 或 .xls。",
            "en": "The file {file} is not a text, Excel, JSON or Parquet file (it contains "
            "binary data): export it as CSV, .xlsx or .xls.",
        },
        "loader.input.encoding": {
            "zh-CN": "文件 {file} 既不是 UTF-8 也不是 GBK/GB18030 编码：请另存为 UTF-8 的 CSV。",
            "en": "The file {file} is neither UTF-8 nor GBK/GB18030 text: save it as a UTF-8 CSV.",
        },
        "loader.input.decode_failed": {
            "zh-CN": "文件 {file} 第 {line} 行附近的内容不是 {encoding} 编码，文件可能混用了编码或已"
            "损坏：请另存为 UTF-8 的 CSV。",
            "en": "The file {file} is not valid {encoding} near line {line}; it may mix "
            "encodings or be damaged: save it as a UTF-8 CSV.",
        },
        "loader.input.csv_invalid": {
            "zh-CN": "文件 {file} 第 {line} 行附近的 CSV 格式有误（{error}），常见原因是引号没有闭合：请"
            "修正该行或重新导出。",
            "en": "The file {file} has invalid CSV near line {line} ({error}), often an "
            "unclosed quote: fix the line or export again.",
        },
        "loader.input.corrupt_spreadsheet": {
            "zh-CN": "无法打开电子表格 {file}（{error}），文件可能不完整或已损坏：请重新下载或导出。",
            "en": "Cannot open the spreadsheet {file} ({error}); it may be truncated or damaged: "
            "download or export it again.",
        },
        "loader.input.corrupt_json": {
            "zh-CN": "文件 {file} 第 {line} 行不是有效的 JSON（{error}）：请重新获取报告。",
            "en": "The file {file} is not valid JSON at line {line} ({error}): fetch the report "
            "again.",
        },
        "loader.input.corrupt_parquet": {
            "zh-CN": "无法读取 Parquet 文件 {file}（{error}），文件可能不完整或已损坏。",
            "en": "Cannot read the Parquet file {file} ({error}); it may be truncated or damaged.",
        },
        "loader.input.html_export": {
            "zh-CN": "文件 {file} 是网页（HTML）而不是 Excel 文件，营业厅下载的 .xls 常是这种情况：请用 "
            "Excel 打开后另存为 .xlsx 或 CSV。",
            "en": "The file {file} is a web page (HTML), not an Excel file, as carrier .xls "
            "downloads often are: open it in Excel and save it as .xlsx or CSV.",
        },
        # Layouts and owners.
        "loader.layout.not_detected": {
            "zh-CN": "无法识别文件 {file} 的格式。找到的表头：{headers}。支持的格式：{supported}。"
            "请用 --layout 指定格式，或按 docs/layouts.md 添加新格式。",
            "en": "The layout of {file} is not recognised. Headers found: {headers}. Supported "
            "layouts: {supported}. Force one with --layout, or add one as docs/layouts.md "
            "describes.",
        },
        "loader.layout.header_not_found": {
            "zh-CN": "文件 {file} 不符合格式 {layout}：前几行里没有它的表头（需要 {expected}）。"
            "找到的表头：{headers}。",
            "en": "The file {file} does not match layout {layout}: its first rows have no such "
            "header (expected {expected}). Headers found: {headers}.",
        },
        "loader.layout.unknown_name": {
            "zh-CN": "没有名为 {layout} 的格式。支持的格式：{supported}。",
            "en": "There is no layout named {layout}. Supported layouts: {supported}.",
        },
        "loader.layout.wrong_file_kind": {
            "zh-CN": "文件 {file} 是 {kind} 文件，而格式 {layout} 只接受 {kinds}。",
            "en": "The file {file} is a {kind} file, but layout {layout} accepts only {kinds}.",
        },
        "loader.owner.invalid": {
            "zh-CN": "文件 {file} 中的机主号码 {value} 不是有效的电话号码。",
            "en": "The owner's number {value} in {file} is not a valid phone number.",
        },
        "loader.owner.mismatch": {
            "zh-CN": "指定的机主号码 {given} 与文件 {file} 中写明的机主号码 {in_file} 不同：请确认"
            "这份话单属于哪位当事人。",
            "en": "The owner number given, {given}, differs from the owner {in_file} stated in "
            "{file}: check whose call records these are.",
        },
    }
)
