#!/usr/bin/env bash
# Instructions per request of one route, by callgrind (repeatable whatever else the machine
# does): the instructions of a server run with N requests, minus those of a run with none,
# divided by N. Every thread is counted, so background pollers add a little with the run's
# length. Usage: benches/instructions.sh [binary] [path] [N], e.g.
#   cargo build --release && benches/instructions.sh target/release/sigil /api/users/me 300
# POSTS=60 seeds that many posts first (every fifth private, as benches/load.sh does);
# PAT=1 sends them with a personal access token of the same user instead;
# ANON=1 sends the measured requests without the bearer token, e.g.
#   POSTS=60 ANON=1 benches/instructions.sh target/release/sigil '/api/posts?limit=20'
# BENCH_POSTGRES=postgres://postgres@127.0.0.1:5432 runs both on a fresh PostgreSQL database
# there (created and dropped with psql) instead of SQLite; PostgreSQL's own work is not counted.
# KEEP=/tmp/me keeps each run's callgrind output as /tmp/me.0 and /tmp/me.N, for
# callgrind_annotate --inclusive=yes (where the instructions go).
# Needs valgrind, curl and python3 (psql for PostgreSQL).
set -euo pipefail
bin="$(realpath "${1:-target/release/sigil}")"
path="${2:-/api/users/me}"
n="${3:-300}"
run() {
  local count="$1" work port
  work=$(mktemp -d)
  local database_url="sqlite://$work/b.db" pg_db=""
  if [ -n "${BENCH_POSTGRES:-}" ]; then
    pg_db="sigil_instructions_$$_$count"
    psql -q "$BENCH_POSTGRES/postgres" -c "CREATE DATABASE $pg_db"
    database_url="$BENCH_POSTGRES/$pg_db"
  fi
  port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  (cd "$work" && DATABASE_URL="$database_url" BIND_ADDR="127.0.0.1:$port" WORKERS=1 LOGIN_RATE_PER_MINUTE=0 \
     BCRYPT_COST=4 RUST_LOG=warn SECRET_KEY="load-benchmark-secret-0123456789-abcdefghij" \
     exec valgrind --tool=callgrind --callgrind-out-file="$work/cg.out" "$bin") > "$work/log" 2>&1 &
  local pid=$!
  for _ in $(seq 1 600); do curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break; sleep 0.05; done
  curl -fsS "http://127.0.0.1:$port/api/auth/register" -H 'Content-Type: application/json' \
    -d '{"email": "a@example.com", "username": "alice", "password": "benchmark-password"}' >/dev/null
  token=$(curl -fsS "http://127.0.0.1:$port/api/auth/token" -d grant_type=password -d username=alice \
    -d password=benchmark-password | python3 -c 'import json, sys; print(json.load(sys.stdin)["access_token"])')
  if [ "${PAT:-0}" = 1 ]; then
    token=$(curl -fsS "http://127.0.0.1:$port/api/users/me/tokens" -H "Authorization: Bearer $token" \
      -H 'Content-Type: application/json' -d '{"name": "instructions", "scopes": ["profile:read"], "expires_in_days": 7}' |
      python3 -c 'import json, sys; print(json.load(sys.stdin)["token"])')
  fi
  python3 - "$port" "$path" "$token" "$count" "${POSTS:-0}" "${ANON:-0}" <<'PY'
import http.client, json, sys
port, path, token, n, posts, anon = int(sys.argv[1]), sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5]), sys.argv[6] == "1"
c = http.client.HTTPConnection("127.0.0.1", port)
auth = {"Authorization": f"Bearer {token}"}
for i in range(posts):
    body = json.dumps({"title": f"Post {i}", "body": "Lorem ipsum dolor sit amet. " * 8,
                       "visibility": "private" if i % 5 == 0 else "public"})
    c.request("POST", "/api/posts", body, {**auth, "Content-Type": "application/json"})
    r = c.getresponse(); r.read()
    assert r.status == 201, r.status
for i in range(n + 20 if n else 20):  # 20 warm-up requests in both runs
    c.request("GET", path, headers={} if anon else auth); r = c.getresponse(); r.read()
    assert r.status == 200, r.status
PY
  kill -TERM "$pid"; wait "$pid" || true
  callgrind_annotate "$work/cg.out" 2>/dev/null | awk '/PROGRAM TOTALS/ {gsub(",","",$1); print $1; exit}'
  [ -z "${KEEP:-}" ] || cp "$work/cg.out" "$KEEP.$count"
  rm -rf "$work"
  [ -z "$pg_db" ] || psql -q "$BENCH_POSTGRES/postgres" -c "DROP DATABASE IF EXISTS $pg_db"
}
a=$(run 0); b=$(run "$n")
echo "$path: $(( (b - a) / n )) instructions per request ($n requests; totals $a / $b)"
