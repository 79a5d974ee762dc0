"""`ringscope evaluate`: detected rings and number changes against a generator truth file."""

from __future__ import annotations

from pathlib import Path

import click

from queries.evaluate import evaluate_detection, load_truth
from ringscope.cli.common import echo_json, format_table, load_pseudonym_key, open_database
from ringscope.cli.query_commands import reports_errors
from ringscope.i18n import translate


@click.command("evaluate")
@click.option(
    "--truth",
    "truth_path",
    type=click.Path(path_type=Path, dir_okay=False),
    required=True,
    help="truth.json written by `ringscope generate`.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
@reports_errors
def evaluate(truth_path: Path, as_json: bool) -> None:
    """Compare the stored rings and number changes with the generator's ground truth.

    Needs the pseudonymisation key the data was loaded with.
    """
    truth = load_truth(truth_path)
    key = load_pseudonym_key()
    with open_database() as db:
        result = evaluate_detection(db, truth, key)
    if as_json:
        echo_json(result.to_json())
        return
    rings = translate(
        "evaluate.counts_rings",
        detected=result.rings_detected,
        truth=result.rings_truth,
        matched=result.rings_matched,
    )
    changes = translate(
        "evaluate.counts_rings",
        detected=result.number_changes_detected,
        truth=result.number_changes_truth,
        matched=result.number_changes_matched,
    )
    rows = [
        [translate("evaluate.ring_precision"), f"{result.ring_precision:.3f}", rings],
        [translate("evaluate.ring_recall"), f"{result.ring_recall:.3f}", rings],
        [
            translate("evaluate.ring_ari"),
            f"{result.ring_ari:.3f}",
            translate("evaluate.counts_parties", parties=result.parties),
        ],
        [
            translate("evaluate.number_change_precision"),
            f"{result.number_change_precision:.3f}",
            changes,
        ],
        [
            translate("evaluate.number_change_recall"),
            f"{result.number_change_recall:.3f}",
            changes,
        ],
    ]
    click.echo(translate("evaluate.title", run_id=result.run_id))
    click.echo(
        format_table(
            [
                translate("evaluate.col_measure"),
                translate("evaluate.col_value"),
                translate("evaluate.col_counts"),
            ],
            rows,
        )
    )
