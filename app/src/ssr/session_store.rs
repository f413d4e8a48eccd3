//! The session store keeps only a hash of each session id: the cookie holds the id, the table
//! holds SHA-256 of it, so read access to the database file (a backup, a copied volume) does
//! not hand out live admin sessions.

use sha2::{Digest, Sha256};
use tower_sessions::{
    SessionStore,
    session::{Id, Record},
    session_store::{self, ExpiredDeletion},
};

/// A store that hashes session ids before `inner` sees them.
#[derive(Clone, Debug)]
pub struct HashedIds<S> {
    inner: S,
}

impl<S> HashedIds<S> {
    /// Wraps `inner`.
    pub fn new(inner: S) -> Self {
        Self { inner }
    }

    /// The wrapped store (for its own maintenance, such as deleting expired sessions).
    pub fn inner(&self) -> &S {
        &self.inner
    }
}

/// The id stored for the session whose cookie holds `id`.
pub fn stored_id(id: &Id) -> Id {
    let digest = Sha256::new()
        .chain_update(b"trust-console session id\0")
        .chain_update(id.0.to_le_bytes())
        .finalize();
    let mut bytes = [0_u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    Id(i128::from_le_bytes(bytes))
}

fn hashed(record: &Record) -> Record {
    Record {
        id: stored_id(&record.id),
        ..record.clone()
    }
}

#[async_trait::async_trait]
impl<S: SessionStore + Clone> SessionStore for HashedIds<S> {
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        // A new id until its hash is unused (collisions are astronomically rare).
        while self.inner.load(&stored_id(&record.id)).await?.is_some() {
            record.id = Id::default();
        }
        self.inner.save(&hashed(record)).await
    }

    async fn save(&self, record: &Record) -> session_store::Result<()> {
        self.inner.save(&hashed(record)).await
    }

    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        Ok(self
            .inner
            .load(&stored_id(id))
            .await?
            .map(|record| Record { id: *id, ..record }))
    }

    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        self.inner.delete(&stored_id(id)).await
    }
}

#[async_trait::async_trait]
impl<S: ExpiredDeletion + Clone> ExpiredDeletion for HashedIds<S> {
    async fn delete_expired(&self) -> session_store::Result<()> {
        self.inner.delete_expired().await
    }
}

#[cfg(test)]
mod tests {
    use tower_sessions::MemoryStore;

    use super::*;

    #[tokio::test]
    async fn the_inner_store_never_sees_the_cookie_id() {
        let inner = MemoryStore::default();
        let store = HashedIds::new(inner.clone());
        let mut record = Record {
            id: Id::default(),
            data: Default::default(),
            expiry_date: tower_sessions::cookie::time::OffsetDateTime::now_utc()
                + tower_sessions::cookie::time::Duration::hours(1),
        };
        store.create(&mut record).await.unwrap();
        assert!(inner.load(&record.id).await.unwrap().is_none());
        assert!(inner.load(&stored_id(&record.id)).await.unwrap().is_some());
        let loaded = store.load(&record.id).await.unwrap().unwrap();
        assert_eq!(loaded.id, record.id);
        store.delete(&record.id).await.unwrap();
        assert!(store.load(&record.id).await.unwrap().is_none());
    }
}
