"""factory_boy factory for the poverty standards: an administrator's rule for which standard a
review year uses. It has no service (the audited admin writes it), so it is written as a row."""

from __future__ import annotations

from factory.django import DjangoModelFactory

from vuonlen.households.models import PovertyYearStandard


class YearStandardFactory(DjangoModelFactory):
    """The end-2026 review kept on the 2022–2025 standard (Decree 07/2021), with its reason."""

    class Meta:
        model = PovertyYearStandard

    year = 2026
    standard = "ND07_2021"
    reason = "Công văn hướng dẫn rà soát 2026"
