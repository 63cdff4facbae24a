"""Sign-ins, sign-outs and failed sign-ins go to the audit log.

Django announces these only through its auth signals, so this is the one place the project
listens to signals; it records and does nothing else.
"""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed

from vuonlen.core.audit import audit_record
from vuonlen.core.models import AuditAction


def _on_login(sender, request, user, **kwargs):
    audit_record(actor=user, action=AuditAction.LOGIN, instance=user, note="Đăng nhập", source="web")


def _on_logout(sender, request, user, **kwargs):
    if user is not None:
        audit_record(actor=user, action=AuditAction.LOGIN, instance=user, note="Đăng xuất", source="web")


def _on_failure(sender, credentials, request=None, **kwargs):
    # Only the user name tried is kept; the password never is.
    username = str(credentials.get("username", ""))[:150]
    audit_record(actor=None, action=AuditAction.LOGIN, object_repr=username,
                 note=f"Đăng nhập sai với tên “{username}”", source="web")


def connect() -> None:
    user_logged_in.connect(_on_login, dispatch_uid="vuonlen_audit_login")
    user_logged_out.connect(_on_logout, dispatch_uid="vuonlen_audit_logout")
    user_login_failed.connect(_on_failure, dispatch_uid="vuonlen_audit_login_failed")
