"""Reference data and validators: credit codes, regions, industries, SME size classes.

Pure Python, no Flask or database imports.
"""

from marketplace.reference.credit_code import (
    CHARSET,
    WEIGHTS,
    InvalidCreditCode,
    check_character,
    mask_credit_code,
    normalize_credit_code,
)
from marketplace.reference.industries import (
    INDUSTRIES,
    SECTION_DIVISIONS,
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
from marketplace.reference.size_classes import (
    SIZE_CLASS_NAMES,
    SIZE_GROUPS,
    Classification,
    Condition,
    SizeGroup,
    classify,
    describe,
    group_choices_for_industry,
    group_for_industry,
    size_class_name,
)

__all__ = [
    "CHARSET",
    "CITIES",
    "INDUSTRIES",
    "PROVINCE",
    "REGIONS",
    "SECTIONS",
    "SECTION_DIVISIONS",
    "SIZE_CLASS_NAMES",
    "SIZE_GROUPS",
    "WEIGHTS",
    "Classification",
    "Condition",
    "Industry",
    "InvalidCreditCode",
    "Region",
    "SizeGroup",
    "check_character",
    "classify",
    "describe",
    "divisions_of",
    "get_industry",
    "get_region",
    "group_choices_for_industry",
    "group_for_industry",
    "is_industry",
    "is_region",
    "mask_credit_code",
    "normalize_credit_code",
    "search_industries",
    "size_class_name",
]
