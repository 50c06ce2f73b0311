//! What a message says, and its text and HTML parts. Every message names what happened and
//! why the reader got it; notices also say when, from which device and address, and link to
//! the account page.
//!
//! A message's words are [`Text`]: looked up in the catalogs when the message is rendered, so
//! a mail made anywhere is written in the language current around [`Mail::render`] (the
//! recipient's, set with [`crate::i18n::with_locale`]).

use std::fmt;
use std::sync::Arc;

use askama::Template;
use time::OffsetDateTime;

use crate::db::outbox::NewMessage;
use crate::http::client::ClientInfo;

/// When, from which device and address something happened: the facts a notice shows.
#[derive(Debug, Clone)]
pub struct Context {
    pub at: OffsetDateTime,
    pub device: String,
    pub ip: Option<String>,
}

impl Context {
    pub fn of(client: &ClientInfo) -> Self {
        Self {
            at: OffsetDateTime::now_utc(),
            device: client.device().label,
            ip: client.ip.map(|ip| ip.to_string()),
        }
    }
}

/// Words of a message, said when it is rendered, in the language current then: usually
/// `Text::later` of a catalog lookup (an `email-…` message); text the same in every language (a
/// name, an address, a time) comes `From` a `String` or `&str`.
#[derive(Clone)]
pub struct Text(Arc<dyn Fn() -> String + Send + Sync>);

impl Text {
    /// Words that `say` gives at render time.
    pub fn later(say: impl Fn() -> String + Send + Sync + 'static) -> Self {
        Self(Arc::new(say))
    }

    /// The words, in the current language.
    pub fn say(&self) -> String {
        (self.0)()
    }
}

impl From<String> for Text {
    fn from(text: String) -> Self {
        Self::later(move || text.clone())
    }
}

impl From<&str> for Text {
    fn from(text: &str) -> Self {
        Self::from(text.to_string())
    }
}

impl fmt::Debug for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.say(), f)
    }
}

/// A message before rendering.
#[derive(Debug, Clone)]
pub struct Mail {
    pub kind: &'static str,
    pub to: String,
    pub subject: Text,
    pub heading: Text,
    pub paragraphs: Vec<Text>,
    /// The one thing to do, as a button (HTML) or a line with the URL (text).
    pub action: Option<(Text, String)>,
    /// What, when, where: shown as a small table.
    pub facts: Vec<(Text, Text)>,
    /// Why the reader got this message.
    pub why: Text,
}

/// A message's words in the current language: what the templates show.
struct Said {
    subject: String,
    heading: String,
    paragraphs: Vec<String>,
    action: Option<(String, String)>,
    facts: Vec<(String, String)>,
    why: String,
}

#[derive(Template)]
#[template(path = "email/message.html")]
struct HtmlPart<'a> {
    mail: &'a Said,
    account_url: &'a str,
}

#[derive(Template)]
#[template(path = "email/message.txt")]
struct TextPart<'a> {
    mail: &'a Said,
    account_url: &'a str,
}

/// A time as the notices write it, in the reader's language and labelled UTC (`Dec 6, 2026,
/// 9:30 AM UTC`, `06.12.2026, 09:30 UTC`).
pub fn when(at: OffsetDateTime) -> Text {
    let at = at.to_offset(time::UtcOffset::UTC);
    let at = time::PrimitiveDateTime::new(at.date(), at.time());
    Text::later(move || crate::i18n::datetime(at))
}

impl Mail {
    /// Adds when, the device and the address of `context` to the facts.
    pub fn with_context(mut self, context: &Context) -> Self {
        self.facts.push((
            Text::later(|| crate::i18n::t("email-fact-when")),
            when(context.at),
        ));
        // The device's label is the domain layer's English ("Firefox 132 on Windows").
        let device = context.device.clone();
        self.facts.push((
            Text::later(|| crate::i18n::t("email-fact-device")),
            Text::later(move || crate::i18n::tr(&device)),
        ));
        if let Some(ip) = &context.ip {
            self.facts.push((
                Text::later(|| crate::i18n::t("email-fact-address")),
                ip.clone().into(),
            ));
        }
        self
    }

    /// The words, in the current language.
    fn say(&self) -> Said {
        Said {
            subject: self.subject.say(),
            heading: self.heading.say(),
            paragraphs: self.paragraphs.iter().map(Text::say).collect(),
            action: self
                .action
                .as_ref()
                .map(|(label, url)| (label.say(), url.clone())),
            facts: self
                .facts
                .iter()
                .map(|(name, value)| (name.say(), value.say()))
                .collect(),
            why: self.why.say(),
        }
    }

    /// Both parts, ready for the outbox, in the current language (the caller sets the
    /// recipient's around this). `public_url` roots the account link.
    pub fn render(&self, public_url: &str) -> Result<NewMessage, askama::Error> {
        let account_url = format!("{public_url}/account");
        let said = self.say();
        let html = HtmlPart {
            mail: &said,
            account_url: &account_url,
        }
        .render()?;
        let text = TextPart {
            mail: &said,
            account_url: &account_url,
        }
        .render()?;
        Ok(NewMessage {
            kind: self.kind,
            recipient: self.to.clone(),
            subject: said.subject,
            text_body: text,
            html_body: html,
            // The language the words above were looked up in (Notifier::render sets it).
            locale: crate::i18n::current(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_parts_carry_the_link_the_facts_and_the_reason_and_escape_html() {
        let mail = Mail {
            kind: "test",
            to: "a@example.com".into(),
            subject: "Reset".into(),
            heading: "Reset <your> password".into(),
            paragraphs: vec!["Someone asked.".into()],
            action: Some((
                "Choose a new password".into(),
                "https://id.example.com/r?token=abc".into(),
            )),
            facts: vec![],
            why: "You have an account.".into(),
        }
        .with_context(&Context {
            at: OffsetDateTime::from_unix_timestamp(1_800_000_000).unwrap(),
            device: "Firefox 132 on Windows".into(),
            ip: Some("192.0.2.1".into()),
        });
        let m = mail.render("https://id.example.com").unwrap();
        for part in [&m.text_body, &m.html_body] {
            assert!(
                part.contains("https://id.example.com/r?token=abc")
                    || part.contains("https://id.example.com/r?token&#x3d;abc"),
                "{part}"
            );
            assert!(part.contains("Firefox 132 on Windows"), "{part}");
            assert!(part.contains("Jan 15, 2027, 8:00\u{202f}AM UTC"), "{part}");
            assert!(part.contains("You have an account."), "{part}");
            assert!(part.contains("https://id.example.com/account"), "{part}");
        }
        assert!(
            m.html_body.contains("Reset &#60;your&#62; password")
                || m.html_body.contains("Reset &lt;your&gt; password"),
            "{}",
            m.html_body
        );
        assert!(m.text_body.contains("Reset <your> password"));
    }
}
