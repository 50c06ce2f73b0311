#![doc = include_str!("../README.md")]

pub mod auth;
pub mod cli;
pub mod config;
pub mod db;
pub mod domain;
pub mod error;
pub mod routes;
pub mod startup;
#[doc(hidden)]
pub mod testing;
