"""The English catalogue: committed compiled, so the .mo must match the .po."""

from __future__ import annotations

import gettext
import re
from pathlib import Path

from django.conf import settings

LC = Path(settings.BASE_DIR) / "vuonlen" / "locale" / "en" / "LC_MESSAGES"
_ESCAPES = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}


def _text(block: str) -> str:
    parts = re.findall(r'"((?:[^"\\]|\\.)*)"', block)
    return "".join(re.sub(r"\\(.)", lambda m: _ESCAPES[m.group(1)], p) for p in parts)


def _translated_in_po() -> dict[str, str]:
    """msgid → first msgstr, for entries that are translated and not fuzzy."""
    found = {}
    for entry in (LC / "django.po").read_text(encoding="utf-8").split("\n\n"):
        if "#, fuzzy" in entry or entry.lstrip().startswith("#~"):
            continue
        msgid = re.search(r'^msgid ((?:".*"\n?)+)', entry, re.M)
        msgstr = re.search(r'^msgstr(?:\[0\])? ((?:".*"\n?)+)', entry, re.M)
        if msgid and msgstr and _text(msgid.group(1)) and _text(msgstr.group(1)):
            found[_text(msgid.group(1))] = _text(msgstr.group(1))
    return found


def test_compiled_catalogue_matches_the_source():
    with (LC / "django.mo").open("rb") as handle:
        catalog = gettext.GNUTranslations(handle)._catalog
    compiled = {}
    for key, value in catalog.items():
        msgid = key[0] if isinstance(key, tuple) else key
        if msgid and (not isinstance(key, tuple) or key[1] == 0):
            compiled[msgid] = value
    source = _translated_in_po()
    assert source, "no translation found in django.po"
    stale = {k for k, v in source.items() if compiled.get(k) != v}
    assert not stale, f"django.mo is out of date; run `vuonlen compilemessages`: {sorted(stale)[:5]}"
