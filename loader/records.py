"""The canonical rows that every reader produces and the writer consumes.

A reader turns one input file into a stream of :class:`ReadChunk` objects. Each chunk holds
the rows that normalised cleanly as :class:`CallRecord` and the rows that did not as
:class:`RejectedRow`. Every input row ends up in exactly one of the two lists, so
``rows_read == len(calls) + len(rejected)`` holds per chunk; duplicates are found later, by
the loader, across the whole file.

Numbers here are canonical but still clear: readers never write them anywhere. The loader
pseudonymises them before anything leaves the process.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum


class PhoneKind(StrEnum):
    MOBILE = "mobile"
    LANDLINE = "landline"
    SERVICE = "service"
    OPAQUE = "opaque"


@dataclass(frozen=True, slots=True)
class CanonicalNumber:
    """One normalised telephone number or opaque identifier.

    ``canonical`` is the value that is hashed: for Chinese numbers the national form
    (``13912345678``, ``02112345678``, ``4008123456``, ``10086``); for opaque identifiers the
    prefix ``opaque:`` plus the id, so an opaque ``10086`` never collides with the carrier's
    service number.
    """

    canonical: str
    kind: PhoneKind


@dataclass(frozen=True, slots=True)
class CallRecord:
    """One call, caller to callee, as the source file states it.

    ``line`` is the 1-based line (CSV), row (spreadsheet, counting the header) or list
    position (JSON) in the source, used in the quarantine file and in messages.
    ``call_type`` is the normalised type: ``voice``, ``forwarded`` or ``roaming_vpmn``.
    """

    line: int
    caller: CanonicalNumber
    callee: CanonicalNumber
    started_at: datetime
    duration_seconds: int
    call_type: str = "voice"
    location: str | None = None


@dataclass(frozen=True, slots=True)
class RejectedRow:
    """An input row that could not be normalised.

    ``values`` contains the offending raw values already masked for display (see
    :func:`ringscope.pseudonym.mask_number`), never clear numbers. ``reason_key`` is a message
    key in the loader catalog; ``reason_params`` fills its template.
    """

    line: int
    reason_key: str
    reason_params: dict[str, str] = field(default_factory=dict)
    values: dict[str, str] = field(default_factory=dict)


@dataclass(slots=True)
class ReadChunk:
    """A slice of one file: normalised calls and rejected rows, in input order."""

    calls: list[CallRecord] = field(default_factory=list)
    rejected: list[RejectedRow] = field(default_factory=list)

    @property
    def rows_read(self) -> int:
        return len(self.calls) + len(self.rejected)


@dataclass(frozen=True, slots=True)
class FileInfo:
    """What a reader learnt about a file before streaming its rows.

    ``owner`` is the bill owner's number when the file states it (aggregator reports), else
    ``None``; bills of one owner that do not state it need ``--owner-party``'s phone.
    ``is_edge_list`` is true for files that name both ends of each call.
    """

    layout: str
    owner: CanonicalNumber | None
    is_edge_list: bool
