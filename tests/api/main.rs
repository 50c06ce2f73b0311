//! Sigil's integration tests: one binary, a real server per test, talking HTTP.

mod helpers;

mod admin;
mod admin_pages;
mod attacks;
mod audit;
mod auth;
mod backup;
mod browser;
mod browser_passkeys;
mod config;
mod contract;
mod health;
mod inspector;
mod inspector_cli;
mod inspector_foreign;
mod inspector_page;
mod keys;
mod mail;
mod metrics;
mod mfa;
mod mfa_attacks;
mod mfa_pages;
mod mfa_reauth;
mod oauth;
mod openapi;
mod operations;
mod passkeys;
mod pats;
mod post_pages;
mod postgres_tls;
mod posts;
mod tokens;
mod web;
