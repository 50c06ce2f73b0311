//! Reading JSON bodies field by field, so every problem names its field in a 422.

use serde_json::{Map, Value};

use crate::error::FieldErrors;

/// A JSON object body being read; wrong or missing fields are collected, not returned early.
pub struct Fields {
    map: Map<String, Value>,
    pub errors: FieldErrors,
}

impl Fields {
    pub fn new(map: Map<String, Value>) -> Self {
        Self {
            map,
            errors: FieldErrors::new(),
        }
    }

    /// A string field that must be present.
    pub fn required(&mut self, name: &str) -> Option<String> {
        match self.map.get(name) {
            None | Some(Value::Null) => {
                self.errors.add(name, "This field is required.");
                None
            }
            Some(_) => self.optional(name),
        }
    }

    /// A string field that may be absent (or null).
    pub fn optional(&mut self, name: &str) -> Option<String> {
        match self.map.get(name) {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => Some(s.clone()),
            Some(_) => {
                self.errors.add(name, "Must be a string.");
                None
            }
        }
    }

    /// Parses a present field with a domain parser, recording its message on failure.
    pub fn parse<T>(
        &mut self,
        name: &str,
        raw: Option<String>,
        parser: impl FnOnce(&str) -> Result<T, String>,
    ) -> Option<T> {
        let raw = raw?;
        self.errors.take(name, parser(&raw))
    }

    pub fn present(&self, name: &str) -> bool {
        self.map.get(name).is_some_and(|v| !v.is_null())
    }
}
