#!/usr/bin/env bash
# Fuzzes the JSON API from its own OpenAPI document with schemathesis (from PyPI, in a
# virtual environment made here), authenticated with a bearer token. Any finding fails.
# Usage: .ci/schemathesis.sh [path/to/sigil] [examples per operation]
set -euo pipefail
cd "$(dirname "$0")/.."
bin="${1:-target/release/sigil}"
examples="${2:-30}"
venv="${SCHEMATHESIS_VENV:-/tmp/sigil-schemathesis-venv}"
if [ ! -x "$venv/bin/schemathesis" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check schemathesis
fi
"$venv/bin/schemathesis" --version

work=$(mktemp -d)
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
base="http://127.0.0.1:$port"
(
  cd "$work"
  DATABASE_URL="sqlite://$work/sigil.db" BIND_ADDR="127.0.0.1:$port" BCRYPT_COST=4 \
    SECRET_KEY="schemathesis-run-secret-0123456789-abcdefghijkl" LOGIN_RATE_PER_MINUTE=0 \
    RUST_LOG=warn exec "$OLDPWD/$bin"
) > "$work/server.log" 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 1 100); do
  curl -fsS "$base/healthz" >/dev/null 2>&1 && break
  sleep 0.1
done

curl -fsS "$base/api/auth/register" -H 'Content-Type: application/json' \
  -d '{"email": "st@example.com", "username": "schemathesis", "password": "schemathesis-password"}' >/dev/null
token=$(curl -fsS "$base/api/auth/token" -d grant_type=password -d username=schemathesis \
  -d password=schemathesis-password | python3 -c 'import json, sys; print(json.load(sys.stdin)["access_token"])')
# A post to read and change, so the path operations have something to find.
curl -fsS "$base/api/posts" -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
  -d '{"title": "seed", "body": "seed", "visibility": "public"}' >/dev/null

# Operations that end the caller's session would make every later call a 401; they are
# covered by the integration tests and left out of this run.
status=0
"$venv/bin/schemathesis" run "$base/api/openapi.json" \
  --url "$base" \
  --header "Authorization: Bearer $token" \
  --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance \
  --max-examples "$examples" \
  --exclude-operation-id-regex 'logout|change_password|delete_session' \
  --suppress-health-check all \
  --no-color || status=$?
if [ "$status" -ne 0 ]; then
  echo "schemathesis found problems (exit $status); server log:"
  tail -50 "$work/server.log"
fi
exit "$status"
