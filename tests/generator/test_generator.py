"""Tests of the synthetic-population generator and the ``generate`` command.

Most tests share one generated data set (module scope) with every planted kind and both
bill layouts. They check the files as a reader would, parsing bills back with pandas and
comparing them with the edge list and with what ``truth.json`` claims.
"""

from __future__ import annotations

import hashlib
import json
import re
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import networkx as nx
import pandas as pd
import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from generator import GenerationParameters, GeneratorError, PlantedCounts, generate_population
from generator.numbers import format_unicom_peer
from generator.writers import CMCC_HEADER, UNICOM_HEADER, format_duration
from ringscope.cli.generate_commands import generate

SEED = 20261031
PLANTED = PlantedCounts(
    coached_groups=2,
    guarantee_circles=2,
    shared_phones=2,
    defaulted_borrowers=2,
    lone_switchers=2,
    switch_chains=1,
    overdue_borrowers=4,
    expired_consents=2,
    revoked_consents=2,
)
SMALL = {"applicants": 120, "months": 3, "calls_per_applicant": 60, "cmcc_fraction": 0.3}

MOBILE = re.compile(r"^1[3-9]\d{9}$")
LANDLINE = re.compile(r"^0\d{2,3}[2-8]\d{6,7}$")
SERVICE = re.compile(r"^(10086|10010|10000|95\d{3}|400\d{7})$")
UNICOM_DURATION = re.compile(r"^(?:(\d+)分)?(\d+)秒$")


def _generate(out_dir: Path, seed: int = SEED, **options: Any) -> None:
    settings = {**SMALL, "planted": PLANTED, **options}
    generate_population(out_dir, seed=seed, **settings)


def _file_hashes(folder: Path) -> dict[str, str]:
    return {
        path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def _national(peer: str) -> str:
    """Undo the Unicom ``0086`` prefix: mobiles keep their digits, landlines regain the trunk 0."""
    if not peer.startswith("0086"):
        return peer
    rest = peer[4:]
    if len(rest) == 11 and rest.startswith("1"):
        return rest
    return "0" + rest


def _read_bill(path: Path, layout: str) -> pd.DataFrame:
    if layout == "unicom-monthly":
        frame = pd.read_csv(path, encoding="gbk", dtype=str)
        return pd.DataFrame(
            {
                "peer_raw": frame["对方号码"],
                "peer": frame["对方号码"].map(_national),
                "outgoing": frame["呼叫类型"] == "主叫",
                "start": frame["通话起始时间"].str.replace(" ", "T"),
                "seconds": frame["通话时长"].map(_unicom_seconds),
                "raw_duration": frame["通话时长"],
                "sequence": frame["序号"].astype(int),
            }
        )
    frame = pd.read_csv(path, encoding="utf-8", dtype=str)
    return pd.DataFrame(
        {
            "peer_raw": frame["对方号码"],
            "peer": frame["对方号码"],
            "outgoing": frame["通信方式"] == "主叫",
            "start": frame["起始时间"].str.replace(" ", "T"),
            "seconds": frame["通信时长"].astype(int),
            "raw_duration": frame["通信时长"],
            "sequence": range(1, len(frame) + 1),
        }
    )


def _unicom_seconds(text: str) -> int:
    match = UNICOM_DURATION.match(text)
    assert match is not None, f"duration {text!r} is not in the X分Y秒 form"
    return int(match.group(1) or 0) * 60 + int(match.group(2))


class Dataset:
    """One generated folder, its tables, and every bill parsed into caller/callee rows."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.truth = json.loads((folder / "truth.json").read_text(encoding="utf-8"))
        self.manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        self.edges = pd.read_csv(folder / "edges.csv", dtype=str)
        self.parties = pd.read_csv(folder / "parties.csv", dtype=str)
        self.contacts = pd.read_csv(folder / "contacts.csv", dtype=str)
        self.loans = pd.read_csv(folder / "loans.csv", dtype=str)
        self.consents = pd.read_csv(folder / "consents.csv", dtype=str, keep_default_na=False)
        self.phone_of = dict(zip(self.parties["party_id"], self.parties["phone"], strict=True))

        frames = []
        for batch in self.manifest["batches"]:
            owner = self.phone_of[batch["owner_party"]]
            bill = _read_bill(folder / batch["file"], batch["layout"])
            bill["party_id"] = batch["owner_party"]
            bill["layout"] = batch["layout"]
            bill["owner"] = owner
            bill["caller"] = bill["peer"].where(~bill["outgoing"], owner)
            bill["callee"] = bill["peer"].where(bill["outgoing"], owner)
            frames.append(bill)
        self.bills = pd.concat(frames, ignore_index=True)

    def bill_of(self, party_id: str) -> pd.DataFrame:
        return self.bills[self.bills["party_id"] == party_id]


@pytest.fixture(scope="module")
def dataset(tmp_path_factory: pytest.TempPathFactory) -> Dataset:
    folder = tmp_path_factory.mktemp("population")
    _generate(folder)
    return Dataset(folder)


def _edge_rows(frame: pd.DataFrame) -> list[tuple[str, str, str, int]]:
    return sorted(
        zip(
            frame["caller"],
            frame["callee"],
            frame["start"],
            frame["seconds"].astype(int),
            strict=True,
        )
    )


# Determinism


def test_generate_population_same_seed_identical_files(tmp_path: Path) -> None:
    _generate(tmp_path / "first")
    _generate(tmp_path / "second")
    first = _file_hashes(tmp_path / "first")
    second = _file_hashes(tmp_path / "second")
    assert first == second


def test_generate_population_different_seed_differs(tmp_path: Path) -> None:
    _generate(tmp_path / "first", seed=1)
    _generate(tmp_path / "second", seed=2)
    first = _file_hashes(tmp_path / "first")
    second = _file_hashes(tmp_path / "second")
    assert first["edges.csv"] != second["edges.csv"]
    assert first["truth.json"] != second["truth.json"]


def test_edge_list_only_matches_full_run(tmp_path: Path, dataset: Dataset) -> None:
    _generate(tmp_path, edge_list_only=True)
    written = sorted(path.name for path in tmp_path.iterdir())
    assert written == ["edges.csv"]
    assert (tmp_path / "edges.csv").read_bytes() == (dataset.folder / "edges.csv").read_bytes()


def test_edge_list_only_row_count_at_fifty_thousand(tmp_path: Path) -> None:
    summary = generate_population(
        tmp_path, seed=5, applicants=500, calls_per_applicant=100, edge_list_only=True
    )
    lines = (tmp_path / "edges.csv").read_text(encoding="utf-8").splitlines()
    assert lines[0] == "caller,callee,start,duration_seconds"
    assert len(lines) - 1 == summary.calls
    assert 45_000 <= summary.calls <= 60_000
    assert summary.truth_path is None


# Bills against the edge list


def test_bills_rows_match_edges_per_owner(dataset: Dataset) -> None:
    edges = dataset.edges.assign(seconds=dataset.edges["duration_seconds"].astype(int))
    for batch in dataset.manifest["batches"]:
        owner = dataset.phone_of[batch["owner_party"]]
        expected = edges[(edges["caller"] == owner) | (edges["callee"] == owner)]
        parsed = dataset.bill_of(batch["owner_party"])
        assert _edge_rows(parsed) == _edge_rows(expected), batch["file"]


def test_edges_every_call_in_some_bill(dataset: Dataset) -> None:
    edges = dataset.edges.assign(seconds=dataset.edges["duration_seconds"].astype(int))
    from_bills = set(_edge_rows(dataset.bills))
    assert from_bills == set(_edge_rows(edges))
    assert len(from_bills) == len(edges)


def test_bills_never_contain_owner_number(dataset: Dataset) -> None:
    assert not (dataset.bills["peer"] == dataset.bills["owner"]).any()


def test_manifest_lists_every_bill(dataset: Dataset) -> None:
    batches = dataset.manifest["batches"]
    files = sorted(
        path.relative_to(dataset.folder).as_posix() for path in (dataset.folder / "calls").iterdir()
    )
    assert sorted(batch["file"] for batch in batches) == files
    for batch in batches:
        assert batch["consent"] == "C-" + batch["owner_party"]
        assert batch["purpose"] == "credit_review"
        assert batch["file"] == f"calls/{batch['owner_party']}.csv"
    assert {batch["layout"] for batch in batches} == {"unicom-monthly", "cmcc-detail"}


def test_unicom_bill_layout_matches_sample(dataset: Dataset) -> None:
    batch = next(b for b in dataset.manifest["batches"] if b["layout"] == "unicom-monthly")
    raw = (dataset.folder / batch["file"]).read_bytes()
    text = raw.decode("gbk")
    assert text.split("\r\n")[0] == ",".join(UNICOM_HEADER)
    assert raw.endswith(b"\r\n")
    frame = pd.read_csv(dataset.folder / batch["file"], encoding="gbk", dtype=str)
    assert set(frame["业务类型"]) == {"语音电话"}
    assert set(frame["呼叫类型"]) <= {"主叫", "被叫"}
    assert set(frame["通话类型"]) <= {"本地通话", "省内通话", "国内长途"}
    assert frame["通话时长"].str.fullmatch(UNICOM_DURATION.pattern).all()
    assert list(frame["序号"].astype(int)) == list(range(1, len(frame) + 1))
    assert frame["通话起始时间"].is_monotonic_decreasing
    assert set(frame["通话费"]) == {"0.00"}


def test_unicom_bill_peer_prefixes(dataset: Dataset) -> None:
    unicom = dataset.bills[dataset.bills["layout"] == "unicom-monthly"]
    incoming = unicom[~unicom["outgoing"]]
    outgoing = unicom[unicom["outgoing"]]
    short_codes = incoming["peer"].str.fullmatch(SERVICE.pattern)
    assert incoming.loc[~short_codes, "peer_raw"].str.startswith("0086").all()
    assert not incoming.loc[short_codes, "peer_raw"].str.startswith("0086").any()
    assert not outgoing["peer_raw"].str.startswith("0086").any()


def test_unicom_bill_incoming_landline_loses_trunk_zero(dataset: Dataset) -> None:
    unicom = dataset.bills[dataset.bills["layout"] == "unicom-monthly"]
    landlines = unicom[~unicom["outgoing"] & unicom["peer"].str.startswith("0")]
    assert len(landlines) > 0
    assert (landlines["peer_raw"] == "0086" + landlines["peer"].str[1:]).all()


def test_cmcc_bill_layout(dataset: Dataset) -> None:
    batch = next(b for b in dataset.manifest["batches"] if b["layout"] == "cmcc-detail")
    raw = (dataset.folder / batch["file"]).read_bytes()
    assert raw.decode("utf-8").split("\r\n")[0] == ",".join(CMCC_HEADER)
    frame = pd.read_csv(dataset.folder / batch["file"], encoding="utf-8", dtype=str)
    assert frame["通信时长"].str.fullmatch(r"\d+").all()
    assert set(frame["通信方式"]) <= {"主叫", "被叫"}
    assert frame["起始时间"].is_monotonic_increasing
    assert not frame["对方号码"].str.startswith("0086").any()
    assert frame["通信地点"].str.endswith("市").all()


# Numbers and parties


def test_numbers_valid_chinese_formats(dataset: Dataset) -> None:
    numbers = pd.concat(
        [dataset.edges["caller"], dataset.edges["callee"], dataset.parties["phone"]]
    )
    valid = (
        numbers.str.fullmatch(MOBILE.pattern)
        | numbers.str.fullmatch(LANDLINE.pattern)
        | numbers.str.fullmatch(SERVICE.pattern)
    )
    assert sorted(set(numbers[~valid])) == []


def test_landlines_and_service_numbers_present(dataset: Dataset) -> None:
    numbers = set(dataset.edges["caller"]) | set(dataset.edges["callee"])
    assert any(LANDLINE.fullmatch(number) for number in numbers)
    assert "10010" in numbers
    assert any(number.startswith("95") for number in numbers)
    assert any(number.startswith("4008") for number in numbers)


def test_parties_phone_unique_except_shared(dataset: Dataset) -> None:
    counts = dataset.parties["phone"].value_counts()
    repeated = sorted(counts[counts > 1].index)
    shared = sorted(item["phone"] for item in dataset.truth["shared_phones"])
    assert repeated == shared


def test_every_applicant_has_emergency_contact(dataset: Dataset) -> None:
    applicants = {batch["owner_party"] for batch in dataset.manifest["batches"]}
    listed = set(dataset.contacts["party_id"])
    assert applicants <= listed
    assert set(dataset.contacts["relation"]) <= {
        "spouse", "parent", "child", "sibling", "relative", "friend", "colleague",
    }  # fmt: skip


def test_loans_roles_and_statuses_valid(dataset: Dataset) -> None:
    assert set(dataset.loans["role"]) <= {"applicant", "borrower", "co_borrower", "guarantor"}
    assert set(dataset.loans["status"]) <= {
        "applied", "approved", "rejected", "repaying", "overdue", "defaulted", "closed",
    }  # fmt: skip
    assert dataset.loans["applied_at"].map(date.fromisoformat).notna().all()
    assert set(dataset.loans["party_id"]) <= set(dataset.parties["party_id"])


# Planted structures


def test_coached_members_call_intermediary_in_window(dataset: Dataset) -> None:
    rings = [ring for ring in dataset.truth["rings"] if ring["kind"] == "coached_group"]
    assert len(rings) == PLANTED.coached_groups
    for ring in rings:
        agents = set(ring["intermediary_numbers"])
        for window in ring["coaching_windows"]:
            bill = dataset.bill_of(window["party_id"])
            day = bill["start"].str[:10]
            inside = (day >= window["window_start"]) & (day <= window["window_end"])
            to_agent = bill["outgoing"] & bill["peer"].isin(agents)
            assert (inside & to_agent).any(), (ring["ring_id"], window["party_id"])


def test_coached_members_apply_within_few_days(dataset: Dataset) -> None:
    for ring in dataset.truth["rings"]:
        if ring["kind"] != "coached_group":
            continue
        assert 3 <= len(ring["members"]) <= 8
        applied = dataset.loans[dataset.loans["loan_id"].isin(ring["loan_ids"])]["applied_at"]
        days = sorted(date.fromisoformat(value) for value in applied)
        assert days[-1] - days[0] <= timedelta(days=4), ring["ring_id"]


def test_ring_members_call_each_other(dataset: Dataset) -> None:
    for ring in dataset.truth["rings"]:
        phones = set(ring["member_phones"])
        among = dataset.edges[
            dataset.edges["caller"].isin(phones) & dataset.edges["callee"].isin(phones)
        ]
        graph: nx.Graph[str] = nx.Graph()
        graph.add_nodes_from(phones)
        graph.add_edges_from(zip(among["caller"], among["callee"], strict=True))
        assert nx.is_connected(graph), ring["ring_id"]


def test_guarantee_circles_close(dataset: Dataset) -> None:
    circles = [ring for ring in dataset.truth["rings"] if ring["kind"] == "guarantee_circle"]
    assert len(circles) == PLANTED.guarantee_circles
    for ring in circles:
        loans = dataset.loans[dataset.loans["loan_id"].isin(ring["guarantee_loan_ids"])]
        borrower_of = {
            row.loan_id: row.party_id
            for row in loans.itertuples()
            if row.role in {"applicant", "borrower"}
        }
        guaranteed_by = {
            row.party_id: row.loan_id for row in loans.itertuples() if row.role == "guarantor"
        }
        start = ring["members"][0]
        visited = [start]
        current = borrower_of[guaranteed_by[start]]
        while current != start:
            visited.append(current)
            current = borrower_of[guaranteed_by[current]]
            assert len(visited) <= len(ring["members"]), ring["ring_id"]
        assert sorted(visited) == ring["members"]
        assert 2 <= len(visited) <= 6


def test_shared_phones_listed_by_two_parties(dataset: Dataset) -> None:
    assert len(dataset.truth["shared_phones"]) == PLANTED.shared_phones
    for item in dataset.truth["shared_phones"]:
        listed = sorted(dataset.parties.loc[dataset.parties["phone"] == item["phone"], "party_id"])
        assert listed == item["party_ids"]
        assert len(listed) == 2


def test_shared_phone_bills_identical_rows(dataset: Dataset) -> None:
    both = [item for item in dataset.truth["shared_phones"] if item["both_applicants"]]
    assert both
    for item in both:
        first, second = (dataset.bill_of(party) for party in item["party_ids"])
        assert _edge_rows(first) == _edge_rows(second)


def test_switched_numbers_quiet_after_switch_in_every_bill(dataset: Dataset) -> None:
    changes = dataset.truth["number_changes"]
    assert len(changes) >= PLANTED.lone_switchers + 3 * PLANTED.switch_chains
    for change in changes:
        involved_old = (dataset.bills["caller"] == change["old_number"]) | (
            dataset.bills["callee"] == change["old_number"]
        )
        involved_new = (dataset.bills["caller"] == change["new_number"]) | (
            dataset.bills["callee"] == change["new_number"]
        )
        old_days = dataset.bills.loc[involved_old, "start"].str[:10]
        new_days = dataset.bills.loc[involved_new, "start"].str[:10]
        assert (old_days < change["switch_date"]).all(), change["party_id"]
        assert (new_days >= change["switch_date"]).all(), change["party_id"]
        assert len(old_days) > 0, change["party_id"]


def test_switcher_bill_starts_at_switch(dataset: Dataset) -> None:
    for change in dataset.truth["number_changes"]:
        bill = dataset.bill_of(change["party_id"])
        assert (bill["owner"] == change["new_number"]).all()
        assert (bill["start"].str[:10] >= change["switch_date"]).all()


def test_switch_chain_members_switch_together(dataset: Dataset) -> None:
    chains: dict[str, list[date]] = {}
    for change in dataset.truth["number_changes"]:
        if change["chain_id"] is not None:
            chains.setdefault(change["chain_id"], []).append(
                date.fromisoformat(change["switch_date"])
            )
    assert len(chains) == PLANTED.switch_chains
    for days in chains.values():
        assert 3 <= len(days) <= 5
        assert max(days) - min(days) <= timedelta(days=3)


def test_defaulted_borrowers_linked_in_bills(dataset: Dataset) -> None:
    links = dataset.truth["defaulted_links"]
    assert len(links) == PLANTED.defaulted_borrowers
    for link in links:
        defaulted = dataset.loans[dataset.loans["loan_id"].isin(link["defaulted_loan_ids"])]
        assert set(defaulted["status"]) == {"defaulted"}
        assert set(defaulted["party_id"]) == {link["defaulted_party"]}
        for applicant in link["linked_applicants"]:
            assert (dataset.bill_of(applicant)["peer"] == link["phone"]).any(), applicant


def test_overdue_borrowers_receive_collection_calls(dataset: Dataset) -> None:
    for item in dataset.truth["overdue_borrowers"]:
        bill = dataset.bill_of(item["party_id"])
        from_collectors = ~bill["outgoing"] & bill["peer"].isin(item["collector_numbers"])
        assert from_collectors.any(), item["party_id"]
        status = dataset.loans.loc[dataset.loans["loan_id"] == item["loan_id"], "status"]
        assert list(status) == ["overdue"]


def test_consents_expired_and_revoked_listed(dataset: Dataset) -> None:
    consents = dataset.consents.set_index("consent_id")
    end = dataset.truth["period"]["end"]
    expired = {item["consent_id"] for item in dataset.truth["consents"]["expired"]}
    revoked = {item["consent_id"] for item in dataset.truth["consents"]["revoked"]}
    assert len(expired) == PLANTED.expired_consents
    assert len(revoked) == PLANTED.revoked_consents
    for consent_id, row in consents.iterrows():
        assert row["scope"] == "call_records"
        assert row["purpose"] == "credit_review"
        assert (row["revoked_at"] != "") == (consent_id in revoked), consent_id
        assert (row["expires_at"][:10] < end) == (consent_id in expired), consent_id
        assert re.fullmatch(r"[0-9a-f]{64}", row["document_sha256"])


def test_truth_counts_match_files(dataset: Dataset) -> None:
    counts = dataset.truth["counts"]
    assert counts["calls"] == len(dataset.edges)
    assert counts["parties"] == len(dataset.parties)
    assert counts["bills"] == len(dataset.manifest["batches"])
    assert counts["bill_rows"] == len(dataset.bills)
    assert counts["loans"] == dataset.loans["loan_id"].nunique()
    assert counts["applicants"] == SMALL["applicants"]
    assert dataset.truth["seed"] == SEED


def test_hub_numbers_include_lender_line_calling_applicants(dataset: Dataset) -> None:
    lines = [
        hub["number"]
        for hub in dataset.truth["hub_numbers"]
        if hub["kind"] == "lender_verification"
    ]
    called = dataset.bills.loc[dataset.bills["peer"].isin(lines), "party_id"].nunique()
    assert called == len(dataset.manifest["batches"])


def test_background_night_calls_rare(dataset: Dataset) -> None:
    suspects = {
        number for ring in dataset.truth["rings"] for number in ring["intermediary_numbers"]
    }
    suspects |= {number for ring in dataset.truth["rings"] for number in ring["member_phones"]}
    edges = dataset.edges
    background = edges[~edges["caller"].isin(suspects) & ~edges["callee"].isin(suspects)]
    night = background["start"].str[11:13].astype(int) < 6
    assert night.mean() < 0.03


# Default size, parameters and units


def test_default_population_size_in_range(tmp_path: Path) -> None:
    summary = generate_population(tmp_path, seed=7, edge_list_only=True)
    assert 40_000 <= summary.calls <= 80_000
    assert summary.applicants == 400


def test_parameters_period_spans_whole_months() -> None:
    params = GenerationParameters(seed=1, months=12)
    assert params.start_date == date(2025, 11, 1)
    assert params.days == 365
    assert GenerationParameters(seed=1).start_date == date(2026, 8, 1)


def test_generate_population_rejects_invalid_parameters(tmp_path: Path) -> None:
    with pytest.raises(GeneratorError) as caught:
        generate_population(tmp_path / "out", seed=-1, applicants=5, months=13, cmcc_fraction=2.0)
    keys = [key for key, _ in caught.value.problems]
    assert "generator.error.seed" in keys
    assert "generator.error.applicants" in keys
    assert "generator.error.months" in keys
    assert "generator.error.cmcc_fraction" in keys
    assert not (tmp_path / "out").exists()


def test_generate_population_rejects_nonempty_folder(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("keep", encoding="utf-8")
    with pytest.raises(GeneratorError) as caught:
        _generate(tmp_path)
    assert caught.value.problems[0][0] == "generator.error.out_not_empty"


def test_generate_population_overwrite_keeps_other_files(tmp_path: Path) -> None:
    _generate(tmp_path, seed=1)
    (tmp_path / "notes.txt").write_text("keep", encoding="utf-8")
    _generate(tmp_path, seed=2, overwrite=True)
    assert (tmp_path / "notes.txt").read_text(encoding="utf-8") == "keep"
    assert json.loads((tmp_path / "truth.json").read_text(encoding="utf-8"))["seed"] == 2


@given(st.integers(min_value=1, max_value=3599))
def test_format_duration_round_trips(seconds: int) -> None:
    assert _unicom_seconds(format_duration(seconds)) == seconds


def test_format_unicom_peer_cases() -> None:
    assert format_unicom_peer("13912345678", incoming=True) == "008613912345678"
    assert format_unicom_peer("06632718281", incoming=True) == "00866632718281"
    assert format_unicom_peer("4006180339", incoming=True) == "4006180339"
    assert format_unicom_peer("95588", incoming=True) == "95588"
    assert format_unicom_peer("06632718281", incoming=False) == "06632718281"


# Command line


def test_cli_generate_summary_in_chinese(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        generate,
        ["--seed", "3", "--out", str(tmp_path / "out"), "--applicants", "40"],
        env={"RINGSCOPE_LANG": "zh-CN"},
    )
    assert result.exit_code == 0, result.output
    assert "已在" in result.output
    assert "中介团伙" in result.output
    assert (tmp_path / "out" / "truth.json").is_file()


def test_cli_generate_summary_in_english(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        generate,
        ["--seed", "3", "--out", str(tmp_path / "out"), "--applicants", "40", "--format", "mixed"],
        env={"RINGSCOPE_LANG": "en"},
    )
    assert result.exit_code == 0, result.output
    assert "Generated a synthetic data set" in result.output
    assert "coached groups 1" in result.output


def test_cli_generate_edge_list_only(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        generate,
        ["--seed", "3", "--out", str(tmp_path), "--applicants", "40", "--edge-list-only"],
        env={"RINGSCOPE_LANG": "en"},
    )
    assert result.exit_code == 0, result.output
    assert "Wrote the edge list" in result.output
    assert sorted(path.name for path in tmp_path.iterdir()) == ["edges.csv"]


def test_cli_generate_large_run_prints_progress(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        generate,
        [
            "--seed",
            "3",
            "--out",
            str(tmp_path),
            "--applicants",
            "2000",
            "--calls-per-applicant",
            "100",
            "--edge-list-only",
        ],  # fmt: skip
        env={"RINGSCOPE_LANG": "en"},
    )
    assert result.exit_code == 0, result.output
    assert "Generating about 200000 calls" in result.stderr
    assert "Generating calls and writing the edge list" in result.stderr


def test_cli_generate_invalid_options_exit_two(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        generate,
        ["--seed", "3", "--out", str(tmp_path / "out"), "--applicants", "5", "--months", "0"],
        env={"RINGSCOPE_LANG": "zh-CN"},
    )
    assert result.exit_code == 2
    assert "申请人数量 5 无效" in result.output
    assert "月数 0 无效" in result.output
