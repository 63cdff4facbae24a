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
from .standards import AREAS, RURAL, SCORE_B_PER_INDICATOR, STANDARDS, URBAN, Indicator, Standard, standard_for_year

__all__ = [
    "AREAS",
    "LINE_KEYS",
    "RURAL",
    "SCORE_B_PER_INDICATOR",
    "STANDARDS",
    "STATUS_LABELS_VI",
    "URBAN",
    "Classification",
    "Indicator",
    "InvalidClassification",
    "Standard",
    "Status",
    "classify",
    "standard_for_year",
]
