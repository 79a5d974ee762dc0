"""Tests of layout detection and streaming reads, on the carrier samples and on variant
files that each test writes itself."""

from __future__ import annotations

import csv
import json
import logging
import random
from collections.abc import Mapping, Sequence
from datetime import datetime, time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import openpyxl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import xlwt  # type: ignore[import-untyped]
from python_calamine import CalamineWorkbook

from loader.layouts import LAYOUTS, layout_names
from loader.normalize import normalize_number
from loader.readers import UNKNOWN_OWNER, detect_layout, open_calls
from loader.records import CallRecord, CanonicalNumber, FileInfo, PhoneKind, ReadChunk, RejectedRow
from ringscope.errors import InputFileError

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "carrier-samples"
SHARED_DATA = Path(__file__).resolve().parents[3] / "shared" / "data"
OWNERS: dict[str, str] = json.loads((FIXTURES / "owners.json").read_text(encoding="utf-8"))
SHANGHAI = ZoneInfo("Asia/Shanghai")

SAMPLES = [
    pytest.param("owner_a_cmcc_detail.xls", "owner_a_cmcc_detail", "A", "cmcc-detail", id="A"),
    pytest.param(
        "owner_b_unicom_monthly.gbk.csv", "owner_b_unicom_monthly", "B", "unicom-monthly", id="B"
    ),
    pytest.param("owner_c_aggregator.json", "owner_c_aggregator", "C", "aggregator-json", id="C"),
]

UNICOM_HEADER = [
    "序号",
    "业务类型",
    "通话起始时间",
    "通话时长",
    "呼叫类型",
    "对方号码",
    "通话地点",
    "通话类型",
    "通话费",
    "其他费",
    "小计",
]
CMCC_HEADER: list[object] = [
    "对方号码",
    "起始时间",
    "通话类型",
    "通话时长",
    "长途类型",
    "话单位置",
    "漫游类型",
]
TELECOM_HEADER = ["序号", "主被叫", "对方号码", "通话开始时间", "通话时长", "通话地点", "通话类型"]

Row = tuple[str, str, str, int]


# --- helpers ---------------------------------------------------------------------------


def owner(key: str) -> CanonicalNumber:
    return normalize_number(OWNERS[key])


def read_all(
    path: Path, **options: Any
) -> tuple[FileInfo, list[CallRecord], list[RejectedRow], list[ReadChunk]]:
    info, chunks = open_calls(path, **options)
    read = list(chunks)
    calls = [call for chunk in read for call in chunk.calls]
    rejected = [row for chunk in read for row in chunk.rejected]
    return info, calls, rejected, read


def owner_view(calls: Sequence[CallRecord], owner_number: CanonicalNumber) -> list[Row]:
    """Each call as (peer, direction, ISO start, seconds) seen from the owner."""
    rows: list[Row] = []
    for call in calls:
        if call.caller == owner_number:
            peer, direction = call.callee, "out"
        else:
            peer, direction = call.caller, "in"
        rows.append((peer.canonical, direction, call.started_at.isoformat(), call.duration_seconds))
    return rows


def truth(stem: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(
        (FIXTURES / f"{stem}.truth.json").read_text(encoding="utf-8")
    )
    return loaded


def truth_rows(stem: str) -> list[Row]:
    return [
        (call["peer_national"], call["direction"], call["start"], call["seconds"])
        for call in truth(stem)["calls"]
    ]


def write_csv(
    path: Path, rows: Sequence[Sequence[object]], encoding: str = "utf-8", delimiter: str = ","
) -> Path:
    with path.open("w", encoding=encoding, newline="") as handle:
        csv.writer(handle, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return path


def write_xlsx(path: Path, sheets: Mapping[str, Sequence[Sequence[object]]]) -> Path:
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for name, rows in sheets.items():
        sheet = workbook.create_sheet(name)
        for row in rows:
            sheet.append(list(row))
    workbook.save(path)
    return path


def write_xls(path: Path, sheets: Mapping[str, Sequence[Sequence[object]]]) -> Path:
    workbook = xlwt.Workbook(encoding="utf-8")
    date_style = xlwt.easyxf(num_format_str="yyyy-mm-dd hh:mm:ss")
    time_style = xlwt.easyxf(num_format_str="hh:mm:ss")
    for name, rows in sheets.items():
        sheet = workbook.add_sheet(name)
        for row_index, row in enumerate(rows):
            for column, value in enumerate(row):
                if isinstance(value, datetime):
                    sheet.write(row_index, column, value, date_style)
                elif isinstance(value, time):
                    sheet.write(row_index, column, value, time_style)
                else:
                    sheet.write(row_index, column, value)
    workbook.save(str(path))
    return path


def unicom_row(number: object, start: str = "2026-09-28 19:52:40", **changes: str) -> list[object]:
    row: dict[str, object] = {
        "序号": "1",
        "业务类型": "语音电话",
        "通话起始时间": start,
        "通话时长": "1分24秒",
        "呼叫类型": "主叫",
        "对方号码": number,
        "通话地点": "0663",
        "通话类型": "本地通话",
        "通话费": "0.00",
        "其他费": "0.00",
        "小计": "0.00",
    }
    row.update(changes)
    return [row[name] for name in UNICOM_HEADER]


# --- the carrier samples ---------------------------------------------------------------


@pytest.mark.parametrize(("name", "stem", "owner_key", "layout"), SAMPLES)
def test_detect_layout_sample(name: str, stem: str, owner_key: str, layout: str) -> None:
    assert detect_layout(FIXTURES / name) == layout


@pytest.mark.parametrize(("name", "stem", "owner_key", "layout"), SAMPLES)
def test_open_calls_sample_rows_match_truth(
    name: str, stem: str, owner_key: str, layout: str
) -> None:
    _, calls, _, _ = read_all(FIXTURES / name, owner=owner(owner_key))

    assert sorted(owner_view(calls, owner(owner_key))) == sorted(truth_rows(stem))


@pytest.mark.parametrize(("name", "stem", "owner_key", "layout"), SAMPLES)
def test_open_calls_sample_counts_match_truth(
    name: str, stem: str, owner_key: str, layout: str
) -> None:
    expected = truth(stem)
    _, calls, rejected, _ = read_all(FIXTURES / name, owner=owner(owner_key))
    view = owner_view(calls, owner(owner_key))

    assert rejected == []
    assert len(calls) == expected["rows"]
    assert sum(call.duration_seconds for call in calls) == expected["total_seconds"]
    assert len({peer for peer, _, _, _ in view}) == expected["distinct_peers"]


@pytest.mark.parametrize(("name", "stem", "owner_key", "layout"), SAMPLES)
def test_open_calls_sample_intermediary_calls(
    name: str, stem: str, owner_key: str, layout: str
) -> None:
    expected = truth(stem)
    _, calls, _, _ = read_all(FIXTURES / name, owner=owner(owner_key))
    view = owner_view(calls, owner(owner_key))

    intermediary_calls = [row for row in view if row[0] == expected["intermediary_national"]]

    assert len(intermediary_calls) == expected["calls_with_intermediary"]


def test_open_calls_intermediary_identical_in_all_samples() -> None:
    intermediary = owner("intermediary")
    found = []
    for name, owner_key in [
        ("owner_a_cmcc_detail.xls", "A"),
        ("owner_b_unicom_monthly.gbk.csv", "B"),
        ("owner_c_aggregator.json", "C"),
    ]:
        _, calls, _, _ = read_all(FIXTURES / name, owner=owner(owner_key))
        found.append({end for call in calls for end in (call.caller, call.callee)})

    for ends in found:
        assert intermediary in ends
    assert intermediary == CanonicalNumber("17120107337", PhoneKind.MOBILE)


def test_open_calls_unicom_landline_restored() -> None:
    _, calls, _, _ = read_all(FIXTURES / "owner_b_unicom_monthly.gbk.csv", owner=owner("B"))

    landlines = {call.caller for call in calls if call.caller.kind is PhoneKind.LANDLINE}

    assert landlines == {CanonicalNumber("06632718281", PhoneKind.LANDLINE)}


def test_open_calls_aggregator_owner_from_file() -> None:
    info, _, _, _ = read_all(FIXTURES / "owner_c_aggregator.json")

    assert info == FileInfo(layout="aggregator-json", owner=owner("C"), is_edge_list=False)


def test_open_calls_aggregator_owner_fills_calls() -> None:
    _, calls, _, _ = read_all(FIXTURES / "owner_c_aggregator.json")

    assert all(owner("C") in (call.caller, call.callee) for call in calls)


def test_open_calls_aggregator_owner_mismatch() -> None:
    with pytest.raises(InputFileError) as caught:
        open_calls(FIXTURES / "owner_c_aggregator.json", owner=owner("A"))

    assert caught.value.message_key == "loader.owner.mismatch"
    assert OWNERS["A"] not in caught.value.render("en")


def test_open_calls_bill_without_owner_uses_unknown_owner() -> None:
    info, calls, _, _ = read_all(FIXTURES / "owner_b_unicom_monthly.gbk.csv")

    assert info.owner is None
    assert all(UNKNOWN_OWNER in (call.caller, call.callee) for call in calls)


def test_open_calls_sample_line_numbers() -> None:
    _, csv_calls, _, _ = read_all(FIXTURES / "owner_b_unicom_monthly.gbk.csv", owner=owner("B"))
    _, xls_calls, _, _ = read_all(FIXTURES / "owner_a_cmcc_detail.xls", owner=owner("A"))
    _, json_calls, _, _ = read_all(FIXTURES / "owner_c_aggregator.json")

    assert [call.line for call in csv_calls] == list(range(2, 70))
    assert [call.line for call in xls_calls] == list(range(2, 81))
    assert [call.line for call in json_calls] == list(range(1, 47))


def test_open_calls_sample_aware_start_times() -> None:
    _, calls, _, _ = read_all(FIXTURES / "owner_a_cmcc_detail.xls", owner=owner("A"))

    assert all(call.started_at.tzinfo == SHANGHAI for call in calls)


def test_open_calls_sample_call_types() -> None:
    _, calls, _, _ = read_all(FIXTURES / "owner_a_cmcc_detail.xls", owner=owner("A"))

    assert {call.call_type for call in calls} == {"voice"}


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_open_calls_cmcc_sample_other_containers(tmp_path: Path, suffix: str) -> None:
    workbook = CalamineWorkbook.from_path(str(FIXTURES / "owner_a_cmcc_detail.xls"))
    rows = workbook.get_sheet_by_index(0).to_python()
    if suffix == "csv":
        path = write_csv(tmp_path / "detail.csv", rows, encoding="gbk")
    else:
        path = write_xlsx(tmp_path / "detail.xlsx", {"语音业务历史详单_1": rows})

    info, calls, _, _ = read_all(path, owner=owner("A"))

    assert info.layout == "cmcc-detail"
    assert sorted(owner_view(calls, owner("A"))) == sorted(truth_rows("owner_a_cmcc_detail"))


def test_open_calls_chunks_partition_rows() -> None:
    _, calls, rejected, chunks = read_all(
        FIXTURES / "owner_b_unicom_monthly.gbk.csv", owner=owner("B"), chunk_rows=10
    )
    lines = [call.line for call in calls]

    assert [chunk.rows_read for chunk in chunks] == [10] * 6 + [8]
    assert lines == sorted(lines)
    assert len(set(lines)) == len(calls) + len(rejected)


# --- VAST 2008 edge list ---------------------------------------------------------------


def test_open_calls_vast_edge_list() -> None:
    info, calls, rejected, chunks = read_all(SHARED_DATA / "vast2008_mc3" / "cdr.csv")
    ids = {end for call in calls for end in (call.caller, call.callee)}

    assert info == FileInfo(layout="edge-list", owner=None, is_edge_list=True)
    assert sum(chunk.rows_read for chunk in chunks) == 9834
    assert len(ids) == 400
    assert {number.kind for number in ids} == {PhoneKind.OPAQUE}
    assert CanonicalNumber("opaque:200", PhoneKind.OPAQUE) in ids


def test_open_calls_vast_negative_durations_rejected() -> None:
    # The published cdr.csv has four calls with negative durations; they are data errors.
    _, calls, rejected, _ = read_all(SHARED_DATA / "vast2008_mc3" / "cdr.csv")

    assert len(calls) == 9830
    assert [row.line for row in rejected] == [823, 4222, 6451, 7246]
    assert {row.reason_key for row in rejected} == {"loader.duration.negative"}


def test_open_calls_vast_first_row() -> None:
    _, calls, _, _ = read_all(SHARED_DATA / "vast2008_mc3" / "cdr.csv")

    assert calls[0] == CallRecord(
        line=2,
        caller=CanonicalNumber("opaque:349", PhoneKind.OPAQUE),
        callee=CanonicalNumber("opaque:23", PhoneKind.OPAQUE),
        started_at=datetime(2006, 6, 1, 0, 8, tzinfo=SHANGHAI),
        duration_seconds=1634,
        call_type="voice",
        location="1",
    )


def test_open_calls_edge_list_phone_numbers(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "edges.csv",
        [
            ["主叫号码", "被叫号码", "开始时间", "通话时长"],
            ["13912345678", "+86 150 0000 1111", "2026-09-01 10:00:00", "60"],
            ["15000001111", "010-12345678", "2026-09-01 11:00:00", "1分"],
        ],
    )

    info, calls, rejected, _ = read_all(path)

    assert info.is_edge_list
    assert rejected == []
    assert [(call.caller.canonical, call.callee.canonical) for call in calls] == [
        ("13912345678", "15000001111"),
        ("15000001111", "01012345678"),
    ]


def test_open_calls_edge_list_forced_opaque(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "edges.csv",
        [["caller", "callee", "start", "duration"], ["13912345678", "7", "2026-09-01 10:00", "5"]],
    )

    _, calls, _, _ = read_all(path, opaque_ids=True)

    assert calls[0].caller == CanonicalNumber("opaque:13912345678", PhoneKind.OPAQUE)


def test_open_calls_parquet_edge_list_opaque(tmp_path: Path) -> None:
    path = tmp_path / "edges.parquet"
    table = pa.table(
        {
            "From": pa.array([1, 2, 3], pa.int64()),
            "To": pa.array([2, 3, 1], pa.int64()),
            "Datetime": ["20060601 0008", "20060601 0010", "20060602 1200"],
            "Duration(seconds)": pa.array([10, 20, 30], pa.int64()),
        }
    )
    pq.write_table(table, path)

    info, calls, rejected, _ = read_all(path)

    assert info.layout == "edge-list"
    assert rejected == []
    assert [call.caller.canonical for call in calls] == ["opaque:1", "opaque:2", "opaque:3"]
    assert [call.line for call in calls] == [1, 2, 3]


def test_open_calls_parquet_phone_numbers_and_timestamps(tmp_path: Path) -> None:
    path = tmp_path / "edges.parquet"
    table = pa.table(
        {
            "caller": ["13912345678", "15000001111"],
            "callee": ["15000001111", "13912345678"],
            "start_time": pa.array(
                [datetime(2026, 9, 1, 10, 0), datetime(2026, 9, 1, 11, 0)], pa.timestamp("s")
            ),
            "duration_seconds": pa.array([60, 61], pa.int32()),
        }
    )
    pq.write_table(table, path)

    _, calls, _, _ = read_all(path)

    assert calls[0].caller == CanonicalNumber("13912345678", PhoneKind.MOBILE)
    assert calls[1].started_at == datetime(2026, 9, 1, 11, 0, tzinfo=SHANGHAI)


# --- variants: spreadsheets ------------------------------------------------------------


def cmcc_month_sheets() -> dict[str, list[list[object]]]:
    """Two months of a China Mobile detail list, one per sheet, with the usual quirks."""
    august: list[list[object]] = [
        ["尊敬的客户：以下详单仅供参考，请以实际扣费为准。"],
        ["计费周期：2026-08-01至2026-08-31"],
        ["费用合计：12.30元", "通话次数：6"],
        [],
        CMCC_HEADER,
        [13912345678.0, "08-05 09:10:11", "主叫", "00:01:24", "本地通话", "上海", "非漫游"],
        [13912345678.0, "08-05 09:10:11", "主叫", "00:01:24", "本地通话", "上海", "非漫游"],
        [
            "17951 13800001111",
            "08-06 10:00:00",
            "被叫",
            "1小时5分14秒",
            "国内长途",
            "上海",
            "非漫游",
        ],
        ["+86 139 2222 3333", "08-07 11:00:00", "呼转", "00:00:30", "本地通话", "上海", "非漫游"],
        [2112345678.0, "08-08 12:00:00", "主叫", "00:02:00", "本地通话", "上海", "VPMN"],
    ]
    september: list[list[object]] = [
        ["计费周期：2026-09-01至2026-09-30"],
        CMCC_HEADER,
        ["12593 15000001111", "09-01 08:00:00", "VPMN主叫", "5", "本地通话", "上海", "非漫游"],
        CMCC_HEADER,
        ["10086", datetime(2026, 9, 2, 8, 0), "主叫", time(0, 1, 0), "本地通话", "上海", "非漫游"],
        ["95588", "09-03 08:00:00", "被叫", "45", "本地通话", "上海", "非漫游"],
    ]
    return {"2026年08月": august, "2026年09月": september}


EXPECTED_CMCC_ROWS: list[tuple[str, str, datetime, int, str]] = [
    ("13912345678", "out", datetime(2026, 8, 5, 9, 10, 11, tzinfo=SHANGHAI), 84, "voice"),
    ("13912345678", "out", datetime(2026, 8, 5, 9, 10, 11, tzinfo=SHANGHAI), 84, "voice"),
    ("13800001111", "in", datetime(2026, 8, 6, 10, 0, tzinfo=SHANGHAI), 3914, "voice"),
    ("13922223333", "in", datetime(2026, 8, 7, 11, 0, tzinfo=SHANGHAI), 30, "forwarded"),
    ("02112345678", "out", datetime(2026, 8, 8, 12, 0, tzinfo=SHANGHAI), 120, "roaming_vpmn"),
    ("15000001111", "out", datetime(2026, 9, 1, 8, 0, tzinfo=SHANGHAI), 5, "roaming_vpmn"),
    ("10086", "out", datetime(2026, 9, 2, 8, 0, tzinfo=SHANGHAI), 60, "voice"),
    ("95588", "in", datetime(2026, 9, 3, 8, 0, tzinfo=SHANGHAI), 45, "voice"),
]


def full_view(calls: Sequence[CallRecord]) -> list[tuple[str, str, datetime, int, str]]:
    me = owner("A")
    return [
        (peer, direction, call.started_at, seconds, call.call_type)
        for call, (peer, direction, _, seconds) in zip(calls, owner_view(calls, me), strict=True)
    ]


@pytest.fixture(scope="module")
def cmcc_xlsx(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_xlsx(tmp_path_factory.mktemp("xlsx") / "detail.xlsx", cmcc_month_sheets())


@pytest.fixture(scope="module")
def cmcc_xls(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_xls(tmp_path_factory.mktemp("xls") / "detail.xls", cmcc_month_sheets())


def test_detect_layout_xlsx_with_preamble(cmcc_xlsx: Path) -> None:
    assert detect_layout(cmcc_xlsx) == "cmcc-detail"


def test_detect_layout_xls_with_preamble(cmcc_xls: Path) -> None:
    assert detect_layout(cmcc_xls) == "cmcc-detail"


def test_open_calls_xlsx_month_sheets(cmcc_xlsx: Path) -> None:
    _, calls, rejected, _ = read_all(cmcc_xlsx, owner=owner("A"))

    assert rejected == []
    assert full_view(calls) == EXPECTED_CMCC_ROWS


def test_open_calls_xls_month_sheets(cmcc_xls: Path) -> None:
    _, calls, rejected, _ = read_all(cmcc_xls, owner=owner("A"))

    assert rejected == []
    assert full_view(calls) == EXPECTED_CMCC_ROWS


def test_open_calls_xlsx_row_numbers(cmcc_xlsx: Path) -> None:
    _, calls, _, _ = read_all(cmcc_xlsx, owner=owner("A"))

    # August: header on row 5; September: header on rows 2 and 4 (repeated).
    assert [call.line for call in calls] == [6, 7, 8, 9, 10, 3, 5, 6]


def test_open_calls_xlsx_repeated_rows_both_returned(cmcc_xlsx: Path) -> None:
    _, calls, _, _ = read_all(cmcc_xlsx, owner=owner("A"))

    assert calls[0].started_at == calls[1].started_at
    assert calls[0].line != calls[1].line


def test_open_calls_xlsx_year_less_without_period(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "bill.xlsx",
        {"Sheet1": [CMCC_HEADER, ["13912345678", "09-28 19:52:40", "主叫", "5", "", "", ""]]},
    )

    _, calls, rejected, _ = read_all(path, owner=owner("A"))

    assert calls == []
    assert [(row.line, row.reason_key) for row in rejected] == [(2, "loader.start.no_year")]


def test_open_calls_xlsx_year_less_default_year(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "bill.xlsx",
        {"Sheet1": [CMCC_HEADER, ["13912345678", "09-28 19:52:40", "主叫", "5", "", "", ""]]},
    )

    _, calls, _, _ = read_all(path, owner=owner("A"), default_year=2025)

    assert calls[0].started_at == datetime(2025, 9, 28, 19, 52, 40, tzinfo=SHANGHAI)


def test_open_calls_xlsx_continuation_sheet(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "bill.xlsx",
        {
            "详单_1": [CMCC_HEADER, ["13912345678", "2026-09-01 08:00:00", "主叫", "5"]],
            "详单_2": [["13912345678", "2026-09-02 08:00:00", "被叫", "6"]],
        },
    )

    _, calls, _, _ = read_all(path, owner=owner("A"))

    assert [(call.line, call.duration_seconds) for call in calls] == [(2, 5), (1, 6)]


def test_open_calls_xlsx_skips_leading_summary_sheet(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = write_xlsx(
        tmp_path / "bill.xlsx",
        {
            "汇总": [["本月通话合计", "120分钟"]],
            "详单": [CMCC_HEADER, ["13912345678", "2026-09-01 08:00:00", "主叫", "5"]],
        },
    )

    with caplog.at_level(logging.WARNING, logger="loader.readers"):
        _, calls, rejected, _ = read_all(path, owner=owner("A"))

    assert len(calls) == 1
    assert rejected == []
    assert "汇总" in caplog.text


def test_open_calls_xlsx_header_only(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "bill.xlsx", {"Sheet1": [CMCC_HEADER]})

    info, calls, rejected, chunks = read_all(path, owner=owner("A"))

    assert info.layout == "cmcc-detail"
    assert calls == []
    assert rejected == []
    assert chunks == []


def test_open_calls_truncated_xlsx(tmp_path: Path, cmcc_xlsx: Path) -> None:
    data = cmcc_xlsx.read_bytes()
    path = tmp_path / "truncated.xlsx"
    path.write_bytes(data[: len(data) // 2])

    with pytest.raises(InputFileError) as caught:
        open_calls(path)

    assert caught.value.message_key == "loader.input.corrupt_spreadsheet"
    assert "truncated.xlsx" in caught.value.render("en")


def test_detect_layout_truncated_xls(tmp_path: Path, cmcc_xls: Path) -> None:
    path = tmp_path / "truncated.xls"
    path.write_bytes(cmcc_xls.read_bytes()[:600])

    with pytest.raises(InputFileError) as caught:
        detect_layout(path)

    assert caught.value.message_key == "loader.input.corrupt_spreadsheet"


# --- variants: CSV ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("encoding", "delimiter"),
    [("utf-8", ","), ("utf-8-sig", ","), ("gbk", ","), ("gb18030", "\t"), ("utf-16", "\t")],
)
def test_open_calls_unicom_encodings(tmp_path: Path, encoding: str, delimiter: str) -> None:
    path = write_csv(
        tmp_path / "bill.csv",
        [UNICOM_HEADER, unicom_row("008613912345678"), unicom_row("13800001111")],
        encoding=encoding,
        delimiter=delimiter,
    )

    info, calls, rejected, _ = read_all(path, owner=owner("B"))

    assert info.layout == "unicom-monthly"
    assert rejected == []
    assert [call.callee.canonical for call in calls] == ["13912345678", "13800001111"]


def test_open_calls_csv_preamble_and_fee_lines(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "bill.csv",
        [
            ["中国联通 通话详单"],
            ["免责声明：本详单仅供参考，如有疑问请拨打10010。"],
            ["账单周期：2026年09月01日-2026年09月30日"],
            ["费用合计", "12.30", "元"],
            UNICOM_HEADER,
            unicom_row("13912345678", start="09-28 19:52:40"),
        ],
    )

    _, calls, rejected, _ = read_all(path, owner=owner("B"))

    assert rejected == []
    assert calls[0].line == 6
    assert calls[0].started_at == datetime(2026, 9, 28, 19, 52, 40, tzinfo=SHANGHAI)


def test_open_calls_csv_second_billing_period(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "two-months.csv",
        [
            ["账单周期：2025年12月01日-2025年12月31日"],
            UNICOM_HEADER,
            unicom_row("13912345678", start="12-31 23:59:00"),
            ["账单周期：2026年01月01日-2026年01月31日"],
            UNICOM_HEADER,
            unicom_row("13912345678", start="01-01 00:01:00"),
        ],
    )

    _, calls, rejected, _ = read_all(path, owner=owner("B"))

    assert rejected == []
    assert [(call.line, call.started_at.year) for call in calls] == [(3, 2025), (6, 2026)]


def test_open_calls_csv_duplicate_rows_kept(tmp_path: Path) -> None:
    row = unicom_row("13912345678")
    path = write_csv(tmp_path / "bill.csv", [UNICOM_HEADER, row, row])

    _, calls, _, _ = read_all(path, owner=owner("B"))

    assert [call.line for call in calls] == [2, 3]
    assert calls[0].started_at == calls[1].started_at


def test_open_calls_csv_blank_lines_are_not_rows(tmp_path: Path) -> None:
    path = tmp_path / "bill.csv"
    lines = [
        ",".join(UNICOM_HEADER),
        ",".join(map(str, unicom_row("13912345678"))),
        "",
        ",,,,,,,,,,",
        ",".join(map(str, unicom_row("13800001111"))),
        "",
        "",
    ]
    path.write_text("\r\n".join(lines), encoding="utf-8")

    _, calls, rejected, _ = read_all(path, owner=owner("B"))

    assert rejected == []
    assert [call.line for call in calls] == [2, 5]


def test_open_calls_csv_quoted_newline_keeps_lines(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "bill.csv",
        [
            UNICOM_HEADER,
            unicom_row("13912345678", 通话地点="上海\n浦东"),
            unicom_row("13800001111", start="bad time"),
        ],
    )

    _, calls, rejected, _ = read_all(path, owner=owner("B"))

    assert calls[0].line == 2
    assert calls[0].location == "上海\n浦东"
    assert [row.line for row in rejected] == [4]


def test_open_calls_csv_bad_date_rejected_with_line(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "bill.csv",
        [
            UNICOM_HEADER,
            unicom_row("13912345678"),
            unicom_row("13912345678", start="2026-02-30 10:00:00"),
            unicom_row("13912345678"),
        ],
    )

    _, calls, rejected, _ = read_all(path, owner=owner("B"))

    assert len(calls) == 2
    assert [(row.line, row.reason_key) for row in rejected] == [(3, "loader.start.invalid")]
    assert rejected[0].reason_params["column"] == "通话起始时间"


def test_open_calls_rejected_values_masked(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "bill.csv",
        [UNICOM_HEADER, unicom_row("13912345678", start="13912345678")],
    )

    _, _, rejected, _ = read_all(path, owner=owner("B"))
    rendered = json.dumps([rejected[0].values, rejected[0].reason_params], ensure_ascii=False)

    assert "13912345678" not in rendered
    assert rejected[0].values["对方号码"] == "139****5678"


def test_open_calls_every_row_accounted(tmp_path: Path) -> None:
    rows = [
        unicom_row("13912345678"),
        unicom_row("not a number"),
        unicom_row("13912345678", 通话时长="abc"),
        unicom_row("13912345678", 呼叫类型="VPMN"),
        unicom_row("13912345678", 业务类型="短信"),
        unicom_row("+1 650 253 0000"),
        unicom_row("13912345678", start=""),
    ]
    path = write_csv(tmp_path / "bill.csv", [UNICOM_HEADER, *rows])

    _, calls, rejected, _ = read_all(path, owner=owner("B"))

    assert [call.line for call in calls] == [2]
    assert [(row.line, row.reason_key) for row in rejected] == [
        (3, "loader.number.not_digits"),
        (4, "loader.duration.invalid"),
        (5, "loader.direction.invalid"),
        (6, "loader.row.not_a_call"),
        (7, "loader.number.foreign"),
        (8, "loader.start.empty"),
    ]


def test_open_calls_local_landline_takes_location_area_code(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "bill.csv", [UNICOM_HEADER, unicom_row("2718281")])

    _, calls, _, _ = read_all(path, owner=owner("B"))

    assert calls[0].callee == CanonicalNumber("06632718281", PhoneKind.LANDLINE)


def test_open_calls_forwarding_and_vpmn_types(tmp_path: Path) -> None:
    rows = [
        unicom_row("13912345678", 呼叫类型="呼转"),
        unicom_row("13912345678", 呼叫类型="呼叫转移"),
        unicom_row("13912345678", 呼叫类型="主叫", 通话类型="VPMN"),
        unicom_row("13912345678", 呼叫类型="集团网被叫"),
    ]
    path = write_csv(tmp_path / "bill.csv", [UNICOM_HEADER, *rows])

    _, calls, _, _ = read_all(path, owner=owner("B"))
    seen = owner_view(calls, owner("B"))

    assert [call.call_type for call in calls] == [
        "forwarded",
        "forwarded",
        "roaming_vpmn",
        "roaming_vpmn",
    ]
    assert [direction for _, direction, _, _ in seen] == ["in", "in", "out", "in"]


def test_open_calls_ip_prefixes_and_plus86(tmp_path: Path) -> None:
    numbers = ["17951 13912345678", "12593-13912345678", "+86 139 1234 5678", "1.3912345678E10"]
    path = write_csv(tmp_path / "bill.csv", [UNICOM_HEADER, *map(unicom_row, numbers)])

    _, calls, rejected, _ = read_all(path, owner=owner("B"))

    assert rejected == []
    assert {call.callee.canonical for call in calls} == {"13912345678"}


def test_open_calls_telecom_year_less_and_long_durations(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "telecom.csv",
        [
            ["中国电信 语音详单"],
            ["账单周期：2026年09月01日至2026年09月30日"],
            TELECOM_HEADER,
            ["1", "主叫", "13912345678", "09-28 19:52:40", "1小时5分14秒", "广州", "本地"],
            ["2", "被叫", "020-12345678", "09-29 08:00:00", "00:01:24", "广州", "长途"],
        ],
        encoding="gbk",
    )

    info, calls, rejected, _ = read_all(path, owner=owner("A"))

    assert info.layout == "telecom-detail"
    assert rejected == []
    assert [call.duration_seconds for call in calls] == [3914, 84]
    assert calls[0].started_at == datetime(2026, 9, 28, 19, 52, 40, tzinfo=SHANGHAI)
    assert calls[1].caller == CanonicalNumber("02012345678", PhoneKind.LANDLINE)


def test_detect_layout_telecom_over_cmcc(tmp_path: Path) -> None:
    header = ["序号", "主被叫", "对方号码", "开始时间", "通话时长", "通话地点", "通话类型"]
    path = write_csv(tmp_path / "telecom.csv", [header])

    assert detect_layout(path) == "telecom-detail"


def test_open_calls_headerless_bill(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "bill.csv",
        [
            ["尊敬的客户：以下为您的通话详单"],
            ["账单周期：2026年09月01日-2026年09月30日"],
            ["1", "09-28 19:52:40", "上海", "主叫", "13912345678", "00:01:24", "本地通话", "0.00"],
            ["2", "09-28 20:00:00", "上海", "被叫", "+86 150 0000 1111", "1分24秒", "VPMN"],
        ],
    )

    info, calls, rejected, _ = read_all(path, owner=owner("A"))

    assert info.layout == "headerless-bill"
    assert rejected == []
    assert owner_view(calls, owner("A")) == [
        ("13912345678", "out", "2026-09-28T19:52:40+08:00", 84),
        ("15000001111", "in", "2026-09-28T20:00:00+08:00", 84),
    ]
    assert [call.call_type for call in calls] == ["voice", "roaming_vpmn"]


def test_open_calls_headerless_without_sequence_column(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "bill.csv",
        [["2026-09-28 19:52:40", "上海", "主叫", "13912345678", "84"]],
    )

    info, calls, _, _ = read_all(path, owner=owner("A"))

    assert info.layout == "headerless-bill"
    assert calls[0].line == 1


def test_open_calls_headerless_bad_row_rejected(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "bill.csv",
        [
            ["2026-09-28 19:52:40", "上海", "主叫", "13912345678", "84"],
            ["2026-09-28 19:60:40", "上海", "主叫", "13912345678", "84"],
        ],
    )

    _, _, rejected, _ = read_all(path, owner=owner("A"))

    assert [(row.line, row.reason_params["column"]) for row in rejected] == [(2, "#1")]


# --- variants: JSON --------------------------------------------------------------------


def test_open_calls_aggregator_nested_and_bad_entry(tmp_path: Path) -> None:
    report = {
        "code": 0,
        "data": {
            "mobile": "13912345678",
            "calls": [
                {
                    "time": "2026-09-01 10:00:00",
                    "peer_number": "10086",
                    "duration": 5,
                    "dial_type": "DIAL",
                },
                "not an object",
                {
                    "time": "2026-09-01 11:00:00",
                    "peer_number": "13800001111",
                    "duration": "1分",
                    "dial_type": "DIALED",
                },
            ],
        },
    }
    path = tmp_path / "report.json"
    path.write_text(json.dumps(report, ensure_ascii=False), encoding="utf-8")

    info, calls, rejected, _ = read_all(path)

    assert info.owner == CanonicalNumber("13912345678", PhoneKind.MOBILE)
    assert [call.line for call in calls] == [1, 3]
    assert [(row.line, row.reason_key) for row in rejected] == [(2, "loader.row.not_an_object")]


def test_open_calls_aggregator_missing_key_rejected(tmp_path: Path) -> None:
    report = {
        "mobile": "13912345678",
        "calls": [
            {
                "time": "2026-09-01 10:00:00",
                "peer_number": "10086",
                "duration": 5,
                "dial_type": "DIAL",
            },
            {"time": "2026-09-01 10:00:00", "peer_number": "10086", "dial_type": "DIAL"},
        ],
    }
    path = tmp_path / "report.json"
    path.write_text(json.dumps(report), encoding="utf-8")

    _, _, rejected, _ = read_all(path)

    assert [(row.line, row.reason_key) for row in rejected] == [(2, "loader.duration.empty")]


def test_open_calls_corrupt_json(tmp_path: Path) -> None:
    path = tmp_path / "report.json"
    path.write_text('{"mobile": "13912345678", "calls": [', encoding="utf-8")

    with pytest.raises(InputFileError) as caught:
        open_calls(path)

    assert caught.value.message_key == "loader.input.corrupt_json"


def test_open_calls_json_without_calls(tmp_path: Path) -> None:
    path = tmp_path / "other.json"
    path.write_text('{"name": "x", "items": [1, 2]}', encoding="utf-8")

    with pytest.raises(InputFileError) as caught:
        open_calls(path)

    assert caught.value.message_key == "loader.layout.not_detected"
    assert "name, items" in caught.value.render("en")


# --- whole-file problems ---------------------------------------------------------------


def test_open_calls_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")

    with pytest.raises(InputFileError) as caught:
        open_calls(path)

    assert caught.value.message_key == "loader.input.empty"


def test_open_calls_whitespace_file(tmp_path: Path) -> None:
    path = tmp_path / "blank.csv"
    path.write_text("\r\n  \r\n", encoding="utf-8")

    with pytest.raises(InputFileError) as caught:
        open_calls(path)

    assert caught.value.message_key == "loader.input.empty"


def test_open_calls_csv_header_only(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "bill.csv", [UNICOM_HEADER], encoding="gbk")

    info, calls, rejected, chunks = read_all(path, owner=owner("B"))

    assert info.layout == "unicom-monthly"
    assert (calls, rejected, chunks) == ([], [], [])


def test_open_calls_unknown_header(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "odd.csv", [["姓名", "金额", "备注"], ["张三", "1", "13912345678"]])

    with pytest.raises(InputFileError) as caught:
        open_calls(path)
    message = caught.value.render("en")

    assert caught.value.message_key == "loader.layout.not_detected"
    assert "姓名, 金额, 备注" in message
    for name in layout_names():
        assert name in message


def test_open_calls_unknown_layout_message_masks_numbers(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "odd.csv", [["13912345678", "x", "y"]])

    with pytest.raises(InputFileError) as caught:
        open_calls(path)

    assert "13912345678" not in caught.value.render("zh-CN")
    assert "139****5678" in caught.value.render("zh-CN")


def test_open_calls_binary_garbage(tmp_path: Path) -> None:
    path = tmp_path / "garbage.csv"
    path.write_bytes(random.Random(20260928).randbytes(4096))

    with pytest.raises(InputFileError) as caught:
        open_calls(path)

    assert caught.value.message_key == "loader.input.binary"


def test_open_calls_wrong_encoding(tmp_path: Path) -> None:
    path = tmp_path / "latin1.csv"
    path.write_bytes("caller,callee\r\ncafé,crème\r\n".encode("latin-1"))

    with pytest.raises(InputFileError) as caught:
        open_calls(path)

    assert caught.value.message_key == "loader.input.encoding"


def test_open_calls_encoding_breaks_midway(tmp_path: Path) -> None:
    rows = [",".join(UNICOM_HEADER)] + [",".join(map(str, unicom_row("13912345678")))] * 2000
    good = ("\r\n".join(rows) + "\r\n").encode("utf-8")
    bad = ",".join(map(str, unicom_row("13912345678", 通话地点="广州"))).encode("gbk")
    path = tmp_path / "mixed.csv"
    path.write_bytes(good + bad + b"\r\n")

    info, chunks = open_calls(path, owner=owner("B"))
    with pytest.raises(InputFileError) as caught:
        list(chunks)

    assert caught.value.message_key == "loader.input.decode_failed"
    assert caught.value.params["line"] == 2002


def test_open_calls_html_disguised_as_xls(tmp_path: Path) -> None:
    path = tmp_path / "detail.xls"
    path.write_text("<html><body><table><tr><td>对方号码</td></tr></table></body></html>")

    with pytest.raises(InputFileError) as caught:
        open_calls(path)

    assert caught.value.message_key == "loader.input.html_export"


def test_open_calls_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputFileError) as caught:
        open_calls(tmp_path / "nowhere.csv")

    assert caught.value.message_key == "loader.input.unreadable"


def test_open_calls_directory(tmp_path: Path) -> None:
    with pytest.raises(InputFileError) as caught:
        open_calls(tmp_path)

    assert caught.value.message_key == "loader.input.unreadable"


def test_open_calls_unknown_layout_name() -> None:
    with pytest.raises(InputFileError) as caught:
        open_calls(FIXTURES / "owner_b_unicom_monthly.gbk.csv", layout="att-us")

    assert caught.value.message_key == "loader.layout.unknown_name"


def test_open_calls_layout_wrong_file_kind() -> None:
    with pytest.raises(InputFileError) as caught:
        open_calls(FIXTURES / "owner_b_unicom_monthly.gbk.csv", layout="aggregator-json")

    assert caught.value.message_key == "loader.layout.wrong_file_kind"


def test_open_calls_forced_layout_header_missing() -> None:
    with pytest.raises(InputFileError) as caught:
        open_calls(FIXTURES / "owner_b_unicom_monthly.gbk.csv", layout="edge-list")

    assert caught.value.message_key == "loader.layout.header_not_found"


def test_open_calls_forced_layout_reads() -> None:
    info, calls, _, _ = read_all(
        FIXTURES / "owner_a_cmcc_detail.xls", layout="cmcc-detail", owner=owner("A")
    )

    assert info.layout == "cmcc-detail"
    assert len(calls) == 79


def test_open_calls_rejects_zero_chunk_rows() -> None:
    with pytest.raises(ValueError):
        open_calls(FIXTURES / "owner_b_unicom_monthly.gbk.csv", chunk_rows=0)


def test_layouts_names_unique() -> None:
    assert len({layout.name for layout in LAYOUTS}) == len(LAYOUTS)


def test_layouts_describe_both_languages() -> None:
    for layout in LAYOUTS:
        assert set(layout.description) == {"en", "zh-CN"}
