"""Parse and normalise single values of call-record exports.

Numbers become :class:`~loader.records.CanonicalNumber` in Chinese national form, durations
whole seconds, start times aware datetimes, and direction columns a :class:`CallKind`. Each
parser raises a :class:`FieldError` subclass whose ``reason_key`` names a loader message, so
a reader can turn the failure into a :class:`~loader.records.RejectedRow`.
"""

from __future__ import annotations

import calendar
import functools
import math
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Final
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import phonenumbers

import loader.messages  # noqa: F401  (registers the reason keys used here)
from loader.records import CanonicalNumber, PhoneKind
from ringscope.pseudonym import mask_number

DEFAULT_TIMEZONE: Final = "Asia/Shanghai"


class FieldError(ValueError):
    """A value that cannot be normalised; ``reason_key`` names a loader message.

    ``masked_value`` is safe to show: phone-number-like digit runs are masked.
    """

    def __init__(self, reason_key: str, value: object = "", *, is_number: bool = False) -> None:
        self.reason_key = reason_key
        self.masked_value = mask_number_cell(value) if is_number else mask_cell(value)
        super().__init__(reason_key)

    def __str__(self) -> str:
        return f"{self.reason_key}: {self.masked_value!r}"


class NumberError(FieldError):
    """A value that is not a Chinese telephone number, or not a usable opaque id."""

    def __init__(self, reason_key: str, value: object = "") -> None:
        super().__init__(reason_key, value, is_number=True)


class DurationError(FieldError):
    """A duration that is not a whole, non-negative number of seconds in a known format."""


class StartTimeError(FieldError):
    """A start time in no known format, or without a year that can be inferred."""


class DirectionError(FieldError):
    """A direction or call-type value that does not say who called, or is not a call."""


# --- masking ---------------------------------------------------------------------------

# Mobiles written with separators and any run of 7 or more digits: both could be a number.
_SENSITIVE_RUN = re.compile(r"(?:\+?86[- ]?)?1[3-9]\d(?:[- ]?\d){8}|\d{7,}")
_MAX_SHOWN_CHARS = 40


def mask_cell(value: object) -> str:
    """Return ``value`` as text fit for a reject or a message: number-like runs masked."""
    text = _text(value)
    if len(text) > _MAX_SHOWN_CHARS:
        text = text[:_MAX_SHOWN_CHARS] + "…"
    return _SENSITIVE_RUN.sub(_mask_run, text)


def mask_number_cell(value: object) -> str:
    """Return a phone-number cell masked for display, cut to its first 40 characters."""
    return mask_number(_text(value)[:_MAX_SHOWN_CHARS])


def _mask_run(match: re.Match[str]) -> str:
    run = match.group(0)
    # Keep compact dates (20060601, 20260928195240): they are times, not numbers.
    if len(run) in (8, 12, 14) and _safe_date(run[:4], run[4:6], run[6:8]) is not None:
        return run
    return mask_number(run)


def _text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


# --- telephone numbers -----------------------------------------------------------------

# Prefixes dialled before a number to route a long-distance call over a carrier's IP
# network, or added by a carrier service. Bills show them glued to the peer's number.
# The 179xx codes are IP long distance: China Telecom 17900, 17901, 17908, 17909; the former
# China Netcom 17910, 17911, 17960, 17961, 17968, 17969; China Unicom 17931; China Mobile
# 17950, 17951. 12593 is China Mobile IP dialling, 10193 China Unicom's, 10131 China
# Tietong's. 12520 is China Mobile's Fetion gateway. 11808, 96435, 96531 and 96688 are
# regional IP or discount codes, and 125831-125833 China Mobile's one-number sub-lines.
# The list gathers the prefixes that Android dialers of Huawei, vivo and Spreadtrum builds
# strip before a number-location look-up.
IP_DIAL_PREFIXES: Final[tuple[str, ...]] = (
    "125831",
    "125832",
    "125833",
    "17900",
    "17901",
    "17908",
    "17909",
    "17910",
    "17911",
    "17931",
    "17950",
    "17951",
    "17960",
    "17961",
    "17968",
    "17969",
    "12593",
    "12520",
    "10193",
    "10131",
    "11808",
    "96435",
    "96531",
    "96688",
)
_COUNTRY_PREFIXES: Final = ("0086", "86")

_MOBILE = re.compile(r"1[3-9]\d{9}", re.ASCII)
_SERVICE = re.compile(
    r"(?:400|800)\d{7}"  # toll-free and shared-cost numbers
    r"|9[56]\d{3,6}"  # 95xxx national and 96xxx regional bank, utility and public services
    r"|100\d{2}"  # carrier service lines: 10000, 10010, 10086
    r"|1010\d{4}"  # national 1010xxxx service numbers
    r"|1[12]\d"  # 3-digit emergency and special numbers: 110, 119, 120, 122, 114
    r"|1[12]\d{3}",  # 12xxx government lines (12345, 12315, 12306) and 11xxx (11185 post)
    re.ASCII,
)
_DIGITS = re.compile(r"\d+", re.ASCII)
_SEPARATORS = re.compile(r"[\s\-()\u2010-\u2015\u00b7]+")
_EXCEL_INTEGER_FLOAT = re.compile(r"(\d+)\.0+", re.ASCII)
_EXCEL_SCIENTIFIC = re.compile(r"(\d)(?:\.(\d+))?[eE]\+?(\d{1,2})", re.ASCII)
_EXTENSION = re.compile(r"(?:转|分机|ext\.?|x|#)\d{1,6}$", re.IGNORECASE | re.ASCII)
_DASHED_EXTENSION = re.compile(r"^(0\d{2,3}[-\s]\d{7,8})[-\s]\d{1,5}$", re.ASCII)
_EXCEL_TEXT_FORMULA = re.compile(r'^="(.*)"$')
_HIDDEN_MARKERS: Final = frozenset(
    {
        "-",
        "--",
        "---",
        "未知",
        "未知号码",
        "匿名",
        "隐藏",
        "隐藏号码",
        "无主叫号码",
        "私人号码",
        "unknown",
        "anonymous",
        "private",
        "withheld",
        "restricted",
        "null",
        "none",
        "nan",
    }
)
_MAX_PREFIX_DEPTH = 3


def normalize_number(raw: str, *, area_code: str | None = None) -> CanonicalNumber:
    """Normalise a telephone number from a bill to Chinese national form.

    Strips separators, Excel float artefacts, ``+86``/``0086``/``86`` and the IP-dial
    prefixes of :data:`IP_DIAL_PREFIXES`; a prefix is only stripped when a valid number
    follows it. Restores the trunk ``0`` that landlines lose after a country code or in a
    numeric spreadsheet cell, and reads ``0`` + mobile as the mobile. A 7- or 8-digit local
    landline number becomes ``0`` + ``area_code`` + number when ``area_code`` is given
    (digits, with or without the ``0``).

    Raises:
        NumberError: the value is empty, hidden, foreign, lacks an area code or is not a
            mobile, landline or service number; ``reason_key`` says which.
    """
    if not isinstance(raw, str):
        raw = _text(raw)
    if len(raw) == 11 and _MOBILE.fullmatch(raw):
        return _number(raw, PhoneKind.MOBILE)

    # Exports keep numbers as text with a leading apostrophe or tab, quotes or ="...".
    text = unicodedata.normalize("NFKC", raw).strip()
    formula = _EXCEL_TEXT_FORMULA.match(text)
    if formula:
        text = formula.group(1)
    text = text.strip().strip("'\"\t").strip()
    if not text:
        raise NumberError("loader.number.empty", raw)
    if text.lower() in _HIDDEN_MARKERS:
        raise NumberError("loader.number.hidden", raw)

    digits = _digits_of(text, raw)
    found = _resolve(digits, after_country_code=False, depth=0)
    if found is not None:
        return _number(*found)

    if area_code and 7 <= len(digits) <= 8 and digits[0] in "23456789":
        with_area = "0" + area_code.lstrip("0") + digits
        if _is_landline(with_area):
            return _number(with_area, PhoneKind.LANDLINE)
    raise NumberError(_reason_for_unresolved(digits), raw)


def normalize_opaque(raw: str) -> CanonicalNumber:
    """Wrap an opaque phone identifier (not a real number) as ``opaque:<id>``.

    Surrounding space and a spreadsheet's ``.0`` float suffix are removed, so ``200`` and
    ``200.0`` are the same phone.

    Raises:
        NumberError: the identifier is empty or contains whitespace or control characters.
    """
    text = unicodedata.normalize("NFKC", raw).strip()
    integer_float = _EXCEL_INTEGER_FLOAT.fullmatch(text)
    if integer_float:
        text = integer_float.group(1)
    if not text:
        raise NumberError("loader.number.empty", raw)
    if any(character.isspace() or not character.isprintable() for character in text):
        raise NumberError("loader.number.opaque_invalid", raw)
    return CanonicalNumber("opaque:" + text, PhoneKind.OPAQUE)


@functools.lru_cache(maxsize=65_536)
def _number(canonical: str, kind: PhoneKind) -> CanonicalNumber:
    # Shares one object per number, which keeps a million-row chunk small.
    return CanonicalNumber(canonical, kind)


def _digits_of(text: str, raw: str) -> str:
    """Reduce a cleaned cell to digits, undoing Excel float forms and extensions."""
    integer_float = _EXCEL_INTEGER_FLOAT.fullmatch(text)
    if integer_float:
        return integer_float.group(1)

    scientific = _EXCEL_SCIENTIFIC.fullmatch(text)
    if scientific:
        return _digits_of_scientific(text, scientific, raw)

    dashed = _DASHED_EXTENSION.match(text)
    if dashed:
        text = dashed.group(1)
    text = _EXTENSION.sub("", text)
    digits = _SEPARATORS.sub("", text).replace("+", "00")
    if not _DIGITS.fullmatch(digits):
        raise NumberError("loader.number.not_digits", raw)
    return digits


def _digits_of_scientific(text: str, match: re.Match[str], raw: str) -> str:
    # 1.3912345678E10 is exact, but 1.39123E+10 is what Excel shows after rounding the
    # number to 6 significant digits: those lost digits cannot be recovered.
    fraction = match.group(2) or ""
    exponent = int(match.group(3))
    if len(fraction) > exponent:
        raise NumberError("loader.number.invalid", raw)
    if len(fraction) < exponent:
        raise NumberError("loader.number.precision_lost", raw)
    try:
        value = Decimal(text)
    except InvalidOperation as err:
        raise NumberError("loader.number.invalid", raw) from err
    return str(int(value))


def _resolve(digits: str, *, after_country_code: bool, depth: int) -> tuple[str, PhoneKind] | None:
    """Find the national number in ``digits``, peeling country and IP-dial prefixes."""
    kind = _classify_national(digits)
    if kind is not None:
        if after_country_code and kind is PhoneKind.SERVICE and not digits.startswith(("4", "8")):
            return None
        return digits, kind

    lost_trunk = digits[:1] in "23456789" and 9 <= len(digits) <= 11
    # Beijing's area code is 10, so 0086 + 10 + an 8-digit local number leaves 10 digits
    # that start with 1; mobiles have 11 digits and 100xx service numbers 5.
    lost_trunk_beijing = digits[:2] == "10" and len(digits) == 10
    if (lost_trunk or lost_trunk_beijing) and _is_landline("0" + digits):
        # Landlines lose their trunk 0 after a country code (+86 21 ...) and in numeric
        # spreadsheet cells. The check against libphonenumber's landline plan keeps
        # other digit strings out.
        return "0" + digits, PhoneKind.LANDLINE
    if len(digits) == 12 and digits[0] == "0" and _MOBILE.fullmatch(digits[1:]):
        # Fixed phones dial 0 before a mobile from another city, and bills keep it.
        return digits[1:], PhoneKind.MOBILE

    if depth >= _MAX_PREFIX_DEPTH:
        return None
    for prefix in _COUNTRY_PREFIXES:
        if digits.startswith(prefix):
            found = _resolve(digits[len(prefix) :], after_country_code=True, depth=depth + 1)
            if found is not None:
                return found
    for prefix in IP_DIAL_PREFIXES:
        if digits.startswith(prefix):
            found = _resolve(digits[len(prefix) :], after_country_code=False, depth=depth + 1)
            if found is not None and found[1] is not PhoneKind.SERVICE:
                return found
    return None


def _classify_national(digits: str) -> PhoneKind | None:
    if _MOBILE.fullmatch(digits):
        return PhoneKind.MOBILE
    if _SERVICE.fullmatch(digits):
        return PhoneKind.SERVICE
    if digits.startswith("0") and _is_landline(digits):
        return PhoneKind.LANDLINE
    return None


@functools.lru_cache(maxsize=65_536)
def _is_landline(national: str) -> bool:
    """Check ``0`` + area code + local number against libphonenumber's CN fixed-line plan."""
    if not (10 <= len(national) <= 12 and national[0] == "0" and national[1] != "0"):
        return False
    try:
        parsed = phonenumbers.parse(national, "CN")
    except phonenumbers.NumberParseException:
        return False
    if not phonenumbers.is_valid_number_for_region(parsed, "CN"):
        return False
    number_type = phonenumbers.number_type(parsed)
    return number_type in (
        phonenumbers.PhoneNumberType.FIXED_LINE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    )


def _reason_for_unresolved(digits: str) -> str:
    if digits.startswith("00") and not digits.startswith("0086"):
        return "loader.number.foreign"
    if 7 <= len(digits) <= 8 and digits[0] in "23456789":
        return "loader.number.no_area_code"
    return "loader.number.invalid"


# --- durations -------------------------------------------------------------------------

_INTEGER = re.compile(r"\d+", re.ASCII)
_DECIMAL = re.compile(r"\d+\.\d+", re.ASCII)
_DECIMAL_OR_INTEGER = re.compile(r"\d+(?:\.\d+)?", re.ASCII)
_CLOCK = re.compile(r"(\d+):(\d{1,2})(?::(\d{1,2}))?", re.ASCII)
_CHINESE_DURATION = re.compile(
    r"(?:(\d+)\s*(?:小时|时|h|hr|hour|hours))?\s*"
    r"(?:(\d+)\s*(?:分钟|分|m|min|mins|minute|minutes|'))?\s*"
    r"(?:(\d+)\s*(?:秒钟|秒|s|sec|secs|second|seconds|\"|''))?",
    re.IGNORECASE | re.ASCII,
)
_SECONDS_PER_DAY = 86_400


def parse_duration(raw: object) -> int:
    """Parse a call duration into whole seconds.

    Accepts ints, floats (rounded half up), ``84``, ``84.0``, ``1分24秒``, ``1小时5分14秒``,
    ``24秒``, ``1h5m14s``, ``HH:MM:SS``, ``MM:SS`` and spreadsheet time or timedelta cells.
    Minutes and seconds after a larger unit must be below 60.

    Raises:
        DurationError: the value is empty, negative, a number between 0 and 1 (a time cell
            read without its format), or in no known format.
    """
    if raw is None:
        raise DurationError("loader.duration.empty", "")
    if isinstance(raw, bool):
        raise DurationError("loader.duration.invalid", raw)
    if isinstance(raw, int):
        return _non_negative(raw, raw)
    if isinstance(raw, float):
        return _seconds_from_float(raw, raw)
    if isinstance(raw, timedelta):
        return _non_negative(math.floor(raw.total_seconds() + 0.5), raw)
    if isinstance(raw, time):
        return raw.hour * 3600 + raw.minute * 60 + raw.second + round(raw.microsecond / 1e6)
    if isinstance(raw, Decimal):
        return _seconds_from_float(float(raw), raw)
    if not isinstance(raw, str):
        raise DurationError("loader.duration.invalid", raw)
    return _parse_duration_text(raw)


@functools.lru_cache(maxsize=16_384)
def _parse_duration_text(raw: str) -> int:
    text = unicodedata.normalize("NFKC", raw).strip()
    if not text:
        raise DurationError("loader.duration.empty", raw)
    if _INTEGER.fullmatch(text):
        return int(text)
    if text.startswith("-") and _DECIMAL_OR_INTEGER.fullmatch(text[1:].strip()):
        raise DurationError("loader.duration.negative", raw)
    if _DECIMAL.fullmatch(text):
        return _seconds_from_float(float(text), raw)

    clock = _CLOCK.fullmatch(text)
    if clock:
        first, second, third = clock.groups()
        if third is None:
            return _combine(None, int(first), int(second), raw)
        return _combine(int(first), int(second), int(third), raw)

    spelled = _CHINESE_DURATION.fullmatch(text)
    if spelled and any(spelled.groups()):
        hours, minutes, seconds = (int(part) if part else None for part in spelled.groups())
        return _combine(hours, minutes, seconds, raw)
    raise DurationError("loader.duration.invalid", raw)


def _combine(hours: int | None, minutes: int | None, seconds: int | None, raw: str) -> int:
    if hours is not None and minutes is not None and minutes >= 60:
        raise DurationError("loader.duration.invalid", raw)
    if (hours is not None or minutes is not None) and seconds is not None and seconds >= 60:
        raise DurationError("loader.duration.invalid", raw)
    return (hours or 0) * 3600 + (minutes or 0) * 60 + (seconds or 0)


def _seconds_from_float(value: float, raw: object) -> int:
    if math.isnan(value) or math.isinf(value):
        raise DurationError("loader.duration.invalid", raw)
    if value < 0:
        raise DurationError("loader.duration.negative", raw)
    if 0 < value < 1:
        # Bills count whole seconds. A fraction below one is a time cell saved without its
        # time format, because spreadsheets store times as fractions of a day.
        raise DurationError("loader.duration.invalid", raw)
    # Half-up rounding: 1.5 s is billed as 2 s, and Python's round() would give 2 for 2.5.
    return int(math.floor(value + 0.5))


def _non_negative(value: int, raw: object) -> int:
    if value < 0:
        raise DurationError("loader.duration.negative", raw)
    return value


# --- start times -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class BillingPeriod:
    """First and last day of a bill, used to give year-less start times their year."""

    first_day: date
    last_day: date

    def year_for(self, month: int, day: int) -> int:
        """Return the year that puts ``month``-``day`` inside or nearest to the period."""
        candidates = sorted({self.first_day.year, self.last_day.year})
        best_year, best_distance = candidates[0], None
        for year in candidates:
            try:
                moment = date(year, month, day)
            except ValueError:
                continue
            if moment < self.first_day:
                distance = (self.first_day - moment).days
            elif moment > self.last_day:
                distance = (moment - self.last_day).days
            else:
                distance = 0
            if best_distance is None or distance < best_distance:
                best_year, best_distance = year, distance
        return best_year


_PERIOD_KEYWORDS = re.compile(
    r"计费周期|账单周期|账期|账单月份|查询周期|查询时间段|统计周期|详单周期"
    r"|起止时间|起止日期|billing\s*period|statement\s*period",
    re.IGNORECASE,
)
_FULL_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?", re.ASCII)
_COMPACT_DATE = re.compile(r"(?<!\d)(\d{4})(\d{2})(\d{2})(?!\d)", re.ASCII)
_YEAR_MONTH = re.compile(r"(?<!\d)(\d{4})\s*(?:[-/.年]\s*(\d{1,2})\s*月?|(\d{2}))(?!\d)", re.ASCII)


def find_billing_period(text: str, *, require_keyword: bool = True) -> BillingPeriod | None:
    """Find a billing period such as ``计费周期：2026-09-01至2026-09-30`` in ``text``.

    A single month (``账期：2026年09月``, ``202609``) covers that whole month. With
    ``require_keyword`` false (sheet names) the text needs no keyword.
    """
    text = unicodedata.normalize("NFKC", text)
    if require_keyword:
        keyword = _PERIOD_KEYWORDS.search(text)
        if keyword is None:
            return None
        text = text[keyword.end() :]

    days = [_safe_date(*match.groups()) for match in _FULL_DATE.finditer(text)]
    days += [_safe_date(*match.groups()) for match in _COMPACT_DATE.finditer(text)]
    found = [day for day in days if day is not None]
    if found:
        return BillingPeriod(min(found), max(found))

    month = _YEAR_MONTH.search(text)
    if month is None:
        return None
    year = int(month.group(1))
    month_number = int(month.group(2) or month.group(3))
    if not (1 <= month_number <= 12 and 1970 <= year <= 2100):
        return None
    last = calendar.monthrange(year, month_number)[1]
    return BillingPeriod(date(year, month_number, 1), date(year, month_number, last))


def _safe_date(year: str, month: str, day: str) -> date | None:
    try:
        found = date(int(year), int(month), int(day))
    except ValueError:
        return None
    return found if 1970 <= found.year <= 2100 else None


_ISO_LIKE = re.compile(
    r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?(?:Z|[+-]\d{2}:?\d{2})?",
    re.ASCII,
)
_WITH_YEAR = re.compile(
    r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?\s*[T ]?\s*"
    r"(\d{1,2})\s*[:时]\s*(\d{1,2})(?:\s*[:分]\s*(\d{1,2})(?:\.(\d{1,6}))?\s*秒?)?",
    re.ASCII,
)
_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})\s*[T ]?\s*(\d{2}):?(\d{2})(?::?(\d{2}))?", re.ASCII)
_WITHOUT_YEAR = re.compile(
    r"(\d{1,2})\s*[-/.月]\s*(\d{1,2})(?:\s*日\s*|\s+)"
    r"(\d{1,2})\s*[:时]\s*(\d{1,2})(?:\s*[:分]\s*(\d{1,2})\s*秒?)?",
    re.ASCII,
)
_DATE_ONLY = re.compile(r"\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?|\d{8}", re.ASCII)
_EXCEL_SERIAL_TEXT = re.compile(r"\d{5}(?:\.\d+)?", re.ASCII)
_EXCEL_EPOCH = datetime(1899, 12, 30)
# Serial days of 1970-01-01 and 2100-01-01: outside that a number is no call's start time.
_EXCEL_SERIAL_MIN, _EXCEL_SERIAL_MAX = 25_569, 73_051
_MIN_YEAR, _MAX_YEAR = 1970, 2100


@functools.lru_cache(maxsize=16)
def zone(name: str) -> tzinfo:
    """Return the time zone called ``name``.

    Raises:
        StartTimeError: ``name`` is no IANA time zone.
    """
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as err:
        raise StartTimeError("loader.start.bad_timezone", name) from err


def parse_start(
    raw: object,
    *,
    default_year: int | None,
    tz: str = DEFAULT_TIMEZONE,
    billing_period: BillingPeriod | None = None,
) -> datetime:
    """Parse a call's start time into an aware datetime.

    Naive times are taken as local time in ``tz``; an ISO value with an offset keeps it.
    Year-less values (``09-28 19:52:40``, ``9月28日 19:52:40``) take their year from
    ``billing_period``, else ``default_year``. Numbers between 25569 and 73051 are Excel
    serial dates.

    Raises:
        StartTimeError: the value is empty, has no time of day, has no year and none was
            given, is outside 1970-2099, or is in no known format.
    """
    local = zone(tz)
    if raw is None:
        raise StartTimeError("loader.start.empty", "")
    if isinstance(raw, datetime):
        return _from_datetime(raw, local)
    if isinstance(raw, date):
        raise StartTimeError("loader.start.no_time", raw)
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        return _from_excel_serial(float(raw), raw, local)
    if not isinstance(raw, str):
        raise StartTimeError("loader.start.invalid", raw)

    if len(raw) == 19 and raw[4] == "-" and raw[10] == " ":
        # The common "2026-09-28 19:52:40": the C ISO parser is the fast path.
        try:
            return _checked(datetime.fromisoformat(raw).replace(tzinfo=local), raw)
        except ValueError:
            pass
    return _parse_start_text(raw, default_year, local, billing_period)


def parse_starts(
    values: Iterable[object],
    *,
    default_year: int | None,
    tz: str = DEFAULT_TIMEZONE,
    billing_period: BillingPeriod | None = None,
) -> list[datetime | StartTimeError]:
    """Parse a column of start times like :func:`parse_start`, returning errors in place.

    The loop keeps the common ``2026-09-28 19:52:40`` form to one C call per value, which
    matters on million-row files.
    """
    local = zone(tz)
    from_iso = datetime.fromisoformat
    parsed: list[datetime | StartTimeError] = []
    append = parsed.append
    for raw in values:
        if isinstance(raw, str) and len(raw) == 19 and raw[4] == "-" and raw[10] == " ":
            try:
                moment = from_iso(raw).replace(tzinfo=local)
            except ValueError:
                pass
            else:
                if _MIN_YEAR <= moment.year < _MAX_YEAR:
                    append(moment)
                    continue
        try:
            append(
                parse_start(raw, default_year=default_year, tz=tz, billing_period=billing_period)
            )
        except StartTimeError as err:
            append(err.with_traceback(None))
    return parsed


def _parse_start_text(
    raw: str, default_year: int | None, local: tzinfo, billing_period: BillingPeriod | None
) -> datetime:
    text = unicodedata.normalize("NFKC", raw).strip()
    if not text:
        raise StartTimeError("loader.start.empty", raw)

    if _ISO_LIKE.fullmatch(text):
        try:
            parsed = datetime.fromisoformat(text)
        except ValueError as err:
            raise StartTimeError("loader.start.invalid", raw) from err
        return _from_datetime(parsed, local)

    with_year = _WITH_YEAR.fullmatch(text) or _COMPACT.fullmatch(text)
    if with_year:
        year, month, day, hour, minute, second = with_year.groups()[:6]
        fraction = with_year.group(7) if with_year.re is _WITH_YEAR else None
        micro = int((fraction or "").ljust(6, "0")) if fraction else 0
        return _build(int(year), month, day, hour, minute, second, micro, local, raw)

    without_year = _WITHOUT_YEAR.fullmatch(text)
    if without_year:
        month, day, hour, minute, second = without_year.groups()
        if billing_period is not None:
            year = billing_period.year_for(int(month), int(day))
        elif default_year is not None:
            year = default_year
        else:
            raise StartTimeError("loader.start.no_year", raw)
        return _build(year, month, day, hour, minute, second, 0, local, raw)

    if _EXCEL_SERIAL_TEXT.fullmatch(text):
        return _from_excel_serial(float(text), raw, local)
    if _DATE_ONLY.fullmatch(text):
        raise StartTimeError("loader.start.no_time", raw)
    raise StartTimeError("loader.start.invalid", raw)


def _build(
    year: int,
    month: str,
    day: str,
    hour: str,
    minute: str,
    second: str | None,
    micro: int,
    local: tzinfo,
    raw: object,
) -> datetime:
    try:
        moment = datetime(
            year, int(month), int(day), int(hour), int(minute), int(second or 0), micro, local
        )
    except ValueError as err:
        raise StartTimeError("loader.start.invalid", raw) from err
    return _checked(moment, raw)


def _from_datetime(value: datetime, local: tzinfo) -> datetime:
    # pandas.Timestamp is a datetime subclass; rebuild a plain datetime so every record
    # carries the same type. NaT has no year and ends as an invalid value.
    try:
        plain = datetime(
            value.year,
            value.month,
            value.day,
            value.hour,
            value.minute,
            value.second,
            value.microsecond,
            value.tzinfo if value.tzinfo is not None else local,
            fold=value.fold,
        )
    except (TypeError, ValueError) as err:
        raise StartTimeError("loader.start.invalid", value) from err
    return _checked(plain, value)


def _from_excel_serial(serial: float, raw: object, local: tzinfo) -> datetime:
    if math.isnan(serial) or not (_EXCEL_SERIAL_MIN <= serial < _EXCEL_SERIAL_MAX):
        raise StartTimeError("loader.start.invalid", raw)
    if serial.is_integer():
        raise StartTimeError("loader.start.no_time", raw)
    # Excel stores a day fraction in binary floating point: round to the nearest second.
    seconds = round(serial * _SECONDS_PER_DAY)
    return (_EXCEL_EPOCH + timedelta(seconds=seconds)).replace(tzinfo=local)


def _checked(moment: datetime, raw: object) -> datetime:
    if not (_MIN_YEAR <= moment.year < _MAX_YEAR):
        raise StartTimeError("loader.start.out_of_range", raw)
    return moment


# --- direction and call type -----------------------------------------------------------


class Direction(StrEnum):
    """Call direction as seen from the bill's owner."""

    OUT = "out"
    IN = "in"


class CallType(StrEnum):
    """The normalised ``CallRecord.call_type`` values."""

    VOICE = "voice"
    FORWARDED = "forwarded"
    ROAMING_VPMN = "roaming_vpmn"


@dataclass(frozen=True, slots=True)
class CallKind:
    """Direction and call type read from one row."""

    direction: Direction
    call_type: CallType = CallType.VOICE


_OUT_WORDS: Final = ("主叫", "呼出", "拨出", "去电", "已拨")
_IN_WORDS: Final = ("被叫", "呼入", "来电", "已接", "未接", "接听")
_FORWARD_WORDS: Final = ("呼转", "呼叫转移", "前转", "转移", "forward", "cfu", "cfb", "cfnr")
_VPMN_WORDS: Final = ("vpmn", "虚拟网", "集团网", "v网", "集团v网", "亲情网")
_NOT_A_CALL_WORDS: Final = ("短信", "彩信", "sms", "mms", "上网", "流量", "gprs", "数据业务")
_EXACT_DIRECTIONS: Final[Mapping[str, Direction]] = {
    "out": Direction.OUT,
    "outgoing": Direction.OUT,
    "dial": Direction.OUT,
    "mo": Direction.OUT,
    "moc": Direction.OUT,
    "caller": Direction.OUT,
    "originating": Direction.OUT,
    "in": Direction.IN,
    "incoming": Direction.IN,
    "dialed": Direction.IN,
    "mt": Direction.IN,
    "mtc": Direction.IN,
    "callee": Direction.IN,
    "terminating": Direction.IN,
}
_SPACE_OR_BRACKETS = re.compile(r"[\s()\[\]【】_\-/]+")


def normalize_label(raw: object) -> str:
    """Return a cell's text folded for comparison: NFKC, lower case, no spaces or brackets."""
    text = unicodedata.normalize("NFKC", str(raw)).strip().lower()
    return _SPACE_OR_BRACKETS.sub("", text)


def parse_direction(raw: object, known: Mapping[str, CallKind] | None = None) -> CallKind:
    """Read direction and call type from a direction column such as 主叫/被叫 or DIAL/DIALED.

    ``known`` maps a layout's own values (folded by :func:`normalize_label`) first. Then
    主叫/呼出/out/DIAL mean the owner called, and 被叫/呼入/in/DIALED that the owner was
    called. A forwarding value (呼转, 呼叫转移, 前转, forward) without a direction word
    means the owner's phone received the call and forwarded it, so the peer is the caller.
    A VPMN value (VPMN, 虚拟网, 集团网) needs a direction word next to it.

    Raises:
        DirectionError: the value is empty, names both or neither direction, or is not a
            voice call (SMS, data).
    """
    label = normalize_label(raw) if raw is not None else ""
    if not label:
        raise DirectionError("loader.direction.empty", "")
    if known is not None and label in known:
        return known[label]
    exact = _EXACT_DIRECTIONS.get(label)
    if exact is not None:
        return CallKind(exact)

    call_type = parse_call_type(label)
    is_out = any(word in label for word in _OUT_WORDS)
    is_in = any(word in label for word in _IN_WORDS)
    if is_out and is_in:
        raise DirectionError("loader.direction.invalid", raw)
    if is_out:
        return CallKind(Direction.OUT, call_type)
    if is_in or call_type is CallType.FORWARDED:
        return CallKind(Direction.IN, call_type)
    raise DirectionError("loader.direction.invalid", raw)


def parse_call_type(raw: object) -> CallType:
    """Classify a call-type cell (通话类型, 漫游类型, 业务类型) as voice, forwarded or VPMN.

    Unknown labels such as 本地通话 or 国内长途 are ordinary voice calls.

    Raises:
        DirectionError: the row is an SMS, MMS or data session, not a call.
    """
    label = normalize_label(raw)
    if any(word in label for word in _NOT_A_CALL_WORDS):
        raise DirectionError("loader.row.not_a_call", raw)
    if any(word in label for word in _FORWARD_WORDS):
        return CallType.FORWARDED
    if any(word in label for word in _VPMN_WORDS):
        return CallType.ROAMING_VPMN
    return CallType.VOICE


def merge_call_types(first: CallType, second: CallType) -> CallType:
    """Return the more specific type: forwarded, then VPMN, then voice."""
    order = (CallType.FORWARDED, CallType.ROAMING_VPMN, CallType.VOICE)
    return first if order.index(first) <= order.index(second) else second
