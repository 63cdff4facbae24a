"""Back up the database to one file and restore it, for both databases, with the rows of every
table counted at the backup and compared after the restore.

- SQLite: the sqlite3 online backup API (a consistent copy while the server runs, WAL or not),
  written as one self-contained file (journal mode DELETE), checked with ``quick_check``.
- PostgreSQL: ``pg_dump --format=custom`` / ``pg_restore``. The counts are taken in the very
  snapshot that pg_dump dumps (``pg_export_snapshot`` + ``pg_dump --snapshot``), so a backup of a
  live database and its counts always agree.

Beside the backup ``FILE`` a manifest ``FILE.counts.json`` records the engine, the time, the
file's SHA-256 and the rows of every table; ``restore`` checks the checksum before it starts
and the counts after it ends. See docs/operations.md.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import dj_database_url

MANIFEST_SUFFIX = ".counts.json"
MANIFEST_FORMAT = 1
SQLITE, POSTGRESQL = "sqlite", "postgresql"
_ENGINES = {"django.db.backends.sqlite3": SQLITE, "django.db.backends.postgresql": POSTGRESQL}


class BackupError(Exception):
    """Anything that stops a backup or a restore; the message is for the operator (Vietnamese)."""


@dataclass(frozen=True)
class Database:
    """Where a backup comes from or a restore goes to: a SQLite file or a PostgreSQL database."""

    engine: str
    name: str  # the SQLite file, or the PostgreSQL database name
    host: str = ""
    port: str = ""
    user: str = ""
    password: str = ""
    options: tuple[tuple[str, str], ...] = ()

    @classmethod
    def from_settings(cls, settings_dict: Mapping[str, Any]) -> Database:
        engine = _ENGINES.get(settings_dict.get("ENGINE", ""))
        if engine is None:
            raise BackupError(f"Không sao lưu được cơ sở dữ liệu loại {settings_dict.get('ENGINE')!r}: "
                              "chỉ hỗ trợ SQLite và PostgreSQL.")
        name = str(settings_dict.get("NAME") or "")
        if engine == SQLITE and (not name or name == ":memory:" or "mode=memory" in name):
            raise BackupError("Cơ sở dữ liệu SQLite trong bộ nhớ không sao lưu hay khôi phục được; hãy dùng một tệp.")
        options = settings_dict.get("OPTIONS") or {}
        return cls(engine=engine, name=name, host=str(settings_dict.get("HOST") or ""),
                   port=str(settings_dict.get("PORT") or ""), user=str(settings_dict.get("USER") or ""),
                   password=str(settings_dict.get("PASSWORD") or ""),
                   options=tuple((k, str(v)) for k, v in options.items() if k in _LIBPQ_OPTIONS))

    @classmethod
    def from_url(cls, url: str) -> Database:
        try:
            parsed = dj_database_url.parse(url)
        except Exception as exc:  # noqa: BLE001 - the library raises several kinds for a bad URL
            raise BackupError(f"Địa chỉ cơ sở dữ liệu không hợp lệ: {exc}") from exc
        return cls.from_settings(parsed)

    def label(self) -> str:
        """For messages: never the password."""
        if self.engine == SQLITE:
            return f"SQLite {self.name}"
        where = f"{self.host or 'localhost'}:{self.port or 5432}"
        return f"PostgreSQL {self.name} ({where})"

    # --- PostgreSQL connection details, through libpq's environment (no password on a command line)
    def libpq_env(self) -> dict[str, str]:
        env = dict(os.environ)
        for key, value in (("PGHOST", self.host), ("PGPORT", self.port), ("PGUSER", self.user),
                           ("PGPASSWORD", self.password), ("PGDATABASE", self.name)):
            if value:
                env[key] = value
        for key, value in self.options:
            env[_LIBPQ_OPTIONS[key]] = value
        return env

    def psycopg_kwargs(self) -> dict[str, str]:
        kwargs = {"dbname": self.name}
        for key, value in (("host", self.host), ("port", self.port), ("user", self.user),
                           ("password", self.password)):
            if value:
                kwargs[key] = value
        kwargs.update(dict(self.options))
        return kwargs


# Connection options that matter to pg_dump / pg_restore too (Django OPTIONS → libpq variable).
_LIBPQ_OPTIONS = {"sslmode": "PGSSLMODE", "sslrootcert": "PGSSLROOTCERT", "sslcert": "PGSSLCERT",
                  "sslkey": "PGSSLKEY", "connect_timeout": "PGCONNECT_TIMEOUT"}


@dataclass
class Comparison:
    before: dict[str, int]
    after: dict[str, int]

    @property
    def rows(self) -> list[tuple[str, int | None, int | None]]:
        return [(t, self.before.get(t), self.after.get(t)) for t in sorted(set(self.before) | set(self.after))]

    @property
    def differences(self) -> list[tuple[str, int | None, int | None]]:
        return [row for row in self.rows if row[1] != row[2]]

    @property
    def ok(self) -> bool:
        return not self.differences


# --- counting --------------------------------------------------------------------------------

def _sqlite_counts(conn: sqlite3.Connection) -> dict[str, int]:
    names = [r[0] for r in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]
    return {name: conn.execute(f'SELECT COUNT(*) FROM "{name.replace(chr(34), chr(34) * 2)}"').fetchone()[0]
            for name in names}


def _pg_counts(conn) -> dict[str, int]:
    from psycopg import sql

    tables = conn.execute(
        "SELECT table_schema, table_name FROM information_schema.tables WHERE table_type = 'BASE TABLE' "
        "AND table_schema NOT IN ('pg_catalog', 'information_schema') ORDER BY 1, 2").fetchall()
    counts = {}
    for schema, table in tables:
        key = table if schema == "public" else f"{schema}.{table}"
        counts[key] = conn.execute(sql.SQL("SELECT COUNT(*) FROM {}.{}").format(
            sql.Identifier(schema), sql.Identifier(table))).fetchone()[0]
    return counts


def _pg_connect(db: Database):
    import psycopg

    try:
        return psycopg.connect(**db.psycopg_kwargs(), autocommit=True, connect_timeout=10)
    except psycopg.OperationalError as exc:
        raise BackupError(f"Không kết nối được {db.label()}: {exc}") from exc


def table_counts(db: Database) -> dict[str, int]:
    """Rows in every table of ``db``, by table name."""
    if db.engine == SQLITE:
        if not Path(db.name).exists():
            return {}
        with _sqlite_open(db.name) as conn:
            return _sqlite_counts(conn)
    with _pg_connect(db) as conn:
        return _pg_counts(conn)


class _sqlite_open:
    """A sqlite3 connection that waits for a writer instead of failing, and is closed after use
    (sqlite3's own context manager only commits)."""

    def __init__(self, path: str | Path):
        self.conn = sqlite3.connect(str(path), timeout=30)

    def __enter__(self) -> sqlite3.Connection:
        return self.conn

    def __exit__(self, *exc) -> None:
        self.conn.close()


# --- tools ---------------------------------------------------------------------------------------

def find_pg_tool(name: str) -> str:
    """The path of ``pg_dump`` / ``pg_restore``: VUONLEN_PG_BIN first, then PATH, then the newest
    Debian-style /usr/lib/postgresql/<version>/bin."""
    folder = os.environ.get("VUONLEN_PG_BIN")
    if folder:
        candidate = Path(folder) / name
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
        raise BackupError(f"Không thấy {name} trong VUONLEN_PG_BIN={folder}.")
    found = shutil.which(name)
    if found:
        return found
    versions = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"),
                      key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit() else 0)
    if versions:
        return str(versions[-1])
    raise BackupError(f"Không tìm thấy chương trình {name}. Hãy cài gói postgresql-client cùng phiên bản với máy "
                      "chủ PostgreSQL (hoặc mới hơn), hoặc đặt VUONLEN_PG_BIN là thư mục chứa nó.")


def _run(args: list[str], env: dict[str, str], what: str) -> None:
    result = subprocess.run(args, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip()
        raise BackupError(f"{what} không thành công (mã {result.returncode}): {detail}")


# --- manifest ------------------------------------------------------------------------------------

def manifest_path(file: Path) -> Path:
    return file.with_name(file.name + MANIFEST_SUFFIX)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def read_manifest(file: Path) -> dict[str, Any]:
    path = manifest_path(file)
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BackupError(f"Thiếu tệp kê số dòng {path.name} bên cạnh bản sao lưu: không có nó thì không so "
                          "được số dòng sau khi khôi phục.") from None
    except ValueError as exc:
        raise BackupError(f"Tệp kê số dòng {path.name} bị hỏng: {exc}") from None
    if manifest.get("format") != MANIFEST_FORMAT or not isinstance(manifest.get("tables"), dict):
        raise BackupError(f"Tệp kê số dòng {path.name} không đúng định dạng.")
    return manifest


# --- backup --------------------------------------------------------------------------------------

@dataclass
class BackupResult:
    file: Path
    manifest: Path
    counts: dict[str, int]
    size: int


def backup(db: Database, out: Path) -> BackupResult:
    """Write a backup of ``db`` to ``out`` (replaced only when complete) and its manifest."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(f".{out.name}.partial")
    partial.unlink(missing_ok=True)
    try:
        counts = _sqlite_backup(db, partial) if db.engine == SQLITE else _pg_backup(db, partial)
        os.replace(partial, out)
    finally:
        partial.unlink(missing_ok=True)
    manifest = {"format": MANIFEST_FORMAT, "engine": db.engine, "database": db.name if db.engine != SQLITE
                else Path(db.name).name, "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                "file": out.name, "sha256": _sha256(out), "tables": counts}
    manifest_file = manifest_path(out)
    manifest_file.write_text(json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True), encoding="utf-8")
    return BackupResult(file=out, manifest=manifest_file, counts=counts, size=out.stat().st_size)


def _sqlite_backup(db: Database, target: Path) -> dict[str, int]:
    if not Path(db.name).is_file():
        raise BackupError(f"Không thấy tệp cơ sở dữ liệu {db.name}.")
    with _sqlite_open(db.name) as source, _sqlite_open(target) as copy:
        # One step (pages=-1): the copy is one consistent moment; in WAL mode writers go on meanwhile.
        source.backup(copy, pages=-1)
        # A standalone file: no -wal/-shm companions to forget when the file is moved.
        copy.execute("PRAGMA journal_mode=DELETE")
        check = copy.execute("PRAGMA quick_check").fetchone()[0]
        if check != "ok":
            raise BackupError(f"Bản sao lưu không qua được kiểm tra toàn vẹn: {check}")
        return _sqlite_counts(copy)


def _pg_backup(db: Database, target: Path) -> dict[str, int]:
    pg_dump = find_pg_tool("pg_dump")
    with _pg_connect(db) as conn:
        # Count in the snapshot pg_dump will dump: held open until pg_dump has finished.
        conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        snapshot = conn.execute("SELECT pg_export_snapshot()").fetchone()[0]
        counts = _pg_counts(conn)
        _run([pg_dump, "--format=custom", f"--snapshot={snapshot}", f"--file={target}", db.name],
             db.libpq_env(), "pg_dump")
        conn.execute("COMMIT")
    return counts


# --- restore -------------------------------------------------------------------------------------

def restore(file: Path, db: Database, *, replace: bool = False) -> Comparison:
    """Restore ``file`` into ``db`` and compare every table's rows with the manifest.

    ``db`` must be empty unless ``replace``: a restore replaces what is there."""
    file = Path(file)
    if not file.is_file():
        raise BackupError(f"Không thấy tệp sao lưu {file}.")
    manifest = read_manifest(file)
    if manifest.get("engine") != db.engine:
        raise BackupError(f"Bản sao lưu này của {manifest.get('engine')}, không khôi phục vào {db.label()} được.")
    if _sha256(file) != manifest.get("sha256"):
        raise BackupError(f"Tệp {file.name} không còn như lúc sao lưu (mã kiểm tra SHA-256 khác): tệp bị hỏng "
                          "hoặc đã bị sửa.")
    present = table_counts(db)
    if present and not replace:
        raise BackupError(f"{db.label()} đang có {len(present)} bảng: khôi phục sẽ thay toàn bộ. Hãy khôi phục "
                          "vào một cơ sở dữ liệu trống, hoặc thêm --replace nếu đúng là muốn thay.")
    if db.engine == SQLITE:
        _sqlite_restore(file, db)
    else:
        _pg_restore(file, db, clean=bool(present))
    before = {name: int(count) for name, count in manifest["tables"].items()}
    return Comparison(before=before, after=table_counts(db))


def _sqlite_restore(file: Path, db: Database) -> None:
    Path(db.name).parent.mkdir(parents=True, exist_ok=True)
    with _sqlite_open(file) as source, _sqlite_open(db.name) as target:
        source.backup(target, pages=-1)  # replaces every page of the target, whatever it held
        target.execute("PRAGMA journal_mode=WAL")  # as the application runs it


def _pg_restore(file: Path, db: Database, *, clean: bool) -> None:
    pg_restore = find_pg_tool("pg_restore")
    args = [pg_restore, "--exit-on-error", "--single-transaction", "--no-owner", "--no-privileges",
            f"--dbname={db.name}"]
    if clean:
        args += ["--clean", "--if-exists"]
    _run([*args, str(file)], db.libpq_env(), "pg_restore")
