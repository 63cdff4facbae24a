from django.core.management.base import BaseCommand, CommandError

from vuonlen.geo import loaders


class Command(BaseCommand):
    help = "Đơn vị hành chính: `geo load --province 62` nạp dữ liệu thật từ gói vietnam-provinces."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser("load", help="Nạp tỉnh (trước 01/7/2025) và các xã mới kế thừa")
        load.add_argument("--province", type=int, required=True, help="mã tỉnh trước sắp xếp, ví dụ 62 (Kon Tum)")

    def handle(self, *args, action, **options):
        if action == "load":
            try:
                result = loaders.load_province(options["province"])
            except ValueError as exc:
                raise CommandError(str(exc)) from exc
            self.stdout.write(self.style.SUCCESS(f"Tỉnh {options['province']}: {result}"))
