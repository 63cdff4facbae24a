"""The backup → restore drill, on the database the suite runs on (SQLite file or PostgreSQL):
a small database (migrations, the Kon Tum units, a few households, a support entry) is backed
up with `vuonlen backup`, restored with `vuonlen restore` into a fresh database (a new SQLite
file, or a PostgreSQL database made and dropped here), and every table's rows are compared."""

from __future__ import annotations

import secrets
from io import StringIO
from urllib.parse import quote

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from tests import factories
from tests.geo.factories import VillageFactory
from tests.households.factories import HouseholdFactory
from vuonlen.accounts.roles import Role
from vuonlen.accounts.scoping import SYSTEM
from vuonlen.core import backup
from vuonlen.households.models import Household, Person


def _url(settings_dict, name: str) -> str:
    user = quote(settings_dict.get("USER") or "", safe="")
    password = quote(settings_dict.get("PASSWORD") or "", safe="")
    auth = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = settings_dict.get("HOST") or "localhost"
    port = f":{settings_dict['PORT']}" if settings_dict.get("PORT") else ""
    return f"postgresql://{auth}{host}{port}/{name}"


@pytest.fixture
def fresh_database(tmp_path):
    """The URL of an empty database of the suite's kind, removed afterwards."""
    if connection.vendor == "sqlite":
        yield f"sqlite:///{tmp_path / 'khoi-phuc.sqlite3'}"
        return
    import psycopg

    name = f"test_restore_{secrets.token_hex(4)}"
    admin = backup.Database.from_settings(connection.settings_dict)
    with psycopg.connect(**{**admin.psycopg_kwargs(), "dbname": "postgres"}, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield _url(connection.settings_dict, name)
    finally:
        with psycopg.connect(**{**admin.psycopg_kwargs(), "dbname": "postgres"}, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _small_database(commune):
    officer = factories.make_user(Role.COMMUNE_OFFICER, commune, username="canbo.saoluu")
    village = VillageFactory(commune=commune, name="Thôn Kon Klor")
    for i in range(3):
        HouseholdFactory(unit=village, members=[f"A Blong {i}", f"Y Hiên {i}"], code=f"SL-{i:03d}", actor=SYSTEM)
    return officer


@pytest.mark.django_db(transaction=True)
def test_backup_then_restore_into_a_fresh_database_gives_the_same_rows_in_every_table(
        commune_a, tmp_path, fresh_database):
    _small_database(commune_a)
    source = backup.Database.from_settings(connection.settings_dict)
    counts = backup.table_counts(source)
    assert counts["households_household"] == Household.objects.count() == 3
    assert counts["households_person"] == Person.objects.count() == 6
    assert counts["geo_administrativeunit"] > 100 and counts["django_migrations"] > 20

    file = tmp_path / ("vuonlen.sqlite3" if connection.vendor == "sqlite" else "vuonlen.dump")
    out = StringIO()
    call_command("backup", out=file, stdout=out)
    assert f"vào {file}" in out.getvalue() and f"{len(counts)} bảng" in out.getvalue()
    assert backup.read_manifest(file)["tables"] == counts  # counted in the snapshot that was saved

    out = StringIO()
    call_command("restore", str(file), database_url=fresh_database, stdout=out)
    printed = out.getvalue()
    assert printed.splitlines()[0].split() == ["Bảng", "Trước", "Sau"]
    assert any(line.split() == ["households_household", "3", "3"] for line in printed.splitlines())
    assert "số dòng khớp với lúc sao lưu" in printed
    restored = backup.Database.from_url(fresh_database)
    assert backup.table_counts(restored) == counts  # every table, row for row

    # Restoring over a database that has data needs --replace, and says so.
    with pytest.raises(CommandError, match="--replace"):
        call_command("restore", str(file), database_url=fresh_database, stdout=StringIO())
    # A count that does not match (here: the manifest says one household more) fails the drill.
    manifest = backup.manifest_path(file)
    manifest.write_text(manifest.read_text(encoding="utf-8").replace('"households_household": 3',
                                                                     '"households_household": 4'), encoding="utf-8")
    out = StringIO()
    with pytest.raises(CommandError, match="khác lúc sao lưu ở 1 bảng: households_household"):
        call_command("restore", str(file), database_url=fresh_database, replace=True, stdout=out)
    assert any(line.split() == ["households_household", "4", "3", "≠"] for line in out.getvalue().splitlines())


@pytest.mark.django_db(transaction=True)
def test_a_backup_taken_while_someone_writes_holds_only_what_was_committed(commune_a, tmp_path):
    """The server keeps running during a backup: a write in flight neither blocks the backup nor
    slips half into it (SQLite's backup API in WAL mode; PostgreSQL's exported snapshot)."""
    _small_database(commune_a)
    source = backup.Database.from_settings(connection.settings_dict)
    if connection.vendor == "sqlite":
        import sqlite3

        writer = sqlite3.connect(source.name, timeout=5, isolation_level=None)
        writer.execute("BEGIN IMMEDIATE")
        writer.execute("DELETE FROM households_person")
    else:
        import psycopg

        writer = psycopg.connect(**source.psycopg_kwargs())
        writer.execute("DELETE FROM households_person")
    try:
        result = backup.backup(source, tmp_path / "dang-ghi.bak")
    finally:
        writer.rollback() if connection.vendor != "sqlite" else writer.execute("ROLLBACK")
        writer.close()
    assert result.counts["households_person"] == 6 and result.counts["households_household"] == 3


def test_clear_errors_when_a_tool_or_the_manifest_is_missing(tmp_path, monkeypatch):
    monkeypatch.setenv("VUONLEN_PG_BIN", str(tmp_path))
    with pytest.raises(backup.BackupError, match="Không thấy pg_dump trong VUONLEN_PG_BIN"):
        backup.find_pg_tool("pg_dump")
    lone = tmp_path / "mot-minh.sqlite3"
    lone.write_bytes(b"")
    with pytest.raises(CommandError, match="Thiếu tệp kê số dòng mot-minh.sqlite3.counts.json"):
        call_command("restore", str(lone), database_url=f"sqlite:///{tmp_path / 'dich.sqlite3'}")
    with pytest.raises(CommandError, match="SQLite trong bộ nhớ"):
        call_command("backup", out=tmp_path / "x.sqlite3", database_url="sqlite://:memory:")


@pytest.mark.django_db(transaction=True)
def test_a_damaged_backup_file_is_refused_before_anything_is_touched(commune_a, tmp_path, fresh_database):
    file = tmp_path / "hong.bak"
    call_command("backup", out=file, stdout=StringIO())
    data = bytearray(file.read_bytes())
    data[len(data) // 2] ^= 0xFF
    file.write_bytes(bytes(data))
    with pytest.raises(CommandError, match="SHA-256"):
        call_command("restore", str(file), database_url=fresh_database, stdout=StringIO())
    assert backup.table_counts(backup.Database.from_url(fresh_database)) == {}
