"""The local Neo4j server, tested against real servers in temporary home folders.

Every server here gets its own home (data, logs, password) and free loopback ports, but the
jars come from one cache, the default home's lib/ (see ``shared_lib_dir``), so a machine
downloads them at most once. Three JVMs start in this module: one shared by most tests, one
driven through the CLI with its Bolt port taken, and one that must fail on a bad setting.
"""

from __future__ import annotations

import json
import os
import socket
import stat
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner
from neo4j import GraphDatabase

from ringscope.errors import ConfigurationError, LocalNeo4jError, Neo4jUnavailableError
from ringscope.neo4j_local import (
    ConnectionInfo,
    LocalNeo4j,
    LocalServerInfo,
    resolve_connection,
    shared_lib_dir,
)
from ringscope.settings import Neo4jSettings, get_home

pytestmark = pytest.mark.neo4j

# Enough memory for an empty graph, so that three JVMs in one test run stay light.
HEAP_MB = 512
PAGECACHE_MB = 64
# No jar cache contains this version, so installing it requires Maven.
UNCACHED_VERSION = "5.26.99-ringscope-test"


def _settings(local_version: str | None = None) -> Neo4jSettings:
    # _env_file=None, because a developer's .env must not change these tests.
    settings = Neo4jSettings(_env_file=None)
    if local_version is not None:
        settings = settings.model_copy(update={"local_version": local_version})
    return settings


def _fake_executable(path: Path, script: str) -> Path:
    path.write_text("#!/bin/sh\n" + script, encoding="utf-8")
    path.chmod(0o755)
    return path


@pytest.fixture(scope="module")
def jar_cache() -> Path:
    """The shared jar folder, filled by one Maven download if this machine has none yet."""
    lib = shared_lib_dir()
    LocalNeo4j(_settings(), home=lib.parent).ensure_installed()
    return lib


@pytest.fixture(scope="module")
def server(
    tmp_path_factory: pytest.TempPathFactory, jar_cache: Path
) -> Iterator[tuple[LocalNeo4j, LocalServerInfo]]:
    local = LocalNeo4j(
        _settings(),
        home=tmp_path_factory.mktemp("neo4j-home"),
        lib_dir=jar_cache,
        heap_mb=HEAP_MB,
        pagecache_mb=PAGECACHE_MB,
    )
    info = local.start(bolt_port=0, http_port=0)
    yield local, info
    local.stop()


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name in list(os.environ):
        if name.startswith("RINGSCOPE_NEO4J_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("RINGSCOPE_LANG", "en")
    return monkeypatch


# Starting, status, connection.


def test_start_twice_same_server(server: tuple[LocalNeo4j, LocalServerInfo]) -> None:
    local, info = server

    again = local.start(bolt_port=0, http_port=0)

    assert again.pid == info.pid


def test_start_other_instance_same_server(
    server: tuple[LocalNeo4j, LocalServerInfo],
) -> None:
    local, info = server
    other = LocalNeo4j(_settings(), home=local.home, lib_dir=local.lib_dir)

    again = other.start(bolt_port=0, http_port=0)

    assert again.pid == info.pid


def test_status_running_server(server: tuple[LocalNeo4j, LocalServerInfo]) -> None:
    local, info = server

    assert local.status() == info


def test_start_generated_password_works(
    server: tuple[LocalNeo4j, LocalServerInfo],
) -> None:
    _, info = server

    with GraphDatabase.driver(info.uri, auth=(info.user, info.password)) as driver:
        records, _, _ = driver.execute_query(
            "CALL dbms.components() YIELD versions, edition RETURN versions[0] AS v, edition",
            database_="system",
        )

    assert records[0]["v"] == "5.26.30"
    assert records[0]["edition"] == "community"


def test_password_file_private(
    server: tuple[LocalNeo4j, LocalServerInfo],
) -> None:
    local, info = server

    assert stat.S_IMODE(local.password_file.stat().st_mode) == 0o600
    assert local.password_file.read_text("utf-8").strip() == info.password


def test_config_loopback_only(
    server: tuple[LocalNeo4j, LocalServerInfo],
) -> None:
    local, _ = server
    lines = (local.conf_dir / "neo4j.conf").read_text("utf-8").splitlines()
    addresses = [line.split("=", 1)[1] for line in lines if "_address=" in line]

    assert addresses
    assert all(address.startswith("127.0.0.1") for address in addresses)


def test_browser_served_on_loopback(server: tuple[LocalNeo4j, LocalServerInfo]) -> None:
    _, info = server
    assert info.browser_url is not None

    response = httpx.get(info.browser_url, timeout=10.0)

    assert "<title>Neo4j Browser</title>" in response.text


def test_repr_hides_password(server: tuple[LocalNeo4j, LocalServerInfo]) -> None:
    _, info = server
    connection = ConnectionInfo(info.uri, info.user, info.password, "neo4j", True)

    assert info.password not in repr(info) + repr(connection)


def test_resolve_connection_external_uri(
    server: tuple[LocalNeo4j, LocalServerInfo], clean_env: pytest.MonkeyPatch
) -> None:
    _, info = server
    clean_env.setenv("RINGSCOPE_NEO4J_URI", info.uri)
    clean_env.setenv("RINGSCOPE_NEO4J_USER", info.user)
    clean_env.setenv("RINGSCOPE_NEO4J_PASSWORD", info.password)

    connection = resolve_connection(_settings())

    assert connection.uri == info.uri
    assert connection.is_local is False
    with GraphDatabase.driver(
        connection.uri, auth=(connection.user, connection.password)
    ) as driver:
        driver.verify_connectivity()


def test_resolve_connection_external_without_password(
    clean_env: pytest.MonkeyPatch,
) -> None:
    clean_env.setenv("RINGSCOPE_NEO4J_URI", "bolt://127.0.0.1:1")

    with pytest.raises(ConfigurationError) as caught:
        resolve_connection(_settings())

    assert "RINGSCOPE_NEO4J_PASSWORD" in caught.value.render("en")


def test_resolve_connection_local_server(
    server: tuple[LocalNeo4j, LocalServerInfo], clean_env: pytest.MonkeyPatch
) -> None:
    local, info = server

    connection = resolve_connection(_settings(), local=local)

    assert connection == ConnectionInfo(info.uri, "neo4j", info.password, "neo4j", True)


def test_resolve_connection_local_not_running(
    tmp_path: Path, clean_env: pytest.MonkeyPatch
) -> None:
    local = LocalNeo4j(_settings(), home=tmp_path)

    with pytest.raises(Neo4jUnavailableError) as caught:
        resolve_connection(_settings(), local=local)

    assert "ringscope neo4j start" in caught.value.render("en")


# Stopping and stale state.


def test_stop_without_server_returns_false(tmp_path: Path) -> None:
    assert LocalNeo4j(_settings(), home=tmp_path).stop() is False


def test_status_removes_stale_state(tmp_path: Path) -> None:
    local = LocalNeo4j(_settings(), home=tmp_path)
    state_file = local.run_dir / "ringscope-server.json"
    state_file.parent.mkdir(parents=True)
    # The pytest process is alive, but it is not a Neo4j server of this home.
    state = {
        "pid": os.getpid(),
        "bolt_port": 7687,
        "http_port": 7474,
        "requested_bolt_port": 7687,
        "requested_http_port": 7474,
    }
    state_file.write_text(json.dumps(state), "utf-8")

    assert local.status() is None
    assert not state_file.exists()


# Failures whose messages name the fix.


def test_ensure_installed_java_missing(tmp_path: Path, clean_env: pytest.MonkeyPatch) -> None:
    clean_env.delenv("JAVA_HOME", raising=False)
    clean_env.setenv("PATH", str(tmp_path))

    with pytest.raises(LocalNeo4jError) as caught:
        LocalNeo4j(_settings(), home=tmp_path / "home").ensure_installed()

    assert caught.value.message_key == "neo4j_local.java_missing"
    assert "openjdk-17" in caught.value.render("en")


def test_ensure_installed_java_path_not_found(tmp_path: Path) -> None:
    missing = tmp_path / "jdk" / "bin" / "java"

    with pytest.raises(LocalNeo4jError) as caught:
        LocalNeo4j(_settings(), home=tmp_path, java=missing).ensure_installed()

    assert str(missing) in caught.value.render("en")


def test_ensure_installed_java_too_old(tmp_path: Path) -> None:
    java = _fake_executable(tmp_path / "java", "echo 'openjdk version \"11.0.2\" 2019-01-15' >&2\n")

    with pytest.raises(LocalNeo4jError) as caught:
        LocalNeo4j(_settings(), home=tmp_path, java=java).ensure_installed()

    assert caught.value.message_key == "neo4j_local.java_too_old"


def test_ensure_installed_mvn_missing(tmp_path: Path, clean_env: pytest.MonkeyPatch) -> None:
    java = _java_for_tests(tmp_path)
    clean_env.setenv("PATH", str(tmp_path))
    local = LocalNeo4j(_settings(local_version=UNCACHED_VERSION), home=tmp_path, java=java)

    with pytest.raises(LocalNeo4jError) as caught:
        local.ensure_installed()

    assert caught.value.message_key == "neo4j_local.mvn_missing"
    assert "apt-get install maven" in caught.value.render("en")


def test_ensure_installed_mvn_failure_output(tmp_path: Path) -> None:
    mvn = _fake_executable(
        tmp_path / "mvn",
        "echo '[ERROR] Could not resolve org.neo4j:neo4j:ringscope-test-marker'\nexit 1\n",
    )
    local = LocalNeo4j(
        _settings(local_version=UNCACHED_VERSION),
        home=tmp_path / "home",
        java=_java_for_tests(tmp_path),
        mvn=mvn,
    )

    with pytest.raises(LocalNeo4jError) as caught:
        local.ensure_installed()

    assert "ringscope-test-marker" in caught.value.render("en")
    assert not local.lib_dir.exists()


def test_start_invalid_setting_log_tail(tmp_path: Path, jar_cache: Path) -> None:
    local = LocalNeo4j(
        _settings(),
        home=tmp_path,
        lib_dir=jar_cache,
        heap_mb=HEAP_MB,
        pagecache_mb=PAGECACHE_MB,
        extra_config={"dbms.ringscope_no_such_setting": "1"},
    )

    with pytest.raises(LocalNeo4jError) as caught:
        local.start(bolt_port=0, http_port=0)

    assert "dbms.ringscope_no_such_setting" in caught.value.render("en")
    assert local.status() is None


def _java_for_tests(home: Path) -> Path:
    # Find Java the way LocalNeo4j does, before a test empties PATH.
    return LocalNeo4j(_settings(), home=home).check_java()


# The CLI, on a server whose requested Bolt port another process uses.


def test_cli_bolt_port_taken(
    tmp_path: Path, clean_env: pytest.MonkeyPatch, jar_cache: Path
) -> None:
    from ringscope.cli import main

    clean_env.setenv("RINGSCOPE_HOME", str(tmp_path))
    clean_env.setenv("RINGSCOPE_NEO4J_LOCAL_HEAP_MB", str(HEAP_MB))
    clean_env.setenv("RINGSCOPE_NEO4J_LOCAL_PAGECACHE_MB", str(PAGECACHE_MB))
    get_home.cache_clear()
    runner = CliRunner()
    home = tmp_path / "neo4j"

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        taken_port = taken.getsockname()[1]
        try:
            started = runner.invoke(
                main, ["neo4j", "start", "--bolt-port", str(taken_port), "--http-port", "0"]
            )
            again = runner.invoke(main, ["neo4j", "start"])
            status = runner.invoke(main, ["neo4j", "status", "--json"])
            stopped = runner.invoke(main, ["neo4j", "stop"])
            after = runner.invoke(main, ["neo4j", "status"])
        finally:
            LocalNeo4j(_settings(), home=home).stop()
            # Put RINGSCOPE_HOME back before anything caches it again.
            clean_env.undo()
            get_home.cache_clear()

    password = (home / "password").read_text("utf-8").strip()
    report = json.loads(status.stdout)
    assert started.exit_code == 0, started.output
    assert f"port {taken_port} is in use" in started.output
    assert str(home / "password") in started.stdout
    assert password not in started.output + again.output + status.output
    assert "already running" in again.stdout
    assert report["running"] is True
    assert report["bolt_port"] != taken_port
    assert str(taken_port) in report["port_note"]
    assert stopped.exit_code == 0
    assert after.exit_code == 3
