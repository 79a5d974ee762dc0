"""Planted fraud structures and number changes, each recorded for the truth file.

Planted members are disjoint: an applicant belongs to at most one coached group, guarantee
circle, shared phone or number switch. Defaulted borrowers link to ordinary applicants.

- Coached group: 3 to 8 applicants of mostly one city who call one or two agent numbers in
  the 3 to 10 days before applying and apply within 1 to 4 days of each other. Members were
  recruited through one another, so a recruitment tree of them calls each other too.
- Guarantee circle (互保/联保): 2 to 6 merchants of one city who apply within a day of each
  other, each guaranteeing the next one's loan, and call each other often all period.
- Shared phone: two relatives list one phone; either both applied (the same bill is
  uploaded under two consents) or the second is co-borrower on the first one's loan.
- Defaulted borrower: a party with a defaulted loan whom 1 to 3 new applicants call.
- Number switch (换号): the old number ends the day before the switch day and the new one
  keeps the contacts. A chain is 3 to 5 colleagues who switch within 3 days (a company plan
  change). Because a bill covers only the owner's current number, each switcher has two
  ordinary applicants ("witnesses") who call both numbers, so the change shows in
  their bills.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from generator.model import (
    CoachedGroup,
    Contact,
    DefaultedLink,
    GuaranteeCircle,
    NumberSwitch,
    Pattern,
    Role,
    SharedPhone,
    World,
)
from generator.parameters import MAX_PLANTED_SHARE, PlantedCounts


@dataclass
class StructurePlan:
    """Sizes of the planted structures, fixed before anyone is created."""

    counts: PlantedCounts
    coached_sizes: list[int]
    circle_sizes: list[int]
    chain_sizes: list[int]
    # For each shared phone: True when both relatives are applicants.
    shared_both: list[bool]

    @property
    def extra_applicant_parties(self) -> int:
        """Applicant parties that share a person with another applicant party."""
        return sum(self.shared_both)


@dataclass
class Membership:
    """Applicant persons reserved for each planted structure."""

    coached: list[list[int]] = field(default_factory=list)
    circles: list[list[int]] = field(default_factory=list)
    shared: list[int] = field(default_factory=list)
    chains: list[list[int]] = field(default_factory=list)
    chain_witnesses: list[list[int]] = field(default_factory=list)
    lone_switchers: list[int] = field(default_factory=list)


def plan_structures(counts: PlantedCounts, applicants: int, rng: random.Random) -> StructurePlan:
    """Draw the size of every planted structure, shrinking sizes until they fit."""
    coached = [
        rng.choices(range(3, 9), weights=[2, 3, 3, 2, 1, 1])[0]
        for _ in range(counts.coached_groups)
    ]
    circles = [
        rng.choices(range(2, 7), weights=[3, 3, 2, 1, 1])[0]
        for _ in range(counts.guarantee_circles)
    ]
    chains = [rng.randint(3, 5) for _ in range(counts.switch_chains)]
    shared_both = [index % 2 == 0 for index in range(counts.shared_phones)]

    # Shrink the largest group first, so that small populations still get every kind.
    limit = int(applicants * MAX_PLANTED_SHARE)
    minimum = {"coached": 3, "circle": 2, "chain": 3}
    groups = {"coached": coached, "circle": circles, "chain": chains}
    fixed = 2 * counts.shared_phones + counts.lone_switchers
    while sum(coached) + sum(circles) + sum(chains) + fixed > limit:
        candidates = [
            (size - minimum[name], name, index)
            for name, sizes in groups.items()
            for index, size in enumerate(sizes)
            if size > minimum[name]
        ]
        if not candidates:
            break
        _, name, index = max(candidates)
        groups[name][index] -= 1
    return StructurePlan(counts, coached, circles, chains, shared_both)


def reserve_members(world: World, plan: StructurePlan, rng: random.Random) -> Membership:
    """Pick the applicant persons of every planted structure and move groups to one city."""
    pool = world.applicant_persons()
    rng.shuffle(pool)
    membership = Membership()

    def take(count: int) -> list[int]:
        reserved = pool[:count]
        del pool[:count]
        world.planted_persons.update(reserved)
        return reserved

    for size in plan.coached_sizes:
        members = take(size)
        city = world.person_city[members[0]]
        for member in members[1:]:
            # Recruited locally, with the odd member from elsewhere.
            if rng.random() < 0.8:
                world.person_city[member] = city
        membership.coached.append(members)
    for size in plan.circle_sizes:
        members = take(size)
        for member in members[1:]:
            world.person_city[member] = world.person_city[members[0]]
        membership.circles.append(members)
    for both in plan.shared_both:
        person = take(1)[0]
        membership.shared.append(person)
        if both:
            world.add_party(person, "applicant")

    next_workplace = 0
    for size in plan.chain_sizes:
        members = take(size)
        # Two ordinary colleagues stay on their old numbers and witness the change.
        witnesses = pool[:2]
        del pool[:2]
        city = world.person_city[members[0]]
        for person in members + witnesses:
            world.person_city[person] = city
            world.workplace[person] = next_workplace
        next_workplace += 1
        membership.chains.append(members)
        membership.chain_witnesses.append(witnesses)
    membership.lone_switchers = take(plan.counts.lone_switchers)
    return membership


def plant_structures(
    world: World, plan: StructurePlan, membership: Membership, rng: random.Random
) -> None:
    """Add the ties, application days and truth records of every planted structure."""
    ordinary = [
        person
        for person in world.applicant_persons()
        if person not in world.planted_persons and person not in world.switches
    ]
    for members in membership.coached:
        _plant_coached_group(world, rng, members, ordinary)
    for members in membership.circles:
        _plant_guarantee_circle(world, rng, members)
    for person in membership.shared:
        _plant_shared_phone(world, rng, person)
    for chain_index, (members, witnesses) in enumerate(
        zip(membership.chains, membership.chain_witnesses, strict=True)
    ):
        _plant_switch_chain(world, rng, chain_index, members, witnesses)
    for person in membership.lone_switchers:
        _plant_lone_switch(world, rng, person, ordinary)
    _plant_defaulted_borrowers(world, rng, plan.counts.defaulted_borrowers, ordinary)


def application_window(world: World) -> tuple[int, int]:
    """Return the first and last day on which applications are made.

    Applications start after the first quarter of the period (at least a week in), so that
    every bill shows some weeks of calls before its owner applied.
    """
    return max(7, world.days // 4), world.days - 1


def _plant_coached_group(
    world: World, rng: random.Random, members: list[int], ordinary: list[int]
) -> None:
    first_apply, last_apply = application_window(world)
    span = rng.randint(1, 4)
    base = rng.randint(min(first_apply + 3, last_apply - span), last_apply - span)
    city = world.person_city[members[0]]
    agents = [world.add_person(city, Role.AGENT, "shady") for _ in range(rng.choice([1, 1, 2]))]
    parties = [world.parties_of(person)[0] for person in members]
    group = CoachedGroup(members=parties, agents=agents, lead_days={})
    last = world.days - 1

    for person, party in zip(members, parties, strict=True):
        apply_day = base + rng.randint(0, span)
        world.parties[party].apply_day = apply_day
        lead = rng.randint(3, 10)
        group.lead_days[party] = lead
        window_start = max(0, apply_day - lead)
        # At least one call from the member to the main agent number inside the window.
        world.ties.add(
            person, agents[0], Pattern.COACHING, 3.0, window_start, apply_day, 0.7, 1, True
        )
        if len(agents) > 1:
            world.ties.add(person, agents[1], Pattern.COACHING, 1.5, window_start, apply_day, 0.6)
        world.ties.add(
            agents[0], person, Pattern.COACHING, 0.8, apply_day + 1, min(last, apply_day + 6), 1.0
        )

    # Recruitment tree: each member after the first was brought in by an earlier one.
    ring_start = max(0, base - 30)
    for index in range(1, len(members)):
        recruiter = members[rng.randrange(index)]
        world.ties.add(recruiter, members[index], Pattern.RING, 2.5, ring_start, last, 0.5, 1)
    for index, person in enumerate(members):
        for other in members[index + 1 :]:
            if rng.random() < 0.15:
                world.ties.add(person, other, Pattern.RING, 1.0, ring_start, last)

    # Brokers also serve people outside the group: a stray call or two to an ordinary applicant.
    if ordinary and rng.random() < 0.3:
        stray = rng.choice(ordinary)
        first = rng.randint(0, max(0, last - 10))
        world.ties.add(
            stray, agents[-1], Pattern.COACHING, 0.5, first, min(last, first + 10), 0.5, 1
        )
        group.strays.append(world.parties_of(stray)[0])

    # Half of the groups list one shared number as emergency contact: an agent's or a member's.
    if rng.random() < 0.5:
        listed = rng.choice(agents + members[:1])
        group.emergency_persons.append(listed)
    world.coached_groups.append(group)


def _plant_guarantee_circle(world: World, rng: random.Random, members: list[int]) -> None:
    first_apply, last_apply = application_window(world)
    base = rng.randint(first_apply, last_apply - 1)
    parties = [world.parties_of(person)[0] for person in members]
    for party in parties:
        world.parties[party].apply_day = base + rng.randint(0, 1)

    last = world.days - 1
    size = len(members)
    for index in range(size if size > 2 else 1):
        world.ties.add(
            members[index], members[(index + 1) % size], Pattern.GUARANTEE, 10.0, 0, last, 0.5, 2
        )
    for index in range(size):
        for offset in range(2, size - 1):
            other = (index + offset) % size
            if index < other:
                world.ties.add(members[index], members[other], Pattern.GUARANTEE, 2.0, 0, last)
    for index, person in enumerate(members):
        neighbour = members[(index + 1) % size]
        world.contacts.setdefault(person, []).append(Contact(neighbour, "friend"))
    world.guarantee_circles.append(GuaranteeCircle(members=parties))


def _plant_shared_phone(world: World, rng: random.Random, person: int) -> None:
    relation = rng.choice(["spouse", "spouse", "parent", "child"])
    if len(world.parties_of(person)) == 1:
        world.add_party(person, "co_borrower")
    parties = list(world.parties_of(person))
    world.shared_phones.append(SharedPhone(person=person, parties=parties, relation=relation))


def _plant_switch_chain(
    world: World, rng: random.Random, chain_index: int, members: list[int], witnesses: list[int]
) -> None:
    base = rng.randint(world.days // 5, max(world.days // 5, int(world.days * 0.65)))
    for person in members:
        switch_day = min(world.days - 4, base + rng.randint(0, 3))
        _switch(world, rng, person, switch_day, chain_index, witnesses)
    for index, person in enumerate(members):
        for other in members[index + 1 :]:
            world.ties.add(person, other, Pattern.WORK, 4.0, 0, world.days - 1)
    world.switch_chains.append(list(members))


def _plant_lone_switch(world: World, rng: random.Random, person: int, ordinary: list[int]) -> None:
    switch_day = rng.randint(world.days // 5, max(world.days // 5, int(world.days * 0.7)))
    ordinary_set = set(ordinary)
    known = [
        contact.person
        for contact in world.contacts.get(person, [])
        if contact.person in ordinary_set
    ]
    witnesses = known[:2]
    same_city = [
        other for other in ordinary if world.person_city[other] == world.person_city[person]
    ]
    candidates = same_city if len(same_city) >= 2 else ordinary
    while len(witnesses) < 2 and len(witnesses) < len(candidates):
        other = rng.choice(candidates)
        if other not in witnesses:
            witnesses.append(other)
    _switch(world, rng, person, switch_day, None, witnesses)


def _switch(
    world: World,
    rng: random.Random,
    person: int,
    switch_day: int,
    chain: int | None,
    witnesses: list[int],
) -> None:
    """Record a number switch, tie the witnesses to both numbers and apply after the switch."""
    new_carrier = world.person_plan[person]
    # The old number may be of any carrier; the new one matches the bill's layout.
    world.person_plan[person] = "market"
    world.switches[person] = NumberSwitch(person, switch_day, new_carrier, chain, list(witnesses))
    last = world.days - 1
    for witness in witnesses:
        world.ties.add(witness, person, Pattern.FRIEND, 3.0, 0, switch_day - 1, 0.5, 1)
        world.ties.add(witness, person, Pattern.FRIEND, 3.0, switch_day, last, 0.5, 1)
        world.contacts.setdefault(witness, []).append(Contact(person, "friend"))
    for party in world.parties_of(person):
        world.parties[party].apply_day = rng.randint(min(last, switch_day + 3), last)


def _plant_defaulted_borrowers(
    world: World, rng: random.Random, count: int, ordinary: list[int]
) -> None:
    if not ordinary:
        return
    for _ in range(count):
        first = rng.choice(ordinary)
        city = world.person_city[first]
        person = world.add_person(city, Role.DEFAULTED, "market")
        party = world.add_party(person, "defaulted_borrower")
        same_city = [
            other for other in ordinary if world.person_city[other] == city and other != first
        ]
        linked = [first] + rng.sample(same_city, min(len(same_city), rng.randint(0, 2)))
        link = DefaultedLink(party=party, linked=[])
        for applicant in linked:
            world.ties.add(applicant, person, Pattern.DEFAULTED, 6.0, 0, world.days - 1, 0.5, 2)
            applicant_party = world.parties_of(applicant)[0]
            link.linked.append(applicant_party)
            if rng.random() < 0.5:
                link.listed_by_defaulted.append(applicant_party)
        world.defaulted_links.append(link)
