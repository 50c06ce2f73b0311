//! Posts: the row type, their author, and the page queries.

use diesel::prelude::*;
use time::PrimitiveDateTime;

use super::schema::{posts, users};
use super::users::User;
use super::DbConnection;
use crate::domain::{PostBody, PostTitle, Visibility};

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = posts)]
pub struct Post {
    pub id: i32,
    pub author_id: i32,
    pub title: String,
    pub body: String,
    pub visibility: String,
    pub created_at: PrimitiveDateTime,
    pub updated_at: PrimitiveDateTime,
}

/// A post with its author's name, loaded in the same query.
#[derive(Debug, Clone, Queryable)]
pub struct PostWithAuthor {
    pub post: Post,
    pub author_username: String,
}

#[derive(Insertable)]
#[diesel(table_name = posts)]
struct NewPost<'a> {
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

    pub fn create(
        conn: &mut DbConnection,
        author_id: i32,
        title: &PostTitle,
        body: &PostBody,
        visibility: Visibility,
    ) -> QueryResult<Post> {
        let now = super::now();
        diesel::insert_into(posts::table)
            .values(&NewPost {
                author_id,
                title: title.as_str(),
                body: body.as_str(),
                visibility: visibility.as_str(),
                created_at: now,
                updated_at: now,
            })
            .returning(posts::all_columns)
            .get_result::<Post>(conn)
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

    /// Newest first, keyset-paginated on id, author names joined in: one query per page.
    /// Loads `limit + 1` rows so the caller knows whether another page follows.
    pub fn page(conn: &mut DbConnection, q: PageQuery) -> QueryResult<Vec<PostWithAuthor>> {
        let mut query = posts::table
            .inner_join(users::table)
            .select((Post::as_select(), users::username))
            .order(posts::id.desc())
            .limit(q.limit + 1)
            .into_boxed();
        query = match q.viewer {
            Some(viewer) => query.filter(
                posts::visibility
                    .eq(Visibility::Public.as_str())
                    .or(posts::author_id.eq(viewer)),
            ),
            None => query.filter(posts::visibility.eq(Visibility::Public.as_str())),
        };
        if let Some(author) = q.author_id {
            query = query.filter(posts::author_id.eq(author));
        }
        if let Some(before) = q.before_id {
            query = query.filter(posts::id.lt(before));
        }
        Ok(query
            .load::<(Post, String)>(conn)?
            .into_iter()
            .map(|(post, author_username)| PostWithAuthor {
                post,
                author_username,
            })
            .collect())
    }

    pub fn update(conn: &mut DbConnection, id: i32, changes: &PostChanges) -> QueryResult<Post> {
        if changes.is_empty() {
            return posts::table.find(id).select(Post::as_select()).first(conn);
        }
        diesel::update(posts::table.find(id))
            .set((changes, posts::updated_at.eq(super::now())))
            .returning(posts::all_columns)
            .get_result::<Post>(conn)
    }

    pub fn delete(conn: &mut DbConnection, id: i32) -> QueryResult<usize> {
        diesel::delete(posts::table.find(id)).execute(conn)
    }
}

/// The author filter of a page: the user's id, or `None` when no such user exists.
pub fn author_id_by_username(conn: &mut DbConnection, username: &str) -> QueryResult<Option<i32>> {
    Ok(User::find_by_username(conn, username)?.map(|u| u.id))
}
