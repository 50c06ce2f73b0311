#!/usr/bin/env bash
# Writes a seed corpus for the inspect target from the PyJWT fixtures: each token with each of
# its keys (NUL-separated, as the target reads them), and jwt.io's example with its secret.
set -euo pipefail
cd "$(dirname "$0")"
mkdir -p corpus/inspect
python3 - <<'PY'
import json, hashlib
d = json.load(open("../tests/fixtures/foreign/fixtures.json"))
seeds = [b"eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c\0your-256-bit-secret"]
for t in d["tokens"]:
    for k in ("pem", "private_pem", "secret"):
        if k in t:
            seeds.append(f"{t['token']}\0{t[k]}\0{d['payload']['iss']}\0{d['payload']['aud']}".encode())
    seeds.append(f"{t['token']}\0{json.dumps(t['jwks'])}".encode())
    seeds.append(f"{t['token']}\0{json.dumps(t['jwk'])}".encode())
for s in seeds:
    open("corpus/inspect/" + hashlib.sha1(s).hexdigest(), "wb").write(s)
print(len(seeds), "seeds in fuzz/corpus/inspect")
PY
