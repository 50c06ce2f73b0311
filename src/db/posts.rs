//! Posts: the row type, their author, and the page queries.

use diesel::prelude::*;
use time::PrimitiveDateTime;

use super::read::ReadConn;
use super::schema::{posts, users};
use super::stored_time::StoredTime;
use super::users::User;
use super::DbConnection;
use crate::domain::{NewPost, PageRequest, PostBody, PostTitle, Visibility};
use crate::error::AppError;

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = posts)]
pub struct Post {
    pub id: i32,
    pub author_id: i32,
    pub title: String,
    pub body: String,
    pub visibility: String,
    #[diesel(deserialize_as = StoredTime)]
    pub created_at: PrimitiveDateTime,
    #[diesel(deserialize_as = StoredTime)]
    pub updated_at: PrimitiveDateTime,
}

/// A post with its author's name, loaded in the same query.
#[derive(Debug, Clone, Queryable)]
pub struct PostWithAuthor {
    pub post: Post,
    pub author_username: String,
}

/// Why a post cannot be changed by someone.
#[derive(Debug, thiserror::Error)]
pub enum PostAccessError {
    /// No such post, or someone else's private post: the same answer for both.
    #[error("no such post")]
    NotFound,
    /// Visible to them, but not theirs.
    #[error("only the author can change this post")]
    NotAuthor,
    #[error(transparent)]
    Db(#[from] diesel::result::Error),
}

/// How both faces answer it: 404, or 403 for someone else's post.
impl From<PostAccessError> for AppError {
    fn from(e: PostAccessError) -> Self {
        use PostAccessError as E;
        match e {
            E::NotFound => AppError::NotFound,
            E::NotAuthor => AppError::Forbidden("Only the author can change this post.".into()),
            E::Db(e) => e.into(),
        }
    }
}

#[derive(Insertable)]
#[diesel(table_name = posts)]
struct NewPostRow<'a> {
    author_id: i32,
    title: &'a str,
    body: &'a str,
    visibility: &'a str,
    created_at: PrimitiveDateTime,
    updated_at: PrimitiveDateTime,
}

/// A partial update: `None` leaves a field as it is.
#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = posts)]
pub struct PostChanges {
    pub title: Option<String>,
    pub body: Option<String>,
    pub visibility: Option<String>,
}

impl PostChanges {
    pub fn new(
        title: Option<PostTitle>,
        body: Option<PostBody>,
        visibility: Option<Visibility>,
    ) -> Self {
        Self {
            title: title.map(|t| t.as_str().to_string()),
            body: body.map(|b| b.as_str().to_string()),
            visibility: visibility.map(|v| v.as_str().to_string()),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.title.is_none() && self.body.is_none() && self.visibility.is_none()
    }
}

/// Which posts a page shows.
#[derive(Debug, Clone, Copy)]
pub struct PageQuery {
    /// The signed-in viewer, who also sees their own private posts.
    pub viewer: Option<i32>,
    /// Only this author's posts.
    pub author_id: Option<i32>,
    /// Keyset position: only posts with a smaller id (older) than this.
    pub before_id: Option<i32>,
    pub limit: i64,
}

impl Post {
    pub fn visibility(&self) -> Visibility {
        Visibility::parse(&self.visibility).unwrap_or(Visibility::Private)
    }

    pub fn visible_to(&self, viewer: Option<i32>) -> bool {
        self.visibility() == Visibility::Public || Some(self.author_id) == viewer
    }

    /// Stores a new post and returns it with its author's name.
    pub fn create(
        conn: &mut DbConnection,
        author_id: i32,
        new: &NewPost,
    ) -> QueryResult<PostWithAuthor> {
        let now = super::now();
        let post = diesel::insert_into(posts::table)
            .values(&NewPostRow {
                author_id,
                title: new.title.as_str(),
                body: new.body.as_str(),
                visibility: new.visibility.as_str(),
                created_at: now,
                updated_at: now,
            })
            .returning(posts::all_columns)
            .get_result::<Post>(conn)?;
        let author_username = users::table
            .find(author_id)
            .select(users::username)
            .first(conn)?;
        Ok(PostWithAuthor {
            post,
            author_username,
        })
    }

    /// A post the viewer may see; someone else's private post is `None`, like a missing one.
    pub fn find_visible(
        conn: &mut DbConnection,
        id: i32,
        viewer: Option<i32>,
    ) -> QueryResult<Option<PostWithAuthor>> {
        Ok(Self::find_with_author(conn, id)?.filter(|p| p.post.visible_to(viewer)))
    }

    /// A post `user_id` may change: not found when they cannot see it, refused when they can
    /// but it is not theirs.
    pub fn find_owned(
        conn: &mut DbConnection,
        id: i32,
        user_id: i32,
    ) -> Result<PostWithAuthor, PostAccessError> {
        let post = Self::find_visible(conn, id, Some(user_id))?.ok_or(PostAccessError::NotFound)?;
        if post.post.author_id != user_id {
            return Err(PostAccessError::NotAuthor);
        }
        Ok(post)
    }

    /// Applies `changes` to a post of `user_id`'s and returns it as it now is.
    pub fn update_owned(
        conn: &mut DbConnection,
        id: i32,
        user_id: i32,
        changes: &PostChanges,
    ) -> Result<PostWithAuthor, PostAccessError> {
        let mut post = Self::find_owned(conn, id, user_id)?;
        post.post = Self::update(conn, id, changes)?;
        Ok(post)
    }

    /// Deletes a post of `user_id`'s.
    pub fn delete_owned(
        conn: &mut DbConnection,
        id: i32,
        user_id: i32,
    ) -> Result<(), PostAccessError> {
        Self::find_owned(conn, id, user_id)?;
        diesel::delete(posts::table.find(id)).execute(conn)?;
        Ok(())
    }

    /// One page of the posts `viewer` may see, as `request` asks (an unknown author has none),
    /// and the cursor of the next page, signed with `cursor_key`, when there is one.
    pub async fn visible_page(
        conn: &mut ReadConn<'_>,
        viewer: Option<i32>,
        request: &PageRequest,
        cursor_key: &[u8; 32],
    ) -> QueryResult<(Vec<PostWithAuthor>, Option<String>)> {
        let author_id = match &request.author {
            Some(name) => match User::id_by_username(conn, name).await? {
                Some(id) => Some(id),
                None => return Ok((Vec::new(), None)),
            },
            None => None,
        };
        let rows = Self::page(
            conn,
            PageQuery {
                viewer,
                author_id,
                before_id: request.before_id,
                limit: request.limit,
            },
        )
        .await?;
        Ok(request.finish(rows, cursor_key, |p| p.post.id))
    }

    /// One post with its author, whoever may see it (callers check visibility).
    pub fn find_with_author(
        conn: &mut DbConnection,
        id: i32,
    ) -> QueryResult<Option<PostWithAuthor>> {
        posts::table
            .inner_join(users::table)
            .filter(posts::id.eq(id))
            .select((Post::as_select(), users::username))
            .first::<(Post, String)>(conn)
            .optional()
            .map(|row| {
                row.map(|(post, author_username)| PostWithAuthor {
                    post,
                    author_username,
                })
            })
    }

    /// Newest first, keyset-paginated on id, author names joined in (no query per row).
    /// Loads `limit + 1` rows so the caller knows whether another page follows.
    ///
    /// Each query is one index range read newest first and stops after `limit + 1` rows, so a
    /// page costs the same at the first post and the millionth. "Public or the viewer's own"
    /// is asked as two such reads merged here (at most `2 × (limit + 1)` rows), not as one
    /// `OR`: no single index yields that set in id order, and SQLite answers the `OR` by
    /// collecting every matching row and sorting it (over a second at a million posts).
    pub async fn page(conn: &mut ReadConn<'_>, q: PageQuery) -> QueryResult<Vec<PostWithAuthor>> {
        let fetch = q.limit + 1;
        let before = q.before_id;
        match (q.author_id, q.viewer) {
            (Some(author), Some(viewer)) if author == viewer => {
                Self::page_of(conn, PageScope::Author(author), before, fetch).await
            }
            (Some(author), _) => {
                Self::page_of(conn, PageScope::AuthorPublic(author), before, fetch).await
            }
            (None, None) => Self::page_of(conn, PageScope::Public, before, fetch).await,
            (None, Some(viewer)) => {
                let public = Self::page_of(conn, PageScope::Public, before, fetch).await?;
                let own_private =
                    Self::page_of(conn, PageScope::AuthorPrivate(viewer), before, fetch).await?;
                Ok(merge_newest_first(public, own_private, fetch as usize))
            }
        }
    }

    /// One page read: the scope's posts older than `before_id`, newest first.
    async fn page_of(
        conn: &mut ReadConn<'_>,
        scope: PageScope,
        before_id: Option<i32>,
        fetch: i64,
    ) -> QueryResult<Vec<PostWithAuthor>> {
        let public = Visibility::Public.as_str();
        let private = Visibility::Private.as_str();
        // Ids are SERIAL and stop below i32::MAX, so "before i32::MAX" is "from the newest".
        // One query shape per scope, none boxed, each run on a concrete connection: so every
        // page query is a prepared statement from the connection's cache.
        let bound = before_id.unwrap_or(i32::MAX);
        // A macro, not a closure: `as_select` takes its backend from each arm's connection.
        macro_rules! base {
            () => {
                posts::table
                    .inner_join(users::table)
                    .select((Post::as_select(), users::username))
                    .filter(posts::id.lt(bound))
                    .order(posts::id.desc())
                    .limit(fetch)
            };
        }
        // The scope's query, loaded on whichever connection `conn` is.
        macro_rules! load {
            ($query:expr) => {
                super::read::read_load!(conn, (Post, String), $query)?
            };
        }
        let rows = match scope {
            PageScope::Public => load!(base!().filter(posts::visibility.eq(public))),
            PageScope::Author(author) => load!(base!().filter(posts::author_id.eq(author))),
            PageScope::AuthorPublic(author) | PageScope::AuthorPrivate(author) => {
                let visibility = if matches!(scope, PageScope::AuthorPublic(_)) {
                    public
                } else {
                    private
                };
                load!(base!()
                    .filter(posts::author_id.eq(author))
                    .filter(posts::visibility.eq(visibility)))
            }
        };
        Ok(rows
            .into_iter()
            .map(|(post, author_username)| PostWithAuthor {
                post,
                author_username,
            })
            .collect())
    }

    fn update(conn: &mut DbConnection, id: i32, changes: &PostChanges) -> QueryResult<Post> {
        if changes.is_empty() {
            return posts::table.find(id).select(Post::as_select()).first(conn);
        }
        diesel::update(posts::table.find(id))
            .set((changes, posts::updated_at.eq(super::now())))
            .returning(posts::all_columns)
            .get_result::<Post>(conn)
    }
}

/// Which posts one page read covers.
#[derive(Debug, Clone, Copy)]
enum PageScope {
    Public,
    /// All of an author's posts: their own page, seen by themselves.
    Author(i32),
    AuthorPublic(i32),
    AuthorPrivate(i32),
}

/// Merges two lists that are each newest first (descending ids, no id in both) and keeps
/// the newest `keep`.
fn merge_newest_first(
    a: Vec<PostWithAuthor>,
    b: Vec<PostWithAuthor>,
    keep: usize,
) -> Vec<PostWithAuthor> {
    let mut out = Vec::with_capacity(keep.min(a.len() + b.len()));
    let (mut a, mut b) = (a.into_iter().peekable(), b.into_iter().peekable());
    while out.len() < keep {
        let take_a = match (a.peek(), b.peek()) {
            (Some(x), Some(y)) => x.post.id > y.post.id,
            (Some(_), None) => true,
            (None, Some(_)) => false,
            (None, None) => break,
        };
        out.extend(if take_a { a.next() } else { b.next() });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(id: i32) -> PostWithAuthor {
        let t = time::macros::datetime!(2026-01-01 0:00);
        PostWithAuthor {
            post: Post {
                id,
                author_id: 1,
                title: String::new(),
                body: String::new(),
                visibility: String::new(),
                created_at: t,
                updated_at: t,
            },
            author_username: String::new(),
        }
    }

    fn ids(rows: &[PostWithAuthor]) -> Vec<i32> {
        rows.iter().map(|r| r.post.id).collect()
    }

    #[test]
    fn merge_keeps_the_newest_of_both() {
        let a = || vec![row(9), row(7), row(4), row(1)];
        let b = || vec![row(8), row(3), row(2)];
        assert_eq!(ids(&merge_newest_first(a(), b(), 5)), [9, 8, 7, 4, 3]);
        assert_eq!(
            ids(&merge_newest_first(a(), b(), 10)),
            [9, 8, 7, 4, 3, 2, 1]
        );
        assert_eq!(ids(&merge_newest_first(a(), Vec::new(), 2)), [9, 7]);
        assert_eq!(ids(&merge_newest_first(Vec::new(), b(), 2)), [8, 3]);
        assert!(merge_newest_first(Vec::new(), Vec::new(), 3).is_empty());
    }
}
