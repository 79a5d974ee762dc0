"""Tests of the single-value parsers: numbers, durations, start times, directions."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from loader.normalize import (
    IP_DIAL_PREFIXES,
    BillingPeriod,
    CallKind,
    CallType,
    Direction,
    DirectionError,
    DurationError,
    NumberError,
    StartTimeError,
    find_billing_period,
    mask_cell,
    normalize_number,
    normalize_opaque,
    parse_call_type,
    parse_direction,
    parse_duration,
    parse_start,
    parse_starts,
)
from loader.records import CanonicalNumber, PhoneKind

SHANGHAI = ZoneInfo("Asia/Shanghai")
BOUNDED = settings(max_examples=200, deadline=None)


# --- numbers ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "canonical", "kind"),
    [
        ("13912345678", "13912345678", PhoneKind.MOBILE),
        ("+86 139 1234 5678", "13912345678", PhoneKind.MOBILE),
        ("0086-139-1234-5678", "13912345678", PhoneKind.MOBILE),
        ("8613912345678", "13912345678", PhoneKind.MOBILE),
        ("(139) 1234-5678", "13912345678", PhoneKind.MOBILE),
        ("17951 13912345678", "13912345678", PhoneKind.MOBILE),
        ("1259313912345678", "13912345678", PhoneKind.MOBILE),
        ("17911-13912345678", "13912345678", PhoneKind.MOBILE),
        ("1019313912345678", "13912345678", PhoneKind.MOBILE),
        ("12520 13912345678", "13912345678", PhoneKind.MOBILE),
        ("+86 17951 13912345678", "13912345678", PhoneKind.MOBILE),
        ("13912345678.0", "13912345678", PhoneKind.MOBILE),
        ("1.3912345678E10", "13912345678", PhoneKind.MOBILE),
        ("1.3912345678e+10", "13912345678", PhoneKind.MOBILE),
        ("'13912345678", "13912345678", PhoneKind.MOBILE),
        ('="13912345678"', "13912345678", PhoneKind.MOBILE),
        ("\t13912345678", "13912345678", PhoneKind.MOBILE),
        ("１３９１２３４５６７８", "13912345678", PhoneKind.MOBILE),
        ("013912345678", "13912345678", PhoneKind.MOBILE),
        ("17951234567", "17951234567", PhoneKind.MOBILE),
        ("00866632718281", "06632718281", PhoneKind.LANDLINE),
        ("+86 21 1234 5678", "02112345678", PhoneKind.LANDLINE),
        ("(0663)2718281", "06632718281", PhoneKind.LANDLINE),
        ("010-12345678", "01012345678", PhoneKind.LANDLINE),
        ("021-12345678-801", "02112345678", PhoneKind.LANDLINE),
        ("2112345678.0", "02112345678", PhoneKind.LANDLINE),
        ("17951 021 1234 5678", "02112345678", PhoneKind.LANDLINE),
        ("4006180339", "4006180339", PhoneKind.SERVICE),
        ("400-618-0339", "4006180339", PhoneKind.SERVICE),
        ("0086 400 618 0339", "4006180339", PhoneKind.SERVICE),
        ("8008101234", "8008101234", PhoneKind.SERVICE),
        ("95588", "95588", PhoneKind.SERVICE),
        ("96110", "96110", PhoneKind.SERVICE),
        ("10086", "10086", PhoneKind.SERVICE),
        ("10010", "10010", PhoneKind.SERVICE),
        ("110", "110", PhoneKind.SERVICE),
        ("120", "120", PhoneKind.SERVICE),
        ("12345", "12345", PhoneKind.SERVICE),
        ("12306", "12306", PhoneKind.SERVICE),
    ],
)
def test_normalize_number_canonical_form(raw: str, canonical: str, kind: PhoneKind) -> None:
    assert normalize_number(raw) == CanonicalNumber(canonical, kind)


@pytest.mark.parametrize(
    ("raw", "reason_key"),
    [
        ("", "loader.number.empty"),
        ("   ", "loader.number.empty"),
        ("未知", "loader.number.hidden"),
        ("Anonymous", "loader.number.hidden"),
        ("--", "loader.number.hidden"),
        ("abc", "loader.number.not_digits"),
        ("139-1234-abcd", "loader.number.not_digits"),
        ("١٣٩١٢٣٤٥٦٧٨", "loader.number.not_digits"),
        ("+1 650 253 0000", "loader.number.foreign"),
        ("0085212345678", "loader.number.foreign"),
        ("62718281", "loader.number.no_area_code"),
        ("1.39123E+10", "loader.number.precision_lost"),
        ("12345678901234", "loader.number.invalid"),
        ("200", "loader.number.invalid"),
        ("1391234567", "loader.number.invalid"),
        ("17951", "loader.number.invalid"),
        ("13912345678.5", "loader.number.not_digits"),
    ],
)
def test_normalize_number_rejects_with_reason(raw: str, reason_key: str) -> None:
    with pytest.raises(NumberError) as caught:
        normalize_number(raw)

    assert caught.value.reason_key == reason_key


def test_normalize_number_error_is_value_error() -> None:
    with pytest.raises(ValueError):
        normalize_number("not a number")


def test_normalize_number_error_masks_value() -> None:
    with pytest.raises(NumberError) as caught:
        normalize_number("+1 650 253 0000 13912345678")

    assert "13912345678" not in str(caught.value)


def test_normalize_number_local_landline_with_area_code() -> None:
    assert normalize_number("2718281", area_code="0663") == CanonicalNumber(
        "06632718281", PhoneKind.LANDLINE
    )


def test_normalize_number_area_code_ignored_for_full_numbers() -> None:
    assert normalize_number("13912345678", area_code="021").canonical == "13912345678"


def test_normalize_opaque_prefixes_id() -> None:
    assert normalize_opaque(" 200 ") == CanonicalNumber("opaque:200", PhoneKind.OPAQUE)


def test_normalize_opaque_drops_float_suffix() -> None:
    assert normalize_opaque("200.0").canonical == "opaque:200"


def test_normalize_opaque_rejects_empty() -> None:
    with pytest.raises(NumberError) as caught:
        normalize_opaque("  ")

    assert caught.value.reason_key == "loader.number.empty"


def test_normalize_opaque_never_collides_with_service() -> None:
    assert normalize_opaque("10086") != normalize_number("10086")


_mobiles = st.builds(
    lambda second, rest: f"1{second}{rest:09d}",
    st.sampled_from("3456789"),
    st.integers(min_value=0, max_value=999_999_999),
)
_separators = st.sampled_from(["", " ", "-", "  ", "\u3000", "\u00a0"])
_country_prefixes = st.sampled_from(["", "+86", "0086", "86", "+86 ", "0086-", "+ 86"])


@st.composite
def _dressed_mobiles(draw: st.DrawFn) -> tuple[str, str]:
    """A mobile and the same mobile with prefixes and separators a bill might add."""
    mobile = draw(_mobiles)
    body = mobile
    if draw(st.booleans()):
        cut = draw(st.integers(min_value=1, max_value=10))
        body = body[:cut] + draw(_separators) + body[cut:]
    if draw(st.booleans()):
        body = "(" + body[:3] + ")" + draw(_separators) + body[3:]
    ip_prefix = draw(st.sampled_from(["", *IP_DIAL_PREFIXES]))
    country = draw(_country_prefixes)
    if draw(st.booleans()):
        dressed = country + draw(_separators) + ip_prefix + draw(_separators) + body
    else:
        dressed = ip_prefix + draw(_separators) + country + draw(_separators) + body
    return mobile, draw(_separators) + dressed + draw(_separators)


@BOUNDED
@given(_dressed_mobiles())
def test_normalize_number_recovers_dressed_mobile(case: tuple[str, str]) -> None:
    mobile, dressed = case

    assert normalize_number(dressed) == CanonicalNumber(mobile, PhoneKind.MOBILE)


@BOUNDED
@given(_mobiles)
def test_normalize_number_recovers_excel_float_forms(mobile: str) -> None:
    scientific = f"{mobile[0]}.{mobile[1:]}E10"

    assert normalize_number(mobile + ".0").canonical == mobile
    assert normalize_number(scientific).canonical == mobile
    assert normalize_number(float(mobile)).canonical == mobile  # type: ignore[arg-type]


@BOUNDED
@given(st.text(max_size=24))
def test_normalize_number_output_only_digits(raw: str) -> None:
    try:
        number = normalize_number(raw)
    except NumberError:
        return

    assert number.canonical.isascii()
    assert number.canonical.isdigit()
    assert number.kind is not PhoneKind.OPAQUE


@BOUNDED
@given(st.text(alphabet="0123456789 -+()", max_size=22))
def test_normalize_number_digit_noise_only_digits(raw: str) -> None:
    try:
        number = normalize_number(raw)
    except NumberError:
        return

    assert number.canonical.isdigit()


# --- durations -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "seconds"),
    [
        (84, 84),
        (84.0, 84),
        (84.4, 84),
        (84.5, 85),
        ("84", 84),
        (" 84 ", 84),
        ("84.0", 84),
        ("24秒", 24),
        ("1分24秒", 84),
        ("1分钟24秒", 84),
        ("1分", 60),
        ("1小时5分14秒", 3914),
        ("1时5分14秒", 3914),
        ("2小时", 7200),
        ("1 分 24 秒", 84),
        ("00:01:24", 84),
        ("01:24", 84),
        ("1:05:14", 3914),
        ("100:00", 6000),
        ("1h5m14s", 3914),
        ("1'24\"", 84),
        ("０１：２４", 84),
        (time(0, 1, 24), 84),
        (timedelta(minutes=1, seconds=24), 84),
        (0, 0),
    ],
)
def test_parse_duration_formats(raw: object, seconds: int) -> None:
    assert parse_duration(raw) == seconds


@pytest.mark.parametrize(
    ("raw", "reason_key"),
    [
        ("", "loader.duration.empty"),
        (-5, "loader.duration.negative"),
        ("-5", "loader.duration.negative"),
        (-0.5, "loader.duration.negative"),
        ("abc", "loader.duration.invalid"),
        ("1分75秒", "loader.duration.invalid"),
        ("1小时75分", "loader.duration.invalid"),
        ("01:75", "loader.duration.invalid"),
        (True, "loader.duration.invalid"),
        (None, "loader.duration.empty"),
        (float("nan"), "loader.duration.invalid"),
        (84 / 86_400, "loader.duration.invalid"),
        ("0.5", "loader.duration.invalid"),
    ],
)
def test_parse_duration_rejects(raw: object, reason_key: str) -> None:
    with pytest.raises(DurationError) as caught:
        parse_duration(raw)

    assert caught.value.reason_key == reason_key


def _chinese_duration(hours: int, minutes: int, seconds: int) -> str:
    """Write a duration as a bill does: 1小时5分14秒, 5分14秒 or 14秒."""
    text = f"{seconds}秒"
    if hours or minutes:
        text = f"{minutes}分" + text
    if hours:
        text = f"{hours}小时" + text
    return text


_DURATION_FORMATS: dict[str, Callable[[int, int, int], object]] = {
    "seconds": lambda h, m, s: str(h * 3600 + m * 60 + s),
    "chinese": lambda h, m, s: _chinese_duration(h, m, s),
    "clock": lambda h, m, s: f"{h:02d}:{m:02d}:{s:02d}",
    "minutes_clock": lambda h, m, s: f"{h * 60 + m:02d}:{s:02d}",
    "time_cell": lambda h, m, s: time(h, m, s),
    "float": lambda h, m, s: float(h * 3600 + m * 60 + s),
}


@BOUNDED
@given(
    st.integers(min_value=0, max_value=23),
    st.integers(min_value=0, max_value=59),
    st.integers(min_value=0, max_value=59),
    st.sampled_from(sorted(_DURATION_FORMATS)),
)
def test_parse_duration_round_trips(hours: int, minutes: int, seconds: int, form: str) -> None:
    written = _DURATION_FORMATS[form](hours, minutes, seconds)

    assert parse_duration(written) == hours * 3600 + minutes * 60 + seconds


# --- start times -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2026-09-28 19:52:40", datetime(2026, 9, 28, 19, 52, 40, tzinfo=SHANGHAI)),
        ("2026/9/28 19:52", datetime(2026, 9, 28, 19, 52, tzinfo=SHANGHAI)),
        ("2026/09/28 19:52:40", datetime(2026, 9, 28, 19, 52, 40, tzinfo=SHANGHAI)),
        ("2026.09.28 19:52:40", datetime(2026, 9, 28, 19, 52, 40, tzinfo=SHANGHAI)),
        ("2026年9月28日 19:52:40", datetime(2026, 9, 28, 19, 52, 40, tzinfo=SHANGHAI)),
        ("2026-09-28T19:52:40", datetime(2026, 9, 28, 19, 52, 40, tzinfo=SHANGHAI)),
        ("20060601 0008", datetime(2006, 6, 1, 0, 8, tzinfo=SHANGHAI)),
        ("20260928195240", datetime(2026, 9, 28, 19, 52, 40, tzinfo=SHANGHAI)),
        ("2026-09-28 19:52:40.250", datetime(2026, 9, 28, 19, 52, 40, 250000, tzinfo=SHANGHAI)),
        (46293.5, datetime(2026, 9, 28, 12, 0, tzinfo=SHANGHAI)),
        ("46293.5", datetime(2026, 9, 28, 12, 0, tzinfo=SHANGHAI)),
        (datetime(2026, 9, 28, 19, 52, 40), datetime(2026, 9, 28, 19, 52, 40, tzinfo=SHANGHAI)),
    ],
)
def test_parse_start_formats(raw: object, expected: datetime) -> None:
    parsed = parse_start(raw, default_year=None)

    assert parsed == expected
    assert parsed.utcoffset() == timedelta(hours=8)


def test_parse_start_keeps_iso_offset() -> None:
    parsed = parse_start("2026-09-28T11:52:40+00:00", default_year=None)

    assert parsed.utcoffset() == timedelta(0)
    assert parsed == datetime(2026, 9, 28, 19, 52, 40, tzinfo=SHANGHAI)


def test_parse_start_keeps_aware_datetime() -> None:
    moment = datetime(2026, 9, 28, 11, 52, 40, tzinfo=UTC)

    assert parse_start(moment, default_year=None).tzinfo is UTC


def test_parse_start_other_time_zone() -> None:
    parsed = parse_start("2026-09-28 19:52:40", default_year=None, tz="Europe/Berlin")

    assert parsed.utcoffset() == timedelta(hours=2)


@pytest.mark.parametrize(
    "raw", ["09-28 19:52:40", "9月28日 19:52:40", "9月28日19:52", "09/28 19:52"]
)
def test_parse_start_year_from_default(raw: str) -> None:
    parsed = parse_start(raw, default_year=2026)

    assert (parsed.year, parsed.month, parsed.day) == (2026, 9, 28)


def test_parse_start_year_from_billing_period() -> None:
    period = BillingPeriod(date(2025, 12, 15), date(2026, 1, 14))

    january = parse_start("01-03 08:00:00", default_year=1999, billing_period=period)
    december = parse_start("12-20 08:00:00", default_year=1999, billing_period=period)

    assert january.year == 2026
    assert december.year == 2025


@pytest.mark.parametrize(
    ("raw", "reason_key"),
    [
        ("09-28 19:52:40", "loader.start.no_year"),
        ("", "loader.start.empty"),
        ("yesterday", "loader.start.invalid"),
        ("2026-13-01 00:00:00", "loader.start.invalid"),
        ("2026-02-30 10:00:00", "loader.start.invalid"),
        ("2026-09-28", "loader.start.no_time"),
        ("20260928", "loader.start.no_time"),
        (date(2026, 9, 28), "loader.start.no_time"),
        (46293.0, "loader.start.no_time"),
        ("1960-01-01 00:00:00", "loader.start.out_of_range"),
        (12.5, "loader.start.invalid"),
        (None, "loader.start.empty"),
    ],
)
def test_parse_start_rejects(raw: object, reason_key: str) -> None:
    with pytest.raises(StartTimeError) as caught:
        parse_start(raw, default_year=None)

    assert caught.value.reason_key == reason_key


def test_parse_start_unknown_time_zone() -> None:
    with pytest.raises(StartTimeError) as caught:
        parse_start("2026-09-28 19:52:40", default_year=None, tz="Mars/Olympus")

    assert caught.value.reason_key == "loader.start.bad_timezone"


def test_parse_starts_returns_errors_in_place() -> None:
    parsed = parse_starts(["2026-09-28 19:52:40", "bad", "2026-99-28 19:52:40"], default_year=None)

    assert parsed[0] == datetime(2026, 9, 28, 19, 52, 40, tzinfo=SHANGHAI)
    assert isinstance(parsed[1], StartTimeError)
    assert isinstance(parsed[2], StartTimeError)


_starts = st.datetimes(min_value=datetime(1992, 1, 1), max_value=datetime(2099, 12, 31))
_START_FORMATS: dict[str, Callable[[datetime], object]] = {
    "iso_space": lambda moment: moment.strftime("%Y-%m-%d %H:%M:%S"),
    "slashes": lambda moment: (
        f"{moment.year}/{moment.month}/{moment.day} "
        f"{moment.hour}:{moment.minute:02d}:{moment.second:02d}"
    ),
    "chinese": lambda moment: (
        f"{moment.year}年{moment.month}月{moment.day}日 "
        f"{moment.hour:02d}:{moment.minute:02d}:{moment.second:02d}"
    ),
    "compact": lambda moment: moment.strftime("%Y%m%d%H%M%S"),
    "iso_offset": lambda moment: moment.strftime("%Y-%m-%dT%H:%M:%S+08:00"),
    "datetime_cell": lambda moment: moment,
    "year_less": lambda moment: moment.strftime("%m-%d %H:%M:%S"),
}


@BOUNDED
@given(_starts, st.sampled_from(sorted(_START_FORMATS)))
def test_parse_start_round_trips(moment: datetime, form: str) -> None:
    moment = moment.replace(microsecond=0)
    written = _START_FORMATS[form](moment)

    parsed = parse_start(written, default_year=moment.year)

    assert parsed == moment.replace(tzinfo=SHANGHAI)


@BOUNDED
@given(_starts)
def test_parse_start_excel_serial_round_trips(moment: datetime) -> None:
    moment = moment.replace(microsecond=0, second=moment.second or 1)
    serial = (moment - datetime(1899, 12, 30)) / timedelta(days=1)

    assert parse_start(serial, default_year=None) == moment.replace(tzinfo=SHANGHAI)


@BOUNDED
@given(st.one_of(st.text(max_size=30), st.floats(), st.integers()))
def test_parse_start_returns_aware_or_raises(raw: object) -> None:
    try:
        parsed = parse_start(raw, default_year=2026)
    except StartTimeError:
        return

    assert parsed.tzinfo is not None
    assert 1970 <= parsed.year < 2100


# --- billing periods -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "first", "last"),
    [
        ("计费周期：2026-09-01至2026-09-30", date(2026, 9, 1), date(2026, 9, 30)),
        ("账单周期: 2026年09月01日-2026年09月30日", date(2026, 9, 1), date(2026, 9, 30)),
        ("查询时间段：20260801~20260930", date(2026, 8, 1), date(2026, 9, 30)),
        ("账期：2026年02月", date(2026, 2, 1), date(2026, 2, 28)),
        ("账单月份 202602", date(2026, 2, 1), date(2026, 2, 28)),
        ("Billing period: 2026/9/1 - 2026/9/30", date(2026, 9, 1), date(2026, 9, 30)),
    ],
)
def test_find_billing_period_forms(text: str, first: date, last: date) -> None:
    assert find_billing_period(text) == BillingPeriod(first, last)


def test_find_billing_period_needs_keyword() -> None:
    assert find_billing_period("打印时间 2026-10-05 10:00:00") is None


def test_find_billing_period_sheet_name() -> None:
    period = find_billing_period("2026年09月", require_keyword=False)

    assert period == BillingPeriod(date(2026, 9, 1), date(2026, 9, 30))


# --- directions and call types ---------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "kind"),
    [
        ("主叫", CallKind(Direction.OUT)),
        ("被叫", CallKind(Direction.IN)),
        ("DIAL", CallKind(Direction.OUT)),
        ("DIALED", CallKind(Direction.IN)),
        ("dialed", CallKind(Direction.IN)),
        ("out", CallKind(Direction.OUT)),
        ("in", CallKind(Direction.IN)),
        ("呼出", CallKind(Direction.OUT)),
        ("呼入", CallKind(Direction.IN)),
        ("呼转", CallKind(Direction.IN, CallType.FORWARDED)),
        ("呼叫转移", CallKind(Direction.IN, CallType.FORWARDED)),
        ("前转", CallKind(Direction.IN, CallType.FORWARDED)),
        ("forward", CallKind(Direction.IN, CallType.FORWARDED)),
        ("主叫呼转", CallKind(Direction.OUT, CallType.FORWARDED)),
        ("VPMN主叫", CallKind(Direction.OUT, CallType.ROAMING_VPMN)),
        ("集团网被叫", CallKind(Direction.IN, CallType.ROAMING_VPMN)),
        ("虚拟网 主叫", CallKind(Direction.OUT, CallType.ROAMING_VPMN)),
        (" 主 叫 ", CallKind(Direction.OUT)),
    ],
)
def test_parse_direction_values(raw: str, kind: CallKind) -> None:
    assert parse_direction(raw) == kind


@pytest.mark.parametrize(
    ("raw", "reason_key"),
    [
        ("", "loader.direction.empty"),
        (None, "loader.direction.empty"),
        ("VPMN", "loader.direction.invalid"),
        ("主叫被叫", "loader.direction.invalid"),
        ("本地通话", "loader.direction.invalid"),
        ("短信", "loader.row.not_a_call"),
    ],
)
def test_parse_direction_rejects(raw: str | None, reason_key: str) -> None:
    with pytest.raises(DirectionError) as caught:
        parse_direction(raw)

    assert caught.value.reason_key == reason_key


def test_parse_direction_layout_values_first() -> None:
    known = {"1": CallKind(Direction.OUT)}

    assert parse_direction("1", known) == CallKind(Direction.OUT)


@pytest.mark.parametrize(
    ("raw", "call_type"),
    [
        ("本地通话", CallType.VOICE),
        ("国内长途(不含港澳台)", CallType.VOICE),
        ("非漫游", CallType.VOICE),
        ("VPMN", CallType.ROAMING_VPMN),
        ("集团网", CallType.ROAMING_VPMN),
        ("呼转", CallType.FORWARDED),
        ("", CallType.VOICE),
    ],
)
def test_parse_call_type_values(raw: str, call_type: CallType) -> None:
    assert parse_call_type(raw) == call_type


def test_parse_call_type_rejects_sms() -> None:
    with pytest.raises(DirectionError) as caught:
        parse_call_type("短信")

    assert caught.value.reason_key == "loader.row.not_a_call"


# --- masking ---------------------------------------------------------------------------


def test_mask_cell_hides_mobile() -> None:
    assert mask_cell("call 13912345678") == "call 139****5678"


def test_mask_cell_hides_spaced_mobile() -> None:
    assert "1234" not in mask_cell("139 1234 5678")


def test_mask_cell_keeps_compact_date() -> None:
    assert mask_cell("20060601 0008") == "20060601 0008"


def test_mask_cell_shortens_long_text() -> None:
    assert len(mask_cell("x" * 500)) <= 41


def test_fixed_offset_equals_zone() -> None:
    # Records from ISO values with +08:00 and from naive local times compare equal.
    fixed = datetime(2026, 9, 28, 19, 52, 40, tzinfo=timezone(timedelta(hours=8)))

    assert parse_start("2026-09-28 19:52:40", default_year=None) == fixed


@pytest.mark.parametrize("raw", ["00861063960238", "+86 10 6396 0238", "1063960238"])
def test_normalize_number_beijing_landline_lost_trunk_zero(raw: str) -> None:
    # Beijing's area code is 10: after 0086 the landline starts with 1 but is no mobile.
    number = normalize_number(raw)

    assert number.canonical == "01063960238"
    assert number.kind is PhoneKind.LANDLINE
