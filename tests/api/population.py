"""The API tests' data: a generated population loaded the way an analyst loads one.

``load_population`` generates a small population with every planted structure, loads the
loan system's extracts and every bill under its owner's consent, and runs detection
(``queries.rings.detect_rings``), which writes rings and number changes. It also adds
three consents that the API must refuse, one per reason that the generator does not plant.
"""

from __future__ import annotations

import csv
import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from generator import PlantedCounts, generate_population
from loader.extracts import load_extract
from loader.normalize import normalize_number
from loader.pipeline import load_calls
from queries.rings import DetectionResult, detect_rings
from ringscope.cli.load_commands import read_manifest
from ringscope.db import Database
from ringscope.errors import ConsentError
from ringscope.pseudonym import PseudonymKey, pseudonymize

SEED = 7
DETECTION_SEED = 11
PLANTED = PlantedCounts(
    coached_groups=2,
    guarantee_circles=2,
    shared_phones=2,
    defaulted_borrowers=2,
    lone_switchers=2,
    switch_chains=1,
    overdue_borrowers=3,
    expired_consents=1,
    revoked_consents=1,
)
SHANGHAI = timezone(timedelta(hours=8))

# Test-only Cypher: the number changes detection wrote, as an oracle for the API's answers.
NUMBER_CHANGE_NODES = """
MATCH (n:NumberChange) WHERE NOT coalesce(n.stale, false)
RETURN n.change_id AS change_id, n.old_phone_id AS old_phone_id,
       n.new_phone_id AS new_phone_id, n.old_display AS old_display,
       n.new_display AS new_display, coalesce(n.contact_phone_ids, []) AS contact_phone_ids,
       coalesce(n.consent_ids, []) AS consent_ids
ORDER BY change_id
"""


@dataclass
class Population:
    """A loaded population and what the tests need to know about it."""

    folder: Path
    key: PseudonymKey
    truth: dict[str, Any]
    party_phone: dict[str, str]  # party_id -> clear number (kept in memory, never printed)
    contacts: list[dict[str, str]]
    refused_bills: set[str]
    detection: DetectionResult
    extra_consents: dict[str, str] = field(default_factory=dict)  # reason -> consent_id
    extra_consent_party: str = ""

    def phone_id(self, number: str) -> str:
        return pseudonymize(self.key, normalize_number(number).canonical)

    def valid_applicants(self) -> list[str]:
        """Applicants whose bills were loaded (consent valid)."""
        manifest = json.loads((self.folder / "manifest.json").read_text(encoding="utf-8"))
        return sorted(
            entry["owner_party"]
            for entry in manifest["batches"]
            if entry["owner_party"] not in self.refused_bills
        )


def generate(folder: Path) -> None:
    generate_population(
        folder,
        seed=SEED,
        applicants=120,
        calls_per_applicant=60,
        planted=PLANTED,
        cmcc_fraction=0.3,
    )


def load_population(db: Database, folder: Path, key: PseudonymKey) -> Population:
    """Load extracts, bills, detection, number changes and the extra consents."""
    quarantine = folder / "quarantine"
    for kind in ("parties", "contacts", "loans", "consents"):
        load_extract(kind, folder / f"{kind}.csv", db=db, key=key, quarantine_dir=quarantine)

    refused: set[str] = set()
    for job in read_manifest(folder / "manifest.json"):
        try:
            load_calls(
                job.path,
                db=db,
                key=key,
                owner_party=job.owner_party,
                consent_id=job.consent_id,
                purpose=job.purpose,
                layout=job.layout,
                quarantine_dir=quarantine,
            )
        except ConsentError:
            refused.add(job.owner_party)
    detection = detect_rings(db, seed=DETECTION_SEED)

    truth = json.loads((folder / "truth.json").read_text(encoding="utf-8"))
    population = Population(
        folder=folder,
        key=key,
        truth=truth,
        party_phone=_read_party_phones(folder / "parties.csv"),
        contacts=_read_rows(folder / "contacts.csv"),
        refused_bills=refused,
        detection=detection,
    )
    _add_refusable_consents(db, population)
    return population


def _read_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _read_party_phones(path: Path) -> dict[str, str]:
    return {row["party_id"]: row["phone"] for row in _read_rows(path) if row["phone"]}


def _add_refusable_consents(db: Database, population: Population) -> None:
    """Consents of one valid applicant that cover the wrong scope, purpose or time."""
    party = population.valid_applicants()[0]
    now = datetime.now(UTC).astimezone(SHANGHAI)
    yesterday, next_month = now - timedelta(days=1), now + timedelta(days=30)
    rows = {
        "consent_scope": ("C-SCOPE-" + party, "contacts", "credit_review", yesterday),
        "consent_purpose": ("C-PURPOSE-" + party, "call_records", "marketing", yesterday),
        "consent_not_yet_valid": ("C-FUTURE-" + party, "call_records", "credit_review", next_month),
    }
    path = population.folder / "extra_consents.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            ["consent_id", "party_id", "scope", "purpose", "granted_at", "expires_at", "revoked_at"]
        )
        for consent_id, scope, purpose, granted in rows.values():
            expires = now + timedelta(days=365)
            writer.writerow(
                [consent_id, party, scope, purpose, granted.isoformat(), expires.isoformat(), ""]
            )
    load_extract(
        "consents", path, db=db, key=population.key, quarantine_dir=population.folder / "q"
    )
    population.extra_consents = {reason: row[0] for reason, row in rows.items()}
    population.extra_consent_party = party


def clear_numbers(folder: Path) -> set[str]:
    """Every personal number of the population (7 digits or more) in its national form."""
    numbers: set[str] = set()
    for row in _read_rows(folder / "parties.csv") + _read_rows(folder / "contacts.csv"):
        numbers.add(row["phone"])
    with (folder / "edges.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            numbers.add(row["caller"])
            numbers.add(row["callee"])
    truth = json.loads((folder / "truth.json").read_text(encoding="utf-8"))
    for change in truth["number_changes"]:
        numbers.update((change["old_number"], change["new_number"]))
    return {number for number in numbers if len(number) >= 7}


_DIGIT_RUN = re.compile(r"(?<!\d)(?:\+?86|0086)?(\d{7,})(?!\d)")


def count_clear_numbers(text: str, numbers: set[str]) -> int:
    """How many runs of digits in ``text`` are one of ``numbers`` (with or without +86)."""
    return sum(1 for match in _DIGIT_RUN.finditer(text) if match.group(1) in numbers)
