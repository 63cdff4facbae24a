#!/usr/bin/env bash
# The whole suite: every test on SQLite (browser tests included), then every database test on
# PostgreSQL when one answers at VUONLEN_TEST_POSTGRES (default: the local server, database test).
set -u
cd "$(dirname "$0")/.."
PY=.venv/bin/python
PG_URL="${VUONLEN_TEST_POSTGRES:-postgresql://postgres@127.0.0.1:5432/test}"
status=0

echo "== Tests on SQLite =="
env -u DATABASE_URL "$PY" -m pytest "$@" || status=$?

if "$PY" - "$PG_URL" <<'PYEOF'
import sys, psycopg
try:
    psycopg.connect(sys.argv[1], connect_timeout=3).close()
except Exception as exc:
    print(f"PostgreSQL not reachable at {sys.argv[1]}: {exc}", file=sys.stderr)
    sys.exit(1)
PYEOF
then
  echo "== Database tests on PostgreSQL ($PG_URL) =="
  DATABASE_URL="$PG_URL" "$PY" -m pytest -m "not browser" "$@" || status=$?
else
  echo "SKIPPED: the PostgreSQL run (no server at $PG_URL; set VUONLEN_TEST_POSTGRES to point at one)."
  if [ "${CI:-}" = "true" ]; then echo "CI needs PostgreSQL: failing."; status=1; fi
fi
exit $status
