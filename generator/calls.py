"""Turn ties between persons into individual calls, vectorised with numpy.

A tie becomes ``min_calls + Poisson(rate)`` calls spread over its window of days. The
relationship pattern sets four habits. The hour of day gives family and friends few night
calls and brokers and rings more. Weekend days are kept or redrawn. Durations are
log-normal between 1 s and 59 min 59 s, so every bill can write them as ``X分Y秒``. Some
calls get a call back a few minutes later. Only calls that some bill shows are kept, so at
least one end is an applicant's current number.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import numpy.typing as npt

from generator.model import CallTable, Pattern, World

MAX_DURATION_SECONDS = 3599
SECONDS_PER_DAY = 86_400

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]


@dataclass(frozen=True)
class PatternSpec:
    """Calling habits of one relationship pattern.

    ``hour_weights`` has 24 relative weights for the hour of day (local time).
    ``weekend_keep`` is the probability that a weekend day drawn for a call is kept.
    ``callback_probability`` is the share of calls followed by a call in the other direction.
    """

    hour_weights: tuple[float, ...]
    median_seconds: float
    sigma: float
    weekend_keep: float
    callback_probability: float


_EVERYDAY_HOURS = (
    0.4, 0.2, 0.1, 0.1, 0.1, 0.3, 1.0, 2.5, 4.0, 5.0, 5.5, 6.0,
    6.5, 5.5, 5.0, 5.0, 5.5, 6.5, 7.5, 8.0, 7.5, 6.0, 3.5, 1.5,
)  # fmt: skip
_OFFICE_HOURS = (
    0.0, 0.0, 0.0, 0.0, 0.0, 0.1, 0.5, 2.0, 6.0, 9.0, 9.0, 7.0,
    4.0, 6.0, 8.0, 8.0, 7.0, 5.0, 2.0, 1.5, 1.0, 0.5, 0.2, 0.05,
)  # fmt: skip
_SERVICE_HOURS = (
    0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.2, 1.0, 3.0, 5.0, 5.5, 5.0,
    3.5, 4.0, 5.0, 5.0, 5.0, 4.5, 3.5, 3.5, 3.0, 2.0, 0.5, 0.1,
)  # fmt: skip
# Brokers and ring members: evenings and late nights are common.
_LATE_HOURS = (
    2.0, 1.5, 0.8, 0.4, 0.2, 0.2, 0.5, 1.0, 2.0, 3.0, 4.0, 4.0,
    4.0, 4.0, 4.0, 4.0, 4.0, 5.0, 6.0, 7.0, 7.5, 7.0, 6.0, 4.0,
)  # fmt: skip
# Collectors call in working hours, some early and late (harassment).
_COLLECTION_HOURS = (
    0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.2, 0.8, 4.0, 6.0, 6.0, 5.0,
    3.0, 5.0, 6.0, 6.0, 5.5, 5.0, 3.0, 2.5, 2.0, 1.5, 0.8, 0.3,
)  # fmt: skip

PATTERNS: dict[Pattern, PatternSpec] = {
    Pattern.FAMILY: PatternSpec(_EVERYDAY_HOURS, 110.0, 1.0, 1.0, 0.10),
    Pattern.FRIEND: PatternSpec(_EVERYDAY_HOURS, 70.0, 1.0, 1.0, 0.08),
    Pattern.WORK: PatternSpec(_OFFICE_HOURS, 55.0, 0.9, 0.25, 0.06),
    Pattern.SERVICE: PatternSpec(_SERVICE_HOURS, 150.0, 0.7, 0.7, 0.0),
    Pattern.COURIER: PatternSpec(_SERVICE_HOURS, 25.0, 0.6, 0.9, 0.05),
    Pattern.TELEMARKETING: PatternSpec(_OFFICE_HOURS, 20.0, 0.8, 0.3, 0.0),
    Pattern.CALL_CENTRE: PatternSpec(_SERVICE_HOURS, 180.0, 0.8, 0.8, 0.0),
    Pattern.COLLECTION: PatternSpec(_COLLECTION_HOURS, 35.0, 0.9, 0.8, 0.02),
    Pattern.COACHING: PatternSpec(_LATE_HOURS, 160.0, 0.8, 1.0, 0.15),
    Pattern.RING: PatternSpec(_LATE_HOURS, 100.0, 1.0, 1.0, 0.10),
    Pattern.GUARANTEE: PatternSpec(_OFFICE_HOURS, 120.0, 1.0, 0.6, 0.08),
    Pattern.DEFAULTED: PatternSpec(_EVERYDAY_HOURS, 90.0, 1.0, 1.0, 0.08),
    Pattern.VERIFICATION: PatternSpec(_OFFICE_HOURS, 180.0, 0.5, 0.5, 0.0),
}


@dataclass
class NumberTies:
    """Ties between numbers (not persons), restricted to the days both numbers were in service."""

    a: IntArray
    b: IntArray
    pattern: IntArray
    rate: FloatArray
    min_calls: IntArray
    first_day: IntArray
    last_day: IntArray
    share: FloatArray
    force_a: BoolArray


def expand_to_numbers(world: World) -> NumberTies:
    """Map each person tie onto the numbers in service during its window.

    A person with one number maps directly. A tie of someone who switched numbers splits
    into one tie per pair of numbers whose service overlaps the window. The rate is split by
    overlap length, and ``min_calls`` stays only where the overlap is the whole window.
    Pairs that no bill shows (neither number billed) are dropped.
    """
    ties = world.ties
    numbers = world.numbers
    single = np.array(
        [held[0] if len(held) == 1 else -1 for held in world.person_numbers], dtype=np.int64
    )
    billed = np.array(numbers.billed, dtype=np.bool_)
    a = np.array(ties.a, dtype=np.int64)
    b = np.array(ties.b, dtype=np.int64)
    columns = {
        "pattern": np.array(ties.pattern, dtype=np.int64),
        "rate": np.array(ties.rate, dtype=np.float64),
        "min_calls": np.array(ties.min_calls, dtype=np.int64),
        "first_day": np.array(ties.first_day, dtype=np.int64),
        "last_day": np.array(ties.last_day, dtype=np.int64),
        "share": np.array(ties.share, dtype=np.float64),
        "force_a": np.array(ties.force_a, dtype=np.bool_),
    }

    number_a = single[a]
    number_b = single[b]
    simple = (number_a >= 0) & (number_b >= 0)
    keep = simple & (billed[np.maximum(number_a, 0)] | billed[np.maximum(number_b, 0)])

    extra: dict[str, list[float]] = {name: [] for name in ["a", "b", *columns]}
    for row in np.flatnonzero(~simple).tolist():
        first, last = int(columns["first_day"][row]), int(columns["last_day"][row])
        for number_of_a in world.person_numbers[int(a[row])]:
            for number_of_b in world.person_numbers[int(b[row])]:
                low = max(first, numbers.first_day[number_of_a], numbers.first_day[number_of_b])
                high = min(last, numbers.last_day[number_of_a], numbers.last_day[number_of_b])
                if low > high or not (numbers.billed[number_of_a] or numbers.billed[number_of_b]):
                    continue
                whole = low == first and high == last
                extra["a"].append(number_of_a)
                extra["b"].append(number_of_b)
                extra["pattern"].append(int(columns["pattern"][row]))
                extra["rate"].append(
                    float(columns["rate"][row]) * (high - low + 1) / (last - first + 1)
                )
                extra["min_calls"].append(int(columns["min_calls"][row]) if whole else 0)
                extra["first_day"].append(low)
                extra["last_day"].append(high)
                extra["share"].append(float(columns["share"][row]))
                extra["force_a"].append(bool(columns["force_a"][row]))

    def joined(name: str, base: npt.NDArray[np.generic]) -> npt.NDArray[np.generic]:
        return np.concatenate([base[keep], np.array(extra[name], dtype=base.dtype)])

    return NumberTies(
        a=joined("a", number_a).astype(np.int64),
        b=joined("b", number_b).astype(np.int64),
        pattern=joined("pattern", columns["pattern"]).astype(np.int64),
        rate=joined("rate", columns["rate"]).astype(np.float64),
        min_calls=joined("min_calls", columns["min_calls"]).astype(np.int64),
        first_day=joined("first_day", columns["first_day"]).astype(np.int64),
        last_day=joined("last_day", columns["last_day"]).astype(np.int64),
        share=joined("share", columns["share"]).astype(np.float64),
        force_a=joined("force_a", columns["force_a"]).astype(np.bool_),
    )


def synthesize_calls(
    ties: NumberTies, start_date: date, sort_rank: IntArray, rng: np.random.Generator
) -> CallTable:
    """Draw the calls of every tie; return them deduplicated and sorted.

    ``sort_rank`` gives each number's position in string order, so that calls with the same
    start sort by caller and callee number as text.
    """
    counts = ties.min_calls + rng.poisson(ties.rate)
    row = np.repeat(np.arange(counts.shape[0], dtype=np.int64), counts)
    # Position of each call within its tie: the first ``min_calls`` are the guaranteed ones.
    offsets = np.cumsum(counts) - counts
    position = np.arange(row.shape[0], dtype=np.int64) - np.repeat(offsets, counts)
    pattern = ties.pattern[row]

    day = _draw_days(ties.first_day[row], ties.last_day[row], pattern, start_date, rng)
    start = day * SECONDS_PER_DAY + _draw_seconds_of_day(pattern, rng)
    duration = _draw_durations(pattern, rng)
    a_calls = rng.random(row.shape[0]) < ties.share[row]
    a_calls |= ties.force_a[row] & (position < ties.min_calls[row])
    caller = np.where(a_calls, ties.a[row], ties.b[row])
    callee = np.where(a_calls, ties.b[row], ties.a[row])

    # The other side calls back a few minutes after the call ended, within the tie's window.
    callback_chance = np.array(
        [PATTERNS[Pattern(code)].callback_probability for code in range(len(Pattern))]
    )
    back = rng.random(row.shape[0]) < callback_chance[pattern]
    back_start = start[back] + duration[back] + rng.integers(20, 1800, size=int(back.sum()))
    back_inside = back_start < (ties.last_day[row[back]] + 1) * SECONDS_PER_DAY
    back_duration = _draw_durations(pattern[back][back_inside], rng)

    return _deduplicate_and_sort(
        np.concatenate([caller, callee[back][back_inside]]),
        np.concatenate([callee, caller[back][back_inside]]),
        np.concatenate([start, back_start[back_inside]]),
        np.concatenate([duration, back_duration]),
        sort_rank,
    )


def _draw_days(
    first: IntArray, last: IntArray, pattern: IntArray, start_date: date, rng: np.random.Generator
) -> IntArray:
    """Draw a day in each window; weekend days are redrawn (up to three times) per pattern."""
    span = last - first + 1
    day = first + (rng.random(first.shape[0]) * span).astype(np.int64)
    keep = np.array([PATTERNS[Pattern(code)].weekend_keep for code in range(len(Pattern))])
    first_weekday = start_date.weekday()
    for _ in range(3):
        weekend = (first_weekday + day) % 7 >= 5
        redraw = weekend & (rng.random(day.shape[0]) >= keep[pattern])
        if not redraw.any():
            break
        day[redraw] = first[redraw] + (rng.random(int(redraw.sum())) * span[redraw]).astype(
            np.int64
        )
    return day


def _draw_seconds_of_day(pattern: IntArray, rng: np.random.Generator) -> IntArray:
    seconds = np.empty(len(pattern), dtype=np.int64)
    uniform = rng.random(len(pattern))
    for code in range(len(Pattern)):
        mask = pattern == code
        if not mask.any():
            continue
        weights = np.array(PATTERNS[Pattern(code)].hour_weights, dtype=np.float64)
        cumulative: FloatArray = np.cumsum(weights) / weights.sum()
        hours = np.minimum(np.searchsorted(cumulative, uniform[mask], side="right"), 23)
        seconds[mask] = hours * 3600
    return seconds + rng.integers(0, 3600, size=len(pattern), dtype=np.int64)


def _draw_durations(pattern: IntArray, rng: np.random.Generator) -> IntArray:
    medians = np.array(
        [PATTERNS[Pattern(code)].median_seconds for code in range(len(Pattern))], dtype=np.float64
    )
    sigmas = np.array(
        [PATTERNS[Pattern(code)].sigma for code in range(len(Pattern))], dtype=np.float64
    )
    noise: FloatArray = rng.standard_normal(len(pattern))
    drawn: FloatArray = np.exp(np.log(medians[pattern]) + sigmas[pattern] * noise)
    return np.clip(np.rint(drawn), 1, MAX_DURATION_SECONDS).astype(np.int64)


def _deduplicate_and_sort(
    caller: IntArray, callee: IntArray, start: IntArray, duration: IntArray, sort_rank: IntArray
) -> CallTable:
    """Drop calls that would put a number in two calls starting in the same second, then sort.

    A loader identifies a bill row by owner, peer and start, so two calls of one number
    starting in the same second would look like a duplicate row.
    """
    order = np.lexsort((sort_rank[callee], sort_rank[caller], start))
    caller, callee, start, duration = caller[order], callee[order], start[order], duration[order]

    calls = caller.shape[0]
    endpoint = np.concatenate([caller, callee])
    when = np.concatenate([start, start])
    call_index = np.concatenate([np.arange(calls), np.arange(calls)])
    by_endpoint = np.lexsort((call_index, when, endpoint))
    same = (endpoint[by_endpoint][1:] == endpoint[by_endpoint][:-1]) & (
        when[by_endpoint][1:] == when[by_endpoint][:-1]
    )
    drop = np.zeros(calls, dtype=np.bool_)
    drop[call_index[by_endpoint][1:][same]] = True
    keep = ~drop
    return CallTable(
        caller=caller[keep],
        callee=callee[keep],
        start_seconds=start[keep],
        duration_seconds=duration[keep],
    )
