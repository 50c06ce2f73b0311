//! HTTP handlers: `api` answers JSON, `web` renders pages. Both share the domain types, the
//! queries on the models and the flows; `faces` gives each error the shape of its route.

pub mod api;
pub mod faces;
pub mod web;
