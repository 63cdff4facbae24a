import time

from django.core.management.base import BaseCommand, CommandError

from vuonlen.core.formats import format_number


class Command(BaseCommand):
    help = ("Chỉ tiêu: `indicators recompute` tính lại toàn bộ số liệu tổng hợp (mọi năm, mọi đơn vị); "
            "`indicators recompute --year 2024` chỉ một năm. Bình thường không cần: số liệu tự cập nhật "
            "khi dữ liệu thay đổi.")

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        r = sub.add_parser("recompute", help="Tính lại số liệu tổng hợp từ đầu")
        r.add_argument("--year", action="append", type=int, default=None, help="năm (lặp lại được)")

    def handle(self, *args, action, **options):
        from vuonlen.indicators import rollups

        if action != "recompute":
            raise CommandError(f"Không có lệnh {action}")
        started = time.perf_counter()
        rows = rollups.recompute_all(options["year"])
        elapsed = time.perf_counter() - started
        self.stdout.write(f"Đã tính lại {format_number(rows)} dòng số liệu tổng hợp trong "
                          f"{format_number(elapsed * 1000)} ms")
