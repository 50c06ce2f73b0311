//! Failed sign-ins per account (API.md part three §4): a growing wait, never a lock.
//!
//! Every way of proving a password or a second-factor code ([`Accounts::check_sign_in`], the
//! second step, re-authentication) first asks [`Accounts::admit`]. Inside a wait the attempt
//! is refused at once, unchecked and uncounted. Otherwise it is let through and counted as a
//! failure in the same atomic statement, shared by every instance on the database
//! ([`crate::db::sign_in_failures::admit`]); a right proof gives it back
//! ([`Accounts::refund`]) and a completed sign-in ends the count. A name no account has is
//! counted under the SHA-256 of the name, exactly as an account would be, so neither the
//! answers nor the waits tell which names exist. Passkeys and reset links never ask.

use std::time::Duration;

use time::PrimitiveDateTime;

use super::{notices, Accounts};
use crate::audit::{self, Event, EventKind};
use crate::config::ProtectionSettings;
use crate::db::sign_in_failures::{self as failures, Admitted, FailureRow, Ladder};
use crate::db::users::User;
use crate::db::{outbox, write_transaction, DbConnection};
use crate::error::AppError;
use crate::http::client::ClientInfo;
use crate::mail::Context;

/// A count older than this (since its last failure) starts again.
const FORGOTTEN_AFTER: time::Duration = time::Duration::DAY;

/// The settings of the per-account wait.
#[derive(Debug, Clone, Copy)]
pub struct SignInLimits {
    /// Failures before any wait (`SIGN_IN_FREE_FAILURES`).
    pub free_failures: u32,
    /// The longest wait (`SIGN_IN_MAX_DELAY_SECONDS`).
    pub max_delay: Duration,
    /// Failures in a row that mail the owner, at most daily; 0 never (`SIGN_IN_NOTICE_AFTER`).
    pub notice_after: u32,
}

impl SignInLimits {
    pub fn new(settings: &ProtectionSettings) -> Self {
        Self {
            free_failures: settings.sign_in_free_failures,
            max_delay: settings.sign_in_max_delay,
            notice_after: settings.sign_in_notice_after,
        }
    }

    /// The wait the `failures`-th failure in a row sets: none while they are free, then 1 s,
    /// 2 s, 4 s… up to the longest.
    pub fn wait_after(&self, failures: u32) -> Option<Duration> {
        let past = failures.checked_sub(self.free_failures)?.checked_sub(1)?;
        let longest = self.max_delay.as_secs().max(1);
        let secs = 1u64.checked_shl(past.min(63)).unwrap_or(u64::MAX);
        Some(Duration::from_secs(secs.min(longest)))
    }

    /// Every wait there is, shortest first, ending with the longest.
    fn waits(&self) -> Vec<Duration> {
        let mut waits = Vec::new();
        for n in self.free_failures.saturating_add(1).. {
            let Some(wait) = self.wait_after(n) else {
                break;
            };
            waits.push(wait);
            if wait >= self.max_delay || waits.len() >= 64 {
                break;
            }
        }
        waits
    }

    fn ladder(&self, now: PrimitiveDateTime) -> Ladder {
        let waits_until = self
            .waits()
            .into_iter()
            .map(|w| now + time::Duration::try_from(w).unwrap_or(time::Duration::DAY))
            .collect();
        Ladder {
            now,
            stale_before: now - FORGOTTEN_AFTER,
            free: i32::try_from(self.free_failures).unwrap_or(i32::MAX),
            waits_until,
        }
    }
}

/// Whom an attempt counts against.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Subject {
    Account(i32),
    /// The SHA-256 (hex) of a name, lower-cased, that no account has.
    Name(String),
}

impl Subject {
    /// The subject of a login name tried, whether or not an account has it.
    pub fn of_name(login: &str) -> Self {
        Self::Name(crate::auth::refresh::hash(&login.trim().to_lowercase()))
    }

    /// The account's own subject when `user` was found, else this name's.
    pub fn or_account(self, user: Option<&User>) -> Self {
        user.map_or(self, |u| Self::Account(u.id))
    }

    pub fn key(&self) -> String {
        match self {
            Self::Account(id) => account_key(*id),
            Self::Name(hash) => format!("name:{hash}"),
        }
    }

    fn user_id(&self) -> Option<i32> {
        match self {
            Self::Account(id) => Some(*id),
            Self::Name(_) => None,
        }
    }
}

/// An account's subject.
pub fn account_key(user_id: i32) -> String {
    failures::account_subject(user_id)
}

/// An attempt let through, already counted as a failure: hand it to [`Accounts::refund`]
/// when the proof was right, or to [`Accounts::failed`] when it was wrong.
#[derive(Debug)]
#[must_use]
pub struct Attempt {
    key: String,
    user_id: Option<i32>,
    failures: i32,
    /// The wait this attempt set, if any.
    claimed: Option<PrimitiveDateTime>,
}

/// Whether an attempt may be checked.
#[derive(Debug)]
pub enum Admission {
    Go(Attempt),
    /// A wait runs: refuse without a check (`429`, `Retry-After`).
    Wait {
        retry_after_secs: u64,
    },
}

/// [`Accounts::admit`] on a connection the caller holds.
pub fn admit_in(
    conn: &mut DbConnection,
    limits: &SignInLimits,
    subject: &Subject,
) -> diesel::QueryResult<Admission> {
    let now = crate::db::now();
    let key = subject.key();
    Ok(
        match failures::admit(conn, &key, subject.user_id(), &limits.ladder(now))? {
            Admitted::Yes { failures, retry_at } => Admission::Go(Attempt {
                key,
                user_id: subject.user_id(),
                failures,
                claimed: retry_at,
            }),
            // `now` was read before the statement: a concurrent failure may have set its wait
            // a moment later. No wait is longer than the longest, whoever reads it.
            Admitted::Waiting { retry_at } => Admission::Wait {
                retry_after_secs: seconds_until(retry_at, now)
                    .min(limits.max_delay.as_secs().max(1)),
            },
        },
    )
}

/// Whole seconds from `now` until `retry_at`, at least 1.
fn seconds_until(retry_at: Option<PrimitiveDateTime>, now: PrimitiveDateTime) -> u64 {
    let left = retry_at.map_or(time::Duration::ZERO, |t| t - now);
    let secs = left.whole_seconds() + i64::from(left.subsec_nanoseconds() > 0);
    u64::try_from(secs).unwrap_or(0).max(1)
}

/// A wait in words, for pages and mail: "a second", "8 seconds", "a minute", "15 minutes".
pub fn wait_in_words(secs: u64) -> String {
    match secs {
        0 | 1 => "a second".to_string(),
        n @ 2..=59 => format!("{n} seconds"),
        60 => "a minute".to_string(),
        n => format!("{} minutes", n.div_ceil(60)),
    }
}

impl Accounts {
    /// The settings of the per-account wait.
    pub fn sign_in_limits(&self) -> SignInLimits {
        SignInLimits::new(&self.protection)
    }

    /// Lets an attempt on `subject` be checked (counted as a failure until it is given back),
    /// or refuses it, uncounted, while a wait runs.
    pub async fn admit(&self, subject: Subject) -> Result<Admission, AppError> {
        let limits = self.sign_in_limits();
        let admission = self
            .db
            .run(move |conn| Ok(admit_in(conn, &limits, &subject)?))
            .await?;
        if matches!(admission, Admission::Wait { .. }) {
            self.metrics.sign_in("delayed");
        }
        Ok(admission)
    }

    /// The proof was right (a second step may follow, or the account may not sign in): the
    /// attempt is not a failure.
    pub async fn refund(&self, attempt: Attempt) -> Result<(), AppError> {
        self.db
            .run(move |conn| Ok(failures::refund(conn, &attempt.key, attempt.claimed)?))
            .await
    }

    /// The proof was wrong: the failure stands. When it begins a wait, a `sign_in_delayed`
    /// event (with `login`, the name tried, when there is one); at `SIGN_IN_NOTICE_AFTER`
    /// failures in a row, the owner is mailed (at most daily), after the answer, so the
    /// answer's timing is the same for every name.
    pub async fn failed(&self, attempt: Attempt, client: &ClientInfo, login: Option<&str>) {
        let limits = self.sign_in_limits();
        let n = u32::try_from(attempt.failures).unwrap_or(0);
        if n == limits.free_failures.saturating_add(1) {
            let wait = limits.wait_after(n).unwrap_or_default().as_secs();
            let mut event = Event::new(EventKind::SignInDelayed, client)
                .detail("failures", attempt.failures)
                .detail("wait_seconds", wait);
            if let Some(id) = attempt.user_id {
                event = event.user(id);
            }
            if let Some(login) = login {
                event = event.detail("login", login);
            }
            audit::record(&self.db, event).await;
        }
        let Some(user_id) = attempt.user_id else {
            return;
        };
        if limits.notice_after == 0 || n != limits.notice_after {
            return;
        }
        let (accounts, client) = (self.clone(), client.clone());
        self.background
            .detach(crate::logging::carry_future(async move {
                if let Err(e) = accounts.tell_owner(user_id, attempt, &client).await {
                    e.log_if_internal();
                }
            }));
    }

    /// Mails `sign_in_attempts` to the account's owner, unless they were told in the last day.
    async fn tell_owner(
        &self,
        user_id: i32,
        attempt: Attempt,
        client: &ClientInfo,
    ) -> Result<(), AppError> {
        let Some(user) = self
            .db
            .run(move |conn| Ok(User::find(conn, user_id)?))
            .await?
        else {
            return Ok(());
        };
        let longest = wait_in_words(self.sign_in_limits().max_delay.as_secs());
        let reset_page = format!("{}/forgot-password", self.notifier.settings.public_url);
        let notice = notices::sign_in_attempts(
            &user.email,
            attempt.failures,
            &longest,
            reset_page,
            &Context::of(client),
        );
        let message = self.notifier.render(&notice, user.locale())?;
        let sent = self
            .db
            .run(move |conn| {
                Ok(write_transaction(conn, |conn| {
                    let now = crate::db::now();
                    if !failures::mark_notified(conn, &attempt.key, now, now - FORGOTTEN_AFTER)? {
                        return Ok(false);
                    }
                    outbox::enqueue(conn, &message)?;
                    Ok::<_, diesel::result::Error>(true)
                })?)
            })
            .await?;
        if sent {
            self.notifier.wake();
        }
        Ok(())
    }

    /// [`Accounts::admit`] for a code sent with `mfa_token` (its hash): the account the
    /// sign-in waits for, or `None` when no live sign-in has that token (the caller refuses
    /// it as ever, and nothing is counted).
    pub async fn admit_second_step(&self, token_hash: &str) -> Result<Option<Admission>, AppError> {
        let token_hash = token_hash.to_string();
        let user_id = self
            .db
            .run(move |conn| Ok(crate::db::mfa::Challenge::live(conn, &token_hash)?))
            .await?
            .map(|challenge| challenge.user_id);
        match user_id {
            Some(id) => Ok(Some(self.admit(Subject::Account(id)).await?)),
            None => Ok(None),
        }
    }

    /// Ends the account's count: it proved who it is.
    pub async fn clear_sign_in_count(&self, user_id: i32) -> Result<(), AppError> {
        self.db
            .run(move |conn| {
                Ok(crate::db::write_transaction(conn, |conn| {
                    failures::clear_account(conn, user_id)
                })?)
            })
            .await
    }

    /// An account's failed sign-ins in a row, when it has any.
    pub async fn sign_in_failures(&self, user_id: i32) -> Result<Option<FailureRow>, AppError> {
        self.db
            .run(move |conn| Ok(failures::find(conn, &account_key(user_id))?))
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits(free: u32, max: u64) -> SignInLimits {
        SignInLimits {
            free_failures: free,
            max_delay: Duration::from_secs(max),
            notice_after: 20,
        }
    }

    #[test]
    fn the_wait_doubles_after_the_free_failures_up_to_the_longest() {
        let l = limits(5, 900);
        let secs = |n| l.wait_after(n).map(|d| d.as_secs());
        assert_eq!((1..=5).map(secs).collect::<Vec<_>>(), vec![None; 5]);
        assert_eq!(
            (6..=16).map(secs).collect::<Vec<_>>(),
            [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 900].map(Some)
        );
        assert_eq!(secs(10_000), Some(900));
        assert_eq!(secs(u32::MAX), Some(900));
    }

    #[test]
    fn every_wait_is_listed_once_ending_with_the_longest() {
        let secs = |l: SignInLimits| l.waits().iter().map(Duration::as_secs).collect::<Vec<_>>();
        assert_eq!(secs(limits(2, 4)), vec![1, 2, 4]);
        assert_eq!(secs(limits(2, 5)), vec![1, 2, 4, 5]);
        assert_eq!(secs(limits(1, 1)), vec![1]);
        assert_eq!(secs(limits(100, 86_400)).len(), 18);
    }

    #[test]
    fn names_are_counted_by_hash_whatever_their_case() {
        let a = Subject::of_name(" Alice@Example.com ").key();
        assert_eq!(a, Subject::of_name("alice@example.com").key());
        assert!(a.starts_with("name:") && a.len() == 5 + 64, "{a}");
        assert!(!a.contains("alice"));
        assert_eq!(Subject::Account(7).key(), "user:7");
    }

    #[test]
    fn a_wait_is_told_in_whole_seconds_rounded_up() {
        let now = crate::db::now();
        let later = |ms| Some(now + time::Duration::milliseconds(ms));
        assert_eq!(seconds_until(later(1500), now), 2);
        assert_eq!(seconds_until(later(4000), now), 4);
        assert_eq!(seconds_until(later(-10), now), 1);
        assert_eq!(seconds_until(None, now), 1);
        assert_eq!(wait_in_words(900), "15 minutes");
        assert_eq!(wait_in_words(4), "4 seconds");
    }
}
