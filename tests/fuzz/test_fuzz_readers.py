"""Property-based fuzzing of the call-record readers and the load pipeline's dry run.

The contract under test (loader.readers.open_calls, loader.pipeline.load_calls): a hostile
file raises only InputFileError, from open_calls or from the chunk iterator, and every
row read is loaded, rejected or counted as a duplicate. Runs are bounded by max_examples;
no time limit is asserted. A failure names the reader and shows the input Hypothesis
found, which may contain generated numbers but never real ones.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from loader.pipeline import load_calls
from loader.readers import open_calls
from ringscope.errors import InputFileError
from ringscope.pseudonym import PseudonymKey
from tests.fuzz import strategies

KEY = PseudonymKey.from_text("f" * 64)
FUZZ = settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def _read_all(path: Path) -> tuple[int, int, int]:
    """Return (rows_read, calls, rejected) over every chunk, with small chunks."""
    _, chunks = open_calls(path, chunk_rows=7)
    rows = calls = rejected = 0
    for chunk in chunks:
        assert chunk.rows_read == len(chunk.calls) + len(chunk.rejected)
        rows += chunk.rows_read
        calls += len(chunk.calls)
        rejected += len(chunk.rejected)
    return rows, calls, rejected


def _dry_run(path: Path) -> tuple[int, int]:
    """Return (rows_read, loaded + rejected + duplicates) of a dry-run load."""
    with tempfile.TemporaryDirectory() as quarantine:
        report = load_calls(
            path,
            db=None,
            key=KEY,
            owner_party="P-F",
            consent_id="C-F",
            quarantine_dir=Path(quarantine),
            chunk_rows=7,
        )
    return report.rows_read, report.rows_loaded + report.rows_rejected + report.duplicates


def _write(content: bytes, suffix: str) -> Path:
    handle = tempfile.NamedTemporaryFile(suffix=suffix, delete=False)
    with handle:
        handle.write(content)
    return Path(handle.name)


@FUZZ
@given(
    opening=st.sampled_from(strategies.OPENINGS),
    body=st.binary(max_size=600),
    suffix=st.sampled_from(strategies.SUFFIXES),
)
def test_fuzz_open_calls_hostile_bytes(opening: bytes, body: bytes, suffix: str) -> None:
    path = _write(opening + body, suffix)
    try:
        rows, calls, rejected = _read_all(path)
    except InputFileError:
        return
    finally:
        path.unlink()

    assert rows == calls + rejected


@FUZZ
@given(bill=strategies.unicom_bills())
def test_fuzz_open_calls_unicom_rows_all_accounted(bill: tuple[bytes, int]) -> None:
    content, data_rows = bill
    path = _write(content, ".csv")
    try:
        rows, _, _ = _read_all(path)
        read, accounted = _dry_run(path)
    finally:
        path.unlink()

    assert rows == data_rows
    assert read == data_rows
    assert accounted == read


@FUZZ
@given(edges=strategies.edge_lists())
def test_fuzz_open_calls_edge_list_rows_all_accounted(edges: tuple[bytes, int]) -> None:
    content, data_rows = edges
    path = _write(content, ".csv")
    try:
        rows, _, _ = _read_all(path)
        read, accounted = _dry_run(path)
    finally:
        path.unlink()

    assert rows == data_rows
    assert accounted == read


@FUZZ
@given(report=strategies.aggregator_reports())
def test_fuzz_open_calls_aggregator_json_rows_all_accounted(report: tuple[bytes, int]) -> None:
    content, records = report
    path = _write(content, ".json")
    try:
        rows, _, _ = _read_all(path)
        read, accounted = _dry_run(path)
    finally:
        path.unlink()

    assert rows == records
    assert accounted == read


@FUZZ
@given(
    opening=st.sampled_from(strategies.OPENINGS),
    body=st.binary(max_size=400),
    suffix=st.sampled_from(strategies.SUFFIXES),
)
def test_fuzz_load_calls_dry_run_hostile_bytes_accounted(
    opening: bytes, body: bytes, suffix: str
) -> None:
    path = _write(opening + body, suffix)
    try:
        read, accounted = _dry_run(path)
    except InputFileError:
        return
    finally:
        path.unlink()

    assert accounted == read
