"""Property-based fuzzing of every normaliser in loader.normalize.

The documented contract: each parser returns a value or raises a FieldError subclass with a
reason key that the loader's catalog knows, and the masks never fail. Bounded by
max_examples; no time limit is asserted.
"""

from __future__ import annotations

from datetime import datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from loader import normalize
from loader.normalize import FieldError
from loader.records import CanonicalNumber
from ringscope.i18n import translate
from tests.fuzz import strategies

FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
_AREA_CODES = st.one_of(
    st.none(), st.sampled_from(["0663", "663", "21", "010"]), st.text(max_size=5)
)


def _check_field_error(err: FieldError) -> None:
    assert translate(err.reason_key, "en") != err.reason_key
    assert isinstance(str(err), str)


@FUZZ
@given(raw=strategies.hostile_cells, area_code=_AREA_CODES)
def test_fuzz_normalize_number_returns_canonical_or_field_error(
    raw: str, area_code: str | None
) -> None:
    try:
        number = normalize.normalize_number(raw, area_code=area_code)
    except FieldError as err:
        _check_field_error(err)
        return

    assert isinstance(number, CanonicalNumber)
    assert number.canonical == normalize.normalize_number(number.canonical).canonical


@FUZZ
@given(raw=strategies.cell_objects)
def test_fuzz_normalize_number_any_cell_object(raw: object) -> None:
    try:
        normalize.normalize_number(raw)  # type: ignore[arg-type]
    except FieldError as err:
        _check_field_error(err)


@FUZZ
@given(raw=strategies.hostile_cells)
def test_fuzz_normalize_opaque_returns_opaque_or_field_error(raw: str) -> None:
    try:
        number = normalize.normalize_opaque(raw)
    except FieldError as err:
        _check_field_error(err)
        return

    assert number.canonical.startswith("opaque:")


@FUZZ
@given(raw=strategies.cell_objects)
def test_fuzz_parse_duration_returns_seconds_or_field_error(raw: object) -> None:
    try:
        seconds = normalize.parse_duration(raw)
    except FieldError as err:
        _check_field_error(err)
        return

    assert isinstance(seconds, int)
    assert seconds >= 0


@FUZZ
@given(
    raw=strategies.cell_objects,
    default_year=st.one_of(st.none(), st.integers(min_value=-5, max_value=10_000)),
    period_text=st.one_of(
        st.none(), st.sampled_from(["计费周期：2026-09-01至2026-09-30", "202609"])
    ),
)
def test_fuzz_parse_start_contract(
    raw: object, default_year: int | None, period_text: str | None
) -> None:
    period = normalize.find_billing_period(period_text) if period_text else None
    try:
        moment = normalize.parse_start(raw, default_year=default_year, billing_period=period)
    except FieldError as err:
        _check_field_error(err)
        return

    assert isinstance(moment, datetime)
    assert moment.utcoffset() is not None


@FUZZ
@given(values=st.lists(strategies.cell_objects, max_size=20))
def test_fuzz_parse_starts_matches_parse_start(values: list[object]) -> None:
    parsed = normalize.parse_starts(values, default_year=2026)

    assert len(parsed) == len(values)
    for raw, result in zip(values, parsed, strict=True):
        try:
            expected: object = normalize.parse_start(raw, default_year=2026)
        except FieldError as err:
            expected = err
        assert type(result) is type(expected)


@FUZZ
@given(raw=strategies.cell_objects)
def test_fuzz_parse_direction_contract(raw: object) -> None:
    for parse in (normalize.parse_direction, normalize.parse_call_type):
        try:
            parse(raw)
        except FieldError as err:
            _check_field_error(err)


@FUZZ
@given(text=st.text(max_size=60), require_keyword=st.booleans())
def test_fuzz_find_billing_period_returns_period_or_none(text: str, require_keyword: bool) -> None:
    period = normalize.find_billing_period(text, require_keyword=require_keyword)

    assert period is None or isinstance(period, normalize.BillingPeriod)


@FUZZ
@given(raw=strategies.cell_objects)
def test_fuzz_mask_cell_and_label_never_fail(raw: object) -> None:
    masked = normalize.mask_cell(raw)
    label = normalize.normalize_label(raw)

    assert isinstance(masked, str)
    assert isinstance(label, str)
