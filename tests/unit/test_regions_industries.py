"""Guangdong regions (GB/T 2260) and industries (GB/T 4754-2017)."""

from __future__ import annotations

import pytest

from marketplace.reference.industries import (
    INDUSTRIES,
    SECTIONS,
    Industry,
    divisions_of,
    get_industry,
    is_industry,
    search_industries,
)
from marketplace.reference.regions import (
    CITIES,
    PROVINCE,
    REGIONS,
    Region,
    get_region,
    is_region,
)
from matching.coverage import industry_keys, open_to, region_keys

# --- regions -----------------------------------------------------------------

# fmt: off
CITY_CODES = [
    "440100", "440200", "440300", "440400", "440500", "440600", "440700",
    "440800", "440900", "441200", "441300", "441400", "441500", "441600",
    "441700", "441800", "441900", "442000", "445100", "445200", "445300",
]
# fmt: on


def test_region_table_shape() -> None:
    assert PROVINCE == "440000"
    assert list(REGIONS) == [PROVINCE, *CITY_CODES]
    assert [c.code for c in CITIES] == CITY_CODES
    assert len(CITIES) == 21
    assert all(code == r.code for code, r in REGIONS.items())


@pytest.mark.parametrize(
    ("code", "zh", "en"),
    [
        ("440000", "广东省", "Guangdong Province"),
        ("440100", "广州市", "Guangzhou"),
        ("440300", "深圳市", "Shenzhen"),
        ("441900", "东莞市", "Dongguan"),
        ("442000", "中山市", "Zhongshan"),
        ("445300", "云浮市", "Yunfu"),
    ],
)
def test_region_names(code: str, zh: str, en: str) -> None:
    region = get_region(code)
    assert region == Region(code, zh, en)
    assert region.name("zh") == zh
    assert region.name("zh_Hans_CN") == zh
    assert region.name("en") == en
    assert region.name("en_US") == en


def test_region_is_frozen() -> None:
    with pytest.raises(AttributeError):
        get_region("440100").name_zh = "x"  # type: ignore[misc]


@pytest.mark.parametrize("code", ["441000", "450000", "", "4401", "110000"])
def test_unknown_region(code: str) -> None:
    assert not is_region(code)
    with pytest.raises(KeyError, match="Unknown Guangdong region code"):
        get_region(code)


def test_is_region() -> None:
    assert is_region("440000")
    assert is_region("445200")
    assert not is_region(None)
    assert not is_region(440100)


@pytest.mark.parametrize(
    ("offer", "region", "covered"),
    [
        ([], "440100", True),
        ([], None, True),
        (["440000"], "445300", True),
        (["440000"], None, True),
        (["440300", "440000"], "440100", True),
        (["440100", "440300"], "440300", True),
        (["440100", "440300"], "440400", False),
        (["440100"], None, False),
        (("440100",), "440100", True),
    ],
)
def test_region_coverage(offer: list[str], region: str | None, covered: bool) -> None:
    assert open_to(offer, region_keys(region, PROVINCE)) is covered


# --- industries ---------------------------------------------------------------

# fmt: off
SECTION_RANGES = {
    "A": (1, 5), "B": (6, 12), "C": (13, 43), "D": (44, 46), "E": (47, 50),
    "F": (51, 52), "G": (53, 60), "H": (61, 62), "I": (63, 65), "J": (66, 69),
    "K": (70, 70), "L": (71, 72), "M": (73, 75), "N": (76, 79), "O": (80, 82),
    "P": (83, 83), "Q": (84, 85), "R": (86, 90), "S": (91, 96), "T": (97, 97),
}
# fmt: on


def test_industry_table_shape() -> None:
    assert [s.code for s in SECTIONS] == list("ABCDEFGHIJKLMNOPQRST")
    divisions = [i for i in INDUSTRIES.values() if i.code != i.section]
    assert len(divisions) == 97
    assert [int(d.code[1:]) for d in divisions] == list(range(1, 98))
    assert len(INDUSTRIES) == 117
    expected_order = []
    for letter, (lo, hi) in SECTION_RANGES.items():
        expected_order.append(letter)
        expected_order.extend(f"{letter}{n:02d}" for n in range(lo, hi + 1))
    assert list(INDUSTRIES) == expected_order
    for industry in INDUSTRIES.values():
        assert industry.name_zh and industry.name_en
        assert industry.code.startswith(industry.section)


@pytest.mark.parametrize(("section", "bounds"), SECTION_RANGES.items())
def test_divisions_of(section: str, bounds: tuple[int, int]) -> None:
    lo, hi = bounds
    codes = [d.code for d in divisions_of(section)]
    assert codes == [f"{section}{n:02d}" for n in range(lo, hi + 1)]
    assert all(d.section == section for d in divisions_of(section.lower()))


def test_divisions_of_unknown() -> None:
    with pytest.raises(KeyError, match="section"):
        divisions_of("Z")
    with pytest.raises(KeyError):
        divisions_of("C39")


@pytest.mark.parametrize(
    ("code", "zh"),
    [
        ("A", "农、林、牧、渔业"),
        ("C", "制造业"),
        ("D", "电力、热力、燃气及水生产和供应业"),
        ("G", "交通运输、仓储和邮政业"),
        ("I", "信息传输、软件和信息技术服务业"),
        ("S", "公共管理、社会保障和社会组织"),
        ("A05", "农、林、牧、渔专业及辅助性活动"),
        ("B11", "开采专业及辅助性活动"),
        ("C18", "纺织服装、服饰业"),
        ("C26", "化学原料和化学制品制造业"),
        ("C38", "电气机械和器材制造业"),
        ("C39", "计算机、通信和其他电子设备制造业"),
        ("C43", "金属制品、机械和设备修理业"),
        ("F51", "批发业"),
        ("F52", "零售业"),
        ("G58", "多式联运和运输代理业"),
        ("G59", "装卸搬运和仓储业"),
        ("G60", "邮政业"),
        ("H61", "住宿业"),
        ("H62", "餐饮业"),
        ("I63", "电信、广播电视和卫星传输服务"),
        ("I64", "互联网和相关服务"),
        ("I65", "软件和信息技术服务业"),
        ("K70", "房地产业"),
        ("L71", "租赁业"),
        ("L72", "商务服务业"),
        ("O81", "机动车、电子产品和日用产品修理业"),
        ("S96", "基层群众自治组织及其他组织"),
        ("T97", "国际组织"),
    ],
)
def test_official_names(code: str, zh: str) -> None:
    assert get_industry(code).name_zh == zh


def test_industry_names_and_labels() -> None:
    c39 = get_industry("C39")
    assert c39 == INDUSTRIES["C39"]
    assert c39.section == "C"
    assert c39.label("zh") == "C39 计算机、通信和其他电子设备制造业"
    assert c39.label("en").startswith("C39 Manufacture of Computers")
    assert c39.name("en_GB") == c39.name_en
    assert get_industry("C").label("zh_CN") == "C 制造业"
    assert isinstance(get_industry("I65"), Industry)


def test_get_industry_normalises_and_rejects() -> None:
    assert get_industry(" c39 ").code == "C39"
    assert is_industry("i65")
    for bad in ["C44", "Z", "39", "", "C3", "U"]:
        assert not is_industry(bad)
        with pytest.raises(KeyError, match="Unknown GB/T 4754-2017 industry code"):
            get_industry(bad)
    assert not is_industry(None)


@pytest.mark.parametrize(
    ("offer", "sme", "covered"),
    [
        ("C", "C39", True),
        ("C", "C", True),
        ("C", "C13", True),
        ("C", "F51", False),
        ("C39", "C39", True),
        ("C39", "C38", False),
        ("C39", "C", True),  # an enterprise known only by its section: any of its divisions
        ("F", "F", True),
        ("F51", "F", True),
        ("F51", "C", False),
        ("K", "K70", True),
        ("K70", "K", True),
        ("K70", None, False),
    ],
)
def test_industry_coverage(offer: str, sme: str | None, covered: bool) -> None:
    sections = {s.code: [d.code for d in divisions_of(s.code)] for s in SECTIONS}
    assert open_to([offer], industry_keys(sme, sections)) is covered
    assert open_to([], industry_keys(sme, sections))  # an empty list is open to every industry


def test_search_by_chinese_english_and_code() -> None:
    assert {i.code for i in search_industries("软件")} == {"I", "I65"}
    assert {i.code for i in search_industries("SOFTWARE")} == {"I", "I65"}
    assert [i.code for i in search_industries("c39")] == ["C39"]
    assert "C39" in [i.code for i in search_industries("电子设备")]
    assert [i.code for i in search_industries("ship", locale="en")] == ["C37", "S95"]
    assert search_industries("no such thing") == []
    assert len(search_industries("")) == len(INDUSTRIES)
    assert list(search_industries("   ")) == list(INDUSTRIES.values())


def test_search_ranking() -> None:
    # Exact code first, then code prefix, in code order.
    assert [i.code for i in search_industries("c")][:3] == ["C", "C13", "C14"]
    assert [i.code for i in search_industries("C3")] == [f"C{n}" for n in range(30, 40)]
    # Name prefix before other matches.
    assert [i.code for i in search_industries("零售")] == ["F52", "F"]
    assert [i.code for i in search_industries("software")] == ["I65", "I"]
    assert [i.code for i in search_industries("零售", locale="zh_CN")] == ["F52", "F"]


def test_search_locale_selects_prefix_name() -> None:
    # In English the Chinese name does not count for the prefix rank.
    assert [i.code for i in search_industries("零售", locale="en")] == ["F", "F52"]
    assert [i.code for i in search_industries("software", locale="en")] == ["I65", "I"]
    assert [i.code for i in search_industries("software", locale="zh")] == ["I", "I65"]
