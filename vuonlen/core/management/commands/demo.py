from django.core.management.base import BaseCommand

from vuonlen.accounts.demo import describe_accounts
from vuonlen.core.demo import run_demo


class Command(BaseCommand):
    help = "Tạo dữ liệu mẫu (cố định theo seed) và in các tài khoản mẫu."

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2021)
        parser.add_argument("--once", action="store_true",
                            help="chỉ chạy các bước dữ liệu mẫu chưa từng chạy; luôn in tài khoản mẫu")

    def handle(self, *args, seed, once, **options):
        run_demo(seed=seed, say=self.stdout.write, only_missing=once)
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS("Tài khoản mẫu (mật khẩu như nhau cho mọi tài khoản mẫu):"))
        for username, password, description in describe_accounts():
            self.stdout.write(f"  {username:<20} {password:<14} {description}")
