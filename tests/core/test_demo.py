from io import StringIO

from django.core.management import call_command

from vuonlen.accounts.demo import DEMO_ACCOUNTS, DEMO_PASSWORD
from vuonlen.accounts.models import Organisation, OrgKind, User
from vuonlen.accounts.roles import Role
from vuonlen.core.demo import run_demo
from vuonlen.geo.models import AdministrativeUnit, Era, Level


def _village_names():
    return list(AdministrativeUnit.objects.filter(level=Level.VILLAGE).order_by("code").values_list("code", "name"))


def test_demo_builds_villages_organisations_and_an_account_per_role(kontum):
    out = StringIO()
    call_command("demo", stdout=out)
    communes = AdministrativeUnit.objects.filter(era=Era.PRE_2025, level=Level.COMMUNE)
    assert communes.count() == 102
    without_villages = communes.exclude(children__level=Level.VILLAGE)
    assert not without_villages.exists()
    village = AdministrativeUnit.objects.filter(level=Level.VILLAGE).first()
    assert village.path.startswith(village.parent.path) and village.path.endswith(f"/{village.pk}/")
    kinds = set(Organisation.objects.values_list("kind", flat=True))
    assert {OrgKind.STEERING_COMMITTEE, OrgKind.FATHERLAND_FRONT, OrgKind.FARMERS_UNION, OrgKind.ENTERPRISE,
            OrgKind.ARMED_FORCES, OrgKind.AGENCY} <= kinds
    roles_held = {a.role for u in User.objects.all() for a in u.assignments.all()}
    assert roles_held == set(Role.values)
    for username, *_rest in DEMO_ACCOUNTS:
        assert User.objects.get(username=username).check_password(DEMO_PASSWORD)
        assert username in out.getvalue()
    assert DEMO_PASSWORD in out.getvalue()


def test_demo_is_deterministic_and_runs_once(kontum, monkeypatch):
    from vuonlen.core import demo

    # Villages only (households would pin them in place): the geo and accounts steps.
    monkeypatch.setattr(demo, "DEMO_STEPS", ["vuonlen.geo.demo", "vuonlen.accounts.demo"])
    run_demo(seed=7, say=lambda _msg: None)
    first = _village_names()
    counts = (AdministrativeUnit.objects.count(), Organisation.objects.count(), User.objects.count())
    run_demo(seed=7, say=lambda _msg: None)
    assert _village_names() == first
    assert (AdministrativeUnit.objects.count(), Organisation.objects.count(), User.objects.count()) == counts
    AdministrativeUnit.objects.filter(level=Level.VILLAGE).delete()
    run_demo(seed=7, say=lambda _msg: None)
    assert _village_names() == first  # same seed, same villages


def test_once_skips_completed_steps_but_runs_new_ones(kontum, monkeypatch):
    from vuonlen.core import demo

    run_demo(seed=1, say=lambda _m: None, only_missing=True)
    calls = []
    monkeypatch.setattr(demo, "DEMO_STEPS", [*demo.DEMO_STEPS, "tests.core.demo_step_probe"])
    import sys
    import types

    probe = types.ModuleType("tests.core.demo_step_probe")
    probe.run = lambda ctx: calls.append(ctx.seed)
    monkeypatch.setitem(sys.modules, "tests.core.demo_step_probe", probe)
    before = AdministrativeUnit.objects.count()
    run_demo(seed=1, say=lambda _m: None, only_missing=True)
    run_demo(seed=1, say=lambda _m: None, only_missing=True)
    assert calls == [1]  # the new step ran once; the finished ones did not run again
    assert AdministrativeUnit.objects.count() == before


def test_timings_say_each_steps_cpu_and_elapsed_seconds(kontum, monkeypatch):
    from vuonlen.core import demo

    monkeypatch.setattr(demo, "DEMO_STEPS", ["vuonlen.geo.demo", "vuonlen.accounts.demo"])
    out = StringIO()
    call_command("demo", "--timings", stdout=out)
    lines = [line for line in out.getvalue().splitlines() if line.startswith("Thời gian bước")]
    assert [line.split()[3].rstrip(":") for line in lines] == [
        "vuonlen.geo.demo", "vuonlen.accounts.demo", "vuonlen.indicators.rollups.recompute_all"]
    assert all("giây CPU" in line and "giây thực" in line for line in lines)
    quiet = StringIO()
    call_command("demo", stdout=quiet)
    assert "Thời gian bước" not in quiet.getvalue()
