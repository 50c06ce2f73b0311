//! Sigil's integration tests: one binary, a real server per test, talking HTTP.

mod helpers;

mod auth;
mod browser;
mod config;
mod contract;
mod health;
mod inspector;
mod keys;
mod openapi;
mod posts;
mod tokens;
mod web;
