"""`vuonlen report review-tables --unit CODE [--era pre2025|post2025] --year 2023 --out FILE.xlsx`

The five official review tables of a commune, district or province (its code in the
statistics office's list of that era) as one workbook, a sheet per table. Thin: it finds the
unit and calls ``official_tables.ReviewReport`` as the system (every household counted),
the same tables the "Biểu rà soát" page shows.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from vuonlen.accounts.scoping import SYSTEM
from vuonlen.core.audit import audit_record
from vuonlen.core.models import AuditAction
from vuonlen.documents.excel import workbook_bytes
from vuonlen.geo.models import AdministrativeUnit, Era, Level
from vuonlen.households.official_tables import TABLE_CODES, ReviewReport


class Command(BaseCommand):
    help = "Lập các biểu tổng hợp kết quả rà soát hộ nghèo, cận nghèo (biểu 01–05) ra tệp .xlsx."

    def add_arguments(self, parser):
        parser.add_argument("what", choices=["review-tables"], help="review-tables: năm biểu tổng hợp kết quả rà soát")
        parser.add_argument("--unit", required=True, help="mã tỉnh, huyện hoặc xã (mã của Tổng cục Thống kê)")
        parser.add_argument("--era", choices=Era.values, default=Era.PRE_2025,
                            help="danh mục đơn vị: trước 01/7/2025 (pre2025, mặc định) hay từ 01/7/2025 (post2025)")
        parser.add_argument("--year", type=int, required=True, help="năm rà soát, ví dụ 2023")
        parser.add_argument("--out", required=True, help="tệp .xlsx để ghi")
        parser.add_argument("--tables", default=",".join(TABLE_CODES),
                            help="các biểu cần lập, cách nhau bằng dấu phẩy (mặc định: 01,02,03,04,05)")

    def handle(self, *args, what, unit, era, year, out, tables, **options):
        codes = [code.strip().zfill(2) for code in tables.split(",") if code.strip()]
        unknown = [code for code in codes if code not in TABLE_CODES]
        if unknown:
            raise CommandError(f"Không có biểu {', '.join(unknown)}; các biểu: {', '.join(TABLE_CODES)}")
        found = list(AdministrativeUnit.objects.filter(era=era, code=unit.strip(),
                                                       level__in=(Level.PROVINCE, Level.DISTRICT, Level.COMMUNE)))
        if not found:
            raise CommandError(f"Không có tỉnh, huyện hay xã mã “{unit}” trong danh mục {Era(era).label}")
        if len(found) > 1:
            raise CommandError(f"Mã “{unit}” trùng nhiều đơn vị: {', '.join(u.name for u in found)}")
        try:
            report = ReviewReport(unit=found[0], year=year, user=SYSTEM)
        except ValueError as exc:  # a year without a poverty standard
            raise CommandError(str(exc)) from None
        path = Path(out)
        if path.suffix.lower() != ".xlsx":
            raise CommandError("Tệp ra phải có đuôi .xlsx")
        path.write_bytes(workbook_bytes(report.workbook(codes)))
        audit_record(actor=SYSTEM, action=AuditAction.EXPORT, source="command", object_repr="Biểu rà soát",
                     note=f"Biểu {', '.join(codes)} năm {year}, {report.unit.name} ({report.unit.code}, {era})")
        self.stdout.write(self.style.SUCCESS(
            f"Đã ghi {len(codes)} biểu năm {year} của {report.unit.name} vào {path}"))
