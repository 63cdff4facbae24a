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


def _security_settings(env):
    code = ("import json, vuonlen.config.settings as s; print(json.dumps({k: getattr(s, k, None) for k in "
            "('SECURE_HSTS_SECONDS', 'SECURE_HSTS_INCLUDE_SUBDOMAINS', 'SECURE_HSTS_PRELOAD', 'SECURE_CSP')}))")
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    import json
    return json.loads(result.stdout)


def test_production_sends_hsts_for_a_year(clean_env):
    got = _security_settings({**clean_env, "SECRET_KEY": "x" * 50, "ALLOWED_HOSTS": "vuonlen.example"})
    assert got["SECURE_HSTS_SECONDS"] == 31_536_000
    assert got["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is False and got["SECURE_HSTS_PRELOAD"] is False
    got = _security_settings({**clean_env, "SECRET_KEY": "x" * 50, "SECURE_HSTS_SECONDS": "0",
                              "SECURE_HSTS_INCLUDE_SUBDOMAINS": "1"})
    assert got["SECURE_HSTS_SECONDS"] == 0 and got["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True


@pytest.mark.parametrize("mode", [{"DEBUG": "1"}, {"VUONLEN_TESTING": "1"}])
def test_development_and_tests_send_no_hsts(clean_env, mode):
    # HSTS on a developer's http://127.0.0.1 would pin the browser to HTTPS for a year.
    assert _security_settings({**clean_env, **mode})["SECURE_HSTS_SECONDS"] in (None, 0)


@pytest.mark.parametrize("mode", [{"DEBUG": "1"}, {"SECRET_KEY": "x" * 50}])
def test_the_csp_allows_no_inline_script_or_style_in_any_mode(clean_env, mode):
    csp = _security_settings({**clean_env, **mode})["SECURE_CSP"]
    assert csp["script-src"] == ["'self'"] and csp["style-src"] == ["'self'"]
    assert csp["object-src"] == ["'none'"] and csp["frame-ancestors"] == ["'none'"]
    assert not any("unsafe" in v for values in csp.values() for v in values)
