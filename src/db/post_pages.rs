//! Pages of posts, kept rendered between requests and exact across instances: the anonymous
//! ones, and each signed-in viewer's (their own private posts among the public ones).
//!
//! What a page shows changes only with a row of `posts` or an author's name (and with who
//! asks, which is part of its key), and
//! triggers give the one-row `posts_version` a new random number with each such change, in
//! the same transaction (migration `2026-11-28-090000_posts_version`). A kept page is served
//! only when the number read for this request is the one it was kept under, and the number
//! is read before the page is, so a kept page is never older than its number. A change made
//! through any instance, or by hand in the database, is therefore seen on every instance's
//! next request; what keeping saves is the page's rows and their JSON, for one read of one
//! row. Random rather than counted: a database restored from a backup, or any other way back
//! in time, never brings back a number under which an instance kept other content. A change
//! that bypasses the triggers (a restore with triggers disabled) must be followed by a
//! restart, or by any post change, before instances trust their pages again.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};

use actix_web::web::Bytes;
use diesel::prelude::*;

use super::read::ReadConn;
use crate::domain::PageRequest;

/// A kept page: who asked (`None`: anyone not signed in) and what they asked for.
type PageKey = (Option<i32>, PageRequest);

/// The version of what pages of posts show: any change to them moves it on. `None` when its
/// row is gone (deleted by hand): then nothing is kept until the migration's row is back.
pub async fn version(conn: &mut ReadConn<'_>) -> QueryResult<Option<i64>> {
    super::read::read_first!(conn, i64, super::written::posts_version_written!())
}

/// At most this much is kept (pages and their keys), half in each generation; a page over a
/// quarter of it never is. Pages run from thirty bytes to megabytes (100 posts of 20,000
/// characters), so the bound is in bytes, not pages.
const BUDGET: usize = 4 << 20;

/// What one kept page costs beside its bytes: the map's slot and the key's fields.
const ENTRY_COST: usize = 96;

/// Rendered pages of one posts version: the last one read. A different version empties it.
///
/// Two generations: pages go into the new one, and when it is full it becomes the old one
/// (the previous old one is dropped). A page found in the old generation moves back into the
/// new, so the pages in use (the first page above all) outlive a crawler paging through
/// everything, at no cost per request for tracking use.
#[derive(Default)]
pub struct PageCache {
    kept: Mutex<Kept>,
}

#[derive(Default)]
struct Kept {
    version: i64,
    new: Generation,
    old: Generation,
}

#[derive(Default)]
struct Generation {
    pages: HashMap<PageKey, Bytes>,
    bytes: usize,
}

impl Generation {
    fn insert(&mut self, request: PageKey, page: Bytes) {
        let key_cost = key_cost(&request);
        self.bytes += key_cost + page.len();
        if let Some(replaced) = self.pages.insert(request, page) {
            self.bytes -= key_cost + replaced.len();
        }
    }
}

/// What keeping a page costs: its bytes and its key's.
fn cost(request: &PageKey, page: &Bytes) -> usize {
    page.len() + key_cost(request)
}

fn key_cost((_, request): &PageKey) -> usize {
    request.author.as_ref().map_or(0, String::len) + ENTRY_COST
}

impl PageCache {
    /// The page `request` asks for, seen by `viewer` (`None`: not signed in), as kept at the
    /// current version, else `render`'s, kept.
    pub async fn get_or_render<E>(
        &self,
        conn: &mut ReadConn<'_>,
        viewer: Option<i32>,
        request: &PageRequest,
        render: impl AsyncFnOnce(&mut ReadConn<'_>) -> Result<Bytes, E>,
    ) -> Result<Bytes, E>
    where
        E: From<diesel::result::Error>,
    {
        let request = &(viewer, request.clone());
        let Some(version) = version(conn).await? else {
            // Nothing to check a page against: none is kept, and none kept before is served
            // again if the row comes back with an old number.
            *self.lock() = Kept::default();
            return render(conn).await;
        };
        if let Some(page) = self.kept(version, request) {
            return Ok(page);
        }
        let page = render(conn).await?;
        self.keep(version, request, &page);
        Ok(page)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Kept> {
        self.kept.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn kept(&self, version: i64, request: &PageKey) -> Option<Bytes> {
        let mut kept = self.lock();
        if kept.version != version {
            return None;
        }
        if let Some(page) = kept.new.pages.get(request) {
            return Some(page.clone());
        }
        let page = kept.old.pages.remove(request)?;
        kept.old.bytes -= cost(request, &page);
        kept.promote(request.clone(), page.clone());
        Some(page)
    }

    fn keep(&self, version: i64, request: &PageKey, page: &Bytes) {
        if cost(request, page) > BUDGET / 4 {
            return;
        }
        let mut kept = self.lock();
        if kept.version != version {
            *kept = Kept {
                version,
                ..Kept::default()
            };
        }
        kept.promote(request.clone(), page.clone());
    }

    /// Pages kept and the bytes they are counted as, for tests.
    #[cfg(test)]
    fn size(&self) -> (usize, usize) {
        let kept = self.lock();
        (
            kept.new.pages.len() + kept.old.pages.len(),
            kept.new.bytes + kept.old.bytes,
        )
    }
}

impl Kept {
    /// Puts a page into the new generation, which becomes the old one first if it is full.
    fn promote(&mut self, request: PageKey, page: Bytes) {
        if self.new.bytes + cost(&request, &page) > BUDGET / 2 {
            self.old = std::mem::take(&mut self.new);
        }
        self.new.insert(request, page);
    }
}

#[cfg(test)]
mod tests {
    use std::cell::Cell;

    use futures_util::FutureExt as _;

    use super::*;
    use crate::db::tests::migrated_sqlite;
    use crate::db::DbConnection;

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

    /// A cache whose renders are counted: the `n`th render gives `page(n)`.
    struct Counted<P> {
        cache: PageCache,
        renders: Cell<usize>,
        page: P,
    }

    impl<P: Fn(usize) -> Bytes> Counted<P> {
        fn new(page: P) -> Self {
            Self {
                cache: PageCache::default(),
                renders: Cell::new(0),
                page,
            }
        }

        fn get(&self, conn: &mut DbConnection, r: &PageRequest) -> Bytes {
            get_now(&self.cache, conn, None, r, || {
                self.renders.set(self.renders.get() + 1);
                (self.page)(self.renders.get())
            })
        }
    }

    /// `get_or_render` on a blocking connection, with `render` for the page.
    fn get_now(
        cache: &PageCache,
        conn: &mut DbConnection,
        viewer: Option<i32>,
        r: &PageRequest,
        render: impl FnOnce() -> Bytes,
    ) -> Bytes {
        cache
            .get_or_render::<diesel::result::Error>(
                &mut ReadConn::Blocking(conn),
                viewer,
                r,
                async |_| Ok(render()),
            )
            .now_or_never()
            .expect("a blocking read finishes at once")
            .unwrap()
    }

    fn version_now(conn: &mut DbConnection) -> Option<i64> {
        version(&mut ReadConn::Blocking(conn))
            .now_or_never()
            .expect("a blocking read finishes at once")
            .unwrap()
    }

    #[test]
    fn a_page_is_rendered_once_per_version_and_again_after_any_change() {
        let mut conn = migrated_sqlite();
        let counted = Counted::new(|n| Bytes::from(format!("render {n}")));
        let get = |conn: &mut DbConnection, r: &PageRequest| counted.get(conn, r);
        let renders = &counted.renders;
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
            "INSERT INTO posts (author_id, title, body, visibility, created_at, updated_at) \
             VALUES (1, 't', 'b', 'public', '2026-01-01 00:00:00', '2026-01-01 00:00:00')",
            "UPDATE posts SET visibility = 'private'",
            "UPDATE users SET username = 'alicia'",
            "DELETE FROM posts",
            "DELETE FROM users",
        ];
        bump(
            &mut conn,
            "INSERT INTO users (email, username, password_hash, created_at, updated_at) \
             VALUES ('a@example.com', 'alice', 'x', '2026-01-01 00:00:00', '2026-01-01 00:00:00')",
        );
        assert_eq!(
            get(&mut conn, &first),
            "render 1",
            "a new user changes no page"
        );
        for change in changes {
            let before = version_now(&mut conn).unwrap();
            let rendered = renders.get();
            bump(&mut conn, change);
            assert_ne!(version_now(&mut conn).unwrap(), before, "{change}");
            let page = get(&mut conn, &first);
            assert_eq!(renders.get(), rendered + 1, "rendered again after {change}");
            assert_eq!(get(&mut conn, &first), page, "then kept after {change}");
            assert_eq!(renders.get(), rendered + 1, "{change}");
        }
    }

    #[test]
    fn the_pages_in_use_outlive_a_crawl_through_every_other() {
        let mut conn = migrated_sqlite();
        let counted = Counted::new(|_| Bytes::from(vec![b'p'; 60 << 10]));
        let get = |conn: &mut DbConnection, r: &PageRequest| counted.get(conn, r);
        let (cache, renders) = (&counted.cache, &counted.renders);
        let front = request(20, None);
        get(&mut conn, &front);
        // A crawler pages through far more than the budget holds, while readers keep asking
        // for the first page.
        for n in 1..=500 {
            let deep = PageRequest {
                before_id: Some(n),
                ..request(100, None)
            };
            get(&mut conn, &deep);
            let rendered = renders.get();
            get(&mut conn, &front);
            assert_eq!(
                renders.get(),
                rendered,
                "the first page was rendered again at {n}"
            );
            assert!(cache.size().1 <= BUDGET, "{:?}", cache.size());
        }
        assert_eq!(renders.get(), 501);
    }

    #[test]
    fn a_user_change_that_no_page_shows_keeps_the_pages() {
        let mut conn = migrated_sqlite();
        bump(
            &mut conn,
            "INSERT INTO users (email, username, password_hash, created_at, updated_at) \
             VALUES ('a@example.com', 'alice', 'x', '2026-01-01 00:00:00', '2026-01-01 00:00:00')",
        );
        let before = version_now(&mut conn);
        bump(
            &mut conn,
            "UPDATE users SET password_hash = 'y', email = 'b@example.com'",
        );
        assert_eq!(version_now(&mut conn), before);
    }

    #[test]
    fn without_its_version_row_nothing_is_kept_and_every_page_still_renders() {
        let mut conn = migrated_sqlite();
        let counted = Counted::new(|n| Bytes::from(format!("render {n}")));
        let get = |conn: &mut DbConnection| counted.get(conn, &request(20, None));
        let cache = &counted.cache;
        assert_eq!(get(&mut conn), "render 1");
        let number = version_now(&mut conn).unwrap();
        bump(&mut conn, "DELETE FROM posts_version");
        assert_eq!(get(&mut conn), "render 2");
        assert_eq!(get(&mut conn), "render 3", "nothing kept without the row");
        assert_eq!(cache.size(), (0, 0));
        // Put back by hand with the number it had: what was kept before is not served.
        bump(
            &mut conn,
            &format!("INSERT INTO posts_version (id, version) VALUES (1, {number})"),
        );
        assert_eq!(get(&mut conn), "render 4");
        assert_eq!(get(&mut conn), "render 4");
    }

    #[test]
    fn what_is_kept_stays_within_its_budget() {
        let mut conn = migrated_sqlite();
        let cache = PageCache::default();
        let big = Bytes::from(vec![b'x'; BUDGET / 4 + 1]);
        let page = get_now(&cache, &mut conn, None, &request(1, None), || big.clone());
        assert_eq!(
            page.len(),
            big.len(),
            "a page too big to keep is still served"
        );
        assert_eq!(cache.size(), (0, 0), "but not kept");
        let page = Bytes::from(vec![b'y'; 64 << 10]);
        for n in 0..200 {
            let name = format!("author-{n}");
            get_now(&cache, &mut conn, None, &request(20, Some(&name)), || {
                page.clone()
            });
            let (pages, bytes) = cache.size();
            assert!(bytes <= BUDGET, "{bytes} bytes kept after {n} pages");
            assert!(pages >= 1);
        }
    }

    #[test]
    fn a_signed_in_viewers_page_is_theirs_alone() {
        let mut conn = migrated_sqlite();
        let cache = PageCache::default();
        let r = request(20, None);
        let mut get = |viewer: Option<i32>, rendered: &'static str| {
            get_now(&cache, &mut conn, viewer, &r, || Bytes::from(rendered))
        };
        assert_eq!(get(Some(1), "alice's"), "alice's");
        assert_eq!(get(Some(2), "bob's"), "bob's", "not alice's page");
        assert_eq!(get(None, "anyone's"), "anyone's", "not a viewer's page");
        // Each kept under its viewer.
        assert_eq!(get(Some(1), "rendered again"), "alice's");
        assert_eq!(get(Some(2), "rendered again"), "bob's");
        assert_eq!(get(None, "rendered again"), "anyone's");
        // A change to the posts: every viewer's page is rendered again.
        bump(&mut conn, "UPDATE posts_version SET version = version + 1");
        let mut get = |viewer: Option<i32>, rendered: &'static str| {
            get_now(&cache, &mut conn, viewer, &r, || Bytes::from(rendered))
        };
        assert_eq!(get(Some(1), "alice's new"), "alice's new");
        assert_eq!(get(None, "anyone's new"), "anyone's new");
    }
}
