#!/usr/bin/env bash
# Intake benchmark: filing through the API (triage, assignment and inquiry tasks included) on a
# database that already holds N cases, and triage-rule simulation over one court's cases.
#
#   scripts/bench-intake.sh [N=150000]
#   env: BENCH_SECONDS (default 10), BENCH_CONNECTIONS (default 16), BENCH_PORT (default 18081)
# The domain's own figures (route one case, validate a rule set): cargo bench -p zhixing-domain --bench triage
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-150000}
SECS=${BENCH_SECONDS:-10}
CONN=${BENCH_CONNECTIONS:-16}
PORT=${BENCH_PORT:-18081}
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}"
command -v oha >/dev/null 2>&1 || cargo install --locked oha
cargo build --release -p zhixing-cli
BIN="$CARGO_TARGET_DIR/release/zhixing"
WORK=$(mktemp -d)
SERVER=""
trap 'kill $SERVER 2>/dev/null || true; rm -rf "$WORK"' EXIT
DB="$WORK/bench.db"

"$BIN" demo --cases "$N" --db "$DB"
"$BIN" serve --db "$DB" --addr "127.0.0.1:$PORT" >"$WORK/server.log" 2>&1 &
SERVER=$!
for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.1; done
BASE="http://127.0.0.1:$PORT"

login() { # user jar
  curl -fs -c "$2" -H 'content-type: application/json' -d "{\"username\":\"$1\",\"password\":\"zhixing123\"}" "$BASE/api/v1/login" >/dev/null
}
login sy_clerk "$WORK/clerk"
TOKEN=$(awk '$6=="zx_session"{print $7}' "$WORK/clerk")
CSRF=$(curl -fs -b "zx_session=$TOKEN" "$BASE/api/v1/csrf" | python3 -c 'import json,sys; print(json.load(sys.stdin)["csrf_token"])')
BEFORE=$(curl -fs -b "zx_session=$TOKEN" "$BASE/api/v1/cases?per_page=1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["total"])')

cat >"$WORK/filing.json" <<'JSON'
{"case_type":"first","applicant":{"kind":"person","name":"王申请","id_number":"11010519491231002X"},
 "debtors":[{"kind":"person","name":"刘被执","id_number":"440524188001010014"}],
 "basis":{"issuing_court":"焦作市山阳区人民法院","instrument_number":"（2025）豫0811民初77号","kind":"judgment","effective_date":"2025-05-01"},
 "claim":"3.8万","debtor_locatable":true,"flags":[]}
JSON
# A short warm-up first: the server has just started and its page cache is cold.
oha -z 5s -c "$CONN" --no-tui -m POST -T application/json -D "$WORK/filing.json" \
  -H "Cookie: zx_session=$TOKEN" -H "X-CSRF-Token: $CSRF" "$BASE/api/v1/cases" >/dev/null
echo "== filing through POST /api/v1/cases: $CONN connections, ${SECS}s after a 5 s warm-up, $N cases already in the database"
oha -z "${SECS}s" -c "$CONN" --no-tui --output-format json -m POST -T application/json -D "$WORK/filing.json" \
  -H "Cookie: zx_session=$TOKEN" -H "X-CSRF-Token: $CSRF" "$BASE/api/v1/cases" >"$WORK/filing.out"
python3 - "$WORK/filing.out" <<'PY'
import json, sys
d = json.load(open(sys.argv[1])); s = d["summary"]; p = d["latencyPercentiles"]
print(f'filing: {s["requestsPerSec"]:.0f} cases/s   p50 {p["p50"]*1000:.1f} ms   p99 {p["p99"]*1000:.1f} ms   status {d.get("statusCodeDistribution")}')
PY
AFTER=$(curl -fs -b "zx_session=$TOKEN" "$BASE/api/v1/cases?per_page=1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["total"])')
echo "cases in 山阳区 before/after: $BEFORE / $AFTER"

echo "== triage simulation: 山阳区's cases of the last 36 months with its preset"
login sy_admin "$WORK/admin"
ATOKEN=$(awk '$6=="zx_session"{print $7}' "$WORK/admin")
COURT=$(curl -fs -b "zx_session=$ATOKEN" "$BASE/api/v1/me" | python3 -c 'import json,sys; print(json.load(sys.stdin)["court_id"])')
curl -fs -b "zx_session=$ATOKEN" "$BASE/api/v1/courts/$COURT/triage-rules" \
  | python3 -c 'import json,sys; print(json.dumps({"rules": json.load(sys.stdin)["rules"], "months": 36}))' >"$WORK/sim.json"
python3 - "$BASE/api/v1/courts/$COURT/triage-rules/simulate" "$ATOKEN" "$WORK/sim.json" <<'PY'
import json, sys, time, urllib.request
url, token, body = sys.argv[1], sys.argv[2], open(sys.argv[3], "rb").read()
best = None
for _ in range(3):
    req = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json", "Cookie": f"zx_session={token}"})
    t = time.time(); out = json.load(urllib.request.urlopen(req)); dt = time.time() - t
    best = dt if best is None else min(best, dt)
print(f'simulation: {out["cases"]} cases, {out["changed"]} would change team, best of 3: {best*1000:.0f} ms')
PY
