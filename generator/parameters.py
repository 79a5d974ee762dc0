"""Parameters of one synthetic population and the planted-structure counts derived from them.

Every value that changes the output lives in :class:`GenerationParameters`, so that the
parameters and the seed recorded in ``truth.json`` regenerate the same files byte for byte.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from typing import Final

import generator.messages  # noqa: F401  (registers the catalog used by GeneratorError)
from ringscope.errors import RingScopeError
from ringscope.i18n import translate

DEFAULT_END_DATE: Final = date(2026, 10, 31)
DEFAULT_APPLICANTS: Final = 400
DEFAULT_MONTHS: Final = 3
DEFAULT_CALLS_PER_APPLICANT: Final = 140

MIN_APPLICANTS: Final = 20
MAX_APPLICANTS: Final = 200_000
MAX_MONTHS: Final = 12
MIN_CALLS_PER_APPLICANT: Final = 10
MAX_CALLS_PER_APPLICANT: Final = 5_000
MAX_SEED: Final = 2**63 - 1

# Planted members are kept apart from one another. At most this share of the applicants may
# belong to a planted structure, so that most bills stay ordinary background.
MAX_PLANTED_SHARE: Final = 0.75


class GeneratorError(RingScopeError):
    """Invalid generator parameters or an output folder that cannot be written.

    ``problems`` lists every problem found as ``(message_key, params)``; :meth:`render`
    translates each of them, so one error reports all of them at once.
    """

    code = "generator_input_invalid"

    def __init__(self, problems: list[tuple[str, dict[str, object]]]) -> None:
        super().__init__("generator.error.invalid", count=len(problems))
        self.problems = problems

    def render(self, language: str | None = None) -> str:
        lines = [translate(key, language, **params) for key, params in self.problems]
        return translate("generator.error.invalid", language, count=len(self.problems)) + (
            "\n  - " + "\n  - ".join(lines)
        )


@dataclass(frozen=True)
class PlantedCounts:
    """How many of each planted structure to create.

    ``shared_phones`` counts phone numbers, each listed by two parties. ``lone_switchers``
    counts applicants who change number on their own. ``switch_chains`` counts groups of 3
    to 5 applicants who change number within a few days of each other.
    """

    coached_groups: int
    guarantee_circles: int
    shared_phones: int
    defaulted_borrowers: int
    lone_switchers: int
    switch_chains: int
    overdue_borrowers: int
    expired_consents: int
    revoked_consents: int

    @classmethod
    def for_applicants(cls, applicants: int) -> PlantedCounts:
        """Return the default counts, which grow linearly with the number of applicants."""
        return cls(
            coached_groups=max(1, round(applicants / 80)),
            guarantee_circles=max(1, round(applicants / 100)),
            shared_phones=max(1, round(applicants / 80)),
            defaulted_borrowers=max(1, round(applicants / 65)),
            lone_switchers=max(1, round(applicants / 50)),
            switch_chains=max(1, round(applicants / 200)),
            overdue_borrowers=max(1, round(applicants / 20)),
            expired_consents=max(1, applicants // 100),
            revoked_consents=max(1, applicants // 100),
        )


@dataclass(frozen=True)
class GenerationParameters:
    """Everything that determines a generated data set.

    ``calls_per_applicant`` is the mean number of everyday calls in one applicant's bill over
    the whole period; planted, collection and verification calls come on top. The period
    covers ``months`` calendar months ending on ``end_date`` (inclusive).
    ``cmcc_fraction`` is the share of bills written in the China Mobile detail layout instead
    of the China Unicom monthly layout.
    """

    seed: int
    applicants: int = DEFAULT_APPLICANTS
    months: int = DEFAULT_MONTHS
    calls_per_applicant: int = DEFAULT_CALLS_PER_APPLICANT
    end_date: date = DEFAULT_END_DATE
    cmcc_fraction: float = 0.0
    planted: PlantedCounts | None = field(default=None)

    def validate(self) -> None:
        """Raise :class:`GeneratorError` listing every invalid value; return if all are valid."""
        problems: list[tuple[str, dict[str, object]]] = []

        if not 0 <= self.seed <= MAX_SEED:
            problems.append(("generator.error.seed", {"value": self.seed, "maximum": MAX_SEED}))
        if not MIN_APPLICANTS <= self.applicants <= MAX_APPLICANTS:
            problems.append(
                (
                    "generator.error.applicants",
                    {
                        "value": self.applicants,
                        "minimum": MIN_APPLICANTS,
                        "maximum": MAX_APPLICANTS,
                    },
                )
            )
        if not 1 <= self.months <= MAX_MONTHS:
            problems.append(
                ("generator.error.months", {"value": self.months, "maximum": MAX_MONTHS})
            )
        if not MIN_CALLS_PER_APPLICANT <= self.calls_per_applicant <= MAX_CALLS_PER_APPLICANT:
            problems.append(
                (
                    "generator.error.calls_per_applicant",
                    {
                        "value": self.calls_per_applicant,
                        "minimum": MIN_CALLS_PER_APPLICANT,
                        "maximum": MAX_CALLS_PER_APPLICANT,
                    },
                )
            )
        if not 0.0 <= self.cmcc_fraction <= 1.0:
            problems.append(("generator.error.cmcc_fraction", {"value": self.cmcc_fraction}))

        counts = self.planted_counts()
        for name, value in asdict(counts).items():
            if value < 0:
                problems.append(
                    ("generator.error.planted_negative", {"name": name, "value": value})
                )
        # Group sizes shrink towards their minimum (3 per coached group, 2 per circle or
        # shared phone, 3 per chain, 1 per lone switcher) when they do not fit, so only the
        # minimum sizes must fit.
        minimum_members = (
            3 * counts.coached_groups
            + 2 * counts.guarantee_circles
            + 2 * counts.shared_phones
            + 3 * counts.switch_chains
            + counts.lone_switchers
        )
        limit = int(self.applicants * MAX_PLANTED_SHARE)
        if minimum_members > limit:
            problems.append(
                (
                    "generator.error.planted_too_many",
                    {"needed": minimum_members, "limit": limit, "applicants": self.applicants},
                )
            )

        if problems:
            raise GeneratorError(problems)

    def planted_counts(self) -> PlantedCounts:
        """Return the explicit planted counts, or the defaults for this many applicants."""
        if self.planted is not None:
            return self.planted
        return PlantedCounts.for_applicants(self.applicants)

    @property
    def start_date(self) -> date:
        """First day of the period: the first day of the earliest of the ``months`` months."""
        month_index = self.end_date.year * 12 + self.end_date.month - 1 - (self.months - 1)
        return date(month_index // 12, month_index % 12 + 1, 1)

    @property
    def days(self) -> int:
        """Number of days in the period, both ends included."""
        return (self.end_date - self.start_date).days + 1

    def day_to_date(self, day: int) -> date:
        """Return the calendar date of day index ``day`` (0 is :attr:`start_date`)."""
        return self.start_date + timedelta(days=day)

    def to_json(self) -> dict[str, object]:
        """Return the parameters as JSON-ready values, planted counts resolved."""
        return {
            "seed": self.seed,
            "applicants": self.applicants,
            "months": self.months,
            "calls_per_applicant": self.calls_per_applicant,
            "start_date": self.start_date.isoformat(),
            "end_date": self.end_date.isoformat(),
            "cmcc_fraction": self.cmcc_fraction,
            "planted": asdict(self.planted_counts()),
        }
