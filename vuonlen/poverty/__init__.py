"""The national poverty standards as pure Python: lines, indicators, scores, classification.

No Django here (apps.py and management/ aside, which Django alone loads): the rules are read
against the law and tested without a database. Other rooms use only what is re-exported below.
"""

from .classification import (
    LINE_KEYS,
    STATUS_LABELS_VI,
    Classification,
    InvalidClassification,
    Status,
    classify,
)
from .standards import (
    AREAS,
    DEFAULT_YEAR_RULES,
    RURAL,
    SCORE_B_PER_INDICATOR,
    STANDARDS,
    URBAN,
    Indicator,
    Standard,
    YearRule,
    check_overrides,
    standard_for_year,
    year_rule,
    year_rules,
)

__all__ = [
    "AREAS",
    "DEFAULT_YEAR_RULES",
    "LINE_KEYS",
    "RURAL",
    "SCORE_B_PER_INDICATOR",
    "STANDARDS",
    "STATUS_LABELS_VI",
    "URBAN",
    "YearRule",
    "check_overrides",
    "Classification",
    "Indicator",
    "InvalidClassification",
    "Standard",
    "Status",
    "classify",
    "standard_for_year",
    "year_rule",
    "year_rules",
]
