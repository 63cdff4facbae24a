from django.core.management.base import BaseCommand, CommandError

from vuonlen.geo import loaders


class Command(BaseCommand):
    help = ("Đơn vị hành chính: `geo load 51` nạp cả tỉnh mới (từ 01/7/2025) và mọi tỉnh cũ nhập vào; "
            "`geo load --province 62` nạp một tỉnh cũ và các xã mới kế thừa.")

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser("load", help="Nạp tỉnh mới và các tỉnh cũ nhập vào, hoặc một tỉnh cũ (--province)")
        load.add_argument("new_province", type=int, nargs="?",
                          help="mã tỉnh từ 01/7/2025, ví dụ 51 (Quảng Ngãi mới, gồm cả Kon Tum cũ)")
        load.add_argument("--province", type=int, help="mã tỉnh trước sắp xếp, ví dụ 62 (Kon Tum)")

    def handle(self, *args, action, **options):
        if action == "load":
            new_code, old_code = options["new_province"], options["province"]
            if (new_code is None) == (old_code is None):
                raise CommandError("Cho một mã tỉnh mới (ví dụ `geo load 51`) hoặc `--province` mã tỉnh cũ (ví dụ 62)")
            try:
                if new_code is not None:
                    result = loaders.load_new_province(new_code)
                else:
                    result = loaders.load_province(old_code)
            except ValueError as exc:
                raise CommandError(str(exc)) from exc
            label = f"Tỉnh {new_code} (từ 01/7/2025)" if new_code is not None else f"Tỉnh {old_code}"
            self.stdout.write(self.style.SUCCESS(f"{label}: {result}"))
