"""Chinese telephone numbering for synthetic people: cities, mobile prefixes, service lines.

Numbers are kept in national form: mobiles as 11 digits (``1[3-9]`` then 9 digits),
landlines with the trunk ``0`` and area code (``06632718281``), carrier and bank service
lines as short codes (``10086``, ``95588``) and call centres as 10-digit ``400`` numbers.
The mobile prefixes per carrier and the area codes are public numbering facts. The local
number length per city and the categories of the service lines are a simplification made
for this generator, not a directory.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import numpy as np


@dataclass(frozen=True)
class City:
    """A city where synthetic people live: Chinese name, area code with trunk zero."""

    name: str
    area_code: str
    province: str
    local_digits: int
    weight: float


# Weighted towards smaller cities in Guangdong, Hunan, Jiangxi and Henan, where many
# consumer-loan applicants live, with a few large cities where call centres sit.
CITIES: Final = (
    City("揭阳", "0663", "广东", 7, 6.0),
    City("汕头", "0754", "广东", 8, 4.0),
    City("潮州", "0768", "广东", 7, 2.0),
    City("广州", "020", "广东", 8, 5.0),
    City("深圳", "0755", "广东", 8, 6.0),
    City("东莞", "0769", "广东", 8, 4.0),
    City("长沙", "0731", "湖南", 8, 3.0),
    City("衡阳", "0734", "湖南", 7, 2.0),
    City("南昌", "0791", "江西", 8, 2.0),
    City("赣州", "0797", "江西", 7, 2.0),
    City("福州", "0591", "福建", 8, 2.0),
    City("泉州", "0595", "福建", 8, 2.0),
    City("郑州", "0371", "河南", 8, 3.0),
    City("周口", "0394", "河南", 7, 2.0),
    City("成都", "028", "四川", 8, 3.0),
    City("武汉", "027", "湖北", 8, 2.0),
    City("杭州", "0571", "浙江", 8, 2.0),
    City("上海", "021", "上海", 8, 2.0),
    City("北京", "010", "北京", 8, 2.0),
    City("天津", "022", "天津", 8, 1.0),
)
CITY_WEIGHTS: Final = tuple(city.weight for city in CITIES)
# Collection agencies and telemarketers in this model sit in these large cities.
CALL_CENTRE_CITIES: Final = tuple(
    index
    for index, city in enumerate(CITIES)
    if city.name in {"广州", "深圳", "成都", "武汉", "杭州", "上海"}
)

CMCC: Final = "cmcc"
UNICOM: Final = "unicom"
TELECOM: Final = "telecom"
VIRTUAL: Final = "virtual"

CARRIER_PREFIXES: Final[dict[str, tuple[str, ...]]] = {
    CMCC: (
        "134", "135", "136", "137", "138", "139", "147", "150", "151", "152", "157", "158",
        "159", "172", "178", "182", "183", "184", "187", "188", "195", "197", "198",
    ),
    UNICOM: ("130", "131", "132", "145", "155", "156", "166", "175", "176", "185", "186", "196"),
    TELECOM: ("133", "149", "153", "173", "177", "180", "181", "189", "190", "191", "193", "199"),
    # Mobile virtual network operators; popular with brokers and collectors because the
    # numbers are cheap and easy to drop.
    VIRTUAL: ("162", "165", "167", "170", "171"),
}  # fmt: skip
CARRIERS: Final = (CMCC, UNICOM, TELECOM, VIRTUAL)
# Subscriber shares, rounded, of the three network operators plus virtual operators.
MARKET_SHARES: Final = (0.58, 0.20, 0.20, 0.02)
# Brokers and collectors: far more virtual-operator numbers than the general population.
SHADY_SHARES: Final = (0.20, 0.12, 0.13, 0.55)

CARRIER_SERVICE_LINES: Final = {CMCC: "10086", UNICOM: "10010", TELECOM: "10000"}
BANK_LINES: Final = (
    "95588", "95533", "95599", "95566", "95555", "95559", "95568", "95558", "95561", "95580",
    "95595", "95528",
)  # fmt: skip
INSURER_LINES: Final = ("95511", "95518", "95519", "95500")
COURIER_LINES: Final = ("95338", "95311", "95554", "95546", "95543")

MOBILE: Final = "mobile"
LANDLINE: Final = "landline"
SERVICE: Final = "service"


def number_kind(number: str) -> str:
    """Classify a national-form number as mobile, landline or service."""
    if number.startswith("0"):
        return LANDLINE
    if len(number) == 11 and number.startswith("1"):
        return MOBILE
    return SERVICE


def format_unicom_peer(number: str, incoming: bool) -> str:
    """Write a peer number as the China Unicom monthly list does.

    Outgoing calls show the number as dialled. Incoming mobiles and landlines carry the
    international prefix ``0086``, and a landline also loses its trunk zero
    (``06632718281`` becomes ``00866632718281``). Service and ``400`` numbers stay as they are.
    """
    if not incoming:
        return number
    kind = number_kind(number)
    if kind == MOBILE:
        return "0086" + number
    if kind == LANDLINE:
        return "0086" + number[1:]
    return number


class NumberAllocator:
    """Draws unique random numbers; a number is never handed out twice.

    Fixed service lines are registered as used, so no drawn number equals one of them.
    """

    def __init__(self, rng: np.random.Generator) -> None:
        self._rng = rng
        self._used: set[str] = set(CARRIER_SERVICE_LINES.values())
        self._used.update(BANK_LINES, INSURER_LINES, COURIER_LINES)

    def mobiles(self, carriers: list[str]) -> list[str]:
        """Return one new mobile number per entry of ``carriers``, in order."""
        prefixes = [CARRIER_PREFIXES[carrier] for carrier in carriers]
        picks = self._rng.random(len(carriers))
        suffixes = self._rng.integers(0, 10**8, size=len(carriers))
        numbers: list[str] = []
        for options, pick, suffix in zip(prefixes, picks.tolist(), suffixes.tolist(), strict=True):
            prefix = options[int(pick * len(options))]
            candidate = f"{prefix}{suffix:08d}"
            while candidate in self._used:
                candidate = f"{prefix}{int(self._rng.integers(0, 10**8)):08d}"
            self._used.add(candidate)
            numbers.append(candidate)
        return numbers

    def landlines(self, cities: list[int]) -> list[str]:
        """Return one new landline per entry of ``cities`` (indexes into :data:`CITIES`)."""
        numbers: list[str] = []
        for city_index in cities:
            city = CITIES[city_index]
            low, high = 2 * 10 ** (city.local_digits - 1), 9 * 10 ** (city.local_digits - 1)
            candidate = city.area_code + str(int(self._rng.integers(low, high)))
            while candidate in self._used:
                candidate = city.area_code + str(int(self._rng.integers(low, high)))
            self._used.add(candidate)
            numbers.append(candidate)
        return numbers

    def call_centre_numbers(self, count: int) -> list[str]:
        """Return ``count`` new 10-digit ``400`` numbers, most of them ``4008xxxxxx``."""
        numbers: list[str] = []
        for _ in range(count):
            candidate = self._draw_400()
            while candidate in self._used:
                candidate = self._draw_400()
            self._used.add(candidate)
            numbers.append(candidate)
        return numbers

    def _draw_400(self) -> str:
        fourth = "8" if self._rng.random() < 0.6 else str(int(self._rng.choice([1, 6, 7, 9])))
        return f"400{fourth}{int(self._rng.integers(0, 10**6)):06d}"


def draw_carriers(rng: np.random.Generator, count: int, shares: tuple[float, ...]) -> list[str]:
    """Return ``count`` carrier names drawn with the given shares of :data:`CARRIERS`."""
    picks = rng.choice(len(CARRIERS), size=count, p=np.array(shares) / sum(shares))
    return [CARRIERS[index] for index in picks.tolist()]
