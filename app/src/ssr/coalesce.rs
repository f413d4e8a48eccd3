//! Concurrent reads of one key share one database round trip — and none is answered from a
//! read that began before it asked.
//!
//! Every authenticated request loads its session from the database, so that a logout, a
//! password change or "log out everywhere" through any instance ends the session on every
//! instance at once. Under load many requests of one session are in flight together, and each
//! paid a round trip to the database of its own: measured, that round trip was half of a
//! validation's cost (README, "Load on the validate API").
//!
//! [`Coalesced::read`] keeps what the per-request read promised and shares the trip: callers
//! that ask for a key while its read is running wait for the *next* read, which starts when
//! the running one ends and answers all of them. A caller is therefore never answered from a
//! read that started before it asked: a change committed before the request arrived — through
//! this instance or any other — is always seen, exactly as with a read of its own. What is
//! shared is only the round trip, never a stale answer; there is no cache and no time-to-live.

use std::{
    collections::HashMap,
    future::Future,
    hash::Hash,
    sync::{Arc, Mutex, PoisonError},
};

use tokio::sync::oneshot;

type Waiting<K, V> = Arc<Mutex<HashMap<K, Vec<oneshot::Sender<V>>>>>;

/// Shared reads per key (cheap to clone: clones share their reads).
pub struct Coalesced<K, V> {
    /// Per key with a read under way, the callers waiting for the next one.
    waiting: Waiting<K, V>,
}

impl<K, V> Clone for Coalesced<K, V> {
    fn clone(&self) -> Self {
        Self {
            waiting: self.waiting.clone(),
        }
    }
}

impl<K, V> Default for Coalesced<K, V> {
    fn default() -> Self {
        Self {
            waiting: Arc::default(),
        }
    }
}

impl<K, V> std::fmt::Debug for Coalesced<K, V> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Coalesced").finish_non_exhaustive()
    }
}

/// The read of a key stopped without an answer (it panicked, or the runtime is shutting down).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadStopped;

impl<K, V> Coalesced<K, V>
where
    K: Eq + Hash + Clone + Send + 'static,
    V: Clone + Send + 'static,
{
    /// `read(key)`'s answer from a read that started after this call: the running read's when
    /// none is running for `key`, otherwise the one after it, shared with every caller that
    /// asked meanwhile. The reads run on their own task, so a caller that gives up (a closed
    /// connection) does not cancel the others' answer.
    ///
    /// # Errors
    /// [`ReadStopped`] when the read ended without an answer.
    pub async fn read<F, Fut>(&self, key: K, read: F) -> Result<V, ReadStopped>
    where
        F: Fn(K) -> Fut + Send + 'static,
        Fut: Future<Output = V> + Send + 'static,
    {
        let (answer, answered) = oneshot::channel();
        let first = {
            let mut waiting = self.waiting.lock().unwrap_or_else(PoisonError::into_inner);
            match waiting.get_mut(&key) {
                Some(callers) => {
                    callers.push(answer);
                    false
                }
                None => {
                    waiting.insert(key.clone(), vec![answer]);
                    true
                }
            }
        };
        if first {
            tokio::spawn(run_reads(self.waiting.clone(), key, read));
        }
        answered.await.map_err(|_| ReadStopped)
    }
}

/// Reads `key` for the callers waiting, again while more arrived during the read, and removes
/// the key when a read ends with nobody waiting. If a read panics, the key is removed too
/// (its callers get [`ReadStopped`]), so a later caller starts afresh instead of waiting forever.
async fn run_reads<K, V, F, Fut>(waiting: Waiting<K, V>, key: K, read: F)
where
    K: Eq + Hash + Clone,
    V: Clone,
    F: Fn(K) -> Fut,
    Fut: Future<Output = V>,
{
    let mut unwinding = Forget {
        waiting: waiting.clone(),
        key: key.clone(),
        armed: true,
    };
    loop {
        let callers = {
            let mut all = waiting.lock().unwrap_or_else(PoisonError::into_inner);
            match all.get_mut(&key) {
                Some(callers) if !callers.is_empty() => std::mem::take(callers),
                _ => {
                    all.remove(&key);
                    break;
                }
            }
        };
        let value = read(key.clone()).await;
        for caller in callers {
            // A caller that gave up has dropped its receiver: nothing to tell it.
            let _ = caller.send(value.clone());
        }
    }
    unwinding.armed = false;
}

/// Removes a key whose reads stopped by unwinding (see [`run_reads`]): dropped while `armed`.
struct Forget<K: Eq + Hash, V> {
    waiting: Waiting<K, V>,
    key: K,
    armed: bool,
}

impl<K: Eq + Hash, V> Drop for Forget<K, V> {
    fn drop(&mut self) {
        if self.armed {
            self.waiting
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .remove(&self.key);
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicU64, Ordering};

    use tokio::sync::Semaphore;

    use super::*;

    /// A "database": a value that writes raise, and reads that count themselves and wait for
    /// the test to let each one finish.
    #[derive(Clone)]
    struct Database {
        value: Arc<AtomicU64>,
        reads: Arc<AtomicU64>,
        finish: Arc<Semaphore>,
    }

    type Read = std::pin::Pin<Box<dyn Future<Output = (&'static str, u64)> + Send>>;

    impl Default for Database {
        fn default() -> Self {
            Self {
                value: Arc::default(),
                reads: Arc::default(),
                finish: Arc::new(Semaphore::new(0)),
            }
        }
    }

    impl Database {
        fn reader(&self) -> impl Fn(&'static str) -> Read + Send + 'static {
            let db = self.clone();
            move |key| {
                let db = db.clone();
                Box::pin(async move {
                    db.reads.fetch_add(1, Ordering::SeqCst);
                    // The value as the read begins: what a database read would see.
                    let seen = db.value.load(Ordering::SeqCst);
                    db.finish.acquire().await.expect("open").forget();
                    (key, seen)
                })
            }
        }

        /// A caller reading key `s` through `shared` on a task of its own.
        fn caller(
            &self,
            shared: &Coalesced<&'static str, (&'static str, u64)>,
        ) -> tokio::task::JoinHandle<Result<(&'static str, u64), ReadStopped>> {
            let (shared, read) = (shared.clone(), self.reader());
            tokio::spawn(async move { shared.read("s", read).await })
        }

        async fn until_reads(&self, n: u64) {
            while self.reads.load(Ordering::SeqCst) < n {
                tokio::task::yield_now().await;
            }
        }
    }

    #[tokio::test]
    async fn callers_arriving_during_a_read_share_the_next_one_and_see_writes_before_it() {
        let db = Database::default();
        let shared = Coalesced::default();
        let first = db.caller(&shared);
        db.until_reads(1).await;
        // Committed while the first read is under way: the callers that come now must see it.
        db.value.store(1, Ordering::SeqCst);
        let later: Vec<_> = (0..10).map(|_| db.caller(&shared)).collect();
        for _ in 0..50 {
            tokio::task::yield_now().await;
        }
        assert_eq!(
            db.reads.load(Ordering::SeqCst),
            1,
            "the ten wait for the running read"
        );
        db.finish.add_permits(1);
        assert_eq!(first.await.expect("joined"), Ok(("s", 0)));
        db.until_reads(2).await;
        db.finish.add_permits(1);
        for caller in later {
            assert_eq!(caller.await.expect("joined"), Ok(("s", 1)));
        }
        assert_eq!(
            db.reads.load(Ordering::SeqCst),
            2,
            "one more read for all ten"
        );
        assert!(shared.waiting.lock().expect("lock").is_empty());
    }

    #[tokio::test]
    async fn other_keys_are_read_on_their_own_and_a_lone_caller_reads_at_once() {
        let db = Database::default();
        db.finish.add_permits(100);
        let shared = Coalesced::default();
        assert_eq!(shared.read("a", db.reader()).await, Ok(("a", 0)));
        db.value.store(7, Ordering::SeqCst);
        assert_eq!(shared.read("a", db.reader()).await, Ok(("a", 7)));
        assert_eq!(shared.read("b", db.reader()).await, Ok(("b", 7)));
        assert_eq!(db.reads.load(Ordering::SeqCst), 3);
    }

    #[tokio::test]
    async fn a_read_that_panics_answers_read_stopped_and_the_next_caller_reads_afresh() {
        let shared: Coalesced<&'static str, u64> = Coalesced::default();
        let answer = shared
            .read("k", |_| async { panic!("the read failed") })
            .await;
        assert_eq!(answer, Err(ReadStopped));
        assert!(shared.waiting.lock().expect("lock").is_empty());
        assert_eq!(shared.read("k", |_| async { 3 }).await, Ok(3));
    }

    #[tokio::test]
    async fn a_caller_that_gives_up_does_not_stop_the_read_for_the_others() {
        let db = Database::default();
        let shared = Coalesced::default();
        let leaving = db.caller(&shared);
        db.until_reads(1).await;
        let staying = db.caller(&shared);
        leaving.abort();
        db.finish.add_permits(2);
        assert_eq!(staying.await.expect("joined"), Ok(("s", 0)));
        assert_eq!(db.reads.load(Ordering::SeqCst), 2);
    }
}
