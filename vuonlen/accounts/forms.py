from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.utils.translation import gettext_lazy as _

from vuonlen.core.forms import StyledFormMixin

from .models import OrgKind


class LoginForm(StyledFormMixin, AuthenticationForm):
    # Django's own message talks about case sensitivity; officers need to know the lockout rule.
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _(
            "Tên đăng nhập hoặc mật khẩu không đúng. Lưu ý: nhập sai %(limit)s lần liên tiếp, "
            "tài khoản sẽ bị tạm khoá %(minutes)s phút."
        ),
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.fields["username"].label = _("Tên đăng nhập")
        self.fields["password"].label = _("Mật khẩu")

    def get_invalid_login_error(self):
        return forms.ValidationError(
            self.error_messages["invalid_login"],
            code="invalid_login",
            params={"limit": settings.AXES_FAILURE_LIMIT, "minutes": int(settings.AXES_COOLOFF_TIME * 60)},
        )


class PasswordForm(StyledFormMixin, PasswordChangeForm):
    pass


class OrganisationFilterForm(StyledFormMixin, forms.Form):
    q = forms.CharField(label=_("Tên tổ chức"), required=False, max_length=200,
                        help_text=_("Gõ có dấu hoặc không dấu đều được"))
    kind = forms.ChoiceField(label=_("Loại tổ chức"), required=False,
                             choices=[("", _("Tất cả"))] + list(OrgKind.choices))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["q"].widget.input_type = "search"
