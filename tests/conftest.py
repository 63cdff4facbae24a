from __future__ import annotations

import pytest

from vuonlen.geo.loaders import load_province
from vuonlen.geo.models import AdministrativeUnit

from . import factories

# Browser fixtures (Playwright + Debian Chromium) for every folder's browser tests: one plugin,
# so one Playwright per session however many folders use them.
pytest_plugins = ["tests.browser_fixtures"]

KON_TUM = 62


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load the real Kon Tum units once into the test database."""
    with django_db_blocker.unblock():
        load_province(KON_TUM)


@pytest.fixture(autouse=True)
def _vietnamese_by_default():
    """Each test starts in Vietnamese, the site's language: a test that switched to English (the
    LocaleMiddleware activates the language for the thread) must not leave it for the next."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache: a test's rolled-back data must not answer the next
    test's question from the cache (the dashboards' figures are cached per roll-up version)."""
    from django.core.cache import cache

    cache.clear()
    yield



@pytest.fixture
def kontum(db):
    """The real units; reloaded when a transactional test has flushed them."""
    if not AdministrativeUnit.objects.exists():
        load_province(KON_TUM)
    return factories.unit("62", level=1)


@pytest.fixture
def commune_a(kontum):
    return factories.unit("23281")  # Phường Quang Trung, TP Kon Tum


@pytest.fixture
def commune_b(kontum):
    return factories.unit("23284")  # Phường Duy Tân, TP Kon Tum (pre-2025 code 23284; post-2025 23284 is Đăk Cấm)
