#!/usr/bin/env bash
# The whole suite on SQLite, then again on PostgreSQL, with a real Elasticsearch server for the
# search tests and Debian's Chromium for the browser tests (tests/browser). PostgreSQL,
# Elasticsearch and Chromium are installed (and the servers started) when missing; the
# Elasticsearch server this script started is stopped at the end. With CI=true a service that
# cannot be started fails the run; on a laptop its tests are skipped instead.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
ci=false
[ "${CI:-}" = "true" ] && ci=true

es_started=""
if [ -z "${ELASTICSEARCH_TEST_URL:-}" ]; then
  port="${ES_TEST_PORT:-9200}"
  if ! curl -fsS "http://127.0.0.1:$port/_cluster/health" >/dev/null 2>&1; then es_started=1; fi
  if url=$(bash scripts/elasticsearch-test-server.sh start); then
    export ELASTICSEARCH_TEST_URL="$url"
  elif $ci; then
    echo "Elasticsearch could not be started: with CI=true this fails the run." >&2
    exit 1
  else
    es_started=""
    echo "Elasticsearch could not be started: its tests will be skipped (CI never skips them)." >&2
  fi
fi
stop_es() { if [ -n "$es_started" ]; then bash scripts/elasticsearch-test-server.sh stop >&2 || true; fi; }
trap stop_es EXIT

# The browser tests drive Debian's Chromium with Playwright (no browser download).
if chromium=$(bash scripts/chromium.sh); then
  export CHROMIUM_PATH="$chromium"
elif $ci; then
  echo "Chromium could not be installed: with CI=true this fails the run." >&2
  exit 1
else
  echo "Chromium could not be installed: the browser tests will be skipped (CI never skips them)." >&2
fi

# The browser journeys run in both passes; the page-width check (tests/browser/
# test_layout_widths.py, the slowest browser test) does not depend on the database: SQLite only.
pg_args=(--deselect tests/browser/test_layout_widths.py)

echo "== Test pass 1/2: SQLite"
$PY -m pytest
echo "== Test pass 2/2: PostgreSQL"
if [ -n "${MARKETPLACE_TEST_DATABASE_URL:-}" ]; then
  $PY -m pytest "${pg_args[@]}"
elif url=$(bash scripts/postgres-test-server.sh); then
  MARKETPLACE_TEST_DATABASE_URL=$url $PY -m pytest "${pg_args[@]}"
elif $ci; then
  echo "PostgreSQL is unavailable: with CI=true this fails the run." >&2
  exit 1
else
  echo "PostgreSQL is unavailable: skipping the PostgreSQL pass (CI never skips it)."
fi
