"""A real local Neo4j 5.26 Community server, assembled from Maven Central and run without Docker.

:class:`LocalNeo4j` owns one home folder (by default ``<RingScope home>/neo4j``)::

    lib/         the Neo4j and Neo4j Browser jars, copied by ``mvn dependency:copy-dependencies``
    pom.xml      the throwaway Maven project that names those jars
    conf/        neo4j.conf, rewritten at every start (loopback only, strict validation)
    data/        databases and transaction logs
    logs/        console.log (the JVM's stdout and stderr), neo4j.log, debug.log, ...
    run/         ringscope-server.json (pid and ports of the running server) and lock files
    password     the generated password of user ``neo4j`` (mode 0600, never printed or logged)

The server runs as ``java -cp 'lib/*' org.neo4j.server.CommunityEntryPoint --console-mode`` in
its own session, so it outlives the command that started it. :func:`resolve_connection`
returns the server every other component connects to: the external server named by
``RINGSCOPE_NEO4J_URI``, or else this local one.
"""

from __future__ import annotations

import contextlib
import dataclasses
import fcntl
import json
import logging
import os
import re
import secrets
import shutil
import signal
import socket
import string
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from neo4j import GraphDatabase
from neo4j.exceptions import AuthError, DriverError, Neo4jError

from ringscope import neo4j_messages  # noqa: F401  (registers this module's messages)
from ringscope.errors import ConfigurationError, LocalNeo4jError, Neo4jUnavailableError
from ringscope.i18n import translate
from ringscope.settings import Neo4jSettings, default_home, get_home

logger = logging.getLogger(__name__)

Progress = Callable[[str], None]
"""Callback for one line of progress text, already translated into the reader's language."""

LOCAL_USER: Final = "neo4j"
LOOPBACK: Final = "127.0.0.1"
MIN_JAVA_MAJOR: Final = 17
SUPPORTED_JAVA_MAJORS: Final = (17, 21)
ENTRY_POINT: Final = "org.neo4j.server.CommunityEntryPoint"
ADMIN_TOOL: Final = "org.neo4j.cli.AdminTool"
LOG_TAIL_LINES: Final = 20
DEFAULT_WAIT_SECONDS: Final = 120.0
DEFAULT_STOP_TIMEOUT_SECONDS: Final = 30.0
MVN_TIMEOUT_SECONDS: Final = 900.0

# The server.jvm.additional options of the neo4j.conf that Neo4j 5 packages ship, which the
# official launcher passes to the JVM. -XX:+AlwaysPreTouch is left out because it commits the
# whole heap at start, which costs time and memory on a laptop and does not help one user.
JVM_OPTIONS: Final = (
    "-XX:+UseG1GC",
    "-XX:-OmitStackTraceInFastThrow",
    "-XX:+UnlockExperimentalVMOptions",
    "-XX:+TrustFinalNonStaticFields",
    "-XX:+DisableExplicitGC",
    "-Djdk.nio.maxCachedBufferSize=1024",
    "-Dio.netty.tryReflectionSetAccessible=true",
    "-Djdk.tls.ephemeralDHKeySize=2048",
    "-Djdk.tls.rejectClientInitiatedRenegotiation=true",
    "-XX:FlightRecorderOptions=stackdepth=256",
    "-XX:+UnlockDiagnosticVMOptions",
    "-XX:+DebugNonSafepoints",
    "--add-opens=java.base/java.nio=ALL-UNNAMED",
    "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
    "--enable-native-access=ALL-UNNAMED",
    "-Dlog4j2.disable.jmx=true",
    "-Dlog4j.layout.jsonTemplate.maxStringLength=32768",
    "-Dfile.encoding=UTF-8",
)

_STATE_FILE = "ringscope-server.json"
_INSTALL_MARKER = "ringscope-install.json"
_PASSWORD_ALPHABET = string.ascii_letters + string.digits
_JAVA_VERSION = re.compile(r'version "(\d+)(?:\.(\d+))?')
_ANSI_ESCAPE = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


@dataclass(frozen=True)
class LocalServerInfo:
    """Address and credentials of the running local server. ``repr`` hides the password."""

    uri: str
    bolt_port: int
    http_port: int | None
    user: str
    password: str = field(repr=False)
    pid: int
    home: Path
    browser_url: str | None
    port_note: str | None = None


@dataclass(frozen=True)
class ConnectionInfo:
    """Address and credentials of the Neo4j server to use. ``repr`` hides the password."""

    uri: str
    user: str
    password: str = field(repr=False)
    database: str
    is_local: bool


@dataclass(frozen=True)
class _ServerState:
    """Contents of run/ringscope-server.json: the pid and ports of the server we started."""

    pid: int
    bolt_port: int
    http_port: int | None
    requested_bolt_port: int
    requested_http_port: int | None

    def to_json(self) -> str:
        return json.dumps(dataclasses.asdict(self), indent=2) + "\n"

    @classmethod
    def from_json(cls, text: str) -> _ServerState:
        raw = json.loads(text)
        return cls(
            pid=int(raw["pid"]),
            bolt_port=int(raw["bolt_port"]),
            http_port=None if raw["http_port"] is None else int(raw["http_port"]),
            requested_bolt_port=int(raw["requested_bolt_port"]),
            requested_http_port=(
                None if raw["requested_http_port"] is None else int(raw["requested_http_port"])
            ),
        )


def shared_lib_dir() -> Path:
    """Return the jar folder of the default home, which other homes reuse instead of downloading."""
    return default_home() / "neo4j" / "lib"


class LocalNeo4j:
    """Assemble, start, stop and report one local Neo4j server whose files live in ``home``.

    ``lib_dir`` moves the jars elsewhere, so that tests can point several homes at one copy.
    ``java`` and ``mvn`` replace the executables found through JAVA_HOME and PATH.
    ``extra_config`` adds neo4j.conf settings after RingScope's own and may override them.
    """

    def __init__(
        self,
        settings: Neo4jSettings | None = None,
        *,
        home: Path | None = None,
        lib_dir: Path | None = None,
        java: Path | str | None = None,
        mvn: Path | str | None = None,
        heap_mb: int | None = None,
        pagecache_mb: int | None = None,
        extra_config: Mapping[str, str] | None = None,
    ) -> None:
        self.settings = settings if settings is not None else Neo4jSettings()
        self.home = (home if home is not None else get_home() / "neo4j").expanduser().resolve()
        self.lib_dir = (
            (lib_dir if lib_dir is not None else self.home / "lib").expanduser().resolve()
        )
        self._java_override = None if java is None else Path(java)
        self._mvn_override = None if mvn is None else Path(mvn)
        self.heap_mb = heap_mb if heap_mb is not None else self.settings.local_heap_mb
        self.pagecache_mb = (
            pagecache_mb if pagecache_mb is not None else self.settings.local_pagecache_mb
        )
        self.extra_config = dict(extra_config or {})
        self._java_checked: Path | None = None

    # Paths inside the home folder.

    @property
    def conf_dir(self) -> Path:
        return self.home / "conf"

    @property
    def data_dir(self) -> Path:
        return self.home / "data"

    @property
    def logs_dir(self) -> Path:
        return self.home / "logs"

    @property
    def run_dir(self) -> Path:
        return self.home / "run"

    @property
    def password_file(self) -> Path:
        return self.home / "password"

    @property
    def console_log(self) -> Path:
        return self.logs_dir / "console.log"

    @property
    def pom_file(self) -> Path:
        return self.home / "pom.xml"

    @property
    def version(self) -> str:
        return self.settings.local_version

    @property
    def browser_version(self) -> str | None:
        """The Neo4j Browser jar version; None (no Browser, no HTTP) when set to an empty string."""
        return self.settings.local_browser_version.strip() or None

    # Installation.

    def is_installed(self) -> bool:
        """Return whether ``lib_dir`` contains every jar of the configured versions."""
        return _installed_jars(self.lib_dir, self.version, self.browser_version) is not None

    def ensure_installed(self, progress: Progress | None = None) -> None:
        """Check Java, then make sure the jars are in ``lib_dir``; download them once with Maven.

        The jars of the default home (:func:`shared_lib_dir`) are linked instead of downloaded
        when they match, so a second home costs no second download.

        Raises:
            LocalNeo4jError: Java 17+ or Maven is missing, or Maven failed (with its output tail).
        """
        self.check_java(progress)
        if self.is_installed():
            logger.debug("neo4j jars present in %s", self.lib_dir)
            return

        lock = self.lib_dir.parent / f".{self.lib_dir.name}.lock"
        with _exclusive_lock(lock):
            # Another process may have finished the download while this one waited for the lock.
            if self.is_installed():
                return

            shared = shared_lib_dir().resolve()
            shared_jars = _installed_jars(shared, self.version, self.browser_version)
            if shared != self.lib_dir and shared_jars is not None:
                _report_progress(progress, "neo4j_local.reusing_jars", source=shared)
                self._replace_lib_dir(lambda staging: _link_jars(shared, shared_jars, staging))
                logger.info("linked %d neo4j jars from %s", len(shared_jars), shared)
                return

            mvn = self._mvn()
            if self.browser_version:
                _report_progress(
                    progress,
                    "neo4j_local.downloading",
                    version=self.version,
                    browser_version=self.browser_version,
                    lib_dir=self.lib_dir,
                )
            else:
                _report_progress(
                    progress,
                    "neo4j_local.downloading_without_browser",
                    version=self.version,
                    lib_dir=self.lib_dir,
                )
            self._write_private_text(self.pom_file, self._render_pom(), mode=0o644)
            self._replace_lib_dir(lambda staging: self._run_maven(mvn, staging))
            count = len(list(self.lib_dir.glob("*.jar")))
            logger.info("downloaded %d neo4j jars into %s", count, self.lib_dir)
            _report_progress(progress, "neo4j_local.downloaded", count=count, lib_dir=self.lib_dir)

    def _replace_lib_dir(self, fill: Callable[[Path], None]) -> None:
        # Jars are assembled in a sibling folder and swapped in whole, so an interrupted
        # download never leaves a half-filled lib/ that looks installed.
        try:
            self.lib_dir.parent.mkdir(parents=True, exist_ok=True)
            staging = Path(
                tempfile.mkdtemp(prefix=f".{self.lib_dir.name}-", dir=self.lib_dir.parent)
            )
        except OSError as err:
            raise LocalNeo4jError(
                "neo4j_local.folder_unwritable", path=self.lib_dir.parent, error=err.strerror
            ) from err
        try:
            fill(staging)
            jars = sorted(path.name for path in staging.glob("*.jar"))
            missing = _missing_jars(jars, self.version, self.browser_version)
            if missing:
                raise LocalNeo4jError(
                    "neo4j_local.mvn_incomplete",
                    lib_dir=self.lib_dir,
                    missing=", ".join(missing),
                    version=self.version,
                )
            marker = {
                "neo4j_version": self.version,
                "browser_version": self.browser_version,
                "jars": jars,
            }
            (staging / _INSTALL_MARKER).write_text(json.dumps(marker, indent=2) + "\n", "utf-8")
            staging.chmod(0o755)
            if self.lib_dir.exists():
                retired = self.lib_dir.with_name(f".{self.lib_dir.name}-old-{os.getpid()}")
                self.lib_dir.rename(retired)
                shutil.rmtree(retired, ignore_errors=True)
            staging.rename(self.lib_dir)
        finally:
            shutil.rmtree(staging, ignore_errors=True)

    def _run_maven(self, mvn: Path, output_dir: Path) -> None:
        command = [
            str(mvn),
            "-B",
            "-q",
            "-Dstyle.color=never",
            "-f",
            str(self.pom_file),
            "dependency:copy-dependencies",
            f"-DoutputDirectory={output_dir}",
            "-DincludeScope=runtime",
        ]
        env = dict(os.environ)
        if "JAVA_HOME" not in env:
            # Maven finds Java through JAVA_HOME or PATH; hand it the one we already checked.
            env["JAVA_HOME"] = str(self.check_java().resolve().parent.parent)
        logger.info("running maven: %s", " ".join(command))
        try:
            result = subprocess.run(
                command,
                env=env,
                stdin=subprocess.DEVNULL,
                capture_output=True,
                text=True,
                errors="replace",
                timeout=MVN_TIMEOUT_SECONDS,
                check=False,
            )
        except subprocess.TimeoutExpired as err:
            raise LocalNeo4jError(
                "neo4j_local.mvn_timeout", seconds=int(MVN_TIMEOUT_SECONDS)
            ) from err
        except OSError as err:
            raise LocalNeo4jError("neo4j_local.mvn_not_found", path=mvn) from err
        if result.returncode != 0:
            output = _ANSI_ESCAPE.sub("", result.stdout + result.stderr)
            logger.info("maven failed with exit code %d", result.returncode)
            raise LocalNeo4jError(
                "neo4j_local.mvn_failed",
                returncode=result.returncode,
                pom=self.pom_file,
                tail=_tail(output.splitlines(), LOG_TAIL_LINES),
            )

    def _render_pom(self) -> str:
        dependencies = [("org.neo4j", "neo4j", self.version)]
        if self.browser_version:
            dependencies.append(("org.neo4j.client", "neo4j-browser", self.browser_version))
        lines = "\n".join(
            f"    <dependency><groupId>{group}</groupId><artifactId>{artifact}</artifactId>"
            f"<version>{version}</version></dependency>"
            for group, artifact, version in dependencies
        )
        return (
            "<!-- Written by RingScope: names the jars of the local Neo4j server. -->\n"
            '<project xmlns="http://maven.apache.org/POM/4.0.0">\n'
            "  <modelVersion>4.0.0</modelVersion>\n"
            "  <groupId>local.ringscope</groupId>\n"
            "  <artifactId>ringscope-local-neo4j</artifactId>\n"
            "  <version>1</version>\n"
            "  <packaging>pom</packaging>\n"
            "  <dependencies>\n"
            f"{lines}\n"
            "  </dependencies>\n"
            "</project>\n"
        )

    # Java and Maven.

    def check_java(self, progress: Progress | None = None) -> Path:
        """Return the Java executable the server will use, checked once per instance.

        JAVA_HOME wins over PATH; the ``java`` argument of the constructor wins over both.

        Raises:
            LocalNeo4jError: no Java, a path that does not exist, or a Java older than 17.
        """
        if self._java_checked is not None:
            return self._java_checked

        if self._java_override is not None:
            java = self._java_override
        elif os.environ.get("JAVA_HOME"):
            java = Path(os.environ["JAVA_HOME"]) / "bin" / "java"
        else:
            found = shutil.which("java")
            if found is None:
                raise LocalNeo4jError("neo4j_local.java_missing")
            java = Path(found)
        if not java.is_file():
            raise LocalNeo4jError("neo4j_local.java_not_found", path=java)

        try:
            result = subprocess.run(
                [str(java), "-version"],
                stdin=subprocess.DEVNULL,
                capture_output=True,
                text=True,
                errors="replace",
                timeout=60,
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired) as err:
            raise LocalNeo4jError("neo4j_local.java_unusable", path=java, error=err) from err
        banner = result.stderr + result.stdout
        match = _JAVA_VERSION.search(banner)
        if result.returncode != 0 or match is None:
            first_line = banner.strip().splitlines()[0] if banner.strip() else result.returncode
            raise LocalNeo4jError("neo4j_local.java_unusable", path=java, error=first_line)
        major = int(match.group(1))
        if major == 1 and match.group(2):  # "1.8.0_392" style
            major = int(match.group(2))
        if major < MIN_JAVA_MAJOR:
            raise LocalNeo4jError(
                "neo4j_local.java_too_old", path=java, version=major, minimum=MIN_JAVA_MAJOR
            )
        if major not in SUPPORTED_JAVA_MAJORS:
            logger.info("java %s is version %d; neo4j 5.26 supports 17 and 21", java, major)
            _report_progress(progress, "neo4j_local.java_untested", path=java, version=major)

        logger.debug("using java %s (version %d)", java, major)
        self._java_checked = java.absolute()
        return self._java_checked

    def _mvn(self) -> Path:
        if self._mvn_override is not None:
            if not self._mvn_override.is_file():
                raise LocalNeo4jError("neo4j_local.mvn_not_found", path=self._mvn_override)
            return self._mvn_override.absolute()
        found = shutil.which("mvn")
        if found is None:
            raise LocalNeo4jError("neo4j_local.mvn_missing", version=self.version)
        return Path(found)

    # Start, stop, status.

    def start(
        self,
        bolt_port: int | None = None,
        http_port: int | None = None,
        wait_seconds: float = DEFAULT_WAIT_SECONDS,
        progress: Progress | None = None,
    ) -> LocalServerInfo:
        """Start the server unless it is running, and return its address once Bolt accepts logins.

        ``bolt_port`` and ``http_port`` default to the settings, and 0 requests any free port.
        A port that another process uses is replaced by a free one, reported through
        ``progress`` and in :attr:`LocalServerInfo.port_note`.

        Raises:
            LocalNeo4jError: Java or Maven is missing, the download failed, or the server exited
                or did not accept Bolt connections within ``wait_seconds`` (the message ends
                with the tail of its log).
        """
        with _exclusive_lock(self.run_dir / "start.lock"):
            state = self._running_state()
            if state is not None:
                info = self._info(state)
                logger.info("local neo4j already running, pid %d", state.pid)
                self._wait_for_bolt(info, wait_seconds, spawned=False)
                return info

            self.ensure_installed(progress)
            java = self.check_java()
            for folder in (self.conf_dir, self.data_dir, self.logs_dir, self.run_dir):
                _make_dir(folder)

            serve_http = self.browser_version is not None
            requested_bolt = self.settings.local_bolt_port if bolt_port is None else bolt_port
            requested_http: int | None = None
            if serve_http:
                requested_http = self.settings.local_http_port if http_port is None else http_port
            bolt, http = _choose_ports(requested_bolt, requested_http)
            state = _ServerState(0, bolt, http, requested_bolt, requested_http)
            note = _port_note(state)
            if note:
                logger.info(
                    "ports in use: bolt %d -> %d, http %s -> %s",
                    requested_bolt,
                    bolt,
                    requested_http,
                    http,
                )
                if progress is not None:
                    progress(note)
            self._write_private_text(self.conf_dir / "neo4j.conf", self._render_config(bolt, http))
            password = self._prepare_password(java, progress)

            _report_progress(
                progress,
                "neo4j_local.starting",
                version=self.version,
                bolt_port=bolt,
                seconds=int(wait_seconds),
            )
            pid = self._spawn(java)
            state = _ServerState(
                pid, bolt, http, state.requested_bolt_port, state.requested_http_port
            )
            self._write_state(state)
            info = self._info(state, password)
            try:
                self._wait_for_bolt(info, wait_seconds, spawned=True)
            except BaseException:
                # Whatever went wrong (including Ctrl-C), leave no half-started server behind.
                with contextlib.suppress(LocalNeo4jError):
                    _terminate(pid, DEFAULT_STOP_TIMEOUT_SECONDS)
                self._remove_state()
                raise
            logger.info("local neo4j started, pid %d, bolt port %d", pid, bolt)
            return info

    def stop(self, timeout_seconds: float = DEFAULT_STOP_TIMEOUT_SECONDS) -> bool:
        """Stop our server with SIGTERM, then SIGKILL after ``timeout_seconds``.

        Returns False when no server of this home was running.

        Raises:
            LocalNeo4jError: the process survived SIGKILL.
        """
        with _exclusive_lock(self.run_dir / "start.lock"):
            state = self._running_state()
            if state is None:
                return False
            logger.info("stopping local neo4j, pid %d", state.pid)
            _terminate(state.pid, timeout_seconds)
            self._remove_state()
            logger.info("local neo4j stopped, pid %d", state.pid)
            return True

    def status(self) -> LocalServerInfo | None:
        """Return our running server, or None after removing a stale state file."""
        state = self._running_state()
        return None if state is None else self._info(state)

    # Helpers for start, stop and status.

    def _running_state(self) -> _ServerState | None:
        path = self.run_dir / _STATE_FILE
        try:
            state = _ServerState.from_json(path.read_text("utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError, KeyError, TypeError):
            logger.warning("removing unreadable %s", path)
            self._remove_state()
            return None
        if not self._owns_process(state.pid):
            logger.info("removing stale %s (pid %d is not our neo4j)", path, state.pid)
            self._remove_state()
            return None
        return state

    def _owns_process(self, pid: int) -> bool:
        """Return whether ``pid`` is alive and is the Neo4j JVM of this home folder."""
        _reap(pid)
        args = _command_line(pid)
        if not args:
            return False
        home_arg = f"--home-dir={self.home}"
        if len(args) > 1:
            return ENTRY_POINT in args and home_arg in args
        joined = f" {args[0]} "  # ps prints the whole command line as one string
        return f" {ENTRY_POINT} " in joined and f" {home_arg} " in joined

    def _info(self, state: _ServerState, password: str | None = None) -> LocalServerInfo:
        http = state.http_port
        return LocalServerInfo(
            uri=f"bolt://{LOOPBACK}:{state.bolt_port}",
            bolt_port=state.bolt_port,
            http_port=http,
            user=LOCAL_USER,
            password=password if password is not None else self._read_password(),
            pid=state.pid,
            home=self.home,
            browser_url=None if http is None else f"http://{LOOPBACK}:{http}/browser/",
            port_note=_port_note(state),
        )

    def _write_state(self, state: _ServerState) -> None:
        path = self.run_dir / _STATE_FILE
        partial = path.with_suffix(".tmp")
        partial.write_text(state.to_json(), "utf-8")
        partial.replace(path)

    def _remove_state(self) -> None:
        with contextlib.suppress(FileNotFoundError):
            (self.run_dir / _STATE_FILE).unlink()

    def _render_config(self, bolt_port: int, http_port: int | None) -> str:
        settings: dict[str, str] = {
            "server.directories.data": str(self.data_dir),
            "server.directories.logs": str(self.logs_dir),
            "server.directories.run": str(self.run_dir),
            "server.directories.import": str(self.home / "import"),
            "server.default_listen_address": LOOPBACK,
            "server.default_advertised_address": LOOPBACK,
            "server.bolt.enabled": "true",
            "server.bolt.listen_address": f"{LOOPBACK}:{bolt_port}",
            "server.bolt.advertised_address": f"{LOOPBACK}:{bolt_port}",
            "server.http.enabled": "false" if http_port is None else "true",
            "server.https.enabled": "false",
            "dbms.security.auth_enabled": "true",
            "server.memory.heap.initial_size": f"{self.heap_mb}m",
            "server.memory.heap.max_size": f"{self.heap_mb}m",
            "server.memory.pagecache.size": f"{self.pagecache_mb}m",
            "server.config.strict_validation.enabled": "true",
            # Nothing leaves the machine: no usage reports, no Browser telemetry.
            "dbms.usage_report.enabled": "false",
            "client.allow_telemetry": "false",
            # Without this, a stop takes about 10 s, because debug.log shows Bolt's Netty shutdown
            # waiting a 5 s quiet period twice. A local server has no traffic worth that wait.
            # NOTE: an internal setting of Neo4j 5.26. Strict validation stops the server with
            # "Unrecognized setting" if a later version drops it, so remove it then.
            "internal.dbms.bolt.netty_server_shutdown_quiet_period": "0",
        }
        if http_port is not None:
            settings["server.http.listen_address"] = f"{LOOPBACK}:{http_port}"
            settings["server.http.advertised_address"] = f"{LOOPBACK}:{http_port}"
        settings.update(self.extra_config)
        header = "# Written by RingScope at every `ringscope neo4j start`; edits are overwritten.\n"
        return header + "".join(f"{key}={value}\n" for key, value in settings.items())

    def _prepare_password(self, java: Path, progress: Progress | None) -> str:
        """Return the password of user neo4j, setting it as the initial one before a first start."""
        initialised = (self.data_dir / "databases" / "system").exists()
        if self.password_file.exists():
            password = self._read_password()
            if initialised:
                return password
        else:
            if initialised:
                raise LocalNeo4jError(
                    "neo4j_local.password_lost",
                    password_file=self.password_file,
                    data_dir=self.data_dir,
                )
            password = "".join(secrets.choice(_PASSWORD_ALPHABET) for _ in range(32))
            self._write_private_text(self.password_file, password + "\n")
            _report_progress(
                progress, "neo4j_local.setting_password", password_file=self.password_file
            )

        # The system database does not exist yet, so the initial password still takes effect.
        # Running it again before a first start (after an interrupted one) is harmless.
        self._set_initial_password(java, password)
        return password

    def _set_initial_password(self, java: Path, password: str) -> None:
        # picocli, which parses neo4j-admin's arguments, expands "@file" into the file's words.
        # So the password reaches the command without appearing in the process list.
        args_file = self.run_dir / "initial-password.args"
        self._write_private_text(args_file, password + "\n")
        command = [
            str(java),
            "-Xmx256m",
            "-cp",
            str(self.lib_dir / "*"),
            ADMIN_TOOL,
            "dbms",
            "set-initial-password",
            f"@{args_file}",
        ]
        env = dict(os.environ, NEO4J_HOME=str(self.home), NEO4J_CONF=str(self.conf_dir))
        logger.info("setting the initial password of user %s", LOCAL_USER)
        try:
            result = subprocess.run(
                command,
                env=env,
                stdin=subprocess.DEVNULL,
                capture_output=True,
                text=True,
                errors="replace",
                timeout=300,
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired) as err:
            raise LocalNeo4jError("neo4j_local.spawn_failed", java=java, error=err) from err
        finally:
            args_file.unlink(missing_ok=True)
        if result.returncode != 0 or not (self.data_dir / "dbms" / "auth.ini").exists():
            output = (result.stdout + result.stderr).replace(password, "<password>")
            raise LocalNeo4jError(
                "neo4j_local.initial_password_failed",
                returncode=result.returncode,
                tail=_tail(output.splitlines(), LOG_TAIL_LINES),
            )

    def _read_password(self) -> str:
        try:
            password = self.password_file.read_text("utf-8").strip()
        except FileNotFoundError as err:
            raise LocalNeo4jError(
                "neo4j_local.password_lost",
                password_file=self.password_file,
                data_dir=self.data_dir,
            ) from err
        if not password:
            raise LocalNeo4jError(
                "neo4j_local.password_file_empty",
                password_file=self.password_file,
                data_dir=self.data_dir,
            )
        return password

    def _write_private_text(self, path: Path, text: str, mode: int = 0o600) -> None:
        """Write ``text`` to ``path``, creating the file with ``mode`` so others never read it."""
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(text)
            path.chmod(mode)
        except OSError as err:
            raise LocalNeo4jError(
                "neo4j_local.folder_unwritable", path=path, error=err.strerror
            ) from err

    def _spawn(self, java: Path) -> int:
        """Start the JVM in its own session with output in logs/console.log; return its pid."""
        if self.console_log.exists():
            self.console_log.replace(self.console_log.with_suffix(".log.previous"))
        command = [
            str(java),
            "-cp",
            str(self.lib_dir / "*"),
            f"-Xms{self.heap_mb}m",
            f"-Xmx{self.heap_mb}m",
            *JVM_OPTIONS,
            ENTRY_POINT,
            f"--home-dir={self.home}",
            f"--config-dir={self.conf_dir}",
            "--console-mode",
        ]
        env = dict(os.environ, NEO4J_HOME=str(self.home), NEO4J_CONF=str(self.conf_dir))
        # posix_spawn rather than subprocess.Popen: the server must outlive this process, and a
        # Popen object would warn about a child still running when it is garbage-collected.
        actions = [
            (os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0),
            (
                os.POSIX_SPAWN_OPEN,
                1,
                str(self.console_log),
                os.O_WRONLY | os.O_CREAT | os.O_TRUNC,
                0o644,
            ),
            (os.POSIX_SPAWN_DUP2, 1, 2),
        ]
        logger.info("starting %s with home %s", ENTRY_POINT, self.home)
        try:
            pid = os.posix_spawn(str(java), command, env, file_actions=actions, setsid=True)
        except OSError as err:
            raise LocalNeo4jError("neo4j_local.spawn_failed", java=java, error=err) from err
        return pid

    def _wait_for_bolt(self, info: LocalServerInfo, wait_seconds: float, spawned: bool) -> None:
        """Return once Bolt accepts the password; raise with the log tail if it never does."""
        deadline = time.monotonic() + wait_seconds
        last_error: Exception | None = None
        with GraphDatabase.driver(
            info.uri,
            auth=(info.user, info.password),
            connection_timeout=2.0,
            max_connection_pool_size=1,
        ) as driver:
            while True:
                alive, exit_status = _poll_child(info.pid)
                if alive is None:  # another process started it, so check its command line
                    alive = self._owns_process(info.pid)
                if not alive:
                    self._remove_state()
                    exit_text = (
                        translate("neo4j_local.exit_unknown")
                        if exit_status is None
                        else translate("neo4j_local.exit_code", code=exit_status)
                    )
                    logger.info("local neo4j exited while starting (%s)", exit_text)
                    raise LocalNeo4jError(
                        "neo4j_local.exited",
                        exit=exit_text,
                        log=self.console_log,
                        lines=LOG_TAIL_LINES,
                        tail=_file_tail(self.console_log, LOG_TAIL_LINES),
                    )

                try:
                    driver.verify_connectivity()
                    return
                except AuthError as err:
                    logger.info("local neo4j rejected the stored password")
                    raise LocalNeo4jError(
                        "neo4j_local.password_rejected",
                        password_file=self.password_file,
                        data_dir=self.data_dir,
                    ) from err
                except (DriverError, Neo4jError, OSError) as err:
                    # Bolt is not listening yet, or the databases are still coming up.
                    last_error = err

                if time.monotonic() >= deadline:
                    logger.info("bolt connection timed out: %r", last_error)
                    raise LocalNeo4jError(
                        "neo4j_local.timeout" if spawned else "neo4j_local.running_unreachable",
                        seconds=round(wait_seconds),
                        uri=info.uri,
                        pid=info.pid,
                        log=self.console_log,
                        lines=LOG_TAIL_LINES,
                        tail=_file_tail(self.console_log, LOG_TAIL_LINES),
                    ) from last_error
                time.sleep(0.5)


def resolve_connection(
    settings: Neo4jSettings | None = None, *, local: LocalNeo4j | None = None
) -> ConnectionInfo:
    """Return the server to use: RINGSCOPE_NEO4J_URI when set, else the running local server.

    ``local`` picks the local server to ask (default: the one in the RingScope home).

    Raises:
        ConfigurationError: RINGSCOPE_NEO4J_URI is set without RINGSCOPE_NEO4J_PASSWORD.
        Neo4jUnavailableError: no URI is set and the local server is not running.
    """
    settings = settings if settings is not None else Neo4jSettings()

    if settings.uri:
        password = settings.password.get_secret_value() if settings.password is not None else ""
        if not password:
            raise ConfigurationError("neo4j_local.external_password_missing", uri=settings.uri)
        return ConnectionInfo(settings.uri, settings.user, password, settings.database, False)

    server = local if local is not None else LocalNeo4j(settings)
    info = server.status()
    if info is None:
        raise Neo4jUnavailableError("neo4j_local.not_running", home=server.home)
    return ConnectionInfo(info.uri, info.user, info.password, settings.database, True)


# Module helpers: ports, processes, files.


def _report_progress(progress: Progress | None, key: str, **params: Any) -> None:
    if progress is not None:
        progress(translate(key, **params))


def _port_note(state: _ServerState) -> str | None:
    notes = []
    if state.requested_bolt_port not in (0, state.bolt_port):
        notes.append(
            translate(
                "neo4j_local.port_taken",
                kind="Bolt",
                requested=state.requested_bolt_port,
                port=state.bolt_port,
            )
        )
    if state.requested_http_port not in (None, 0, state.http_port):
        notes.append(
            translate(
                "neo4j_local.port_taken",
                kind="HTTP",
                requested=state.requested_http_port,
                port=state.http_port,
            )
        )
    return " ".join(notes) or None


def _choose_ports(bolt_port: int, http_port: int | None) -> tuple[int, int | None]:
    """Return the requested ports that are free on loopback, with busy ones and 0 replaced."""
    with contextlib.ExitStack() as held:
        # Each kept or picked port stays bound until both are chosen, so the two never collide.
        chosen: list[int | None] = []
        for requested in (bolt_port, http_port):
            if requested is None:
                chosen.append(None)
                continue
            sock = _bind_loopback(requested) if requested else None
            if sock is None:
                sock = _bind_loopback(0)
            if sock is None:  # pragma: no cover - only when the loopback interface is down
                raise OSError("no free port on 127.0.0.1")
            held.enter_context(sock)
            chosen.append(int(sock.getsockname()[1]))
    bolt = chosen[0]
    assert bolt is not None
    return bolt, chosen[1]


def _bind_loopback(port: int) -> socket.socket | None:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    # SO_REUSEADDR, which Neo4j also sets on its listeners, makes a port left in TIME_WAIT by
    # our previous server count as free. A port that another process listens on still fails.
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((LOOPBACK, port))
    except OSError:
        sock.close()
        return None
    return sock


def _poll_child(pid: int) -> tuple[bool | None, int | None]:
    """Return (alive, exit code) of our own child, and collect it once it has exited.

    Return (None, None) for a process that this one did not start, so the caller must check
    its command line instead. For our own child, waitpid is preferred because /proc showed an
    empty command line for a moment right after the spawn.
    """
    try:
        reaped, status = os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        return None, None
    if reaped == 0:
        return True, None
    return False, os.waitstatus_to_exitcode(status)


def _reap(pid: int) -> None:
    """Collect ``pid`` if it is our exited child, so that it stops showing as a zombie."""
    _poll_child(pid)


def _command_line(pid: int) -> list[str]:
    """Return the arguments of a live process, or [] (zombies have none).

    From /proc, each argument is one item. From ps, on systems without /proc, the whole
    command line is a single item.
    """
    if Path("/proc/self").exists():
        try:
            raw = Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            return []
        return [arg.decode("utf-8", "replace") for arg in raw.split(b"\0") if arg]
    try:  # pragma: no cover - macOS and other systems without /proc
        result = subprocess.run(
            ["ps", "-ww", "-o", "command=", "-p", str(pid)],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):  # pragma: no cover
        return []
    line = result.stdout.strip()  # pragma: no cover
    return [line] if line else []  # pragma: no cover


def _alive(pid: int) -> bool:
    alive, _ = _poll_child(pid)
    return alive if alive is not None else bool(_command_line(pid))


def _terminate(pid: int, timeout_seconds: float) -> None:
    """SIGTERM ``pid``, wait up to ``timeout_seconds``, then SIGKILL and wait again."""
    for sig, wait in ((signal.SIGTERM, timeout_seconds), (signal.SIGKILL, 10.0)):
        try:
            os.kill(pid, sig)
        except ProcessLookupError:
            return
        if sig == signal.SIGKILL:
            logger.warning(
                "neo4j pid %d ignored SIGTERM for %.0f s; sent SIGKILL", pid, timeout_seconds
            )
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            if not _alive(pid):
                return
            time.sleep(0.1)
    if _alive(pid):
        raise LocalNeo4jError("neo4j_local.stop_failed", pid=pid)


def _make_dir(path: Path) -> None:
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise LocalNeo4jError(
            "neo4j_local.folder_unwritable", path=path, error=err.strerror
        ) from err


@contextlib.contextmanager
def _exclusive_lock(path: Path) -> Iterator[None]:
    """Hold an exclusive advisory lock on ``path`` (created if needed) for the block."""
    _make_dir(path.parent)
    with path.open("a") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def _tail(lines: list[str], count: int) -> str:
    return "\n".join(lines[-count:])


def _file_tail(path: Path, count: int) -> str:
    try:
        with path.open("r", encoding="utf-8", errors="replace") as handle:
            return _tail(handle.read().splitlines(), count)
    except OSError as err:
        return f"({path}: {err.strerror})"


def _required_jars(version: str, browser_version: str | None) -> list[str]:
    jars = [f"neo4j-{version}.jar", f"neo4j-server-{version}.jar", f"neo4j-security-{version}.jar"]
    if browser_version:
        jars.append(f"neo4j-browser-{browser_version}.jar")
    return jars


def _missing_jars(jars: list[str], version: str, browser_version: str | None) -> list[str]:
    present = set(jars)
    return [name for name in _required_jars(version, browser_version) if name not in present]


def _installed_jars(lib_dir: Path, version: str, browser_version: str | None) -> list[str] | None:
    """Return the jar names of a complete install of these versions in ``lib_dir``, else None."""
    try:
        marker = json.loads((lib_dir / _INSTALL_MARKER).read_text("utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(marker, dict):
        return None
    jars = marker.get("jars")
    if (
        marker.get("neo4j_version") != version
        or marker.get("browser_version") != browser_version
        or not isinstance(jars, list)
        or _missing_jars(jars, version, browser_version)
        or not all((lib_dir / str(name)).is_file() for name in jars)
    ):
        return None
    return [str(name) for name in jars]


def _link_jars(source: Path, jars: list[str], target: Path) -> None:
    for name in jars:
        try:
            os.link(source / name, target / name)
        except OSError:
            # Hard links fail across filesystems, so copy instead.
            shutil.copy2(source / name, target / name)
