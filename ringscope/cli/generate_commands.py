"""``ringscope generate``: write a synthetic population with planted fraud structures."""

from __future__ import annotations

import time
from datetime import datetime
from pathlib import Path

import click

from generator import GenerationSummary, GeneratorError, generate_population
from generator.parameters import (
    DEFAULT_APPLICANTS,
    DEFAULT_CALLS_PER_APPLICANT,
    DEFAULT_END_DATE,
    DEFAULT_MONTHS,
)
from ringscope.i18n import translate

# Share of bills in the China Mobile detail layout for each --format choice.
FORMAT_CMCC_FRACTION = {"unicom-monthly": 0.0, "mixed": 0.25, "cmcc-detail": 1.0}
# Runs expected to produce at least this many calls print a progress note per stage.
LARGE_RUN_CALLS = 200_000


@click.command("generate")
@click.option(
    "--seed",
    type=int,
    required=True,
    help="Random seed; the same seed and options write the same bytes.",
)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path),
    required=True,
    help="Output folder; it must be empty or missing unless --overwrite is given.",
)
@click.option(
    "--applicants",
    type=int,
    default=DEFAULT_APPLICANTS,
    show_default=True,
    help="Number of applicants (one bill each).",
)
@click.option(
    "--months",
    type=int,
    default=DEFAULT_MONTHS,
    show_default=True,
    help="Calendar months covered, ending on --end-date.",
)
@click.option(
    "--calls-per-applicant",
    type=int,
    default=DEFAULT_CALLS_PER_APPLICANT,
    show_default=True,
    help="Mean everyday calls per bill over the whole period; planted, collection and "
    "verification calls come on top.",
)
@click.option(
    "--end-date",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=DEFAULT_END_DATE.isoformat(),
    show_default=True,
    help="Last day of the period (YYYY-MM-DD).",
)
@click.option(
    "--format",
    "bill_format",
    type=click.Choice(sorted(FORMAT_CMCC_FRACTION)),
    default="unicom-monthly",
    show_default=True,
    help="Bill layout: all China Unicom monthly lists (unicom-monthly), all China Mobile "
    "detail lists (cmcc-detail), or mixed (25% China Mobile).",
)
@click.option(
    "--edge-list-only", is_flag=True, help="Write only edges.csv (fast path for benchmarks)."
)
@click.option(
    "--overwrite", is_flag=True, help="Replace the generator's files in a folder that is not empty."
)
def generate(
    seed: int,
    out_dir: Path,
    applicants: int,
    months: int,
    calls_per_applicant: int,
    end_date: datetime,
    bill_format: str,
    edge_list_only: bool,
    overwrite: bool,
) -> None:
    """Generate synthetic call records, loan records and a truth file of planted rings."""
    large = applicants * calls_per_applicant >= LARGE_RUN_CALLS

    def report_stage(stage: str) -> None:
        if large:
            click.echo(translate(f"generator.progress.{stage}"), err=True)

    if large:
        estimate = applicants * calls_per_applicant
        click.echo(
            translate("generator.progress.large_run", calls=estimate, applicants=applicants),
            err=True,
        )
    started = time.perf_counter()
    try:
        summary = generate_population(
            out_dir,
            seed=seed,
            applicants=applicants,
            months=months,
            calls_per_applicant=calls_per_applicant,
            end_date=end_date.date(),
            cmcc_fraction=FORMAT_CMCC_FRACTION[bill_format],
            edge_list_only=edge_list_only,
            overwrite=overwrite,
            on_progress=report_stage,
        )
    except GeneratorError as err:
        raise click.UsageError(err.render()) from err
    click.echo(_render_summary(summary, time.perf_counter() - started))


def _render_summary(summary: GenerationSummary, seconds: float) -> str:
    if summary.edge_list_only:
        return translate(
            "generator.summary.edge_list",
            path=summary.edges_path,
            calls=summary.calls,
            applicants=summary.applicants,
            seed=summary.seed,
            seconds=f"{seconds:.1f}",
        )
    return translate(
        "generator.summary.full",
        out_dir=summary.out_dir,
        seed=summary.seed,
        seconds=f"{seconds:.1f}",
        applicants=summary.applicants,
        parties=summary.parties,
        loans=summary.loans,
        consents=summary.consents,
        contacts=summary.emergency_contacts,
        calls=summary.calls,
        bills=summary.bills,
        bill_rows=summary.bill_rows,
        coached_groups=summary.coached_groups,
        guarantee_circles=summary.guarantee_circles,
        shared_phones=summary.shared_phones,
        number_changes=summary.number_changes,
        defaulted_links=summary.defaulted_links,
        truth=summary.truth_path,
    )
