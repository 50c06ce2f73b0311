//! The background threads (the mail sender, the audit purge, the session sweep): started
//! with a stop signal, told at shutdown to stop after their current item, and waited for. Also the follow-up
//! tasks a request starts without waiting for them (a reset link, an audit write), which a
//! shutdown waits for too.

use std::future::Future;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// Raised once, at shutdown. A thread checks it between items, and sleeps on it.
#[derive(Clone, Default)]
pub struct StopSignal(Arc<(Mutex<bool>, Condvar)>);

impl StopSignal {
    pub fn is_raised(&self) -> bool {
        *self.0 .0.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn raise(&self) {
        *self.0 .0.lock().unwrap_or_else(PoisonError::into_inner) = true;
        self.0 .1.notify_all();
    }

    /// Sleeps for `period`, or until the signal is raised; says whether it was.
    pub fn sleep(&self, period: Duration) -> bool {
        let (raised, woken) = &*self.0;
        let guard = raised.lock().unwrap_or_else(PoisonError::into_inner);
        let (guard, _) = woken
            .wait_timeout_while(guard, period, |raised| !*raised)
            .unwrap_or_else(PoisonError::into_inner);
        *guard
    }
}

type Waker = Box<dyn Fn() + Send + Sync>;

/// This instance's background threads.
#[derive(Default)]
pub struct Background {
    stop: StopSignal,
    threads: Mutex<Vec<(String, JoinHandle<()>)>>,
    /// Called when the signal is raised, for threads that wait on something else (a channel).
    wakers: Mutex<Vec<Waker>>,
    /// Follow-up tasks not yet finished.
    detached: Arc<AtomicUsize>,
}

/// Counts a follow-up task as finished when it ends, or is dropped unfinished.
struct Detached(Arc<AtomicUsize>);

impl Drop for Detached {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

impl Background {
    /// Starts a named thread that is given the stop signal.
    pub fn spawn(
        &self,
        name: &str,
        work: impl FnOnce(StopSignal) + Send + 'static,
    ) -> std::io::Result<()> {
        let stop = self.stop.clone();
        let handle = std::thread::Builder::new()
            .name(name.into())
            .spawn(move || work(stop))?;
        self.lock_threads().push((name.to_string(), handle));
        Ok(())
    }

    /// Runs follow-up work of a request without making it wait. Under `sigil serve` the task
    /// runs on the main thread's runtime, which outlives the HTTP workers, and a shutdown
    /// waits for it ([`Background::settle`]); a worker's runtime would drop it unfinished when
    /// the worker stops.
    pub fn detach(&self, work: impl Future<Output = ()> + Send + 'static) {
        self.detached.fetch_add(1, Ordering::SeqCst);
        let guard = Detached(Arc::clone(&self.detached));
        let task = async move {
            work.await;
            drop(guard);
        };
        match actix_web::rt::System::try_current() {
            // If the main runtime is gone the task is dropped, and the guard with it.
            Some(system) => drop(system.arbiter().spawn(task)),
            // Embedded in a plain tokio runtime (the tests): the current one.
            None => drop(actix_web::rt::spawn(task)),
        }
    }

    /// Waits up to `limit` for the detached follow-up tasks; says how many are left.
    pub async fn settle(&self, limit: Duration) -> usize {
        let deadline = Instant::now() + limit;
        while self.detached.load(Ordering::SeqCst) > 0 && Instant::now() < deadline {
            actix_web::rt::time::sleep(Duration::from_millis(10)).await;
        }
        self.detached.load(Ordering::SeqCst)
    }

    /// `wake` is called at shutdown, after the signal is raised.
    pub fn on_stop(&self, wake: impl Fn() + Send + Sync + 'static) {
        self.wakers
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(Box::new(wake));
    }

    /// Raises the stop signal and wakes the threads that wait on something else, without
    /// waiting for them to end. A second call does nothing.
    pub fn signal_stop(&self) {
        if self.stop.is_raised() {
            return;
        }
        self.stop.raise();
        for wake in self
            .wakers
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .iter()
        {
            wake();
        }
    }

    /// Raises the stop signal and waits up to `limit` for every thread to finish its current
    /// item and return. Returns the names of those still running (left behind).
    pub fn stop(&self, limit: Duration) -> Vec<String> {
        self.signal_stop();
        let deadline = Instant::now() + limit;
        let mut threads = std::mem::take(&mut *self.lock_threads());
        while !threads.is_empty() && Instant::now() < deadline {
            let (done, running): (Vec<_>, Vec<_>) =
                threads.into_iter().partition(|(_, h)| h.is_finished());
            for (name, handle) in done {
                if handle.join().is_err() {
                    log::error!("background thread {name} panicked");
                }
            }
            threads = running;
            if !threads.is_empty() {
                std::thread::sleep(Duration::from_millis(10));
            }
        }
        threads.into_iter().map(|(name, _)| name).collect()
    }

    fn lock_threads(&self) -> std::sync::MutexGuard<'_, Vec<(String, JoinHandle<()>)>> {
        self.threads.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Signals the background threads to stop when dropped, without waiting for them. A server's
/// future holds one, so a future dropped before it ends (its runtime shut down, as at the end
/// of every API test) does not leave its threads running, nor the database pool they hold,
/// whose upkeep would go on reconnecting to a database that may be gone.
pub struct StopWhenDropped(pub Arc<Background>);

impl Drop for StopWhenDropped {
    fn drop(&mut self) {
        self.0.signal_stop();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sleeping_thread_stops_at_once_and_a_stuck_one_is_named() {
        let background = Background::default();
        background
            .spawn(
                "sleeper",
                |stop| while !stop.sleep(Duration::from_secs(3600)) {},
            )
            .unwrap();
        let started = Instant::now();
        assert!(background.stop(Duration::from_secs(5)).is_empty());
        assert!(started.elapsed() < Duration::from_secs(1));

        let background = Background::default();
        background
            .spawn("stuck", |_| std::thread::sleep(Duration::from_secs(2)))
            .unwrap();
        assert_eq!(background.stop(Duration::from_millis(50)), ["stuck"]);
    }

    #[test]
    fn a_dropped_guard_signals_once_and_a_later_stop_finds_the_threads_ended() {
        let background = Arc::new(Background::default());
        let (ended, woken) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
        let done = Arc::clone(&ended);
        background
            .spawn("sleeper", move |stop| {
                while !stop.sleep(Duration::from_secs(3600)) {}
                done.fetch_add(1, Ordering::SeqCst);
            })
            .unwrap();
        let wakes = Arc::clone(&woken);
        background.on_stop(move || {
            wakes.fetch_add(1, Ordering::SeqCst);
        });
        let guard = StopWhenDropped(Arc::clone(&background));
        assert!(!background.stop.is_raised());
        drop(guard);
        let started = Instant::now();
        while ended.load(Ordering::SeqCst) == 0 && started.elapsed() < Duration::from_secs(5) {
            std::thread::sleep(Duration::from_millis(5));
        }
        assert_eq!(
            ended.load(Ordering::SeqCst),
            1,
            "the thread ended on the signal"
        );
        assert!(background.stop(Duration::from_secs(1)).is_empty());
        assert_eq!(
            woken.load(Ordering::SeqCst),
            1,
            "woken once, not again by stop"
        );
    }
}
