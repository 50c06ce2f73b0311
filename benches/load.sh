#!/usr/bin/env bash
# Load benchmark: the release server pinned to one core with one worker, wrk pinned to the
# other. Prints one table (requests/s, p50, p99, ratio to /healthz) and writes the same as
# JSON to target/load.json. Run from the repository: benches/load.sh
# BENCH_POSTGRES=postgres://postgres@127.0.0.1:5432 runs it on a fresh PostgreSQL database
# there (created and dropped with psql) instead of SQLite. PostgreSQL's own processes cannot
# be pinned away from the server's core, so every row also gives the CPU time per 1,000
# requests of the server and of PostgreSQL's processes (read from /proc): fair on both.
# Needs: wrk and taskset (Debian's wrk and util-linux); curl, python3 (psql for PostgreSQL).
set -euo pipefail
cd "$(dirname "$0")/.."
duration="${DURATION:-10s}"
connections="${CONNECTIONS:-32}"
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk"; exit 1; }
cargo build --release --quiet
cargo build --release --quiet --example bcrypt_rate
# SIGIL_BIN=/path/to/sigil measures another build (an earlier commit's, say) in the same way.
# Builds land in CARGO_TARGET_DIR when it is set, as cargo's do.
target_dir=$(realpath "${CARGO_TARGET_DIR:-target}")
bin="${SIGIL_BIN:-$target_dir/release/sigil}"

work=$(mktemp -d)
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
base="http://127.0.0.1:$port"
database_url="sqlite://$work/bench.db"
pg_db=""
if [ -n "${BENCH_POSTGRES:-}" ]; then
  pg_db="sigil_bench_$$"
  psql -q "$BENCH_POSTGRES/postgres" -c "CREATE DATABASE $pg_db"
  database_url="$BENCH_POSTGRES/$pg_db"
fi
export DATABASE_URL="$database_url" BIND_ADDR="127.0.0.1:$port" WORKERS=1 \
  LOGIN_RATE_PER_MINUTE=0 BCRYPT_COST=12 RUST_LOG=warn \
  SECRET_KEY="load-benchmark-secret-0123456789-abcdefghij"
server=""
start_server() {
  (cd "$work" && exec taskset -c 0 "$bin") > "$work/server.log" 2>&1 &
  server=$!
  for _ in $(seq 1 500); do curl -fsS "$base/healthz" >/dev/null 2>&1 && return 0; sleep 0.01; done
  echo "server did not start"; cat "$work/server.log"; exit 1
}
stop_server() { kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; }
drop_database() { [ -z "$pg_db" ] || psql -q "$BENCH_POSTGRES/postgres" -c "DROP DATABASE IF EXISTS $pg_db"; }
trap 'stop_server; rm -rf "$work"; drop_database' EXIT

start_server
echo "seeding: 3 users, 1000 posts (through the API)"
for u in alice bob carol; do
  curl -fsS "$base/api/auth/register" -H 'Content-Type: application/json' \
    -d "{\"email\": \"$u@example.com\", \"username\": \"$u\", \"password\": \"benchmark-password\"}" >/dev/null
done
token=$(curl -fsS "$base/api/auth/token" -d grant_type=password -d username=alice \
  -d password=benchmark-password | python3 -c 'import json, sys; print(json.load(sys.stdin)["access_token"])')
python3 - "$base" "$token" <<'PY'
import http.client, json, sys, urllib.parse
base, token = sys.argv[1], sys.argv[2]
u = urllib.parse.urlparse(base)
conn = http.client.HTTPConnection(u.hostname, u.port)
for i in range(1000):
    body = json.dumps({"title": f"Post {i}", "body": "Lorem ipsum dolor sit amet. " * 8,
                       "visibility": "private" if i % 5 == 0 else "public"})
    conn.request("POST", "/api/posts", body, {"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    r = conn.getresponse(); r.read()
    assert r.status == 201, r.status
PY

# Start-up to ready on this existing database: spawn, then poll /healthz.
stop_server
t0=$(date +%s%N); start_server; t1=$(date +%s%N)
startup_ms=$(( (t1 - t0) / 1000000 ))
token=$(curl -fsS "$base/api/auth/token" -d grant_type=password -d username=alice \
  -d password=benchmark-password | python3 -c 'import json, sys; print(json.load(sys.stdin)["access_token"])')
# A personal access token of alice's (the fresh sign-in above is the recent auth it needs).
pat=$(curl -fsS "$base/api/users/me/tokens" -H "Authorization: Bearer $token" \
  -H 'Content-Type: application/json' \
  -d '{"name": "benchmark", "scopes": ["profile:read", "posts:read"], "expires_in_days": 7}' |
  python3 -c 'import json, sys; print(json.load(sys.stdin)["token"])')

# An OpenID Connect client of the provider (first-party: no consent page), and its tokens from
# the code flow played by benches/oidc_tokens.py: a client access token, refresh families for
# the wrk connections, and the code exchange timed one code after another. wrk builds a request
# more than it sends at the start: with one family per connection the pool ran dry (a quarter
# of the refreshes were "unknown"), so it holds twice as many.
client=$(cd "$work" && "$bin" client create --name Benchmark --first-party --json \
  --redirect-uri http://127.0.0.1/callback)
client_id=$(python3 -c 'import json, sys; print(json.load(sys.stdin)["client_id"])' <<< "$client")
client_secret=$(python3 -c 'import json, sys; print(json.load(sys.stdin)["client_secret"])' <<< "$client")
oidc=$(python3 benches/oidc_tokens.py "$base" alice benchmark-password "$client_id" "$client_secret" \
  http://127.0.0.1/callback 8 200)
client_token=$(python3 -c 'import json, sys; print(json.load(sys.stdin)["access_token"])' <<< "$oidc")
python3 - "$client_id" "$client_secret" "$oidc" > "$work/refresh.lua" <<'PY'
import json, sys, urllib.parse
client_id, secret, oidc = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
fixed = urllib.parse.urlencode({"grant_type": "refresh_token", "client_id": client_id, "client_secret": secret})
pool = "{" + ", ".join(json.dumps(t) for t in oidc["refresh_tokens"]) + "}"
print(f"""-- Each response's refresh token goes back in the pool and a later request rotates it: each
-- token is sent once, so no reuse is ever detected (non-2xx would say so).
local pool = {pool}
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
function request()
  local token = table.remove(pool, 1) or "none"
  return wrk.format(nil, nil, nil, "{fixed}&refresh_token=" .. token)
end
function response(status, headers, body)
  local token = body:match('"refresh_token":"([^"]+)"')
  if token then table.insert(pool, token) end
end""")
PY

cat > "$work/login.lua" <<'LUA'
wrk.method = "POST"
wrk.body = '{"username": "bob", "password": "benchmark-password"}'
wrk.headers["Content-Type"] = "application/json"
LUA

# CPU time, in clock ticks, of the server and of PostgreSQL's processes (0 on SQLite): the
# cost of a request on each side, fair on both backends whatever core PostgreSQL ran on.
cpu_ticks() {
  local pids="$server"
  [ -z "$pg_db" ] || pids="$pids $(pgrep -u postgres | tr '\n' ' ')"
  python3 - "$server" $pids <<'PY'
import sys
server, pids = sys.argv[1], sys.argv[2:]
def ticks(pid):
    try:
        fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    except OSError:
        return 0
    return int(fields[11]) + int(fields[12])
print(ticks(server), sum(ticks(p) for p in pids if p != server))
PY
}

# run NAME CONNECTIONS [wrk args...] -> "rps p50_ms p99_ms non2xx sigil_cpu_ms_per_1k pg_cpu_ms_per_1k"
run() {
  local name="$1" conns="$2"; shift 2
  local before after
  before=$(cpu_ticks)
  taskset -c 1 wrk -t1 -c"$conns" -d"$duration" --latency "$@" > "$work/$name.txt" 2>&1
  after=$(cpu_ticks)
  python3 benches/wrk_row.py "$work/$name.txt" "$before" "$after" "$(getconf CLK_TCK)"
}

declare -A result
result[healthz]=$(run healthz "$connections" "$base/healthz")
result[me_bearer]=$(run me_bearer "$connections" -H "Authorization: Bearer $token" "$base/api/users/me")
result[me_cookie]=$(run me_cookie "$connections" -H "Cookie: access_token=$token" "$base/api/users/me")
result[me_pat]=$(run me_pat "$connections" -H "Authorization: Bearer $pat" "$base/api/users/me")
result[posts_anon]=$(run posts_anon "$connections" "$base/api/posts?limit=20")
result[posts_auth]=$(run posts_auth "$connections" -H "Authorization: Bearer $token" "$base/api/posts?limit=20")
result[me_client]=$(run me_client "$connections" -H "Authorization: Bearer $client_token" "$base/api/users/me")
result[userinfo]=$(run userinfo "$connections" -H "Authorization: Bearer $client_token" "$base/oauth/userinfo")
result[client_refresh]=$(run client_refresh 4 -s "$work/refresh.lua" "$base/api/auth/token")
result[login]=$(run login 4 -s "$work/login.lua" "$base/api/auth/login")
# The sign-ins still queued when wrk stopped run to the end (actix-web does not drop a request
# whose client hung up): let them finish, or the storm's first sign-ins wait behind them too.
sleep 2
# /api/users/me while 4 clients hammer login (one more core would be cheating: both on core 1).
# The storm runs a second longer on each side so it covers the whole /me run; its own figures
# (sign-ins per second and their p99 under load) are the storm_logins row.
storm_secs=$(( ${duration%s} + 2 ))
(run storm_logins 4 -s "$work/login.lua" -d"${storm_secs}s" "$base/api/auth/login" > "$work/storm.row") &
storm=$!
sleep 1
result[me_during_storm]=$(run me_during_storm 4 -H "Authorization: Bearer $token" "$base/api/users/me")
wait "$storm" || true
result[storm_logins]=$(cat "$work/storm.row")
result[me_idle]=$(run me_idle 4 -H "Authorization: Bearer $token" "$base/api/users/me")
peak_rss_kb=$(awk '/VmHWM/ {print $2}' "/proc/$server/status")
# What the resident memory is now: the server's own (anonymous) pages, and the binary's pages
# that the kernel mapped from the page cache (shared, dropped under pressure; the kernel maps
# neighbours of each page touched, so this grows with the binary, not with the work).
rss_split=$(awk '/RssAnon|RssFile/ {printf "%s %.1f MB ", $1, $2 / 1024}' "/proc/$server/status")
bcrypt=$(taskset -c 0 "$target_dir/release/examples/bcrypt_rate" 12 5)

python3 - "$startup_ms" "$peak_rss_kb" "$bcrypt" "$(declare -p result)" "$oidc" "$rss_split" <<'PY'
import json, os, sys, re
startup_ms, rss_kb, bcrypt = int(sys.argv[1]), int(sys.argv[2]), json.loads(sys.argv[3])
rss_split = sys.argv[6].strip()
code_exchange = json.loads(sys.argv[5])["code_exchange"]
rows = dict(re.findall(r'\[(\w+)\]="([^"]*)"', sys.argv[4]))
fields = ("rps", "p50_ms", "p99_ms", "non2xx", "sigil_cpu_ms_per_1k", "pg_cpu_ms_per_1k")
data = {k: dict(zip(fields, map(float, v.split()))) for k, v in rows.items()}
postgres = os.environ["DATABASE_URL"].startswith("postgres")
floor = data["healthz"]["rps"]
labels = [
    ("healthz", "GET /healthz (floor)"),
    ("me_bearer", "GET /api/users/me, bearer"),
    ("me_cookie", "GET /api/users/me, cookie"),
    ("me_pat", "GET /api/users/me, personal access token"),
    ("me_client", "GET /api/users/me, OIDC client token"),
    ("userinfo", "GET /oauth/userinfo, OIDC client token"),
    ("client_refresh", "POST /api/auth/token, client refresh, 4 conns"),
    ("posts_anon", "GET /api/posts, anonymous"),
    ("posts_auth", "GET /api/posts, authenticated"),
    ("login", "POST /api/auth/login, cost 12"),
    ("me_idle", "GET /api/users/me, 4 clients, idle"),
    ("me_during_storm", "GET /api/users/me, 4 clients, login storm"),
    ("storm_logins", "POST /api/auth/login during that storm"),
]
# CPU per 1,000 requests: Sigil's own (one core's worth at most), and PostgreSQL's beside it.
cpu_head = f" {'Sigil CPU':>10}" + (f" {'PG CPU':>8}" if postgres else "")
print(f"{'row':44} {'req/s':>10} {'p50 ms':>9} {'p99 ms':>9} {'÷ floor':>8}{cpu_head}")
print(f"{'':44} {'':>10} {'':>9} {'':>9} {'':>8} {'ms/1k req':>10}" + (f" {'ms/1k':>8}" if postgres else ""))
for key, label in labels:
    d = data[key]
    d["ratio_to_floor"] = d["rps"] / floor
    cpu = f" {d['sigil_cpu_ms_per_1k']:10.1f}" + (f" {d['pg_cpu_ms_per_1k']:8.1f}" if postgres else "")
    print(f"{label:44} {d['rps']:10.1f} {d['p50_ms']:9.3f} {d['p99_ms']:9.3f} {d['ratio_to_floor']:8.3f}{cpu}")
bcrypt_rate = bcrypt["verifies_per_second"]
storm = data["storm_logins"]
# Issue 33's targets (issue 19's, raised), per backend.
ratio = lambda key: data[key]["rps"] / floor
me_floor, posts_auth_floor = (0.40, 0.15) if postgres else (0.55, 0.20)
targets = {
    f"GET /api/users/me (bearer) >= {me_floor:.0%} of /healthz": ratio("me_bearer") >= me_floor,
    "GET /api/users/me (personal access token) >= 80% of bearer JWT": data["me_pat"]["rps"] >= 0.80 * data["me_bearer"]["rps"],
    f"GET /api/posts?limit=20 (anonymous) >= {me_floor:.0%} of /healthz": ratio("posts_anon") >= me_floor,
    f"GET /api/posts?limit=20 (signed in) >= {posts_auth_floor:.0%} of /healthz": ratio("posts_auth") >= posts_auth_floor,
    "sign-ins during the storm >= 70% of the bcrypt limit": storm["rps"] >= 0.70 * bcrypt_rate,
    "sign-in p99 during the storm <= 2x idle sign-in p99": storm["p99_ms"] <= 2 * data["login"]["p99_ms"],
    "/api/users/me p99 during the storm <= 10 ms": data["me_during_storm"]["p99_ms"] <= 10,
    "GET /api/users/me (OIDC client token) >= 90% of bearer JWT": data["me_client"]["rps"] >= 0.90 * data["me_bearer"]["rps"],
    "peak RSS <= 40 MB": rss_kb <= 40 * 1024,
    "start-up <= 150 ms": startup_ms <= 150,
}
if postgres:
    targets["GET /api/posts (signed in) p99 <= 20 ms"] = data["posts_auth"]["p99_ms"] <= 20
print(f"\nbcrypt alone, cost 12, one core: {bcrypt_rate:.2f} verifies/s; sign-ins during the "
      f"storm: {storm['rps']:.2f}/s ({storm['rps'] / bcrypt_rate:.0%} of it)")
print(f"authorization code exchange, one client, one code after another: "
      f"{code_exchange['rps']:.1f}/s, p50 {code_exchange['p50_ms']:.2f} ms, p99 {code_exchange['p99_ms']:.2f} ms")
print(f"database: {os.environ['DATABASE_URL'].split(':')[0]}")
print(f"peak RSS: {rss_kb / 1024:.1f} MB (now: {rss_split}); start-up to ready on an existing database: {startup_ms} ms")
for name, ok in targets.items():
    print(f"  {'met ' if ok else 'MISSED'}  {name}")
out = {"rows": data, "code_exchange": code_exchange, "bcrypt": bcrypt, "peak_rss_kb": rss_kb, "startup_ms": startup_ms, "targets": targets}
json.dump(out, open("target/load.json", "w"), indent=2)
print("\nwritten: target/load.json")
PY
