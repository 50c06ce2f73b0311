//! Post pages: show, new, edit, delete. Same parsing and queries as `/api/posts`.

use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use serde::Deserialize;

use super::errors::PageError;
use super::{check_csrf, current_user, flash, render, require_user, see_other, Chrome};
use crate::db::posts::{Post, PostChanges, PostWithAuthor};
use crate::domain::{PostBody, PostTitle, Visibility};
use crate::error::FieldErrors;
use crate::routes::api::posts::{create_post, find_owned, find_visible, NewPostInput};
use crate::startup::AppState;

#[derive(Template)]
#[template(path = "posts/show.html")]
struct ShowPage {
    chrome: Chrome,
    post: PostWithAuthor,
    is_owner: bool,
}

/// `GET /posts/{id}`: another user's private post is the same 404 page as a missing one.
pub async fn show(
    state: web::Data<AppState>,
    req: HttpRequest,
    session: Session,
    path: web::Path<i32>,
) -> Result<HttpResponse, PageError> {
    let viewer = current_user(&req).await;
    let viewer_id = viewer.as_ref().map(|a| a.user.id);
    let post = find_visible(&state, path.into_inner(), viewer_id).await?;
    let page = ShowPage {
        chrome: Chrome::new(&session, post.post.title.clone(), viewer.as_ref()),
        is_owner: viewer_id == Some(post.post.author_id),
        post,
    };
    render(&page, StatusCode::OK)
}

#[derive(Template)]
#[template(path = "posts/form.html")]
struct FormPage {
    chrome: Chrome,
    /// `None` for a new post.
    post_id: Option<i32>,
    title: String,
    body: String,
    visibility: String,
    errors: FieldErrors,
}

#[derive(Deserialize)]
pub struct PostForm {
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub body: String,
    #[serde(default)]
    pub visibility: String,
    #[serde(default)]
    pub csrf_token: String,
}

impl PostForm {
    fn parse(&self) -> Result<NewPostInput, FieldErrors> {
        let mut errors = FieldErrors::new();
        let title = errors.take("title", PostTitle::parse(&self.title));
        let body = errors.take("body", PostBody::parse(&self.body));
        let visibility = errors.take("visibility", Visibility::parse(&self.visibility));
        match (title, body, visibility) {
            (Some(title), Some(body), Some(visibility)) => Ok(NewPostInput {
                title,
                body,
                visibility,
            }),
            _ => Err(errors),
        }
    }

    fn rerender(
        &self,
        session: &Session,
        user: &crate::auth::extract::Authenticated,
        post_id: Option<i32>,
        errors: FieldErrors,
    ) -> Result<HttpResponse, PageError> {
        let page = FormPage {
            chrome: Chrome::new(session, form_title(post_id), Some(user)),
            post_id,
            title: self.title.clone(),
            body: self.body.clone(),
            visibility: self.visibility.clone(),
            errors,
        };
        render(&page, StatusCode::UNPROCESSABLE_ENTITY)
    }
}

fn form_title(post_id: Option<i32>) -> &'static str {
    if post_id.is_some() {
        "Edit post"
    } else {
        "New post"
    }
}

/// `GET /posts/new`.
pub async fn new_form(req: HttpRequest, session: Session) -> Result<HttpResponse, PageError> {
    let user = require_user(&req).await?;
    let page = FormPage {
        chrome: Chrome::new(&session, form_title(None), Some(&user)),
        post_id: None,
        title: String::new(),
        body: String::new(),
        visibility: "public".into(),
        errors: FieldErrors::new(),
    };
    render(&page, StatusCode::OK)
}

/// `POST /posts`.
pub async fn create(
    state: web::Data<AppState>,
    req: HttpRequest,
    session: Session,
    form: web::Form<PostForm>,
) -> Result<HttpResponse, PageError> {
    let user = require_user(&req).await?;
    check_csrf(&session, &form.csrf_token)?;
    let input = match form.parse() {
        Ok(input) => input,
        Err(errors) => return form.rerender(&session, &user, None, errors),
    };
    let post = create_post(&state, user.user.id, input).await?;
    flash(&session, "Post created.");
    Ok(see_other(&format!("/posts/{}", post.post.id)))
}

/// `GET /posts/{id}/edit`: owner only (403 page otherwise).
pub async fn edit_form(
    state: web::Data<AppState>,
    req: HttpRequest,
    session: Session,
    path: web::Path<i32>,
) -> Result<HttpResponse, PageError> {
    let user = require_user(&req).await?;
    let post = find_owned(&state, path.into_inner(), user.user.id).await?;
    let page = FormPage {
        chrome: Chrome::new(&session, form_title(Some(post.post.id)), Some(&user)),
        post_id: Some(post.post.id),
        visibility: post.post.visibility.clone(),
        title: post.post.title,
        body: post.post.body,
        errors: FieldErrors::new(),
    };
    render(&page, StatusCode::OK)
}

/// `POST /posts/{id}/edit`.
pub async fn update(
    state: web::Data<AppState>,
    req: HttpRequest,
    session: Session,
    path: web::Path<i32>,
    form: web::Form<PostForm>,
) -> Result<HttpResponse, PageError> {
    let user = require_user(&req).await?;
    check_csrf(&session, &form.csrf_token)?;
    let id = path.into_inner();
    find_owned(&state, id, user.user.id).await?;
    let input = match form.parse() {
        Ok(input) => input,
        Err(errors) => return form.rerender(&session, &user, Some(id), errors),
    };
    let changes = PostChanges::new(Some(input.title), Some(input.body), Some(input.visibility));
    state
        .db
        .run(move |conn| Ok(Post::update(conn, id, &changes)?))
        .await?;
    flash(&session, "Post updated.");
    Ok(see_other(&format!("/posts/{id}")))
}

#[derive(Deserialize)]
pub struct DeleteForm {
    #[serde(default)]
    pub csrf_token: String,
}

/// `POST /posts/{id}/delete`.
pub async fn delete(
    state: web::Data<AppState>,
    req: HttpRequest,
    session: Session,
    path: web::Path<i32>,
    form: web::Form<DeleteForm>,
) -> Result<HttpResponse, PageError> {
    let user = require_user(&req).await?;
    check_csrf(&session, &form.csrf_token)?;
    let id = path.into_inner();
    find_owned(&state, id, user.user.id).await?;
    state
        .db
        .run(move |conn| Ok(Post::delete(conn, id)?))
        .await?;
    flash(&session, "Post deleted.");
    Ok(see_other("/"))
}
