"""Issue 13, item 8: one way of writing times — "14:30 07/06/2023" in Vietnam's time, on every
page (the audit trails add the seconds)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from django.conf import settings
from django.template import Context, Template

from vuonlen.core.formats import format_datetime


def test_a_moment_is_written_hour_minute_then_day_month_year_in_vietnams_time():
    moment = dt.datetime(2023, 6, 7, 7, 30, 5, tzinfo=dt.UTC)  # 14:30:05 in Hà Nội
    html = Template('{% load vuonlen %}{{ m|vn_datetime }} | {{ m|vn_datetime:"s" }} | {{ d|vn_datetime }}').render(
        Context({"m": moment, "d": dt.date(2023, 6, 7)}))
    assert html == "14:30 07/06/2023 | 14:30:05 07/06/2023 | 07/06/2023"
    assert format_datetime(None) == ""


def test_no_template_writes_a_time_its_own_way():
    own_way = re.compile(r"\|\s*(?:date|time)\s*:\s*[\"'][^\"']*[HGgis]")
    offenders = [f"{path.relative_to(settings.BASE_DIR)}: {m.group(0)}"
                 for path in (Path(settings.BASE_DIR) / "vuonlen").rglob("*.html")
                 for m in own_way.finditer(path.read_text(encoding="utf-8"))]
    assert offenders == []
