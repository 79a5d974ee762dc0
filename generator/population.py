"""Build a synthetic population with planted fraud structures and write it to a folder.

:func:`generate_population` is the entry point. The build runs in fixed stages, each with
its own random stream derived from the seed (see :func:`generator.model.python_rng`), so the
same seed and parameters give byte-identical files, and the edge-list-only run writes the
same ``edges.csv`` as the full run.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import numpy as np

from generator.calls import expand_to_numbers, synthesize_calls
from generator.everyday import build_everyday_lives, build_hubs, create_applicants
from generator.lender import build_lender_records
from generator.model import CallTable, World, numpy_rng, python_rng
from generator.numbers import MARKET_SHARES, SHADY_SHARES, NumberAllocator, draw_carriers
from generator.parameters import (
    DEFAULT_APPLICANTS,
    DEFAULT_CALLS_PER_APPLICANT,
    DEFAULT_END_DATE,
    DEFAULT_MONTHS,
    GenerationParameters,
    GeneratorError,
    PlantedCounts,
)
from generator.structures import plan_structures, plant_structures, reserve_members
from generator.truth import build_truth
from generator.writers import (
    iso_starts,
    write_bills,
    write_consents,
    write_contacts,
    write_edges,
    write_json,
    write_loans,
    write_manifest,
    write_parties,
)

logger = logging.getLogger(__name__)

# Names of the files a run writes at the top of the output folder. With ``overwrite``, these
# and the bills under calls/ are removed first, and nothing else.
TOP_LEVEL_FILES = (
    "edges.csv",
    "parties.csv",
    "contacts.csv",
    "loans.csv",
    "consents.csv",
    "manifest.json",
    "truth.json",
)

# Stage numbers of the random streams; a new stage gets a new number so that existing
# stages keep drawing the same values.
_STAGE_PLAN = 1
_STAGE_APPLICANTS = 2
_STAGE_MEMBERS = 3
_STAGE_EVERYDAY = 4
_STAGE_HUBS = 5
_STAGE_PLANTED = 6
_STAGE_LENDER = 7
_STAGE_NUMBERS = 8
_STAGE_IDS = 9
_STAGE_CALLS = 10

ProgressCallback = Callable[[str], None]


@dataclass(frozen=True)
class GenerationSummary:
    """Counts and paths of one generated data set.

    With ``edge_list_only`` only ``edges_path`` was written; the other paths are ``None``
    and the counts of bills, consents and contacts are zero.
    """

    out_dir: Path
    seed: int
    applicants: int
    parties: int
    calls: int
    bills: int
    bill_rows: int
    loans: int
    consents: int
    emergency_contacts: int
    coached_groups: int
    guarantee_circles: int
    shared_phones: int
    number_changes: int
    defaulted_links: int
    edge_list_only: bool
    edges_path: Path
    truth_path: Path | None
    manifest_path: Path | None
    files: tuple[Path, ...] = field(repr=False)


def generate_population(
    out_dir: Path,
    *,
    seed: int,
    applicants: int = DEFAULT_APPLICANTS,
    months: int = DEFAULT_MONTHS,
    calls_per_applicant: int = DEFAULT_CALLS_PER_APPLICANT,
    end_date: date = DEFAULT_END_DATE,
    cmcc_fraction: float = 0.0,
    planted: PlantedCounts | None = None,
    edge_list_only: bool = False,
    overwrite: bool = False,
    on_progress: ProgressCallback | None = None,
) -> GenerationSummary:
    """Generate a population and write its files to ``out_dir``.

    ``on_progress`` is called with a stage name (``population``, ``calls``, ``bills``,
    ``records``) as each stage starts.

    Raises:
        GeneratorError: a parameter is out of range, or ``out_dir`` is not empty and
            ``overwrite`` is false, or ``out_dir`` is a file.
    """
    params = GenerationParameters(
        seed=seed,
        applicants=applicants,
        months=months,
        calls_per_applicant=calls_per_applicant,
        end_date=end_date,
        cmcc_fraction=cmcc_fraction,
        planted=planted,
    )
    params.validate()
    _prepare_out_dir(out_dir, overwrite)
    progress = on_progress or (lambda stage: None)
    logger.info("generating population seed=%d applicants=%d months=%d", seed, applicants, months)

    progress("population")
    world = build_world(params)

    progress("calls")
    calls = generate_calls(world)
    numbers = np.array(world.numbers.numbers)
    starts = iso_starts(calls, params.start_date)
    edges_path = out_dir / "edges.csv"
    write_edges(edges_path, calls, numbers, starts)
    if edge_list_only:
        logger.info("wrote edge list calls=%d path=%s", len(calls), edges_path)
        return _summary(
            world, calls, out_dir, edges_path, bill_rows=0, bills=0, files=(edges_path,), full=False
        )

    progress("bills")
    bills = write_bills(out_dir, world, calls, starts)

    progress("records")
    paths = {name: out_dir / name for name in TOP_LEVEL_FILES}
    write_parties(paths["parties.csv"], world)
    write_contacts(paths["contacts.csv"], world)
    write_loans(paths["loans.csv"], world)
    write_consents(paths["consents.csv"], world)
    write_manifest(paths["manifest.json"], world, bills, out_dir)
    write_json(paths["truth.json"], build_truth(world, calls, bills))

    files = tuple(sorted([*paths.values(), *(bill.path for bill in bills)]))
    logger.info("wrote population calls=%d bills=%d path=%s", len(calls), len(bills), out_dir)
    return _summary(
        world,
        calls,
        out_dir,
        edges_path,
        bill_rows=sum(bill.rows for bill in bills),
        bills=len(bills),
        files=files,
        full=True,
    )


def build_world(params: GenerationParameters) -> World:
    """Build the whole population in memory: people, ties, planted structures, lender records."""
    seed = params.seed
    world = World(params=params)

    plan = plan_structures(
        params.planted_counts(), params.applicants, python_rng(seed, _STAGE_PLAN)
    )
    create_applicants(
        world, python_rng(seed, _STAGE_APPLICANTS), params.applicants - plan.extra_applicant_parties
    )
    membership = reserve_members(world, plan, python_rng(seed, _STAGE_MEMBERS))

    build_everyday_lives(world, python_rng(seed, _STAGE_EVERYDAY))
    build_hubs(world, python_rng(seed, _STAGE_HUBS))
    plant_structures(world, plan, membership, python_rng(seed, _STAGE_PLANTED))
    build_lender_records(world, python_rng(seed, _STAGE_LENDER))

    assign_numbers(world, numpy_rng(seed, _STAGE_NUMBERS))
    assign_ids(world, python_rng(seed, _STAGE_IDS))
    return world


def generate_calls(world: World) -> CallTable:
    """Turn the world's ties into calls, sorted by start, caller and callee."""
    ties = expand_to_numbers(world)
    numbers = np.array(world.numbers.numbers)
    sort_rank = np.empty(numbers.shape[0], dtype=np.int64)
    sort_rank[np.argsort(numbers, kind="stable")] = np.arange(numbers.shape[0])
    return synthesize_calls(
        ties, world.params.start_date, sort_rank, numpy_rng(world.params.seed, _STAGE_CALLS)
    )


def assign_numbers(world: World, rng: np.random.Generator) -> None:
    """Draw every person's number(s) and record which numbers have a bill.

    A switcher's old number is in service until the day before the switch and the new one
    from the switch day on. Every other number is in service for the whole period.
    """
    allocator = NumberAllocator(rng)
    persons = len(world.person_plan)
    plans = list(world.person_plan)

    market = [index for index, plan in enumerate(plans) if plan == "market"]
    for index, carrier in zip(market, draw_carriers(rng, len(market), MARKET_SHARES), strict=True):
        plans[index] = carrier
    shady = [index for index, plan in enumerate(plans) if plan == "shady"]
    for index, carrier in zip(shady, draw_carriers(rng, len(shady), SHADY_SHARES), strict=True):
        plans[index] = carrier

    drawn: list[str] = [""] * persons
    mobile = [
        index
        for index, plan in enumerate(plans)
        if plan in {"cmcc", "unicom", "telecom", "virtual"}
    ]
    for index, number in zip(
        mobile, allocator.mobiles([plans[index] for index in mobile]), strict=True
    ):
        drawn[index] = number
    landline = [index for index, plan in enumerate(plans) if plan == "landline"]
    for index, number in zip(
        landline, allocator.landlines([world.person_city[index] for index in landline]), strict=True
    ):
        drawn[index] = number
    toll = [index for index, plan in enumerate(plans) if plan == "400"]
    for index, number in zip(toll, allocator.call_centre_numbers(len(toll)), strict=True):
        drawn[index] = number
    for index, plan in enumerate(plans):
        if plan.startswith("fixed:"):
            drawn[index] = plan.removeprefix("fixed:")

    switchers = sorted(world.switches)
    new_numbers = allocator.mobiles([world.switches[person].new_carrier for person in switchers])
    new_of = dict(zip(switchers, new_numbers, strict=True))

    last = world.days - 1
    for person in range(persons):
        switch = world.switches.get(person)
        if switch is None:
            world.person_numbers[person] = [world.numbers.add(drawn[person], person, 0, last)]
            continue
        old = world.numbers.add(drawn[person], person, 0, switch.switch_day - 1)
        new = world.numbers.add(new_of[person], person, switch.switch_day, last)
        world.person_numbers[person] = [old, new]

    for person in world.applicant_persons():
        world.numbers.billed[world.person_numbers[person][-1]] = True


def assign_ids(world: World, rng: random.Random) -> None:
    """Give parties and loans ids in a random order, so ids reveal nothing planted."""
    party_order = list(range(len(world.parties)))
    rng.shuffle(party_order)
    for rank, index in enumerate(party_order, start=1):
        world.parties[index].party_id = f"P{rank:06d}"
    loan_order = list(range(len(world.loans)))
    rng.shuffle(loan_order)
    for rank, index in enumerate(loan_order, start=1):
        world.loans[index].loan_id = f"L{rank:06d}"


def _prepare_out_dir(out_dir: Path, overwrite: bool) -> None:
    """Create ``out_dir``, or empty the generator's own files in it when ``overwrite`` is set."""
    if out_dir.exists() and not out_dir.is_dir():
        raise GeneratorError([("generator.error.out_not_folder", {"path": str(out_dir)})])
    if out_dir.is_dir() and any(out_dir.iterdir()):
        if not overwrite:
            raise GeneratorError([("generator.error.out_not_empty", {"path": str(out_dir)})])
        for name in TOP_LEVEL_FILES:
            (out_dir / name).unlink(missing_ok=True)
        calls_dir = out_dir / "calls"
        if calls_dir.is_dir():
            for bill in calls_dir.glob("P*.csv"):
                bill.unlink()
    out_dir.mkdir(parents=True, exist_ok=True)


def _summary(
    world: World,
    calls: CallTable,
    out_dir: Path,
    edges_path: Path,
    *,
    bill_rows: int,
    bills: int,
    files: tuple[Path, ...],
    full: bool,
) -> GenerationSummary:
    return GenerationSummary(
        out_dir=out_dir,
        seed=world.params.seed,
        applicants=len(world.applicant_parties()),
        parties=len(world.parties),
        calls=len(calls),
        bills=bills,
        bill_rows=bill_rows,
        loans=len(world.loans),
        consents=len(world.consents) if full else 0,
        emergency_contacts=len(world.emergency_contacts) if full else 0,
        coached_groups=len(world.coached_groups),
        guarantee_circles=len(world.guarantee_circles),
        shared_phones=len(world.shared_phones),
        number_changes=len(world.switches),
        defaulted_links=len(world.defaulted_links),
        edge_list_only=not full,
        edges_path=edges_path,
        truth_path=out_dir / "truth.json" if full else None,
        manifest_path=out_dir / "manifest.json" if full else None,
        files=files,
    )
