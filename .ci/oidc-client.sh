#!/usr/bin/env bash
# Drives the OpenID Connect provider with openid-client (npm), the relying-party library
# certified by the OpenID Foundation (API.md part three §1): .ci/oidc-client/flow.mjs runs the
# code flow with PKCE for a confidential and a public client, against the given binary started
# here on a free port with a fresh SQLite database. Any failure exits non-zero.
# Usage: .ci/oidc-client.sh [path/to/sigil]   (default target/debug/sigil)
# Needs node (>= 20) and npm; the packages come from .ci/oidc-client/package-lock.json.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
bin="${1:-target/debug/sigil}"
case "$bin" in /*) ;; *) bin="$root/$bin" ;; esac
[ -x "$bin" ] || { echo "oidc-client.sh: no server binary at $bin" >&2; exit 1; }
started=$(date +%s)

work=$(mktemp -d "${TMPDIR:-/tmp}/sigil-oidc-client.XXXXXX")
server=""
cleanup() {
  local status=$?
  set +e
  if [ -n "$server" ]; then
    kill "$server" 2>/dev/null
    wait "$server" 2>/dev/null
  fi
  if [ "$status" -ne 0 ] && [ -s "$work/server.log" ]; then
    echo "--- last lines of the server log" >&2
    tail -40 "$work/server.log" >&2
  fi
  rm -rf "$work"
  exit "$status"
}
trap cleanup EXIT INT TERM

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
issuer="http://127.0.0.1:$port"
# LOGIN_RATE_PER_MINUTE=0: both flows make about a dozen sign-in and token requests from one
# address within seconds, over the default limit of 10 a minute (API.md "Configuration").
export LOGIN_RATE_PER_MINUTE=0 DATABASE_URL="sqlite://$work/sigil.db" BIND_ADDR="127.0.0.1:$port" PUBLIC_URL="$issuer" \
  SECRET_KEY="oidc-client-run-secret-0123456789-abcdefghijkl" BCRYPT_COST=4 RUST_LOG=warn

# The packages first: npm's time is not the server's start-up time.
(cd .ci/oidc-client && npm ci --no-audit --no-fund --loglevel=error >/dev/null)

# The user and the clients, with the CLI, before the server starts (it migrates the database).
username="oidc-rp-user"
email="oidc-rp-user@example.com"
password="oidc-client-password-$RANDOM-$RANDOM"
(cd "$work" && printf '%s\n' "$password" |
  "$bin" create-user --email "$email" --username "$username" >/dev/null)
confidential=$(cd "$work" && "$bin" client create --name "openid-client (confidential)" \
  --id oidc-npm-confidential --redirect-uri http://127.0.0.1/callback --json)
public=$(cd "$work" && "$bin" client create --name "openid-client (public)" \
  --id oidc-npm-public --public --redirect-uri http://127.0.0.1/callback --json)
field() { python3 -c 'import json, sys; print(json.loads(sys.argv[1])[sys.argv[2]])' "$1" "$2"; }

(cd "$work" && exec "$bin") > "$work/server.log" 2>&1 &
server=$!
for _ in $(seq 1 100); do
  curl -fsS "$issuer/healthz" >/dev/null 2>&1 && break
  kill -0 "$server" 2>/dev/null || { echo "the server exited at start-up"; exit 1; }
  sleep 0.1
done
curl -fsS "$issuer/.well-known/openid-configuration" >/dev/null ||
  { echo "no discovery document at $issuer (is the provider on?)"; exit 1; }

SIGIL_ISSUER="$issuer" SIGIL_USERNAME="$username" SIGIL_PASSWORD="$password" SIGIL_EMAIL="$email" \
  SIGIL_CONFIDENTIAL_ID="$(field "$confidential" client_id)" \
  SIGIL_CONFIDENTIAL_SECRET="$(field "$confidential" client_secret)" \
  SIGIL_PUBLIC_ID="$(field "$public" client_id)" \
  node .ci/oidc-client/flow.mjs
echo "openid-client check took $(( $(date +%s) - started )) s"
