#!/usr/bin/env python3
"""Seeds a migrated Sigil database for benches/growth.sh, straight in SQL.

    growth_seed.py sqlite PATH USERS SESSIONS EVENTS POSTS
    growth_seed.py postgres URL USERS SESSIONS EVENTS POSTS

The accounts the benchmark signs in with were made through the API before this runs; every
seeded user gets the password hash of `bench_user` (one real bcrypt hash, cost 12), and
`bench_admin` is made an administrator (the `role` column, as `sigil set-role` sets it).

What it writes, in the shapes the server writes them:
- users `user<n>` (`user<n>@example.com`), created over the last ten years, ids in that order;
- sessions of random users, live, used within the last day (inside SESSION_IDLE_MINUTES),
  one in ten revoked, with the columns the migrations added (ip, auth_time, amr);
- security events over random users, spread evenly over the last ten years in id order (the
  trail is append-only), so that with RETENTION_DAYS = 365 nine in ten are due for the purge;
- posts over random authors, one in four private.

The indexes of the filled tables are dropped first and built again, from their own stored
definitions, after the rows are in (one sort instead of millions of page splits); the schema
is the same afterwards. Prints the seconds each table took.
"""

import subprocess
import sys
import time

TEN_YEARS_DAYS = 3650
KINDS = [
    "sign_in", "sign_in", "sign_in", "sign_out", "sign_in_failed", "sign_in_failed",
    "password_changed", "session_revoked", "email_verified", "reauthenticated",
]


def kind_case(n):
    arms = " ".join(f"WHEN {i} THEN '{k}'" for i, k in enumerate(KINDS))
    return f"CASE {n} % {len(KINDS)} {arms} END"


def seed_sqlite(path, users, sessions, events, posts):
    import sqlite3

    db = sqlite3.connect(path, isolation_level=None)
    db.executescript("PRAGMA synchronous = OFF; PRAGMA cache_size = -1000000; "
                     "PRAGMA temp_store = MEMORY;")
    (hash_,) = db.execute("SELECT password_hash FROM users WHERE username = 'bench_user'").fetchone()
    db.execute("UPDATE users SET role = 'admin' WHERE username = 'bench_admin'")
    (first,) = db.execute("SELECT coalesce(max(id), 0) + 1 FROM users").fetchone()
    tables = ["users", "sessions", "security_events", "posts"]
    indexes = db.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
        f"AND tbl_name IN ({','.join('?' * len(tables))})", tables).fetchall()
    for name, _ in indexes:
        db.execute(f'DROP INDEX "{name}"')
    # user ids of the seeded users: first .. first + users - 1; pick one from n.
    pick = f"({first} + (n * 2654435761) % {users})"
    series = "WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < ?) "
    day = 86400.0
    timings = {}

    def run(table, sql, count):
        t0 = time.time()
        db.execute("BEGIN")
        db.execute(series + sql, (count,))
        db.execute("COMMIT")
        timings[table] = time.time() - t0

    # Seconds before now, as SQLite's datetime() of 'now' minus that.
    def ago(seconds):
        return f"datetime('now', '-' || CAST({seconds} AS INTEGER) || ' seconds')"

    run("users", f"""INSERT INTO users (email, username, password_hash, created_at, updated_at,
            email_verified, role, disabled)
        SELECT 'user' || n || '@example.com', 'user' || n, '{hash_}',
            {ago(f'({users} - n) * {TEN_YEARS_DAYS * day / users}')},
            {ago(f'({users} - n) * {TEN_YEARS_DAYS * day / users}')}, 1, 'user', 0 FROM s""", users)
    run("sessions", f"""INSERT INTO sessions (id, user_id, created_at, last_used_at, expires_at,
            user_agent, revoked_at, revoked_reason, ip, auth_time, amr)
        SELECT lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' ||
                substr(hex(randomblob(2)), 2) || '-a' || substr(hex(randomblob(2)), 2) || '-' ||
                hex(randomblob(6))),
            {pick}, {ago(f'86400 + n % (6 * 86400)')}, {ago('n % 86400')},
            datetime('now', '+' || (7 + n % 7) || ' days'),
            'Mozilla/5.0 (X11; Linux x86_64; rv:' || (100 + n % 30) || '.0) Gecko/20100101 Firefox',
            CASE WHEN n % 10 = 0 THEN {ago('n % 3600')} END,
            CASE WHEN n % 10 = 0 THEN 'logout' END,
            '192.0.2.' || (n % 250), {ago(f'86400 + n % (6 * 86400)')}, 'pwd' FROM s""", sessions)
    run("security_events", f"""INSERT INTO security_events (kind, user_id, actor_id, ip,
            user_agent, detail, created_at)
        SELECT {kind_case('n')}, {pick}, {pick}, '198.51.100.' || (n % 250),
            'Mozilla/5.0 (X11; Linux x86_64; rv:' || (100 + n % 30) || '.0) Gecko/20100101 Firefox',
            CASE WHEN n % {len(KINDS)} = 4 THEN '{{"login":"user' || n % 1000 || '"}}' END,
            {ago(f'({events} - n) * {TEN_YEARS_DAYS * day / events}')} FROM s""", events)
    run("posts", f"""INSERT INTO posts (author_id, title, body, visibility, created_at, updated_at)
        SELECT {pick}, 'Post ' || n,
            'Lorem ipsum dolor sit amet, consectetur adipiscing elit. ' || n || ' ' ||
                'Sed do eiusmod tempor incididunt ut labore et dolore magna aliqua.',
            CASE WHEN n % 4 = 0 THEN 'private' ELSE 'public' END,
            {ago(f'({posts} - n) * {3 * 365 * day / posts}')},
            {ago(f'({posts} - n) * {3 * 365 * day / posts}')} FROM s""", posts)
    t0 = time.time()
    for _, sql in indexes:
        db.execute(sql)
    timings["indexes"] = time.time() - t0
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    return timings


def seed_postgres(url, users, sessions, events, posts):
    def psql(sql, *flags):
        out = subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", *flags, url],
                             input=sql, capture_output=True, text=True)
        if out.returncode != 0:
            sys.exit(f"psql failed: {out.stderr}")
        return out.stdout

    hash_ = psql("SELECT password_hash FROM users WHERE username = 'bench_user'", "-tA").strip()
    psql("UPDATE users SET role = 'admin' WHERE username = 'bench_admin'")
    first = int(psql("SELECT coalesce(max(id), 0) + 1 FROM users", "-tA"))
    tables = ["users", "sessions", "security_events", "posts"]
    rows = psql("SELECT indexname || E'\\t' || indexdef FROM pg_indexes WHERE schemaname = 'public' "
                f"AND tablename IN ({','.join(repr(t) for t in tables)}) "
                "AND indexname NOT LIKE '%_pkey'", "-tA")
    indexes = [line.split("\t", 1) for line in rows.splitlines() if line]
    psql("".join(f'DROP INDEX "{name}";' for name, _ in indexes))
    pick = f"({first} + (n * 2654435761) % {users})::int"
    now = "(now() AT TIME ZONE 'utc')"
    setup = "SET synchronous_commit = off; SET maintenance_work_mem = '1GB'; "
    timings = {}

    def run(table, sql):
        t0 = time.time()
        psql(setup + sql)
        timings[table] = time.time() - t0

    def ago(seconds):
        return f"date_trunc('second', {now} - make_interval(secs => {seconds}))"

    run("users", f"""INSERT INTO users (email, username, password_hash, created_at, updated_at,
            email_verified, role, disabled)
        SELECT 'user' || n || '@example.com', 'user' || n, '{hash_}',
            {ago(f'({users} - n) * {TEN_YEARS_DAYS * 86400.0 / users}')},
            {ago(f'({users} - n) * {TEN_YEARS_DAYS * 86400.0 / users}')}, true, 'user', false
        FROM generate_series(1, {users}) AS n""")
    run("sessions", f"""INSERT INTO sessions (id, user_id, created_at, last_used_at, expires_at,
            user_agent, revoked_at, revoked_reason, ip, auth_time, amr)
        SELECT gen_random_uuid()::text, {pick}, {ago('86400 + n % (6 * 86400)')},
            {ago('n % 86400')}, date_trunc('second', {now} + make_interval(days => 7 + n % 7)),
            'Mozilla/5.0 (X11; Linux x86_64; rv:' || (100 + n % 30) || '.0) Gecko/20100101 Firefox',
            CASE WHEN n % 10 = 0 THEN {ago('n % 3600')} END,
            CASE WHEN n % 10 = 0 THEN 'logout' END,
            '192.0.2.' || (n % 250), {ago('86400 + n % (6 * 86400)')}, 'pwd'
        FROM generate_series(1, {sessions}) AS n""")
    run("security_events", f"""INSERT INTO security_events (kind, user_id, actor_id, ip,
            user_agent, detail, created_at)
        SELECT {kind_case('n')}, {pick}, {pick}, '198.51.100.' || (n % 250),
            'Mozilla/5.0 (X11; Linux x86_64; rv:' || (100 + n % 30) || '.0) Gecko/20100101 Firefox',
            CASE WHEN n % {len(KINDS)} = 4 THEN '{{"login":"user' || n % 1000 || '"}}' END,
            {ago(f'({events} - n) * {TEN_YEARS_DAYS * 86400.0 / events}')}
        FROM generate_series(1, {events}::bigint) AS n""")
    run("posts", f"""INSERT INTO posts (author_id, title, body, visibility, created_at, updated_at)
        SELECT {pick}, 'Post ' || n,
            'Lorem ipsum dolor sit amet, consectetur adipiscing elit. ' || n || ' ' ||
                'Sed do eiusmod tempor incididunt ut labore et dolore magna aliqua.',
            CASE WHEN n % 4 = 0 THEN 'private' ELSE 'public' END,
            {ago(f'({posts} - n) * {3 * 365 * 86400.0 / posts}')},
            {ago(f'({posts} - n) * {3 * 365 * 86400.0 / posts}')}
        FROM generate_series(1, {posts}) AS n""")
    t0 = time.time()
    psql(setup + "".join(f"{sql};" for _, sql in indexes))
    timings["indexes"] = time.time() - t0
    # What autovacuum would have done by the time a real table got this big.
    t0 = time.time()
    psql("VACUUM ANALYZE")
    timings["vacuum analyze"] = time.time() - t0
    return timings


def main():
    backend, target = sys.argv[1], sys.argv[2]
    users, sessions, events, posts = map(int, sys.argv[3:7])
    t0 = time.time()
    seed = seed_sqlite if backend == "sqlite" else seed_postgres
    timings = seed(target, users, sessions, events, posts)
    parts = ", ".join(f"{k} {v:.1f} s" for k, v in timings.items())
    print(f"seeded {users} users, {sessions} sessions, {events} events, {posts} posts "
          f"in {time.time() - t0:.1f} s ({parts})")


if __name__ == "__main__":
    main()
