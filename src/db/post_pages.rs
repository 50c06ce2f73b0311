//! Anonymous pages of posts, kept rendered between requests and exact across instances.
//!
//! What an anonymous page shows changes only with a row of `posts` or an author's name, and
//! triggers move the one-row `posts_version` on with each such change, in the same
//! transaction (migration `2026-11-28-090000_posts_version`). A kept page is served only when
//! the version read for this request is the one it was kept under, and the version is read
//! before the page is, so a kept page is never older than its version. A change made through
//! any instance, or by hand in the database, is therefore seen on every instance's next
//! request; what keeping saves is the page's rows and their JSON, for one read of one row.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};

use actix_web::web::Bytes;
use diesel::prelude::*;

use super::schema::posts_version;
use super::DbConnection;
use crate::domain::PageRequest;

/// The version of what pages of posts show: any change to them moves it on. `None` when its
/// row is gone (deleted by hand): then nothing is kept until the migration's row is back.
pub fn version(conn: &mut DbConnection) -> QueryResult<Option<i64>> {
    super::on_backend!(conn, |c| posts_version::table
        .find(1)
        .select(posts_version::version)
        .first::<i64>(c)
        .optional())
}

/// At most this much is kept (pages and their keys); a page over a quarter of it never is.
/// Pages run from thirty bytes to megabytes (100 posts of 20,000 characters), so the bound
/// is in bytes, not pages.
const BUDGET: usize = 4 << 20;

/// What one kept page costs beside its bytes: the map's slot and the key's fields.
const ENTRY_COST: usize = 96;

/// Rendered pages of one posts version: the last one read. A different version empties it.
#[derive(Default)]
pub struct PageCache {
    kept: Mutex<Kept>,
}

#[derive(Default)]
struct Kept {
    version: i64,
    pages: HashMap<PageRequest, Bytes>,
    bytes: usize,
}

impl PageCache {
    /// The page `request` asks for as kept at the current version, else `render`'s, kept.
    pub fn get_or_render<E>(
        &self,
        conn: &mut DbConnection,
        request: &PageRequest,
        render: impl FnOnce(&mut DbConnection) -> Result<Bytes, E>,
    ) -> Result<Bytes, E>
    where
        E: From<diesel::result::Error>,
    {
        let Some(version) = version(conn)? else {
            return render(conn);
        };
        if let Some(page) = self.kept(version, request) {
            return Ok(page);
        }
        let page = render(conn)?;
        self.keep(version, request, &page);
        Ok(page)
    }

    fn kept(&self, version: i64, request: &PageRequest) -> Option<Bytes> {
        let kept = self.kept.lock().unwrap_or_else(PoisonError::into_inner);
        if kept.version != version {
            return None;
        }
        kept.pages.get(request).cloned()
    }

    fn keep(&self, version: i64, request: &PageRequest, page: &Bytes) {
        let cost = page.len() + request.author.as_ref().map_or(0, String::len) + ENTRY_COST;
        if cost > BUDGET / 4 {
            return;
        }
        let mut kept = self.kept.lock().unwrap_or_else(PoisonError::into_inner);
        // A full cache starts afresh: cheaper than tracking use, and a page costs one render.
        if kept.version != version || kept.bytes + cost > BUDGET {
            *kept = Kept {
                version,
                ..Kept::default()
            };
        }
        if kept.pages.insert(request.clone(), page.clone()).is_none() {
            kept.bytes += cost;
        }
    }

    /// Pages kept and the bytes they are counted as, for tests.
    #[cfg(test)]
    fn size(&self) -> (usize, usize) {
        let kept = self.kept.lock().unwrap_or_else(PoisonError::into_inner);
        (kept.pages.len(), kept.bytes)
    }
}

#[cfg(test)]
mod tests {
    use std::cell::Cell;

    use super::*;
    use crate::db::tests::migrated_sqlite;

    fn request(limit: i64, author: Option<&str>) -> PageRequest {
        PageRequest {
            limit,
            before_id: None,
            author: author.map(str::to_string),
        }
    }

    fn bump(conn: &mut DbConnection, sql: &str) {
        use diesel::connection::SimpleConnection as _;
        conn.batch_execute(sql).unwrap();
    }

    #[test]
    fn a_page_is_rendered_once_per_version_and_again_after_any_change() {
        let mut conn = migrated_sqlite();
        let cache = PageCache::default();
        let renders = Cell::new(0);
        let get = |conn: &mut DbConnection, r: &PageRequest| {
            cache
                .get_or_render::<diesel::result::Error>(conn, r, |_| {
                    renders.set(renders.get() + 1);
                    Ok(Bytes::from(format!("render {}", renders.get())))
                })
                .unwrap()
        };
        let first = request(20, None);
        assert_eq!(get(&mut conn, &first), "render 1");
        assert_eq!(get(&mut conn, &first), "render 1", "kept");
        assert_eq!(
            get(&mut conn, &request(5, None)),
            "render 2",
            "another page"
        );
        assert_eq!(get(&mut conn, &first), "render 1");
        let changes = [
            "INSERT INTO users (email, username, password_hash, created_at, updated_at) \
             VALUES ('a@example.com', 'alice', 'x', '2026-01-01 00:00:00', '2026-01-01 00:00:00')",
            "INSERT INTO posts (author_id, title, body, visibility, created_at, updated_at) \
             VALUES (1, 't', 'b', 'public', '2026-01-01 00:00:00', '2026-01-01 00:00:00')",
            "UPDATE posts SET visibility = 'private'",
            "UPDATE users SET username = 'alicia'",
            "DELETE FROM posts",
            "DELETE FROM users",
        ];
        for (n, change) in changes.into_iter().enumerate() {
            let before = version(&mut conn).unwrap().unwrap();
            bump(&mut conn, change);
            let after = version(&mut conn).unwrap().unwrap();
            // Inserting a user changes no page; everything else moves the version on.
            if n == 0 {
                continue;
            }
            assert!(after > before, "{change} moved the version on");
            let rendered = get(&mut conn, &first);
            assert_eq!(rendered, format!("render {}", renders.get()), "{change}");
            assert_eq!(
                get(&mut conn, &first),
                rendered,
                "kept again after {change}"
            );
        }
    }

    #[test]
    fn a_user_change_that_no_page_shows_keeps_the_pages() {
        let mut conn = migrated_sqlite();
        bump(
            &mut conn,
            "INSERT INTO users (email, username, password_hash, created_at, updated_at) \
             VALUES ('a@example.com', 'alice', 'x', '2026-01-01 00:00:00', '2026-01-01 00:00:00')",
        );
        let before = version(&mut conn).unwrap();
        bump(
            &mut conn,
            "UPDATE users SET password_hash = 'y', email = 'b@example.com'",
        );
        assert_eq!(version(&mut conn).unwrap(), before);
    }

    #[test]
    fn without_its_version_row_nothing_is_kept_and_every_page_still_renders() {
        let mut conn = migrated_sqlite();
        bump(&mut conn, "DELETE FROM posts_version");
        let cache = PageCache::default();
        for n in 0..3 {
            let page = cache
                .get_or_render::<diesel::result::Error>(&mut conn, &request(20, None), |_| {
                    Ok(Bytes::from(format!("render {n}")))
                })
                .unwrap();
            assert_eq!(page, format!("render {n}"));
        }
        assert_eq!(cache.size(), (0, 0));
    }

    #[test]
    fn what_is_kept_stays_within_its_budget() {
        let mut conn = migrated_sqlite();
        let cache = PageCache::default();
        let big = Bytes::from(vec![b'x'; BUDGET / 4 + 1]);
        let page = cache
            .get_or_render::<diesel::result::Error>(&mut conn, &request(1, None), |_| {
                Ok(big.clone())
            })
            .unwrap();
        assert_eq!(
            page.len(),
            big.len(),
            "a page too big to keep is still served"
        );
        assert_eq!(cache.size(), (0, 0), "but not kept");
        let page = Bytes::from(vec![b'y'; 64 << 10]);
        for n in 0..200 {
            let name = format!("author-{n}");
            cache
                .get_or_render::<diesel::result::Error>(
                    &mut conn,
                    &request(20, Some(&name)),
                    |_| Ok(page.clone()),
                )
                .unwrap();
            let (pages, bytes) = cache.size();
            assert!(bytes <= BUDGET, "{bytes} bytes kept after {n} pages");
            assert!(pages >= 1);
        }
    }
}
