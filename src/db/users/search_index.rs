//! Upkeep of SQLite's user search index (the FTS5 table `users_search`, migration
//! `user_search`). FTS5 keeps its index as segments: every transaction that writes to it adds
//! one, and its automatic merging only joins segments of the same level, so a live database
//! keeps many (24 after 3,000 sign-ups one at a time). A search reads each of its trigrams in
//! every segment, so its cost grows with their number, not with the number of users (the
//! search's subquery at 1 M users, timed with Python's SQLite: one segment 42 µs, nine 175 µs,
//! twenty-four 393 µs). The upkeep merges them back into one, a few pages per write
//! ([`merge_step`]), with FTS5's own `merge` command. At 1 M users a pass rewrites the whole
//! index: 151 steps, about 5 s of writes (benches/growth.sh). PostgreSQL's trigram index
//! (pg_trgm, GIN) needs none of this.

use diesel::prelude::*;
use diesel::sql_types::BigInt;

/// Pages one merge step writes at most. Most steps take a few milliseconds; at a million
/// users a few took 130 to 370 ms here (FTS5 stops a step only between terms, and a trigram
/// found in most rows, such as `com` in the e-mail addresses, is one long list).
pub const MERGE_PAGES: i64 = 64;

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

/// Whether the index is in more than one segment. `users_search_idx` (FTS5's own table: rows
/// of segment id and term) is keyed by the segment's id, so its lowest and highest are one key
/// lookup each.
pub fn is_split(conn: &mut SqliteConnection) -> QueryResult<bool> {
    let found: Count = diesel::sql_query(
        "SELECT coalesce((SELECT max(segid) FROM users_search_idx) \
             <> (SELECT min(segid) FROM users_search_idx), 0) AS n",
    )
    .get_result(conn)?;
    Ok(found.n != 0)
}

/// One step of merging every segment into one: FTS5's `merge` with a negative page count,
/// which merges even where no level is full. Its own write transaction. Returns whether it
/// did any work (FTS5's sign: it changed at least two rows); when it did not, the index is
/// one segment.
pub fn merge_step(conn: &mut SqliteConnection) -> QueryResult<bool> {
    let changes = |conn: &mut SqliteConnection| -> QueryResult<i64> {
        let c: Count = diesel::sql_query("SELECT total_changes() AS n").get_result(conn)?;
        Ok(c.n)
    };
    let before = changes(conn)?;
    diesel::sql_query("INSERT INTO users_search (users_search, rank) VALUES ('merge', ?)")
        .bind::<BigInt, _>(-MERGE_PAGES)
        .execute(conn)?;
    Ok(changes(conn)? - before >= 2)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::tests::migrated_sqlite;
    use crate::db::users::User;
    use crate::db::DbConnection;

    fn add_users(conn: &mut DbConnection, from: usize, to: usize) {
        let DbConnection::Sqlite(c) = conn else {
            unreachable!()
        };
        for n in from..to {
            // One transaction each, as sign-ups come: one segment each.
            diesel::sql_query(
                "INSERT INTO users (email, username, password_hash, created_at, updated_at) \
                 VALUES (?, ?, 'x', datetime('now'), datetime('now'))",
            )
            .bind::<diesel::sql_types::Text, _>(format!("user{n}@example.com"))
            .bind::<diesel::sql_types::Text, _>(format!("user{n}"))
            .execute(c)
            .unwrap();
        }
    }

    fn names(conn: &mut DbConnection, query: &str) -> Vec<String> {
        let found = User::search(conn, Some(query), None, 50).unwrap();
        found.into_iter().map(|u| u.username).collect()
    }

    #[test]
    fn merging_leaves_one_segment_and_the_same_answers() {
        let mut conn = migrated_sqlite();
        add_users(&mut conn, 0, 300);
        let before = [names(&mut conn, "user29"), names(&mut conn, "R1@EXAMPLE")];
        let nineties: Vec<String> = (290..300).rev().map(|n| format!("user{n}")).collect();
        assert_eq!(before[0], [nineties, vec!["user29".to_string()]].concat());
        assert_eq!(before[1], ["user1"], "the e-mail column, without case");
        let DbConnection::Sqlite(c) = &mut conn else {
            unreachable!()
        };
        assert!(
            is_split(c).unwrap(),
            "three hundred writes left several segments"
        );

        let mut steps = 0;
        while merge_step(c).unwrap() {
            steps += 1;
            assert!(steps < 1_000, "the merge does not end");
        }
        assert!(steps > 0);
        assert!(!is_split(c).unwrap());
        assert!(!merge_step(c).unwrap(), "one segment: nothing to do");
        assert_eq!(
            [names(&mut conn, "user29"), names(&mut conn, "R1@EXAMPLE")],
            before
        );

        // A deleted or renamed account leaves the merged index too.
        let DbConnection::Sqlite(c) = &mut conn else {
            unreachable!()
        };
        diesel::sql_query("DELETE FROM users WHERE username = 'user299'")
            .execute(c)
            .unwrap();
        diesel::sql_query("UPDATE users SET username = 'renamed' WHERE username = 'user298'")
            .execute(c)
            .unwrap();
        // user298 is found by its e-mail now, under its new name.
        let mut left = vec!["renamed".to_string()];
        left.extend((290..298).rev().map(|n| format!("user{n}")));
        left.push("user29".to_string());
        assert_eq!(names(&mut conn, "user29"), left);
        assert_eq!(names(&mut conn, "renamed"), ["renamed"]);
        assert!(names(&mut conn, "user299").is_empty());
    }

    #[test]
    fn an_empty_index_is_not_split() {
        let mut conn = migrated_sqlite();
        let DbConnection::Sqlite(c) = &mut conn else {
            unreachable!()
        };
        assert!(!is_split(c).unwrap());
        assert!(!merge_step(c).unwrap());
    }
}
