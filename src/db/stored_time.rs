//! Times as SQLite holds them, read back without the general parser.
//!
//! Diesel stores a `Timestamp` in SQLite as text, `YYYY-MM-DD HH:MM:SS`, with `.` and the
//! fraction when there is one, and reads it back by trying up to eighteen layouts through the
//! `time` crate's format descriptions: about 1,900 instructions a value, 15 % of a page of
//! posts (two times a post) in callgrind. [`parse`] reads the layout Diesel writes by hand in
//! a few dozen; any other text (written by hand, by another tool) still goes to Diesel's
//! parser, so what was readable stays readable. PostgreSQL sends times as binary and keeps
//! Diesel's own reading.

use diesel::backend::Backend;
use diesel::deserialize::{self, FromSql};
use diesel::pg::Pg;
use diesel::sql_types::{Nullable, Timestamp};
use diesel::sqlite::Sqlite;
use time::{Date, Month, PrimitiveDateTime, Time};

use super::multi_connection_impl::MultiBackend;

/// A stored time, for `#[diesel(deserialize_as = StoredTime)]` on a `PrimitiveDateTime` field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, diesel::FromSqlRow)]
pub struct StoredTime(pub PrimitiveDateTime);

impl From<StoredTime> for PrimitiveDateTime {
    fn from(t: StoredTime) -> Self {
        t.0
    }
}

impl FromSql<Timestamp, Sqlite> for StoredTime {
    fn from_sql(mut value: <Sqlite as Backend>::RawValue<'_>) -> deserialize::Result<Self> {
        if let Some(t) = parse(value.read_text()) {
            return Ok(Self(t));
        }
        <PrimitiveDateTime as FromSql<Timestamp, Sqlite>>::from_sql(value).map(Self)
    }
}

impl FromSql<Timestamp, Pg> for StoredTime {
    fn from_sql(value: <Pg as Backend>::RawValue<'_>) -> deserialize::Result<Self> {
        <PrimitiveDateTime as FromSql<Timestamp, Pg>>::from_sql(value).map(Self)
    }
}

impl FromSql<Timestamp, MultiBackend> for StoredTime {
    fn from_sql(value: <MultiBackend as Backend>::RawValue<'_>) -> deserialize::Result<Self> {
        value.from_sql::<Self, Timestamp>()
    }
}

/// A stored time that may be NULL, for `#[diesel(deserialize_as = MaybeStoredTime)]` on an
/// `Option<PrimitiveDateTime>` field read on every request (a personal access token's
/// `last_used_at`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, diesel::FromSqlRow)]
pub struct MaybeStoredTime(pub Option<PrimitiveDateTime>);

impl From<MaybeStoredTime> for Option<PrimitiveDateTime> {
    fn from(t: MaybeStoredTime) -> Self {
        t.0
    }
}

/// The three backends alike: NULL is `None`, a time is read as [`StoredTime`] reads it.
macro_rules! maybe_stored_time {
    ($backend:ty, |$value:ident| $read:expr) => {
        impl FromSql<Nullable<Timestamp>, $backend> for MaybeStoredTime {
            fn from_sql($value: <$backend as Backend>::RawValue<'_>) -> deserialize::Result<Self> {
                let time: StoredTime = $read?;
                Ok(Self(Some(time.0)))
            }

            fn from_nullable_sql(
                value: Option<<$backend as Backend>::RawValue<'_>>,
            ) -> deserialize::Result<Self> {
                match value {
                    None => Ok(Self(None)),
                    Some(value) => {
                        <Self as FromSql<Nullable<Timestamp>, $backend>>::from_sql(value)
                    }
                }
            }
        }
    };
}
maybe_stored_time!(Sqlite, |value| {
    <StoredTime as FromSql<Timestamp, Sqlite>>::from_sql(value)
});
maybe_stored_time!(
    Pg,
    |value| <StoredTime as FromSql<Timestamp, Pg>>::from_sql(value)
);
maybe_stored_time!(MultiBackend, |value| value
    .from_sql::<StoredTime, Timestamp>());

/// `YYYY-MM-DD HH:MM:SS` with an optional `.` and 1 to 9 digits of fraction, a real date and
/// time of day; `None` for anything else.
pub fn parse(text: &str) -> Option<PrimitiveDateTime> {
    let b = text.as_bytes();
    if b.len() < 19 || b[4] != b'-' || b[7] != b'-' || b[10] != b' ' {
        return None;
    }
    if b[13] != b':' || b[16] != b':' {
        return None;
    }
    let number = |digits: &[u8]| {
        digits.iter().try_fold(0u32, |n, &c| {
            c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0'))
        })
    };
    let nanosecond = match &b[19..] {
        [] => 0,
        [b'.', digits @ ..] if (1..=9).contains(&digits.len()) => {
            number(digits)? * 10u32.pow(9 - digits.len() as u32)
        }
        _ => return None,
    };
    let year = i32::try_from(number(&b[0..4])?).ok()?;
    let month = Month::try_from(u8::try_from(number(&b[5..7])?).ok()?).ok()?;
    let day = u8::try_from(number(&b[8..10])?).ok()?;
    let [hour, minute, second] = [11, 14, 17].map(|at| number(&b[at..at + 2]));
    let time = Time::from_hms_nano(
        u8::try_from(hour?).ok()?,
        u8::try_from(minute?).ok()?,
        u8::try_from(second?).ok()?,
        nanosecond,
    )
    .ok()?;
    Some(PrimitiveDateTime::new(
        Date::from_calendar_date(year, month, day).ok()?,
        time,
    ))
}

#[cfg(test)]
mod tests {
    use diesel::prelude::*;
    use diesel::sql_types::Text;
    use time::macros::datetime;

    use super::*;

    #[derive(QueryableByName)]
    struct Read {
        #[diesel(sql_type = Timestamp, deserialize_as = StoredTime)]
        v: PrimitiveDateTime,
    }

    /// `text` read as a stored time, the way every model reads one.
    fn read(conn: &mut SqliteConnection, text: &str) -> QueryResult<PrimitiveDateTime> {
        diesel::sql_query("SELECT ? AS v")
            .bind::<Text, _>(text)
            .get_result::<Read>(conn)
            .map(|r| r.v)
    }

    /// Stores `t` the way every insert does (Diesel's own writing), then reads the text back.
    fn stored(conn: &mut SqliteConnection, t: PrimitiveDateTime) -> String {
        use diesel::connection::SimpleConnection as _;
        conn.batch_execute("DELETE FROM t").unwrap();
        diesel::sql_query("INSERT INTO t (v) VALUES (?)")
            .bind::<Timestamp, _>(t)
            .execute(conn)
            .unwrap();
        diesel::select(diesel::dsl::sql::<Text>("(SELECT v FROM t)"))
            .get_result(conn)
            .unwrap()
    }

    #[test]
    fn reads_every_time_as_diesel_writes_it() {
        use diesel::connection::SimpleConnection as _;
        let mut conn = SqliteConnection::establish(":memory:").unwrap();
        conn.batch_execute("CREATE TABLE t (v TIMESTAMP)").unwrap();
        let mut times = vec![
            datetime!(2026-11-24 08:15:23),
            datetime!(2026-11-24 08:15:23.5),
            datetime!(2026-11-24 08:15:23.000001),
            datetime!(2026-11-24 08:15:23.120000),
            datetime!(2024-02-29 23:59:59.999999),
            datetime!(1970-01-01 00:00:00),
            datetime!(9999-12-31 23:59:59.999999),
            datetime!(0001-01-01 00:00:00.000100),
        ];
        // And a spread of ordinary ones: every month, hour, and fraction length.
        let mut t = datetime!(2020-01-01 00:00:00);
        for n in 0..500i64 {
            t += time::Duration::seconds(n * 86_413 + 7) + time::Duration::microseconds(n * 9_973);
            times.push(t);
        }
        for t in times {
            let text = stored(&mut conn, t);
            assert_eq!(parse(&text), Some(t), "{text}");
            assert_eq!(read(&mut conn, &text).unwrap(), t, "{text}");
        }
    }

    #[test]
    fn leaves_any_other_layout_to_diesel() {
        for text in [
            "2026-11-24T08:15:23",
            "2026-11-24 08:15",
            "2026-11-24 08:15:23Z",
            "2026-11-24 08:15:23+01:00",
            "2026-11-24 08:15:23.",
            "2026-11-24 08:15:23.1234567890",
            "2026-02-30 08:15:23",
            "2026-13-01 08:15:23",
            "2026-11-24 24:00:00",
            "2026-11-24 08:60:00",
            "+026-11-24 08:15:23",
            "2026-1a-24 08:15:23",
            "2026-11-24 08:15:23 ",
            "",
            "2460638.5",
        ] {
            assert_eq!(parse(text), None, "{text:?}");
        }
        // What Diesel reads, this still reads, through Diesel; what it refuses is an error.
        let mut conn = SqliteConnection::establish(":memory:").unwrap();
        for (text, want) in [
            ("2026-11-24T08:15:23", datetime!(2026-11-24 08:15:23)),
            ("2026-11-24 08:15", datetime!(2026-11-24 08:15:00)),
            ("2026-11-24 08:15:23Z", datetime!(2026-11-24 08:15:23)),
        ] {
            assert_eq!(read(&mut conn, text).unwrap(), want, "{text}");
        }
        for text in ["not a time", "2026-02-30 08:15:23"] {
            let bad = read(&mut conn, text);
            assert!(bad.is_err(), "{text} read as {bad:?}");
        }
    }
}
