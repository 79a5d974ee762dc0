"""Hypothesis strategies for hostile call-record files and cell values.

Every phone-like value here is made up (139 0000 0000 and the like), so a falsifying
example that Hypothesis prints contains no real number.
"""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta, timezone

from hypothesis import strategies as st

UNICOM_HEADER = (
    "序号,业务类型,通话起始时间,通话时长,呼叫类型,对方号码,通话地点,通话类型,通话费,其他费,小计"
)
CMCC_HEADER = "起始时间,通信地点,通信方式,对方号码,通信时长"
EDGE_HEADER = "caller,callee,start,duration_seconds"
TELECOM_HEADER = "序号,主被叫,对方号码,通话开始时间,通话时长,通话地点,通话类型,费用(元)"

# Magic numbers and openings that lead the sniffer into each container and layout.
OPENINGS = [
    b"",
    b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
    b"PK\x03\x04",
    b"PAR1",
    b"{",
    b"[",
    b"\xef\xbb\xbf",
    b"\xff\xfe",
    (UNICOM_HEADER + "\n").encode("utf-8"),
    (UNICOM_HEADER + "\r\n").encode("gbk"),
    (CMCC_HEADER + "\n").encode("utf-8"),
    (EDGE_HEADER + "\n").encode("utf-8"),
    "账单周期：2026-09-01至2026-09-30\n".encode() + (TELECOM_HEADER + "\n").encode(),
    b"<html><table>",
]
SUFFIXES = [".csv", ".txt", ".xls", ".xlsx", ".json", ".parquet", ""]

# Cells that look like what carriers write, mixed with hostile text.
_PLAUSIBLE_CELLS = [
    "13900000000",
    "+86 139 0000 0000",
    "008613900000000",
    "00866630000000",
    "1795113900000000",
    "10086",
    "4008123456",
    "2000000",
    "1.39E10",
    '="13900000000"',
    "'13900000000",
    "***",
    "未知",
    "主叫",
    "被叫",
    "呼转",
    "短信",
    "DIAL",
    "DIALED",
    "1分24秒",
    "1小时5分14秒",
    "84",
    "84.0",
    "-5",
    "00:01:24",
    "2026-09-28 19:52:40",
    "09-28 19:52:40",
    "9月28日 19:52:40",
    "20260928195240",
    "45928.5",
    "本地通话",
    "国内长途",
    "VPMN",
    "",
    " ",
    '"',
    "\n",
]
# Text a carrier export can contain: no control characters (a file with them is binary to
# the sniffer, which is documented) and no surrogates.
_TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cc", "Cs"), blacklist_characters="\x7f"),
    max_size=30,
)
cells = st.one_of(st.sampled_from(_PLAUSIBLE_CELLS), _TEXT)
hostile_cells = st.one_of(st.sampled_from(_PLAUSIBLE_CELLS), st.text(max_size=30))
cell_objects = st.one_of(
    cells,
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.datetimes(min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30)),
    st.datetimes(
        min_value=datetime(1, 1, 2),
        max_value=datetime(9999, 12, 30),
        timezones=st.just(timezone(timedelta(hours=8))),
    ),
    st.dates(min_value=date(1, 1, 1)),
)


def _csv_cell(value: str) -> str:
    if any(char in value for char in ',"\n\r'):
        return '"' + value.replace('"', '""') + '"'
    return value


@st.composite
def unicom_bills(draw: st.DrawFn) -> tuple[bytes, int]:
    """A Unicom bill whose every data row starts its start-time cell with a digit, so each
    row is a data row; returns the bytes and the number of data rows."""
    count = draw(st.integers(min_value=1, max_value=40))
    lines = [UNICOM_HEADER]
    for index in range(count):
        start = draw(st.integers(min_value=0, max_value=9).map(str)) + draw(cells)
        row = [str(index + 1), draw(cells), start, *(draw(cells) for _ in range(8))]
        lines.append(",".join(_csv_cell(value) for value in row))
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "gb18030"]))
    return ("\r\n".join(lines) + "\r\n").encode(encoding, errors="replace"), count


@st.composite
def edge_lists(draw: st.DrawFn) -> tuple[bytes, int]:
    count = draw(st.integers(min_value=1, max_value=40))
    lines = [EDGE_HEADER]
    for _ in range(count):
        start = draw(st.integers(min_value=0, max_value=9).map(str)) + draw(cells)
        lines.append(",".join(_csv_cell(v) for v in (draw(cells), draw(cells), start, draw(cells))))
    return ("\n".join(lines) + "\n").encode("utf-8"), count


json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), cells),
    lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)


@st.composite
def aggregator_reports(draw: st.DrawFn) -> tuple[bytes, int]:
    """An aggregator JSON report with ``count`` call objects of hostile values."""
    count = draw(st.integers(min_value=1, max_value=30))
    calls = [
        {
            "time": draw(st.one_of(cells, json_values)),
            "peer_number": draw(st.one_of(cells, json_values)),
            "duration": draw(st.one_of(cells, json_values)),
            "dial_type": draw(st.one_of(st.sampled_from(["DIAL", "DIALED"]), cells)),
        }
        for _ in range(count)
    ]
    owner = draw(st.sampled_from(["13900000000", "18683528505"]))
    return json.dumps({"mobile": owner, "calls": calls}, ensure_ascii=False).encode(), count
