"""Test settings: the real settings, in testing mode, with a fast password hasher."""

import os

os.environ.setdefault("VUONLEN_TESTING", "1")

from .settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
AXES_FAILURE_LIMIT = 5
# The households demo at 2% of the province: the same story, quick enough for every test that
# runs `vuonlen demo`; tests/households/test_demo_data.py checks the full size once.
VUONLEN_DEMO_SCALE = 0.02
