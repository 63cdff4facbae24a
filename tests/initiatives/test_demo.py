"""The demo: hundreds of models with the published pilots and the model garden, outreach
reaching most poor households; deterministic and idempotent."""

from __future__ import annotations

from vuonlen.accounts.scoping import SYSTEM
from vuonlen.core.demo import DemoContext
from vuonlen.geo.models import Level
from vuonlen.initiatives import selectors
from vuonlen.initiatives.models import Initiative, Participation, Status
from vuonlen.outreach import selectors as outreach_selectors
from vuonlen.outreach.models import Activity


def _run():
    from vuonlen.accounts import demo as accounts_demo
    from vuonlen.households import demo_data
    from vuonlen.initiatives import demo
    from vuonlen.outreach import demo as outreach_demo

    ctx = DemoContext(seed=2021, say=lambda _m: None)
    accounts_demo.run(ctx)
    demo_data.run(ctx)
    demo.run(ctx)
    outreach_demo.run(ctx)


def test_demo_models_and_outreach(kontum):
    _run()  # its time is printed by `vuonlen demo --timings`; speed is not a unit test's business
    count = Initiative.objects.count()
    assert count >= 250
    pilots = Initiative.objects.filter(level="province", is_pilot=True)
    assert {p.unit.name for p in pilots} == {"Xã Hơ Moong", "Xã Ngọc Linh"}
    garden = Initiative.objects.get(name="Nhà vườn kiểu mẫu thôn 4")
    assert garden.unit.name == "Xã Đắk Tơ Lung" and [v.name for v in garden.villages.all()] == ["Thôn 4"]
    assert len(set(Initiative.objects.values_list("status", flat=True))) >= 5
    assert Participation.objects.exists()
    items = selectors.showcase_items()
    assert any(i.name == "Nhà vườn kiểu mẫu thôn 4" for i in items)
    assert len(items) < count
    district = kontum.children.get(code="614", level=Level.DISTRICT)
    rows = selectors.indicator5(parent=district, year=2023, user=SYSTEM)
    assert rows and sum(r.met for r in rows) >= len(rows) // 2
    share = outreach_selectors.indicator1(unit=kontum, year=2023)
    assert share.denominator and 0.8 < share.share <= 1
    assert Activity.objects.filter(kind="exchange").exists()
    before = (count, Activity.objects.count())
    _run()  # idempotent
    assert (Initiative.objects.count(), Activity.objects.count()) == before
    assert Status.EFFECTIVE in Initiative.objects.values_list("status", flat=True)
