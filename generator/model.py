"""The in-memory model of a synthetic population, filled step by step by the builders.

People and institutions are *persons*, identified by their index in :class:`World`. A person
has one number for the whole period, except an applicant who switches numbers (two
numbers, one before and one after the switch day). A *party* is a record in the lender's
system and points at a person. Two parties point at the same person when relatives share
one phone. A *tie* says that two persons call each other, how often and in which days; the
call synthesis in :mod:`generator.calls` turns ties into calls.

Days are indexes into the period: day 0 is the first day, ``World.days - 1`` the last.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import IntEnum, StrEnum

import numpy as np
import numpy.typing as npt

from generator.parameters import GenerationParameters


class Role(StrEnum):
    """Kind of person in the model; hubs and planted roles are recorded in the truth."""

    APPLICANT = "applicant"
    FAMILY = "family"
    COWORKER = "coworker"
    OFFICE_LINE = "office_line"
    FRIEND = "friend"
    SERVICE_LINE = "service_line"
    COURIER = "courier"
    CALL_CENTRE = "call_centre"
    TELEMARKETER = "telemarketer"
    LENDER_LINE = "lender_verification"
    COLLECTOR = "collector"
    AGENT = "agent"
    DEFAULTED = "defaulted_borrower"


class Pattern(IntEnum):
    """The kind of relationship behind a tie; it sets the time of day, duration and callbacks."""

    FAMILY = 0
    FRIEND = 1
    WORK = 2
    SERVICE = 3
    COURIER = 4
    TELEMARKETING = 5
    CALL_CENTRE = 6
    COLLECTION = 7
    COACHING = 8
    RING = 9
    GUARANTEE = 10
    DEFAULTED = 11
    VERIFICATION = 12


class BillLayout(StrEnum):
    """The export layout of one bill file."""

    UNICOM_MONTHLY = "unicom-monthly"
    CMCC_DETAIL = "cmcc-detail"


class LoanRole(StrEnum):
    APPLICANT = "applicant"
    BORROWER = "borrower"
    CO_BORROWER = "co_borrower"
    GUARANTOR = "guarantor"


class LoanStatus(StrEnum):
    APPLIED = "applied"
    APPROVED = "approved"
    REJECTED = "rejected"
    REPAYING = "repaying"
    OVERDUE = "overdue"
    DEFAULTED = "defaulted"
    CLOSED = "closed"


# The primary party of a loan that is still being decided is its applicant; from approval on
# it is the borrower.
UNDECIDED_STATUSES = frozenset({LoanStatus.APPLIED, LoanStatus.REJECTED})


@dataclass
class Contact:
    """One of an applicant's contacts, with the relation the applicant would state on a form."""

    person: int
    relation: str


@dataclass
class Party:
    """A person as the lender's system records them.

    ``apply_day`` is the day of the party's current application (applicants only).
    ``party_id`` is assigned once every party exists, in random order, so that ids reveal
    nothing about planted structures.
    """

    person: int
    kind: str
    apply_day: int | None = None
    party_id: str = ""


@dataclass
class Loan:
    """One loan with every party on it; ``rows`` pairs a party index with its role."""

    status: LoanStatus
    applied_on: date
    rows: list[tuple[int, LoanRole]]
    loan_id: str = ""


@dataclass
class Consent:
    """A consent to read call records for credit review; ``state``: valid, expired or revoked."""

    party: int
    granted_at: datetime
    expires_at: datetime
    revoked_at: datetime | None
    state: str


@dataclass
class EmergencyContact:
    """A person a party listed as emergency contact, with the number they used on ``on_day``."""

    party: int
    person: int
    relation: str
    on_day: int


@dataclass
class NumberSwitch:
    """An applicant who moves to a new number on ``switch_day``; the old one ends the day before."""

    person: int
    switch_day: int
    new_carrier: str
    chain: int | None
    witnesses: list[int] = field(default_factory=list)


@dataclass
class Trip:
    """Days an applicant spends in another city; the bill shows that city as call location."""

    first_day: int
    last_day: int
    city: int


@dataclass
class CoachedGroup:
    """Applicants coached by one intermediary who uses one or two agent numbers."""

    members: list[int]
    agents: list[int]
    lead_days: dict[int, int]
    strays: list[int] = field(default_factory=list)
    emergency_persons: list[int] = field(default_factory=list)


@dataclass
class GuaranteeCircle:
    """Parties in guarantee order: ``members[i]`` guarantees the loan of ``members[i + 1]``."""

    members: list[int]
    loans: list[int] = field(default_factory=list)


@dataclass
class SharedPhone:
    """Two parties who list the phone of one person (a household line)."""

    person: int
    parties: list[int]
    relation: str


@dataclass
class DefaultedLink:
    """A defaulted borrower in contact with new applicants."""

    party: int
    linked: list[int]
    loan: int = -1
    listed_by_defaulted: list[int] = field(default_factory=list)


@dataclass
class OverdueBorrower:
    """An applicant whose earlier loan is overdue and who receives collection calls."""

    party: int
    collectors: list[int]
    overdue_day: int
    loan: int = -1


class TieTable:
    """Ties in column lists; one row per pair of persons and window of days.

    ``share`` is the probability that ``a`` places a given call. ``min_calls`` calls are made
    on top of the Poisson count, and when ``force_a`` is set, ``a`` places those calls.
    """

    def __init__(self) -> None:
        self.a: list[int] = []
        self.b: list[int] = []
        self.pattern: list[int] = []
        self.rate: list[float] = []
        self.min_calls: list[int] = []
        self.first_day: list[int] = []
        self.last_day: list[int] = []
        self.share: list[float] = []
        self.force_a: list[bool] = []

    def add(
        self,
        a: int,
        b: int,
        pattern: Pattern,
        rate: float,
        first_day: int,
        last_day: int,
        share: float = 0.5,
        min_calls: int = 0,
        force_a: bool = False,
    ) -> None:
        if a == b or last_day < first_day:
            return
        self.a.append(a)
        self.b.append(b)
        self.pattern.append(int(pattern))
        self.rate.append(rate)
        self.min_calls.append(min_calls)
        self.first_day.append(first_day)
        self.last_day.append(last_day)
        self.share.append(share)
        self.force_a.append(force_a)

    def __len__(self) -> int:
        return len(self.a)


@dataclass
class NumberTable:
    """Every number in use: national form, holder and the days it is in service."""

    numbers: list[str] = field(default_factory=list)
    person: list[int] = field(default_factory=list)
    first_day: list[int] = field(default_factory=list)
    last_day: list[int] = field(default_factory=list)
    billed: list[bool] = field(default_factory=list)

    def add(self, number: str, person: int, first_day: int, last_day: int) -> int:
        self.numbers.append(number)
        self.person.append(person)
        self.first_day.append(first_day)
        self.last_day.append(last_day)
        self.billed.append(False)
        return len(self.numbers) - 1


@dataclass
class World:
    """The whole population: persons, parties, loans, ties and what was planted."""

    params: GenerationParameters

    person_city: list[int] = field(default_factory=list)
    person_role: list[Role] = field(default_factory=list)
    # How the person's number is drawn: a carrier name, "market", "shady", "landline", "400"
    # or "fixed:<number>" for a known service line.
    person_plan: list[str] = field(default_factory=list)
    # Numbers of each person, oldest first (indexes into ``numbers``).
    person_numbers: list[list[int]] = field(default_factory=list)
    numbers: NumberTable = field(default_factory=NumberTable)

    hub_kind: dict[int, str] = field(default_factory=dict)
    # Expected everyday calls of each applicant person over the period.
    budget: dict[int, float] = field(default_factory=dict)
    contacts: dict[int, list[Contact]] = field(default_factory=dict)
    workplace: dict[int, int] = field(default_factory=dict)
    layout: dict[int, BillLayout] = field(default_factory=dict)
    trips: dict[int, Trip] = field(default_factory=dict)
    switches: dict[int, NumberSwitch] = field(default_factory=dict)
    # Applicant persons taken by a planted structure, kept apart from one another.
    planted_persons: set[int] = field(default_factory=set)

    parties: list[Party] = field(default_factory=list)
    person_parties: dict[int, list[int]] = field(default_factory=dict)
    loans: list[Loan] = field(default_factory=list)
    consents: list[Consent] = field(default_factory=list)
    emergency_contacts: list[EmergencyContact] = field(default_factory=list)
    ties: TieTable = field(default_factory=TieTable)

    coached_groups: list[CoachedGroup] = field(default_factory=list)
    guarantee_circles: list[GuaranteeCircle] = field(default_factory=list)
    shared_phones: list[SharedPhone] = field(default_factory=list)
    defaulted_links: list[DefaultedLink] = field(default_factory=list)
    overdue_borrowers: list[OverdueBorrower] = field(default_factory=list)
    switch_chains: list[list[int]] = field(default_factory=list)

    @property
    def days(self) -> int:
        return self.params.days

    def add_person(self, city: int, role: Role, plan: str) -> int:
        """Append a person and return its index."""
        self.person_city.append(city)
        self.person_role.append(role)
        self.person_plan.append(plan)
        self.person_numbers.append([])
        return len(self.person_city) - 1

    def add_party(self, person: int, kind: str) -> int:
        """Append a party for ``person`` and return its index."""
        self.parties.append(Party(person=person, kind=kind))
        index = len(self.parties) - 1
        self.person_parties.setdefault(person, []).append(index)
        return index

    def applicant_parties(self) -> list[int]:
        """Return the indexes of applicant parties, in creation order."""
        return [index for index, party in enumerate(self.parties) if party.kind == "applicant"]

    def applicant_persons(self) -> list[int]:
        """Return applicant persons in creation order, each once (shared phones count once)."""
        seen: set[int] = set()
        persons: list[int] = []
        for party in self.parties:
            if party.kind == "applicant" and party.person not in seen:
                seen.add(party.person)
                persons.append(party.person)
        return persons

    def parties_of(self, person: int) -> list[int]:
        """Return the party indexes that point at ``person`` (a copy)."""
        return list(self.person_parties.get(person, []))

    def number_on_day(self, person: int, day: int) -> str:
        """Return the number ``person`` used on ``day``; outside the period, the nearest one."""
        assigned = self.person_numbers[person]
        for number_index in assigned:
            if self.numbers.first_day[number_index] <= day <= self.numbers.last_day[number_index]:
                return self.numbers.numbers[number_index]
        if day < self.numbers.first_day[assigned[0]]:
            return self.numbers.numbers[assigned[0]]
        return self.numbers.numbers[assigned[-1]]

    def current_number(self, person: int) -> str:
        """Return the number ``person`` uses at the end of the period."""
        return self.numbers.numbers[self.person_numbers[person][-1]]


@dataclass
class CallTable:
    """Generated calls sorted by start, caller and callee; numbers index ``NumberTable``."""

    caller: npt.NDArray[np.int64]
    callee: npt.NDArray[np.int64]
    start_seconds: npt.NDArray[np.int64]
    duration_seconds: npt.NDArray[np.int64]

    def __len__(self) -> int:
        return int(self.caller.shape[0])


def draw_distinct(
    rng: random.Random, options: list[int], weights: list[float] | None, count: int
) -> list[int]:
    """Return ``min(count, len(options))`` distinct options drawn with ``weights``, in order."""
    picked: list[int] = []
    while len(picked) < min(count, len(options)):
        option = rng.choices(options, weights=weights)[0]
        if option not in picked:
            picked.append(option)
    return picked


def python_rng(seed: int, stage: int) -> random.Random:
    """Return a :class:`random.Random` for one build stage, derived from the run's seed."""
    state = np.random.SeedSequence(entropy=seed, spawn_key=(stage,)).generate_state(2)
    return random.Random(int(state[0]) << 32 | int(state[1]))


def numpy_rng(seed: int, stage: int) -> np.random.Generator:
    """Return a numpy generator for one build stage, derived from the run's seed."""
    return np.random.default_rng(np.random.SeedSequence(entropy=seed, spawn_key=(stage,)))
