"""Declarative layouts of the call-record exports the readers accept.

A :class:`Layout` names the header aliases of each canonical field, which fields a file
must have, whether rows are seen from one owner or name both ends, and how its direction
values map. Adding a layout means adding one :class:`Layout` to :data:`LAYOUTS`, a fixture
and a test; the readers need no change.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType
from typing import Final

from loader.normalize import CallKind, CallType, Direction, normalize_label


class FileKind(StrEnum):
    """Container formats, recognised by content rather than by file name."""

    CSV = "csv"
    XLS = "xls"
    XLSX = "xlsx"
    JSON = "json"
    PARQUET = "parquet"


class Perspective(StrEnum):
    """Whose view a row is written from."""

    OWNER = "owner"
    """One owner's bill: peer number plus direction; the owner fills the other end."""
    EDGE_LIST = "edge-list"
    """Both ends named in each row: caller and callee."""


# Canonical field names; readers fill CallRecord from them.
PEER: Final = "peer"
CALLER: Final = "caller"
CALLEE: Final = "callee"
START: Final = "start"
DURATION: Final = "duration"
DIRECTION: Final = "direction"
CALL_TYPE: Final = "call_type"
LOCATION: Final = "location"
NUMBER_FIELDS: Final = frozenset({PEER, CALLER, CALLEE})
# A row's call type is read from every column that matches, so a bill with both 长途类型
# and 漫游类型 can mark a call as VPMN in either.
MULTI_COLUMN_FIELDS: Final = frozenset({CALL_TYPE})

_OUT = CallKind(Direction.OUT)
_IN = CallKind(Direction.IN)
_FORWARDED = CallKind(Direction.IN, CallType.FORWARDED)
_CARRIER_DIRECTIONS: Final[Mapping[str, CallKind]] = {
    "主叫": _OUT,
    "被叫": _IN,
    "呼转": _FORWARDED,
    "呼叫转移": _FORWARDED,
    "前转": _FORWARDED,
    "主叫呼转": CallKind(Direction.OUT, CallType.FORWARDED),
    "被叫呼转": _FORWARDED,
    "vpmn主叫": CallKind(Direction.OUT, CallType.ROAMING_VPMN),
    "vpmn被叫": CallKind(Direction.IN, CallType.ROAMING_VPMN),
}


@dataclass(frozen=True, slots=True)
class Layout:
    """One export layout.

    ``columns`` maps each canonical field to the header texts (or JSON keys) that name it.
    Headers are compared after :func:`~loader.normalize.normalize_label`, so full-width
    brackets, case and spaces do not matter. ``headerless_columns`` gives the field of each
    column of a file with no header row, and such a layout is detected by content.
    ``records_keys`` and ``owner_keys`` name the JSON keys of the call list and the owner.
    """

    name: str
    description: Mapping[str, str]
    file_kinds: frozenset[FileKind]
    perspective: Perspective
    columns: Mapping[str, tuple[str, ...]]
    required: frozenset[str]
    direction_values: Mapping[str, CallKind] = field(default_factory=dict)
    headerless_columns: tuple[str | None, ...] = ()
    records_keys: tuple[str, ...] = ()
    owner_keys: tuple[str, ...] = ()
    header_aliases: Mapping[str, str] = field(init=False, repr=False, compare=False)
    """Folded header text to field name, built from ``columns``."""

    def __post_init__(self) -> None:
        named = set(self.columns) | {name for name in self.headerless_columns if name}
        missing = self.required - named
        if missing:
            raise ValueError(f"layout {self.name!r}: required fields {sorted(missing)} unmapped")
        expected = (
            {PEER, START, DURATION, DIRECTION}
            if self.perspective is Perspective.OWNER
            else {CALLER, CALLEE, START, DURATION}
        )
        if not expected <= self.required:
            raise ValueError(f"layout {self.name!r} must require {sorted(expected)}")
        folded = {normalize_label(value): kind for value, kind in self.direction_values.items()}
        object.__setattr__(self, "direction_values", MappingProxyType(folded))
        object.__setattr__(self, "header_aliases", _fold_aliases(self.columns))

    @property
    def is_edge_list(self) -> bool:
        return self.perspective is Perspective.EDGE_LIST

    @property
    def has_header(self) -> bool:
        return not self.headerless_columns

    def match_header(self, cells: Sequence[object]) -> dict[str, list[int]] | None:
        """Map fields to column indexes if ``cells`` is this layout's header row, else None.

        A header matches when every required field is found; the first column wins for
        single-column fields.
        """
        aliases = self.header_aliases
        found: dict[str, list[int]] = {}
        for index, cell in enumerate(cells):
            field_name = aliases.get(normalize_label(cell)) if cell is not None else None
            if field_name is None:
                continue
            if field_name in found and field_name not in MULTI_COLUMN_FIELDS:
                continue
            found.setdefault(field_name, []).append(index)
        if not self.required <= found.keys():
            return None
        return found

    def header_score(self, cells: Sequence[object]) -> int:
        """Count the cells of ``cells`` that are headers of this layout."""
        aliases = self.header_aliases
        return sum(1 for cell in cells if cell is not None and normalize_label(cell) in aliases)


def _fold_aliases(columns: Mapping[str, tuple[str, ...]]) -> Mapping[str, str]:
    folded: dict[str, str] = {}
    for field_name, aliases in columns.items():
        for alias in aliases:
            key = normalize_label(alias)
            if folded.get(key, field_name) != field_name:
                raise ValueError(f"header {alias!r} is mapped to two fields")
            folded[key] = field_name
    return MappingProxyType(folded)


_TABLES = frozenset({FileKind.CSV, FileKind.XLS, FileKind.XLSX, FileKind.PARQUET})
_OWNER_REQUIRED = frozenset({PEER, START, DURATION, DIRECTION})

CMCC_DETAIL = Layout(
    name="cmcc-detail",
    description={
        "en": "China Mobile voice detail list (语音业务历史详单), .xls/.xlsx/.csv: 对方号码, "
        "起始时间, 通话类型 (主叫/被叫), 通话时长（秒）, 长途类型, 话单位置, 漫游类型; the "
        "online-hall variant uses 通信方式, 通信时长, 通信地点 and 通信类型.",
        "zh-CN": "中国移动语音详单（.xls/.xlsx/.csv）：对方号码、起始时间、通话类型（主叫/被叫）、"
        "通话时长（秒）、长途类型、话单位置、漫游类型；网上营业厅导出的版本用通信方式、通信时长、"
        "通信地点和通信类型。",
    },
    file_kinds=_TABLES,
    perspective=Perspective.OWNER,
    columns={
        PEER: ("对方号码", "对端号码"),
        START: ("起始时间", "开始时间"),
        DIRECTION: ("通话类型", "通信方式", "呼叫方式"),
        DURATION: ("通话时长（秒）", "通话时长", "通信时长", "时长（秒）", "时长"),
        LOCATION: ("话单位置", "通信地点", "通话地点"),
        CALL_TYPE: ("长途类型", "漫游类型", "通信类型"),
    },
    required=_OWNER_REQUIRED,
    direction_values=_CARRIER_DIRECTIONS,
)

UNICOM_MONTHLY = Layout(
    name="unicom-monthly",
    description={
        "en": "China Unicom monthly voice list saved as CSV (often GBK): 序号, 业务类型, "
        "通话起始时间, 通话时长 (1分24秒), 呼叫类型 (主叫/被叫), 对方号码 (incoming numbers "
        "carry 0086), 通话地点, 通话类型 (本地/长途), fees.",
        "zh-CN": "中国联通月度语音清单（CSV，常为 GBK 编码）：序号、业务类型、通话起始时间、"
        "通话时长（如 1分24秒）、呼叫类型（主叫/被叫）、对方号码（被叫记录带 0086）、通话地点、"
        "通话类型（本地/长途）和费用列。",
    },
    file_kinds=_TABLES,
    perspective=Perspective.OWNER,
    columns={
        PEER: ("对方号码",),
        START: ("通话起始时间",),
        DIRECTION: ("呼叫类型",),
        DURATION: ("通话时长",),
        LOCATION: ("通话地点",),
        CALL_TYPE: ("通话类型", "业务类型"),
    },
    required=_OWNER_REQUIRED,
    direction_values=_CARRIER_DIRECTIONS,
)

TELECOM_DETAIL = Layout(
    name="telecom-detail",
    description={
        "en": "China Telecom voice detail list: 序号, 主被叫, 对方号码, 通话开始时间 (often "
        "without the year, with a 账单周期 line above the header), 通话时长 (HH:MM:SS), "
        "通话地点, 通话类型, 费用(元).",
        "zh-CN": "中国电信语音详单：序号、主被叫、对方号码、通话开始时间（常不带年份，表头上方有"
        "账单周期行）、通话时长（HH:MM:SS）、通话地点、通话类型、费用(元)。",
    },
    file_kinds=_TABLES,
    perspective=Perspective.OWNER,
    columns={
        PEER: ("对方号码",),
        START: ("通话开始时间", "开始时间"),
        DIRECTION: ("主被叫", "呼叫类型"),
        DURATION: ("通话时长", "时长"),
        LOCATION: ("通话地点", "通话地"),
        CALL_TYPE: ("通话类型",),
    },
    required=_OWNER_REQUIRED,
    direction_values=_CARRIER_DIRECTIONS,
)

AGGREGATOR_JSON = Layout(
    name="aggregator-json",
    description={
        "en": "Data-aggregator report for one applicant (JSON): the owner in mobile, the calls "
        "in calls[] with time, peer_number, duration (seconds) and dial_type DIAL/DIALED; "
        "the lists may sit under data or report.",
        "zh-CN": "数据服务商为单个申请人出的报告（JSON）：本机号码在 mobile，通话在 calls[]，"
        "字段为 time、peer_number、duration（秒）、dial_type（DIAL/DIALED）；列表也可能在 data "
        "或 report 之下。",
    },
    file_kinds=frozenset({FileKind.JSON}),
    perspective=Perspective.OWNER,
    columns={
        PEER: ("peer_number", "other_cell_phone", "peer_phone", "peer", "other_number"),
        START: ("time", "start_time", "call_time", "begin_time"),
        DURATION: ("duration", "use_time", "call_duration", "duration_seconds"),
        DIRECTION: ("dial_type", "init_type", "call_direction", "direction"),
        LOCATION: ("location", "place", "call_place"),
        CALL_TYPE: ("call_type", "location_type"),
    },
    required=_OWNER_REQUIRED,
    direction_values={
        "DIAL": _OUT,
        "DIALED": _IN,
        "主叫": _OUT,
        "被叫": _IN,
    },
    records_keys=("calls", "call_log", "call_logs", "call_records", "call_details"),
    owner_keys=("mobile", "phone", "cell_phone", "user_mobile", "owner"),
)

EDGE_LIST = Layout(
    name="edge-list",
    description={
        "en": "Edge list naming both ends (CSV, Parquet or a spreadsheet): caller/callee, "
        "From/To or 主叫号码/被叫号码, a start time and a duration in seconds; VAST 2008's "
        "From,To,Datetime,Duration(seconds),Cell Tower is one.",
        "zh-CN": "两端号码都写明的通话边表（CSV、Parquet 或电子表格）：caller/callee、From/To 或 "
        "主叫号码/被叫号码，加开始时间和时长（秒）；VAST 2008 的 From,To,Datetime,"
        "Duration(seconds),Cell Tower 就是这种格式。",
    },
    file_kinds=_TABLES,
    perspective=Perspective.EDGE_LIST,
    columns={
        CALLER: ("caller", "from", "主叫号码", "主叫", "calling_number", "a_number", "source"),
        CALLEE: ("callee", "to", "被叫号码", "被叫", "called_number", "b_number", "target"),
        START: (
            "datetime",
            "start",
            "start_time",
            "started_at",
            "开始时间",
            "起始时间",
            "通话时间",
        ),
        DURATION: ("duration(seconds)", "duration", "duration_seconds", "seconds", "通话时长"),
        LOCATION: ("cell tower", "cell_tower", "基站", "location"),
        CALL_TYPE: ("call_type", "通话类型"),
    },
    required=frozenset({CALLER, CALLEE, START, DURATION}),
)

HEADERLESS_BILL = Layout(
    name="headerless-bill",
    description={
        "en": "Owner's bill with no header row, in the column order of China Mobile's "
        "online detail list: start time, location, direction (主叫/被叫), peer number, "
        "duration, then optional call type and fees; an optional leading sequence-number "
        "column is skipped. Detected when the first data row parses in that order.",
        "zh-CN": "没有表头的本机详单，列顺序同中国移动网上营业厅详单：起始时间、通信地点、通信方式"
        "（主叫/被叫）、对方号码、通信时长，之后可有通信类型和费用；开头可有一列序号（跳过）。"
        "第一行数据能按这个顺序解析时识别为此格式。",
    },
    file_kinds=frozenset({FileKind.CSV, FileKind.XLS, FileKind.XLSX}),
    perspective=Perspective.OWNER,
    columns={},
    required=_OWNER_REQUIRED,
    direction_values=_CARRIER_DIRECTIONS,
    headerless_columns=(START, LOCATION, DIRECTION, PEER, DURATION, CALL_TYPE),
)

LAYOUTS: Final[tuple[Layout, ...]] = (
    CMCC_DETAIL,
    UNICOM_MONTHLY,
    TELECOM_DETAIL,
    AGGREGATOR_JSON,
    EDGE_LIST,
    HEADERLESS_BILL,
)
"""Every layout, in the order that breaks ties between equally good header matches."""

_BY_NAME: Final[Mapping[str, Layout]] = {layout.name: layout for layout in LAYOUTS}


def layout_names() -> list[str]:
    """Return the names of the supported layouts."""
    return [layout.name for layout in LAYOUTS]


def find_layout(name: str) -> Layout | None:
    """Return the layout called ``name``, or None."""
    return _BY_NAME.get(name)
