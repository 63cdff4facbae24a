"""``vuonlen messages collect`` fills the inboxes; ``vuonlen messages send`` sends the outbox.

Both are safe to run again at any time (cron every few minutes, or ``send --loop``).
"""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError

from vuonlen.messaging.inbox import collect
from vuonlen.messaging.outbox import send_pending


class Command(BaseCommand):
    help = "Hộp thư: thu thập việc cần làm (collect) và gửi tin nhắn đang chờ (send)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        c = sub.add_parser("collect", help="Cập nhật hộp thư của mọi tài khoản (chạy lại không tạo trùng).")
        c.add_argument("--user", action="append", default=[], help="Chỉ tài khoản này (tên đăng nhập).")
        s = sub.add_parser("send", help="Gửi các tin nhắn đang chờ, thử lại có giãn cách.")
        s.add_argument("--loop", action="store_true", help="Chạy liên tục.")
        s.add_argument("--interval", type=float, default=30.0, help="Số giây giữa hai lượt (với --loop).")
        s.add_argument("--limit", type=int, default=200)

    def handle(self, *args, action, **options):
        if action == "collect":
            return self._collect(options["user"])
        return self._send(options)

    def _collect(self, usernames):
        from django.contrib.auth import get_user_model

        users = None
        if usernames:
            users = list(get_user_model().objects.filter(username__in=usernames, is_active=True))
            missing = set(usernames) - {u.username for u in users}
            if missing:
                raise CommandError("Không có tài khoản đang hoạt động: " + ", ".join(sorted(missing)))
        result = collect(users=users)
        self.stdout.write(f"Hộp thư: {result.people} người, {result.created} việc mới, {result.resolved} việc đã xong, "
                          f"{result.queued} tin nhắn chờ gửi.")

    def _send(self, options):
        if options["limit"] < 1 or options["interval"] <= 0:
            raise CommandError("--limit và --interval phải lớn hơn 0.")
        while True:
            result = send_pending(limit=options["limit"])
            self.stdout.write(f"Đã gửi {result.sent}, thử lại sau {result.retried}, hỏng {result.failed}, "
                              f"không rõ {result.uncertain}, xếp lại {result.requeued}.")
            if not options["loop"]:
                return
            time.sleep(options["interval"])
