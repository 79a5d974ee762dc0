"""Property-based fuzzing of the loan-system extract reader (dry runs, no database).

Contract (loader.extracts.load_extract): a hostile file raises only InputFileError, and
rows read = loaded + rejected + duplicates.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from loader.extracts import EXTRACT_KINDS, REQUIRED_COLUMNS, load_extract
from ringscope.errors import InputFileError
from ringscope.pseudonym import PseudonymKey
from tests.fuzz import strategies

KEY = PseudonymKey.from_text("e" * 64)
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
_ALL_COLUMNS = sorted(
    {"relation", "status", "applied_at", "expires_at", "revoked_at", "document_sha256"}
    | {column for columns in REQUIRED_COLUMNS.values() for column in columns}
)


def _dry_run(kind: str, content: bytes, suffix: str) -> tuple[int, int]:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"extract{suffix}"
        path.write_bytes(content)
        report = load_extract(kind, path, db=None, key=KEY, quarantine_dir=Path(folder) / "q")
    return report.rows_read, report.rows_loaded + report.rows_rejected + report.duplicates


@settings(parent=FUZZ)
@given(
    kind=st.sampled_from(EXTRACT_KINDS),
    content=st.binary(max_size=500),
    suffix=st.sampled_from([".csv", ".json", ""]),
)
def test_fuzz_load_extract_hostile_bytes(kind: str, content: bytes, suffix: str) -> None:
    try:
        read, accounted = _dry_run(kind, content, suffix)
    except InputFileError:
        return

    assert accounted == read


@st.composite
def _tables(draw: st.DrawFn) -> tuple[str, bytes]:
    kind = draw(st.sampled_from(EXTRACT_KINDS))
    columns = list(REQUIRED_COLUMNS[kind]) + draw(
        st.lists(st.sampled_from(_ALL_COLUMNS), max_size=3)
    )
    rows = draw(
        st.lists(
            st.lists(strategies.cells, min_size=len(columns), max_size=len(columns)), max_size=25
        )
    )
    lines = [",".join(columns)] + [
        ",".join('"' + value.replace('"', '""') + '"' for value in row) for row in rows
    ]
    return kind, ("\n".join(lines) + "\n").encode("utf-8")


@settings(parent=FUZZ)
@given(table=_tables())
def test_fuzz_load_extract_hostile_rows_all_accounted(table: tuple[str, bytes]) -> None:
    kind, content = table
    try:
        read, accounted = _dry_run(kind, content, ".csv")
    except InputFileError:
        return

    assert accounted == read
