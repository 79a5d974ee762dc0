"""docker-compose.yml must parse, and must not default any secret."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[1]
COMPOSE_FILE = REPOSITORY / "docker-compose.yml"


def _compose(extra_env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("NEO4J_PASSWORD", "RINGSCOPE_PSEUDONYM_KEY")
    }
    env.update(extra_env)
    return subprocess.run(
        ["docker", "compose", "-f", str(COMPOSE_FILE), "--profile", "tools", "config"],
        capture_output=True,
        text=True,
        env=env,
        cwd=REPOSITORY,
        timeout=60,
        check=False,
    )


def test_compose_file_declares_services_and_healthcheck() -> None:
    text = COMPOSE_FILE.read_text(encoding="utf-8")
    assert "image: neo4j:5.26-community" in text
    assert "healthcheck:" in text
    assert "condition: service_healthy" in text
    assert "${NEO4J_PASSWORD:?" in text


def test_compose_config_parses_with_secrets_set() -> None:
    if shutil.which("docker") is None:
        # Without a docker client there is nothing to run; the text checks above still hold.
        return
    result = _compose({"NEO4J_PASSWORD": "test-only-password", "RINGSCOPE_PSEUDONYM_KEY": "k" * 64})
    assert result.returncode == 0, result.stderr
    assert "neo4j:5.26-community" in result.stdout
    assert "loader" in result.stdout


def test_compose_config_rejects_missing_password() -> None:
    if shutil.which("docker") is None:
        return
    result = _compose({"RINGSCOPE_PSEUDONYM_KEY": "k" * 64})
    assert result.returncode != 0
    assert "NEO4J_PASSWORD" in result.stderr
