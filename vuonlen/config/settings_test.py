"""Test settings: the real settings, in testing mode, with a fast password hasher."""

import os

os.environ.setdefault("VUONLEN_TESTING", "1")

from .settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
AXES_FAILURE_LIMIT = 5
# The households demo at 2% of the province: the same story, quick enough for every test that
# runs `vuonlen demo`; tests/households/test_demo_data.py checks the full size once.
VUONLEN_DEMO_SCALE = 0.02

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # The test database is a file, as in production (WAL, busy_timeout, immediate transactions),
    # not Django's in-memory shared cache: that one answers "table is locked" at once where the
    # real database waits its turn, so two threads writing at once could not be tested on it.
    # One file per test process (pytest-xdist adds its own suffix); Django deletes it at the end.
    import tempfile

    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": os.path.join(tempfile.gettempdir(), f"vuonlen-test-{os.getpid()}.sqlite3"),
    }
