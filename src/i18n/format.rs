//! Dates and numbers the way each language writes them (CLDR, through ICU4X's compiled data):
//! `Dec 6, 2026` / `06.12.2026` / `6 dic 2026`, and `1,234` / `1.234` / `1234`.

use std::fmt;

use icu_calendar::{Date, Iso};
use icu_datetime::fieldsets::{YMD, YMDT};
use icu_datetime::options::TimePrecision;
use icu_datetime::FixedCalendarDateTimeFormatter;
use icu_decimal::DecimalFormatter;
use icu_locale_core::Locale as IcuLocale;
use icu_time::{DateTime, Time};

use super::Locale;

struct Formatters {
    date: FixedCalendarDateTimeFormatter<icu_calendar::Gregorian, YMD>,
    date_time: FixedCalendarDateTimeFormatter<icu_calendar::Gregorian, YMDT>,
    number: DecimalFormatter,
}

fn build() -> [Formatters; 3] {
    Locale::ALL.map(|l| {
        let icu: IcuLocale = l.tag().parse().expect("en, de and es are locales");
        Formatters {
            date: FixedCalendarDateTimeFormatter::try_new(icu.clone().into(), YMD::medium())
                .expect("compiled data has en, de and es dates"),
            date_time: FixedCalendarDateTimeFormatter::try_new(
                icu.clone().into(),
                YMDT::medium().with_time_precision(TimePrecision::Minute),
            )
            .expect("compiled data has en, de and es times"),
            number: DecimalFormatter::try_new(icu.into(), Default::default())
                .expect("compiled data has en, de and es numbers"),
        }
    })
}

thread_local! {
    // One set per worker thread: ICU4X's formatters are not `Sync` without its `sync` feature,
    // and building them costs more than keeping three per thread.
    static FORMATTERS: [Formatters; 3] = build();
}

fn with_formatters<R>(f: impl FnOnce(&Formatters) -> R) -> R {
    let locale = super::current() as usize;
    FORMATTERS.with(|all| f(&all[locale]))
}

fn gregorian(t: time::PrimitiveDateTime) -> Option<DateTime<icu_calendar::Gregorian>> {
    let date = Date::<Iso>::try_new_iso(t.year(), t.month() as u8, t.day()).ok()?;
    let time = Time::try_new(t.hour(), t.minute(), t.second(), 0).ok()?;
    Some(DateTime {
        date: date.to_calendar(icu_calendar::Gregorian),
        time,
    })
}

/// A whole number in the current language (`1,234`, `1.234`, `1234`).
pub fn number(n: impl Into<i64>) -> String {
    let n = fixed_decimal::Decimal::from(n.into());
    with_formatters(|f| f.number.format(&n).to_string())
}

/// A date and time in the current language, to the minute, labelled UTC.
pub fn datetime(t: time::PrimitiveDateTime) -> String {
    match gregorian(t) {
        Some(dt) => with_formatters(|f| format!("{} UTC", f.date_time.format(&dt))),
        None => format!("{} UTC", t),
    }
}

/// A date alone in the current language (`Dec 6, 2026`).
pub fn date(t: time::PrimitiveDateTime) -> String {
    match gregorian(t) {
        Some(dt) => with_formatters(|f| f.date.format(&dt.date).to_string()),
        None => t.date().to_string(),
    }
}

/// A stored time as a page shows it: `<time datetime="2026-12-06T21:18:00Z">` around the date
/// and time in the reader's language, labelled UTC. Its text is made when it is shown, so a
/// view model built before the language is known still reads right.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Moment(pub time::PrimitiveDateTime);

impl Moment {
    /// The machine-readable form (RFC 3339, UTC), for `datetime` attributes and tests.
    pub fn iso(&self) -> String {
        let t = self.0;
        format!(
            "{}T{:02}:{:02}:{:02}Z",
            iso_date(t.date()),
            t.hour(),
            t.minute(),
            t.second()
        )
    }

    /// The words alone, without the `<time>` element (for text that is escaped, like mail).
    pub fn text(&self) -> String {
        datetime(self.0)
    }
}

impl fmt::Display for Moment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Both parts are made here from numbers and catalog data: nothing to escape.
        write!(
            f,
            "<time datetime=\"{}\">{}</time>",
            self.iso(),
            self.text()
        )
    }
}

impl askama::filters::HtmlSafe for Moment {}

/// A day as a page shows it: `<time datetime="2026-12-06">` around the date in the reader's
/// language (`Dec 6, 2026`, `06.12.2026`, `6 dic 2026`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Day(pub time::PrimitiveDateTime);

/// The day of `t`, for templates (which may hand over a reference).
pub fn day<T: std::borrow::Borrow<time::PrimitiveDateTime>>(t: T) -> Day {
    Day(*t.borrow())
}

impl fmt::Display for Day {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "<time datetime=\"{}\">{}</time>",
            iso_date(self.0.date()),
            date(self.0)
        )
    }
}

/// A day in ISO 8601 (`2026-12-06`), for `datetime` attributes: [`Moment`]'s and [`Day`]'s.
fn iso_date(d: time::Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), d.month() as u8, d.day())
}

impl askama::filters::HtmlSafe for Day {}

/// A time, or the words a page shows when there is none ("never"): the words in the reader's
/// language through [`super::tr`], escaped.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Shown {
    At(Moment),
    /// A time and the address it came from: `… from 192.0.2.1`.
    AtFrom(Moment, String),
    Words(&'static str),
}

impl From<Moment> for Shown {
    fn from(m: Moment) -> Self {
        Self::At(m)
    }
}

impl From<&'static str> for Shown {
    fn from(words: &'static str) -> Self {
        Self::Words(words)
    }
}

impl fmt::Display for Shown {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::At(m) => m.fmt(f),
            Self::AtFrom(m, from) => {
                let words = format!(" {} {from}", super::t("common-from"));
                write!(
                    f,
                    "{m}{}",
                    askama::filters::escape(words, askama::filters::Html)
                        .map_err(|_| fmt::Error)?
                )
            }
            Self::Words(w) => {
                let words = super::tr(w);
                write!(
                    f,
                    "{}",
                    askama::filters::escape(words, askama::filters::Html)
                        .map_err(|_| fmt::Error)?
                )
            }
        }
    }
}

impl askama::filters::HtmlSafe for Shown {}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::with_locale;
    use time::macros::datetime;

    #[test]
    fn dates_follow_cldr_in_each_language() {
        let t = datetime!(2026-12-06 21:18:40);
        assert_eq!(with_locale(Locale::En, || date(t)), "Dec 6, 2026");
        assert_eq!(with_locale(Locale::De, || date(t)), "06.12.2026");
        assert_eq!(with_locale(Locale::Es, || date(t)), "6 dic 2026");
    }

    #[test]
    fn numbers_follow_cldr_in_each_language() {
        assert_eq!(with_locale(Locale::En, || number(1234)), "1,234");
        assert_eq!(with_locale(Locale::De, || number(1234)), "1.234");
        assert_eq!(with_locale(Locale::Es, || number(1234)), "1234");
        assert_eq!(with_locale(Locale::Es, || number(12345)), "12.345");
    }

    #[test]
    fn a_moment_is_a_time_element_labelled_utc() {
        let m = Moment(datetime!(2026-12-06 21:18:40));
        let html = with_locale(Locale::De, || m.to_string());
        assert!(html.starts_with("<time datetime=\"2026-12-06T21:18:40Z\">06.12.2026"));
        assert!(html.ends_with(" UTC</time>"), "{html}");
    }
}
