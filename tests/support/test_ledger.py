"""The resource ledger: validation, loans, totals by every dimension, scope, export."""

from __future__ import annotations

import io
import random
from collections import defaultdict

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import reverse

from tests.support.factories import EntryFactory
from tests.twinning.worlds import D
from vuonlen.accounts.scoping import SYSTEM
from vuonlen.core.audit import history_for
from vuonlen.core.formats import parse_vnd
from vuonlen.core.models import AuditLog
from vuonlen.support import selectors, services
from vuonlen.support.models import Kind, LoanStatus, Source, SupportEntry

pytestmark = pytest.mark.django_db


def give(world, *, actor=SYSTEM, source=Source.SOCIAL, kind=Kind.CASH, value=1_000_000, date=D(2022, 3, 1), **kw):
    if not any(k in kw for k in ("household", "initiative", "unit")):
        kw["unit"] = world.village
    return EntryFactory(actor=actor, source=source, kind=kind, value_vnd=value, date=date, **kw)


def loan(world, household, value=50_000_000, date=D(2023, 1, 10), term=36):
    return give(world, source=Source.POLICY_BANK, kind=Kind.LOAN, value=value, date=date, household=household,
                giver=world.bank, loan_term_months=term, loan_interest="0,66%/tháng")


# --- validation ------------------------------------------------------------------------------

def test_parse_vnd_reads_vietnamese_grouping_and_refuses_nonsense():
    assert parse_vnd("1.500.000") == 1_500_000
    assert parse_vnd("1,500,000") == 1_500_000
    assert parse_vnd(2_000) == 2_000
    for bad in ("", "abc", "-5", "0", "1,5"):
        with pytest.raises(ValueError):
            parse_vnd(bad)


def test_entry_reports_every_error_at_once_and_writes_nothing(world):
    with pytest.raises(ValidationError) as exc:
        services.entry_record(actor=world.officer, source="", kind="", value_vnd="mười triệu", date=None,
                              unit=world.village, loan_term_months=12)
    assert set(exc.value.message_dict) == {"source", "kind", "value_vnd", "date", "loan_term_months"}
    assert not SupportEntry.objects.exists()


def test_exactly_one_recipient(world):
    household = world.households(1)[0]
    with pytest.raises(ValidationError) as exc:
        services.entry_record(actor=world.officer, source=Source.SOCIAL, kind=Kind.CASH, value_vnd=1000,
                              date=D(2022, 1, 1))
    assert "Chưa chọn đối tượng nhận" in exc.value.message_dict["recipient"][0]
    with pytest.raises(ValidationError) as exc:
        give(world, actor=world.officer, household=household, unit=world.village)
    assert "một đối tượng nhận" in exc.value.message_dict["recipient"][0]
    with pytest.raises(ValidationError) as exc:
        give(world, unit=world.district)
    assert "không phải thôn hay xã" in exc.value.message_dict["recipient"][0]


def test_source_rules_policy_bank_is_a_loan_and_partners_are_named(world):
    with pytest.raises(ValidationError) as exc:
        give(world, source=Source.POLICY_BANK, kind=Kind.CASH)
    assert "Vốn vay" in exc.value.message_dict["kind"][0]
    with pytest.raises(ValidationError) as exc:
        give(world, source=Source.ENTERPRISE)
    assert "đơn vị hỗ trợ" in exc.value.message_dict["giver"][0]


def test_entry_is_audited_and_takes_the_households_unit(world):
    household = world.households(1)[0]
    entry = give(world, actor=world.officer, household=household, value="12.000.000", kind=Kind.LIVESTOCK,
                 description="2 con bò giống")
    assert entry.value_vnd == 12_000_000 and entry.unit == household.unit and entry.recipient_kind == "household"
    log = history_for(entry).get(action="create")
    assert log.actor == world.officer and log.object_repr.startswith("Con giống 12.000.000 đồng")


# --- loans ----------------------------------------------------------------------------------

def test_loan_repayments_move_status_to_repaid_and_overpaying_is_refused(world):
    household = world.households(1)[0]
    entry = loan(world, household, value=30_000_000, date=D(2024, 1, 10), term=60)
    assert entry.loan_status == LoanStatus.CURRENT
    services.repayment_record(actor=world.officer, entry=entry, date=D(2024, 6, 1), amount_vnd="10.000.000")
    with pytest.raises(ValidationError) as exc:
        services.repayment_record(actor=world.officer, entry=entry, date=D(2023, 1, 1), amount_vnd="25.000.000")
    assert set(exc.value.message_dict) == {"amount_vnd", "date"}
    services.repayment_record(actor=world.officer, entry=entry, date=D(2024, 12, 1), amount_vnd=20_000_000)
    entry.refresh_from_db()
    assert entry.loan_status == LoanStatus.REPAID
    with pytest.raises(ValidationError):
        services.repayment_record(actor=world.officer, entry=entry, date=D(2025, 1, 1), amount_vnd=1)


def test_loans_past_maturity_become_overdue_and_can_be_marked(world):
    household = world.households(1)[0]
    old = loan(world, household, date=D(2021, 1, 10), term=12)  # due 10/01/2022: already overdue
    assert old.loan_status == LoanStatus.OVERDUE
    fresh = loan(world, household, date=D(2024, 6, 1), term=60)
    assert services.loans_refresh_overdue(actor=SYSTEM, today=D(2030, 1, 1)) == 1
    fresh.refresh_from_db()
    assert fresh.loan_status == LoanStatus.OVERDUE
    other = loan(world, household, date=D(2024, 7, 1), term=60)
    services.loan_set_status(actor=world.officer, entry=other, status=LoanStatus.OVERDUE)
    other.refresh_from_db()
    assert other.loan_status == LoanStatus.OVERDUE
    with pytest.raises(ValidationError):
        services.loan_set_status(actor=world.officer, entry=other, status=LoanStatus.REPAID)
    with pytest.raises(ValidationError):
        give(world, kind=Kind.LOAN, source=Source.POLICY_BANK, unit=world.village, loan_term_months=12)


# --- totals ---------------------------------------------------------------------------------

def _random_ledger(world):
    rng = random.Random(7)
    households = world.households(4) + world.households(3, unit=world.commune2, prefix="K") \
        + world.households(2, unit=world.other_commune, prefix="P")
    targets = [{"household": h} for h in households] + [{"unit": world.village2}, {"unit": world.commune2}]
    sources = [s for s in Source.values if s not in (Source.POLICY_BANK, Source.ENTERPRISE, Source.TWINNING)]
    kinds = [k for k in Kind.values if k != Kind.LOAN]
    entries = []
    for _ in range(60):
        entries.append(give(world, source=rng.choice(sources), kind=rng.choice(kinds),
                            value=rng.randrange(1, 200) * 500_000,
                            date=D(rng.choice([2021, 2022, 2023, 2024]), rng.randint(1, 12), rng.randint(1, 28)),
                            **rng.choice(targets)))
    entries.append(loan(world, households[0]))
    return entries


def _sums(entries, key):
    value, count, households = defaultdict(int), defaultdict(int), defaultdict(set)
    for e in entries:
        k = key(e)
        value[k] += e.value_vnd
        count[k] += 1
        if e.household_id:
            households[k].add(e.household_id)
    return {k: (value[k], count[k], len(households[k])) for k in value}


def test_totals_by_every_dimension_match_independent_sums(world):
    entries = _random_ledger(world)
    totals = selectors.ledger_totals(world.province_secretary)
    assert totals.value_vnd == sum(e.value_vnd for e in entries)
    assert totals.entries == len(entries)
    assert totals.households == len({e.household_id for e in entries if e.household_id})
    assert {r.key: (r.value_vnd, r.entries, r.households) for r in totals.by_source} == _sums(entries, lambda e: e.source)
    assert {r.key: (r.value_vnd, r.entries, r.households) for r in totals.by_kind} == _sums(entries, lambda e: e.kind)
    assert {r.key: (r.value_vnd, r.entries, r.households) for r in totals.by_year} == \
        _sums(entries, lambda e: str(e.date.year))
    # By unit, rolled up: the province's districts, each summing its communes and villages.
    assert totals.unit_base == world.province
    by_unit = {r.key: (r.value_vnd, r.entries, r.households) for r in totals.by_unit if r.entries}
    district_of = {world.district.pk: [world.commune, world.commune2],
                   world.other_district.pk: [world.other_commune]}
    expected = {str(d): v for d, v in _sums(entries, lambda e: next(
        d for d, cs in district_of.items() if any(e.unit.path.startswith(c.path) for c in cs))).items()}
    assert by_unit == expected


def test_totals_filtered_by_unit_roll_up_villages_into_the_commune(world):
    entries = _random_ledger(world)
    filters = selectors.LedgerFilters(unit=world.district, year=2022)
    totals = selectors.ledger_totals(world.province_secretary, filters)
    mine = [e for e in entries if e.unit.path.startswith(world.district.path) and e.date.year == 2022]
    assert totals.value_vnd == sum(e.value_vnd for e in mine)
    rows = {r.unit.pk: r for r in totals.by_unit if r.unit}
    in_commune = [e for e in mine if e.unit.path.startswith(world.commune.path)]
    assert rows[world.commune.pk].value_vnd == sum(e.value_vnd for e in in_commune)
    assert any(e.unit_id == world.village.pk for e in in_commune)  # villages really were rolled up


def test_source_kind_and_date_filters(world):
    entries = _random_ledger(world)
    filters = selectors.LedgerFilters(source=Source.SOCIAL, kind=Kind.LIVESTOCK, date_from=D(2022, 1, 1),
                                      date_to=D(2023, 6, 30))
    expected = [e for e in entries if e.source == Source.SOCIAL and e.kind == Kind.LIVESTOCK
                and D(2022, 1, 1) <= e.date <= D(2023, 6, 30)]
    assert selectors.ledger_totals(SYSTEM, filters).value_vnd == sum(e.value_vnd for e in expected)


# --- scope ----------------------------------------------------------------------------------

def test_commune_officer_sees_only_its_communes_ledger(world, client):
    mine = give(world, actor=world.officer, unit=world.village)
    theirs = give(world, actor=world.officer2, unit=world.commune2, value=7_000_000)
    assert list(selectors.entries_visible_to(world.officer)) == [mine]
    assert selectors.ledger_totals(world.officer).value_vnd == mine.value_vnd
    with pytest.raises(Http404):
        selectors.get_entry_for_user_or_404(world.officer, theirs.pk)
    with pytest.raises((Http404, PermissionDenied)):
        give(world, actor=world.officer, unit=world.commune2)
    client.force_login(world.officer)
    assert client.get(reverse("support:entry_detail", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("support:entry_detail", args=[mine.pk])).status_code == 200
    listing = client.get(reverse("support:entry_list")).content.decode()
    assert reverse("support:entry_detail", args=[mine.pk]) in listing
    assert reverse("support:entry_detail", args=[theirs.pk]) not in listing
    workbook = openpyxl.load_workbook(io.BytesIO(client.get(reverse("support:totals_export")).content))
    detail = list(workbook["Chi tiết"].iter_rows(min_row=2, values_only=True))
    assert [row[9] for row in detail] == [mine.value_vnd]


def test_reporting_unit_sees_and_records_only_what_it_gave(world):
    ours = give(world, actor=world.rubber_user, source=Source.ENTERPRISE, giver=world.rubber, unit=world.village)
    give(world, source=Source.SOCIAL, unit=world.village)
    assert list(selectors.entries_visible_to(world.rubber_user)) == [ours]
    with pytest.raises((PermissionDenied, Http404)):
        give(world, actor=world.rubber_user, source=Source.ENTERPRISE, giver=world.army, unit=world.village)


def test_mentor_and_strangers_have_no_ledger(world, client):
    entry = give(world)
    assert not selectors.entries_visible_to(world.mentor).exists()
    client.force_login(world.mentor)
    assert client.get(reverse("support:totals")).status_code == 404
    assert client.get(reverse("support:entry_detail", args=[entry.pk])).status_code == 404


# --- pages and the export -------------------------------------------------------------------

def test_totals_page_and_xlsx_agree(world, client):
    entries = _random_ledger(world)
    client.force_login(world.province_secretary)
    page = client.get(reverse("support:totals"), {"nam": "2022"})
    assert page.status_code == 200
    html = page.content.decode()
    assert "Tổng hợp nguồn lực huy động" in html and "tỷ đồng" in html
    response = client.get(reverse("support:totals_export"), {"nam": "2022"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    summary = list(workbook["Tổng hợp"].iter_rows(values_only=True))
    expected = [e for e in entries if e.date.year == 2022]
    assert summary[5][:3] == (sum(e.value_vnd for e in expected), len(expected),
                              len({e.household_id for e in expected if e.household_id}))
    detail = list(workbook["Chi tiết"].iter_rows(min_row=2, values_only=True))
    assert sum(row[9] for row in detail) == sum(e.value_vnd for e in expected)
    assert AuditLog.objects.filter(action="export", actor=world.province_secretary).exists()


def test_household_page_shows_what_it_received(world, client):
    household = world.households(1)[0]
    give(world, household=household, value=12_345_000, kind=Kind.LIVESTOCK, description="Bò giống sinh sản")
    client.force_login(world.officer)
    html = client.get(reverse("households:detail", args=[household.pk])).content.decode()
    assert "Đã nhận hỗ trợ" in html and "12.345.000" in html and "Bò giống sinh sản" in html
    client.force_login(world.mentor)
    html = client.get(reverse("households:detail", args=[household.pk])).content.decode()
    assert "Đã nhận hỗ trợ" not in html


def test_entry_form_posts_a_household_gift_and_shows_errors_at_once(world, client):
    household = world.households(1)[0]
    client.force_login(world.officer)
    bad = client.post(reverse("support:entry_create"), {"recipient_kind": "household", "value_vnd": "x"})
    assert bad.status_code == 200
    assert len(bad.context["form"].errors) >= 2
    ok = client.post(reverse("support:entry_create"), {
        "source": Source.NTP_POVERTY, "kind": Kind.SEEDLINGS, "value_vnd": "3.200.000", "date": "15/03/2022",
        "recipient_kind": "household", "unit": world.village.pk, "household_code": household.code,
        "description": "500 cây cà phê"})
    assert ok.status_code == 302
    assert SupportEntry.objects.get().household == household
