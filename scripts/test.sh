#!/usr/bin/env bash
# Runs the whole test suite. Storage tests run on SQLite always and on PostgreSQL when
# ZHIXING_TEST_PG_URL is set; if it is not set and a local PostgreSQL answers at the default
# address, that one is used, so a developer machine tests both engines without setup.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
if [ -z "${ZHIXING_TEST_PG_URL:-}" ] && command -v pg_isready >/dev/null 2>&1 \
   && pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
  export ZHIXING_TEST_PG_URL="postgres://postgres@127.0.0.1:5432/test"
fi
if [ -n "${ZHIXING_TEST_PG_URL:-}" ]; then
  echo "Testing on SQLite and PostgreSQL ($ZHIXING_TEST_PG_URL)"
else
  echo "Testing on SQLite only: set ZHIXING_TEST_PG_URL to include PostgreSQL"
fi
# Doc tests are skipped (--all-targets): the crates keep their examples in tests.
log=$(mktemp)
trap 'rm -f "$log"' EXIT
cargo test --workspace --all-targets "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
# One closing line for the whole run, summed over every test binary.
awk '/^test result:/ { for (i = 1; i <= NF; i++) { if ($i ~ /^passed/) p += $(i-1); if ($i ~ /^failed/) f += $(i-1) } }
     END { printf "tests: %d passed, %d failed\n", p, f }' "$log"
exit "$status"
