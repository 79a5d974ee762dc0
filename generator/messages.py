"""Messages of the synthetic-population generator and its ``generate`` command."""

from ringscope.i18n import register

register(
    {
        "generator.error.invalid": {
            "zh-CN": "无法生成数据，发现 {count} 个问题：",
            "en": "Cannot generate the data set because of {count} problem(s):",
        },
        "generator.error.seed": {
            "zh-CN": "种子 {value} 无效：应为 0 到 {maximum} 之间的整数。",
            "en": "Seed {value} is invalid: use an integer from 0 to {maximum}.",
        },
        "generator.error.applicants": {
            "zh-CN": "申请人数量 {value} 无效：应在 {minimum} 到 {maximum} 之间。",
            "en": "Applicant count {value} is invalid: use {minimum} to {maximum}.",
        },
        "generator.error.months": {
            "zh-CN": "月数 {value} 无效：应在 1 到 {maximum} 之间。",
            "en": "Month count {value} is invalid: use 1 to {maximum}.",
        },
        "generator.error.calls_per_applicant": {
            "zh-CN": "每名申请人的通话数 {value} 无效：应在 {minimum} 到 {maximum} 之间。",
            "en": "Calls per applicant {value} is invalid: use {minimum} to {maximum}.",
        },
        "generator.error.cmcc_fraction": {
            "zh-CN": "移动详单格式占比 {value} 无效：应在 0 到 1 之间。",
            "en": "China Mobile layout fraction {value} is invalid: use a value from 0 to 1.",
        },
        "generator.error.planted_negative": {
            "zh-CN": "预置结构数量 {name}={value} 无效：不能为负数。",
            "en": "Planted count {name}={value} is invalid: it must not be negative.",
        },
        "generator.error.planted_too_many": {
            "zh-CN": "预置结构至少需要 {needed} 名申请人，但 {applicants} 名申请人中最多只能用 {limit} 名；"
            "请增加申请人数量或减少预置结构。",
            "en": "The planted structures need at least {needed} applicants, but only {limit} of "
            "{applicants} may be used; add applicants or plant fewer structures.",
        },
        "generator.error.out_not_folder": {
            "zh-CN": "输出路径 {path} 是文件而不是文件夹；请换一个路径。",
            "en": "Output path {path} is a file, not a folder; choose another path.",
        },
        "generator.error.out_not_empty": {
            "zh-CN": "输出文件夹 {path} 不是空的；请换一个文件夹，或加上 --overwrite 覆盖生成器写过的文件。",
            "en": "Output folder {path} is not empty; choose another folder, or pass --overwrite "
            "to replace the files the generator writes.",
        },
        "generator.progress.large_run": {
            "zh-CN": "正在生成约 {calls} 条通话（{applicants} 名申请人），可能需要几十秒……",
            "en": "Generating about {calls} calls for {applicants} applicants; this can take a "
            "few tens of seconds...",
        },
        "generator.progress.population": {
            "zh-CN": "构建人群、预置结构和贷款记录……",
            "en": "Building people, planted structures and loan records...",
        },
        "generator.progress.calls": {
            "zh-CN": "生成通话并写出边表……",
            "en": "Generating calls and writing the edge list...",
        },
        "generator.progress.bills": {
            "zh-CN": "写出运营商账单……",
            "en": "Writing carrier bills...",
        },
        "generator.progress.records": {
            "zh-CN": "写出当事人、紧急联系人、贷款、授权、清单和真值文件……",
            "en": "Writing parties, emergency contacts, loans, consents, manifest and truth...",
        },
        "generator.summary.full": {
            "zh-CN": "已在 {out_dir} 生成合成数据（种子 {seed}，用时 {seconds} 秒）\n"
            "  申请人 {applicants}，当事人 {parties}，贷款 {loans}，授权 {consents}，紧急联系人 {contacts}\n"
            "  通话 {calls} 条；账单 {bills} 份，共 {bill_rows} 行\n"
            "  预置：中介团伙 {coached_groups} 个，互保圈 {guarantee_circles} 个，共用号码 {shared_phones} 个，"
            "换号 {number_changes} 人，违约借款人关联 {defaulted_links} 个\n"
            "  真值文件：{truth}",
            "en": "Generated a synthetic data set in {out_dir} (seed {seed}, {seconds} s)\n"
            "  applicants {applicants}, parties {parties}, loans {loans}, consents {consents}, "
            "emergency contacts {contacts}\n"
            "  calls {calls}; bills {bills} with {bill_rows} rows\n"
            "  planted: coached groups {coached_groups}, guarantee circles {guarantee_circles}, "
            "shared phones {shared_phones}, number changes {number_changes}, "
            "defaulted-borrower links {defaulted_links}\n"
            "  truth file: {truth}",
        },
        "generator.summary.edge_list": {
            "zh-CN": "已写出边表 {path}：{calls} 条通话，{applicants} 名申请人（种子 {seed}，用时 {seconds} 秒）",
            "en": "Wrote the edge list {path}: {calls} calls, {applicants} applicants "
            "(seed {seed}, {seconds} s)",
        },
    }
)
