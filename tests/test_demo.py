"""`ringscope demo` end to end against the session's real Neo4j, twice, in both languages.

Each test takes ``db`` for an empty database: data that other test modules loaded under
their own keys would make the demo's key be rejected, as it should be.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import Any

import pytest

import ringscope.demo as demo
from ringscope.db import Database
from ringscope.pseudonym import PseudonymKey

REPOSITORY = Path(__file__).resolve().parents[1]


def _files_to_scan() -> list[Path]:
    """Files of the checkout that git tracks or would track, plus the ignored home folder."""
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard"],
        cwd=REPOSITORY,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    files = [REPOSITORY / name for name in listed]
    for home in (REPOSITORY / ".ringscope", Path(os.environ["RINGSCOPE_HOME"])):
        if home.is_dir():
            files.extend(
                path for path in home.rglob("*") if path.is_file() and "lib" not in path.parts
            )
    return [path for path in files if path.is_file()]


def _run_demo(
    monkeypatch: pytest.MonkeyPatch, language: str
) -> tuple[list[str], dict[str, Any], PseudonymKey]:
    monkeypatch.setenv("RINGSCOPE_LANG", language)
    monkeypatch.delenv("RINGSCOPE_PSEUDONYM_KEY", raising=False)
    monkeypatch.delenv("RINGSCOPE_PSEUDONYM_KEY_FILE", raising=False)
    keys: list[PseudonymKey] = []
    original = demo.resolve_demo_key

    def recording_resolve() -> tuple[PseudonymKey, bool]:
        key, throwaway = original()
        keys.append(key)
        return key, throwaway

    monkeypatch.setattr(demo, "resolve_demo_key", recording_resolve)
    lines: list[str] = []
    figures = demo.run_demo(echo=lines.append)
    return lines, figures, keys[0]


def test_demo_runs_twice_with_same_figures(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    _, first, _ = _run_demo(monkeypatch, "en")
    _, second, _ = _run_demo(monkeypatch, "en")

    assert first["rows_read"] == 9834
    assert first["rows_loaded"] == 9830
    assert second["rows_loaded"] == first["rows_loaded"]
    assert second["communities"] == first["communities"]
    assert second["linkage_status"] == 200


def test_demo_english_output_has_every_section(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    lines, figures, _ = _run_demo(monkeypatch, "en")
    text = "\n".join(lines)

    assert "throwaway pseudonymisation key" in text
    assert "rows read" in text
    assert "communities" in text
    assert "of phone #200" in text
    assert "Linkage findings for party DEMO-P200 (HTTP 200" in text
    assert figures["linkage"]["findings"]


def test_demo_chinese_output_by_default(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    lines, _, _ = _run_demo(monkeypatch, "zh-CN")
    text = "\n".join(lines)

    assert "一次性假名化密钥" in text
    assert "读取行数" in text
    assert "手机 #200 所在社区" in text
    assert "的关联结果（HTTP 200" in text


def test_demo_linkage_names_demo_consents(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    _, figures, _ = _run_demo(monkeypatch, "en")
    findings = figures["linkage"]["findings"]
    direct = [f for f in findings if f["type"] == "direct_call"]

    assert {f["linked_party"]["party_id"] for f in direct} >= {"DEMO-P005", "DEMO-P001"}
    assert all(f["consent_ids"] == ["DEMO-C200"] for f in direct)


def test_demo_key_never_written_to_repository(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, _, key = _run_demo(monkeypatch, "en")
    needles = (key.secret.hex().encode("ascii"), key.secret)

    found_in = [
        path for path in _files_to_scan() if any(needle in path.read_bytes() for needle in needles)
    ]

    assert len(found_in) == 0
