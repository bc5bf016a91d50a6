"""Guangdong administrative divisions (GB/T 2260): the province and its cities."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

__all__ = [
    "CITIES",
    "PROVINCE",
    "REGIONS",
    "Region",
    "get_region",
    "is_region",
]


@dataclass(frozen=True)
class Region:
    """A GB/T 2260 administrative division with Chinese and English names."""

    code: str
    name_zh: str
    name_en: str

    def name(self, locale: str) -> str:
        """Return the English name for locales starting with "en", else Chinese."""
        return self.name_en if locale.lower().startswith("en") else self.name_zh


PROVINCE: Final = "440000"

_TABLE: Final[tuple[tuple[str, str, str], ...]] = (
    (PROVINCE, "广东省", "Guangdong Province"),
    ("440100", "广州市", "Guangzhou"),
    ("440200", "韶关市", "Shaoguan"),
    ("440300", "深圳市", "Shenzhen"),
    ("440400", "珠海市", "Zhuhai"),
    ("440500", "汕头市", "Shantou"),
    ("440600", "佛山市", "Foshan"),
    ("440700", "江门市", "Jiangmen"),
    ("440800", "湛江市", "Zhanjiang"),
    ("440900", "茂名市", "Maoming"),
    ("441200", "肇庆市", "Zhaoqing"),
    ("441300", "惠州市", "Huizhou"),
    ("441400", "梅州市", "Meizhou"),
    ("441500", "汕尾市", "Shanwei"),
    ("441600", "河源市", "Heyuan"),
    ("441700", "阳江市", "Yangjiang"),
    ("441800", "清远市", "Qingyuan"),
    ("441900", "东莞市", "Dongguan"),
    ("442000", "中山市", "Zhongshan"),
    ("445100", "潮州市", "Chaozhou"),
    ("445200", "揭阳市", "Jieyang"),
    ("445300", "云浮市", "Yunfu"),
)

REGIONS: Final[dict[str, Region]] = {row[0]: Region(*row) for row in _TABLE}
CITIES: Final[tuple[Region, ...]] = tuple(r for r in REGIONS.values() if r.code != PROVINCE)


def get_region(code: str) -> Region:
    """Return the region with this 6-digit code.

    Raises KeyError if the code is not Guangdong province or one of its cities.
    """
    try:
        return REGIONS[code]
    except (KeyError, TypeError):
        raise KeyError(f"Unknown Guangdong region code: {code!r}") from None


def is_region(code: object) -> bool:
    """Return True if ``code`` is a known region code. Never raises."""
    return isinstance(code, str) and code in REGIONS
