//! The console's session store: tower-sessions records in the `sessions` table.
//!
//! - The table holds only a hash of each session id: the cookie holds the id, the row's key is
//!   SHA-256 of it, so read access to the database file (a backup, a copied volume) does not
//!   hand out live admin sessions.
//! - Each row copies the logged-in user's id and session epoch out of the record, and loading
//!   a session joins the user: a session whose user is gone, or whose epoch is behind the
//!   user's (a password change or "log out everywhere" raised it, through any instance), does
//!   not load. That check used to be a second query on every request; now it is part of the
//!   one that reads the session.
//! - A request that read a session just before its epoch moved on may still save it (the
//!   idle-timeout touch): the row keeps the old epoch, so it never loads again.
//! - The same query reads the database's deployment change counter (`change_counter`, raised
//!   by triggers with every change to a deployment or anything in it) into the loaded record
//!   under [`CHANGES_KEY`]: the request then knows, without another round trip, whether the
//!   deployments this instance keeps parsed are current (see `deployments::ScopeCache`).
//! - Requests that load sessions at the same time share one query for all of them
//!   ([`Coalesced`]): a request waits for the next query that starts after it asked, never
//!   an earlier one, so every request still sees everything committed before it arrived.

use std::{collections::HashMap, sync::Arc};

use serde::Deserialize;
use sha2::{Digest, Sha256};
use tower_sessions::{
    SessionStore,
    cookie::time::OffsetDateTime,
    session::{Id, Record},
    session_store::{self, ExpiredDeletion},
};

use crate::ssr::{
    auth::{SESSION_USER_KEY, SessionUser},
    coalesce::Coalesced,
    db::{self, Pool, sessions::SessionRow},
};

/// Where a loaded record carries the deployment change counter read with it. Set on every
/// load (a saved copy of an older value is overwritten), never by a request.
pub const CHANGES_KEY: &str = "tc.deployment_changes";

/// One session's load: its record (`None`: no live session), or the error shared by the
/// requests that waited for the query.
type Loaded = Result<Option<Record>, Arc<session_store::Error>>;

/// The store, on either backend. Cheap to clone.
#[derive(Clone, Debug)]
pub struct DbSessions {
    pool: Pool,
    /// Session loads under way.
    loads: Coalesced<Id, Loaded>,
}

impl DbSessions {
    /// A store on `pool`, whose migrations created the `sessions` table.
    pub fn new(pool: Pool) -> Self {
        let reading = pool.clone();
        Self {
            pool,
            loads: Coalesced::new(move |ids: Vec<Id>| {
                let pool = reading.clone();
                async move { load_now(&pool, &ids).await }
            }),
        }
    }
}

/// The id stored for the session whose cookie holds `id`.
pub fn stored_id(id: &Id) -> String {
    let digest = Sha256::new()
        .chain_update(b"trust-console session id\0")
        .chain_update(id.0.to_le_bytes())
        .finalize();
    let mut bytes = [0_u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    Id(i128::from_le_bytes(bytes)).to_string()
}

/// The logged-in user a record carries, as the row's `user_id` and `epoch` copy it.
fn owner(record: &Record) -> (Option<i64>, Option<i64>) {
    record
        .data
        .get(SESSION_USER_KEY)
        .and_then(|value| SessionUser::deserialize(value).ok())
        .map_or((None, None), |user| (Some(user.user_id), Some(user.epoch)))
}

/// A copy of a shared load's error for one of the requests that waited for it.
fn duplicate(error: &session_store::Error) -> session_store::Error {
    use session_store::Error::{Backend, Decode, Encode};
    match error {
        Encode(message) => Encode(message.clone()),
        Decode(message) => Decode(message.clone()),
        Backend(message) => Backend(message.clone()),
    }
}

fn backend(error: sqlx::Error) -> session_store::Error {
    session_store::Error::Backend(error.to_string())
}

fn encode(record: &Record) -> session_store::Result<Vec<u8>> {
    serde_json::to_vec(record).map_err(|e| session_store::Error::Encode(e.to_string()))
}

fn unix_now() -> i64 {
    OffsetDateTime::now_utc().unix_timestamp()
}

impl DbSessions {
    /// Writes `record`'s row: a new one, or over an existing one when `replace`. Whether a row
    /// was written (`false`: the id is taken and `replace` was not asked for).
    async fn write(&self, record: &Record, replace: bool) -> session_store::Result<bool> {
        let id = stored_id(&record.id);
        let data = encode(record)?;
        let expiry = record.expiry_date.unix_timestamp();
        db::sessions::write(&self.pool, &id, &data, expiry, owner(record), replace)
            .await
            .map_err(backend)
    }
}

#[async_trait::async_trait]
impl SessionStore for DbSessions {
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        // A new id until its hash is unused (collisions are astronomically rare).
        while !self.write(record, false).await? {
            record.id = Id::default();
        }
        Ok(())
    }

    async fn save(&self, record: &Record) -> session_store::Result<()> {
        self.write(record, true).await.map(drop)
    }

    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        self.loads
            .read(*id)
            .await
            .map_err(|_| session_store::Error::Backend("the session read stopped".to_owned()))?
            .map_err(|shared| duplicate(&shared))
    }

    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        let stored = stored_id(id);
        db::sessions::delete(&self.pool, &stored)
            .await
            .map_err(backend)
    }
}

/// Reads the sessions `ids` now, in one query: one answer per id, in order (see
/// [`SessionStore::load`], which shares these reads).
async fn load_now(pool: &Pool, ids: &[Id]) -> Vec<Loaded> {
    let stored: Vec<String> = ids.iter().map(stored_id).collect();
    let now = unix_now();
    let rows = match stored.as_slice() {
        // Alone (one session in use, or a quiet moment): the primary-key lookup.
        [one] => db::sessions::load(pool, one, now)
            .await
            .map(|row| row.into_iter().collect()),
        _ => db::sessions::load_many(pool, &stored, now).await,
    };
    let rows = match rows {
        Ok(rows) => rows,
        Err(error) => {
            let error = Arc::new(backend(error));
            return ids.iter().map(|_| Err(error.clone())).collect();
        }
    };
    let mut rows: HashMap<String, SessionRow> =
        rows.into_iter().map(|row| (row.id.clone(), row)).collect();
    ids.iter()
        .zip(&stored)
        .map(|(id, stored)| match rows.remove(stored) {
            Some(row) => record(*id, &row).map(Some).map_err(Arc::new),
            None => Ok(None),
        })
        .collect()
}

/// The record a row holds, as the request with cookie id `id` gets it.
fn record(id: Id, row: &SessionRow) -> session_store::Result<Record> {
    let mut record: Record = serde_json::from_slice(&row.data)
        .map_err(|e| session_store::Error::Decode(e.to_string()))?;
    record
        .data
        .insert(CHANGES_KEY.to_owned(), row.changes.into());
    Ok(Record { id, ..record })
}

#[async_trait::async_trait]
impl ExpiredDeletion for DbSessions {
    async fn delete_expired(&self) -> session_store::Result<()> {
        let now = unix_now();
        db::sessions::delete_expired(&self.pool, now)
            .await
            .map_err(backend)
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;
    use tower_sessions::cookie::time::Duration;

    use super::*;
    use crate::ssr::db::testing::{exec, memory_pool, scalar};

    async fn pool() -> Pool {
        let pool = memory_pool().await;
        exec(
            &pool,
            "INSERT INTO users (id, username, password_hash) VALUES (7, 'alice', 'x')",
        )
        .await;
        pool
    }

    fn record(user: Option<(i64, i64)>, expires_in: Duration) -> Record {
        let mut data = HashMap::new();
        if let Some((user_id, epoch)) = user {
            data.insert(
                SESSION_USER_KEY.to_owned(),
                json!({"user_id": user_id, "username": "alice", "csrf_token": "t", "epoch": epoch}),
            );
        }
        Record {
            id: Id::default(),
            data,
            expiry_date: OffsetDateTime::now_utc() + expires_in,
        }
    }

    #[tokio::test]
    async fn the_table_never_sees_the_cookie_id() {
        let pool = pool().await;
        let store = DbSessions::new(pool.clone());
        let mut record = record(Some((7, 0)), Duration::hours(1));
        store.create(&mut record).await.unwrap();
        assert_eq!(
            scalar::<i64>(&pool, "SELECT count(*) FROM sessions").await,
            1
        );
        let ids = vec![scalar::<String>(&pool, "SELECT id FROM sessions").await];
        assert_eq!(ids, [stored_id(&record.id)]);
        assert_ne!(ids[0], record.id.to_string());
        let loaded = store.load(&record.id).await.unwrap().unwrap();
        assert_eq!(loaded.id, record.id);
        assert_eq!(stored_data(loaded), record.data);
        store.delete(&record.id).await.unwrap();
        assert!(store.load(&record.id).await.unwrap().is_none());
    }

    #[tokio::test]
    async fn creating_never_takes_over_a_taken_id_and_saving_replaces() {
        let pool = pool().await;
        let store = DbSessions::new(pool.clone());
        let mut first = record(Some((7, 0)), Duration::hours(1));
        store.create(&mut first).await.unwrap();
        let mut second = Record {
            data: Default::default(),
            ..first.clone()
        };
        store.create(&mut second).await.unwrap();
        assert_ne!(second.id, first.id, "a taken id is replaced by a new one");
        assert_eq!(
            stored_data(store.load(&first.id).await.unwrap().unwrap()),
            first.data
        );
        let emptied = Record {
            data: Default::default(),
            ..first.clone()
        };
        store.save(&emptied).await.unwrap();
        assert!(stored_data(store.load(&first.id).await.unwrap().unwrap()).is_empty());
    }

    /// Several sessions in one query (`load_many`): each answer in the order asked, the live
    /// ones as stored, an expired one, one of a raised epoch and an unknown id as none — the
    /// same verdicts as the one-session lookup.
    #[tokio::test]
    async fn several_sessions_load_in_one_query_with_the_single_lookups_verdicts() {
        let pool = pool().await;
        let store = DbSessions::new(pool.clone());
        let mut earlier = record(Some((7, 0)), Duration::hours(1));
        let mut anonymous = record(None, Duration::hours(1));
        let mut expired = record(Some((7, 0)), Duration::seconds(-5));
        let mut old_epoch = record(Some((7, 0)), Duration::hours(1));
        for r in [&mut earlier, &mut anonymous, &mut expired, &mut old_epoch] {
            store.create(r).await.unwrap();
        }
        exec(&pool, "UPDATE users SET session_epoch = 1 WHERE id = 7").await;
        let mut current = record(Some((7, 1)), Duration::hours(1));
        store.create(&mut current).await.unwrap();
        let unknown = Id::default();
        let ids = [
            earlier.id,
            expired.id,
            anonymous.id,
            unknown,
            old_epoch.id,
            current.id,
        ];
        let together: Vec<Option<Record>> = load_now(&pool, &ids)
            .await
            .into_iter()
            .map(|r| r.unwrap())
            .collect();
        let found: Vec<Option<Id>> = together.iter().map(|r| r.as_ref().map(|r| r.id)).collect();
        assert_eq!(
            found,
            [None, None, Some(anonymous.id), None, None, Some(current.id)],
            "a raised epoch ended `earlier` and `old_epoch`"
        );
        assert_eq!(
            stored_data(together[5].clone().unwrap()),
            current.data,
            "the record as stored"
        );
        for (id, together) in ids.iter().zip(&together) {
            let alone = load_now(&pool, std::slice::from_ref(id)).await;
            assert_eq!(
                alone[0].as_ref().unwrap().as_ref().map(|r| r.id),
                together.as_ref().map(|r| r.id)
            );
        }
        // Requests that load at once share the query and each gets its own session.
        let (a, b) = tokio::join!(store.load(&anonymous.id), store.load(&current.id));
        assert_eq!(a.unwrap().unwrap().id, anonymous.id);
        assert_eq!(b.unwrap().unwrap().id, current.id);
    }

    /// A loaded record's data without the change counter the load adds.
    fn stored_data(mut record: Record) -> HashMap<String, serde_json::Value> {
        assert!(
            record.data.remove(CHANGES_KEY).is_some(),
            "the load adds the counter"
        );
        record.data
    }

    #[tokio::test]
    async fn a_loaded_session_carries_the_deployment_change_counter() {
        let pool = pool().await;
        let store = DbSessions::new(pool.clone());
        let mut session = record(Some((7, 0)), Duration::hours(1));
        store.create(&mut session).await.unwrap();
        let changes = || async {
            store.load(&session.id).await.unwrap().unwrap().data[CHANGES_KEY]
                .as_i64()
                .unwrap()
        };
        let start = changes().await;
        assert_eq!(changes().await, start, "nothing changed");

        let mut conn = pool.acquire().await.unwrap();
        let created = db::deployments::insert(&mut conn, "prod", "{}")
            .await
            .unwrap();
        let after_create = changes().await;
        assert!(after_create > start, "a new deployment");
        // A document inside it raises the deployment's generation, and with it the counter.
        db::documents::insert(&mut conn, created.id, "role", "r1", "{}")
            .await
            .unwrap();
        let after_document = changes().await;
        assert!(after_document > after_create, "a document in it");
        exec(&pool, "DELETE FROM deployments WHERE name = 'prod'").await;
        assert!(changes().await > after_document, "a deleted deployment");

        // A copy saved with an old value is read with the current one.
        let stale = store.load(&session.id).await.unwrap().unwrap();
        exec(&pool, "UPDATE deployments SET generation = generation + 1").await;
        store.save(&stale).await.unwrap();
        assert!(changes().await > stale.data[CHANGES_KEY].as_i64().unwrap());
    }

    #[tokio::test]
    async fn a_raised_epoch_or_a_deleted_user_ends_the_session_in_the_same_query() {
        let pool = pool().await;
        let store = DbSessions::new(pool.clone());
        let mut current = record(Some((7, 0)), Duration::hours(1));
        store.create(&mut current).await.unwrap();
        let mut anonymous = record(None, Duration::hours(1));
        store.create(&mut anonymous).await.unwrap();
        assert!(store.load(&current.id).await.unwrap().is_some());

        exec(
            &pool,
            "UPDATE users SET session_epoch = session_epoch + 1 WHERE id = 7",
        )
        .await;
        assert!(store.load(&current.id).await.unwrap().is_none());
        // A request that read the session before the change saves it back: it stays ended.
        store.save(&current).await.unwrap();
        assert!(store.load(&current.id).await.unwrap().is_none());
        // The session carried on in the new epoch (the password changer's own) loads.
        let renewed = Record {
            data: record(Some((7, 1)), Duration::hours(1)).data,
            ..current.clone()
        };
        store.save(&renewed).await.unwrap();
        assert!(store.load(&current.id).await.unwrap().is_some());
        // A session without a user is not tied to anyone's epoch.
        assert!(store.load(&anonymous.id).await.unwrap().is_some());

        exec(&pool, "DELETE FROM users WHERE id = 7").await;
        assert!(store.load(&current.id).await.unwrap().is_none());
    }

    #[tokio::test]
    async fn expired_sessions_do_not_load_and_are_swept() {
        let pool = pool().await;
        let store = DbSessions::new(pool.clone());
        let mut old = record(Some((7, 0)), Duration::seconds(-5));
        store.create(&mut old).await.unwrap();
        let mut live = record(Some((7, 0)), Duration::hours(1));
        store.create(&mut live).await.unwrap();
        assert!(store.load(&old.id).await.unwrap().is_none());
        store.delete_expired().await.unwrap();
        let left: i64 = scalar(&pool, "SELECT count(*) FROM sessions").await;
        assert_eq!(left, 1);
        assert!(store.load(&live.id).await.unwrap().is_some());
    }
}
