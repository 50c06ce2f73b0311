#!/usr/bin/env python3
"""Helper of scripts/cluster.sh (Python 3 standard library only).

Subcommands:
  ports N             print N free loopback TCP ports
  wait-http URL S     wait up to S seconds for URL to answer 200
  flow                the functional checks: through the balancer, then on every instance
  wait-served         send requests through the balancer until a given server answers one
  wait-status         wait until HAProxy's stats report a server UP or DOWN
  load                read load through the balancer until a stop file appears
  check-kill          analyse a load run during which an instance got SIGKILL
  check-term          analyse a load run during which an instance got SIGTERM and came back
  summary             print the table of checks and numbers; exit 1 if any check failed

Checks are appended to a results file, one per line: PASS|FAIL <tab> name <tab> detail.
Numbers for the summary are lines STAT <tab> name <tab> value.
"""

import argparse
import csv
import http.client
import io
import json
import os
import socket
import sys
import threading
import time
import urllib.parse

# Above HAProxy's own server timeout (10 s), so a slow answer is HAProxy's to judge.
REQUEST_TIMEOUT = 15.0


# --------------------------------------------------------------------------- results file


class Results:
    def __init__(self, path):
        self.path = path

    def _write(self, kind, name, detail):
        detail = str(detail).replace("\t", " ").replace("\n", " ")
        with open(self.path, "a", encoding="utf-8") as f:
            f.write(f"{kind}\t{name}\t{detail}\n")

    def check(self, ok, name, detail=""):
        self._write("PASS" if ok else "FAIL", name, detail)
        print(f"  {'PASS' if ok else 'FAIL'}  {name}" + (f"  ({detail})" if detail else ""), flush=True)
        return ok

    def stat(self, name, value):
        self._write("STAT", name, value)


# --------------------------------------------------------------------------- HTTP


class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.body = body

    def json(self):
        try:
            return json.loads(self.body or b"null")
        except ValueError:
            return None


REQUESTS_MADE = 0


def call(port, method, path, token=None, json_body=None, form=None, headers=None):
    """One request on a fresh connection to 127.0.0.1:port. Connection errors become status 0."""
    global REQUESTS_MADE
    REQUESTS_MADE += 1
    hdrs = dict(headers or {})
    body = None
    if token:
        hdrs["Authorization"] = f"Bearer {token}"
    if json_body is not None:
        body = json.dumps(json_body).encode()
        hdrs["Content-Type"] = "application/json"
    elif form is not None:
        body = urllib.parse.urlencode(form).encode()
        hdrs["Content-Type"] = "application/x-www-form-urlencoded"
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=REQUEST_TIMEOUT)
    try:
        conn.request(method, path, body=body, headers=hdrs)
        r = conn.getresponse()
        return Response(r.status, {k.lower(): v for k, v in r.getheaders()}, r.read())
    except (OSError, http.client.HTTPException) as e:
        return Response(0, {}, str(e).encode())
    finally:
        conn.close()


def cmd_ports(args):
    socks = []
    for _ in range(args.n):
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        socks.append(s)
    print(" ".join(str(s.getsockname()[1]) for s in socks))
    for s in socks:
        s.close()


def cmd_wait_http(args):
    url = urllib.parse.urlsplit(args.url)
    deadline = time.time() + args.seconds
    while time.time() < deadline:
        if call(url.port, "GET", url.path or "/").status == 200:
            return 0
        time.sleep(0.1)
    print(f"{args.url} did not answer 200 within {args.seconds} s", file=sys.stderr)
    return 1


# --------------------------------------------------------------------------- functional flow


class Flow:
    def __init__(self, args):
        self.lb = args.lb
        self.instances = [int(p) for p in args.instances.split(",")]
        self.r = Results(args.results)
        self.tag = args.tag

    def on_each(self, name, expected, method, path, **kw):
        """The same request sent to every instance's own port; all must answer `expected`."""
        got = [call(p, method, path, **kw).status for p in self.instances]
        detail = ", ".join(f"s{i + 1} {s}" for i, s in enumerate(got))
        return self.r.check(all(s == expected for s in got), name, detail)

    def expect(self, name, resp, status):
        detail = f"{resp.status}"
        if resp.status != status:
            detail += f", expected {status}: {resp.body[:200].decode(errors='replace')}"
        self.r.check(resp.status == status, name, detail)
        return resp.status == status

    def register(self, who):
        body = {"email": f"{who}@example.com", "username": who, "password": f"{who}-password-123"}
        resp = call(self.lb, "POST", "/api/auth/register", json_body=body)
        self.expect(f"register {who} through the balancer (201)", resp, 201)
        return (resp.json() or {}).get("id")

    def sign_in(self, who, password=None, label=None):
        form = {"grant_type": "password", "username": who, "password": password or f"{who}-password-123"}
        resp = call(self.lb, "POST", "/api/auth/token", form=form)
        self.expect(label or f"sign in {who} at the token endpoint (200)", resp, 200)
        return resp.json() or {}

    def run(self, admin_user, admin_password, state_path):
        t = self.tag
        alice, bob, loader = f"alice_{t}", f"bob_{t}", f"loader_{t}"

        # Register, sign in: a token issued behind the balancer works on every instance.
        self.register(alice)
        pair = self.sign_in(alice)
        access, refresh = pair.get("access_token"), pair.get("refresh_token")
        self.on_each("alice's token accepted by every instance (200)", 200, "GET", "/api/users/me", token=access)

        # Posts written through the balancer (so on different instances), read on each.
        ok = True
        for n in range(3):
            resp = call(self.lb, "POST", "/api/posts", token=access,
                        json_body={"title": f"cluster post {n}", "body": f"written through the balancer ({n})",
                                   "visibility": "public"})
            ok &= resp.status == 201
        self.r.check(ok, "create 3 posts through the balancer (201)")
        counts = []
        for p in self.instances:
            resp = call(p, "GET", f"/api/posts?limit=10&author={alice}")
            counts.append(len((resp.json() or {}).get("items", [])) if resp.status == 200 else -resp.status)
        self.r.check(counts == [3] * len(self.instances), "every instance lists the 3 posts",
                     ", ".join(f"s{i + 1} {c}" for i, c in enumerate(counts)))

        # Refresh through the balancer: the new access token works everywhere.
        resp = call(self.lb, "POST", "/api/auth/refresh", json_body={"refresh_token": refresh})
        self.expect("refresh through the balancer (200)", resp, 200)
        new = resp.json() or {}
        access2, refresh2 = new.get("access_token"), new.get("refresh_token")
        self.r.check(bool(refresh2) and refresh2 != refresh, "refresh rotates the refresh token")
        self.on_each("refreshed token accepted by every instance (200)", 200, "GET", "/api/users/me", token=access2)

        # Log out through the balancer: every token of that session is refused by every instance.
        resp = call(self.lb, "POST", "/api/auth/logout", token=access2)
        self.expect("log out through the balancer (204)", resp, 204)
        self.on_each("after logout: the logged-out token refused by every instance (401)", 401,
                     "GET", "/api/users/me", token=access2)
        self.on_each("after logout: the session's earlier access token refused by every instance (401)", 401,
                     "GET", "/api/users/me", token=access)
        self.on_each("after logout: the current refresh token refused by every instance (401)", 401,
                     "POST", "/api/auth/refresh", json_body={"refresh_token": refresh2})
        self.on_each("after logout: the rotated refresh token refused by every instance (401)", 401,
                     "POST", "/api/auth/refresh", json_body={"refresh_token": refresh})
        # Signing in again still works (logout ends a session, not the account).
        self.sign_in(alice, label="alice signs in again after logout (200)")

        # Disable a user: an administrator (made with `sigil create-user --admin`) does it.
        bob_id = self.register(bob)
        bob_pair = self.sign_in(bob)
        self.on_each("bob's token accepted by every instance (200)", 200, "GET", "/api/users/me",
                     token=bob_pair.get("access_token"))
        admin = self.sign_in(admin_user, password=admin_password,
                             label="administrator signs in at the token endpoint (200)")
        resp = call(self.lb, "POST", f"/api/admin/users/{bob_id}/disable", token=admin.get("access_token"))
        self.expect("administrator disables bob through the balancer (200)", resp, 200)
        self.on_each("after disable: bob's access token refused by every instance (401)", 401,
                     "GET", "/api/users/me", token=bob_pair.get("access_token"))
        self.on_each("after disable: bob's refresh token refused by every instance (401)", 401,
                     "POST", "/api/auth/refresh", json_body={"refresh_token": bob_pair.get("refresh_token")})
        resp = call(self.lb, "POST", "/api/auth/token",
                    form={"grant_type": "password", "username": bob, "password": f"{bob}-password-123"})
        self.r.check(resp.status in (400, 401, 403), "after disable: bob cannot sign in",
                     f"{resp.status} {resp.body[:120].decode(errors='replace')}")

        # The load generator's user: /api/users/me with a valid token is part of the read load.
        self.register(loader)
        lpair = self.sign_in(loader)
        with open(state_path, "w", encoding="utf-8") as f:
            json.dump({"load_token": lpair.get("access_token")}, f)
        self.r.stat("flow.requests", REQUESTS_MADE)


def cmd_flow(args):
    with open(args.admin_password_file, encoding="utf-8") as f:
        admin_password = f.read().strip()
    flow = Flow(args)
    try:
        flow.run(args.admin_user, admin_password, args.state)
    except Exception as e:  # a crash of the flow is a failed check, not a hang
        flow.r.check(False, "functional flow ran to the end", f"{type(e).__name__}: {e}")
        flow.r.stat("flow.requests", REQUESTS_MADE)
        return 1
    return 0


def cmd_wait_served(args):
    """Requests through the balancer until `server` answers one (it is back in rotation)."""
    r = Results(args.results)
    t0 = time.time()
    deadline = t0 + args.seconds
    seen = 0
    while time.time() < deadline:
        resp = call(args.lb, "GET", "/api/posts?limit=1")
        seen += 1
        if resp.headers.get("x-served-by") == args.server:
            r.check(True, args.name, f"after {time.time() - t0:.1f} s, {seen} requests")
            r.stat("restart.requests", seen)
            return 0
        time.sleep(0.05)
    r.check(False, args.name, f"not within {args.seconds} s ({seen} requests)")
    r.stat("restart.requests", seen)
    return 1


def cmd_wait_status(args):
    """Waits until HAProxy reports `server` UP or DOWN (its health checks saw the change)."""
    deadline = time.time() + args.seconds
    while time.time() < deadline:
        try:
            status = stats_snapshot(args.stats).get(args.server, {}).get("status", "")
            if status.startswith(args.status):
                return 0
        except (OSError, http.client.HTTPException, KeyError, ValueError):
            pass
        time.sleep(0.05)
    print(f"HAProxy did not report {args.server} {args.status} within {args.seconds} s", file=sys.stderr)
    return 1


# --------------------------------------------------------------------------- load


def stats_snapshot(port):
    """HAProxy's CSV stats for the servers of backend `sigil`: {name: row}."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
    try:
        conn.request("GET", "/stats;csv")
        text = conn.getresponse().read().decode().lstrip("# ")
    finally:
        conn.close()
    rows = csv.DictReader(io.StringIO(text))
    return {row["svname"]: {"status": row["status"], "stot": int(row["stot"] or 0),
                            "wretr": int(row["wretr"] or 0), "econ": int(row["econ"] or 0),
                            "eresp": int(row["eresp"] or 0),
                            "srv_abrt": int(row.get("srv_abrt") or 0)}
            for row in rows if row["pxname"] == "sigil"}


def cmd_load(args):
    token = None
    if args.state and os.path.exists(args.state):
        with open(args.state, encoding="utf-8") as f:
            token = json.load(f).get("load_token")
    paths = [("/api/posts?limit=10", None)]
    if token:
        paths.append(("/api/users/me", {"Authorization": f"Bearer {token}"}))

    stop = threading.Event()
    records = []  # (start, end, status or exception name, X-Served-By)
    stats = []    # (time, snapshot)
    lock = threading.Lock()

    def worker(n):
        mine = []
        conn = http.client.HTTPConnection("127.0.0.1", args.lb, timeout=REQUEST_TIMEOUT)
        i = n
        while not stop.is_set():
            path, hdrs = paths[i % len(paths)]
            i += 1
            t0 = time.time()
            try:
                conn.request("GET", path, headers=hdrs or {})
                r = conn.getresponse()
                r.read()
                mine.append((t0, time.time(), r.status, r.getheader("X-Served-By")))
                if r.getheader("Connection", "").lower() == "close":
                    conn.close()
            except (OSError, http.client.HTTPException) as e:
                mine.append((t0, time.time(), type(e).__name__, None))
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", args.lb, timeout=REQUEST_TIMEOUT)
                time.sleep(0.01)
        conn.close()
        with lock:
            records.extend(mine)

    def monitor():
        while not stop.is_set():
            try:
                stats.append((time.time(), stats_snapshot(args.stats)))
            except (OSError, http.client.HTTPException, KeyError, ValueError):
                pass
            stop.wait(0.1)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(args.threads)]
    threads.append(threading.Thread(target=monitor))
    started = time.time()
    for t in threads:
        t.start()
    with open(args.ready_file, "w", encoding="utf-8") as f:
        f.write(f"{started}\n")
    # Runs until cluster.sh creates the stop file, and never longer than --max-seconds.
    while not os.path.exists(args.stop_file) and time.time() - started < args.max_seconds:
        time.sleep(0.05)
    stop.set()
    for t in threads:
        t.join(REQUEST_TIMEOUT + 2)
    records.sort()
    # Written whole, then renamed: cluster.sh waits for the file to appear.
    with open(args.out + ".tmp", "w", encoding="utf-8") as f:
        json.dump({"start": started, "end": time.time(), "records": records, "stats": stats}, f)
    os.replace(args.out + ".tmp", args.out)
    return 0


def load_data(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def failed(rec):
    return rec[2] != 200


def percentile(sorted_values, q):
    if not sorted_values:
        return 0.0
    return sorted_values[min(len(sorted_values) - 1, int(q * len(sorted_values)))]


def describe_failures(recs, at):
    kinds = {}
    for r in recs:
        kinds[str(r[2])] = kinds.get(str(r[2]), 0) + 1
    first = f", first at T{recs[0][0] - at:+.2f} s" if recs else ""
    return ", ".join(f"{k}×{v}" for k, v in sorted(kinds.items())) + first


def common_stats(res, phase, data, server):
    recs = data["records"]
    lat = sorted((r[1] - r[0]) * 1000 for r in recs if not failed(r))
    res.stat(f"{phase}.requests", len(recs))
    res.stat(f"{phase}.seconds", f"{data['end'] - data['start']:.1f}")
    res.stat(f"{phase}.p50_ms", f"{percentile(lat, 0.50):.1f}")
    res.stat(f"{phase}.p99_ms", f"{percentile(lat, 0.99):.1f}")
    res.stat(f"{phase}.max_ms", f"{(lat[-1] if lat else 0):.1f}")
    if data["stats"]:
        # HAProxy's counters are cumulative: the phase's share is last minus first.
        first, last = data["stats"][0][1], data["stats"][-1][1]
        res.stat(f"{phase}.haproxy_retries",
                 sum(v["wretr"] for v in last.values()) - sum(v["wretr"] for v in first.values()))
        # On the signalled instance: refused connections (econ) and requests it dropped or
        # closed without an answer (eresp), each retried by HAProxy on another instance.
        if server in first and server in last:
            for k in ("econ", "eresp"):
                res.stat(f"{phase}.{k}", last[server][k] - first[server][k])


def first_status_change(data, server, after, want_up):
    for t, snap in data["stats"]:
        if t < after or server not in snap:
            continue
        up = snap[server]["status"].startswith("UP")
        if up == want_up:
            return t
    return None


def cmd_check_kill(args):
    res = Results(args.results)
    data = load_data(args.data)
    recs = data["records"]
    at, window, sv = args.at, args.window, args.server
    common_stats(res, "kill", data, sv)
    before = [r for r in recs if r[0] < at]
    in_window = [r for r in recs if at <= r[0] < at + window]
    after = [r for r in recs if r[0] >= at + window]
    res.stat("kill.failures_before_kill", sum(map(failed, before)))
    res.stat("kill.failures_in_window", sum(map(failed, in_window)))
    res.stat("kill.failures_after_window", sum(map(failed, after)))
    res.stat("kill.requests_after_window", len(after))

    served = {r[3] for r in before if r[3]}
    res.check(served >= {"s1", "s2", "s3"}, "round robin: all three instances served the load before the kill",
              ", ".join(sorted(served)) or "none")
    res.check(not any(map(failed, before)), "no failed request before the kill",
              describe_failures([r for r in before if failed(r)], at) or f"{len(before)} requests")
    # Failures inside the window are reported, not judged: HAProxy's retries are expected to
    # hide the kill, but the balancer has not yet seen the instance die.
    bad_window = [r for r in in_window if failed(r)]
    res.stat("kill.requests_in_window", len(in_window))
    if bad_window:
        res.stat("kill.failures_in_window_kinds", describe_failures(bad_window, at))
    bad_after = [r for r in after if failed(r)]
    res.check(not bad_after and len(after) > 0, f"no failed request after the detection window (SIGKILL {sv})",
              f"{len(bad_after)} of {len(after)}" + (f": {describe_failures(bad_after, at)}" if bad_after else ""))

    down = first_status_change(data, sv, at, want_up=False)
    res.check(down is not None and down - at <= window, f"HAProxy marks {sv} down within {window:g} s",
              f"after {down - at:.2f} s" if down else "never seen down")
    if down is not None:
        res.stat("kill.detected_after_s", f"{down - at:.2f}")
    # The balancer stops sending to it: its session count does not move after the window.
    snaps = [(t, s[sv]["stot"]) for t, s in data["stats"] if sv in s and t >= at + window]
    if snaps:
        moved = snaps[-1][1] - snaps[0][1]
        res.check(moved == 0, f"HAProxy sends nothing to {sv} after the window", f"{moved} new sessions")
    else:
        res.check(False, f"HAProxy sends nothing to {sv} after the window", "no stats sampled after the window")
    late = [r for r in recs if r[3] == sv and r[1] > at + 0.05]
    res.check(not late, f"no response from {sv} after it was killed", f"{len(late)}")
    return 0


def cmd_check_term(args):
    res = Results(args.results)
    data = load_data(args.data)
    recs = data["records"]
    at, sv, back = args.at, args.server, args.restarted
    common_stats(res, "term", data, sv)
    bad = [r for r in recs if failed(r)]
    res.stat("term.failures", len(bad))
    res.check(not bad and len(recs) > 0, f"no failed request while {sv} stops on SIGTERM and restarts",
              f"{len(bad)} of {len(recs)}" + (f": {describe_failures(bad, at)}" if bad else ""))
    # HAProxy's retries would hide a response the stopping instance cut off: its count of
    # transfers the server aborted (srv_abrt) must stay 0 for a graceful stop. Its response
    # errors (eresp) also count keep-alive connections a draining instance closes idle just as
    # HAProxy sends on them: those requests never started, HAProxy retries them elsewhere
    # (RFC 9112, 9.3.1), and they are reported, not failed.
    if data["stats"] and sv in data["stats"][0][1] and sv in data["stats"][-1][1]:
        aborted = data["stats"][-1][1][sv]["srv_abrt"] - data["stats"][0][1][sv]["srv_abrt"]
        res.check(aborted == 0, f"{sv} cuts off no response it had started (HAProxy srv_abrt)", f"{aborted}")
    else:
        res.check(False, f"{sv} cuts off no response it had started (HAProxy srv_abrt)", "no HAProxy stats")
    after_term = [r for r in recs if r[0] >= at]
    res.check(len(after_term) > 0, "load kept running after the SIGTERM", f"{len(after_term)} requests")
    down = first_status_change(data, sv, at, want_up=False)
    # The load's stats samples come every ~0.1-0.3 s, so "down" may be seen a sample after
    # cluster.sh's own wait saw it and restarted the instance.
    res.check(down is not None and (not back or down <= back + 0.5), f"HAProxy takes {sv} out of rotation once it has stopped",
              f"down {down - at:.2f} s after the SIGTERM" if down else "never seen down")
    if down is not None:
        res.stat("term.detected_after_s", f"{down - at:.2f}")
    if back:
        up = first_status_change(data, sv, back, want_up=True)
        served = [r for r in recs if r[3] == sv and r[0] >= back]
        res.check(bool(served), f"HAProxy sends to {sv} again after its restart",
                  f"{len(served)} requests served" + (f", UP {up - back:.2f} s after the restart" if up else ""))
    return 0


# --------------------------------------------------------------------------- summary


def cmd_summary(args):
    checks, stats = [], {}
    if os.path.exists(args.results):
        with open(args.results, encoding="utf-8") as f:
            for line in f:
                kind, name, detail = (line.rstrip("\n").split("\t") + ["", ""])[:3]
                if kind == "STAT":
                    stats[name] = detail
                elif kind in ("PASS", "FAIL"):
                    checks.append((kind, name, detail))
    failures = [c for c in checks if c[0] == "FAIL"]
    width = max((len(c[1]) for c in checks), default=10)
    print()
    print("=" * 78)
    print("Sigil cluster check: summary")
    print("=" * 78)
    for kind, name, detail in checks:
        print(f"  {kind}  {name.ljust(width)}  {detail}")
    print("-" * 78)

    def s(name, default="-"):
        return stats.get(name, default)

    total = sum(int(stats.get(k, 0)) for k in ("flow.requests", "kill.requests", "term.requests", "restart.requests"))
    print(f"  requests made:                 {total} (functional {s('flow.requests')}, "
          f"SIGKILL phase {s('kill.requests')}, SIGTERM phase {s('term.requests')}, "
          f"rotation probes {s('restart.requests', 0)})")
    print(f"  SIGKILL {args.kill_server}: detected by HAProxy after {s('kill.detected_after_s')} s "
          f"(window {args.window} s = inter {args.inter_ms} ms × fall {args.fall} + slack)")
    print(f"    failures before the kill:    {s('kill.failures_before_kill')}")
    print(f"    failures within the window:  {s('kill.failures_in_window')} (of {s('kill.requests_in_window')} requests"
          + (f": {stats['kill.failures_in_window_kinds']}" if "kill.failures_in_window_kinds" in stats else "") + ")")
    print(f"    failures after the window:   {s('kill.failures_after_window')} "
          f"(of {s('kill.requests_after_window')} requests; must be 0)")
    print(f"    latency p50/p99/max:         {s('kill.p50_ms')} / {s('kill.p99_ms')} / {s('kill.max_ms')} ms; "
          f"HAProxy retried {s('kill.haproxy_retries')} (to {args.kill_server}: "
          f"{s('kill.econ')} connection errors, {s('kill.eresp')} response errors)")
    print(f"  SIGTERM {args.term_server} (graceful, then restarted): exit status {args.term_exit}, "
          f"stopped in {args.term_stop_s} s, out of rotation after {s('term.detected_after_s')} s")
    print(f"    failures during the phase:   {s('term.failures')} (of {s('term.requests')} requests; must be 0)")
    print(f"    latency p50/p99/max:         {s('term.p50_ms')} / {s('term.p99_ms')} / {s('term.max_ms')} ms; "
          f"HAProxy retried {s('term.haproxy_retries')} (to {args.term_server}: "
          f"{s('term.econ')} connection errors, {s('term.eresp')} closed unanswered while draining)")
    print(f"  elapsed:                       {args.elapsed} s")
    print("-" * 78)
    if not checks:
        print("  FAILED: no check ran")
        return 1
    if failures:
        print(f"  FAILED: {len(failures)} of {len(checks)} checks")
        return 1
    print(f"  OK: {len(checks)} checks passed")
    return 0


# --------------------------------------------------------------------------- main


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)

    a = sub.add_parser("ports")
    a.add_argument("n", type=int)
    a.set_defaults(fn=cmd_ports)

    a = sub.add_parser("wait-http")
    a.add_argument("url")
    a.add_argument("seconds", type=float)
    a.set_defaults(fn=cmd_wait_http)

    a = sub.add_parser("flow")
    a.add_argument("--lb", type=int, required=True)
    a.add_argument("--instances", required=True, help="comma-separated ports, s1 first")
    a.add_argument("--results", required=True)
    a.add_argument("--tag", required=True, help="suffix making the usernames unique")
    a.add_argument("--admin-user", required=True)
    a.add_argument("--admin-password-file", required=True)
    a.add_argument("--state", required=True, help="where to write the load user's token")
    a.set_defaults(fn=cmd_flow)

    a = sub.add_parser("wait-served")
    a.add_argument("--lb", type=int, required=True)
    a.add_argument("--server", required=True)
    a.add_argument("--seconds", type=float, default=10)
    a.add_argument("--name", required=True)
    a.add_argument("--results", required=True)
    a.set_defaults(fn=cmd_wait_served)

    a = sub.add_parser("wait-status")
    a.add_argument("--stats", type=int, required=True)
    a.add_argument("--server", required=True)
    a.add_argument("--status", choices=["UP", "DOWN"], required=True)
    a.add_argument("--seconds", type=float, default=5)
    a.set_defaults(fn=cmd_wait_status)

    a = sub.add_parser("load")
    a.add_argument("--lb", type=int, required=True)
    a.add_argument("--stats", type=int, required=True, help="HAProxy stats port")
    a.add_argument("--state")
    a.add_argument("--threads", type=int, default=8)
    a.add_argument("--ready-file", required=True)
    a.add_argument("--stop-file", required=True)
    a.add_argument("--max-seconds", type=float, default=30)
    a.add_argument("--out", required=True)
    a.set_defaults(fn=cmd_load)

    for name, fn in (("check-kill", cmd_check_kill), ("check-term", cmd_check_term)):
        a = sub.add_parser(name)
        a.add_argument("--data", required=True)
        a.add_argument("--at", type=float, required=True, help="when the signal was sent (epoch s)")
        a.add_argument("--server", required=True)
        a.add_argument("--window", type=float, default=1.5)
        a.add_argument("--restarted", type=float, default=0)
        a.add_argument("--results", required=True)
        a.set_defaults(fn=fn)

    a = sub.add_parser("summary")
    a.add_argument("--results", required=True)
    for opt in ("elapsed", "window", "inter-ms", "fall", "kill-server", "term-server", "term-exit", "term-stop-s"):
        a.add_argument(f"--{opt}", default="-")
    a.set_defaults(fn=cmd_summary)

    args = p.parse_args()
    return args.fn(args) or 0


if __name__ == "__main__":
    sys.exit(main())
