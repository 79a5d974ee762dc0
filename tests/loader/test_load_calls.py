"""Loading call records into the real Neo4j: truth files, rules of the model, refusals."""

from __future__ import annotations

import json
import logging
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from loader.extracts import load_extract
from loader.normalize import normalize_number
from loader.pipeline import load_calls
from queries.rings import get_valid_consents
from queries.statements import PAIR_TOTALS
from ringscope.db import Database
from ringscope.errors import ConsentError, InputFileError, PseudonymKeyError
from ringscope.pseudonym import PseudonymKey, pseudonymize
from tests import graph_helpers

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "carrier-samples"
VAST = Path(__file__).resolve().parents[2] / "data" / "vast2008_mc3" / "cdr.csv"
SAMPLES = {
    "A": ("owner_a_cmcc_detail.xls", "owner_a_cmcc_detail.truth.json"),
    "B": ("owner_b_unicom_monthly.gbk.csv", "owner_b_unicom_monthly.truth.json"),
    "C": ("owner_c_aggregator.json", "owner_c_aggregator.truth.json"),
}
UNICOM_HEADER = (
    "序号,业务类型,通话起始时间,通话时长,呼叫类型,对方号码,通话地点,通话类型,通话费,其他费,小计"
)
LOAD_TIME = datetime(2026, 11, 1, tzinfo=UTC)


def _contains_token(text: str, number: str) -> bool:
    """Whether ``number`` occurs in ``text`` not as part of a longer run of digits.

    Short service numbers such as 10086 occur by chance inside call ids and hashes.
    """
    return re.search(rf"(?<!\d){re.escape(number)}(?!\d)", text) is not None


def _owners() -> dict[str, str]:
    owners: dict[str, str] = json.loads((FIXTURES / "owners.json").read_text(encoding="utf-8"))
    return owners


def _write_csv(path: Path, header: str, rows: list[str]) -> Path:
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def _setup_parties(
    db: Database, key: PseudonymKey, tmp_path: Path, **consent_overrides: str
) -> None:
    """Parties P-A, P-B, P-C with the sample owners' phones and one consent each."""
    owners = _owners()
    parties = _write_csv(
        tmp_path / "parties.csv",
        "party_id,phone",
        [f"P-{name},{owners[name]}" for name in ("A", "B", "C")],
    )
    fields = {
        "scope": "call_records",
        "purpose": "credit_review",
        "granted_at": "2026-08-01T00:00:00+08:00",
        "expires_at": "2027-08-01T00:00:00+08:00",
        "revoked_at": "",
    }
    fields.update(consent_overrides)
    consent_rows = [
        f"C-{name},P-{name},{fields['scope']},{fields['purpose']},{fields['granted_at']},"
        f"{fields['expires_at']},{fields['revoked_at']},"
        for name in ("A", "B", "C")
    ]
    consents = _write_csv(
        tmp_path / "consents.csv",
        "consent_id,party_id,scope,purpose,granted_at,expires_at,revoked_at,document_sha256",
        consent_rows,
    )
    load_extract("parties", parties, db=db, key=key, quarantine_dir=tmp_path / "q")
    load_extract("consents", consents, db=db, key=key, quarantine_dir=tmp_path / "q")


def _load_sample(
    db: Database | None, key: PseudonymKey, name: str, tmp_path: Path, **kwargs: object
):  # type: ignore[no-untyped-def]
    file_name, _ = SAMPLES[name]
    return load_calls(
        FIXTURES / file_name,
        db=db,
        key=key,
        owner_party=f"P-{name}",
        consent_id=f"C-{name}",
        quarantine_dir=tmp_path / "q",
        now=LOAD_TIME,
        **kwargs,  # type: ignore[arg-type]
    )


def _truth(name: str) -> dict[str, object]:
    truth: dict[str, object] = json.loads((FIXTURES / SAMPLES[name][1]).read_text(encoding="utf-8"))
    return truth


@pytest.mark.parametrize("name", ["A", "B", "C"])
def test_load_calls_sample_matches_truth(
    db: Database, pseudonym_key: PseudonymKey, tmp_path: Path, name: str
) -> None:
    _setup_parties(db, pseudonym_key, tmp_path)
    truth = _truth(name)

    report = _load_sample(db, pseudonym_key, name, tmp_path)

    assert report.status == "loaded"
    assert report.rows_loaded == truth["rows"]
    assert report.total_seconds == truth["total_seconds"]
    assert report.distinct_peers == truth["distinct_peers"]
    assert report.rows_read == report.rows_loaded + report.rows_rejected + report.duplicates
    assert graph_helpers.counts(db)["calls"] == truth["rows"]
    assert graph_helpers.counts(db)["seconds"] == truth["total_seconds"]


@pytest.mark.parametrize("name", ["A", "B", "C"])
def test_load_calls_dry_run_matches_truth_and_writes_nothing(
    db: Database, pseudonym_key: PseudonymKey, tmp_path: Path, name: str
) -> None:
    truth = _truth(name)
    owner = normalize_number(_owners()[name])
    before = graph_helpers.snapshot(db)

    report = _load_sample(None, pseudonym_key, name, tmp_path, owner_number=owner)

    assert report.status == "dry_run"
    assert report.rows_loaded == truth["rows"]
    assert report.total_seconds == truth["total_seconds"]
    assert report.distinct_peers == truth["distinct_peers"]
    assert graph_helpers.snapshot(db) == before


def test_load_calls_intermediary_is_one_phone_for_three_owners(
    db: Database, pseudonym_key: PseudonymKey, tmp_path: Path
) -> None:
    _setup_parties(db, pseudonym_key, tmp_path)
    for name in SAMPLES:
        _load_sample(db, pseudonym_key, name, tmp_path)
    intermediary = pseudonymize(pseudonym_key, _owners()["intermediary"])
    owner_ids = {pseudonymize(pseudonym_key, _owners()[name]) for name in SAMPLES}

    rows = db.read(PAIR_TOTALS, valid_consents=get_valid_consents(db))
    callers = {
        row["caller"] if row["callee"] == intermediary else row["callee"]
        for row in rows
        if intermediary in (row["caller"], row["callee"])
    }
    calls = sum(row["calls"] for row in rows if intermediary in (row["caller"], row["callee"]))

    assert callers == owner_ids
    expected_calls = sum(int(_truth(name)["calls_with_intermediary"]) for name in SAMPLES)  # type: ignore[call-overload]
    assert calls == expected_calls


def test_load_calls_reload_changes_nothing(
    db: Database, pseudonym_key: PseudonymKey, tmp_path: Path
) -> None:
    _setup_parties(db, pseudonym_key, tmp_path)
    first = _load_sample(db, pseudonym_key, "B", tmp_path)
    before = graph_helpers.snapshot(db)

    second = _load_sample(db, pseudonym_key, "B", tmp_path)

    assert graph_helpers.snapshot(db) == before
    assert second.status == "already_loaded"
    assert second.rows_loaded == 0
    assert second.duplicates == first.rows_loaded
    assert second.batch_id == first.batch_id


def test_load_calls_vast_twice_keeps_counts(
    db: Database, pseudonym_key: PseudonymKey, tmp_path: Path
) -> None:
    _setup_parties(db, pseudonym_key, tmp_path)
    kwargs = {"db": db, "key": pseudonym_key, "owner_party": "P-A", "consent_id": "C-A"}

    first = load_calls(VAST, quarantine_dir=tmp_path / "q", now=LOAD_TIME, **kwargs)  # type: ignore[arg-type]
    counts = graph_helpers.counts(db)
    load_calls(VAST, quarantine_dir=tmp_path / "q", now=LOAD_TIME, **kwargs)  # type: ignore[arg-type]

    # The VAST file has 9,834 rows; four have negative durations and are quarantined.
    assert first.rows_read == 9834
    assert first.rows_rejected == 4
    assert first.rows_loaded == 9830
    assert counts["calls"] == 9830
    assert graph_helpers.counts(db) == counts
    vast_phones = graph_helpers.counts(db)["phones"] - 3  # minus the three owners' phones
    assert vast_phones == 400


def test_load_calls_call_in_both_bills_counts_once(
    db: Database, pseudonym_key: PseudonymKey, tmp_path: Path
) -> None:
    _setup_parties(db, pseudonym_key, tmp_path)
    owners = _owners()
    # The same two calls between A and B, once in each owner's bill, plus one call only A has.
    bill_a = _write_csv(
        tmp_path / "a.csv",
        UNICOM_HEADER,
        [
            f"1,语音电话,2026-09-28 19:52:40,47秒,主叫,{owners['B']},0663,本地通话,0,0,0",
            f"2,语音电话,2026-09-29 08:00:05,1分3秒,被叫,{owners['B']},0663,本地通话,0,0,0",
            f"3,语音电话,2026-09-30 08:00:05,10秒,主叫,{owners['B']},0663,本地通话,0,0,0",
        ],
    )
    bill_b = _write_csv(
        tmp_path / "b.csv",
        UNICOM_HEADER,
        [
            f"1,语音电话,2026-09-28 19:52:40,47秒,被叫,{owners['A']},0663,本地通话,0,0,0",
            f"2,语音电话,2026-09-29 08:00:05,1分3秒,主叫,{owners['A']},0663,本地通话,0,0,0",
        ],
    )
    common = {"db": db, "key": pseudonym_key, "quarantine_dir": tmp_path / "q", "now": LOAD_TIME}
    load_calls(bill_a, owner_party="P-A", consent_id="C-A", **common)  # type: ignore[arg-type]
    load_calls(bill_b, owner_party="P-B", consent_id="C-B", **common)  # type: ignore[arg-type]

    rows = db.read(PAIR_TOTALS, valid_consents=get_valid_consents(db))

    assert sum(row["calls"] for row in rows) == 3
    assert sum(row["seconds"] for row in rows) == 47 + 63 + 10
    assert graph_helpers.counts(db)["called"] == 4  # two directions, two batches


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"expires_at": "2026-09-01T00:00:00+08:00"}, "consent_expired"),
        ({"revoked_at": "2026-10-01T00:00:00+08:00"}, "consent_revoked"),
        ({"scope": "contacts"}, "consent_scope"),
        ({"purpose": "marketing"}, "consent_purpose"),
    ],
)
def test_load_calls_refused_consent_writes_nothing(
    db: Database,
    pseudonym_key: PseudonymKey,
    tmp_path: Path,
    overrides: dict[str, str],
    code: str,
) -> None:
    _setup_parties(db, pseudonym_key, tmp_path, **overrides)
    before = graph_helpers.snapshot(db)

    with pytest.raises(ConsentError) as caught:
        _load_sample(db, pseudonym_key, "A", tmp_path)

    assert caught.value.code == code
    assert graph_helpers.snapshot(db) == before


def test_load_calls_foreign_consent_refused(
    db: Database, pseudonym_key: PseudonymKey, tmp_path: Path
) -> None:
    _setup_parties(db, pseudonym_key, tmp_path)
    before = graph_helpers.snapshot(db)

    with pytest.raises(ConsentError) as caught:
        load_calls(
            FIXTURES / SAMPLES["A"][0],
            db=db,
            key=pseudonym_key,
            owner_party="P-A",
            consent_id="C-B",
            quarantine_dir=tmp_path / "q",
            now=LOAD_TIME,
        )

    assert caught.value.code == "consent_party"
    assert graph_helpers.snapshot(db) == before


def test_load_calls_missing_consent_refused(
    db: Database, pseudonym_key: PseudonymKey, tmp_path: Path
) -> None:
    _setup_parties(db, pseudonym_key, tmp_path)

    with pytest.raises(ConsentError) as caught:
        load_calls(
            FIXTURES / SAMPLES["A"][0],
            db=db,
            key=pseudonym_key,
            owner_party="P-A",
            consent_id="C-NONE",
            quarantine_dir=tmp_path / "q",
            now=LOAD_TIME,
        )

    assert caught.value.code == "consent_not_found"


def test_load_calls_other_key_refused(
    db: Database, pseudonym_key: PseudonymKey, tmp_path: Path
) -> None:
    _setup_parties(db, pseudonym_key, tmp_path)
    _load_sample(db, pseudonym_key, "A", tmp_path)
    other_key = PseudonymKey.from_text("b" * 64)

    with pytest.raises(PseudonymKeyError):
        _load_sample(db, other_key, "B", tmp_path)


def test_load_calls_interrupted_leaves_no_batch(
    db: Database, pseudonym_key: PseudonymKey, tmp_path: Path
) -> None:
    _setup_parties(db, pseudonym_key, tmp_path)
    before = graph_helpers.snapshot(db)

    def interrupt(rows: int) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        load_calls(
            VAST,
            db=db,
            key=pseudonym_key,
            owner_party="P-A",
            consent_id="C-A",
            quarantine_dir=tmp_path / "q",
            chunk_rows=1000,
            progress=interrupt,
            now=LOAD_TIME,
        )

    assert graph_helpers.snapshot(db) == before


def test_load_calls_bad_date_row_quarantined(
    db: Database, pseudonym_key: PseudonymKey, tmp_path: Path
) -> None:
    _setup_parties(db, pseudonym_key, tmp_path)
    owners = _owners()
    bill = _write_csv(
        tmp_path / "bad-date.csv",
        UNICOM_HEADER,
        [
            f"1,语音电话,2026-09-28 19:52:40,47秒,主叫,{owners['B']},0663,本地通话,0,0,0",
            f"2,语音电话,2026-13-45 99:00:00,5秒,主叫,{owners['C']},0663,本地通话,0,0,0",
        ],
    )

    report = load_calls(
        bill,
        db=db,
        key=pseudonym_key,
        owner_party="P-A",
        consent_id="C-A",
        quarantine_dir=tmp_path / "q",
        now=LOAD_TIME,
    )

    assert report.rows_loaded == 1
    assert report.rows_rejected == 1
    assert report.rejected_examples[0].line == 3
    assert report.quarantine_file is not None
    quarantine = Path(report.quarantine_file).read_text(encoding="utf-8-sig")
    assert owners["C"] not in quarantine


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("empty.csv", b""),
        ("garbage.xlsx", bytes(range(256)) * 40),
        ("truncated.xlsx", b"PK\x03\x04" + b"\x00" * 100),
    ],
)
def test_load_calls_corrupt_file_writes_nothing(
    db: Database, pseudonym_key: PseudonymKey, tmp_path: Path, name: str, content: bytes
) -> None:
    _setup_parties(db, pseudonym_key, tmp_path)
    before = graph_helpers.snapshot(db)
    path = tmp_path / name
    path.write_bytes(content)

    with pytest.raises(InputFileError) as caught:
        load_calls(
            path,
            db=db,
            key=pseudonym_key,
            owner_party="P-A",
            consent_id="C-A",
            quarantine_dir=tmp_path / "q",
            now=LOAD_TIME,
        )

    assert name in str(caught.value)
    assert graph_helpers.snapshot(db) == before


def test_load_calls_stores_no_clear_number(
    db: Database,
    pseudonym_key: PseudonymKey,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    _setup_parties(db, pseudonym_key, tmp_path)
    for name in SAMPLES:
        _load_sample(db, pseudonym_key, name, tmp_path)
    clear_numbers = set(_owners().values())
    for name in SAMPLES:
        truth = _truth(name)
        clear_numbers.update(call["peer_national"] for call in truth["calls"])  # type: ignore[attr-defined]

    stored = "\n".join(graph_helpers.all_property_values(db))
    logged = caplog.text

    # Counts only: a failure message must not print the numbers it found.
    leaked_to_graph = sum(1 for number in clear_numbers if _contains_token(stored, number))
    leaked_to_logs = sum(1 for number in clear_numbers if _contains_token(logged, number))
    assert leaked_to_graph == 0
    assert leaked_to_logs == 0
    assert len(clear_numbers) > 30
