"""One rule for when an organisation exists: the Python check and the database filter agree."""

import datetime as dt

from tests import factories
from vuonlen.accounts.models import Organisation, organisation_valid_on_q
from vuonlen.geo.models import REFORM_DATE


def test_is_valid_on_and_the_filter_name_the_same_organisations(kontum, commune_a):
    open_one = factories.make_org(commune_a, name="Mặt trận phường Quang Trung")
    ended = factories.make_org(commune_a, name="Hội Nông dân (đã kết thúc)")
    ended.is_active, ended.valid_to = False, REFORM_DATE - dt.timedelta(days=1)
    ended.save()
    switched_off = factories.make_org(commune_a, name="Tổ chức tắt không ngày kết thúc")
    switched_off.is_active = False
    switched_off.save()
    later = factories.make_org(commune_a, name="Hội mới lập")
    later.valid_from = dt.date(2024, 3, 1)
    later.save()
    days = [dt.date(2023, 6, 7), dt.date(2024, 3, 1), REFORM_DATE - dt.timedelta(days=1), REFORM_DATE]
    for day in days:
        in_python = {o.pk for o in Organisation.objects.select_related("unit") if o.is_valid_on(day)}
        in_database = set(Organisation.objects.filter(organisation_valid_on_q(day)).values_list("pk", flat=True))
        assert in_python == in_database, day
    # What a reader would notice: the ended one existed until its end, the switched-off one never,
    # the new one from its first day, and none of the old commune's after the reform (it ended).
    assert ended.is_valid_on(dt.date(2023, 6, 7)) and not switched_off.is_valid_on(dt.date(2023, 6, 7))
    assert not later.is_valid_on(dt.date(2024, 2, 29)) and later.is_valid_on(dt.date(2024, 3, 1))
    assert open_one.is_valid_on(dt.date(2023, 6, 7)) and not open_one.is_valid_on(REFORM_DATE)
