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

#[derive(Serialize, utoipa::ToSchema)]
pub struct AuthorBody {
    pub id: i32,
    pub username: String,
}

#[derive(Serialize, utoipa::ToSchema)]
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

#[derive(Serialize, utoipa::ToSchema)]
pub struct PageJson {
    pub items: Vec<PostJson>,
    pub next_cursor: Option<String>,
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// Page size, 1 to 100 (default 20).
    #[param(value_type = Option<i64>, minimum = 1, maximum = 100)]
    pub limit: Option<String>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// Only this author's posts (a username).
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
#[utoipa::path(
    get,
    path = "/api/posts",
    tag = "posts",
    params(crate::routes::api::posts::ListParams),
    responses(
        (status = 200, description = "A page of visible posts, newest first", body = crate::routes::api::posts::PageJson),
        (status = 401, description = "A token was sent and is not valid", body = crate::routes::api::openapi::Problem, content_type = "application/problem+json"),
        (status = 422, description = "Bad limit or cursor", body = crate::routes::api::openapi::ValidationProblem, content_type = "application/problem+json")
    ),
    security((), ("bearer" = []), ("oauth2" = []))
)]
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
#[utoipa::path(
    post,
    path = "/api/posts",
    tag = "posts",
    request_body = crate::routes::api::openapi::NewPost,
    responses(
        (status = 201, description = "Created", body = crate::routes::api::posts::PostJson, headers(("Location" = String, description = "The new post"))),
        (status = 401, description = "Missing, invalid, expired or revoked token", body = crate::routes::api::openapi::Problem, content_type = "application/problem+json"),
        (status = 403, description = "A cookie-authenticated write without a valid CSRF token", body = crate::routes::api::openapi::Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = crate::routes::api::openapi::ValidationProblem, content_type = "application/problem+json"),
        (status = 400, description = "The body is not valid JSON", body = crate::routes::api::openapi::Problem, content_type = "application/problem+json"),
        (status = 413, description = "The body is larger than 64 KiB", body = crate::routes::api::openapi::Problem, content_type = "application/problem+json"),
        (status = 415, description = "The body is not JSON", body = crate::routes::api::openapi::Problem, content_type = "application/problem+json")
    ),
    security(("bearer" = []), ("oauth2" = []))
)]
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
#[utoipa::path(
    get,
    path = "/api/posts/{id}",
    tag = "posts",
    params(("id" = i32, Path, description = "Post id")),
    responses(
        (status = 200, description = "The post", body = crate::routes::api::posts::PostJson),
        (status = 401, description = "A token was sent and is not valid", body = crate::routes::api::openapi::Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such post, or someone else's private post", body = crate::routes::api::openapi::Problem, content_type = "application/problem+json")
    ),
    security((), ("bearer" = []), ("oauth2" = []))
)]
pub async fn show(
    state: web::Data<AppState>,
    viewer: MaybeUser,
    path: web::Path<i32>,
) -> Result<HttpResponse, AppError> {
    let post = find_visible(&state, path.into_inner(), viewer.user_id()).await?;
    Ok(HttpResponse::Ok().json(PostJson::from(post)))
}

/// `PATCH /api/posts/{id}`: partial `{title?, body?, visibility?}`, owner only.
#[utoipa::path(
    patch,
    path = "/api/posts/{id}",
    tag = "posts",
    params(("id" = i32, Path, description = "Post id")), request_body = crate::routes::api::openapi::PostPatch,
    responses(
        (status = 200, description = "The updated post", body = crate::routes::api::posts::PostJson),
        (status = 401, description = "Missing, invalid, expired or revoked token", body = crate::routes::api::openapi::Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not the author (or a missing CSRF token)", body = crate::routes::api::openapi::Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such post the caller can see", body = crate::routes::api::openapi::Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = crate::routes::api::openapi::ValidationProblem, content_type = "application/problem+json"),
        (status = 400, description = "The body is not valid JSON", body = crate::routes::api::openapi::Problem, content_type = "application/problem+json"),
        (status = 413, description = "The body is larger than 64 KiB", body = crate::routes::api::openapi::Problem, content_type = "application/problem+json"),
        (status = 415, description = "The body is not JSON", body = crate::routes::api::openapi::Problem, content_type = "application/problem+json")
    ),
    security(("bearer" = []), ("oauth2" = []))
)]
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
#[utoipa::path(
    delete,
    path = "/api/posts/{id}",
    tag = "posts",
    params(("id" = i32, Path, description = "Post id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, description = "Missing, invalid, expired or revoked token", body = crate::routes::api::openapi::Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not the author (or a missing CSRF token)", body = crate::routes::api::openapi::Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such post the caller can see", body = crate::routes::api::openapi::Problem, content_type = "application/problem+json")
    ),
    security(("bearer" = []), ("oauth2" = []))
)]
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
