from django.core.management.base import BaseCommand

from vuonlen.accounts import demo_today
from vuonlen.accounts.demo import describe_accounts
from vuonlen.core.demo import run_demo


class Command(BaseCommand):
    help = "Tạo dữ liệu mẫu (cố định theo seed) và in các tài khoản mẫu."

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2021)
        parser.add_argument("--once", action="store_true",
                            help="chỉ chạy các bước dữ liệu mẫu chưa từng chạy; luôn in tài khoản mẫu")
        parser.add_argument("--timings", action="store_true",
                            help="in thời gian (giây CPU và giây thực) của từng bước dữ liệu mẫu")

    def handle(self, *args, seed, once, timings=False, **options):
        run_demo(seed=seed, say=self.stdout.write, only_missing=once, timings=timings)
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS("Tài khoản mẫu (mật khẩu như nhau cho mọi tài khoản mẫu):"))
        self.stdout.write("  Trước 01/7/2025 (vẫn đọc lịch sử; đã được chuyển sang đơn vị mới khi có):")
        for username, password, description in describe_accounts():
            self.stdout.write(f"  {username:<20} {password:<14} {description}")
        self.stdout.write("  Từ 01/7/2025 (tỉnh Quảng Ngãi mới, xã mới):")
        for username, password, description in demo_today.describe_accounts():
            self.stdout.write(f"  {username:<20} {password:<14} {description}")
