//! Post pages: show, new, edit, delete. Same parsing and queries as `/api/posts`.

use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use serde::Deserialize;

use crate::auth::extract::Authenticated;
use crate::db::posts::{Post, PostChanges, PostWithAuthor};
use crate::domain::{NewPost, NewPostRequest};
use crate::error::{AppError, FieldErrors};
use crate::http::body::Field;
use crate::routes::web::extract::{Confirm, SignedIn, SignedInForm, Viewer};
use crate::routes::web::layout::{flash, Chrome};
use crate::routes::web::{render, see_other};
use crate::state::AppState;

/// `GET /posts` (typed in the address bar): the list of posts is the home page, so this sends
/// the browser there (303), with the query (`?cursor=`) it came with.
pub async fn index(req: HttpRequest) -> HttpResponse {
    match req.query_string() {
        "" => see_other("/"),
        query => see_other(&format!("/?{query}")),
    }
}

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
    session: Session,
    viewer: Viewer,
    path: web::Path<i32>,
) -> Result<HttpResponse, AppError> {
    let (id, viewer_id) = (path.into_inner(), viewer.0.as_ref().map(|a| a.user.id));
    let post = state
        .db
        .run(move |conn| Post::find_visible(conn, id, viewer_id)?.ok_or(AppError::NotFound))
        .await?;
    let page = ShowPage {
        chrome: Chrome::new(&session, post.post.title.clone(), viewer.0.as_ref()),
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

impl FormPage {
    /// The form for a new post (`post_id` `None`) or an edit, with what is in its fields.
    fn render(
        session: &Session,
        user: &Authenticated,
        post_id: Option<i32>,
        fields: PostForm,
        errors: FieldErrors,
    ) -> Result<HttpResponse, AppError> {
        let title = if post_id.is_some() {
            "Edit post"
        } else {
            "New post"
        };
        let status = if errors.is_empty() {
            StatusCode::OK
        } else {
            StatusCode::UNPROCESSABLE_ENTITY
        };
        let page = FormPage {
            chrome: Chrome::new(session, title, Some(user)),
            post_id,
            title: fields.title,
            body: fields.body,
            visibility: fields.visibility,
            errors,
        };
        render(&page, status)
    }
}

#[derive(Deserialize)]
pub struct PostForm {
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub body: String,
    #[serde(default)]
    pub visibility: String,
}

impl PostForm {
    /// The same rules as `POST /api/posts`, except that the form always names a visibility.
    fn parse(&self) -> Result<NewPost, FieldErrors> {
        NewPost::try_from(NewPostRequest {
            title: Field::Text(self.title.clone()),
            body: Field::Text(self.body.clone()),
            visibility: Field::Text(self.visibility.clone()),
        })
    }
}

/// `GET /posts/new`.
pub async fn new_form(
    session: Session,
    SignedIn(user): SignedIn,
) -> Result<HttpResponse, AppError> {
    let blank = PostForm {
        title: String::new(),
        body: String::new(),
        visibility: "public".into(),
    };
    FormPage::render(&session, &user, None, blank, FieldErrors::new())
}

/// `POST /posts`.
pub async fn create(
    state: web::Data<AppState>,
    session: Session,
    SignedInForm { user, form }: SignedInForm<PostForm>,
) -> Result<HttpResponse, AppError> {
    let new = match form.parse() {
        Ok(new) => new,
        Err(errors) => return FormPage::render(&session, &user, None, form, errors),
    };
    let author = user.user.id;
    let post = state
        .db
        .run(move |conn| Ok(Post::create(conn, author, &new)?))
        .await?;
    flash(&session, "Post created.");
    Ok(see_other(&format!("/posts/{}", post.post.id)))
}

/// `GET /posts/{id}/edit`: owner only (403 page otherwise).
pub async fn edit_form(
    state: web::Data<AppState>,
    session: Session,
    SignedIn(user): SignedIn,
    path: web::Path<i32>,
) -> Result<HttpResponse, AppError> {
    let (id, user_id) = (path.into_inner(), user.user.id);
    let post = state
        .db
        .run(move |conn| Ok(Post::find_owned(conn, id, user_id)?))
        .await?;
    let current = PostForm {
        visibility: post.post.visibility.clone(),
        title: post.post.title,
        body: post.post.body,
    };
    FormPage::render(&session, &user, Some(id), current, FieldErrors::new())
}

/// `POST /posts/{id}/edit`.
pub async fn update(
    state: web::Data<AppState>,
    session: Session,
    path: web::Path<i32>,
    SignedInForm { user, form }: SignedInForm<PostForm>,
) -> Result<HttpResponse, AppError> {
    let (id, user_id) = (path.into_inner(), user.user.id);
    state
        .db
        .run(move |conn| Ok(Post::find_owned(conn, id, user_id)?))
        .await?;
    let new = match form.parse() {
        Ok(new) => new,
        Err(errors) => return FormPage::render(&session, &user, Some(id), form, errors),
    };
    let changes = PostChanges::new(Some(new.title), Some(new.body), Some(new.visibility));
    state
        .db
        .run(move |conn| Ok(Post::update_owned(conn, id, user_id, &changes)?))
        .await?;
    flash(&session, "Post updated.");
    Ok(see_other(&format!("/posts/{id}")))
}

/// `POST /posts/{id}/delete`.
pub async fn delete(
    state: web::Data<AppState>,
    session: Session,
    path: web::Path<i32>,
    SignedInForm { user, .. }: SignedInForm<Confirm>,
) -> Result<HttpResponse, AppError> {
    let (id, user_id) = (path.into_inner(), user.user.id);
    state
        .db
        .run(move |conn| Ok(Post::delete_owned(conn, id, user_id)?))
        .await?;
    flash(&session, "Post deleted.");
    Ok(see_other("/"))
}
