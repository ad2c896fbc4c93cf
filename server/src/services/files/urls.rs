//! Signed file URLs: bound to one variant of one file, one user and one session, and dead with
//! the session.

use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use hmac::{Hmac, Mac};
use liao_shared::command::FileUrls;
use liao_shared::{Reply, SessionId, UserId, limits};
use sha2::Sha256;

use super::Files;
use crate::app::Actor;
use crate::error::Result;
use crate::util::now_ms;

/// What a signed file URL grants: one variant of one file, to one user, while one session lasts.
#[derive(Debug, Clone, Copy)]
pub struct UrlGrant<'a> {
    /// `original` or `thumbnail`.
    pub variant: &'a str,
    /// The file.
    pub file: &'a str,
    /// The user it was issued to.
    pub user: &'a str,
    /// The session it was issued to.
    pub session: &'a str,
}

/// Sessions recently found alive in the database, so that a signed file URL (bound to the session
/// that asked for it) is not a database read per request (a video seeking sends many range
/// requests). Every way a session ends goes through [`crate::publish::Publisher::kill`] (on this node,
/// or after the poll of `background` for another process), which forgets the user's entries at
/// once; an entry is trusted for at most
/// [`VerifiedSessions::TTL_MS`] regardless.
#[derive(Default)]
pub struct VerifiedSessions {
    entries: Mutex<HashMap<(UserId, SessionId), u64>>,
    /// Bumped by every forget: a check that read the database before a forget must not record
    /// its (possibly stale) answer after it.
    epoch: AtomicU64,
}

impl VerifiedSessions {
    /// How long a check is trusted (ms).
    pub const TTL_MS: u64 = 30_000;
    /// Entries kept at most (memory bound); beyond it the cache starts over.
    const MAX: usize = 100_000;

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<(UserId, SessionId), u64>> {
        self.entries.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The epoch to pass to [`VerifiedSessions::remember`] after checking the database.
    pub fn epoch(&self) -> u64 {
        self.epoch.load(Ordering::Acquire)
    }

    /// Whether `session` of `user` was found alive within the TTL.
    pub fn fresh(&self, user: &UserId, session: &SessionId) -> bool {
        let now = crate::util::now_ms();
        self.lock()
            .get(&(user.clone(), session.clone()))
            .is_some_and(|at| now.saturating_sub(*at) < Self::TTL_MS)
    }

    /// Record that `session` was found alive, unless something was forgotten since `epoch`.
    pub fn remember(&self, user: &UserId, session: &SessionId, epoch: u64) {
        let mut entries = self.lock();
        if self.epoch() != epoch {
            return;
        }
        if entries.len() >= Self::MAX {
            entries.clear();
        }
        entries.insert((user.clone(), session.clone()), crate::util::now_ms());
    }

    /// Forget every session of `user` (one of them ended).
    pub fn forget_user(&self, user: &UserId) {
        let mut entries = self.lock();
        self.epoch.fetch_add(1, Ordering::AcqRel);
        entries.retain(|(u, _), _| u != user);
    }
}

impl Files {
    fn signature(&self, grant: &UrlGrant<'_>, expires: u64) -> String {
        // HMAC accepts keys of any length; the key is 32 random bytes.
        let mut mac =
            Hmac::<Sha256>::new_from_slice(&self.url_key).expect("HMAC takes any key length");
        mac.update(
            format!(
                "{}\n{}\n{}\n{}\n{expires}",
                grant.variant, grant.file, grant.user, grant.session
            )
            .as_bytes(),
        );
        hex::encode(mac.finalize().into_bytes())
    }

    fn signed_path(&self, grant: &UrlGrant<'_>, expires: u64) -> String {
        let suffix = if grant.variant == "thumbnail" {
            "/thumbnail"
        } else {
            ""
        };
        format!(
            "/api/files/{}{suffix}?u={}&k={}&e={expires}&s={}",
            grant.file,
            grant.user,
            grant.session,
            self.signature(grant, expires)
        )
    }

    /// Check a signed URL's parameters: the signature, the expiry, and that the session it was
    /// issued to still exists (a URL dies with its session: logout, revocation, a password
    /// change, a disabled account). The user it was issued to.
    pub async fn verify_signed(
        &self,
        grant: &UrlGrant<'_>,
        expires: u64,
        sig: &str,
    ) -> Result<Option<UserId>> {
        let expected = self.signature(grant, expires);
        let same = expected.len() == sig.len()
            && expected
                .bytes()
                .zip(sig.bytes())
                .fold(0u8, |acc, (a, b)| acc | (a ^ b))
                == 0;
        if !same || expires <= now_ms() {
            return Ok(None);
        }
        let user = UserId(grant.user.to_owned());
        let session = liao_shared::SessionId(grant.session.to_owned());
        let verified = &self.url_sessions;
        if verified.fresh(&user, &session) {
            return Ok(Some(user));
        }
        let epoch = verified.epoch();
        if !self.store.session_of(&user, &session).await? {
            return Ok(None);
        }
        verified.remember(&user, &session, epoch);
        Ok(Some(user))
    }

    /// Signed URLs for a file the actor may see, valid while the actor's session lasts.
    pub async fn file_urls(&self, actor: &Actor, cmd: &FileUrls) -> Result<Reply> {
        let file = &cmd.file_id;
        let row = self.accessible(&actor.user, file).await?;
        let expires_at = now_ms() + limits::FILE_URL_TTL_MS;
        let grant = |variant| UrlGrant {
            variant,
            file: file.as_str(),
            user: actor.user.as_str(),
            session: actor.session.as_str(),
        };
        Ok(Reply::FileUrls {
            url: self.signed_path(&grant("original"), expires_at),
            thumbnail_url: row
                .thumb_sha256
                .as_ref()
                .map(|_| self.signed_path(&grant("thumbnail"), expires_at)),
            expires_at,
        })
    }
}
