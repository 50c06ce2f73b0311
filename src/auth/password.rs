//! Password hashing with bcrypt. Both functions are CPU-bound: they run on the
//! [`PasswordPool`], never on an async worker.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc, Arc, Mutex, OnceLock};

use crate::domain::Password;
use crate::error::AppError;

type Job = Box<dyn FnOnce() + Send>;

/// How much below the bcrypt threads the HTTP workers run (nice, relative).
pub const WORKER_NICE: i32 = 3;

/// Lowers the calling thread's priority by [`WORKER_NICE`], once: each HTTP worker calls it as
/// it starts, and the threads it starts later (its blocking pool) inherit it. A worker's work
/// has no bound (a storm of API requests), a sign-in's has (the login rate limit) and a person
/// waits for it: when both want the same core, the scheduler gives a bcrypt thread about two
/// thirds of it (weights 1024 against 526), so a sign-in during a storm gets most of the
/// bcrypt rate with its p99 within twice its idle one, while `/api/users/me` keeps a p99 of
/// about 5 ms. At equal priority, once the database read moved onto the worker and the worker
/// got faster, sign-ins fell to half the rate (issue 19's figures). Raising bcrypt instead
/// would need a privilege; lowering oneself needs none. Linux applies nice per thread.
pub fn yield_to_sign_ins() {
    thread_local! {
        static DONE: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    }
    if !DONE.with(|done| done.replace(true)) {
        // SAFETY: nice only changes the calling thread's scheduling priority.
        unsafe {
            libc::nice(WORKER_NICE);
        }
    }
}

/// A few threads, one per core, that do nothing but bcrypt, first come first served. A login
/// storm queues here instead of crowding out every other request (the blocking pool would run
/// hundreds of checks at once). They run a little above the HTTP workers (see
/// [`yield_to_sign_ins`]): at nice 10 a sign-in during a storm of API requests got a fifth of
/// the bcrypt rate and waited seconds (`benches/load.sh`, issue 19).
pub struct PasswordPool {
    jobs: mpsc::Sender<Job>,
    /// Jobs queued and jobs running, for the metrics.
    waiting: Arc<AtomicUsize>,
    busy: Arc<AtomicUsize>,
}

impl PasswordPool {
    /// Starts `threads` bcrypt threads.
    pub fn new(threads: usize) -> Self {
        let (jobs, queue) = mpsc::channel::<Job>();
        let queue = Arc::new(Mutex::new(queue));
        for i in 0..threads.max(1) {
            let queue = Arc::clone(&queue);
            std::thread::Builder::new()
                .name(format!("sigil-bcrypt-{i}"))
                .spawn(move || loop {
                    let job = match queue.lock() {
                        Ok(q) => q.recv(),
                        Err(_) => return,
                    };
                    match job {
                        Ok(job) => job(),
                        Err(_) => return,
                    }
                })
                .expect("the OS starts a thread at start-up");
        }
        Self {
            jobs,
            waiting: Arc::default(),
            busy: Arc::default(),
        }
    }

    /// Jobs waiting for a thread, and threads hashing.
    pub fn load(&self) -> (usize, usize) {
        (
            self.waiting.load(Ordering::Relaxed),
            self.busy.load(Ordering::Relaxed),
        )
    }

    /// Runs `f` on a bcrypt thread and waits for it without blocking the async worker.
    pub async fn run<T, F>(&self, f: F) -> Result<T, AppError>
    where
        T: Send + 'static,
        F: FnOnce() -> T + Send + 'static,
    {
        let (done, result) = tokio::sync::oneshot::channel();
        let (waiting, busy) = (Arc::clone(&self.waiting), Arc::clone(&self.busy));
        waiting.fetch_add(1, Ordering::Relaxed);
        self.jobs
            .send(Box::new(crate::logging::carry(move || {
                waiting.fetch_sub(1, Ordering::Relaxed);
                busy.fetch_add(1, Ordering::Relaxed);
                let _ = done.send(f());
                busy.fetch_sub(1, Ordering::Relaxed);
            })))
            .map_err(|_| {
                self.waiting.fetch_sub(1, Ordering::Relaxed);
                AppError::internal("the password threads have stopped")
            })?;
        result
            .await
            .map_err(|_| AppError::internal("a password check was dropped"))
    }
}

/// bcrypt at the configured cost, on the [`PasswordPool`]. Checking a login against no user
/// verifies against a dummy hash of the same cost, so both failures take the same time.
pub struct Passwords {
    pool: PasswordPool,
    cost: u32,
    /// Computed in the background at start-up so it does not delay readiness.
    dummy: Arc<OnceLock<String>>,
}

impl Passwords {
    /// One bcrypt thread per core; the dummy hash is computed on a thread of its own.
    pub fn new(cost: u32) -> Self {
        let dummy = Arc::new(OnceLock::new());
        let slot = Arc::clone(&dummy);
        std::thread::spawn(move || {
            let _ = slot.set(dummy_hash(cost));
        });
        Self {
            pool: PasswordPool::new(std::thread::available_parallelism().map_or(1, |n| n.get())),
            cost,
            dummy,
        }
    }

    /// Jobs waiting for a bcrypt thread, and threads hashing.
    pub fn load(&self) -> (usize, usize) {
        self.pool.load()
    }

    /// Hashes a new password at the configured cost.
    pub async fn hash(&self, new: Password) -> Result<String, AppError> {
        let cost = self.cost;
        self.pool
            .run(move || hash(&new, cost))
            .await?
            .map_err(AppError::internal)
    }

    /// Checks `candidate` against `stored`, or against the dummy hash when there is no user:
    /// `false` either way, in the same time.
    pub async fn verify(
        &self,
        candidate: String,
        stored: Option<String>,
    ) -> Result<bool, AppError> {
        let dummy = Arc::clone(&self.dummy);
        let cost = self.cost;
        self.pool
            .run(move || match stored {
                Some(stored) => verify(&candidate, &stored),
                None => {
                    verify(&candidate, dummy.get_or_init(|| dummy_hash(cost)));
                    false
                }
            })
            .await
    }
}

/// Hashes a new password at `cost`. [`Password`] already refused anything over 72 bytes, so
/// bcrypt uses every byte. (bcrypt's own `non_truncating_*` functions count the C string's NUL
/// terminator and so refuse a 72-byte password, which bcrypt in fact keys on in full.)
pub fn hash(password: &Password, cost: u32) -> Result<String, bcrypt::BcryptError> {
    debug_assert!(password.expose().len() <= Password::MAX_BYTES);
    bcrypt::hash(password.expose(), cost)
}

/// Checks a password against a stored hash; a candidate over 72 bytes never matches.
/// Callers with no user still call this, against [`dummy_hash`], so that an unknown user and a
/// wrong password take the same time.
pub fn verify(candidate: &str, stored_hash: &str) -> bool {
    if candidate.len() > Password::MAX_BYTES {
        // Still spend the time of a check, so length does not tell whether the user exists.
        let _ = bcrypt::verify(&candidate.as_bytes()[..Password::MAX_BYTES], stored_hash);
        return false;
    }
    bcrypt::verify(candidate, stored_hash).unwrap_or(false)
}

/// A hash of a random password at `cost`, made once at start-up, to verify against when the
/// user does not exist.
pub fn dummy_hash(cost: u32) -> String {
    let mut bytes = [0u8; 18];
    rand_core::RngCore::fill_bytes(&mut rand_core::OsRng, &mut bytes);
    let random = hex::encode(bytes);
    bcrypt::hash(random, cost).expect("bcrypt hashes a 36-byte password at a validated cost")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_then_verify() {
        let p = Password::parse("correct horse battery").unwrap();
        let h = hash(&p, 4).unwrap();
        assert!(h.starts_with("$2b$04$"));
        assert!(verify("correct horse battery", &h));
        assert!(!verify("correct horse batterx", &h));
        assert!(!verify("correct horse battery", &dummy_hash(4)));
    }

    #[test]
    fn long_candidates_never_match_by_truncation() {
        let p = Password::parse(&"a".repeat(72)).unwrap();
        let h = hash(&p, 4).unwrap();
        assert!(verify(&"a".repeat(72), &h));
        assert!(!verify(&format!("{}b", "a".repeat(72)), &h));
    }
}
