"""`vuonlen import households FILE.xlsx [--user NAME]` and `vuonlen import reviews FILE.xlsx --year N`
(.xlsx, .xls, .ods or .csv).

Thin: reads the file and calls the same import as the web page. Every error is printed with
its row and column, and the command exits non-zero; nothing is written unless the file is
clean. Without ``--user`` it acts as the system (every unit; audited as "hệ thống").
"""

from __future__ import annotations

import sys
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from vuonlen.accounts.scoping import SYSTEM
from vuonlen.geo.models import Era
from vuonlen.households import imports

_PHASES = {imports.Phase.READ: "Đang đọc tệp", imports.Phase.CHECK: "Đang kiểm tra",
           imports.Phase.WRITE: "Đang ghi vào sổ"}


class Command(BaseCommand):
    help = "Nhập hộ và nhân khẩu, hoặc kết quả rà soát của một năm, từ tệp .xlsx, .xls, .ods hoặc .csv."

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=["households", "reviews"],
                            help="households: hộ và nhân khẩu; reviews: kết quả rà soát")
        parser.add_argument("file", help="tệp .xlsx, .xls, .ods hoặc .csv")
        parser.add_argument("--year", type=int, help="năm rà soát (bắt buộc với reviews)")
        parser.add_argument("--user", help="tên đăng nhập của người nhập: chỉ nhập được trong phạm vi của người đó")
        parser.add_argument("--era", choices=Era.values, default=Era.PRE_2025,
                            help="mã xã theo danh mục trước (pre2025, mặc định) hay từ 01/7/2025 (post2025)")

    def handle(self, *args, kind, file, year, user, era, verbosity, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"Không tìm thấy tệp {file}")
        if kind == "reviews" and not year:
            raise CommandError("Nhập kết quả rà soát cần --year (năm rà soát)")
        actor = SYSTEM
        if user:
            actor = get_user_model().objects.filter(username=user, is_active=True).first()
            if actor is None:
                raise CommandError(f"Không có tài khoản “{user}” đang hoạt động")
        progress = self._progress() if verbosity >= 1 else None
        with path.open("rb") as handle:
            try:
                if kind == "reviews":
                    result = imports.import_reviews(actor=actor, file=handle, filename=path.name, year=year, era=era,
                                                    progress=progress)
                else:
                    result = imports.import_households(actor=actor, file=handle, filename=path.name, era=era,
                                                       progress=progress)
            except imports.FileUnreadable as exc:
                raise CommandError(str(exc)) from None
        if progress is not None:
            self.stderr.write("")
        if result.errors:
            for error in result.errors:
                where = f"Dòng {error.row}, cột {error.column}" if error.row is not None else "Tệp"
                self.stdout.write(f"{where}: {error.message}")
            raise CommandError(f"Tệp có {len(result.errors)} lỗi; chưa ghi gì vào sổ.")
        self.stdout.write(self.style.SUCCESS(result.summary()))

    def _progress(self):
        tty = sys.stderr.isatty()
        last = {"phase": None}

        def show(done: int, total: int, phase: str) -> None:
            label = _PHASES.get(phase, phase)
            if tty:
                self.stderr.write(f"\r{label}: {done}/{total}   ", ending="")
            elif phase != last["phase"]:
                self.stderr.write(f"{label}…")
            last["phase"] = phase

        return show
