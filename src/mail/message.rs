//! What a message says, and its text and HTML parts. Every message names what happened and
//! why the reader got it; notices also say when, from which device and address, and link to
//! the account page.

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

/// A message before rendering.
#[derive(Debug, Clone)]
pub struct Mail {
    pub kind: &'static str,
    pub to: String,
    pub subject: String,
    pub heading: String,
    pub paragraphs: Vec<String>,
    /// The one thing to do, as a button (HTML) or a line with the URL (text).
    pub action: Option<(String, String)>,
    /// What, when, where: shown as a small table.
    pub facts: Vec<(&'static str, String)>,
    /// Why the reader got this message.
    pub why: String,
}

#[derive(Template)]
#[template(path = "email/message.html")]
struct HtmlPart<'a> {
    mail: &'a Mail,
    account_url: &'a str,
}

#[derive(Template)]
#[template(path = "email/message.txt")]
struct TextPart<'a> {
    mail: &'a Mail,
    account_url: &'a str,
}

/// A time as the notices write it: `2026-12-06 09:30 UTC`.
pub fn when(at: OffsetDateTime) -> String {
    let at = at.to_offset(time::UtcOffset::UTC);
    format!("{} {:02}:{:02} UTC", at.date(), at.hour(), at.minute())
}

impl Mail {
    /// Adds when, the device and the address of `context` to the facts.
    pub fn with_context(mut self, context: &Context) -> Self {
        self.facts.push(("When", when(context.at)));
        self.facts.push(("Device", context.device.clone()));
        if let Some(ip) = &context.ip {
            self.facts.push(("Address", ip.clone()));
        }
        self
    }

    /// Both parts, ready for the outbox. `public_url` roots the account link.
    pub fn render(&self, public_url: &str) -> Result<NewMessage, askama::Error> {
        let account_url = format!("{public_url}/account");
        let html = HtmlPart {
            mail: self,
            account_url: &account_url,
        }
        .render()?;
        let text = TextPart {
            mail: self,
            account_url: &account_url,
        }
        .render()?;
        Ok(NewMessage {
            kind: self.kind,
            recipient: self.to.clone(),
            subject: self.subject.clone(),
            text_body: text,
            html_body: html,
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
            assert!(part.contains("2027-01-15 08:00 UTC"), "{part}");
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
