//! Accounts: registration, login, sessions, profiles, search.

use std::net::IpAddr;
use std::sync::Arc;

use liao_shared::command::{
    ChangePassword, GetProfile, Login, Register, RevokeSession, SearchUsers, SetAvatar,
    UpdateProfile, UpdateSettings,
};
use liao_shared::{
    ErrorCode, EventBody, Password, Profile, Reply, ServerFrame, SessionId, SessionInfo, UserId,
    limits,
};

use super::files::Files;
use super::{canonical_username, check_password, clean_display_name, commit_events, search};
use crate::app::Actor;
use crate::config::{Config, Registration};
use crate::error::{Error, Result};
use crate::passwords::Passwords;
use crate::publish::{KillScope, Publisher};
use crate::ratelimit::RateLimits;
use crate::store::accounts::{SessionRecord, UserRecord};
use crate::store::files::{self as store_files, AvatarOf};
use crate::store::{Store, Tx, accounts, receipts};
use crate::util::{new_token, now_ms, token_hash};

/// A freshly authenticated session.
pub struct Authenticated {
    /// The bearer token (only ever known to the client and, briefly, here).
    pub token: String,
    /// The session.
    pub session: SessionId,
    /// The user.
    pub profile: Profile,
    /// Whether the session was made just now (login, registration) rather than resumed.
    pub fresh: bool,
}

impl Authenticated {
    /// The `session` reply.
    pub fn reply(&self) -> Reply {
        Reply::Session {
            token: self.token.clone(),
            session_id: self.session.clone(),
            user: self.profile.clone(),
        }
    }
}

fn invalid_credentials() -> Error {
    Error::client(
        ErrorCode::InvalidCredentials,
        "unknown username or wrong password",
    )
}

fn clean_device(device: Option<&str>) -> Option<String> {
    device
        .map(|d| {
            d.trim()
                .chars()
                .filter(|c| !c.is_control())
                .take(64)
                .collect::<String>()
        })
        .filter(|d| !d.is_empty())
}

/// Accounts, sessions and profiles.
pub struct Accounts {
    config: Arc<Config>,
    store: Store,
    publisher: Arc<Publisher>,
    files: Arc<Files>,
    passwords: Passwords,
    limits: Arc<RateLimits>,
}

impl Accounts {
    /// The account service, with its password hasher sized by `config`'s tuning.
    pub fn new(
        config: Arc<Config>,
        store: Store,
        publisher: Arc<Publisher>,
        files: Arc<Files>,
        limits: Arc<RateLimits>,
    ) -> Result<Self> {
        let t = &config.tuning;
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        let passwords = Passwords::new(
            t.argon2_m_kib,
            t.argon2_t,
            t.hash_concurrency.unwrap_or(cores),
            t.hash_queue,
        )?;
        Ok(Accounts {
            config,
            store,
            publisher,
            files,
            passwords,
            limits,
        })
    }

    /// Create an account (subject to the registration policy and per-IP limit) and log in.
    pub async fn register(&self, cmd: Register, ip: IpAddr) -> Result<Authenticated> {
        let Register {
            username,
            password,
            display_name,
            device,
        } = cmd;
        if self.config.registration == Registration::Closed {
            return Err(Error::client(
                ErrorCode::RegistrationClosed,
                "registration is closed on this server",
            ));
        }
        let username = canonical_username(&username)?;
        check_password(password.expose())?;
        let display_name = clean_display_name(display_name.as_deref().unwrap_or(&username))?;
        self.limits.register(ip)?;
        let profile = self
            .create_account(&username, &display_name, password)
            .await?;
        self.start_session(profile, device.as_deref()).await
    }

    /// Create an account without a session (admin CLI and registration).
    pub async fn create_account(
        &self,
        username: &str,
        display_name: &str,
        password: Password,
    ) -> Result<Profile> {
        let username = canonical_username(username)?;
        check_password(password.expose())?;
        let display_name = clean_display_name(display_name)?;
        if self.store.user_by_name(&username).await?.is_some() {
            return Err(Error::client(
                ErrorCode::UsernameTaken,
                "that username is taken",
            ));
        }
        let hash = self.passwords.hash(password).await?;
        self.store
            .create_user(&username, &display_name, &hash)
            .await
    }

    async fn start_session(&self, profile: Profile, device: Option<&str>) -> Result<Authenticated> {
        let token = new_token();
        let session = self
            .store
            .create_session(
                &profile.user_id,
                &token_hash(&token),
                clean_device(device).as_deref(),
            )
            .await?;
        Ok(Authenticated {
            token,
            session,
            profile,
            fresh: true,
        })
    }

    /// Log in with a password. Unknown users, wrong passwords and disabled accounts without the
    /// right password all answer `invalid_credentials` after the same hashing work.
    pub async fn login(&self, cmd: Login, ip: IpAddr) -> Result<Authenticated> {
        let Login {
            username,
            password,
            device,
        } = cmd;
        let key = username.trim().to_ascii_lowercase();
        self.limits.login(&key, ip)?;
        if password.expose().len() > limits::PASSWORD_MAX_BYTES {
            return Err(invalid_credentials());
        }
        let user = match canonical_username(&key) {
            Ok(name) => self.store.user_by_name(&name).await?,
            Err(_) => None,
        };
        let ok = self
            .passwords
            .verify(user.as_ref().map(|u| u.password_hash.clone()), password)
            .await?;
        let user = user.filter(|_| ok).ok_or_else(invalid_credentials)?;
        if user.disabled {
            return Err(Error::client(
                ErrorCode::AccountDisabled,
                "this account is disabled",
            ));
        }
        self.start_session(user.profile, device.as_deref()).await
    }

    /// The live session a token names, and its user: `invalid_session` for an unknown, revoked
    /// or idle-expired one (an expired session is deleted), `account_disabled` for a disabled
    /// account.
    async fn live_session(&self, token: &str) -> Result<(SessionRecord, UserRecord)> {
        let invalid = || {
            Error::client(
                ErrorCode::InvalidSession,
                "unknown, expired or revoked session",
            )
        };
        let (session, user) = self
            .store
            .session_with_user(&token_hash(token))
            .await?
            .ok_or_else(invalid)?;
        let idle_ms = self.config.tuning.session_idle_days * 24 * 3600 * 1000;
        if now_ms().saturating_sub(session.last_seen_at) > idle_ms {
            self.store
                .delete_session(&session.user_id, &session.id)
                .await?;
            return Err(invalid());
        }
        if user.disabled {
            return Err(Error::client(
                ErrorCode::AccountDisabled,
                "this account is disabled",
            ));
        }
        Ok((session, user))
    }

    /// Authenticate with a session token.
    pub async fn resume(&self, token: &str) -> Result<Authenticated> {
        let (session, user) = self.live_session(token).await?;
        // Recording the use is bookkeeping (idle expiry): a full or busy database must not keep
        // users from reading what is already stored.
        if let Err(e) = self.store.touch_session(&session.id).await {
            tracing::warn!(error = %e, "could not record session use");
        }
        Ok(Authenticated {
            token: token.to_owned(),
            session: session.id,
            profile: user.profile,
            fresh: false,
        })
    }

    /// End the actor's session; its connections close.
    pub async fn logout(&self, actor: &Actor) -> Result<()> {
        self.store
            .delete_session(&actor.user, &actor.session)
            .await?;
        self.kill(&actor.user, KillScope::Session(actor.session.clone()))
            .await;
        Ok(())
    }

    /// Change the password; every other session ends at once.
    pub async fn change_password(&self, actor: &Actor, cmd: ChangePassword) -> Result<()> {
        let ChangePassword {
            old_password: old,
            new_password: new,
        } = cmd;
        check_password(new.expose())?;
        let user = self
            .store
            .user_by_id(&actor.user)
            .await?
            .ok_or_else(|| Error::not_found("user"))?;
        if !self.passwords.verify(Some(user.password_hash), old).await? {
            return Err(invalid_credentials());
        }
        let hash = self.passwords.hash(new).await?;
        for session in self
            .store
            .set_password(&actor.user, &hash, Some(&actor.session))
            .await?
        {
            self.kill(&actor.user, KillScope::Session(session)).await;
        }
        Ok(())
    }

    /// Set a password without the old one (admin CLI); every session ends.
    pub async fn reset_password(&self, user: &UserId, new: Password) -> Result<()> {
        check_password(new.expose())?;
        let hash = self.passwords.hash(new).await?;
        self.store.set_password(user, &hash, None).await?;
        self.kill(user, KillScope::All).await;
        Ok(())
    }

    /// The actor's sessions.
    pub async fn list_sessions(&self, actor: &Actor) -> Result<Vec<SessionInfo>> {
        self.store.sessions(&actor.user, &actor.session).await
    }

    /// Revoke one of the actor's sessions.
    pub async fn revoke_session(&self, actor: &Actor, cmd: &RevokeSession) -> Result<()> {
        let session = &cmd.session_id;
        if !self.store.delete_session(&actor.user, session).await? {
            return Err(Error::not_found("no such session"));
        }
        self.kill(&actor.user, KillScope::Session(session.clone()))
            .await;
        Ok(())
    }

    /// Change the actor's display name; their other devices get `profile_updated`.
    pub async fn update_profile(&self, actor: &Actor, cmd: &UpdateProfile) -> Result<Profile> {
        let name = clean_display_name(&cmd.display_name)?;
        let mut tx = self.store.begin().await?;
        accounts::set_display_name(&mut tx, &actor.user, &name).await?;
        let profile = self.store.profile(&actor.user).await?;
        let profile = Profile {
            display_name: name,
            ..profile
        };
        self.profile_updated(tx, &profile).await?;
        Ok(profile)
    }

    /// Set (or with `None` remove) the actor's avatar: an image they can see, uploaded as an image.
    pub async fn set_avatar(&self, actor: &Actor, cmd: &SetAvatar) -> Result<Profile> {
        let file = cmd.file_id.as_ref();
        if let Some(file) = file {
            self.files
                .usable_as_image(&actor.user, file, "avatars are images")
                .await?;
        }
        let old = self.store.profile(&actor.user).await?;
        let mut tx = self.store.begin().await?;
        store_files::set_avatar(&mut tx, AvatarOf::User(&actor.user), file).await?;
        let profile = Profile {
            avatar: file.cloned(),
            ..old.clone()
        };
        self.profile_updated(tx, &profile).await?;
        if let Some(previous) = old.avatar.filter(|p| Some(p) != file) {
            self.files.collect_file(&previous).await;
        }
        Ok(profile)
    }

    /// Commit a change of the actor's profile: their devices get `profile_updated`, friends and
    /// conversation partners a `profile_changed` push.
    async fn profile_updated(&self, tx: Tx, profile: &Profile) -> Result<()> {
        let event = EventBody::ProfileUpdated {
            profile: profile.clone(),
        };
        commit_events(tx, &self.publisher, vec![(profile.user_id.clone(), event)]).await?;
        self.announce_profile(profile).await;
        Ok(())
    }

    /// Tell friends and conversation partners about a profile change (best effort, ephemeral).
    async fn announce_profile(&self, profile: &Profile) {
        match self.store.profile_audience(&profile.user_id).await {
            Ok(users) => Publisher::log_failure(
                self.publisher
                    .ephemeral(
                        &users,
                        &ServerFrame::ProfileChanged {
                            profile: profile.clone(),
                        },
                        None,
                    )
                    .await,
            ),
            Err(e) => tracing::warn!(error = %e, "profile change not announced"),
        }
    }

    /// The actor's account settings.
    pub async fn get_settings(&self, actor: &Actor) -> Result<Reply> {
        Ok(Reply::Settings {
            settings: self.store.settings(&actor.user).await?,
        })
    }

    /// Change the actor's account settings; their other devices get `settings_changed`.
    pub async fn update_settings(&self, actor: &Actor, cmd: &UpdateSettings) -> Result<Reply> {
        let mut settings = self.store.settings(&actor.user).await?;
        let before = settings.clone();
        if let Some(on) = cmd.read_receipts {
            settings.read_receipts = on;
        }
        if settings != before {
            let mut tx = self.store.begin().await?;
            receipts::set_settings(&mut tx, &actor.user, &settings).await?;
            let event = EventBody::SettingsChanged {
                settings: settings.clone(),
            };
            commit_events(tx, &self.publisher, vec![(actor.user.clone(), event)]).await?;
        }
        Ok(Reply::Settings { settings })
    }

    /// A user's public profile.
    pub async fn get_profile(&self, cmd: &GetProfile) -> Result<Profile> {
        self.store.profile(&cmd.user_id).await
    }

    /// Search users (public fields only).
    pub async fn search_users(&self, cmd: &SearchUsers) -> Result<Reply> {
        let (users, next_offset) = search(&cmd.query, cmd.offset, cmd.limit, |q, o, l| {
            self.store.search_users(q, o, l)
        })
        .await?;
        Ok(Reply::Users { users, next_offset })
    }

    /// Close `user`'s connections in `scope`: their session ended.
    async fn kill(&self, user: &UserId, scope: KillScope) {
        Publisher::log_failure(
            self.publisher
                .kill(user, scope, ErrorCode::SessionRevoked)
                .await,
        );
    }

    /// The user a bearer token (HTTP `Authorization`) belongs to.
    pub async fn http_user(&self, token: &str) -> Result<UserId> {
        Ok(self.live_session(token).await?.0.user_id)
    }

    /// Record that a session was used just now (idle expiry counts from the last use).
    pub async fn touch_session(&self, session: &SessionId) -> Result<()> {
        self.store.touch_session(session).await
    }

    /// Delete a session that was made but cannot be used (its connection was refused).
    pub async fn discard_session(&self, user: &UserId, session: &SessionId) -> Result<()> {
        self.store.delete_session(user, session).await.map(drop)
    }

    /// Close the connections of accounts disabled, and of sessions ended by a password reset,
    /// since `since` (ms) — also when another process (the admin CLI) made the change.
    pub async fn kill_revoked_since(&self, since: u64) -> Result<()> {
        for (user, disabled, reset_at) in self.store.revoked_since(since).await? {
            let (scope, reason) = if disabled {
                (KillScope::All, ErrorCode::AccountDisabled)
            } else {
                // Only connections authenticated before the reset: the user may already have
                // logged in again with the new password.
                (
                    KillScope::AuthenticatedBefore(reset_at),
                    ErrorCode::SessionRevoked,
                )
            };
            self.publisher.kill(&user, scope, reason).await?;
        }
        Ok(())
    }
}
