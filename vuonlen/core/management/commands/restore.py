"""`vuonlen restore FILE [--database-url URL] [--replace]`: put a backup back, then compare the
rows of every table with what the backup counted; exit 1 when any table differs."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from vuonlen.core import backup


def _n(value: int | None) -> str:
    return "—" if value is None else f"{value:,}".replace(",", ".")


class Command(BaseCommand):
    help = ("Khôi phục một bản sao lưu của `vuonlen backup`, rồi so số dòng từng bảng với lúc sao lưu "
            "(khác nhau thì báo lỗi). Hãy dừng máy chủ web và worker trước khi khôi phục đè lên dữ liệu đang dùng.")

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="tệp sao lưu (bên cạnh nó là tệp .counts.json)")
        parser.add_argument("--database-url",
                            help="khôi phục vào cơ sở dữ liệu này (ví dụ một cơ sở dữ liệu trống để diễn tập) "
                                 "thay cho cơ sở dữ liệu đang dùng")
        parser.add_argument("--replace", action="store_true",
                            help="cho phép thay toàn bộ một cơ sở dữ liệu đang có dữ liệu")

    def handle(self, *args, file, database_url, replace, **options):
        try:
            db = (backup.Database.from_url(database_url) if database_url
                  else backup.Database.from_settings(connections["default"].settings_dict))
            if not database_url:
                connections["default"].close()  # this command's own connection holds nothing open
            comparison = backup.restore(file, db, replace=replace)
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        width = max([len("Bảng"), *(len(name) for name, _, _ in comparison.rows)])
        self.stdout.write(f"{'Bảng':<{width}}  {'Trước':>12}  {'Sau':>12}")
        for name, before, after in comparison.rows:
            line = f"{name:<{width}}  {_n(before):>12}  {_n(after):>12}"
            self.stdout.write(self.style.ERROR(line + "  ≠") if before != after else line)
        total_before = sum(comparison.before.values())
        total_after = sum(comparison.after.values())
        self.stdout.write(f"{'Tổng':<{width}}  {_n(total_before):>12}  {_n(total_after):>12}")
        if not comparison.ok:
            names = ", ".join(name for name, _, _ in comparison.differences)
            raise CommandError(f"Đã khôi phục vào {db.label()} nhưng số dòng khác lúc sao lưu ở "
                               f"{len(comparison.differences)} bảng: {names}.")
        self.stdout.write(self.style.SUCCESS(
            f"Đã khôi phục {file.name} vào {db.label()}: {len(comparison.rows)} bảng, số dòng khớp với lúc sao lưu."))
