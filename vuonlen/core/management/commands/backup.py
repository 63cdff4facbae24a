"""`vuonlen backup [--out FILE]`: one backup file of the database, and beside it the rows of
every table (FILE.counts.json) for `vuonlen restore` to compare. Safe while the server runs."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connections
from django.utils import timezone

from vuonlen.core import backup


def _n(value: int) -> str:
    return f"{value:,}".replace(",", ".")


class Command(BaseCommand):
    help = "Sao lưu cơ sở dữ liệu (SQLite hoặc PostgreSQL) ra một tệp, kèm số dòng của từng bảng."

    def add_arguments(self, parser):
        parser.add_argument("--out", type=Path,
                            help="tệp sao lưu (mặc định: var/backups/vuonlen-<ngày giờ>.sqlite3 hoặc .dump)")
        parser.add_argument("--database-url", help="sao lưu cơ sở dữ liệu này thay cho cơ sở dữ liệu đang dùng")

    def handle(self, *args, out, database_url, **options):
        try:
            db = (backup.Database.from_url(database_url) if database_url
                  else backup.Database.from_settings(connections["default"].settings_dict))
            if out is None:
                stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
                suffix = "sqlite3" if db.engine == backup.SQLITE else "dump"
                out = Path(settings.VAR_DIR) / "backups" / f"vuonlen-{stamp}.{suffix}"
            result = backup.backup(db, out)
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        rows = sum(result.counts.values())
        self.stdout.write(self.style.SUCCESS(
            f"Đã sao lưu {db.label()} vào {result.file} ({_n(result.size)} byte; {len(result.counts)} bảng, "
            f"{_n(rows)} dòng)."))
        self.stdout.write(f"Số dòng từng bảng: {result.manifest}")
