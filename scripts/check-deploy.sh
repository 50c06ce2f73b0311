#!/usr/bin/env bash
# Checks the operator files in deploy/:
#   - deploy/sigil.service with `systemd-analyze verify`: any line it prints about the unit (an
#     unknown key, a value that does not parse, an unknown system call group…) fails the check,
#     although systemd-analyze itself exits 0 for most of them;
#   - deploy/sigil.env.example names only variables of the README's configuration table.
# Without systemd-analyze the unit check prints "skipped: no systemd-analyze" and passes.
set -euo pipefail
cd "$(dirname "$0")/.."

unit=deploy/sigil.service
env_example=deploy/sigil.env.example
status=0

if ! command -v systemd-analyze >/dev/null 2>&1; then
    echo "skipped: no systemd-analyze"
else
    tmp=$(mktemp -d)
    trap 'rm -rf "$tmp"' EXIT
    # The release binary is not installed here: verify a copy whose ExecStart runs /bin/true
    # with the same arguments (verify checks that the command exists and is executable).
    sed -E 's#^ExecStart=/usr/local/bin/sigil#ExecStart=/bin/true#' "$unit" >"$tmp/sigil.service"
    if ! grep -q '^ExecStart=/bin/true serve$' "$tmp/sigil.service"; then
        echo "FAIL: $unit: expected ExecStart=/usr/local/bin/sigil serve"
        status=1
    fi
    set +e
    out=$(systemd-analyze verify --man=no "$tmp/sigil.service" 2>&1)
    rc=$?
    set -e
    # Lines about other units (targets missing in a container) are shown, not counted.
    about_unit=$(printf '%s\n' "$out" | grep -F 'sigil.service' || true)
    if [ "$rc" -ne 0 ] || [ -n "$about_unit" ]; then
        printf '%s\n' "$out" | sed "s#$tmp/#deploy/#g"
        echo "FAIL: systemd-analyze verify $unit (exit $rc)"
        status=1
    else
        [ -n "$out" ] && printf 'note: %s\n' "$out"
        echo "ok: systemd-analyze verify $unit"
    fi
fi

# Every NAME= in the example (commented or not) must be a variable the README documents.
documented=$(grep -oE '^\| `[A-Z_]+`(, `[A-Z_]+`)*' README.md | grep -oE '[A-Z_]{2,}' | sort -u)
# A provider's variables (LOGIN_PROVIDER_GOOGLE_CLIENT_ID) are documented once, as
# `LOGIN_PROVIDER_<ID>_CLIENT_ID` or `…_CLIENT_SECRET_FILE` in the provider rows.
provider_documented() {
    local suffix=${1#LOGIN_PROVIDER_*_}
    [ "$suffix" != "$1" ] && grep -qE "^\| .*(LOGIN_PROVIDER_<ID>|…)_${suffix}\`" README.md
}
unknown=$(sed -nE 's/^#? ?([A-Z][A-Z0-9_]*)=.*/\1/p' "$env_example" | sort -u | comm -23 - <(printf '%s\n' "$documented") |
    while read -r name; do
        case "$name" in
        LOGIN_PROVIDER_*_*) provider_documented "$name" || echo "$name" ;;
        *) echo "$name" ;;
        esac
    done)
if [ -n "$unknown" ]; then
    echo "FAIL: $env_example sets variables the README does not document: $(echo $unknown)"
    status=1
else
    echo "ok: $env_example names only documented variables"
fi
exit "$status"
