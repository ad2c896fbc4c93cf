//! Password hashing with argon2id, off the async workers.
//!
//! Hashing is deliberately expensive (OWASP: 19 MiB, 2 passes). It runs on the blocking pool
//! behind a semaphore sized to the cores, so at most that many hashes (and that much memory) are
//! in flight; at most `queue` more may wait, and beyond that logins get `server_busy` at once.
//! A burst of logins can therefore neither exhaust memory nor starve chat traffic.
//!
//! Unknown users are checked against a dummy hash with the same parameters, so a failed login
//! takes the same time whether or not the account exists.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use argon2::password_hash::{
    PasswordHash, PasswordHasher, PasswordVerifier, SaltString, rand_core::OsRng,
};
use argon2::{Algorithm, Argon2, Params, Version};
use liao_shared::{ErrorCode, Password};
use tokio::sync::Semaphore;

use crate::error::{Error, Result};

/// The hasher.
pub struct Passwords {
    argon: Argon2<'static>,
    slots: Arc<Semaphore>,
    waiting: AtomicUsize,
    max_waiting: usize,
    dummy: String,
}

impl Passwords {
    /// A hasher with memory cost `m_kib`, `t` passes, `concurrency` hashes at once and `queue`
    /// waiting.
    pub fn new(m_kib: u32, t: u32, concurrency: usize, queue: usize) -> Result<Self> {
        let params = Params::new(m_kib, t, 1, None)
            .map_err(|e| Error::Internal(format!("argon2 parameters: {e}")))?;
        let argon = Argon2::new(Algorithm::Argon2id, Version::V0x13, params);
        let dummy = argon
            .hash_password(b"liao-dummy-password", &SaltString::generate(&mut OsRng))
            .map_err(|e| Error::Internal(e.to_string()))?
            .to_string();
        Ok(Passwords {
            argon,
            slots: Arc::new(Semaphore::new(concurrency.max(1))),
            waiting: AtomicUsize::new(0),
            max_waiting: queue,
            dummy,
        })
    }

    async fn run<T: Send + 'static>(
        &self,
        job: impl FnOnce(Argon2<'static>) -> T + Send + 'static,
    ) -> Result<T> {
        if self.waiting.fetch_add(1, Ordering::AcqRel)
            >= self.max_waiting + self.slots.available_permits()
        {
            self.waiting.fetch_sub(1, Ordering::AcqRel);
            return Err(Error::client(
                ErrorCode::ServerBusy,
                "too many logins at once; retry shortly",
            ));
        }
        let permit = self.slots.clone().acquire_owned().await;
        self.waiting.fetch_sub(1, Ordering::AcqRel);
        let permit = permit.map_err(|_| Error::Internal("hasher closed".into()))?;
        let argon = self.argon.clone();
        let out = tokio::task::spawn_blocking(move || {
            let _permit = permit;
            job(argon)
        })
        .await
        .map_err(Error::join("password hashing"))?;
        Ok(out)
    }

    /// Hash a new password.
    pub async fn hash(&self, password: Password) -> Result<String> {
        self.run(move |argon| {
            argon
                .hash_password(
                    password.expose().as_bytes(),
                    &SaltString::generate(&mut OsRng),
                )
                .map(|h| h.to_string())
        })
        .await?
        .map_err(|e| Error::Internal(format!("hashing: {e}")))
    }

    /// Check `password` against `hash` (or, for an unknown user, against the dummy hash, always
    /// answering false).
    pub async fn verify(&self, hash: Option<String>, password: Password) -> Result<bool> {
        let known = hash.is_some();
        let hash = hash.unwrap_or_else(|| self.dummy.clone());
        let ok = self
            .run(move |argon| {
                PasswordHash::new(&hash)
                    .map(|parsed| {
                        argon
                            .verify_password(password.expose().as_bytes(), &parsed)
                            .is_ok()
                    })
                    .unwrap_or(false)
            })
            .await?;
        Ok(known && ok)
    }
}
