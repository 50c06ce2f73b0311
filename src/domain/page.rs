//! One page of a keyset-paginated list: its size, where it starts (a cursor this server
//! issued) and whose posts it shows.

use serde::Deserialize;

use super::cursor;
use crate::error::FieldErrors;

pub const DEFAULT_LIMIT: i64 = 20;
pub const MAX_LIMIT: i64 = 100;

/// `?limit=&cursor=&author=` as sent, for `GET /api/posts` and the home page.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageParams {
    /// Page size, 1 to 100 (default 20).
    #[param(value_type = Option<i64>, minimum = 1, maximum = 100)]
    pub limit: Option<String>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// Only this author's posts (a username).
    pub author: Option<String>,
}

/// A page request parsed: limit 1–100 (default 20), a cursor this server issued, an author.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PageRequest {
    pub limit: i64,
    pub before_id: Option<i32>,
    pub author: Option<String>,
}

/// Where a page of any keyset-paged list (newest first) starts, and how long it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Keyset {
    pub limit: i64,
    pub before_id: Option<i32>,
}

impl Keyset {
    /// `limit` (1–100, default 20) and `cursor` (one this server issued) as sent; problems
    /// go into `errors` under their field names.
    pub fn parse(
        limit: Option<&str>,
        cursor: Option<&str>,
        cursor_key: &[u8; 32],
        errors: &mut FieldErrors,
    ) -> Option<Self> {
        let limit = match limit.map(str::trim) {
            None | Some("") => Some(DEFAULT_LIMIT),
            Some(raw) => errors.take(
                "limit",
                raw.parse::<i64>()
                    .ok()
                    .filter(|n| (1..=MAX_LIMIT).contains(n))
                    .ok_or_else(|| format!("limit must be a whole number from 1 to {MAX_LIMIT}.")),
            ),
        };
        let before_id = match cursor.map(str::trim) {
            None | Some("") => None,
            Some(raw) => errors.take("cursor", cursor::decode(cursor_key, raw)),
        };
        Some(Self {
            limit: limit?,
            before_id,
        })
    }

    /// How many rows a page query loads: one more than the page, to know if another follows.
    pub fn fetch(&self) -> i64 {
        self.limit + 1
    }

    /// Cuts the `limit + 1` rows a page query loads down to the page, and gives the cursor of
    /// the next page when there is one.
    pub fn finish<T>(
        &self,
        mut rows: Vec<T>,
        cursor_key: &[u8; 32],
        id_of: impl Fn(&T) -> i32,
    ) -> (Vec<T>, Option<String>) {
        if rows.len() as i64 > self.limit {
            rows.truncate(self.limit as usize);
            let next = rows
                .last()
                .map(|last| cursor::encode(cursor_key, id_of(last)));
            (rows, next)
        } else {
            (rows, None)
        }
    }
}

impl PageRequest {
    pub fn parse(params: &PageParams, cursor_key: &[u8; 32]) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        let page = Keyset::parse(
            params.limit.as_deref(),
            params.cursor.as_deref(),
            cursor_key,
            &mut errors,
        );
        let author = params
            .author
            .as_deref()
            .map(str::trim)
            .filter(|a| !a.is_empty())
            .map(str::to_string);
        errors.finish(|| {
            let page = page?;
            Some(Self {
                limit: page.limit,
                before_id: page.before_id,
                author,
            })
        })
    }

    /// See [`Keyset::finish`].
    pub fn finish<T>(
        &self,
        rows: Vec<T>,
        cursor_key: &[u8; 32],
        id_of: impl Fn(&T) -> i32,
    ) -> (Vec<T>, Option<String>) {
        let page = Keyset {
            limit: self.limit,
            before_id: self.before_id,
        };
        page.finish(rows, cursor_key, id_of)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: [u8; 32] = [7; 32];

    fn params(limit: Option<&str>, cursor: Option<&str>) -> PageParams {
        PageParams {
            limit: limit.map(str::to_string),
            cursor: cursor.map(str::to_string),
            author: Some("  ".into()),
        }
    }

    #[test]
    fn limits_default_and_stay_in_range() {
        let r = PageRequest::parse(&params(None, None), &KEY).unwrap();
        assert_eq!(
            (r.limit, r.before_id, r.author),
            (DEFAULT_LIMIT, None, None)
        );
        for bad in ["0", "101", "-1", "x", "1.5"] {
            let e = PageRequest::parse(&params(Some(bad), Some("garbage")), &KEY).unwrap_err();
            assert!(
                e.first("limit").is_some() && e.first("cursor").is_some(),
                "{bad}"
            );
        }
    }

    #[test]
    fn a_page_ends_with_the_cursor_of_the_next() {
        let r = PageRequest::parse(&params(Some("2"), None), &KEY).unwrap();
        let (rows, next) = r.finish(vec![9, 8, 7], &KEY, |id| *id);
        assert_eq!(rows, vec![9, 8]);
        assert_eq!(cursor::decode(&KEY, &next.unwrap()), Ok(8));
        assert_eq!(r.finish(vec![9, 8], &KEY, |id| *id).1, None);
    }
}
