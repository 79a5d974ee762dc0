"""Read call-record files into streams of canonical rows.

:func:`open_calls` recognises the container by content: CSV in UTF-8, UTF-8 with BOM,
GBK/GB18030 or UTF-16, .xls and .xlsx through python-calamine, aggregator JSON, Parquet.
It finds the layout from the header row, or from the first data row of a header-less bill,
and streams :class:`~loader.records.ReadChunk` objects. Every data row ends in a chunk as a
call or as a rejected row. Blank rows, repeated header rows and billing-period lines are
not data rows. Whole-file problems raise :class:`~ringscope.errors.InputFileError`.
"""

from __future__ import annotations

import codecs
import csv
import gc
import itertools
import json
import logging
import re
from collections.abc import Callable, Generator, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Final, Generic, Protocol, TypeVar, cast

import pyarrow.parquet as pq
from python_calamine import CalamineWorkbook

import loader.messages  # noqa: F401  (registers the messages raised here)
from loader.layouts import (
    CALL_TYPE,
    CALLEE,
    CALLER,
    DIRECTION,
    DURATION,
    LAYOUTS,
    LOCATION,
    NUMBER_FIELDS,
    PEER,
    START,
    FileKind,
    Layout,
    find_layout,
    layout_names,
)
from loader.normalize import (
    DEFAULT_TIMEZONE,
    BillingPeriod,
    CallKind,
    CallType,
    Direction,
    FieldError,
    NumberError,
    StartTimeError,
    find_billing_period,
    mask_cell,
    mask_number_cell,
    merge_call_types,
    normalize_label,
    normalize_number,
    normalize_opaque,
    parse_call_type,
    parse_direction,
    parse_duration,
    parse_start,
    parse_starts,
    zone,
)
from loader.records import CallRecord, CanonicalNumber, FileInfo, PhoneKind, ReadChunk, RejectedRow
from ringscope.errors import InputFileError
from ringscope.pseudonym import mask_number

logger = logging.getLogger(__name__)

UNKNOWN_OWNER: Final = CanonicalNumber("opaque:unknown-owner", PhoneKind.OPAQUE)
"""Owner of a bill whose owner is neither given nor in the file; dry runs only."""

HEADER_SCAN_ROWS: Final = 50
"""Rows searched for the header (or first data row) of each file or sheet."""

OPAQUE_PHONE_SHARE: Final = 0.5
"""An edge list is read as opaque ids when fewer of its first chunk's distinct values than
this share are Chinese mobile or landline numbers."""

_SNIFF_BYTES: Final = 64 * 1024
_CACHE_LIMIT: Final = 200_000
_DELIMITERS: Final = (",", "\t", ";", "|")
_OLE2_MAGIC: Final = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC: Final = b"PK\x03\x04"
_PARQUET_MAGIC: Final = b"PAR1"
# Text never contains these control bytes; binary files are full of them.
_CONTROL_BYTES: Final = bytes(sorted(set(range(0x20)) - {0x09, 0x0A, 0x0C, 0x0D, 0x1A}))
_MAX_CONTROL_SHARE: Final = 0.01
_AREA_CODE: Final = re.compile(r"0?[1-9]\d{1,2}")
_MAX_HEADERS_SHOWN: Final = 20


def detect_layout(path: Path) -> str:
    """Return the name of the layout of ``path``, found from its header or content.

    Raises:
        InputFileError: the file cannot be read, is empty or corrupt, or matches no layout;
            the message lists the headers found and the supported layouts.
    """
    sniffed = _sniff(path)
    if sniffed.kind is FileKind.JSON:
        return _load_json(sniffed, None).layout.name
    source = _table_source(sniffed)
    return _plan_table(source, sniffed, None).layout.name


def open_calls(
    path: Path,
    *,
    layout: str | None = None,
    owner: CanonicalNumber | None = None,
    default_year: int | None = None,
    chunk_rows: int = 50_000,
    opaque_ids: bool | None = None,
    tz: str = DEFAULT_TIMEZONE,
) -> tuple[FileInfo, Iterator[ReadChunk]]:
    """Open a call-record file and stream its rows as chunks of at most ``chunk_rows``.

    ``layout`` forces a layout (default: detected). Owner-perspective bills put ``owner``
    at the owner's end; without it the number inside the file (aggregator reports), else
    :data:`UNKNOWN_OWNER`. Year-less start times take their year from a billing-period
    line above the header or from the sheet name, else ``default_year``; otherwise the row
    is rejected. For edge lists ``opaque_ids`` None decides from the first chunk (see
    :data:`OPAQUE_PHONE_SHARE`); True reads every id as opaque, False as phone numbers.
    Naive start times are local time in ``tz``.

    Layout, header and owner problems raise here; a file that breaks part-way (bytes that
    do not decode, a broken CSV quote) raises from the iterator.

    Raises:
        InputFileError: the file cannot be read, is empty, corrupt or of an unknown layout,
            the forced layout does not fit it, or ``owner`` differs from the owner in it.
        ValueError: ``chunk_rows`` is below 1, or ``tz`` is no IANA time zone
            (:class:`~loader.normalize.StartTimeError`).
    """
    if chunk_rows < 1:
        raise ValueError("chunk_rows must be at least 1")
    zone(tz)  # Reject a bad time zone before any row is read.

    sniffed = _sniff(path)
    forced = _forced_layout(layout, sniffed) if layout is not None else None

    if sniffed.kind is FileKind.JSON:
        report = _load_json(sniffed, forced)
        file_owner = _check_owner(report.owner_value, owner, sniffed)
        context = _RowContext(
            layout=report.layout,
            owner=owner or file_owner or UNKNOWN_OWNER,
            default_year=default_year,
            tz=tz,
            opaque_ids=opaque_ids,
        )
        info = FileInfo(layout=report.layout.name, owner=file_owner, is_edge_list=False)
        return info, _iterate_json(report, context, chunk_rows, sniffed)

    source = _table_source(sniffed)
    plan = _plan_table(source, sniffed, forced)
    context = _RowContext(
        layout=plan.layout,
        owner=owner or UNKNOWN_OWNER,
        default_year=default_year,
        tz=tz,
        opaque_ids=opaque_ids,
    )
    info = FileInfo(layout=plan.layout.name, owner=None, is_edge_list=plan.layout.is_edge_list)
    return info, _with_collection_paused(_iterate_table(source, plan, context, chunk_rows, sniffed))


# --- sniffing the container ------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Sniffed:
    path: Path
    kind: FileKind
    encoding: str | None
    masked_name: str


def _sniff(path: Path) -> _Sniffed:
    """Read the first bytes of ``path`` and decide its container and text encoding."""
    masked_name = mask_cell(path.name)
    try:
        with path.open("rb") as handle:
            head = handle.read(_SNIFF_BYTES)
    except OSError as err:
        raise InputFileError(
            "loader.input.unreadable", file=masked_name, error=err.strerror or type(err).__name__
        ) from err

    if not head.strip():
        raise InputFileError("loader.input.empty", file=masked_name)
    if head.startswith(_ZIP_MAGIC):
        return _Sniffed(path, FileKind.XLSX, None, masked_name)
    if head.startswith(_OLE2_MAGIC):
        return _Sniffed(path, FileKind.XLS, None, masked_name)
    if head.startswith(_PARQUET_MAGIC):
        return _Sniffed(path, FileKind.PARQUET, None, masked_name)

    encoding = _detect_encoding(
        head, is_whole_file=len(head) < _SNIFF_BYTES, masked_name=masked_name
    )
    text = head.decode(encoding, errors="ignore").lstrip("\ufeff \t\r\n")
    if text[:1] in ("{", "["):
        return _Sniffed(path, FileKind.JSON, encoding, masked_name)
    if text[:1] == "<":
        # Many carrier "xls" downloads are HTML tables with an .xls name.
        raise InputFileError("loader.input.html_export", file=masked_name)
    return _Sniffed(path, FileKind.CSV, encoding, masked_name)


def _detect_encoding(head: bytes, *, is_whole_file: bool, masked_name: str) -> str:
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    control = len(head) - len(head.translate(None, _CONTROL_BYTES))
    if b"\x00" in head or control > _MAX_CONTROL_SHARE * len(head):
        raise InputFileError("loader.input.binary", file=masked_name)

    # GB18030 is a superset of GBK and GB2312, so one attempt covers all three.
    for encoding in ("utf-8", "gb18030"):
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            decoder.decode(head, final=is_whole_file)
        except UnicodeDecodeError:
            continue
        return encoding
    raise InputFileError("loader.input.encoding", file=masked_name)


# --- tables: CSV, spreadsheets, Parquet ------------------------------------------------

Row = tuple[int, list[object]]
"""A table row: its 1-based line (CSV) or row number (spreadsheet, Parquet) and cells."""

Batch = tuple[list[int], list[list[object]]]
"""Consecutive rows of a table: their line numbers and their cells."""

_READ_BATCH_ROWS: Final = 10_000


@dataclass(slots=True)
class _Block:
    """One sheet of a workbook, or a whole CSV or Parquet file, read in batches."""

    name: str | None
    batches: Iterator[Batch]

    def split_head(self, count: int) -> tuple[list[Row], Iterator[Batch]]:
        """Take the first ``count`` rows; return them and the batches that follow."""
        head_lines: list[int] = []
        head_rows: list[list[object]] = []
        for lines, rows in self.batches:
            needed = count - len(head_rows)
            head_lines += lines[:needed]
            head_rows += rows[:needed]
            if len(rows) > needed:
                rest = itertools.chain([(lines[needed:], rows[needed:])], self.batches)
                return list(zip(head_lines, head_rows, strict=True)), rest
            if len(head_rows) >= count:
                break
        return list(zip(head_lines, head_rows, strict=True)), self.batches


class _TableSource(Protocol):
    def blocks(self) -> Iterator[_Block]: ...


class _CsvSource:
    def __init__(self, sniffed: _Sniffed) -> None:
        self.sniffed = sniffed
        self.encoding = sniffed.encoding or "utf-8"
        self.delimiter = ","

    def head_rows(self, delimiter: str) -> list[Row]:
        """Parse the first :data:`HEADER_SCAN_ROWS` rows with ``delimiter``."""
        batches = self._batches(delimiter, HEADER_SCAN_ROWS)
        try:
            head, _ = _Block(None, batches).split_head(HEADER_SCAN_ROWS)
        finally:
            batches.close()
        return head

    def blocks(self) -> Iterator[_Block]:
        yield _Block(None, self._batches(self.delimiter, _READ_BATCH_ROWS))

    def _batches(self, delimiter: str, size: int) -> Generator[Batch, None, None]:
        masked_name = self.sniffed.masked_name
        consumed = 0
        try:
            with self.sniffed.path.open(encoding=self.encoding, newline="") as handle:
                reader = csv.reader(handle, delimiter=delimiter)
                while True:
                    rows = cast(list[list[object]], list(itertools.islice(reader, size)))
                    if not rows:
                        return
                    lines = _line_numbers(rows, consumed, reader.line_num)
                    consumed = reader.line_num
                    yield lines, rows
        except UnicodeDecodeError as err:
            line = _first_undecodable_line(self.sniffed.path, self.encoding) or consumed + 1
            raise InputFileError(
                "loader.input.decode_failed", file=masked_name, line=line, encoding=self.encoding
            ) from err
        except csv.Error as err:
            raise InputFileError(
                "loader.input.csv_invalid", file=masked_name, line=consumed + 1, error=str(err)
            ) from err
        except OSError as err:
            raise InputFileError(
                "loader.input.unreadable",
                file=masked_name,
                error=err.strerror or type(err).__name__,
            ) from err


def _line_numbers(rows: list[list[object]], consumed: int, end: int) -> list[int]:
    """Return each row's first line, given the lines consumed before and after the batch."""
    if end - consumed == len(rows):
        return list(range(consumed + 1, end + 1))
    # Some quoted field spans lines: count the line breaks inside each row's fields.
    lines: list[int] = []
    line = consumed + 1
    for row in rows:
        lines.append(line)
        line += 1 + sum(_line_breaks(cell) for cell in row)
    return lines


def _line_breaks(cell: object) -> int:
    if not isinstance(cell, str):
        return 0
    return cell.count("\n") + cell.count("\r") - cell.count("\r\n")


def _first_undecodable_line(path: Path, encoding: str) -> int | None:
    """Find the first line of ``path`` that ``encoding`` cannot decode, reading bytes."""
    if encoding.startswith("utf-16"):
        return None  # UTF-16 line breaks are two bytes, so report the batch position
    decoder = codecs.getincrementaldecoder(encoding)()
    try:
        with path.open("rb") as handle:
            for number, raw_line in enumerate(handle, start=1):
                try:
                    decoder.decode(raw_line)
                except UnicodeDecodeError:
                    return number
    except OSError:
        return None
    return None


class _WorkbookSource:
    def __init__(self, sniffed: _Sniffed) -> None:
        self.sniffed = sniffed
        try:
            self.workbook = CalamineWorkbook.from_path(str(sniffed.path))
            self.sheet_names = list(self.workbook.sheet_names)
        except Exception as err:
            # python-calamine raises ZipError, XmlError, CalamineError and plain
            # ValueError/OSError for broken files, with no common base class.
            raise InputFileError(
                "loader.input.corrupt_spreadsheet", file=sniffed.masked_name, error=str(err)
            ) from err

    def blocks(self) -> Iterator[_Block]:
        for name in self.sheet_names:
            try:
                cells = self.workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)
            except Exception as err:
                raise InputFileError(
                    "loader.input.corrupt_spreadsheet",
                    file=self.sniffed.masked_name,
                    error=f"{name}: {err}",
                ) from err
            # Spreadsheet row numbers count from 1, as Excel shows them.
            yield _Block(name, _slices([list(row) for row in cells], first_line=1))


def _slices(rows: list[list[object]], *, first_line: int) -> Iterator[Batch]:
    for begin in range(0, len(rows), _READ_BATCH_ROWS):
        part = rows[begin : begin + _READ_BATCH_ROWS]
        start = first_line + begin
        yield list(range(start, start + len(part))), part


class _ParquetSource:
    """A Parquet file as one block: row 0 is the column names, data rows count from 1."""

    def __init__(self, sniffed: _Sniffed) -> None:
        self.sniffed = sniffed
        try:
            self.names = list(pq.ParquetFile(sniffed.path).schema_arrow.names)
        except Exception as err:
            # pyarrow raises ArrowInvalid, OSError and others for a damaged file.
            raise InputFileError(
                "loader.input.corrupt_parquet", file=sniffed.masked_name, error=str(err)
            ) from err

    def blocks(self) -> Iterator[_Block]:
        yield _Block(None, self._batches())

    def _batches(self) -> Iterator[Batch]:
        yield [0], [list(self.names)]
        number = 0
        try:
            parquet = pq.ParquetFile(self.sniffed.path)
            for batch in parquet.iter_batches(batch_size=_READ_BATCH_ROWS):
                columns = [column.to_pylist() for column in batch.columns]
                rows = [list(cells) for cells in zip(*columns, strict=True)]
                yield list(range(number + 1, number + 1 + len(rows))), rows
                number += len(rows)
        except Exception as err:
            raise InputFileError(
                "loader.input.corrupt_parquet", file=self.sniffed.masked_name, error=str(err)
            ) from err


def _table_source(sniffed: _Sniffed) -> _CsvSource | _WorkbookSource | _ParquetSource:
    if sniffed.kind in (FileKind.XLS, FileKind.XLSX):
        return _WorkbookSource(sniffed)
    if sniffed.kind is FileKind.PARQUET:
        return _ParquetSource(sniffed)
    return _CsvSource(sniffed)


# --- finding the header ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Header:
    """Column positions of each field in a table, and the header row that marks repeats."""

    layout: Layout
    columns: Mapping[str, list[int]]
    labels: Mapping[int, str]
    """Column index to the header text shown in rejects."""
    cells: tuple[str, ...] = ()
    """The header row folded by normalize_label, to skip it when a sheet repeats it."""


@dataclass(frozen=True, slots=True)
class _Located:
    header: _Header
    data_start: int
    """Index in the scanned rows of the first row after the header."""
    period: BillingPeriod | None


@dataclass(frozen=True, slots=True)
class _Plan:
    layout: Layout


def _plan_table(source: _TableSource, sniffed: _Sniffed, forced: Layout | None) -> _Plan:
    """Find the layout and the CSV delimiter from the first rows of the file."""
    layouts = [forced] if forced is not None else [lay for lay in LAYOUTS if _fits(lay, sniffed)]
    scanned: list[list[Row]] = []

    if isinstance(source, _CsvSource):
        for delimiter in _DELIMITERS:
            head = source.head_rows(delimiter)
            scanned.append(head)
            located = _locate(head, layouts)
            if located is not None:
                source.delimiter = delimiter
                return _Plan(located.header.layout)
    else:
        for block in source.blocks():
            head, _ = block.split_head(HEADER_SCAN_ROWS)
            scanned.append(head)
            located = _locate(head, layouts)
            if located is not None:
                return _Plan(located.header.layout)

    headers = _headers_found(scanned)
    if forced is not None:
        raise InputFileError(
            "loader.layout.header_not_found",
            file=sniffed.masked_name,
            layout=forced.name,
            expected=_expected_headers(forced),
            headers=headers,
        )
    raise InputFileError(
        "loader.layout.not_detected",
        file=sniffed.masked_name,
        headers=headers,
        supported=", ".join(layout_names()),
    )


def _fits(layout: Layout, sniffed: _Sniffed) -> bool:
    return sniffed.kind in layout.file_kinds


def _locate(rows: Sequence[Row], layouts: Sequence[Layout]) -> _Located | None:
    """Find the first header row of any of ``layouts`` (best score wins), else a data row."""
    with_header = [layout for layout in layouts if layout.has_header]
    for index, (_, cells) in enumerate(rows):
        best: tuple[int, Layout, dict[str, list[int]]] | None = None
        for layout in with_header:
            columns = layout.match_header(cells)
            if columns is None:
                continue
            score = layout.header_score(cells)
            if best is None or score > best[0]:
                best = (score, layout, columns)
        if best is not None:
            _, layout, columns = best
            labels = {
                column: _cell_text(cells[column])
                for indexes in columns.values()
                for column in indexes
            }
            header = _Header(layout, columns, labels, tuple(normalize_label(c) for c in cells))
            return _Located(header, index + 1, _period_of(rows[:index]))

    for layout in layouts:
        if layout.has_header:
            continue
        for index, (_, cells) in enumerate(rows):
            offset = _headerless_offset(cells, layout)
            if offset is not None:
                header = _headerless_header(layout, offset)
                return _Located(header, index, _period_of(rows[:index]))
    return None


def _headerless_offset(cells: Sequence[object], layout: Layout) -> int | None:
    """Return 0 or 1 (a leading sequence column) if ``cells`` parse as ``layout``'s row."""
    order = layout.headerless_columns
    for offset in (0, 1):
        if offset == 1 and not _is_sequence_number(cells[0] if cells else None):
            continue
        values = list(cells[offset:])
        if len(values) < len(order) - 1:
            continue
        probe = dict(zip(order, values, strict=False))
        try:
            # Year 2000 only lets a year-less time pass this probe; rows get the real one.
            parse_start(probe[START], default_year=2000)
            parse_direction(probe[DIRECTION], layout.direction_values)
            parse_duration(probe[DURATION])
        except FieldError:
            continue
        return offset
    return None


def _is_sequence_number(value: object) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, (int, float)):
        return float(value).is_integer() and value >= 0
    return isinstance(value, str) and value.strip().isdigit() and len(value.strip()) <= 7


def _headerless_header(layout: Layout, offset: int) -> _Header:
    columns = {
        name: [position + offset]
        for position, name in enumerate(layout.headerless_columns)
        if name is not None
    }
    labels = {indexes[0]: f"#{indexes[0] + 1}" for indexes in columns.values()}
    return _Header(layout, columns, labels)


def _period_of(rows: Iterable[Row]) -> BillingPeriod | None:
    for _, cells in rows:
        text = " ".join(_cell_text(cell) for cell in cells if cell not in (None, ""))
        period = find_billing_period(text) if text else None
        if period is not None:
            return period
    return None


def _headers_found(scanned: Sequence[Sequence[Row]]) -> str:
    """Describe the likeliest header row seen: the first row with the most filled cells."""
    best: list[str] = []
    for rows in scanned:
        for _, cells in rows:
            filled = [mask_cell(cell) for cell in cells if _cell_text(cell)]
            if len(filled) > len(best):
                best = filled
    if not best:
        return "-"
    listed = best[:_MAX_HEADERS_SHOWN]
    return ", ".join(listed) + (", …" if len(best) > len(listed) else "")


def _expected_headers(layout: Layout) -> str:
    if not layout.has_header:
        return " | ".join(name or "-" for name in layout.headerless_columns)
    return "; ".join(
        f"{name}: {' / '.join(layout.columns[name])}"
        for name in sorted(layout.required)
        if name in layout.columns
    )


def _forced_layout(name: str, sniffed: _Sniffed) -> Layout:
    layout = find_layout(name)
    if layout is None:
        raise InputFileError(
            "loader.layout.unknown_name", layout=name, supported=", ".join(layout_names())
        )
    if not _fits(layout, sniffed):
        raise InputFileError(
            "loader.layout.wrong_file_kind",
            file=sniffed.masked_name,
            layout=name,
            kind=sniffed.kind.value,
            kinds=", ".join(sorted(kind.value for kind in layout.file_kinds)),
        )
    return layout


# --- streaming table rows --------------------------------------------------------------


def _iterate_table(
    source: _TableSource, plan: _Plan, context: _RowContext, chunk_rows: int, sniffed: _Sniffed
) -> Iterator[ReadChunk]:
    logger.info("reading %s as layout %s", sniffed.masked_name, plan.layout.name)
    batcher = _Batcher(context, chunk_rows)
    header: _Header | None = None
    period: BillingPeriod | None = None

    for block in source.blocks():
        head, rest = block.split_head(HEADER_SCAN_ROWS)
        located = _locate(head, [plan.layout])
        sheet_period = None
        if block.name is not None:
            sheet_period = find_billing_period(block.name, require_keyword=False)

        if located is not None:
            header = located.header
            period = located.period or sheet_period or period
            data = itertools.chain([_batch_of(head[located.data_start :])], rest)
        elif header is not None:
            # A sheet without a header after one with it continues the same table, as
            # .xls exports do past 65,536 rows.
            period = sheet_period or period
            data = itertools.chain([_batch_of(head)], rest)
        else:
            if any(not _is_blank(cells) for _, cells in head):
                logger.warning(
                    "skipping sheet %r of %s: no header of layout %s in its first %d rows",
                    block.name,
                    sniffed.masked_name,
                    plan.layout.name,
                    HEADER_SCAN_ROWS,
                )
            continue
        yield from batcher.feed(data, header, period)

    yield from batcher.flush()
    logger.info(
        "read %s: %d rows, %d calls, %d rejected, %d repeated header rows skipped",
        sniffed.masked_name,
        batcher.calls + batcher.rejected,
        batcher.calls,
        batcher.rejected,
        batcher.repeated_headers,
    )


def _batch_of(rows: Sequence[Row]) -> Batch:
    return [line for line, _ in rows], [cells for _, cells in rows]


class _Batcher:
    """Collects data rows into chunks, skipping blank rows, repeated headers and period lines."""

    def __init__(self, context: _RowContext, chunk_rows: int) -> None:
        self.context = context
        self.chunk_rows = chunk_rows
        self.lines: list[int] = []
        self.rows: list[list[object]] = []
        self.header: _Header | None = None
        self.period: BillingPeriod | None = None
        self.calls = 0
        self.rejected = 0
        self.repeated_headers = 0

    def feed(
        self, batches: Iterable[Batch], header: _Header, period: BillingPeriod | None
    ) -> Iterator[ReadChunk]:
        if header != self.header or period != self.period:
            yield from self.flush()
            self.header, self.period = header, period
        start = header.columns[START][0]

        for lines, rows in batches:
            # Data rows hold a spreadsheet date or text starting with a digit in the start
            # column. Only the other rows can be blank, a repeated header or a period line.
            suspects = [
                index
                for index, cells in enumerate(rows)
                if len(cells) <= start
                or (cell := cells[start]) is None
                or (type(cell) is str and not cell[:1].isdigit())
            ]
            begin = 0
            for index in suspects:
                cells = rows[index]
                new_period = None
                if _is_blank(cells):
                    pass
                elif header.cells and tuple(normalize_label(c) for c in cells) == header.cells:
                    self.repeated_headers += 1
                else:
                    new_period = _period_line(cells)
                    if new_period is None:
                        continue  # a data row after all; it stays in the run
                yield from self._extend(lines[begin:index], rows[begin:index])
                begin = index + 1
                if new_period is not None:
                    yield from self.flush()
                    self.period = new_period
            yield from self._extend(lines[begin:], rows[begin:])

    def _extend(self, lines: list[int], rows: list[list[object]]) -> Iterator[ReadChunk]:
        self.lines += lines
        self.rows += rows
        while len(self.rows) >= self.chunk_rows:
            count = self.chunk_rows
            lines_now, rows_now = self.lines[:count], self.rows[:count]
            self.lines, self.rows = self.lines[count:], self.rows[count:]
            yield self._convert(lines_now, rows_now)

    def flush(self) -> Iterator[ReadChunk]:
        if not self.rows:
            return
        lines_now, rows_now = self.lines, self.rows
        self.lines, self.rows = [], []
        yield self._convert(lines_now, rows_now)

    def _convert(self, lines: list[int], rows: list[list[object]]) -> ReadChunk:
        assert self.header is not None
        chunk = self.context.convert(lines, rows, self.header, self.period)
        self.calls += len(chunk.calls)
        self.rejected += len(chunk.rejected)
        return chunk


def _with_collection_paused(chunks: Iterator[ReadChunk]) -> Iterator[ReadChunk]:
    """Yield ``chunks``, pausing the cyclic garbage collector while each one is built.

    Reading allocates several objects per row (cell lists, records, datetimes), none of
    them in reference cycles. Left on, the collector rescans the growing chunk hundreds of
    times, which cost about a fifth of the CPU time on a 1,000,000-row CSV bill. Reference
    counting still frees everything, and the collector runs as usual while the caller
    works on a chunk.
    """
    while True:
        was_enabled = gc.isenabled()
        gc.disable()
        try:
            chunk = next(chunks, None)
        finally:
            if was_enabled:
                gc.enable()
        if chunk is None:
            return
        yield chunk


def _is_blank(cells: Sequence[object]) -> bool:
    return all(cell is None or (isinstance(cell, str) and not cell.strip()) for cell in cells)


def _period_line(cells: Sequence[object]) -> BillingPeriod | None:
    filled = [cell for cell in cells if _cell_text(cell)]
    if len(filled) > 2:
        return None
    return find_billing_period(" ".join(_cell_text(cell) for cell in filled))


# --- JSON reports ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _JsonReport:
    layout: Layout
    records: list[object]
    owner_value: object


def _load_json(sniffed: _Sniffed, forced: Layout | None) -> _JsonReport:
    # Aggregator reports cover one applicant for a few months: small enough to load whole.
    try:
        text = sniffed.path.read_text(encoding=sniffed.encoding or "utf-8")
        data = json.loads(text)
    except UnicodeDecodeError as err:
        raise InputFileError(
            "loader.input.decode_failed",
            file=sniffed.masked_name,
            line=_json_error_line(err),
            encoding=sniffed.encoding or "utf-8",
        ) from err
    except json.JSONDecodeError as err:
        raise InputFileError(
            "loader.input.corrupt_json", file=sniffed.masked_name, line=err.lineno, error=err.msg
        ) from err
    except OSError as err:
        raise InputFileError(
            "loader.input.unreadable",
            file=sniffed.masked_name,
            error=err.strerror or type(err).__name__,
        ) from err

    layouts = [forced] if forced is not None else [lay for lay in LAYOUTS if _fits(lay, sniffed)]
    for layout in layouts:
        found = _find_records(data, layout)
        if found is not None:
            records, owner_value = found
            return _JsonReport(layout, records, owner_value)

    keys = ", ".join(mask_cell(key) for key in _json_keys(data)[:_MAX_HEADERS_SHOWN]) or "-"
    if forced is not None:
        raise InputFileError(
            "loader.layout.header_not_found",
            file=sniffed.masked_name,
            layout=forced.name,
            expected=_expected_headers(forced),
            headers=keys,
        )
    raise InputFileError(
        "loader.layout.not_detected",
        file=sniffed.masked_name,
        headers=keys,
        supported=", ".join(layout_names()),
    )


def _json_error_line(err: UnicodeDecodeError) -> int:
    """Return the 1-based line of the byte that failed to decode."""
    return err.object[: err.start].count(b"\n") + 1


def _find_records(data: object, layout: Layout) -> tuple[list[object], object] | None:
    """Find the call list and owner of a report, at the top level or one level down."""
    containers: list[Mapping[str, object]] = []
    if isinstance(data, dict):
        containers.append(data)
        containers += [value for value in data.values() if isinstance(value, dict)]
    elif isinstance(data, list):
        return (data, None) if _has_call_keys(data, layout) else None

    record_keys = {normalize_label(key) for key in layout.records_keys}
    owner_keys = {normalize_label(key) for key in layout.owner_keys}
    owner_value: object = None
    for container in containers:
        for key, value in container.items():
            if owner_value is None and normalize_label(key) in owner_keys:
                owner_value = value
    for container in containers:
        for key, value in container.items():
            label = normalize_label(key)
            if label in record_keys and isinstance(value, list) and _has_call_keys(value, layout):
                return value, owner_value
    return None


def _has_call_keys(records: list[object], layout: Layout) -> bool:
    """True for an empty list or one whose first object has every required field."""
    first = next((record for record in records if isinstance(record, dict)), None)
    if first is None:
        return not records
    return layout.match_header(list(first.keys())) is not None


def _json_keys(data: object) -> list[str]:
    if isinstance(data, dict):
        return [str(key) for key in data]
    if isinstance(data, list) and data and isinstance(data[0], dict):
        return [str(key) for key in data[0]]
    return []


def _check_owner(
    value: object, given: CanonicalNumber | None, sniffed: _Sniffed
) -> CanonicalNumber | None:
    if value is None or _cell_text(value) == "":
        return None
    try:
        in_file = normalize_number(_cell_text(value))
    except NumberError as err:
        raise InputFileError(
            "loader.owner.invalid", file=sniffed.masked_name, value=err.masked_value
        ) from err
    if given is not None and given != in_file:
        raise InputFileError(
            "loader.owner.mismatch",
            file=sniffed.masked_name,
            given=mask_number(given.canonical),
            in_file=mask_number(in_file.canonical),
        )
    return in_file


def _iterate_json(
    report: _JsonReport, context: _RowContext, chunk_rows: int, sniffed: _Sniffed
) -> Iterator[ReadChunk]:
    logger.info("reading %s as layout %s", sniffed.masked_name, report.layout.name)
    fields = list(report.layout.columns)
    header = _Header(
        report.layout,
        {name: [index] for index, name in enumerate(fields)},
        {index: report.layout.columns[name][0] for index, name in enumerate(fields)},
    )
    aliases = report.layout.header_aliases
    calls = rejected = 0

    for start in range(0, len(report.records), chunk_rows):
        lines: list[int] = []
        rows: list[list[object]] = []
        not_objects: list[RejectedRow] = []
        for position, record in enumerate(report.records[start : start + chunk_rows], start + 1):
            if not isinstance(record, dict):
                not_objects.append(
                    RejectedRow(
                        position,
                        "loader.row.not_an_object",
                        {"value": mask_cell(record)},
                        {"record": mask_cell(record)},
                    )
                )
                continue
            by_field: dict[str, object] = {}
            for key, value in record.items():
                name = aliases.get(normalize_label(key))
                if name is not None and name not in by_field:
                    by_field[name] = value
            lines.append(position)
            rows.append([by_field.get(name) for name in fields])

        chunk = context.convert(lines, rows, header, None) if rows else ReadChunk()
        if not_objects:
            chunk.rejected = sorted(chunk.rejected + not_objects, key=lambda row: row.line)
        calls += len(chunk.calls)
        rejected += len(chunk.rejected)
        yield chunk
    logger.info(
        "read %s: %d rows, %d calls, %d rejected",
        sniffed.masked_name,
        calls + rejected,
        calls,
        rejected,
    )


# --- converting rows -------------------------------------------------------------------


def _cell_text(value: object) -> str:
    """Return a cell as text; integral floats lose the ``.0`` a spreadsheet gave them."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


_Parsed = TypeVar("_Parsed")
_MISSING: Final = object()
_TEXT_TYPES: Final = frozenset({str, type(None), tuple})


class _Cache(Generic[_Parsed]):
    """Memo of one field's parse results, errors included, cleared when it grows too big.

    Bills repeat the same peers, durations and direction words on many rows, so a memo
    does the work of a vectorised parse: each distinct value is parsed once.
    """

    def __init__(self, parse: Callable[[object], _Parsed]) -> None:
        self.parse = parse
        self.results: dict[object, _Parsed | FieldError] = {}

    def map(self, values: Sequence[object]) -> list[_Parsed | FieldError]:
        """Parse every value of a column, in order."""
        if set(map(type, values)) <= _TEXT_TYPES:
            return self._map_text(values)
        return self._map_cells(values)

    def _map_text(self, values: Sequence[object]) -> list[_Parsed | FieldError]:
        # CSV columns: parse the distinct values, then look every row up at C speed.
        results = self.results
        missing = set(values).difference(results)
        if len(results) + len(missing) > _CACHE_LIMIT:
            results.clear()
            missing = set(values)
        for value in missing:
            results[value] = self._compute(value)
        return list(map(results.__getitem__, values))

    def _map_cells(self, values: Sequence[object]) -> list[_Parsed | FieldError]:
        # Spreadsheet and JSON cells are keyed with their type as well, so that True and 1,
        # or 5 and 5.0, do not share a result.
        lookup = self.results.get
        mapped: list[_Parsed | FieldError] = []
        for value in values:
            key = value if value.__class__ is str else (value.__class__, value)
            try:
                found = lookup(key, _MISSING)
            except TypeError:  # an unhashable cell, such as a list in JSON
                mapped.append(self._compute(value))
                continue
            if found is _MISSING:
                found = self._remember(key, value)
            mapped.append(found)  # type: ignore[arg-type]
        return mapped

    def _remember(self, key: object, value: object) -> _Parsed | FieldError:
        if len(self.results) >= _CACHE_LIMIT:
            self.results.clear()
        result = self._compute(value)
        self.results[key] = result
        return result

    def _compute(self, value: object) -> _Parsed | FieldError:
        try:
            return self.parse(value)
        except FieldError as err:
            # A kept traceback would tie the error to this frame and the cache in a cycle.
            return err.with_traceback(None)


def _parse_number_cell(value: object) -> CanonicalNumber:
    return normalize_number(_cell_text(value))


def _parse_opaque_cell(value: object) -> CanonicalNumber:
    return normalize_opaque(_cell_text(value))


def _parse_call_type_cells(cells: object) -> CallType:
    parts = cells if isinstance(cells, tuple) else (cells,)
    text = " ".join(_cell_text(part) for part in parts if part is not None)
    return parse_call_type(text) if text else CallType.VOICE


def _location_text(value: object) -> str | None:
    if type(value) is str:
        return value.strip() or None
    return _cell_text(value) or None


@dataclass(slots=True)
class _RowContext:
    """Everything row conversion needs that stays fixed for a file."""

    layout: Layout
    owner: CanonicalNumber
    default_year: int | None
    tz: str
    opaque_ids: bool | None
    numbers: _Cache[CanonicalNumber] = field(init=False)
    opaque: _Cache[CanonicalNumber] = field(init=False)
    durations: _Cache[int] = field(init=False)
    directions: _Cache[CallKind] = field(init=False)
    call_types: _Cache[CallType] = field(init=False)

    def __post_init__(self) -> None:
        known = self.layout.direction_values
        self.numbers = _Cache(_parse_number_cell)
        self.opaque = _Cache(_parse_opaque_cell)
        self.durations = _Cache(parse_duration)
        self.directions = _Cache(lambda value: parse_direction(value, known))
        self.call_types = _Cache(_parse_call_type_cells)

    def convert(
        self,
        lines: list[int],
        rows: list[list[object]],
        header: _Header,
        period: BillingPeriod | None,
    ) -> ReadChunk:
        """Turn one batch of raw rows into calls and rejected rows, in input order."""
        table = _Table(rows, header)
        starts = parse_starts(
            table.field(START),
            default_year=self.default_year,
            tz=self.tz,
            billing_period=period,
        )
        durations = self.durations.map(table.field(DURATION))
        locations = [_location_text(cell) for cell in table.field(LOCATION)]
        call_type_columns = [table.column(i) for i in header.columns.get(CALL_TYPE, [])]
        if call_type_columns:
            row_types = self.call_types.map(list(zip(*call_type_columns, strict=True)))
        else:
            row_types = [CallType.VOICE] * len(rows)
        columns = _Columns(starts, durations, locations, row_types)

        if self.layout.is_edge_list:
            return self._convert_edges(lines, rows, table, columns)
        return self._convert_owner_rows(lines, rows, table, columns)

    def _convert_owner_rows(
        self, lines: list[int], rows: list[list[object]], table: _Table, columns: _Columns
    ) -> ReadChunk:
        """Place owner and peer as caller and callee from each row's direction."""
        header = table.header
        peer_cells = table.field(PEER)
        peers = self.numbers.map(peer_cells)
        kinds = self.directions.map(table.field(DIRECTION))
        owner = self.owner
        voice, out = CallType.VOICE, Direction.OUT
        chunk = ReadChunk()
        calls = chunk.calls
        parts = zip(
            lines, peers, kinds, columns.starts, columns.durations, columns.row_types, strict=True
        )

        for index, (line, peer, kind, started_at, duration, row_type) in enumerate(parts):
            location = columns.locations[index]
            # Fast path: every field parsed and the call is plain voice. Exact type checks
            # are the cheapest test, and this loop runs once per row of a large file.
            if (
                type(peer) is CanonicalNumber
                and type(kind) is CallKind
                and type(started_at) is datetime
                and type(duration) is int
                and row_type is voice
                and kind.call_type is voice
            ):
                if kind.direction is out:
                    calls.append(
                        CallRecord(line, owner, peer, started_at, duration, voice, location)
                    )
                else:
                    calls.append(
                        CallRecord(line, peer, owner, started_at, duration, voice, location)
                    )
                continue

            if isinstance(peer, NumberError) and peer.reason_key == "loader.number.no_area_code":
                peer = _with_area_code(peer_cells[index], location, peer)
            problem = _first_problem(
                (PEER, peer),
                (START, started_at),
                (DURATION, duration),
                (DIRECTION, kind),
                (CALL_TYPE, row_type),
            )
            if problem is not None:
                chunk.rejected.append(_reject(line, rows[index], header, *problem))
                continue
            assert isinstance(peer, CanonicalNumber) and isinstance(kind, CallKind)
            assert isinstance(started_at, datetime) and isinstance(duration, int)
            assert isinstance(row_type, CallType)
            calls.append(
                _owner_call(line, owner, peer, kind, started_at, duration, row_type, location)
            )
        return chunk

    def _convert_edges(
        self, lines: list[int], rows: list[list[object]], table: _Table, columns: _Columns
    ) -> ReadChunk:
        header = table.header
        caller_cells = table.field(CALLER)
        callee_cells = table.field(CALLEE)
        if self.opaque_ids is None:
            self.opaque_ids = self._looks_opaque(itertools.chain(caller_cells, callee_cells))
            logger.info(
                "edge list ids read as %s", "opaque ids" if self.opaque_ids else "phone numbers"
            )
        cache = self.opaque if self.opaque_ids else self.numbers
        chunk = ReadChunk()
        parts = zip(
            lines,
            cache.map(caller_cells),
            cache.map(callee_cells),
            columns.starts,
            columns.durations,
            columns.row_types,
            columns.locations,
            strict=True,
        )

        for index, (line, caller, callee, started_at, duration, row_type, location) in enumerate(
            parts
        ):
            problem = _first_problem(
                (CALLER, caller),
                (CALLEE, callee),
                (START, started_at),
                (DURATION, duration),
                (CALL_TYPE, row_type),
            )
            if problem is not None:
                rejected = _reject(line, rows[index], header, *problem, opaque=self.opaque_ids)
                chunk.rejected.append(rejected)
                continue
            assert isinstance(caller, CanonicalNumber) and isinstance(callee, CanonicalNumber)
            assert isinstance(started_at, datetime) and isinstance(duration, int)
            assert isinstance(row_type, CallType)
            chunk.calls.append(
                CallRecord(line, caller, callee, started_at, duration, row_type, location)
            )
        return chunk

    def _looks_opaque(self, cells: Iterable[object]) -> bool:
        distinct = {_cell_text(cell) for cell in cells} - {""}
        if not distinct:
            return False
        results = self.numbers.map(sorted(distinct))
        phones = [
            result
            for result in results
            if isinstance(result, CanonicalNumber) and result.kind in _PHONE_KINDS
        ]
        return len(phones) < OPAQUE_PHONE_SHARE * len(distinct)


_PHONE_KINDS: Final = frozenset({PhoneKind.MOBILE, PhoneKind.LANDLINE})


@dataclass(frozen=True, slots=True)
class _Columns:
    """Per-row parse results shared by both perspectives."""

    starts: list[datetime | StartTimeError]
    durations: list[int | FieldError]
    locations: list[str | None]
    row_types: list[CallType | FieldError]


def _owner_call(
    line: int,
    owner: CanonicalNumber,
    peer: CanonicalNumber,
    kind: CallKind,
    started_at: datetime,
    duration: int,
    row_type: CallType,
    location: str | None,
) -> CallRecord:
    call_type = kind.call_type
    if row_type is not CallType.VOICE:
        call_type = merge_call_types(call_type, row_type)
    if kind.direction is Direction.OUT:
        return CallRecord(line, owner, peer, started_at, duration, call_type, location)
    return CallRecord(line, peer, owner, started_at, duration, call_type, location)


def _first_problem(*results: tuple[str, object]) -> tuple[FieldError, str] | None:
    """Return the first failed field of a row, in the order the checks are given."""
    for name, result in results:
        if isinstance(result, FieldError):
            return result, name
    return None


class _Table:
    """The columns of one batch of rows, transposed once; short rows are padded with None."""

    def __init__(self, rows: list[list[object]], header: _Header) -> None:
        self.header = header
        self.size = len(rows)
        self.columns: list[tuple[object, ...]] = list(itertools.zip_longest(*rows))

    def column(self, index: int) -> Sequence[object]:
        if index < len(self.columns):
            return self.columns[index]
        return (None,) * self.size

    def field(self, name: str) -> Sequence[object]:
        indexes = self.header.columns.get(name)
        return self.column(indexes[0]) if indexes else (None,) * self.size


def _with_area_code(
    cell: object, location: object, error: NumberError
) -> CanonicalNumber | FieldError:
    """Retry a local landline number with the area code a bill gives as the call's location."""
    area = _cell_text(location)
    if not _AREA_CODE.fullmatch(area):
        return error
    try:
        return normalize_number(_cell_text(cell), area_code=area)
    except NumberError:
        return error


def _reject(
    line: int,
    row: list[object],
    header: _Header,
    error: FieldError,
    field_name: str,
    *,
    opaque: bool = False,
) -> RejectedRow:
    values: dict[str, str] = {}
    for name, indexes in header.columns.items():
        for index in indexes:
            text = _cell_text(row[index] if index < len(row) else None)
            label = header.labels.get(index, f"#{index + 1}")
            if name in NUMBER_FIELDS and text:
                values[label] = "#" + text if opaque else mask_number_cell(text)
            else:
                values[label] = mask_cell(text)
    indexes = header.columns.get(field_name, [])
    column = header.labels.get(indexes[0], field_name) if indexes else field_name
    return RejectedRow(
        line=line,
        reason_key=error.reason_key,
        reason_params={"column": column, "value": error.masked_value},
        values=values,
    )
