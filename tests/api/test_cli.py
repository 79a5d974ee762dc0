"""The API's commands: `apikey create|list|revoke` and `serve`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
from click.testing import CliRunner

from api.keys import KEY_PREFIX_CHARS, find_principal
from ringscope.cli.apikey_commands import apikey
from ringscope.cli.serve_commands import is_loopback
from tests.api.conftest import ApiContext, free_loopback_port

REPOSITORY = Path(__file__).resolve().parents[2]


def test_cli_apikey_create_prints_key_once(api: ApiContext) -> None:
    runner = CliRunner()

    created = runner.invoke(apikey, ["create", "--role", "investigator", "--label", "cli test"])
    key = created.stdout.strip()
    listed = runner.invoke(apikey, ["list", "--json"])

    principal = find_principal(api.db, key)
    assert created.exit_code == 0
    assert principal is not None
    assert principal.role == "investigator"
    assert key not in listed.output
    assert key[:KEY_PREFIX_CHARS] in {item["key_prefix"] for item in json.loads(listed.output)}


def test_cli_apikey_create_refuses_unknown_role() -> None:
    result = CliRunner().invoke(apikey, ["create", "--role", "root"])

    assert result.exit_code == 2


def test_cli_apikey_revoke_stops_key(api: ApiContext) -> None:
    runner = CliRunner()
    key = runner.invoke(apikey, ["create", "--role", "admin"]).stdout.strip()

    revoked = runner.invoke(apikey, ["revoke", key[:KEY_PREFIX_CHARS]])
    again = runner.invoke(apikey, ["revoke", key[:KEY_PREFIX_CHARS]])

    assert revoked.exit_code == 0
    assert find_principal(api.db, key) is None
    assert again.exit_code == 1


def test_cli_apikey_list_table_in_english(api: ApiContext) -> None:
    result = CliRunner().invoke(apikey, ["list"], env={"RINGSCOPE_LANG": "en"})

    assert result.exit_code == 0
    assert result.output.splitlines()[0].split() == [
        "prefix",
        "role",
        "label",
        "created",
        "revoked",
    ]


def test_cli_serve_answers_on_loopback(api: ApiContext) -> None:
    port = free_loopback_port()
    code = (
        "from ringscope.cli.serve_commands import serve; "
        f"serve(['--port', '{port}'], standalone_mode=True)"
    )
    process = subprocess.Popen(
        [sys.executable, "-c", code],
        cwd=REPOSITORY,
        env={**os.environ, "RINGSCOPE_LANG": "en"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        health = _wait_for(f"http://127.0.0.1:{port}/healthz")
        docs = httpx.get(f"http://127.0.0.1:{port}/docs", timeout=10)
        linkage = httpx.post(
            f"http://127.0.0.1:{port}/v1/linkage",
            json={"party_id": "P1", "consent_id": "C-P1"},
            headers={"Authorization": f"Bearer {api.keys['loan_system']}"},
            timeout=30,
        )
    finally:
        process.terminate()
        _, stderr = process.communicate(timeout=30)

    assert health.json() == {"status": "ok"}
    assert docs.status_code == 200
    assert linkage.json()["code"] == "consent_not_found"
    assert f"http://127.0.0.1:{port}" in stderr.decode()


def _wait_for(url: str) -> httpx.Response:
    deadline = time.monotonic() + 60
    while True:
        try:
            return httpx.get(url, timeout=5)
        except httpx.HTTPError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def test_cli_serve_loopback_check() -> None:
    assert [is_loopback(h) for h in ("127.0.0.1", "::1", "localhost", "0.0.0.0")] == [
        True,
        True,
        True,
        False,
    ]
