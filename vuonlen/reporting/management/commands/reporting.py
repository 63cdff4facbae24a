from django.core.management.base import BaseCommand, CommandError

from vuonlen.core.formats import parse_date
from vuonlen.core.periods import today_vn
from vuonlen.reporting import services


class Command(BaseCommand):
    help = ("Báo cáo định kỳ: `reporting remind [--date dd/mm/yyyy]` gửi thư nhắc hạn (chạy mỗi ngày; "
            "không bao giờ gửi trùng một thư nhắc).")

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        remind = sub.add_parser("remind", help="Gửi thư nhắc hạn báo cáo: trước hạn và đúng ngày hết hạn")
        remind.add_argument("--date", help="ngày chạy, dạng dd/mm/yyyy (mặc định: hôm nay theo giờ Việt Nam)")
        remind.add_argument("--days-before", type=int, default=None,
                            help="nhắc trước hạn bao nhiêu ngày (mặc định: VUONLEN_REPORT_REMINDER_DAYS)")

    def handle(self, *args, action, **options):
        if action == "remind":
            try:
                day = parse_date(options["date"]) if options.get("date") else today_vn()
            except ValueError as exc:
                raise CommandError(str(exc)) from exc
            sent = services.reminders_send(today=day, days_before=options.get("days_before"))
            self.stdout.write(self.style.SUCCESS(f"Ngày {day:%d/%m/%Y}: đã gửi {len(sent)} thư nhắc hạn báo cáo."))
