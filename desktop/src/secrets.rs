//! The session token in the OS keyring (Secret Service on Linux, Keychain, Credential Manager).
//! Where no keyring is available the token lives in memory only (the user signs in again after a
//! restart, and the UI says so): it is never written to a plain file.
//!
//! Keyring calls are blocking D-Bus round trips, so they run on the blocking thread pool.

use serde::Serialize;

const SERVICE: &str = "chat.liao.desktop";

/// A token read from the keyring.
#[derive(Serialize)]
pub struct StoredToken {
    /// The token, if one was saved.
    pub token: Option<String>,
    /// Whether the keyring works (false: memory only).
    pub persistent: bool,
}

/// Reads the token saved for `origin`.
pub async fn load(origin: String) -> StoredToken {
    tokio::task::spawn_blocking(move || {
        let entry = match keyring::Entry::new(SERVICE, &origin) {
            Ok(e) => e,
            Err(e) => return unavailable(e),
        };
        match entry.get_password() {
            Ok(t) => StoredToken {
                token: Some(t),
                persistent: true,
            },
            Err(keyring::Error::NoEntry) => StoredToken {
                token: None,
                persistent: true,
            },
            Err(e) => unavailable(e),
        }
    })
    .await
    .unwrap_or(StoredToken {
        token: None,
        persistent: false,
    })
}

fn unavailable(e: keyring::Error) -> StoredToken {
    tracing::warn!("keyring unavailable, the session stays in memory: {e}");
    StoredToken {
        token: None,
        persistent: false,
    }
}

/// Saves (or with `None` deletes) the token for `origin`; returns whether it was persisted.
pub async fn store(origin: String, token: Option<String>) -> bool {
    tokio::task::spawn_blocking(move || {
        let entry = keyring::Entry::new(SERVICE, &origin)?;
        match token {
            Some(t) => entry.set_password(&t),
            None => match entry.delete_credential() {
                Err(keyring::Error::NoEntry) => Ok(()),
                other => other,
            },
        }
    })
    .await
    .is_ok_and(|r: keyring::Result<()>| {
        r.map_err(|e| tracing::warn!("keyring unavailable: {e}"))
            .is_ok()
    })
}
