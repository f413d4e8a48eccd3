//! Concurrent reads share one database round trip — and none is answered from a read that
//! began before it asked.
//!
//! Every authenticated request loads its session from the database, so that a logout, a
//! password change or "log out everywhere" through any instance ends the session on every
//! instance at once. Under load many requests are in flight together, and each paid a round
//! trip to the database of its own: measured, that round trip was half of a validation's cost
//! (README, "Load on the validate API").
//!
//! [`Coalesced::read`] keeps what the per-request read promised and shares the trip: one read
//! runs at a time, for every key asked for since the previous one started (up to
//! [`MAX_BATCH`] keys; the rest wait for the next). Callers that ask while a read is running
//! wait for the *next* read, which starts when the running one ends. A caller is therefore
//! never answered from a read that started before it asked: a change committed before the
//! request arrived — through this instance or any other — is always seen, exactly as with a
//! read of its own. What is shared is only the round trip, never a stale answer; there is no
//! cache and no time-to-live.

use std::{
    collections::HashMap,
    future::Future,
    hash::Hash,
    pin::Pin,
    sync::{Arc, Mutex, PoisonError},
};

use tokio::sync::oneshot;

/// The most keys one read asks for (a bound on the query's size, whatever the load).
pub const MAX_BATCH: usize = 256;

struct Pending<K, V> {
    /// Whether a task is running reads (it takes the next batch when its read ends).
    running: bool,
    /// Per key asked for since the running read started, its callers.
    waiting: HashMap<K, Vec<oneshot::Sender<V>>>,
}

type Shared<K, V> = Arc<Mutex<Pending<K, V>>>;

/// A read of some keys: one value per key, in order.
type Read<K, V> = Arc<dyn Fn(Vec<K>) -> Pin<Box<dyn Future<Output = Vec<V>> + Send>> + Send + Sync>;

/// Shared reads (cheap to clone: clones share their reads).
pub struct Coalesced<K, V> {
    pending: Shared<K, V>,
    read: Read<K, V>,
}

impl<K, V> Clone for Coalesced<K, V> {
    fn clone(&self) -> Self {
        Self {
            pending: self.pending.clone(),
            read: self.read.clone(),
        }
    }
}

impl<K, V> std::fmt::Debug for Coalesced<K, V> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Coalesced").finish_non_exhaustive()
    }
}

/// The read stopped without an answer for the key (it panicked, answered fewer values than it
/// was asked keys, or the runtime is shutting down).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadStopped;

impl<K, V> Coalesced<K, V>
where
    K: Eq + Hash + Clone + Send + 'static,
    V: Clone + Send + 'static,
{
    /// Shared reads with `read(keys)`, which answers one value per key, in order.
    pub fn new<F, Fut>(read: F) -> Self
    where
        F: Fn(Vec<K>) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Vec<V>> + Send + 'static,
    {
        Self {
            pending: Arc::new(Mutex::new(Pending {
                running: false,
                waiting: HashMap::new(),
            })),
            read: Arc::new(move |keys| Box::pin(read(keys))),
        }
    }

    /// `key`'s value from a read that started after this call. The reads run on their own
    /// task, so a caller that gives up (a closed connection) does not cancel the others'
    /// answer.
    ///
    /// # Errors
    /// [`ReadStopped`] when the read ended without an answer for `key`.
    pub async fn read(&self, key: K) -> Result<V, ReadStopped> {
        let (answer, answered) = oneshot::channel();
        let start = {
            let mut pending = self.pending.lock().unwrap_or_else(PoisonError::into_inner);
            pending.waiting.entry(key).or_default().push(answer);
            !std::mem::replace(&mut pending.running, true)
        };
        if start {
            tokio::spawn(run_reads(self.pending.clone(), self.read.clone()));
        }
        answered.await.map_err(|_| ReadStopped)
    }
}

/// Reads for the callers waiting, again while more arrived during the read, and stops when a
/// read ends with nobody waiting. If a read panics, the callers waiting are let go (they get
/// [`ReadStopped`]) and the next caller starts afresh instead of waiting forever.
async fn run_reads<K, V>(pending: Shared<K, V>, read: Read<K, V>)
where
    K: Eq + Hash + Clone,
    V: Clone,
{
    let mut unwinding = LetGo {
        pending: pending.clone(),
        armed: true,
    };
    loop {
        let (keys, callers): (Vec<K>, Vec<Vec<oneshot::Sender<V>>>) = {
            let mut pending = pending.lock().unwrap_or_else(PoisonError::into_inner);
            if pending.waiting.is_empty() {
                pending.running = false;
                break;
            }
            let keys: Vec<K> = pending.waiting.keys().take(MAX_BATCH).cloned().collect();
            let callers = keys
                .iter()
                .map(|key| pending.waiting.remove(key).unwrap_or_default())
                .collect();
            (keys, callers)
        };
        let values = read(keys).await;
        for (callers, value) in callers.into_iter().zip(values) {
            for caller in callers {
                // A caller that gave up has dropped its receiver: nothing to tell it.
                let _ = caller.send(value.clone());
            }
        }
    }
    unwinding.armed = false;
}

/// Lets the waiting callers go when reads stop by unwinding (see [`run_reads`]): dropped while
/// `armed`.
struct LetGo<K, V> {
    pending: Shared<K, V>,
    armed: bool,
}

impl<K, V> Drop for LetGo<K, V> {
    fn drop(&mut self) {
        if self.armed {
            let mut pending = self.pending.lock().unwrap_or_else(PoisonError::into_inner);
            pending.waiting.clear();
            pending.running = false;
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicU64, Ordering};

    use tokio::sync::Semaphore;

    use super::*;

    /// A "database": a value that writes raise, and reads that record the keys they were asked
    /// and wait for the test to let each one finish.
    #[derive(Clone)]
    struct Database {
        value: Arc<AtomicU64>,
        reads: Arc<Mutex<Vec<Vec<u32>>>>,
        finish: Arc<Semaphore>,
    }

    type Answer = Result<(u32, u64), ReadStopped>;

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
        /// Reads shared over this database.
        fn shared(&self) -> Coalesced<u32, (u32, u64)> {
            let db = self.clone();
            Coalesced::new(move |keys: Vec<u32>| {
                let db = db.clone();
                async move {
                    db.reads.lock().expect("lock").push(keys.clone());
                    // The value as the read begins: what a database read would see.
                    let seen = db.value.load(Ordering::SeqCst);
                    db.finish.acquire().await.expect("open").forget();
                    keys.into_iter().map(|key| (key, seen)).collect()
                }
            })
        }

        /// A caller reading `key` through `shared` on a task of its own.
        fn caller(
            &self,
            shared: &Coalesced<u32, (u32, u64)>,
            key: u32,
        ) -> tokio::task::JoinHandle<Answer> {
            let shared = shared.clone();
            tokio::spawn(async move { shared.read(key).await })
        }

        fn reads(&self) -> Vec<Vec<u32>> {
            let mut reads = self.reads.lock().expect("lock").clone();
            for keys in &mut reads {
                keys.sort_unstable();
            }
            reads
        }

        async fn until_reads(&self, n: usize) {
            while self.reads.lock().expect("lock").len() < n {
                tokio::task::yield_now().await;
            }
        }
    }

    async fn settle() {
        for _ in 0..50 {
            tokio::task::yield_now().await;
        }
    }

    #[tokio::test]
    async fn callers_arriving_during_a_read_share_the_next_one_and_see_writes_before_it() {
        let db = Database::default();
        let shared = db.shared();
        let first = db.caller(&shared, 1);
        db.until_reads(1).await;
        // Committed while the first read is under way: the callers that come now must see it,
        // the one for the key being read included.
        db.value.store(1, Ordering::SeqCst);
        let later: Vec<_> = (0..10).map(|i| db.caller(&shared, i % 3)).collect();
        settle().await;
        assert_eq!(db.reads(), [vec![1]], "the ten wait for the running read");
        db.finish.add_permits(1);
        assert_eq!(first.await.expect("joined"), Ok((1, 0)));
        db.until_reads(2).await;
        db.finish.add_permits(1);
        for (i, caller) in later.into_iter().enumerate() {
            let key = u32::try_from(i % 3).expect("small");
            assert_eq!(caller.await.expect("joined"), Ok((key, 1)));
        }
        assert_eq!(db.reads(), [vec![1], vec![0, 1, 2]], "one read for all ten");
        let pending = shared.pending.lock().expect("lock");
        assert!(!pending.running && pending.waiting.is_empty());
    }

    #[tokio::test]
    async fn a_lone_caller_reads_at_once_and_sees_what_was_written_before() {
        let db = Database::default();
        db.finish.add_permits(100);
        let shared = db.shared();
        assert_eq!(shared.read(5).await, Ok((5, 0)));
        db.value.store(7, Ordering::SeqCst);
        assert_eq!(shared.read(5).await, Ok((5, 7)));
        assert_eq!(shared.read(6).await, Ok((6, 7)));
        assert_eq!(db.reads(), [vec![5], vec![5], vec![6]]);
    }

    #[tokio::test]
    async fn a_read_asks_for_at_most_max_batch_keys() {
        let db = Database::default();
        let shared = db.shared();
        let first = db.caller(&shared, u32::MAX);
        db.until_reads(1).await;
        let many = u32::try_from(MAX_BATCH + 10).expect("small");
        let later: Vec<_> = (0..many).map(|key| db.caller(&shared, key)).collect();
        settle().await;
        db.finish.add_permits(3);
        assert!(first.await.expect("joined").is_ok());
        for caller in later {
            assert!(caller.await.expect("joined").is_ok());
        }
        let sizes: Vec<usize> = db.reads().iter().map(Vec::len).collect();
        assert_eq!(sizes, [1, MAX_BATCH, 10]);
    }

    #[tokio::test]
    async fn a_read_that_panics_or_answers_short_lets_its_callers_go() {
        // The first read panics, the next ones answer.
        let failed = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let shared = Coalesced::new(move |_: Vec<u32>| {
            let first = !failed.swap(true, Ordering::SeqCst);
            async move {
                assert!(!first, "the read failed");
                vec![3_u64]
            }
        });
        assert_eq!(shared.read(1).await, Err(ReadStopped));
        assert!(!shared.pending.lock().expect("lock").running);
        assert_eq!(shared.read(1).await, Ok(3));
        let short: Coalesced<u32, u64> = Coalesced::new(|_| async { vec![] });
        assert_eq!(short.read(1).await, Err(ReadStopped));
    }

    #[tokio::test]
    async fn a_caller_that_gives_up_does_not_stop_the_read_for_the_others() {
        let db = Database::default();
        let shared = db.shared();
        let leaving = db.caller(&shared, 1);
        db.until_reads(1).await;
        let staying = db.caller(&shared, 1);
        leaving.abort();
        db.finish.add_permits(2);
        assert_eq!(staying.await.expect("joined"), Ok((1, 0)));
        assert_eq!(db.reads(), [vec![1], vec![1]]);
    }
}
