from __future__ import annotations

import smtplib

from django.core.mail import EmailMessage

from .base import BaseBackend, SendError


class EmailBackend(BaseBackend):
    """Through Django's mail (the ``MAILERS`` setting picks SMTP, console…)."""

    def send(self, message) -> str:
        mail = EmailMessage(subject=message.subject, body=message.body, to=[message.recipient],
                            headers={"X-Vuonlen-Message": message.key})
        try:
            mail.send()
        except smtplib.SMTPRecipientsRefused:
            raise SendError("SMTP recipient refused", transient=False) from None
        except (TimeoutError, smtplib.SMTPException, OSError) as exc:
            raise SendError(type(exc).__name__, transient=True) from None
        return ""
