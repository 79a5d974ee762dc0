"""The CLI as a user meets it: help, language, and clear errors instead of tracebacks."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from click.testing import CliRunner

from ringscope.cli import main


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def test_cli_help_lists_commands() -> None:
    result = CliRunner().invoke(main, ["--help"])

    assert result.exit_code == 0
    for command in ("demo", "load", "neo4j", "schema"):
        assert command in result.output


def test_cli_unreachable_server_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RINGSCOPE_NEO4J_URI", f"bolt://127.0.0.1:{_free_port()}")
    monkeypatch.setenv("RINGSCOPE_NEO4J_PASSWORD", "not-used")
    monkeypatch.setenv("RINGSCOPE_LANG", "en")

    result = CliRunner().invoke(main, ["schema", "status"])

    assert result.exit_code == 1
    assert "Cannot reach Neo4j" in result.output
    assert "Traceback" not in result.output


def test_cli_unreachable_server_error_in_chinese(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RINGSCOPE_NEO4J_URI", f"bolt://127.0.0.1:{_free_port()}")
    monkeypatch.setenv("RINGSCOPE_NEO4J_PASSWORD", "not-used")
    monkeypatch.delenv("RINGSCOPE_LANG", raising=False)

    result = CliRunner().invoke(main, ["schema", "status"])

    assert "无法连接 Neo4j" in result.output


def test_cli_load_without_key_clear_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("RINGSCOPE_PSEUDONYM_KEY", raising=False)
    monkeypatch.delenv("RINGSCOPE_PSEUDONYM_KEY_FILE", raising=False)
    monkeypatch.chdir(tmp_path)  # no .env file here
    monkeypatch.setenv("RINGSCOPE_LANG", "en")
    bill = tmp_path / "bill.csv"
    bill.write_text("caller,callee,start,duration_seconds\n", encoding="utf-8")

    result = CliRunner().invoke(
        main, ["load", "calls", str(bill), "--owner-party", "P1", "--consent", "C1", "--dry-run"]
    )

    assert result.exit_code == 1
    assert "RINGSCOPE_PSEUDONYM_KEY" in result.output
    assert "Traceback" not in result.output
