from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext


class CharacterClassValidator:
    """A password needs letters and at least one digit or symbol."""

    def validate(self, password, user=None):
        has_letter = any(ch.isalpha() for ch in password)
        has_other = any(not ch.isalpha() for ch in password)
        if not (has_letter and has_other):
            raise ValidationError(
                _("Mật khẩu phải có cả chữ cái và ít nhất một chữ số hoặc ký tự đặc biệt."),
                code="password_character_classes",
            )

    def get_help_text(self):
        return _("Mật khẩu phải có cả chữ cái và ít nhất một chữ số hoặc ký tự đặc biệt.")


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django's own, with a message in Vietnamese: Django 6.1 reworded this message and its
    Vietnamese catalog has not caught up, so officers would read it in English."""

    def get_error_message(self):
        return ngettext(
            "Mật khẩu quá ngắn: cần ít nhất %(min_length)d ký tự.",
            "Mật khẩu quá ngắn: cần ít nhất %(min_length)d ký tự.",
            self.min_length,
        ) % {"min_length": self.min_length}
