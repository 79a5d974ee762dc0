"""Runs the atheris (libFuzzer) reader fuzzer for a bounded number of inputs.

The fuzzer runs in a child process because libFuzzer ends the process when it is done.
Seeds are the openings of every container and layout plus the small carrier samples, so
the fuzzer starts inside the readers rather than at the sniffer. ``-runs`` bounds the work;
``-max_total_time`` is only a safety stop, no time is asserted.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from ringscope.logging_setup import redact
from tests.fuzz import strategies

SCRIPT = Path(__file__).with_name("atheris_readers.py")
SAMPLES = Path(__file__).resolve().parents[1] / "fixtures" / "carrier-samples"
RUNS = 10_000
SEED = 20261204


def _write_seeds(corpus: Path) -> int:
    corpus.mkdir()
    seeds = [opening + b"1,2026-09-28 19:52:40,47\n" for opening in strategies.OPENINGS]
    seeds += [
        path.read_bytes()
        for path in sorted(SAMPLES.glob("owner_*"))
        if path.suffix != ".json" or "truth" not in path.name
    ]
    for index, content in enumerate(seeds):
        for suffix_index in range(6):
            (corpus / f"seed-{index}-{suffix_index}").write_bytes(bytes([suffix_index]) + content)
    return len(seeds)


def test_fuzz_atheris_readers_bounded_run(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    seeds = _write_seeds(corpus)
    command = [
        sys.executable,
        str(SCRIPT),
        f"-runs={RUNS}",
        f"-seed={SEED}",
        "-max_len=8192",
        "-max_total_time=300",
        f"-artifact_prefix={tmp_path}/",
        str(corpus),
    ]

    result = subprocess.run(command, capture_output=True, text=True, timeout=600, check=False)

    assert seeds > len(strategies.OPENINGS)
    # Redacted, because a crash report quotes the input, which may hold sample numbers.
    assert result.returncode == 0, redact(result.stderr[-3000:])
    assert "Done" in result.stderr
