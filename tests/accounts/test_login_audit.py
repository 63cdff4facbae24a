from django.urls import reverse

from tests import factories
from vuonlen.accounts.roles import Role
from vuonlen.core.models import AuditLog


def test_logins_failures_logouts_and_password_changes_are_audited(client, commune_a):
    user = factories.make_user(Role.COMMUNE_OFFICER, commune_a, username="canbo.audit")
    login = reverse("accounts:login")
    client.post(login, {"username": "canbo.audit", "password": "sai-mat-khau-1"})
    failed = AuditLog.objects.get(action="login", actor__isnull=True)
    assert "canbo.audit" in failed.note
    assert "sai-mat-khau-1" not in str(failed.changes) + failed.note + failed.object_repr

    client.post(login, {"username": "canbo.audit", "password": factories.PASSWORD})
    assert AuditLog.objects.filter(action="login", actor=user, note="Đăng nhập").exists()

    response = client.post(reverse("accounts:password_change"), {
        "old_password": factories.PASSWORD, "new_password1": "Rung-Xanh-Kon-Tum-7", "new_password2": "Rung-Xanh-Kon-Tum-7"})
    assert response.status_code == 302
    change = AuditLog.objects.get(action="update", actor=user, note="Đổi mật khẩu")
    assert "password" not in change.changes

    client.post(reverse("accounts:logout"))
    assert AuditLog.objects.filter(action="login", actor=user, note="Đăng xuất").exists()
