"""Write the generated population as the files a lender would hand over.

Bills come in two layouts. The China Unicom monthly voice list (``unicom-monthly``) is GBK
with CRLF line ends, newest call first, durations as ``X分Y秒`` and ``0086`` before incoming
mobile and landline numbers. The China Mobile detail list (``cmcc-detail``) is UTF-8 with
CRLF line ends, oldest call first, integer seconds and numbers in national form. Every other
file is UTF-8 with LF line ends and sorted rows, so that the same input writes the same bytes.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
import numpy.typing as npt

from generator.model import BillLayout, CallTable, LoanRole, World
from generator.numbers import CITIES, format_unicom_peer

UNICOM_HEADER = (
    "序号", "业务类型", "通话起始时间", "通话时长", "呼叫类型", "对方号码",
    "通话地点", "通话类型", "通话费", "其他费", "小计",
)  # fmt: skip
CMCC_HEADER = ("起始时间", "通信地点", "通信方式", "对方号码", "通信时长")
EDGES_HEADER = ("caller", "callee", "start", "duration_seconds")
PARTIES_HEADER = ("party_id", "phone")
CONTACTS_HEADER = ("party_id", "phone", "relation")
LOANS_HEADER = ("loan_id", "party_id", "role", "status", "applied_at")
CONSENTS_HEADER = (
    "consent_id", "party_id", "scope", "purpose", "granted_at", "expires_at", "revoked_at",
    "document_sha256",
)  # fmt: skip
CONSENT_SCOPE = "call_records"
CONSENT_PURPOSE = "credit_review"
ROLE_ORDER = {
    LoanRole.APPLICANT: 0,
    LoanRole.BORROWER: 0,
    LoanRole.CO_BORROWER: 1,
    LoanRole.GUARANTOR: 2,
}


@dataclass(frozen=True)
class BillFile:
    """One written bill: its owner party, layout and number of rows."""

    party: int
    path: Path
    layout: BillLayout
    rows: int


def iso_starts(calls: CallTable, start_date: date) -> npt.NDArray[np.str_]:
    """Return each call's start as ISO local time, ``2026-08-01T14:47:50``."""
    base = np.datetime64(start_date.isoformat() + "T00:00:00", "s")
    return np.datetime_as_string(base + calls.start_seconds.astype("timedelta64[s]"), unit="s")


def write_edges(
    path: Path, calls: CallTable, numbers: npt.NDArray[np.str_], starts: npt.NDArray[np.str_]
) -> None:
    """Write every call once as ``caller,callee,start,duration_seconds``."""
    lines = [
        f"{caller},{callee},{start},{duration}"
        for caller, callee, start, duration in zip(
            numbers[calls.caller].tolist(),
            numbers[calls.callee].tolist(),
            starts.tolist(),
            calls.duration_seconds.tolist(),
            strict=True,
        )
    ]
    _write_lines(path, [",".join(EDGES_HEADER), *lines], "utf-8", "\n")


def write_bills(
    out_dir: Path, world: World, calls: CallTable, starts: npt.NDArray[np.str_]
) -> list[BillFile]:
    """Write one bill per applicant party into ``out_dir/calls``; return what was written."""
    calls_dir = out_dir / "calls"
    calls_dir.mkdir(parents=True, exist_ok=True)
    rows_by_owner = _rows_by_owner(world, calls)
    numbers = world.numbers
    number_city = [world.person_city[person] for person in numbers.person]
    day_of_call = calls.start_seconds // 86_400

    bills: list[BillFile] = []
    for index in world.applicant_parties():
        party = world.parties[index]
        owner_number = world.person_numbers[party.person][-1]
        rows = rows_by_owner.get(owner_number, [])
        layout = world.layout[party.person]
        lines: list[str] = []
        ordered = sorted(
            rows, key=lambda item: item[0], reverse=layout == BillLayout.UNICOM_MONTHLY
        )
        for position, (call, outgoing) in enumerate(ordered, start=1):
            peer = int(calls.callee[call] if outgoing else calls.caller[call])
            location = _location(world, party.person, int(day_of_call[call]))
            start_text = str(starts[call]).replace("T", " ")
            seconds = int(calls.duration_seconds[call])
            if layout == BillLayout.UNICOM_MONTHLY:
                lines.append(
                    ",".join(
                        (
                            str(position),
                            "语音电话",
                            start_text,
                            format_duration(seconds),
                            "主叫" if outgoing else "被叫",
                            format_unicom_peer(numbers.numbers[peer], incoming=not outgoing),
                            CITIES[location].area_code,
                            _call_type(location, number_city[peer]),
                            "0.00",
                            "0.00",
                            "0.00",
                        )
                    )
                )
            else:
                lines.append(
                    ",".join(
                        (
                            start_text,
                            CITIES[location].name + "市",
                            "主叫" if outgoing else "被叫",
                            numbers.numbers[peer],
                            str(seconds),
                        )
                    )
                )

        path = calls_dir / f"{party.party_id}.csv"
        if layout == BillLayout.UNICOM_MONTHLY:
            _write_lines(path, [",".join(UNICOM_HEADER), *lines], "gbk", "\r\n")
        else:
            _write_lines(path, [",".join(CMCC_HEADER), *lines], "utf-8", "\r\n")
        bills.append(BillFile(index, path, layout, len(lines)))
    return bills


def _rows_by_owner(world: World, calls: CallTable) -> dict[int, list[tuple[int, bool]]]:
    """Group call indexes by billed number: ``(call index, True if the owner called)``."""
    billed = np.array(world.numbers.billed, dtype=np.bool_)
    grouped: dict[int, list[tuple[int, bool]]] = {}
    for outgoing, owners in ((True, calls.caller), (False, calls.callee)):
        selected = np.flatnonzero(billed[owners])
        for call, owner in zip(selected.tolist(), owners[selected].tolist(), strict=True):
            grouped.setdefault(owner, []).append((call, outgoing))
    return grouped


def _location(world: World, person: int, day: int) -> int:
    trip = world.trips.get(person)
    if trip is not None and trip.first_day <= day <= trip.last_day:
        return trip.city
    return world.person_city[person]


def _call_type(location: int, peer_city: int) -> str:
    """Return 本地通话, 省内通话 or 国内长途 from the owner's location and the peer's city."""
    if peer_city < 0 or peer_city == location:
        return "本地通话"
    if CITIES[peer_city].province == CITIES[location].province:
        return "省内通话"
    return "国内长途"


def format_duration(seconds: int) -> str:
    """Write a duration as the Unicom list does: ``47秒``, ``1分24秒``, ``59分59秒``."""
    minutes, rest = divmod(seconds, 60)
    return f"{minutes}分{rest}秒" if minutes else f"{rest}秒"


def write_parties(path: Path, world: World) -> None:
    """Write ``party_id,phone`` with each party's current number."""
    rows = sorted((party.party_id, world.current_number(party.person)) for party in world.parties)
    _write_csv(path, PARTIES_HEADER, rows)


def write_contacts(path: Path, world: World) -> None:
    """Write the emergency contacts as ``party_id,phone,relation``."""
    rows = sorted(
        {
            (
                world.parties[contact.party].party_id,
                world.number_on_day(contact.person, contact.on_day),
                contact.relation,
            )
            for contact in world.emergency_contacts
        }
    )
    _write_csv(path, CONTACTS_HEADER, rows)


def write_loans(path: Path, world: World) -> None:
    """Write one row per party on each loan: ``loan_id,party_id,role,status,applied_at``."""
    rows = sorted(
        (
            (
                loan.loan_id,
                ROLE_ORDER[role],
                world.parties[party].party_id,
                role.value,
                loan.status.value,
                loan.applied_on.isoformat(),
            )
            for loan in world.loans
            for party, role in loan.rows
        ),
    )
    _write_csv(path, LOANS_HEADER, [(row[0], row[2], row[3], row[4], row[5]) for row in rows])


def consent_id(world: World, party: int) -> str:
    """Return the consent id of an applicant party: ``C-`` plus its party id."""
    return "C-" + world.parties[party].party_id


def write_consents(path: Path, world: World) -> None:
    """Write every consent; ``revoked_at`` is empty when the consent was not revoked."""
    rows = []
    for consent in world.consents:
        identifier = consent_id(world, consent.party)
        party_id = world.parties[consent.party].party_id
        granted = consent.granted_at.isoformat()
        # Stands in for the hash of the signed consent document.
        document = f"ringscope synthetic consent|{identifier}|{party_id}|{granted}"
        rows.append(
            (
                identifier,
                party_id,
                CONSENT_SCOPE,
                CONSENT_PURPOSE,
                granted,
                consent.expires_at.isoformat(),
                consent.revoked_at.isoformat() if consent.revoked_at else "",
                hashlib.sha256(document.encode("utf-8")).hexdigest(),
            )
        )
    _write_csv(path, CONSENTS_HEADER, sorted(rows))


def write_manifest(path: Path, world: World, bills: list[BillFile], out_dir: Path) -> None:
    """Write ``manifest.json``: every bill with its owner party, consent and layout."""
    batches = [
        {
            "file": bill.path.relative_to(out_dir).as_posix(),
            "owner_party": world.parties[bill.party].party_id,
            "consent": consent_id(world, bill.party),
            "purpose": CONSENT_PURPOSE,
            "layout": bill.layout.value,
        }
        for bill in bills
    ]
    batches.sort(key=lambda batch: batch["file"])
    write_json(path, {"batches": batches})


def write_json(path: Path, document: object) -> None:
    """Write ``document`` as indented UTF-8 JSON with a final newline."""
    path.write_text(
        json.dumps(document, ensure_ascii=False, indent=2) + "\n", encoding="utf-8", newline="\n"
    )


def _write_csv(path: Path, header: Sequence[str], rows: Iterable[Sequence[str]]) -> None:
    _write_lines(path, [",".join(header), *(",".join(row) for row in rows)], "utf-8", "\n")


def _write_lines(path: Path, lines: list[str], encoding: str, line_end: str) -> None:
    path.write_bytes((line_end.join(lines) + line_end).encode(encoding))
