"""The catalogue page (add an indicator, take one out of use, a phase's set) and the admin
(indicators editable by a superuser only; targets and entered figures read-only and scoped)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from tests import factories
from tests.households.factories import HouseholdFactory
from vuonlen.accounts.roles import Role
from vuonlen.campaign.models import Phase
from vuonlen.core.models import AuditAction, AuditLog
from vuonlen.indicators import services
from vuonlen.indicators.models import Indicator, PhaseGoal, Rollup, Target

from .conftest import assess
from .factories import EnteredValueFactory, TargetFactory
from .target_world import *  # noqa: F403 - the shared fixtures

pytestmark = pytest.mark.django_db


def _new(**extra):
    data = {"code": "tiet_kiem", "name": "Tỷ lệ hộ chi tiêu tiết kiệm để tái đầu tư", "short_name": "Chi tiêu tiết kiệm",
            "measure": "percent", "direction": "up", "levels": [1, 2, 3, 4], "source": "computed",
            "formula": "assessment:saves_to_reinvest", "default_target": "40", "order": 55}
    data.update(extra)
    return data


def test_administrator_adds_a_computed_indicator_that_gets_figures(world, django_capture_on_commit_callbacks):
    home = HouseholdFactory(unit=world.commune, members=["A Hyưk"])
    assess(home, 2023, saves_to_reinvest=True)
    phase = Phase.objects.get(code="2021-2025")
    with django_capture_on_commit_callbacks(execute=True):
        made = services.indicator_define(actor=world.admin, data=_new(), phases=[phase])
    assert (made.code, made.default_target, list(made.phases.all())) == ("TIET_KIEM", 40, [phase])
    stored = Rollup.objects.get(indicator=made, unit=world.district, year=2023)
    assert (stored.numerator, stored.denominator) == (1, 1)
    row = AuditLog.objects.get(action=AuditAction.CREATE, content_type__model="indicator")
    assert row.changes["phases"] == [None, ["2021-2025"]] and row.changes["formula"][1] == "assessment:saves_to_reinvest"


def test_every_problem_of_a_new_indicator_at_once(world):
    with pytest.raises(ValidationError) as caught:
        services.indicator_define(actor=world.admin, data=_new(code="NEP_NGHI", name="", measure="count",
                                                               default_target="150"))
    errors = caught.value.message_dict
    assert errors["code"] == ["Đã có chỉ tiêu mã NEP_NGHI"]
    assert errors["name"] == ["Hãy nhập tên chỉ tiêu"]
    assert "“%”" in errors["measure"][0]  # the formula gives a percentage
    with pytest.raises(ValidationError) as caught:
        services.indicator_define(actor=world.admin, data=_new(code="1X", formula="reviews:everything",
                                                               levels=[]))
    errors = caught.value.message_dict
    assert set(errors) == {"code", "formula", "levels"}
    with pytest.raises(ValidationError) as caught:
        services.indicator_define(actor=world.admin, data=_new(source="entered", entry_kind="yes_no",
                                                               measure="count", levels=[2, 4]))
    assert set(caught.value.message_dict) == {"measure", "levels"}
    assert not Indicator.objects.filter(code__in=["TIET_KIEM", "1X"]).exists()


def test_only_the_administrator_changes_the_catalogue(world, client):
    with pytest.raises(PermissionDenied):
        services.indicator_define(actor=world.secretariat, data=_new())
    client.force_login(world.secretariat)
    assert client.get(reverse("indicators:indicator_create")).status_code == 403
    kh = indicator("KH_XA")
    assert client.post(reverse("indicators:indicator_active", args=[kh.pk]), {"active": "0"}).status_code == 403
    assert Indicator.objects.get(pk=kh.pk).is_active
    mentor = factories.make_user(Role.MENTOR, world.commune)
    client.force_login(mentor)
    assert client.get(reverse("indicators:catalogue")).status_code == 404


def test_catalogue_page_add_deactivate_and_phase_set(world, client):
    client.force_login(world.admin)
    page = client.get(reverse("indicators:catalogue")).content.decode()
    assert "annual_fall:TL_NGHEO_CN" in page and "Có/không (mỗi xã)" in page and "Thêm chỉ tiêu" in page
    phase = Phase.objects.get(code="2021-2025")
    response = client.post(reverse("indicators:indicator_create"), {
        "code": "HOP_DONG", "short_name": "Xã ký giao ước thi đua", "name": "Tỷ lệ xã ký giao ước thi đua",
        "measure": "percent", "direction": "up", "levels": ["1", "2"], "source": "entered", "entry_kind": "yes_no",
        "phases": [str(phase.pk)], "order": "35"})
    assert response.status_code == 302
    made = Indicator.objects.get(code="HOP_DONG")
    # It is entered by the communes from now on.
    entries_page = client.get(f"{reverse('indicators:entries')}?don_vi={world.commune.pk}&nam=2023")
    assert f'name="a-{made.pk}"' in entries_page.content.decode()
    response = client.post(reverse("indicators:indicator_active", args=[made.pk]),
                           {"active": "0", "version": str(made.version)})
    assert response.status_code == 302 and not Indicator.objects.get(pk=made.pk).is_active
    # The rate the 6%-a-year fall is worked out from cannot be taken out while that one is in use.
    base = indicator("TL_NGHEO_CN")
    client.post(reverse("indicators:indicator_active", args=[base.pk]), {"active": "0", "version": "1"})
    assert Indicator.objects.get(pk=base.pk).is_active
    kept = list(phase.indicators.exclude(code="MH_HUYEN").values_list("pk", flat=True))
    response = client.post(reverse("indicators:phase_indicators", args=[phase.pk]),
                           {"indicators": [str(pk) for pk in kept]})
    assert response.status_code == 302
    assert not phase.indicators.filter(code="MH_HUYEN").exists()
    row = AuditLog.objects.filter(content_type__model="phase").get()
    assert "MH_HUYEN" in row.changes["indicators"][0] and "MH_HUYEN" not in row.changes["indicators"][1]


def test_indicator_form_lists_every_error(world, client):
    client.force_login(world.admin)
    response = client.post(reverse("indicators:indicator_create"), {"code": "x y", "source": "computed"})
    html = response.content.decode()
    for message in ("Mã chỉ tiêu gồm chữ in hoa", "Hãy nhập tên chỉ tiêu", "Hãy chọn đơn vị tính",
                    "Hãy chọn ít nhất một cấp", "Hãy chọn cách tính"):
        assert message in html


# --- admin ------------------------------------------------------------------------------------

@pytest.fixture
def staff(world, client):
    user = factories.make_user(Role.SECRETARIAT, world.district, is_staff=True, username="staff.konray")
    user.user_permissions.set(Permission.objects.filter(content_type__app_label="indicators",
                                                        codename__startswith="view_"))
    client.force_login(user)
    return client


def test_targets_and_entered_figures_in_the_admin_are_scoped_and_read_only(world, staff):
    ours = TargetFactory(unit=world.commune, indicator="NEP_NGHI", year=2023, value=70)
    theirs = TargetFactory(unit=world.city_commune, indicator="NEP_NGHI", year=2023, value=70)
    assert staff.get(reverse("admin:indicators_target_change", args=[ours.pk])).status_code == 200
    assert staff.get(reverse("admin:indicators_target_change", args=[theirs.pk])).status_code == 404
    listing = staff.get(reverse("admin:indicators_target_changelist"))
    assert list(listing.context["cl"].queryset) == [ours]
    assert staff.get(reverse("admin:indicators_target_add")).status_code == 403
    staff.post(reverse("admin:indicators_target_change", args=[ours.pk]), {"value": "5"})
    assert Target.objects.get(pk=ours.pk).value == 70
    value = EnteredValueFactory(indicator="KH_XA", unit=world.city_commune, answer=True, as_of=D(2023, 5, 1))
    assert staff.get(reverse("admin:indicators_enteredvalue_change", args=[value.pk])).status_code == 404
    # Staff read the catalogue; they do not change it.
    kh = indicator("KH_XA")
    assert staff.get(reverse("admin:indicators_indicator_change", args=[kh.pk])).status_code == 200
    staff.post(reverse("admin:indicators_indicator_change", args=[kh.pk]), {"short_name": "Đổi"})
    assert Indicator.objects.get(pk=kh.pk).short_name == "Xã ban hành kế hoạch"


def test_phase_plan_targets_in_the_admin_are_read_only_even_to_a_superuser(world, client):
    """They change only on the phase set page (validation, version, audit)."""
    goal = PhaseGoal.objects.create(phase=Phase.objects.get(code="2021-2025"), indicator=indicator("NEP_NGHI"),
                                    value=75)
    client.force_login(factories.make_user(is_superuser=True, is_staff=True, username="root"))
    assert client.get(reverse("admin:indicators_phasegoal_change", args=[goal.pk])).status_code == 200
    assert client.get(reverse("admin:indicators_phasegoal_add")).status_code == 403
    assert client.get(reverse("admin:indicators_phasegoal_delete", args=[goal.pk])).status_code == 403
    client.post(reverse("admin:indicators_phasegoal_change", args=[goal.pk]), {"value": "5"})
    assert PhaseGoal.objects.get(pk=goal.pk).value == 75


def test_superuser_edits_the_catalogue_in_the_admin_audited(world, client, django_capture_on_commit_callbacks):
    root = factories.make_user(is_superuser=True, is_staff=True, username="root")
    client.force_login(root)
    kh = indicator("KH_XA")
    page = client.get(reverse("admin:indicators_indicator_change", args=[kh.pk]))
    form = page.context["adminform"].form
    data = {name: form.initial.get(name) for name in form.fields}
    data.update(short_name="Xã có kế hoạch", phases=[p.pk for p in kh.phases.all()], levels="[1, 2]")
    data = {k: ("" if v is None else v) for k, v in data.items()}
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(reverse("admin:indicators_indicator_change", args=[kh.pk]), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Indicator.objects.get(pk=kh.pk).short_name == "Xã có kế hoạch"
    assert AuditLog.objects.filter(content_type__model="indicator", action=AuditAction.UPDATE, source="admin").exists()
    assert callbacks == []  # a new label changes no figure: no recompute
    assert client.get(reverse("admin:indicators_indicator_delete", args=[kh.pk])).status_code == 403
