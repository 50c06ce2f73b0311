#!/usr/bin/env bash
# Runs Sigil as a small cluster and checks that it behaves as one service:
# one PostgreSQL database, three Sigil instances, HAProxy in front (round robin, health checks
# on /readyz). Through the balancer: register, sign in, create posts, refresh, log out (the
# token is then refused by every instance, asked directly), disable a user (refused
# everywhere); then, under a read load, SIGKILL one instance (the balancer must stop sending to
# it within its health-check window, and no request after that may fail) and SIGTERM another
# (graceful: no request may fail at all; it must exit 0, and once restarted get traffic again).
# Prints a summary and exits non-zero if any check failed.
#
# Usage: scripts/cluster.sh
#   SIGIL_BIN   the server binary (default target/debug/sigil, built with cargo when missing)
#   CLUSTER_PG  PostgreSQL base URL (default postgres://postgres@127.0.0.1:5432); a fresh
#               database sigil_cluster_<pid> is made there and dropped at exit
#   CLUSTER_KEEP=1  keep the work directory (logs, configs, load data) after the run
# Needs python3 (standard library), psql and haproxy (installed with apt-get when missing).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
helper="$root/scripts/cluster_load.py"
started=$(date +%s)

pg_base=${CLUSTER_PG:-postgres://postgres@127.0.0.1:5432}
pg_base=${pg_base%/}
db="sigil_cluster_$$"
instances=(1 2 3)
# Health checks every 500 ms, two failures mark a server down: an instance that dies is out of
# rotation after at most inter × fall = 1 s; the window allows 0.5 s of slack on a busy machine.
check_inter_ms=500
check_fall=2
check_rise=2
window=1.5
load_threads=8

work=$(mktemp -d "${TMPDIR:-/tmp}/sigil-cluster.XXXXXX")
results="$work/results.tsv"
: > "$results"
db_created=""
summary_done=""
haproxy_pid=""
loader_pid=""

log() { printf '== %s\n' "$*"; }
die() { printf 'cluster.sh: %s\n' "$*" >&2; exit 1; }
now() { date +%s.%N; }

# A check decided by this script (the helper records its own in the same file).
check() { # check PASS|FAIL name [detail]
  printf '%s\t%s\t%s\n' "$1" "$2" "${3:-}" >> "$results"
  printf '  %s  %s%s\n' "$1" "$2" "${3:+  ($3)}"
}

# Waits up to $2 seconds for file $1 to exist.
wait_file() {
  local deadline=$(( $(date +%s) + $2 ))
  while [ ! -e "$1" ]; do
    [ "$(date +%s)" -lt "$deadline" ] || return 1
    sleep 0.05
  done
}

# Everything started here dies with the script, and the database is dropped, whatever the exit.
cleanup() {
  local status=$?
  set +e
  trap - EXIT INT TERM
  for i in "${instances[@]}"; do
    [ -f "$work/s$i/pid" ] && kill -KILL "$(cat "$work/s$i/pid")" 2>/dev/null
  done
  [ -n "$loader_pid" ] && kill -KILL "$loader_pid" 2>/dev/null
  [ -n "$haproxy_pid" ] && kill -KILL "$haproxy_pid" 2>/dev/null
  wait 2>/dev/null
  if [ "$status" -ne 0 ] && [ -z "$summary_done" ] && [ -s "$results" ]; then
    echo "cluster.sh stopped early (status $status); the checks made so far:"
    grep -v '^STAT' "$results" | sed 's/^/  /; s/\t/  /g'
  fi
  if [ "$status" -ne 0 ]; then
    for f in "$work"/s*/sigil.log "$work/haproxy.log"; do
      [ -s "$f" ] || continue
      echo "--- last lines of ${f#"$work"/}"
      tail -n 15 "$f"
    done
  fi
  if [ -n "$db_created" ]; then
    PGCONNECT_TIMEOUT=5 psql "$pg_base/postgres" -qX -v ON_ERROR_STOP=1 \
      -c "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)" >/dev/null 2>&1 ||
      echo "cluster.sh: could not drop database $db" >&2
  fi
  if [ "${CLUSTER_KEEP:-}" = 1 ]; then
    echo "work directory kept: $work"
  else
    rm -rf "$work"
  fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ------------------------------------------------------------------------------- tools

# Prints the path of command $1, also looking where Debian puts daemons (/usr/sbin).
find_cmd() {
  command -v "$1" 2>/dev/null && return
  [ -x "/usr/sbin/$1" ] && echo "/usr/sbin/$1" && return
  return 1
}

# Installs Debian package $1 (as root, or through sudo without a password).
apt_install() {
  local sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
      sudo=(sudo)
    else
      die "$1 is missing and cannot be installed (not root, no sudo): apt-get install $1"
    fi
  fi
  log "apt-get install $1"
  export DEBIAN_FRONTEND=noninteractive
  "${sudo[@]}" apt-get update -qq
  "${sudo[@]}" apt-get install -y -qq --no-install-recommends "$1" >/dev/null
}

find_or_install() { # find_or_install command package
  find_cmd "$1" || { apt_install "$2" >&2 && find_cmd "$1"; } || die "$1 not found after installing $2"
}

resolve_binary() {
  if [ -n "${SIGIL_BIN:-}" ]; then
    bin=$SIGIL_BIN
  elif [ -x target/debug/sigil ]; then
    bin=target/debug/sigil
  else
    log "cargo build (no target/debug/sigil)"
    cargo build
    bin=target/debug/sigil
  fi
  [ -x "$bin" ] || die "no executable at $bin"
  bin=$(realpath "$bin")
}

# ------------------------------------------------------------------------------- database

create_database() {
  if ! PGCONNECT_TIMEOUT=5 psql "$pg_base/postgres" -qXAt -c 'select 1' >/dev/null 2>&1; then
    die "PostgreSQL does not answer at $pg_base (set CLUSTER_PG to a server that does)"
  fi
  PGCONNECT_TIMEOUT=5 psql -w "$pg_base/postgres" -qX -v ON_ERROR_STOP=1 -c "CREATE DATABASE \"$db\"" >/dev/null
  db_created=1
  database_url="$pg_base/$db"
}

# ------------------------------------------------------------------------------- instances

# Starts instance $1 on its port, in its own directory (development mode writes data/ there),
# logging to s$1/sigil.log. A wrapper waits for the process and writes its exit status to
# s$1/exit, so a stop can be awaited with a timeout.
start_instance() {
  local i=$1 dir="$work/s$1"
  mkdir -p "$dir"
  rm -f "$dir/pid" "$dir/exit"
  (
    cd "$dir"
    env DATABASE_URL="$database_url" BIND_ADDR="127.0.0.1:${port[$i]}" SECRET_KEY="$secret" \
      PUBLIC_URL="http://127.0.0.1:$lb_port" BCRYPT_COST=4 LOGIN_RATE_PER_MINUTE=0 \
      COOKIE_SECURE=false WORKERS=2 DATABASE_POOL_SIZE=5 RUST_LOG="info,sigil::access=warn" \
      "$bin" serve >> "$dir/sigil.log" 2>&1 &
    echo $! > "$dir/pid.tmp" && mv "$dir/pid.tmp" "$dir/pid"
    rc=0
    wait $! || rc=$?
    echo "$rc" > "$dir/exit.tmp" && mv "$dir/exit.tmp" "$dir/exit"
  ) 2>> "$dir/wrapper.log" & # bash's "Killed" notice lands there, not in the output
  wait_file "$dir/pid" 5 || die "instance s$i did not start"
}

wait_ready() { # wait_ready i seconds
  python3 "$helper" wait-http "http://127.0.0.1:${port[$1]}/readyz" "$2" ||
    die "instance s$1 not ready on port ${port[$1]} within $2 s"
}

pid_of() { cat "$work/s$1/pid"; }

create_admin() {
  mkdir -p "$work/cli"
  admin_password=$(openssl rand -hex 12)
  printf '%s\n' "$admin_password" > "$work/admin_password"
  (cd "$work/cli" && env DATABASE_URL="$database_url" SECRET_KEY="$secret" BCRYPT_COST=4 RUST_LOG=warn \
    "$bin" create-user --admin --email "admin@example.com" --username admin < "$work/admin_password") \
    > "$work/cli/create-user.log" 2>&1 || { cat "$work/cli/create-user.log"; die "create-user --admin failed"; }
}

# ------------------------------------------------------------------------------- HAProxy

start_haproxy() {
  local cfg="$work/haproxy.cfg"
  cat > "$cfg" <<EOF
global
    log stderr format raw local0 info
    maxconn 2000

defaults
    mode http
    log global
    option httplog
    timeout connect 1s
    timeout client 10s
    timeout server 10s
    timeout check 1s
    # A request that meets a refused connection, a connection closed without an answer (an
    # instance stopping or killed) or a hung server is retried, on another server each time.
    retries 3
    option redispatch 1
    retry-on conn-failure empty-response response-timeout

frontend sigil_front
    bind 127.0.0.1:$lb_port
    default_backend sigil
    # Log what did not end well (errors HAProxy makes itself, such as 503, are logged too).
    http-response set-log-level silent if { status 200 }

backend sigil
    balance roundrobin
    option httpchk GET /readyz
    http-check expect status 200
    default-server check inter ${check_inter_ms}ms fall $check_fall rise $check_rise
    # Which instance answered: the load generator's evidence of where requests went.
    http-response set-header X-Served-By %s
$(for i in "${instances[@]}"; do echo "    server s$i 127.0.0.1:${port[$i]}"; done)

listen stats
    bind 127.0.0.1:$stats_port
    stats enable
    stats uri /stats
EOF
  "$haproxy" -c -q -f "$cfg" || die "HAProxy refuses its configuration ($cfg)"
  "$haproxy" -f "$cfg" -db > "$work/haproxy.log" 2>&1 &
  haproxy_pid=$!
  python3 "$helper" wait-http "http://127.0.0.1:$lb_port/readyz" 10 || die "HAProxy does not answer on $lb_port"
}

# ------------------------------------------------------------------------------- load phases

# Starts the read load through the balancer in the background; phase name in $1.
start_load() {
  rm -f "$work/$1.ready" "$work/$1.stop" "$work/$1.json"
  python3 "$helper" load --lb "$lb_port" --stats "$stats_port" --state "$work/state.json" \
    --threads "$load_threads" --ready-file "$work/$1.ready" --stop-file "$work/$1.stop" \
    --max-seconds "$2" --out "$work/$1.json" &
  loader_pid=$!
  wait_file "$work/$1.ready" 10 || die "load generator did not start"
}

stop_load() {
  touch "$work/$1.stop"
  wait_file "$work/$1.json" 30 || die "load generator did not finish"
  wait "$loader_pid" || die "load generator failed"
  loader_pid=""
}

# SIGKILL s1 under load; the requests after the detection window must all succeed.
phase_kill() {
  log "SIGKILL s1 under load ($load_threads threads through HAProxy)"
  start_load kill 30
  sleep 2
  kill_at=$(now)
  kill -KILL "$(pid_of 1)"
  sleep "$window"
  sleep 3 # load well after the window, on the two instances left
  stop_load kill
  python3 "$helper" check-kill --data "$work/kill.json" --at "$kill_at" --server s1 \
    --window "$window" --results "$results"
  if wait_file "$work/s1/exit" 5; then
    check PASS "s1 died of SIGKILL" "exit status $(cat "$work/s1/exit")"
  else
    check FAIL "s1 died of SIGKILL" "still running"
  fi

  log "restart s1: back in rotation"
  start_instance 1
  wait_ready 1 30
  python3 "$helper" wait-served --lb "$lb_port" --server s1 --seconds 10 --results "$results" \
    --name "HAProxy sends to s1 again after its restart" || true
}

# SIGTERM s2 under load: no request may fail; it exits 0, is restarted and gets traffic again.
phase_term() {
  log "SIGTERM s2 under load, then restart it"
  start_load term 70
  sleep 2
  term_at=$(now)
  kill -TERM "$(pid_of 2)"
  if wait_file "$work/s2/exit" 45; then
    term_exit=$(cat "$work/s2/exit")
    term_stop_s=$(python3 -c "import time; print(f'{time.time() - $term_at:.2f}')")
    if [ "$term_exit" = 0 ]; then
      check PASS "s2 exits 0 after SIGTERM (graceful)" "in $term_stop_s s"
    else
      check FAIL "s2 exits 0 after SIGTERM (graceful)" "exit status $term_exit"
    fi
  else
    term_exit="none"
    check FAIL "s2 exits 0 after SIGTERM (graceful)" "still running 45 s after SIGTERM"
    kill -KILL "$(pid_of 2)" 2>/dev/null || true
    wait_file "$work/s2/exit" 5 || true
  fi
  # Stay down until HAProxy has taken s2 out of rotation (the load then runs on two instances),
  # as with a real restart; check-term verifies it happened.
  python3 "$helper" wait-status --stats "$stats_port" --server s2 --status DOWN --seconds 5 || true
  restarted_at=$(now)
  start_instance 2
  wait_ready 2 30
  # rise × inter for HAProxy to take it back, then some load on all three again.
  sleep 3
  stop_load term
  python3 "$helper" check-term --data "$work/term.json" --at "$term_at" --server s2 \
    --restarted "$restarted_at" --results "$results"
}

# ------------------------------------------------------------------------------- main

resolve_binary
python3 --version >/dev/null 2>&1 || die "python3 is needed"
command -v openssl >/dev/null 2>&1 || die "openssl is needed (to make a SECRET_KEY)"
psql_path=$(find_or_install psql postgresql-client)
haproxy=$(find_or_install haproxy haproxy)
log "tools: $("$bin" --version) ($bin); $("$haproxy" -v | head -1); $("$psql_path" --version)"

create_database
secret=$(openssl rand -hex 32) # the same key on every instance: any of them verifies any token
read -r p1 p2 p3 lb_port stats_port < <(python3 "$helper" ports 5)
port=([1]="$p1" [2]="$p2" [3]="$p3") # port[i] is instance s<i>'s
log "database $db; instances on ${port[1]} ${port[2]} ${port[3]}; HAProxy on $lb_port (stats $stats_port); work dir $work"

log "start three instances"
for i in "${instances[@]}"; do start_instance "$i"; done
for i in "${instances[@]}"; do wait_ready "$i" 30; done
create_admin

log "start HAProxy"
start_haproxy

log "functional checks through the balancer and on every instance"
python3 "$helper" flow --lb "$lb_port" --instances "${port[1]},${port[2]},${port[3]}" \
  --results "$results" --tag "$$" --admin-user admin --admin-password-file "$work/admin_password" \
  --state "$work/state.json" || true

term_exit="-"
term_stop_s="-"
phase_kill
phase_term

summary_done=1
python3 "$helper" summary --results "$results" --elapsed "$(( $(date +%s) - started ))" \
  --window "$window" --inter-ms "$check_inter_ms" --fall "$check_fall" --kill-server s1 \
  --term-server s2 --term-exit "$term_exit" --term-stop-s "$term_stop_s"
