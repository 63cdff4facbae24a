import os
import subprocess
import sys

import pytest


def _import_settings(env):
    return subprocess.run(
        [sys.executable, "-c", "import vuonlen.config.settings as s; print(s.DATABASES['default']['ENGINE'])"],
        env=env, capture_output=True, text=True,
    )


@pytest.fixture
def clean_env(tmp_path):
    env = {k: v for k, v in os.environ.items()
           if k not in {"SECRET_KEY", "DEBUG", "VUONLEN_TESTING", "DATABASE_URL", "DJANGO_SETTINGS_MODULE"}}
    env["VUONLEN_VAR_DIR"] = str(tmp_path)
    return env


def test_production_refuses_to_start_without_a_secret(clean_env):
    result = _import_settings(clean_env)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_starts_with_a_secret_and_defaults_to_sqlite(clean_env):
    result = _import_settings({**clean_env, "SECRET_KEY": "x" * 50, "ALLOWED_HOSTS": "vuonlen.example"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "django.db.backends.sqlite3"


def test_database_url_selects_postgresql(clean_env):
    result = _import_settings({**clean_env, "DEBUG": "1", "DATABASE_URL": "postgresql://u@127.0.0.1:5432/x"})
    assert result.stdout.strip() == "django.db.backends.postgresql"


def test_default_database_is_a_sqlite_file_in_wal_mode(clean_env, tmp_path):
    code = (
        "import django; django.setup(); from django.db import connection; c = connection.cursor(); "
        "c.execute('PRAGMA journal_mode'); print(c.fetchone()[0]); print(connection.settings_dict['NAME'])"
    )
    env = {**clean_env, "DEBUG": "1", "DJANGO_SETTINGS_MODULE": "vuonlen.config.settings"}
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    mode, name = result.stdout.split()
    assert mode == "wal"
    assert name == str(tmp_path / "vuonlen.sqlite3")
