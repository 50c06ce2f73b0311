//! Field name → messages: what a 422 answer (and a form page) says about each invalid field.

use std::collections::BTreeMap;

use serde::Serialize;

/// Field name → messages, for 422 answers.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[schema(value_type = BTreeMap<String, Vec<String>>, example = json!({"title": ["Title must not be blank."]}))]
pub struct FieldErrors(BTreeMap<String, Vec<String>>);

impl FieldErrors {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn add(&mut self, field: &str, message: impl Into<String>) {
        self.0
            .entry(field.to_string())
            .or_default()
            .push(message.into());
    }

    pub fn single(field: &str, message: impl Into<String>) -> Self {
        let mut errors = Self::new();
        errors.add(field, message);
        errors
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The first message for `field`, for showing next to a form input.
    pub fn first(&self, field: &str) -> Option<&str> {
        self.0
            .get(field)
            .and_then(|m| m.first())
            .map(String::as_str)
    }

    pub fn iter(&self) -> impl Iterator<Item = (&String, &Vec<String>)> {
        self.0.iter()
    }

    /// Keeps the value when it parsed, records the message under `field` when it did not.
    pub fn take<T>(&mut self, field: &str, parsed: Result<T, String>) -> Option<T> {
        match parsed {
            Ok(v) => Some(v),
            Err(m) => {
                self.add(field, m);
                None
            }
        }
    }

    /// `Ok(value)` when nothing was recorded, else the errors: the end of a parse that
    /// collected every field's problem before giving up.
    pub fn finish<T>(self, value: impl FnOnce() -> Option<T>) -> Result<T, FieldErrors> {
        match (self.is_empty(), value()) {
            (true, Some(v)) => Ok(v),
            (true, None) => Err(Self::single("json", "The body is incomplete.")),
            (false, _) => Err(self),
        }
    }
}
