//! Sigil's integration tests: one binary, a real server per test, talking HTTP.

mod helpers;

mod auth;
mod config;
mod health;
mod inspector;
mod posts;
mod tokens;
mod web;
