//! `/api/posts`: visible posts (optional auth), and owner-only changes.

use actix_web::http::header;
use actix_web::{web, HttpResponse};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use time::OffsetDateTime;

use super::body::Fields;
use crate::auth::extract::{AuthUser, MaybeUser};
use crate::db::posts::{self, PageQuery, Post, PostChanges, PostWithAuthor};
use crate::domain::{cursor, PostBody, PostTitle, Visibility};
use crate::error::{AppError, FieldErrors};
use crate::startup::AppState;

pub const DEFAULT_LIMIT: i64 = 20;
pub const MAX_LIMIT: i64 = 100;

#[derive(Serialize)]
pub struct AuthorBody {
    pub id: i32,
    pub username: String,
}

#[derive(Serialize)]
pub struct PostJson {
    pub id: i32,
    pub author: AuthorBody,
    pub title: String,
    pub body: String,
    pub visibility: Visibility,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
}

impl From<PostWithAuthor> for PostJson {
    fn from(p: PostWithAuthor) -> Self {
        let visibility = p.post.visibility();
        Self {
            id: p.post.id,
            author: AuthorBody {
                id: p.post.author_id,
                username: p.author_username,
            },
            title: p.post.title,
            body: p.post.body,
            visibility,
            created_at: crate::db::to_utc(p.post.created_at),
            updated_at: crate::db::to_utc(p.post.updated_at),
        }
    }
}

#[derive(Serialize)]
pub struct PageJson {
    pub items: Vec<PostJson>,
    pub next_cursor: Option<String>,
}

#[derive(Deserialize)]
pub struct ListParams {
    pub limit: Option<String>,
    pub cursor: Option<String>,
    pub author: Option<String>,
}

/// A page request parsed: limit 1–100 (default 20), a cursor this server issued, an author.
pub struct PageRequest {
    pub limit: i64,
    pub before_id: Option<i32>,
    pub author: Option<String>,
}

impl PageRequest {
    pub fn parse(params: &ListParams, cursor_key: &[u8; 32]) -> Result<Self, AppError> {
        let mut errors = FieldErrors::new();
        let limit = match params.limit.as_deref().map(str::trim) {
            None | Some("") => Some(DEFAULT_LIMIT),
            Some(raw) => errors.take(
                "limit",
                raw.parse::<i64>()
                    .ok()
                    .filter(|n| (1..=MAX_LIMIT).contains(n))
                    .ok_or_else(|| format!("limit must be a whole number from 1 to {MAX_LIMIT}.")),
            ),
        };
        let before_id = match params.cursor.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(raw) => errors.take("cursor", cursor::decode(cursor_key, raw)),
        };
        errors.into_result()?;
        Ok(Self {
            limit: limit.unwrap_or(DEFAULT_LIMIT),
            before_id,
            author: params
                .author
                .as_deref()
                .map(str::trim)
                .filter(|a| !a.is_empty())
                .map(str::to_string),
        })
    }
}

/// Loads one page of the posts `viewer` may see, and the cursor of the next page.
pub async fn load_page(
    state: &AppState,
    viewer: Option<i32>,
    request: PageRequest,
) -> Result<(Vec<PostWithAuthor>, Option<String>), AppError> {
    let limit = request.limit;
    let mut rows = state
        .db
        .run(move |conn| {
            let author_id = match &request.author {
                Some(name) => match posts::author_id_by_username(conn, name)? {
                    Some(id) => Some(id),
                    None => return Ok(Vec::new()),
                },
                None => None,
            };
            Ok(Post::page(
                conn,
                PageQuery {
                    viewer,
                    author_id,
                    before_id: request.before_id,
                    limit,
                },
            )?)
        })
        .await?;
    let next = if rows.len() as i64 > limit {
        rows.truncate(limit as usize);
        rows.last()
            .map(|last| cursor::encode(&state.cursor_key, last.post.id))
    } else {
        None
    };
    Ok((rows, next))
}

/// `GET /api/posts?limit=&cursor=&author=`.
pub async fn list(
    state: web::Data<AppState>,
    viewer: MaybeUser,
    params: web::Query<ListParams>,
) -> Result<HttpResponse, AppError> {
    let request = PageRequest::parse(&params, &state.cursor_key)?;
    let (rows, next_cursor) = load_page(&state, viewer.user_id(), request).await?;
    Ok(HttpResponse::Ok().json(PageJson {
        items: rows.into_iter().map(PostJson::from).collect(),
        next_cursor,
    }))
}

/// Parsed fields of a new post.
pub struct NewPostInput {
    pub title: PostTitle,
    pub body: PostBody,
    pub visibility: Visibility,
}

/// `POST /api/posts`: `{title, body, visibility}` (visibility defaults to public) → 201.
pub async fn create(
    state: web::Data<AppState>,
    AuthUser(auth): AuthUser,
    body: web::Json<Map<String, Value>>,
) -> Result<HttpResponse, AppError> {
    let mut f = Fields::new(body.into_inner());
    let title = f.required("title");
    let title = f.parse("title", title, PostTitle::parse);
    let text = f.required("body");
    let text = f.parse("body", text, PostBody::parse);
    let visibility = f.optional("visibility");
    let visibility = match visibility {
        None => Some(Visibility::Public),
        raw => f.parse("visibility", raw, Visibility::parse),
    };
    f.errors.into_result()?;
    let (Some(title), Some(body), Some(visibility)) = (title, text, visibility) else {
        return Err(AppError::internal("validated fields are missing"));
    };
    let post = create_post(
        &state,
        auth.user.id,
        NewPostInput {
            title,
            body,
            visibility,
        },
    )
    .await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/posts/{}", post.post.id)))
        .json(PostJson::from(post)))
}

pub async fn create_post(
    state: &AppState,
    author_id: i32,
    input: NewPostInput,
) -> Result<PostWithAuthor, AppError> {
    state
        .db
        .run(move |conn| {
            let post = Post::create(conn, author_id, &input.title, &input.body, input.visibility)?;
            Post::find_with_author(conn, post.id)?.ok_or(AppError::NotFound)
        })
        .await
}

/// Loads a post the viewer may see; someone else's private post is the same 404 as a
/// missing one.
pub async fn find_visible(
    state: &AppState,
    id: i32,
    viewer: Option<i32>,
) -> Result<PostWithAuthor, AppError> {
    let post = state
        .db
        .run(move |conn| Ok(Post::find_with_author(conn, id)?))
        .await?
        .ok_or(AppError::NotFound)?;
    if !post.post.visible_to(viewer) {
        return Err(AppError::NotFound);
    }
    Ok(post)
}

/// Loads a post for a change by `user_id`: 404 when they cannot see it, 403 when they can
/// but it is not theirs.
pub async fn find_owned(
    state: &AppState,
    id: i32,
    user_id: i32,
) -> Result<PostWithAuthor, AppError> {
    let post = find_visible(state, id, Some(user_id)).await?;
    if post.post.author_id != user_id {
        return Err(AppError::Forbidden(
            "Only the author can change this post.".into(),
        ));
    }
    Ok(post)
}

/// `GET /api/posts/{id}`.
pub async fn show(
    state: web::Data<AppState>,
    viewer: MaybeUser,
    path: web::Path<i32>,
) -> Result<HttpResponse, AppError> {
    let post = find_visible(&state, path.into_inner(), viewer.user_id()).await?;
    Ok(HttpResponse::Ok().json(PostJson::from(post)))
}

/// `PATCH /api/posts/{id}`: partial `{title?, body?, visibility?}`, owner only.
pub async fn update(
    state: web::Data<AppState>,
    AuthUser(auth): AuthUser,
    path: web::Path<i32>,
    body: web::Json<Map<String, Value>>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let mut f = Fields::new(body.into_inner());
    let title = f.optional("title");
    let title = f.parse("title", title, PostTitle::parse);
    let text = f.optional("body");
    let text = f.parse("body", text, PostBody::parse);
    let visibility = f.optional("visibility");
    let visibility = f.parse("visibility", visibility, Visibility::parse);
    f.errors.into_result()?;
    find_owned(&state, id, auth.user.id).await?;
    let changes = PostChanges::new(title, text, visibility);
    let post = state
        .db
        .run(move |conn| {
            Post::update(conn, id, &changes)?;
            Post::find_with_author(conn, id)?.ok_or(AppError::NotFound)
        })
        .await?;
    Ok(HttpResponse::Ok().json(PostJson::from(post)))
}

/// `DELETE /api/posts/{id}`: owner only → 204.
pub async fn delete(
    state: web::Data<AppState>,
    AuthUser(auth): AuthUser,
    path: web::Path<i32>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    find_owned(&state, id, auth.user.id).await?;
    state
        .db
        .run(move |conn| Ok(Post::delete(conn, id)?))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
