"""The printed documents' own font, inside the page: Tinos (static/vendor/tinos), Times New
Roman's metrics with every Vietnamese letter.

A notice printed to PDF by the server's Chromium (``core.pdf``) must look and read the same on
every server. Decree 30/2020 asks for Times New Roman, which a Linux server rarely has; what it
has instead varies. Debian's ``fonts-liberation`` (1.07, pulled in by ``apt install chromium``)
draws "Liberation Serif" without Vietnamese letters, so Chromium takes each of them from
another font: the PDF looks patched and its text reads "CH Ỉ  Đ Ạ O" when copied or searched.
The printed page therefore carries Tinos as ``data:`` URIs — the page is a private file with no
network (``core.pdf``) — regular and bold, upright and italic: about 110 KB of CSS, built once
per process. Each file holds the latin and the Vietnamese letters together (the package's two
subsets merged, see static/vendor/README.md): with one file per subset, the PDF would embed two
fonts and a text extractor would cut "CHỈ" into "CH Ỉ" where the font changes.
"""

from __future__ import annotations

import base64
from functools import cache
from pathlib import Path

from django.utils.safestring import SafeString, mark_safe

FAMILY = "Tinos"
FOLDER = Path(__file__).resolve().parent.parent / "static" / "vendor" / "tinos"


@cache
def font_faces() -> SafeString:
    """``@font-face`` rules for the family ``Tinos``, the files inline (for a ``<style>``)."""
    rules = []
    for weight in (400, 700):
        for style in ("normal", "italic"):
            data = (FOLDER / f"tinos-{weight}-{style}.woff2").read_bytes()
            source = "data:font/woff2;base64," + base64.b64encode(data).decode("ascii")
            rules.append(f"@font-face {{ font-family: '{FAMILY}'; font-style: {style}; font-weight: {weight}; "
                         f"src: url({source}) format('woff2'); }}")
    return mark_safe("\n".join(rules))  # our own files: base64 and fixed text only
