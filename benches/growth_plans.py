#!/usr/bin/env python3
"""The plans of the queries the routes of benches/growth.sh run.

    growth_plans.py postgres URL LOG_SLICE RETENTION_DAYS STATEMENTS_OUT
    growth_plans.py sqlite DB_PATH STATEMENTS_IN RETENTION_DAYS

PostgreSQL: LOG_SLICE is the part of the server log written while the server answered one
request of each route with auto_explain on (log_analyze, log_buffers): every statement the
server ran, with its EXPLAIN (ANALYZE, BUFFERS) plan. They are printed once per distinct query
text, and the texts are written to STATEMENTS_OUT. Then the purge's batch statement is
explained (ANALYZE, BUFFERS) in a transaction that is rolled back.

SQLite: the same statements (Diesel writes the same SQL for both backends, bar the
placeholders; `$1` is a valid SQLite parameter name) are given to EXPLAIN QUERY PLAN with
every parameter NULL (SQLite's planner does not look at bound values here), then the purge's
batch statement. A statement SQLite cannot prepare (PostgreSQL-only syntax) is listed as such.
"""

import re
import sqlite3
import subprocess
import sys

# The purge's two statements for one batch in the middle of the walk (src/db/events.rs,
# `purge_batch`): the next 1,000 expired events on the created_at index from where the last
# batch ended, then their delete by id (the ids are a bound array in the server).
CUTOFF_PG = "(now() AT TIME ZONE 'utc') - interval '{d} days'"
FROM_PG = "(SELECT min(created_at) FROM security_events) + interval '1000 days'"
PURGE_PG = [
    f"SELECT id, created_at FROM security_events WHERE created_at < {CUTOFF_PG} "
    f"AND created_at >= {FROM_PG} ORDER BY created_at LIMIT 1000",
    f"DELETE FROM security_events WHERE id = ANY(ARRAY(SELECT id FROM security_events "
    f"WHERE created_at < {CUTOFF_PG} AND created_at >= {FROM_PG} ORDER BY created_at "
    f"LIMIT 1000)) AND created_at < {CUTOFF_PG}",
]
# SQLite's own admin user search of three characters or more (src/db/users.rs, `search`):
# PostgreSQL runs the LIKE form instead, so the captured statements do not have it.
SEARCH_SQLITE = [
    'SELECT "users"."id", "users"."email", "users"."username" FROM "users" '
    'WHERE ("users"."id" < $1) AND users.id IN (SELECT rowid FROM users_search '
    'WHERE users_search MATCH $2 AND rowid < $3 ORDER BY rowid DESC LIMIT $4) '
    'ORDER BY "users"."id" DESC LIMIT $5',
]
CUTOFF_SQLITE = "datetime('now', '-{d} days')"
FROM_SQLITE = "datetime((SELECT min(created_at) FROM security_events), '+1000 days')"
PURGE_SQLITE = [
    f"SELECT id, created_at FROM security_events WHERE created_at < {CUTOFF_SQLITE} "
    f"AND created_at >= {FROM_SQLITE} ORDER BY created_at LIMIT 1000",
    f"DELETE FROM security_events WHERE id IN (SELECT id FROM security_events "
    f"WHERE created_at < {CUTOFF_SQLITE} AND created_at >= {FROM_SQLITE} ORDER BY created_at "
    f"LIMIT 1000) AND created_at < {CUTOFF_SQLITE}",
]


def shorten(text):
    return re.sub(r"\s+", " ", text).strip()


def postgres(url, log_path, days, statements_out):
    text = open(log_path, errors="replace").read()
    # A plan is a "LOG:  duration: ... plan:" line and the tab-indented lines after it.
    blocks = re.findall(r"LOG:  duration: ([\d.]+) ms  plan:\n((?:\t.*\n)+)", text)
    seen = {}
    for duration, body in blocks:
        lines = [line[1:] for line in body.splitlines()]
        query = shorten(lines[0].removeprefix("Query Text: "))
        if query in seen or query.startswith(("SELECT 1", "SET ", "BEGIN", "COMMIT")):
            continue
        seen[query] = (duration, lines[1:])
    with open(statements_out, "a") as out:
        for query in seen:
            out.write(query + "\n")
    for query, (duration, plan) in seen.items():
        print(f"-- {query}\n   ({duration} ms)")
        for line in plan:
            print(f"   {line}")
    for statement in PURGE_PG:
        statement = statement.format(d=days)
        print(f"-- the purge, one batch (in a transaction rolled back):\n-- {statement}")
        sql = f"BEGIN; EXPLAIN (ANALYZE, BUFFERS) {statement}; ROLLBACK;"
        out = subprocess.run(["psql", "-XqtA", url], input=sql, capture_output=True, text=True)
        for line in (out.stdout + out.stderr).splitlines():
            print(f"   {line}")


def sqlite(path, statements_in, days):
    db = sqlite3.connect(path)
    try:
        statements = [l.strip() for l in open(statements_in) if l.strip()]
    except FileNotFoundError:
        statements = []
        print("-- no statements captured from PostgreSQL (run BACKENDS='postgres sqlite')")
    purge = [p.format(d=days) for p in PURGE_SQLITE]
    for query in dict.fromkeys(statements + SEARCH_SQLITE + purge):
        # Diesel writes `IN (?, ?)` on SQLite where it writes `= ANY($1)` on PostgreSQL.
        query = re.sub(r"= ANY\((\$\d+)\)", r"IN (\1)", query)
        names = set(re.findall(r"\$(\d+)", query))
        try:
            plan = db.execute(f"EXPLAIN QUERY PLAN {query}", {n: None for n in names}).fetchall()
        except sqlite3.Error as e:
            print(f"-- {query}\n   (not valid on SQLite: {e})")
            continue
        print(f"-- {query}")
        for _, parent, _, detail in plan:
            print(f"   {'  ' * (parent > 0)}{detail}")


if __name__ == "__main__":
    if sys.argv[1] == "postgres":
        postgres(sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5])
    else:
        sqlite(sys.argv[2], sys.argv[3], int(sys.argv[4]))
