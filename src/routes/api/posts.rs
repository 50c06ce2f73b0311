//! `/api/posts`: visible posts (optional auth), and owner-only changes.

use actix_web::http::header::{self, ContentType};
use actix_web::web::{self, Bytes};
use actix_web::HttpResponse;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::ToSchema;

use super::responses::{BodyErrors, WriteErrors};
use crate::auth::scoped::{MaybeScoped, PostsRead, PostsWrite, Scoped};
use crate::db::posts::{Post, PostChanges, PostWithAuthor};
use crate::db::read::ReadConn;
use crate::domain::{
    NewPost, NewPostRequest, PageParams, PageRequest, PostBody, PostTitle, Visibility,
};
use crate::error::{AppError, FieldErrors, Problem};
use crate::http::body::{Field, JsonBody, Null};
use crate::state::AppState;

#[derive(Serialize, ToSchema)]
pub struct AuthorBody {
    pub id: i32,
    pub username: String,
}

#[derive(Serialize, ToSchema)]
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

#[derive(Serialize, ToSchema)]
pub struct PageJson {
    pub items: Vec<PostJson>,
    pub next_cursor: Option<String>,
}

/// Lists the posts the caller may see, newest first, paged.
#[utoipa::path(
    get,
    path = "/api/posts",
    tag = "posts",
    params(PageParams),
    responses(
        (status = 200, description = "A page of visible posts, newest first", body = PageJson),
        (status = 401, description = "A token was sent and is not valid", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Bad limit or cursor", body = Problem, content_type = "application/problem+json")
    ),
    security((), ("bearer" = []), ("oauth2" = ["posts:read"]))
)]
pub async fn list(
    state: web::Data<AppState>,
    viewer: MaybeScoped<PostsRead>,
    params: web::Query<PageParams>,
) -> Result<HttpResponse, AppError> {
    let request = PageRequest::parse(&params, &state.cursor_key)?;
    let key = state.cursor_key;
    // Kept while the posts version holds: the same for every anonymous reader, and each
    // signed-in viewer's own (with their private posts) under their id.
    let viewer = viewer.user_id();
    let pages = state.post_pages.clone();
    let page = state
        .db
        .read(async move |conn| {
            pages
                .get_or_render(conn, viewer, &request, async |conn| {
                    render(conn, viewer, &request, &key).await
                })
                .await
        })
        .await?;
    Ok(HttpResponse::Ok()
        .content_type(ContentType::json())
        .body(page))
}

/// One page of the posts `viewer` may see, as JSON.
async fn render(
    conn: &mut ReadConn<'_>,
    viewer: Option<i32>,
    request: &PageRequest,
    cursor_key: &[u8; 32],
) -> Result<Bytes, AppError> {
    let (rows, next_cursor) = Post::visible_page(conn, viewer, request, cursor_key).await?;
    let page = PageJson {
        items: rows.into_iter().map(PostJson::from).collect(),
        next_cursor,
    };
    Ok(serde_json::to_vec(&page)
        .map_err(AppError::internal)?
        .into())
}

/// Creates a post: `{title, body, visibility}` → 201.
///
/// `visibility` defaults to public.
#[utoipa::path(
    post,
    path = "/api/posts",
    tag = "posts",
    request_body = NewPostRequest,
    responses(
        (status = 201, description = "Created", body = PostJson, headers(("Location" = String, description = "The new post"))),
        WriteErrors,
        BodyErrors
    ),
    security(("bearer" = []), ("oauth2" = ["posts:write"]))
)]
pub async fn create(
    state: web::Data<AppState>,
    Scoped(caller, _): Scoped<PostsWrite>,
    JsonBody(body): JsonBody<NewPostRequest>,
) -> Result<HttpResponse, AppError> {
    let new = NewPost::try_from(body)?;
    let author = caller.user().id;
    let post = state
        .db
        .run(move |conn| Ok(Post::create(conn, author, &new)?))
        .await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/posts/{}", post.post.id)))
        .json(PostJson::from(post)))
}

/// One post; another user's private post is a 404.
#[utoipa::path(
    get,
    path = "/api/posts/{id}",
    tag = "posts",
    params(("id" = i32, Path, description = "Post id")),
    responses(
        (status = 200, description = "The post", body = PostJson),
        (status = 401, description = "A token was sent and is not valid", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such post, or someone else's private post", body = Problem, content_type = "application/problem+json")
    ),
    security((), ("bearer" = []), ("oauth2" = ["posts:read"]))
)]
pub async fn show(
    state: web::Data<AppState>,
    viewer: MaybeScoped<PostsRead>,
    path: web::Path<i32>,
) -> Result<HttpResponse, AppError> {
    let (id, viewer) = (path.into_inner(), viewer.user_id());
    let post = state
        .db
        .run(move |conn| Post::find_visible(conn, id, viewer)?.ok_or(AppError::NotFound))
        .await?;
    Ok(HttpResponse::Ok().json(PostJson::from(post)))
}

/// `PATCH /api/posts/{id}`: any subset of the fields; a field that is present must be valid.
#[derive(Deserialize, ToSchema)]
pub struct PostPatchRequest {
    #[schema(value_type = String, min_length = 1, max_length = 200)]
    #[serde(default)]
    pub title: Field,
    #[schema(value_type = String, min_length = 1, max_length = 20000)]
    #[serde(default)]
    pub body: Field,
    #[schema(value_type = Visibility)]
    #[serde(default)]
    pub visibility: Field,
}

impl TryFrom<PostPatchRequest> for PostChanges {
    type Error = FieldErrors;

    fn try_from(r: PostPatchRequest) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        let title = r
            .title
            .optional("title", &mut errors, Null::Refused, PostTitle::parse);
        let body = r
            .body
            .optional("body", &mut errors, Null::Refused, PostBody::parse);
        let visibility =
            r.visibility
                .optional("visibility", &mut errors, Null::Refused, Visibility::parse);
        errors.finish(|| Some(PostChanges::new(title?, body?, visibility?)))
    }
}

/// Edits a post (owner only): partial `{title?, body?, visibility?}`.
#[utoipa::path(
    patch,
    path = "/api/posts/{id}",
    tag = "posts",
    params(("id" = i32, Path, description = "Post id")),
    request_body = PostPatchRequest,
    responses(
        (status = 200, description = "The updated post", body = PostJson),
        (status = 403, description = "Not the author (or a missing CSRF token)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such post the caller can see", body = Problem, content_type = "application/problem+json"),
        WriteErrors,
        BodyErrors
    ),
    security(("bearer" = []), ("oauth2" = ["posts:write"]))
)]
pub async fn update(
    state: web::Data<AppState>,
    Scoped(caller, _): Scoped<PostsWrite>,
    path: web::Path<i32>,
    JsonBody(body): JsonBody<PostPatchRequest>,
) -> Result<HttpResponse, AppError> {
    let (id, user) = (path.into_inner(), caller.user().id);
    let changes = PostChanges::try_from(body)?;
    let post = state
        .db
        .run(move |conn| Ok(Post::update_owned(conn, id, user, &changes)?))
        .await?;
    Ok(HttpResponse::Ok().json(PostJson::from(post)))
}

/// Deletes a post (owner only) → 204.
#[utoipa::path(
    delete,
    path = "/api/posts/{id}",
    tag = "posts",
    params(("id" = i32, Path, description = "Post id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 403, description = "Not the author (or a missing CSRF token)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such post the caller can see", body = Problem, content_type = "application/problem+json"),
        WriteErrors
    ),
    security(("bearer" = []), ("oauth2" = ["posts:write"]))
)]
pub async fn delete(
    state: web::Data<AppState>,
    Scoped(caller, _): Scoped<PostsWrite>,
    path: web::Path<i32>,
) -> Result<HttpResponse, AppError> {
    let (id, user) = (path.into_inner(), caller.user().id);
    state
        .db
        .run(move |conn| Ok(Post::delete_owned(conn, id, user)?))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
