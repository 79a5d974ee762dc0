"""The loan system's records and the calls the lender side causes.

Every applicant party has one current application in the period. Around one applicant in
five also has an earlier loan. The overdue ones among them receive collection calls from a
shared pool of collector numbers, a few of them in bursts (harassment). Every applicant is
called by one of two lender verification lines within two days of applying. Each applicant
party lists two emergency contacts and has one consent to read call records for credit
review; a few consents are expired or revoked.
"""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta, timezone

from generator.model import (
    UNDECIDED_STATUSES,
    Consent,
    Contact,
    EmergencyContact,
    Loan,
    LoanRole,
    LoanStatus,
    OverdueBorrower,
    Pattern,
    Role,
    World,
    draw_distinct,
)
from generator.numbers import CALL_CENTRE_CITIES
from generator.structures import application_window

SHANGHAI = timezone(timedelta(hours=8))
CURRENT_STATUS_WEIGHTS = {
    LoanStatus.APPLIED: 0.35,
    LoanStatus.APPROVED: 0.2,
    LoanStatus.REJECTED: 0.2,
    LoanStatus.REPAYING: 0.25,
}
# A consent for credit review stays valid for three years unless revoked.
CONSENT_VALIDITY = timedelta(days=3 * 365)
EMERGENCY_PRIORITY = ("spouse", "parent", "sibling", "child", "relative", "friend", "colleague")


def build_lender_records(world: World, rng: random.Random) -> None:
    """Create loans, collection and verification ties, emergency contacts and consents."""
    _set_application_days(world, rng)
    _create_current_loans(world, rng)
    _create_prior_loans_and_collection(world, rng)
    _create_defaulted_loans(world, rng)
    _add_verification_calls(world, rng)
    _list_emergency_contacts(world, rng)
    _grant_consents(world, rng)


def _set_application_days(world: World, rng: random.Random) -> None:
    first, last = application_window(world)
    for party in world.parties:
        if party.kind == "applicant" and party.apply_day is None:
            party.apply_day = rng.randint(first, last)


def _create_current_loans(world: World, rng: random.Random) -> None:
    in_circle = {party for circle in world.guarantee_circles for party in circle.members}
    co_borrowers = {
        shared.parties[0]: shared.parties[1]
        for shared in world.shared_phones
        if world.parties[shared.parties[1]].kind == "co_borrower"
    }

    for index in world.applicant_parties():
        if index in in_circle:
            continue
        status = _draw(rng, CURRENT_STATUS_WEIGHTS)
        loan = _new_loan(world, index, status)
        person = world.parties[index].person
        if index in co_borrowers:
            loan.rows.append((co_borrowers[index], LoanRole.CO_BORROWER))
            continue
        if person in world.planted_persons:
            continue
        contacts = world.contacts.get(person, [])
        if rng.random() < 0.08:
            spouse = _free_relative(world, contacts, ("spouse",))
            if spouse is not None:
                loan.rows.append((world.add_party(spouse, "co_borrower"), LoanRole.CO_BORROWER))
        if rng.random() < 0.06:
            guarantor = _free_relative(world, contacts, ("parent", "sibling", "relative", "friend"))
            if guarantor is not None:
                loan.rows.append((world.add_party(guarantor, "guarantor"), LoanRole.GUARANTOR))

    # All loans of a circle are decided together; member i guarantees member i + 1's loan.
    for circle in world.guarantee_circles:
        status = _draw(
            rng, {LoanStatus.APPLIED: 0.3, LoanStatus.APPROVED: 0.3, LoanStatus.REPAYING: 0.4}
        )
        circle.loans = []
        for party in circle.members:
            _new_loan(world, party, status)
            circle.loans.append(len(world.loans) - 1)
        size = len(circle.members)
        for position, party in enumerate(circle.members):
            world.loans[circle.loans[(position + 1) % size]].rows.append(
                (party, LoanRole.GUARANTOR)
            )


def _new_loan(world: World, party: int, status: LoanStatus) -> Loan:
    apply_day = world.parties[party].apply_day
    assert apply_day is not None
    role = LoanRole.APPLICANT if status in UNDECIDED_STATUSES else LoanRole.BORROWER
    loan = Loan(status=status, applied_on=world.params.day_to_date(apply_day), rows=[(party, role)])
    world.loans.append(loan)
    return loan


def _free_relative(world: World, contacts: list[Contact], relations: tuple[str, ...]) -> int | None:
    """Return the first contact with one of ``relations`` who is not an applicant or party yet."""
    for contact in contacts:
        if (
            contact.relation in relations
            and world.person_role[contact.person] != Role.APPLICANT
            and not world.parties_of(contact.person)
        ):
            return contact.person
    return None


def _create_prior_loans_and_collection(world: World, rng: random.Random) -> None:
    applicants = [person for person in world.applicant_persons() if person not in world.switches]
    count = min(world.params.planted_counts().overdue_borrowers, len(applicants))
    overdue = set(rng.sample(applicants, count))
    collectors = _create_collectors(world, rng)
    weights = [1.0 / (rank + 1) for rank in range(len(collectors))]
    start = world.params.start_date
    last = world.days - 1

    for person in applicants:
        party = world.parties_of(person)[0]
        if person not in overdue:
            if rng.random() < 0.2:
                status = LoanStatus.CLOSED if rng.random() < 0.7 else LoanStatus.REPAYING
                applied_on = start - timedelta(days=rng.randint(60, 700))
                world.loans.append(Loan(status, applied_on, [(party, LoanRole.BORROWER)]))
            continue

        applied_on = start - timedelta(days=rng.randint(60, 400))
        world.loans.append(Loan(LoanStatus.OVERDUE, applied_on, [(party, LoanRole.BORROWER)]))
        overdue_day = rng.randint(-20, max(-20, world.days - 25))
        first = max(0, overdue_day)
        chosen = draw_distinct(rng, collectors, weights, rng.randint(2, 4))
        for collector in chosen:
            world.ties.add(
                collector,
                person,
                Pattern.COLLECTION,
                rng.uniform(4, 14),
                first,
                last,
                0.95,
                1,
                True,
            )
        # A burst of calls from one more collector within one to two weeks.
        extra = [collector for collector in collectors if collector not in chosen]
        if extra and rng.random() < 0.3:
            burst = rng.choice(extra)
            burst_first = rng.randint(first, last)
            burst_last = min(last, burst_first + rng.randint(7, 14))
            world.ties.add(
                burst,
                person,
                Pattern.COLLECTION,
                rng.uniform(20, 35),
                burst_first,
                burst_last,
                0.97,
                1,
                True,
            )
            chosen.append(burst)
        world.overdue_borrowers.append(
            OverdueBorrower(
                party=party, collectors=chosen, overdue_day=overdue_day, loan=len(world.loans) - 1
            )
        )

    # Collectors also call the people a defaulted borrower listed as emergency contacts.
    for link in world.defaulted_links:
        for party in link.listed_by_defaulted:
            person = world.parties[party].person
            for collector in draw_distinct(rng, collectors, weights, rng.randint(1, 2)):
                world.ties.add(
                    collector, person, Pattern.COLLECTION, 2.0, world.days // 3, last, 0.95, 1, True
                )


def _create_collectors(world: World, rng: random.Random) -> list[int]:
    collectors: list[int] = []
    for _ in range(max(4, len(world.applicant_parties()) // 25)):
        city = rng.choice(CALL_CENTRE_CITIES)
        plan = "shady" if rng.random() < 0.6 else "landline"
        person = world.add_person(city, Role.COLLECTOR, plan)
        world.hub_kind[person] = "collector"
        collectors.append(person)
    return collectors


def _create_defaulted_loans(world: World, rng: random.Random) -> None:
    start = world.params.start_date
    for link in world.defaulted_links:
        applied_on = start - timedelta(days=rng.randint(200, 700))
        world.loans.append(
            Loan(LoanStatus.DEFAULTED, applied_on, [(link.party, LoanRole.BORROWER)])
        )
        link.loan = len(world.loans) - 1


def _add_verification_calls(world: World, rng: random.Random) -> None:
    lines = []
    for _ in range(2):
        line = world.add_person(-1, Role.LENDER_LINE, "400")
        world.hub_kind[line] = "lender_verification"
        lines.append(line)
    last = world.days - 1
    for index in world.applicant_parties():
        party = world.parties[index]
        assert party.apply_day is not None
        line = rng.choice(lines)
        world.ties.add(
            line,
            party.person,
            Pattern.VERIFICATION,
            0.4,
            party.apply_day,
            min(last, party.apply_day + 2),
            1.0,
            1,
            True,
        )


def _list_emergency_contacts(world: World, rng: random.Random) -> None:
    listings: dict[int, int] = {}
    for group in world.coached_groups:
        for listed in group.emergency_persons:
            members = [party for party in group.members if world.parties[party].person != listed]
            if len(members) < 2:
                continue
            for party in rng.sample(members, max(2, len(members) // 2)):
                listings[party] = listed

    for index in world.applicant_parties():
        applicant = world.parties[index]
        assert applicant.apply_day is not None
        candidates = [
            contact
            for contact in world.contacts.get(applicant.person, [])
            if contact.relation in EMERGENCY_PRIORITY and contact.person != applicant.person
        ]
        candidates.sort(key=lambda contact: EMERGENCY_PRIORITY.index(contact.relation))
        chosen = candidates[:1]
        rest = candidates[1:]
        if rest:
            chosen.append(rng.choice(rest))
        if index in listings:
            chosen = chosen[:1] + [Contact(listings[index], "friend")]
        for contact in chosen:
            world.emergency_contacts.append(
                EmergencyContact(index, contact.person, contact.relation, applicant.apply_day)
            )

    for link in world.defaulted_links:
        for listed in link.listed_by_defaulted:
            world.emergency_contacts.append(
                EmergencyContact(link.party, world.parties[listed].person, "friend", 0)
            )
        person = world.parties[link.party].person
        for _ in range(2 - min(2, len(link.listed_by_defaulted))):
            relative = world.add_person(world.person_city[person], Role.FAMILY, "market")
            world.emergency_contacts.append(
                EmergencyContact(link.party, relative, rng.choice(["parent", "sibling"]), 0)
            )


def _grant_consents(world: World, rng: random.Random) -> None:
    counts = world.params.planted_counts()
    excluded: set[int] = set(world.planted_persons)
    excluded.update(world.switches)
    for switch in world.switches.values():
        excluded.update(switch.witnesses)
    for link in world.defaulted_links:
        excluded.update(world.parties[party].person for party in link.linked)
    excluded.update(world.parties[overdue.party].person for overdue in world.overdue_borrowers)
    ordinary = [
        index for index in world.applicant_parties() if world.parties[index].person not in excluded
    ]
    chosen = rng.sample(
        ordinary, min(len(ordinary), counts.expired_consents + counts.revoked_consents)
    )
    expired = set(chosen[: counts.expired_consents])
    revoked = set(chosen[counts.expired_consents :])

    start = world.params.start_date
    period_end = datetime.combine(world.params.end_date, time(23, 0), SHANGHAI)
    for index in world.applicant_parties():
        apply_day = world.parties[index].apply_day
        assert apply_day is not None
        clock = time(rng.randint(8, 21), rng.randint(0, 59), rng.randint(0, 59))
        granted = datetime.combine(world.params.day_to_date(apply_day), clock, SHANGHAI)
        if index in expired:
            # Granted for an earlier application and expired before this period started.
            granted = datetime.combine(
                start - timedelta(days=rng.randint(380, 500)), clock, SHANGHAI
            )
            world.consents.append(
                Consent(index, granted, granted + timedelta(days=365), None, "expired")
            )
        elif index in revoked:
            revoked_at = min(
                period_end, granted + timedelta(days=rng.randint(1, 20), hours=rng.randint(0, 5))
            )
            world.consents.append(
                Consent(index, granted, granted + CONSENT_VALIDITY, revoked_at, "revoked")
            )
        else:
            world.consents.append(
                Consent(index, granted, granted + CONSENT_VALIDITY, None, "valid")
            )


def _draw(rng: random.Random, weights: dict[LoanStatus, float]) -> LoanStatus:
    return rng.choices(list(weights), weights=list(weights.values()))[0]
