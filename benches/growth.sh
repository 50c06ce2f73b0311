#!/usr/bin/env bash
# Cost as the data grows (issue 33): the same requests at 1 k rows and at full size (1 M users,
# 1 M sessions, 10 M security events, 1 M posts), on SQLite and on PostgreSQL, measured like
# benches/load.sh (the release server pinned to core 0 with one worker, wrk pinned to core 1).
# Rows: /me (bearer), the first and a deep page of posts, the admin user search, the admin
# events page, a sign-in (BCRYPT_COST=12), and /me plus sign-ins at the same time, without
# and during the audit purge of 90% of the events. Prints one table and each query's plan
# (EXPLAIN QUERY PLAN on SQLite; EXPLAIN (ANALYZE, BUFFERS) on PostgreSQL, through
# auto_explain), writes target/growth.json and target/growth-plans.txt.
#
#   benches/growth.sh
#   BACKENDS=sqlite SCALES=full DURATION=10s benches/growth.sh
#   (SQLite's plans are of the statements the PostgreSQL run saw, kept in
#   target/growth-statements-<scale>.txt: run PostgreSQL first, as the default order does.)
#   BENCH_POSTGRES=postgres://postgres@127.0.0.1:5432 (the default) is where PostgreSQL runs:
#   a database of our own is created there and dropped at the end.
#   SIGIL_BIN=/path/to/sigil measures another build (an earlier commit's, say).
#   PURGE_WAIT=120 waits at most that many seconds for the purge to end (default 1800).
# Needs: wrk, taskset, curl, python3, psql. Full size takes about 2 GB of disk per backend.
# The PostgreSQL plans come from the server log (auto_explain): set PG_LOG to its file if it is
# not /var/log/postgresql/postgresql-15-main.log; unreadable, the plans are skipped.
set -euo pipefail
cd "$(dirname "$0")/.."
duration="${DURATION:-10s}"
connections="${CONNECTIONS:-32}"
backends="${BACKENDS:-postgres sqlite}"
scales="${SCALES:-1k full}"
pg_base="${BENCH_POSTGRES:-postgres://postgres@127.0.0.1:5432}"
pg_log="${PG_LOG:-/var/log/postgresql/postgresql-15-main.log}"
retention_days=365
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk"; exit 1; }
if [ -z "${SIGIL_BIN:-}" ]; then cargo build --release --quiet --bin sigil; fi
bin="${SIGIL_BIN:-$PWD/target/release/sigil}"

work=$(mktemp -d)
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
base="http://127.0.0.1:$port"
secret="growth-benchmark-secret-0123456789-abcdefghij"
export BIND_ADDR="127.0.0.1:$port" WORKERS=1 LOGIN_RATE_PER_MINUTE=0 BCRYPT_COST=12 \
  RUST_LOG=warn,sigil::audit=info,sigil::search=info SECRET_KEY="$secret"
server=""
pg_db=""
start_server() { # AUDIT_RETENTION_DAYS
  (cd "$work" && AUDIT_RETENTION_DAYS="$1" exec taskset -c 0 "$bin") >> "$work/server.log" 2>&1 &
  server=$!
  for _ in $(seq 1 3000); do curl -fsS "$base/healthz" >/dev/null 2>&1 && return 0; sleep 0.01; done
  echo "server did not start"; cat "$work/server.log"; exit 1
}
stop_server() { [ -z "$server" ] || { kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; server=""; }; }
drop_database() { [ -z "$pg_db" ] || psql -q "$pg_base/postgres" -c "DROP DATABASE IF EXISTS $pg_db" || true; pg_db=""; }
trap 'stop_server; drop_database; rm -rf "$work"' EXIT

cat > "$work/login.lua" <<'LUA'
wrk.method = "POST"
wrk.body = '{"username": "bench_user", "password": "benchmark-password"}'
wrk.headers["Content-Type"] = "application/json"
LUA

# run NAME CONNECTIONS [wrk args...] -> "rps p50_ms p99_ms non2xx"
run() {
  local name="$1" conns="$2"; shift 2
  taskset -c 1 wrk -t1 -c"$conns" -d"$duration" --latency "$@" > "$work/$name.txt" 2>&1
  python3 benches/wrk_row.py "$work/$name.txt"
  drain
}
# Requests still queued when wrk stopped run to the end (actix-web does not drop a request
# whose client hung up): wait until a database round trip (/readyz) answers at once again, so
# that the next row does not pay for this one's backlog.
drain() {
  local t
  for _ in $(seq 1 1200); do
    t=$(curl -o /dev/null -s -w '%{time_total}' "$base/readyz" || echo 1)
    python3 -c 'import sys; sys.exit(float(sys.argv[1]) >= 0.05)' "$t" && return 0
    sleep 0.1
  done
}

json() { python3 -c "import json, sys; print(json.load(sys.stdin)$1)"; }
token_of() {
  curl -fsS "$base/api/auth/token" -d grant_type=password -d username="$1" \
    -d password=benchmark-password | json '["access_token"]'
}
# A page cursor made the way the server makes one (src/domain/cursor.rs): version 1, the id
# big-endian, the first 12 bytes of HMAC-SHA-256 under HMAC(SECRET_KEY, "sigil cursor key").
cursor_for() {
  python3 - "$secret" "$1" <<'PY'
import base64, hashlib, hmac, struct, sys
key = hmac.new(sys.argv[1].encode(), b"sigil cursor key", hashlib.sha256).digest()
payload = b"\x01" + struct.pack(">i", int(sys.argv[2]))
tag = hmac.new(key, payload, hashlib.sha256).digest()[:12]
print(base64.urlsafe_b64encode(payload + tag).rstrip(b"=").decode())
PY
}
sql() { # one value from the benchmark database
  if [ "$backend" = sqlite ]; then python3 -c "import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute(sys.argv[2]).fetchone()[0])" "$work/bench.db" "$1"
  else psql -XtA "$database_url" -c "$1"; fi
}

results="$work/results.jsonl"
: > "$results"
: > "$work/plans.txt"
record() { # backend scale key "rps p50 p99 non2xx"
  python3 -c 'import json, sys; b, s, k, v = sys.argv[1:5]; r, p50, p99, bad = v.split()
print(json.dumps({"backend": b, "scale": s, "row": k, "rps": float(r), "p50_ms": float(p50), "p99_ms": float(p99), "non2xx": int(bad)}))' \
    "$backend" "$scale" "$1" "$2" >> "$results"
}
note() { # backend scale key value (seconds, counts)
  python3 -c 'import json, sys; b, s, k, v = sys.argv[1:5]
print(json.dumps({"backend": b, "scale": s, "note": k, "value": float(v)}))' "$backend" "$scale" "$1" "$2" >> "$results"
}

# The requests whose queries the plans show, one of each.
one_of_each() {
  curl -fsS -o /dev/null -H "Authorization: Bearer $token" "$base/api/users/me"
  curl -fsS -o /dev/null "$base/api/posts?limit=20"
  curl -fsS -o /dev/null -H "Authorization: Bearer $token" "$base/api/posts?limit=20"
  curl -fsS -o /dev/null "$base/api/posts?limit=20&cursor=$deep"
  curl -fsS -o /dev/null -H "Authorization: Bearer $admin" "$base/api/admin/users?query=bench_us&limit=20"
  curl -fsS -o /dev/null -H "Authorization: Bearer $admin" "$base/api/admin/users?limit=20"
  curl -fsS -o /dev/null -H "Authorization: Bearer $admin" "$base/api/admin/events?limit=20"
  curl -fsS -o /dev/null -H "Authorization: Bearer $admin" "$base/api/admin/events?limit=20&user=$some_user"
  curl -fsS -o /dev/null -H 'Content-Type: application/json' \
    -d '{"username": "bench_user", "password": "benchmark-password"}' "$base/api/auth/login"
}

for backend in $backends; do
  for scale in $scales; do
    if [ "$scale" = full ]; then counts="1000000 1000000 10000000 1000000"; else counts="1000 1000 1000 1000"; fi
    echo "== $backend, $scale: users sessions events posts = $counts"
    rm -f "$work"/bench.db*
    if [ "$backend" = sqlite ]; then
      database_url="sqlite://$work/bench.db"; seed_target="$work/bench.db"
    else
      pg_db="sigil_growth_$$"
      psql -q "$pg_base/postgres" -c "CREATE DATABASE $pg_db"
      database_url="$pg_base/$pg_db"; seed_target="$database_url"
    fi
    export DATABASE_URL="$database_url"
    # The server creates and migrates the database; the measured accounts come through the API.
    start_server 36500
    for u in bench_admin bench_user; do
      curl -fsS "$base/api/auth/register" -H 'Content-Type: application/json' \
        -d "{\"email\": \"$u@example.com\", \"username\": \"$u\", \"password\": \"benchmark-password\"}" >/dev/null
    done
    stop_server
    t0=$(date +%s%N)
    # shellcheck disable=SC2086
    python3 benches/growth_seed.py "$backend" "$seed_target" $counts | tee "$work/seed.txt"
    t1=$(date +%s%N)
    note seed_seconds "$(( (t1 - t0) / 1000000 ))e-3"

    # Steady state: nothing is old enough to purge.
    start_server 36500
    if [ "$backend" = sqlite ]; then
      # The seed's one big insert leaves the FTS5 user search index in several segments, as
      # sign-ups do; the server's search index upkeep merges them into one at start (then
      # hourly). Measure once it has: a live server spends at most an hour with more.
      t0=$(date +%s%N)
      for _ in $(seq 1 6000); do
        [ "$(sql "SELECT coalesce((SELECT max(segid) FROM users_search_idx) = (SELECT min(segid) FROM users_search_idx), 1)")" = 1 ] && break
        sleep 0.1
      done
      note search_index_merge_seconds "$(( ($(date +%s%N) - t0) / 1000000 ))e-3"
      grep 'sigil::search' "$work/server.log" | tail -1 || true
    fi
    token=$(token_of bench_user)
    admin=$(token_of bench_admin)
    # A deep page: the cursor of the public post a tenth of the way up from the oldest.
    deep_id=$(sql "SELECT id FROM posts WHERE visibility = 'public' ORDER BY id LIMIT 1 OFFSET (SELECT count(*) / 10 FROM posts)")
    deep=$(cursor_for "$deep_id")
    deep_items=$(curl -fsS "$base/api/posts?limit=20&cursor=$deep" | json '["items"].__len__()')
    [ "$deep_items" = 20 ] || { echo "the deep cursor was not served a full page ($deep_items)"; exit 1; }
    some_user=$(sql "SELECT user_id FROM security_events WHERE user_id IS NOT NULL ORDER BY id DESC LIMIT 1")

    record healthz "$(run healthz "$connections" "$base/healthz")"
    record me "$(run me "$connections" -H "Authorization: Bearer $token" "$base/api/users/me")"
    record posts_first "$(run posts_first "$connections" "$base/api/posts?limit=20")"
    record posts_first_auth "$(run posts_first_auth "$connections" -H "Authorization: Bearer $token" "$base/api/posts?limit=20")"
    record posts_deep "$(run posts_deep "$connections" "$base/api/posts?limit=20&cursor=$deep")"
    record admin_search "$(run admin_search "$connections" -H "Authorization: Bearer $admin" "$base/api/admin/users?query=bench_us&limit=20")"
    record admin_users "$(run admin_users "$connections" -H "Authorization: Bearer $admin" "$base/api/admin/users?limit=20")"
    record admin_events "$(run admin_events "$connections" -H "Authorization: Bearer $admin" "$base/api/admin/events?limit=20")"
    record admin_events_user "$(run admin_events_user "$connections" -H "Authorization: Bearer $admin" "$base/api/admin/events?limit=20&user=$some_user")"
    record login "$(run login 2 -s "$work/login.lua" "$base/api/auth/login")"
    sleep 2
    # /me and sign-ins together, with no purge: the baseline of the purge rows.
    (run purge_off_login 2 -s "$work/login.lua" "$base/api/auth/login" > "$work/login.row") &
    pair=$!
    record purge_off_me "$(run purge_off_me 4 -H "Authorization: Bearer $token" "$base/api/users/me")"
    wait "$pair"; record purge_off_login "$(cat "$work/login.row")"
    sleep 2

    # The plans of the queries those routes run.
    if [ "$backend" = postgres ] && [ -r "$pg_log" ]; then
      stop_server
      psql -q "$pg_base/postgres" -c "ALTER DATABASE $pg_db SET session_preload_libraries = 'auto_explain'" \
        -c "ALTER DATABASE $pg_db SET auto_explain.log_min_duration = 0" \
        -c "ALTER DATABASE $pg_db SET auto_explain.log_analyze = on" \
        -c "ALTER DATABASE $pg_db SET auto_explain.log_buffers = on" \
        -c "ALTER DATABASE $pg_db SET auto_explain.log_nested_statements = on"
      log_from=$(stat -c %s "$pg_log")
      start_server 36500
      one_of_each
      sleep 1
      stop_server
      psql -q "$pg_base/postgres" -c "ALTER DATABASE $pg_db RESET ALL"
      tail -c +"$(( log_from + 1 ))" "$pg_log" > "$work/pg_plans.log"
      : > "target/growth-statements-$scale.txt"
      python3 benches/growth_plans.py postgres "$database_url" "$work/pg_plans.log" "$retention_days" \
        "target/growth-statements-$scale.txt" > "$work/plan.txt"
      start_server 36500
    else
      python3 benches/growth_plans.py sqlite "$work/bench.db" "target/growth-statements-$scale.txt" \
        "$retention_days" > "$work/plan.txt"
    fi
    { echo "=== $backend, $scale"; cat "$work/plan.txt"; echo; } >> "$work/plans.txt"
    stop_server

    # The purge: restart with the real retention, so the purge thread starts at once on the
    # events older than it (nine in ten), and measure /me and sign-ins while it runs.
    expired=$(sql "SELECT count(*) FROM security_events WHERE created_at < $( [ "$backend" = sqlite ] && echo "datetime('now', '-$retention_days days')" || echo "(now() AT TIME ZONE 'utc') - interval '$retention_days days'")")
    note purge_expired_rows "$expired"
    log_lines=$(wc -l < "$work/server.log")
    p0=$(date +%s%N)
    start_server "$retention_days"
    (run purge_on_login 2 -s "$work/login.lua" "$base/api/auth/login" > "$work/login.row") &
    pair=$!
    record purge_on_me "$(run purge_on_me 4 -H "Authorization: Bearer $token" "$base/api/users/me")"
    wait "$pair"; record purge_on_login "$(cat "$work/login.row")"
    still=$(tail -n +"$(( log_lines + 1 ))" "$work/server.log" | grep -c "purged" || true)
    note purge_outlasted_wrk "$([ "$still" = 0 ] && echo 1 || echo 0)"
    # A purge of millions takes minutes (it rests as long as each batch took): wait for its
    # line, at most PURGE_WAIT seconds (half an hour); events_left then says how far it got.
    for _ in $(seq 1 "${PURGE_WAIT:-1800}"); do
      tail -n +"$(( log_lines + 1 ))" "$work/server.log" | grep -q "purged" && break; sleep 1
    done
    p1=$(date +%s%N)
    note purge_seconds_upper_bound "$(( (p1 - p0) / 1000000 ))e-3"
    note events_left "$(sql "SELECT count(*) FROM security_events")"
    stop_server
    grep -i "warn\|error\|purged" "$work/server.log" | tail -n 5 || true
    : > "$work/server.log"
    drop_database
  done
done

cp "$work/plans.txt" target/growth-plans.txt
python3 - "$results" <<'PY'
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
rows = [l for l in lines if "row" in l]
notes = [l for l in lines if "note" in l]
labels = [
    ("healthz", "GET /healthz (floor)"),
    ("me", "GET /api/users/me, bearer"),
    ("posts_first", "GET /api/posts, first page, anonymous"),
    ("posts_first_auth", "GET /api/posts, first page, signed in"),
    ("posts_deep", "GET /api/posts, deep page (cursor at 10%)"),
    ("admin_search", "GET /api/admin/users?query=bench_us"),
    ("admin_users", "GET /api/admin/users (no query)"),
    ("admin_events", "GET /api/admin/events"),
    ("admin_events_user", "GET /api/admin/events?user="),
    ("login", "POST /api/auth/login, cost 12, 2 clients"),
    ("purge_off_me", "/me, 4 clients, beside sign-ins, no purge"),
    ("purge_off_login", "sign-ins, 2 clients, beside /me, no purge"),
    ("purge_on_me", "/me, 4 clients, beside sign-ins, PURGE"),
    ("purge_on_login", "sign-ins, 2 clients, beside /me, PURGE"),
]
by = {(r["backend"], r["scale"], r["row"]): r for r in rows}
out = {"rows": rows, "notes": notes}
for backend in dict.fromkeys(r["backend"] for r in rows):
    # The machine's own noise (other processes, PostgreSQL's unpinned ones) moves every row of
    # a run together: each row over /healthz of its own run is printed too.
    print(f"\n{backend}: req/s, p99 ms (non-2xx); full ÷ 1k of req/s, then of req/s ÷ /healthz")
    print(f"{'row':46} {'1k req/s':>9} {'p99':>8} {'full req/s':>10} {'p99':>8} {'full÷1k':>8} {'norm.':>6}")
    for key, label in labels:
        small, big = by.get((backend, "1k", key)), by.get((backend, "full", key))
        cell = lambda r: (f"{r['rps']:9.1f} {r['p99_ms']:8.2f}" + (f" ({r['non2xx']} bad)" if r["non2xx"] else "")) if r else f"{'-':>9} {'-':>8}"
        ratio = f"{big['rps'] / small['rps']:8.2f}" if small and big else f"{'-':>8}"
        fs, fb = by.get((backend, "1k", "healthz")), by.get((backend, "full", "healthz"))
        norm = (f"{(big['rps'] / fb['rps']) / (small['rps'] / fs['rps']):6.2f}"
                if small and big and fs and fb else f"{'-':>6}")
        print(f"{label:46} {cell(small)} {cell(big):>19} {ratio} {norm}")
    for n in notes:
        if n["backend"] == backend:
            print(f"  {n['scale']:4} {n['note']}: {n['value']:g}")
json.dump(out, open("target/growth.json", "w"), indent=2)
print("\nwritten: target/growth.json, target/growth-plans.txt")
PY
