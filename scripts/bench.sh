#!/usr/bin/env bash
# Benchmark: builds release, creates a demo database of N cases, verifies its audit trail, starts
# the server and loads it with oha on /healthz, the case list (with a filter) and a case page.
# Prints generation and verification rates, throughput and latency, and the ratio to /healthz.
#
#   scripts/bench.sh [N=100000] [--db URL]     (default: a fresh SQLite file)
#   env: BENCH_SECONDS (default 10), BENCH_CONNECTIONS (default 32), BENCH_PORT (default 18080)
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-100000}
DB=""
if [ "${2:-}" = "--db" ]; then DB=${3:?--db needs a URL}; fi
SECS=${BENCH_SECONDS:-10}
CONN=${BENCH_CONNECTIONS:-32}
PORT=${BENCH_PORT:-18080}
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}"

if ! command -v oha >/dev/null 2>&1; then
  echo "Installing oha (load generator)…"
  cargo install --locked oha
fi
cargo build --release -p zhixing-cli
BIN="$CARGO_TARGET_DIR/release/zhixing"

WORK=$(mktemp -d)
trap 'kill $SERVER 2>/dev/null || true; rm -rf "$WORK"' EXIT
SERVER=""
if [ -z "$DB" ]; then DB="$WORK/bench.db"; fi

echo "== demo generation: $N cases"
"$BIN" demo --cases "$N" --db "$DB" | tee "$WORK/demo.txt"
echo "== audit verify"
"$BIN" audit verify --db "$DB" | tee "$WORK/verify.txt"

"$BIN" serve --db "$DB" --addr "127.0.0.1:$PORT" >"$WORK/server.log" 2>&1 &
SERVER=$!
for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.1; done

# Sign in as the intermediate court's supervisor, who sees all ten basic courts.
curl -fs -c "$WORK/jar" -H 'content-type: application/json' \
  -d '{"username":"jz_supervisor","password":"zhixing123"}' "http://127.0.0.1:$PORT/api/v1/login" >/dev/null
TOKEN=$(awk '$6=="zx_session"{print $7}' "$WORK/jar")
CASE_ID=$(curl -fs -b "zx_session=$TOKEN" "http://127.0.0.1:$PORT/api/v1/cases?per_page=1&page=50" \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["items"][0]["id"])')

run() { # name url
  oha -z "${SECS}s" -c "$CONN" --no-tui --output-format json -H "Cookie: zx_session=$TOKEN" "$2" >"$WORK/$1.json"
  python3 - "$WORK/$1.json" "$1" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
s = d["summary"]; p = d["latencyPercentiles"]
codes = d.get("statusCodeDistribution", {})
print(f'{sys.argv[2]:<12} {s["requestsPerSec"]:>9.0f} req/s   p50 {p["p50"]*1000:6.2f} ms   p99 {p["p99"]*1000:6.2f} ms   status {codes}')
PY
}
echo "== load: $CONN connections, ${SECS}s each"
run healthz "http://127.0.0.1:$PORT/healthz"
run case_list "http://127.0.0.1:$PORT/cases?stage=investigation&page=3"
run case_page "http://127.0.0.1:$PORT/cases/$CASE_ID"
python3 - "$WORK" <<'PY'
import json, sys, os
w = sys.argv[1]
rps = {n: json.load(open(os.path.join(w, n + ".json")))["summary"]["requestsPerSec"] for n in ("healthz", "case_list", "case_page")}
print(f'case page / healthz throughput: {rps["case_page"] / rps["healthz"]:.1%}')
print(f'case list / healthz throughput: {rps["case_list"] / rps["healthz"]:.1%}')
PY
