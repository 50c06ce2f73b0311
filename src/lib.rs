#![doc = include_str!("../README.md")]

pub mod accounts;
pub mod audit;
pub mod auth;
pub mod background;
pub mod cli;
pub mod config;
pub mod db;
pub mod domain;
pub mod error;
pub mod federation;
pub mod http;
pub mod i18n;
pub mod inspector;
pub mod logging;
pub mod mail;
pub mod metrics;
pub mod no_store;
pub mod oidc;
pub mod routes;
pub mod startup;
pub mod state;
#[cfg(any(test, feature = "testing"))]
pub mod testing;
