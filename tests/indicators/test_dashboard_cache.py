"""The dashboards' figures are cached per roll-up version (issue 17): a second load reads them
from the cache with fewer queries, and a saved assessment or a new target shows on the very next
load because the roll-up refresh (or the target's save) moves the version."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from vuonlen.accounts.scoping import SYSTEM
from vuonlen.campaign import services as campaign_services
from vuonlen.campaign.models import CRITERIA_FIELDS, Assessment
from vuonlen.indicators import figures_cache

from .factories import TargetFactory
from .test_dashboards import YEAR, build_world, card, commune_x, dashboard_url, login, province_viewer  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(commune_a, commune_b, commune_x):  # noqa: F811
    return build_world(commune_a, commune_b, commune_x)


def _load(client, unit):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(dashboard_url(unit, year=YEAR))
    assert response.status_code == 200
    return response, len(queries)


def test_a_saved_assessment_shows_on_the_next_load(client, world, kontum, province_viewer,
                                                   django_capture_on_commit_callbacks):
    login(client, province_viewer)
    first, cold = _load(client, kontum)
    assert (card(first, "NEP_NGHI").row.numerator, card(first, "NEP_NGHI").row.denominator) == (4, 8)
    again, warm = _load(client, kontum)
    assert warm < cold  # the evaluated figures came from the cache
    assert card(again, "NEP_NGHI").row.numerator == 4

    assessment = Assessment.objects.filter(household__in=world["homes"][world["x"].pk]).first()
    data = {field: getattr(assessment, field) for field in CRITERIA_FIELDS} | {
        "assessed_on": assessment.assessed_on, "changed_thinking": True}
    with django_capture_on_commit_callbacks(execute=True):  # the refresh runs on commit, as in production
        # The assessment page's save: the service schedules the roll-ups' refresh.
        campaign_services.assessment_record(actor=SYSTEM, household=assessment.household, year=assessment.year,
                                            data=data, expected_version=assessment.version, source="test")

    after, _queries = _load(client, kontum)
    assert (card(after, "NEP_NGHI").row.numerator, card(after, "NEP_NGHI").row.denominator) == (5, 8)
    assert card(after, "NEP_NGHI").value_text == "62,5%"


def test_a_saved_assessment_leaves_other_units_figures_cached(client, world, kontum, commune_a, commune_x,
                                                              province_viewer, django_capture_on_commit_callbacks):
    """Versions per unit: an assessment saved in commune X (another district) recomputes the
    province's and X's figures on their next load, and leaves commune A's cached."""
    from vuonlen.indicators import rollups

    # The test's transaction is the outermost block: refresh what building the world scheduled
    # in it first, as each of those requests would have on its own commit.
    with django_capture_on_commit_callbacks(execute=True):
        rollups.schedule([(world["x"].pk, YEAR, "assessment")])
    login(client, province_viewer)
    _cold_a, cold = _load(client, commune_a)
    _warm_a, warm = _load(client, commune_a)
    assert warm < cold
    _load(client, kontum)
    _mindset_changed_in_x(world, django_capture_on_commit_callbacks)
    after_a, queries_a = _load(client, commune_a)
    assert queries_a == warm, (cold, warm, queries_a)  # A's figures still cached
    assert (card(after_a, "NEP_NGHI").row.numerator, card(after_a, "NEP_NGHI").row.denominator) == (3, 5)
    after_province, queries_province = _load(client, kontum)
    assert queries_province > warm  # the province's recomputed
    assert (card(after_province, "NEP_NGHI").row.numerator, card(after_province, "NEP_NGHI").row.denominator) == (5, 8)
    after_x, _queries = _load(client, commune_x)
    assert (card(after_x, "NEP_NGHI").row.numerator, card(after_x, "NEP_NGHI").row.denominator) == (1, 2)


def test_a_new_target_shows_on_the_next_load(client, world, kontum, province_viewer):
    login(client, province_viewer)
    before, _queries = _load(client, kontum)
    assert card(before, "NEP_NGHI").row.target_kind != "year"
    TargetFactory(indicator="NEP_NGHI", unit=kontum, year=YEAR, value=Decimal("80"))
    after, _queries = _load(client, kontum)
    assert card(after, "NEP_NGHI").row.target == 80.0
    assert card(after, "NEP_NGHI").target_text == "≥ 80,0%"


def test_a_lost_version_key_starts_afresh():
    from django.core.cache import cache

    calls = []
    assert figures_cache.cached(("probe",), lambda: calls.append(1) or "a") == "a"
    assert figures_cache.cached(("probe",), lambda: calls.append(1) or "b") == "a"
    cache.delete(figures_cache.VERSION_KEY)  # evicted, or the cache restarted
    assert figures_cache.cached(("probe",), lambda: calls.append(1) or "c") == "c"
    figures_cache.bump()
    assert figures_cache.cached(("probe",), lambda: calls.append(1) or "d") == "d"
    assert len(calls) == 3


def test_a_unit_with_many_children_is_cached_under_a_key_any_cache_accepts():
    """A commune's forty villages made a key of 300+ characters, which memcached refuses
    (Django warned on every load); long descriptions are hashed, distinct ones stay distinct."""
    import warnings

    from django.core.cache.backends.base import CacheKeyWarning

    from vuonlen.indicators import figures_cache

    calls = []
    many = ",".join(str(n) for n in range(7552, 7592))
    other = ",".join(str(n) for n in range(7552, 7593))
    with warnings.catch_warnings():
        warnings.simplefilter("error", CacheKeyWarning)
        first = figures_cache.cached(("unit", 7551, many, 2023), lambda: calls.append(1) or "a", unit=7551)
        again = figures_cache.cached(("unit", 7551, many, 2023), lambda: calls.append(1) or "b", unit=7551)
        apart = figures_cache.cached(("unit", 7551, other, 2023), lambda: calls.append(1) or "c", unit=7551)
    assert (first, again, apart) == ("a", "a", "c")
    assert len(calls) == 2


def test_the_figure_sections_are_kept_as_drawn_and_follow_every_change_at_once(
        client, world, kontum, commune_a, province_viewer, django_capture_on_commit_callbacks):
    """The cards, who is behind, the ranking, the trend and the poverty dynamics are kept as markup
    between views (issue 17), under the figures' versioned key, the tree's version, the reader's
    household permission and the language: a saved assessment, a renamed district, another reader
    and the other language each show on the very next view."""
    from django.urls import reverse

    from tests import factories
    from vuonlen.accounts.roles import Role

    from .test_dashboards import commune_a_parent_name

    def nep(html):  # the card of "changed mindset and practices"
        return html.split('id="card-NEP_NGHI"', 1)[1].split("</article>", 1)[0]

    def page(user=province_viewer, unit=kontum, language="vi"):
        client.cookies["django_language"] = language
        response = login(client, user).get(dashboard_url(unit, year=YEAR))
        assert response.status_code == 200
        html = response.content.decode()
        return html[html.index('id="cards-heading"'):html.index('id="coverage-heading"')]

    first = page()
    assert "50,0%" in nep(first) and commune_a_parent_name(world) in first
    assert page() == first  # drawn from the cache
    _mindset_changed_in_x(world, django_capture_on_commit_callbacks)
    after = page()
    assert "62,5%" in nep(after) and "5 / 8" in nep(after)
    district = commune_a.parent
    district.set_name("Thành phố Kon Tum Mới")
    district.save()
    assert "Thành phố Kon Tum Mới" in page()
    assert "Kết quả so với chỉ tiêu" in page() and "Kết quả so với chỉ tiêu" not in page(language="en")
    # The same commune for a reader who may open its households (links) and one who may not.
    households = reverse("indicators:dashboard_households", args=[world["a1"].pk])
    officer = factories.make_user(Role.COMMUNE_OFFICER, commune_a, username="canbo.qt.kept")
    reporter = factories.make_user(Role.REPORTING_UNIT, commune_a.parent, username="donvi.kept")
    assert households in page(officer, commune_a)
    assert households not in page(reporter, commune_a)
    assert households in page(officer, commune_a)


def _mindset_changed_in_x(world, django_capture_on_commit_callbacks) -> None:
    """One household of commune X (another district) assessed again, now with its mindset
    changed, committed (the figures' versions move on commit)."""
    assessment = Assessment.objects.filter(household__in=world["homes"][world["x"].pk]).first()
    data = {field: getattr(assessment, field) for field in CRITERIA_FIELDS} | {
        "assessed_on": assessment.assessed_on, "changed_thinking": True}
    with django_capture_on_commit_callbacks(execute=True):
        campaign_services.assessment_record(actor=SYSTEM, household=assessment.household, year=assessment.year,
                                            data=data, expected_version=assessment.version, source="test")
