//! A deadline on every keychain call. A Secret Service that must show a prompt which cannot
//! appear (no login keyring yet, a display nobody looks at) never answers, and the keyring
//! crate waits for it for a year; so each call runs on a thread of its own and the caller
//! stops waiting after [`KEYCHAIN_DEADLINE`]. The abandoned thread is detached: it ends if the
//! keychain ever answers and never keeps the process from exiting.

use std::sync::Arc;
use std::sync::mpsc;
use std::time::Duration;

use super::{DataKey, KeyStore};
use crate::error::{Result, VaultError};

/// How long a keychain call may take before Khata stops waiting: long enough for a person
/// to type the keyring password into a prompt that does appear, short enough that a prompt
/// that cannot appear turns into an explanation rather than an endless "opening" screen.
pub const KEYCHAIN_DEADLINE: Duration = Duration::from_secs(10);

/// The keychain did not answer within the deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeychainElapsed {
    /// The deadline that passed.
    pub after: Duration,
}

/// Runs `call` on its own thread and waits for it at most `limit`. The thread is left to
/// finish (or not) on its own when the deadline passes; its result is then dropped.
pub fn within_deadline<T: Send + 'static>(
    limit: Duration,
    call: impl FnOnce() -> T + Send + 'static,
) -> std::result::Result<T, KeychainElapsed> {
    let (tx, rx) = mpsc::sync_channel(1);
    let spawned = std::thread::Builder::new()
        .name("khata-keychain".into())
        .spawn(move || {
            // The receiver is gone when the caller stopped waiting: nothing to do then.
            let _ = tx.send(call());
        });
    if spawned.is_err() {
        // No thread to run it on: treat like a keychain that did not answer.
        return Err(KeychainElapsed { after: limit });
    }
    rx.recv_timeout(limit)
        .map_err(|_| KeychainElapsed { after: limit })
}

impl From<KeychainElapsed> for VaultError {
    fn from(e: KeychainElapsed) -> Self {
        VaultError::KeychainTimeout {
            seconds: e.after.as_secs_f64().ceil() as u64,
        }
    }
}

/// A [`KeyStore`] whose every call gives up after a deadline with
/// [`VaultError::KeychainTimeout`]; what the inner store answers in time passes through
/// unchanged.
pub struct DeadlineKeyStore {
    inner: Arc<dyn KeyStore>,
    limit: Duration,
}

impl DeadlineKeyStore {
    pub fn new(inner: Arc<dyn KeyStore>, limit: Duration) -> Self {
        Self { inner, limit }
    }

    fn run<T: Send + 'static>(
        &self,
        call: impl FnOnce(&dyn KeyStore) -> Result<T> + Send + 'static,
    ) -> Result<T> {
        let inner = self.inner.clone();
        within_deadline(self.limit, move || call(inner.as_ref()))?
    }
}

impl KeyStore for DeadlineKeyStore {
    fn load(&self, vault_id: &str) -> Result<DataKey> {
        let id = vault_id.to_owned();
        self.run(move |s| s.load(&id))
    }

    fn store(&self, vault_id: &str, key: &DataKey) -> Result<()> {
        let (id, key) = (vault_id.to_owned(), key.clone());
        self.run(move |s| s.store(&id, &key))
    }

    fn delete(&self, vault_id: &str) -> Result<()> {
        let id = vault_id.to_owned();
        self.run(move |s| s.delete(&id))
    }
}

#[cfg(test)]
mod tests {
    use std::time::Instant;

    use super::*;
    use crate::keys::MemoryKeyStore;

    /// A keychain whose every call waits for a prompt nobody can answer.
    struct NeverAnswers;

    impl KeyStore for NeverAnswers {
        fn load(&self, _: &str) -> Result<DataKey> {
            std::thread::park();
            unreachable!("parked for good")
        }
        fn store(&self, _: &str, _: &DataKey) -> Result<()> {
            std::thread::park();
            unreachable!("parked for good")
        }
        fn delete(&self, _: &str) -> Result<()> {
            std::thread::park();
            unreachable!("parked for good")
        }
    }

    #[test]
    fn a_keychain_that_never_answers_times_out_on_every_call() {
        let store = DeadlineKeyStore::new(Arc::new(NeverAnswers), Duration::from_millis(100));
        let started = Instant::now();
        for result in [
            store.load("v").map(drop),
            store.store("v", &DataKey::generate()),
            store.delete("v"),
        ] {
            assert!(
                matches!(result, Err(VaultError::KeychainTimeout { seconds: 1 })),
                "{result:?}"
            );
        }
        assert!(started.elapsed() < Duration::from_secs(5));
    }

    #[test]
    fn answers_in_time_pass_through_unchanged() {
        let store = DeadlineKeyStore::new(Arc::new(MemoryKeyStore::new()), KEYCHAIN_DEADLINE);
        let key = DataKey::generate();
        assert!(matches!(
            store.load("v"),
            Err(VaultError::KeyMissing { .. })
        ));
        store.store("v", &key).unwrap();
        assert_eq!(store.load("v").unwrap(), key);
        store.delete("v").unwrap();
        assert!(store.load("v").is_err());
    }
}
