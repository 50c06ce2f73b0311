"""One row of a wrk run, for benches/load.sh and benches/growth.sh.

    python3 benches/wrk_row.py WRK_OUTPUT [CPU_BEFORE CPU_AFTER CLK_TCK]

Prints "rps p50_ms p99_ms non2xx", and with the CPU ticks of the server and of PostgreSQL
("server_ticks pg_ticks", read before and after the run) also the CPU ms per 1,000 requests
of each. Non-2xx responses and socket errors are warned about on stderr.
"""
import re
import sys

path = sys.argv[1]
text = open(path).read()


def ms(v):
    m = re.match(r"([\d.]+)(us|ms|s|m)$", v)
    if not m:
        sys.exit(f"cannot read the latency {v!r} in {path}:\n{text}")
    n, unit = m.groups()
    return float(n) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit]


rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
p50 = ms(re.search(r"^\s*50%\s+(\S+)", text, re.M).group(1))
p99 = ms(re.search(r"^\s*99%\s+(\S+)", text, re.M).group(1))
non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
errors = re.search(r"Socket errors: (.*)", text)
bad = int(non2xx.group(1)) if non2xx else 0
if bad or errors:
    print(f"warning: {path}: {bad} non-2xx responses; {errors.group(0) if errors else ''}",
          file=sys.stderr)
row = f"{rps:.1f} {p50:.3f} {p99:.3f} {bad}"
if len(sys.argv) == 5:
    (s0, p0), (s1, p1) = (map(int, v.split()) for v in sys.argv[2:4])
    tick_ms = 1000 / int(sys.argv[4])
    requests = int(re.search(r"(\d+) requests in", text).group(1))
    per_1k = lambda ticks: ticks * tick_ms * 1000 / max(requests, 1)
    row += f" {per_1k(s1 - s0):.1f} {per_1k(p1 - p0):.1f}"
print(row)
