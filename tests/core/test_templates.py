"""Numbers are shown the Vietnamese way (USE_THOUSAND_SEPARATOR), so an id printed plainly in a
template becomes "2.225" and breaks the link or form it sits in. Ids must go through a filter
(stringformat:"d" or unlocalize) or {% url %}."""

import re
from pathlib import Path

from django.conf import settings
from django.template import Context, Template

PLAIN_ID = re.compile(r"\{\{\s*([\w.]+\.(?:pk|id|version))\s*\}\}")


def test_no_template_prints_an_id_through_number_localisation():
    offenders = []
    for path in (Path(settings.BASE_DIR) / "vuonlen").rglob("templates/**/*.html"):
        for match in PLAIN_ID.finditer(path.read_text(encoding="utf-8")):
            expression = match.group(1)
            if expression.startswith("form.") or "_form." in expression:
                continue  # a form's bound field, not a number
            offenders.append(f"{path.relative_to(settings.BASE_DIR)}: {match.group(0)}")
    assert offenders == []


def test_the_filter_keeps_large_ids_intact_while_counts_stay_grouped():
    rendered = Template('{{ n }} {{ n|stringformat:"d" }}').render(Context({"n": 2225}))
    assert rendered == "2.225 2225"
