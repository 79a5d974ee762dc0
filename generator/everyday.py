"""Everyday lives of the applicants: cities, families, workplaces, friends and hub numbers.

Each applicant gets a heavy-tailed number of contacts (log-normal, median 16, from 4 to 250)
split into family, colleagues and friends, and a heavy-tailed call budget spread over them.
Colleagues come from a workplace pool, friends from a city pool in which a few people are
known by many applicants, so ordinary applicants share contacts and some know each other.
Every applicant also calls or is called by hubs: carrier, bank, insurer and courier service
lines, couriers of the home city, ``400`` call centres and telemarketers.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

from generator.model import BillLayout, Contact, Pattern, Role, Trip, World, draw_distinct
from generator.numbers import (
    BANK_LINES,
    CALL_CENTRE_CITIES,
    CARRIER_SERVICE_LINES,
    CITIES,
    CITY_WEIGHTS,
    CMCC,
    COURIER_LINES,
    INSURER_LINES,
    UNICOM,
)

# Share of an applicant's everyday calls that go to people; the rest go to hubs.
PEOPLE_SHARE = 0.88
# Spread of the per-applicant call budget (sigma of a log-normal with mean 1).
BUDGET_SIGMA = 0.55
# Relative call intensity per relation before the per-contact log-normal noise.
RELATION_INTENSITY = {
    "spouse": 8.0,
    "parent": 4.0,
    "child": 3.0,
    "sibling": 2.5,
    "relative": 1.5,
    "colleague": 1.0,
    "friend": 1.0,
    "office": 0.8,
}
RELATION_PATTERN = {
    "spouse": Pattern.FAMILY,
    "parent": Pattern.FAMILY,
    "child": Pattern.FAMILY,
    "sibling": Pattern.FAMILY,
    "relative": Pattern.FAMILY,
    "colleague": Pattern.WORK,
    "office": Pattern.WORK,
    "friend": Pattern.FRIEND,
}
LAYOUT_CARRIER = {BillLayout.UNICOM_MONTHLY: UNICOM, BillLayout.CMCC_DETAIL: CMCC}


@dataclass
class _LazyPool:
    """A pool of people created only when first picked, so unused slots cost nothing."""

    city: int
    role: Role
    size: int
    weights: list[float]
    members: dict[int, int]

    def pick(self, world: World, rng: random.Random, count: int) -> list[int]:
        slots = sorted(set(rng.choices(range(self.size), weights=self.weights, k=count)))
        persons: list[int] = []
        for slot in slots:
            if slot not in self.members:
                self.members[slot] = world.add_person(
                    _home_city(rng, self.city), self.role, "market"
                )
            persons.append(self.members[slot])
        return persons


@dataclass
class _Workplace:
    city: int
    applicants: list[int]
    pool: _LazyPool | None = None
    office_line: int | None = None


def create_applicants(world: World, rng: random.Random, persons: int) -> None:
    """Create ``persons`` applicant persons, each with one applicant party, city and bill layout."""
    fraction = world.params.cmcc_fraction
    for _ in range(persons):
        city = rng.choices(range(len(CITIES)), weights=CITY_WEIGHTS)[0]
        layout = BillLayout.CMCC_DETAIL if rng.random() < fraction else BillLayout.UNICOM_MONTHLY
        # The bill layout follows the carrier of the owner's number.
        person = world.add_person(city, Role.APPLICANT, LAYOUT_CARRIER[layout])
        world.layout[person] = layout
        world.add_party(person, "applicant")


def build_everyday_lives(world: World, rng: random.Random) -> None:
    """Give every applicant person family, colleagues, friends, a call budget and trips."""
    applicants = world.applicant_persons()
    applicant_set = set(applicants)
    by_city: dict[int, list[int]] = {}
    for person in applicants:
        by_city.setdefault(world.person_city[person], []).append(person)

    workplaces = _assign_workplaces(world, rng, by_city)
    friend_pools = {
        city: _LazyPool(
            city=city,
            role=Role.FRIEND,
            size=_friend_pool_size(len(members)),
            # Pareto weights: a few people (a shop owner, a landlord) are known by many.
            weights=[rng.paretovariate(2.0) for _ in range(_friend_pool_size(len(members)))],
            members={},
        )
        for city, members in sorted(by_city.items())
    }

    pair_rates: dict[tuple[int, int], list[float]] = {}
    pair_pattern: dict[tuple[int, int], Pattern] = {}
    calls = world.params.calls_per_applicant
    for person in applicants:
        budget = calls * rng.lognormvariate(-(BUDGET_SIGMA**2) / 2, BUDGET_SIGMA)
        world.budget[person] = budget
        contacts = _draw_contacts(world, rng, person, workplaces, friend_pools, by_city)
        world.contacts[person] = contacts

        intensities = [
            RELATION_INTENSITY[contact.relation] * rng.lognormvariate(0.0, 0.9)
            for contact in contacts
        ]
        total = sum(intensities)
        for contact, intensity in zip(contacts, intensities, strict=True):
            rate = PEOPLE_SHARE * budget * intensity / total
            pattern = RELATION_PATTERN[contact.relation]
            if contact.person in applicant_set:
                key = (min(person, contact.person), max(person, contact.person))
                pair_rates.setdefault(key, []).append(rate)
                pair_pattern.setdefault(key, pattern)
                continue
            world.ties.add(
                person,
                contact.person,
                pattern,
                rate,
                0,
                world.days - 1,
                share=rng.betavariate(4, 4),
            )

    # A pair of applicants who both know each other gets the mean of both sides' rates.
    for key, rates in pair_rates.items():
        world.ties.add(
            key[0],
            key[1],
            pair_pattern[key],
            sum(rates) / len(rates),
            0,
            world.days - 1,
            share=rng.betavariate(4, 4),
        )

    _draw_trips(world, rng, applicants)


def _friend_pool_size(applicants: int) -> int:
    return max(80, 10 * applicants)


def _assign_workplaces(
    world: World, rng: random.Random, by_city: dict[int, list[int]]
) -> dict[int, _Workplace]:
    """Group applicants of a city into workplaces of mostly one or two applicants."""
    workplaces: dict[int, _Workplace] = {}
    for person, workplace_id in sorted(world.workplace.items()):
        workplaces.setdefault(
            workplace_id, _Workplace(city=world.person_city[person], applicants=[])
        )
        workplaces[workplace_id].applicants.append(person)

    next_id = max(workplaces, default=-1) + 1
    for city, persons in sorted(by_city.items()):
        free = [person for person in persons if person not in world.workplace]
        rng.shuffle(free)
        position = 0
        while position < len(free):
            size = min(1 + int(rng.expovariate(1.2)), 6)
            members = free[position : position + size]
            position += size
            workplaces[next_id] = _Workplace(city=city, applicants=members)
            for member in members:
                world.workplace[member] = next_id
            next_id += 1

    for workplace in workplaces.values():
        size = max(3, min(150, round(rng.lognormvariate(math.log(15), 0.8))))
        workplace.pool = _LazyPool(
            city=workplace.city, role=Role.COWORKER, size=size, weights=[1.0] * size, members={}
        )
        if rng.random() < 0.3:
            workplace.office_line = world.add_person(workplace.city, Role.OFFICE_LINE, "landline")
    return workplaces


def _draw_contacts(
    world: World,
    rng: random.Random,
    person: int,
    workplaces: dict[int, _Workplace],
    friend_pools: dict[int, _LazyPool],
    by_city: dict[int, list[int]],
) -> list[Contact]:
    """Return the contacts of one applicant: family first, then colleagues and friends."""
    city = world.person_city[person]
    target = max(4, min(250, round(rng.lognormvariate(math.log(16), 0.7))))
    contacts = list(world.contacts.get(person, []))
    known = {contact.person for contact in contacts}

    def add(other: int, relation: str) -> None:
        if other != person and other not in known:
            known.add(other)
            contacts.append(Contact(other, relation))

    # Family: new people of their own, mostly in the same city; parents sometimes in the
    # home town, some of them still on a landline.
    if rng.random() < 0.65:
        add(world.add_person(city, Role.FAMILY, "market"), "spouse")
    parents = rng.choices([0, 1, 2], weights=[0.15, 0.3, 0.55])[0]
    for _ in range(parents):
        plan = "landline" if rng.random() < 0.15 else "market"
        add(world.add_person(_home_city(rng, city, stay=0.55), Role.FAMILY, plan), "parent")
    for _ in range(rng.choices([0, 1, 2, 3], weights=[0.2, 0.4, 0.3, 0.1])[0]):
        add(world.add_person(_home_city(rng, city, stay=0.5), Role.FAMILY, "market"), "sibling")
    if rng.random() < 0.25:
        for _ in range(rng.choice([1, 1, 2])):
            add(world.add_person(city, Role.FAMILY, "market"), "child")
    # Now and then a relative is another applicant of the same city.
    if rng.random() < 0.04 and len(by_city[city]) > 1:
        other = rng.choice(by_city[city])
        if other not in world.planted_persons and person not in world.planted_persons:
            add(other, "relative")
            world.contacts.setdefault(other, []).append(Contact(person, "relative"))

    remaining = max(1, target - len(contacts))
    workplace = workplaces[world.workplace[person]]
    colleague_count = round(remaining * rng.uniform(0.15, 0.45))
    for other in workplace.applicants:
        if other != person and rng.random() < 0.6:
            add(other, "colleague")
    if workplace.office_line is not None:
        add(workplace.office_line, "office")
    if workplace.pool is not None and colleague_count > 0:
        for other in workplace.pool.pick(world, rng, colleague_count):
            add(other, "colleague")

    friend_count = max(1, target - len(contacts))
    for other in friend_pools[city].pick(world, rng, friend_count):
        add(other, "friend")
    for _ in range(friend_count):
        if rng.random() < 0.03:
            add(rng.choice(by_city[city]), "friend")
    return contacts


def _home_city(rng: random.Random, city: int, stay: float = 0.75) -> int:
    """Return ``city`` with probability ``stay``, else another city of the same province or any."""
    if rng.random() < stay:
        return city
    same_province = [
        index
        for index, other in enumerate(CITIES)
        if other.province == CITIES[city].province and index != city
    ]
    if same_province and rng.random() < 0.5:
        return rng.choice(same_province)
    return rng.choices(range(len(CITIES)), weights=CITY_WEIGHTS)[0]


def _draw_trips(world: World, rng: random.Random, applicants: list[int]) -> None:
    """Send about one applicant in seven on a trip of 2 to 7 days to another city."""
    for person in applicants:
        if rng.random() >= 0.15:
            continue
        length = rng.randint(2, 7)
        first = rng.randint(0, max(0, world.days - length))
        city = rng.choices(range(len(CITIES)), weights=CITY_WEIGHTS)[0]
        if city != world.person_city[person]:
            world.trips[person] = Trip(first, min(world.days - 1, first + length - 1), city)


def build_hubs(world: World, rng: random.Random) -> None:
    """Create the hub numbers and tie every applicant person to a few of them."""
    applicants = world.applicant_persons()
    carrier_lines = {
        carrier: _add_hub(world, -1, Role.SERVICE_LINE, f"fixed:{number}", "carrier_service")
        for carrier, number in CARRIER_SERVICE_LINES.items()
    }
    banks = [_add_hub(world, -1, Role.SERVICE_LINE, f"fixed:{n}", "bank") for n in BANK_LINES]
    insurers = [
        _add_hub(world, -1, Role.SERVICE_LINE, f"fixed:{n}", "insurer") for n in INSURER_LINES
    ]
    courier_lines = [
        _add_hub(world, -1, Role.SERVICE_LINE, f"fixed:{n}", "courier_line") for n in COURIER_LINES
    ]
    call_centres = [
        _add_hub(world, -1, Role.CALL_CENTRE, "400", "call_centre")
        for _ in range(12 + len(applicants) // 100)
    ]
    telemarketers: list[int] = []
    for _ in range(8 + len(applicants) // 60):
        if rng.random() < 0.7:
            city = rng.choice(CALL_CENTRE_CITIES)
            telemarketers.append(
                _add_hub(world, city, Role.TELEMARKETER, "landline", "telemarketer")
            )
        else:
            telemarketers.append(_add_hub(world, -1, Role.TELEMARKETER, "400", "telemarketer"))
    couriers: dict[int, list[int]] = {}
    by_city: dict[int, list[int]] = {}
    for person in applicants:
        by_city.setdefault(world.person_city[person], []).append(person)
    for city, members in sorted(by_city.items()):
        couriers[city] = [
            _add_hub(world, city, Role.COURIER, "market", "courier")
            for _ in range(max(1, len(members) // 12))
        ]

    bank_weights = [1.0 / (rank + 1) for rank in range(len(banks))]
    centre_weights = [1.0 / (rank + 1) ** 0.8 for rank in range(len(call_centres))]
    last = world.days - 1
    for person in applicants:
        budget = world.budget[person] * (1.0 - PEOPLE_SHARE)
        carrier = world.person_plan[person]
        if carrier in carrier_lines:
            world.ties.add(
                person, carrier_lines[carrier], Pattern.SERVICE, 0.15 * budget, 0, last, share=0.75
            )
        _tie_many(
            world,
            person,
            draw_distinct(rng, banks, bank_weights, rng.randint(1, 3)),
            Pattern.SERVICE,
            0.25 * budget,
            0.5,
        )
        if rng.random() < 0.4:
            _tie_many(world, person, [rng.choice(insurers)], Pattern.SERVICE, 0.05 * budget, 0.4)
        _tie_many(
            world,
            person,
            draw_distinct(rng, courier_lines, None, rng.randint(1, 2)),
            Pattern.SERVICE,
            0.1 * budget,
            0.6,
        )
        city_couriers = couriers[world.person_city[person]]
        _tie_many(
            world,
            person,
            draw_distinct(rng, city_couriers, None, rng.randint(1, 3)),
            Pattern.COURIER,
            0.25 * budget,
            0.15,
        )
        centres = draw_distinct(rng, call_centres, centre_weights, rng.randint(0, 3))
        _tie_many(world, person, centres, Pattern.CALL_CENTRE, 0.1 * budget, 0.7)
        callers = draw_distinct(rng, telemarketers, None, rng.randint(0, 4))
        _tie_many(world, person, callers, Pattern.TELEMARKETING, 0.1 * budget, 0.03)


def _add_hub(world: World, city: int, role: Role, plan: str, kind: str) -> int:
    person = world.add_person(city, role, plan)
    world.hub_kind[person] = kind
    return person


def _tie_many(
    world: World, person: int, hubs: list[int], pattern: Pattern, rate: float, share: float
) -> None:
    """Tie ``person`` to each of ``hubs``, splitting ``rate`` evenly between them."""
    for hub in hubs:
        world.ties.add(person, hub, pattern, rate / len(hubs), 0, world.days - 1, share=share)
