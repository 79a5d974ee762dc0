"""Messages of the local Neo4j server (:mod:`ringscope.neo4j_local`) and its CLI group."""

from ringscope.i18n import register

register(
    {
        # Java and Maven, checked before anything is downloaded or started.
        "neo4j_local.java_missing": {
            "zh-CN": "找不到 Java：本地 Neo4j 服务器需要 Java 17 或更高版本（Neo4j 5.26 支持 17 "
            "和 21），但 PATH 中没有 `java`，也没有设置 JAVA_HOME。请安装 JDK 17 或 21（例如 "
            "`sudo apt-get install openjdk-17-jdk-headless`），或把 JAVA_HOME 指向已安装的 JDK；"
            "也可以设置 RINGSCOPE_NEO4J_URI 改用已有的 Neo4j 服务器。",
            "en": "Java not found: the local Neo4j server needs Java 17 or newer (Neo4j 5.26 "
            "supports 17 and 21), but there is no `java` on PATH and JAVA_HOME is not set. "
            "Install JDK 17 or 21 (for example `sudo apt-get install openjdk-17-jdk-headless`) or "
            "point JAVA_HOME at an installed JDK. To use a Neo4j server you already run instead, "
            "set RINGSCOPE_NEO4J_URI.",
        },
        "neo4j_local.java_not_found": {
            "zh-CN": "找不到 Java 可执行文件 {path}。请安装 JDK 17 或 21（例如 `sudo apt-get "
            "install openjdk-17-jdk-headless`），或把 JAVA_HOME 指向已安装的 JDK；也可以设置 "
            "RINGSCOPE_NEO4J_URI 改用已有的 Neo4j 服务器。",
            "en": "The Java executable {path} does not exist. Install JDK 17 or 21 (for example "
            "`sudo apt-get install openjdk-17-jdk-headless`) or point JAVA_HOME at an installed "
            "JDK. To use a Neo4j server you already run instead, set RINGSCOPE_NEO4J_URI.",
        },
        "neo4j_local.java_unusable": {
            "zh-CN": "无法运行 `{path} -version`：{error}。请安装 JDK 17 或 21（例如 `sudo "
            "apt-get install openjdk-17-jdk-headless`），或把 JAVA_HOME 指向可用的 JDK。",
            "en": "Cannot run `{path} -version`: {error}. Install JDK 17 or 21 (for example `sudo "
            "apt-get install openjdk-17-jdk-headless`) or point JAVA_HOME at a working JDK.",
        },
        "neo4j_local.java_too_old": {
            "zh-CN": "{path} 是 Java {version}，但 Neo4j 5.26 需要 Java {minimum} 或更高版本。"
            "请安装 JDK 17 或 21（例如 `sudo apt-get install openjdk-17-jdk-headless`），并把 "
            "JAVA_HOME 指向它。",
            "en": "{path} is Java {version}, but Neo4j 5.26 needs Java {minimum} or newer. "
            "Install JDK 17 or 21 (for example `sudo apt-get install openjdk-17-jdk-headless`) "
            "and point JAVA_HOME at it.",
        },
        "neo4j_local.java_untested": {
            "zh-CN": "提示：{path} 是 Java {version}；Neo4j 5.26 官方支持的是 Java 17 和 21，"
            "其他版本可以运行，但不在官方支持范围内。",
            "en": "Note: {path} is Java {version}. Neo4j 5.26 supports Java 17 and 21 officially, "
            "so other versions run without Neo4j's support.",
        },
        "neo4j_local.mvn_missing": {
            "zh-CN": "找不到 Maven（`mvn`）：首次启动时需要用它从 Maven Central 下载 Neo4j "
            "{version} 的 jar 包（约 140 MB，只下载一次）。请安装 Maven（例如 `sudo apt-get "
            "install maven`）；也可以设置 RINGSCOPE_NEO4J_URI 改用已有的 Neo4j 服务器。",
            "en": "Maven (`mvn`) not found: the first start uses it to download the Neo4j "
            "{version} jars from Maven Central (about 140 MB, once). Install Maven (for example "
            "`sudo apt-get install maven`). To use a Neo4j server you already run instead, set "
            "RINGSCOPE_NEO4J_URI.",
        },
        "neo4j_local.mvn_not_found": {
            "zh-CN": "找不到 Maven 可执行文件 {path}。请安装 Maven（例如 `sudo apt-get install "
            "maven`）；也可以设置 RINGSCOPE_NEO4J_URI 改用已有的 Neo4j 服务器。",
            "en": "The Maven executable {path} does not exist. Install Maven (for example `sudo "
            "apt-get install maven`). To use a Neo4j server you already run instead, set "
            "RINGSCOPE_NEO4J_URI.",
        },
        # Download of the jars.
        "neo4j_local.downloading": {
            "zh-CN": "正在用 Maven 从 Maven Central 下载 Neo4j {version} 和 Neo4j Browser "
            "{browser_version} 的 jar 包到 {lib_dir}（只需一次）……",
            "en": "Downloading the Neo4j {version} and Neo4j Browser {browser_version} jars from "
            "Maven Central with Maven into {lib_dir} (needed once)...",
        },
        "neo4j_local.downloading_without_browser": {
            "zh-CN": "正在用 Maven 从 Maven Central 下载 Neo4j {version} 的 jar 包到 {lib_dir}"
            "（只需一次，不含 Neo4j Browser）……",
            "en": "Downloading the Neo4j {version} jars, without Neo4j Browser, from Maven Central "
            "with Maven into {lib_dir} (needed once)...",
        },
        "neo4j_local.downloaded": {
            "zh-CN": "已下载 {count} 个 jar 包到 {lib_dir}。",
            "en": "Downloaded {count} jars into {lib_dir}.",
        },
        "neo4j_local.reusing_jars": {
            "zh-CN": "复用 {source} 中已下载的 jar 包（不重新下载）。",
            "en": "Reusing the jars already downloaded in {source} (no new download).",
        },
        "neo4j_local.mvn_failed": {
            "zh-CN": "Maven 下载 Neo4j jar 包失败（退出码 {returncode}，项目文件 {pom}）。"
            "请检查能否访问 Maven Central（或 ~/.m2/settings.xml 中配置的镜像），然后重试。Maven "
            "输出的最后几行：\n{tail}",
            "en": "Maven could not download the Neo4j jars (exit code {returncode}, project file "
            "{pom}). Check that Maven Central (or the mirror in ~/.m2/settings.xml) is reachable, "
            "then try again. Last lines of Maven's output:\n{tail}",
        },
        "neo4j_local.mvn_timeout": {
            "zh-CN": "Maven 在 {seconds} 秒内没有下载完 Neo4j jar 包。请检查网络或 Maven "
            "镜像后重试。",
            "en": "Maven did not finish downloading the Neo4j jars within {seconds} seconds. "
            "Check the network or the Maven mirror and try again.",
        },
        "neo4j_local.mvn_incomplete": {
            "zh-CN": "Maven 执行成功，但 {lib_dir} 中缺少 {missing}。请确认 Neo4j 版本 {version} "
            "存在于 Maven Central（RINGSCOPE_NEO4J_LOCAL_VERSION）。",
            "en": "Maven succeeded but {missing} is missing from {lib_dir}. Check that Neo4j "
            "version {version} exists on Maven Central (RINGSCOPE_NEO4J_LOCAL_VERSION).",
        },
        "neo4j_local.folder_unwritable": {
            "zh-CN": "无法写入 {path}：{error}。请检查该目录的权限，或用 RINGSCOPE_HOME "
            "指定另一个目录。",
            "en": "Cannot write {path}: {error}. Check the folder's permissions or choose another "
            "folder with RINGSCOPE_HOME.",
        },
        # Password.
        "neo4j_local.setting_password": {
            "zh-CN": "首次启动：已生成随机密码并保存到 {password_file}（权限 0600），正在设为 "
            "neo4j 用户的初始密码……",
            "en": "First start: a random password was generated and saved in {password_file} "
            "(mode 0600). Setting it as the initial password of user neo4j...",
        },
        "neo4j_local.initial_password_failed": {
            "zh-CN": "设置初始密码失败（neo4j-admin dbms set-initial-password，退出码 "
            "{returncode}）。输出的最后几行：\n{tail}",
            "en": "Setting the initial password failed (neo4j-admin dbms set-initial-password, "
            "exit code {returncode}). Last lines of its output:\n{tail}",
        },
        "neo4j_local.password_lost": {
            "zh-CN": "数据目录 {data_dir} 已经初始化，但密码文件 {password_file} 不存在，"
            "无法登录。如果有备份，请恢复该文件；否则先停止服务器，删除 {data_dir} "
            "后重新启动（会清空本地图数据）。",
            "en": "The data folder {data_dir} is already initialised but the password file "
            "{password_file} is missing, so nobody can log in. Restore the file from a backup, or "
            "stop the server, delete {data_dir} and start again (this empties the local graph).",
        },
        "neo4j_local.password_file_empty": {
            "zh-CN": "密码文件 {password_file} 是空的。请恢复它；或者删除它和 {data_dir} "
            "后重新启动（会清空本地图数据）。",
            "en": "The password file {password_file} is empty. Restore it, or delete it and "
            "{data_dir} and start again (this empties the local graph).",
        },
        "neo4j_local.password_rejected": {
            "zh-CN": "本地服务器拒绝了 {password_file} 中的密码：{data_dir} "
            "是用另一个密码初始化的。请恢复原来的密码文件；或者停止服务器、删除 {data_dir} "
            "后重新启动（会清空本地图数据）。",
            "en": "The local server rejected the password in {password_file}: {data_dir} was "
            "initialised with another password. Restore the original password file, or stop the "
            "server, delete {data_dir} and start again (this empties the local graph).",
        },
        # Start, stop, status.
        "neo4j_local.port_taken": {
            "zh-CN": "{kind} 端口 {requested} 已被其他进程占用，改用空闲端口 {port}。",
            "en": "{kind} port {requested} is in use by another process, so Neo4j uses free port "
            "{port} instead.",
        },
        "neo4j_local.starting": {
            "zh-CN": "正在启动 Neo4j {version}（Bolt 127.0.0.1:{bolt_port}），最多等待 {seconds} "
            "秒……",
            "en": "Starting Neo4j {version} (Bolt on 127.0.0.1:{bolt_port}), waiting up to "
            "{seconds} seconds...",
        },
        "neo4j_local.spawn_failed": {
            "zh-CN": "无法启动 Java 进程 {java}：{error}",
            "en": "Cannot start the Java process {java}: {error}",
        },
        "neo4j_local.exited": {
            "zh-CN": "Neo4j 在启动过程中退出了（{exit}）。完整日志是 {log}，最后 {lines} 行：\n"
            "{tail}",
            "en": "Neo4j exited while starting ({exit}). The full log is {log}. Its last {lines} "
            "lines:\n{tail}",
        },
        "neo4j_local.exit_code": {
            "zh-CN": "退出码 {code}",
            "en": "exit code {code}",
        },
        "neo4j_local.exit_unknown": {
            "zh-CN": "退出码未知",
            "en": "exit code unknown",
        },
        "neo4j_local.timeout": {
            "zh-CN": "等待 Neo4j 在 {uri} 上接受 Bolt 连接超时（{seconds} 秒），已停止该进程。"
            "可以用 `ringscope neo4j start --wait-seconds` 延长等待时间。完整日志是 {log}，最后 "
            "{lines} 行：\n{tail}",
            "en": "Timed out after {seconds} seconds waiting for Neo4j to accept Bolt connections "
            "on {uri}, so the process was stopped. Allow more time with `ringscope neo4j start "
            "--wait-seconds`. The full log is {log}. Its last {lines} lines:\n{tail}",
        },
        "neo4j_local.running_unreachable": {
            "zh-CN": "本地 Neo4j 进程 {pid} 在运行，但 {uri} 上的 Bolt 在 {seconds} "
            "秒内没有接受连接。请查看日志 {log}，必要时用 `ringscope neo4j stop` 停止后重新启动。"
            "最后 {lines} 行：\n{tail}",
            "en": "The local Neo4j process {pid} is running, but Bolt on {uri} did not accept "
            "connections within {seconds} seconds. Read the log {log}. If needed, stop the server "
            "with `ringscope neo4j stop` and start it again. Its last {lines} lines:\n{tail}",
        },
        "neo4j_local.stop_failed": {
            "zh-CN": "Neo4j 进程 {pid} 在收到 SIGKILL 后仍未退出。请用 `ps -p {pid}` 检查。",
            "en": "The Neo4j process {pid} did not exit even after SIGKILL. Check it with `ps -p "
            "{pid}`.",
        },
        "neo4j_local.not_running": {
            "zh-CN": "本地 Neo4j 服务器没有运行（目录 {home}）。请先运行 `ringscope neo4j start`，"
            "或设置 RINGSCOPE_NEO4J_URI、RINGSCOPE_NEO4J_USER 和 RINGSCOPE_NEO4J_PASSWORD "
            "使用其他服务器。",
            "en": "The local Neo4j server is not running (folder {home}). Run `ringscope neo4j "
            "start` first, or set RINGSCOPE_NEO4J_URI, RINGSCOPE_NEO4J_USER and "
            "RINGSCOPE_NEO4J_PASSWORD to use another server.",
        },
        "neo4j_local.external_password_missing": {
            "zh-CN": "已设置 RINGSCOPE_NEO4J_URI={uri}，但没有设置 RINGSCOPE_NEO4J_PASSWORD。"
            "请设置该服务器的密码；或者删除 RINGSCOPE_NEO4J_URI，改用 `ringscope neo4j start` "
            "启动的本地服务器。",
            "en": "RINGSCOPE_NEO4J_URI={uri} is set but RINGSCOPE_NEO4J_PASSWORD is not. Set that "
            "server's password, or unset RINGSCOPE_NEO4J_URI to use the local server from "
            "`ringscope neo4j start`.",
        },
        # CLI output.
        "neo4j_cli.started": {
            "zh-CN": "本地 Neo4j {version} 已启动（进程 {pid}）。",
            "en": "Local Neo4j {version} started (process {pid}).",
        },
        "neo4j_cli.already_running": {
            "zh-CN": "本地 Neo4j 已在运行（进程 {pid}），没有启动新的进程。",
            "en": "Local Neo4j is already running (process {pid}), so nothing new was started.",
        },
        "neo4j_cli.running": {
            "zh-CN": "本地 Neo4j 正在运行（进程 {pid}）。",
            "en": "Local Neo4j is running (process {pid}).",
        },
        "neo4j_cli.details": {
            "zh-CN": "  Bolt 地址：     {uri}\n  用户名：        {user}\n  密码文件：      "
            "{password_file}（此处不显示密码）\n  Neo4j Browser： {browser}\n  数据：          "
            "{data_dir}\n  日志：          {logs_dir}\n  jar 包：        {lib_dir}",
            "en": "  Bolt URI:      {uri}\n  User:          {user}\n  Password file: "
            "{password_file} (the password is not shown here)\n  Neo4j Browser: {browser}\n  "
            "Data:          {data_dir}\n  Logs:          {logs_dir}\n  Jars:          {lib_dir}",
        },
        "neo4j_cli.browser_not_served": {
            "zh-CN": "未提供（没有配置 Neo4j Browser 版本，HTTP 已关闭）",
            "en": "not served (no Neo4j Browser version configured, HTTP is off)",
        },
        "neo4j_cli.stopped": {
            "zh-CN": "本地 Neo4j 已停止（进程 {pid}）。",
            "en": "Local Neo4j stopped (process {pid}).",
        },
        "neo4j_cli.was_not_running": {
            "zh-CN": "本地 Neo4j 没有在运行（目录 {home}），无需停止。",
            "en": "Local Neo4j was not running (folder {home}), so nothing was stopped.",
        },
        "neo4j_cli.status_not_running": {
            "zh-CN": "本地 Neo4j 没有在运行（目录 {home}）。用 `ringscope neo4j start` 启动。",
            "en": "Local Neo4j is not running (folder {home}). Start it with `ringscope neo4j "
            "start`.",
        },
    }
)

register(
    {
        "neo4j_cli.installed": {
            "zh-CN": "Neo4j {version} 的 jar 包已就绪：{lib_dir}",
            "en": "The Neo4j {version} jars are ready in {lib_dir}",
        },
    }
)
