"""HTML → PDF with headless Chromium (the draft notice's PDF; any printable page).

Why Chromium: it is already on every machine that runs the browser tests (CI installs the
Debian package ``chromium``), it prints CSS paged media (``@page`` size and margins) faithfully,
and it needs no office suite (LibreOffice would add ~400 MB and a second rendering of the
.docx). The page is written to a private temporary directory and printed with
``--print-to-pdf``; the child gets no network (``--disable-*`` flags, a ``file://`` page whose
only resources are inline) and is killed after ``timeout`` seconds.

The browser is looked up as ``VUONLEN_PDF_BROWSER`` (setting or environment), else
``chromium``, ``chromium-browser``, ``google-chrome``. Without one, :func:`available` is False
and :func:`html_to_pdf` raises :class:`PdfUnavailable` — pages say so instead of failing.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from django.conf import settings

log = logging.getLogger(__name__)

CANDIDATES = ("chromium", "chromium-browser", "google-chrome")
TIMEOUT_SECONDS = 60
MAX_HTML_BYTES = 5 * 1024 * 1024


class PdfUnavailable(RuntimeError):
    """No converter on this server, or it failed; the message says which (Vietnamese)."""


def browser() -> str | None:
    configured = getattr(settings, "VUONLEN_PDF_BROWSER", None) or os.environ.get("VUONLEN_PDF_BROWSER")
    if configured:
        return shutil.which(configured)
    return next((found for name in CANDIDATES if (found := shutil.which(name))), None)


def available() -> bool:
    return browser() is not None


def html_to_pdf(html: str, *, timeout: int = TIMEOUT_SECONDS) -> bytes:
    """The PDF Chromium prints from ``html`` (a whole page with its CSS inline)."""
    from django.utils.translation import gettext as _

    executable = browser()
    if executable is None:
        raise PdfUnavailable(_("Máy chủ chưa cài Chromium nên chưa tạo được bản PDF."))
    data = html.encode("utf-8")
    if len(data) > MAX_HTML_BYTES:
        raise PdfUnavailable(_("Văn bản quá dài để tạo bản PDF."))
    with tempfile.TemporaryDirectory(prefix="vuonlen-pdf-") as folder:
        source, target = Path(folder) / "page.html", Path(folder) / "page.pdf"
        source.write_bytes(data)
        command = [
            executable, "--headless", "--no-sandbox", "--disable-gpu", "--disable-extensions",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--no-first-run", "--no-pdf-header-footer", f"--user-data-dir={folder}/profile",
            f"--print-to-pdf={target}", source.as_uri(),
        ]
        try:
            subprocess.run(command, check=False, timeout=timeout, capture_output=True, stdin=subprocess.DEVNULL)
        except (OSError, subprocess.TimeoutExpired) as exc:
            log.warning("PDF conversion failed: %s", type(exc).__name__)
            raise PdfUnavailable(_("Không tạo được bản PDF (trình chuyển đổi không phản hồi).")) from exc
        if not target.exists() or target.stat().st_size == 0:
            raise PdfUnavailable(_("Không tạo được bản PDF (trình chuyển đổi báo lỗi)."))
        return target.read_bytes()
