//! The JSON API.

pub mod auth;
pub mod body;
pub mod health;
pub mod keys;
pub mod openapi;
pub mod posts;
pub mod token;
pub mod users;
