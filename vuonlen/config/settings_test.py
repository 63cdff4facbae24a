"""Test settings: the real settings, in testing mode, with a fast password hasher."""

import os

os.environ.setdefault("VUONLEN_TESTING", "1")

from .settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
AXES_FAILURE_LIMIT = 5
