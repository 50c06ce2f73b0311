#!/usr/bin/env python3
"""Client tokens for benches/load.sh: plays one browser through Sigil's authorization code flow
(sign-in form, then a first-party client, so no consent page) and exchanges codes at the token
endpoint, with nothing but the standard library.

Usage: oidc_tokens.py BASE USERNAME PASSWORD CLIENT_ID CLIENT_SECRET REDIRECT_URI FAMILIES CODES

Prints one JSON object:
- access_token: a client access token (scope openid profile:read, for /api/users/me and
  /oauth/userinfo);
- refresh_tokens: FAMILIES refresh tokens, each from its own authorization, so each wrk
  connection can rotate a family of its own;
- code_exchange: CODES authorization codes exchanged one after another (the browser's sign-in
  is reused, so only the exchange is timed): requests per second and p50/p99 in milliseconds.
"""
import base64
import hashlib
import html
import http.client
import json
import re
import secrets
import sys
import time
import urllib.parse

base, username, password, client_id, client_secret, redirect_uri = sys.argv[1:7]
families, codes = int(sys.argv[7]), int(sys.argv[8])
origin = urllib.parse.urlparse(base)
conn = http.client.HTTPConnection(origin.hostname, origin.port)
cookies = {}


def request(method, target, form=None, headers=None):
    """One request on the kept-alive connection, with the cookie jar; redirects are not followed."""
    headers = dict(headers or {})
    if cookies:
        headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
    body = None
    if form is not None:
        body = urllib.parse.urlencode(form)
        headers["Content-Type"] = "application/x-www-form-urlencoded"
        headers["Origin"] = base
    conn.request(method, target, body, headers)
    response = conn.getresponse()
    text = response.read().decode()
    for line in response.headers.get_all("Set-Cookie") or []:
        name, _, rest = line.partition("=")
        value = rest.split(";", 1)[0]
        if value and "max-age=0" not in line.lower():
            cookies[name.strip()] = value
        else:
            cookies.pop(name.strip(), None)
    return response, text


def hidden_fields(page, action):
    """The hidden inputs of the form whose action is `action`."""
    for form in re.finditer(r"<form\b[^>]*>(.*?)</form>", page, re.S | re.I):
        opening = form.group(0)[: form.group(0).index(">") + 1]
        found = re.search(r'action="([^"]*)"', opening)
        if found and html.unescape(found.group(1)) == action:
            return {
                html.unescape(n): html.unescape(v)
                for n, v in re.findall(
                    r'<input[^>]*type="hidden"[^>]*name="([^"]*)"[^>]*value="([^"]*)"', form.group(1)
                )
            }
    return None


def authorize():
    """An authorization code for a fresh PKCE verifier: (code, verifier)."""
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    query = urllib.parse.urlencode({
        "response_type": "code", "client_id": client_id, "redirect_uri": redirect_uri,
        "scope": "openid profile:read offline_access", "state": secrets.token_urlsafe(16),
        "code_challenge": challenge, "code_challenge_method": "S256",
    })
    response, page = request("GET", f"/oauth/authorize?{query}", headers={"Accept": "text/html"})
    for _ in range(10):
        if response.status in (302, 303):
            location = response.headers["Location"]
            if location.startswith(redirect_uri):
                params = urllib.parse.parse_qs(urllib.parse.urlparse(location).query)
                return params["code"][0], verifier
            target = urllib.parse.urlparse(location)
            response, page = request("GET", target.path + ("?" + target.query if target.query else ""))
            continue
        refresh = re.search(r'<meta\s+http-equiv="refresh"\s+content="[^"]*url=([^"]*)"', page, re.I)
        if refresh:
            response, page = request("GET", html.unescape(refresh.group(1)).strip())
            continue
        login = hidden_fields(page, "/login")
        if login is not None and 'name="password"' in page:
            login.update(username=username, password=password)
            response, page = request("POST", "/login", form=login)
            continue
        sys.exit(f"an unexpected page ({response.status}): {page[:400]}")
    sys.exit("no redirect to the client")


def token(form):
    form = dict(form, client_id=client_id, client_secret=client_secret)
    response, text = request("POST", "/api/auth/token", form=form)
    if response.status != 200:
        sys.exit(f"token endpoint: {response.status} {text}")
    return json.loads(text)


def exchange(code, verifier):
    return token({"grant_type": "authorization_code", "code": code, "code_verifier": verifier,
                  "redirect_uri": redirect_uri})


first = exchange(*authorize())
refresh_tokens = [first["refresh_token"]] + [exchange(*authorize())["refresh_token"] for _ in range(families - 1)]
pending = [authorize() for _ in range(codes)]
times = []
started = time.perf_counter()
for code, verifier in pending:
    t0 = time.perf_counter()
    exchange(code, verifier)
    times.append((time.perf_counter() - t0) * 1000)
elapsed = time.perf_counter() - started
times.sort()
print(json.dumps({
    "access_token": first["access_token"],
    "refresh_tokens": refresh_tokens,
    "code_exchange": {
        "rps": codes / elapsed,
        "p50_ms": times[len(times) // 2],
        "p99_ms": times[min(len(times) - 1, int(len(times) * 0.99))],
    },
}))
