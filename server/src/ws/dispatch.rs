//! The command table: parse a text frame, charge the rate limits, run the command, and answer
//! with its reply or error. Each command's work lives in a service; an arm here only picks the
//! service and shapes the reply.

use liao_shared::{
    ClientFrame, Command, ErrorCode, FrameError, PROTOCOL_VERSION, Reply, ServerFrame, WireLimits,
    limits,
};

use super::connection::{Connection, Flow, close_frame};
use crate::error::{Error, Result};
use crate::hub::Registration;
use crate::ratelimit::check_direct;

impl Connection {
    /// Handle one text frame.
    pub(super) async fn on_text(
        &mut self,
        text: &str,
        registration: &mut Option<Registration>,
    ) -> Flow {
        let frame = match ClientFrame::parse(text) {
            Ok(f) => f,
            // A long request id is refused before the budget (and without an id to answer).
            Err(e @ FrameError::IdTooLong) => {
                self.error_frame(None, &classify_parse_error(&e).1).await;
                return Flow::Continue;
            }
            Err(e) => {
                let (id, err) = classify_parse_error(&e);
                // Garbage costs the sender's budget like a command does.
                let err = check_direct(&self.commands).err().unwrap_or(err);
                self.error_frame(id, &err).await;
                return Flow::Continue;
            }
        };
        let id = frame.id;
        let budget = check_direct(&self.commands).and_then(|()| match &self.session {
            Some(s) => self.app.limits.account_command(&s.actor.user),
            None => Ok(()),
        });
        if let Err(e) = budget {
            self.error_frame(Some(id), &e).await;
            return Flow::Continue;
        }
        let logout = matches!(frame.command, Command::Logout);
        // Boxed: a command's future (services, database) is large, and inline it would make every
        // idle connection's task as big as the biggest command (memory per connection).
        match Box::pin(self.dispatch(&id, frame.command, registration)).await {
            Ok(Some(result)) => {
                let sent_seq = match &result {
                    Reply::Sent { message } => Some((message.conversation_id.clone(), message.seq)),
                    _ => None,
                };
                self.out.send(&ServerFrame::Ok { id, result }).await;
                if let (Some((conv, seq)), Some(s)) = (sent_seq, self.session.as_mut()) {
                    s.cursors.replied(&conv, seq);
                }
                if logout {
                    return Flow::Close(close_frame(1000, "logged out"));
                }
            }
            Ok(None) => {} // the command sent its own reply (sync)
            Err(e) => self.error_frame(Some(id), &e).await,
        }
        Flow::Continue
    }

    async fn dispatch(
        &mut self,
        id: &str,
        command: Command,
        registration: &mut Option<Registration>,
    ) -> Result<Option<Reply>> {
        let app = self.app.clone();
        let Some(session) = self.session.as_ref() else {
            let auth = match command {
                Command::Hello(c) => return self.hello(c.protocol).map(Some),
                Command::Register(c) => app.accounts.register(c, self.ip).await?,
                Command::Login(c) => app.accounts.login(c, self.ip).await?,
                Command::Resume(c) => app.accounts.resume(&c.token).await?,
                _ => return Err(Error::client(ErrorCode::NotAuthenticated, "log in first")),
            };
            if let Err(e) = self
                .authenticated(&auth.profile.user_id, &auth.session, registration)
                .await
            {
                // A session this connection just made and cannot use is not left behind.
                if registration.is_none()
                    && auth.fresh
                    && let Err(e) = app
                        .accounts
                        .discard_session(&auth.profile.user_id, &auth.session)
                        .await
                {
                    tracing::warn!(error = %e, "could not delete a refused session");
                }
                return Err(e);
            }
            return Ok(Some(auth.reply()));
        };
        let actor = session.actor.clone();
        let a = &actor;
        let done = |()| Some(Reply::Done);
        let conversation = |conversation| Some(Reply::Conversation { conversation });
        let profile = |profile| Some(Reply::Profile { profile });
        if matches!(command, Command::SearchUsers(_) | Command::SearchGroups(_)) {
            // Searches are dearer than other commands: they have their own, tighter budget.
            check_direct(&self.searches)?;
        }
        Ok(match command {
            Command::Hello(c) => Some(self.hello(c.protocol)?),
            Command::Register(_) | Command::Login(_) | Command::Resume(_) => {
                return Err(Error::client(
                    ErrorCode::AlreadyAuthenticated,
                    "this connection is already authenticated",
                ));
            }
            Command::Logout => done(app.accounts.logout(a).await?),
            Command::ChangePassword(c) => done(app.accounts.change_password(a, c).await?),
            Command::ListSessions => Some(Reply::Sessions {
                sessions: app.accounts.list_sessions(a).await?,
            }),
            Command::RevokeSession(c) => done(app.accounts.revoke_session(a, &c).await?),
            Command::UpdateProfile(c) => profile(app.accounts.update_profile(a, &c).await?),
            Command::GetProfile(c) => profile(app.accounts.get_profile(&c).await?),
            Command::SearchUsers(c) => Some(app.accounts.search_users(&c).await?),
            Command::SetAvatar(c) => profile(app.accounts.set_avatar(a, &c).await?),
            Command::GetSettings => Some(app.accounts.get_settings(a).await?),
            Command::UpdateSettings(c) => Some(app.accounts.update_settings(a, &c).await?),
            Command::FriendRequest(c) => done(app.friends.friend_request(a, &c).await?),
            Command::FriendAccept(c) => done(app.friends.friend_accept(a, &c).await?),
            Command::FriendDecline(c) => done(app.friends.friend_decline(a, &c).await?),
            Command::FriendCancel(c) => done(app.friends.friend_cancel(a, &c).await?),
            Command::FriendRemove(c) => done(app.friends.friend_remove(a, &c).await?),
            Command::Block(c) => done(app.friends.block(a, &c).await?),
            Command::Unblock(c) => done(app.friends.unblock(a, &c).await?),
            Command::ListContacts => Some(app.friends.list_contacts(a).await?),
            Command::OpenDirect(c) => conversation(app.chat.open_direct(a, &c.user_id).await?),
            Command::ListConversations => Some(Reply::Conversations {
                conversations: app.chat.list_conversations(&a.user).await?,
            }),
            Command::SendMessage(c) => Some(Reply::Sent {
                message: app.chat.send_message(a, c).await?.message,
            }),
            Command::History(c) => Some(app.chat.history(a, &c).await?),
            Command::MarkRead(c) => done(app.chat.mark_read(a, &c).await?),
            Command::MarkDelivered(c) => done(app.chat.mark_delivered(a, &c).await?),
            Command::ReadReceipts(c) => Some(app.chat.read_receipts(a, &c).await?),
            Command::ReadBy(c) => Some(app.chat.read_by(a, &c).await?),
            Command::Typing(c) => done(app.chat.typing(a, &c).await?),
            Command::Recall(c) => done(app.chat.recall(a, &c).await?),
            Command::DeleteForMe(c) => done(app.chat.delete_for_me(a, &c).await?),
            Command::React(c) => done(app.chat.react(a, &c).await?),
            Command::EditMessage(c) => done(app.chat.edit_message(a, &c).await?),
            Command::FileUrls(c) => Some(app.files.file_urls(a, &c).await?),
            Command::CreateGroup(c) => conversation(app.groups.create_group(a, &c).await?),
            Command::SearchGroups(c) => Some(app.groups.search_groups(&c).await?),
            Command::JoinGroup(c) => Some(app.groups.join_group(a, &c).await?),
            Command::ListJoinRequests(c) => Some(app.groups.list_join_requests(a, &c).await?),
            Command::DecideJoin(c) => done(app.groups.decide_join(a, &c).await?),
            Command::ListMembers(c) => Some(app.groups.list_members(a, &c).await?),
            Command::UpdateGroup(c) => done(app.groups.update_group(a, c).await?),
            Command::SetGroupAvatar(c) => done(app.groups.set_group_avatar(a, &c).await?),
            Command::AddMember(c) => done(app.groups.add_member(a, &c).await?),
            Command::RemoveMember(c) => done(app.groups.remove_member(a, &c).await?),
            Command::MuteMember(c) => done(app.groups.mute_member(a, &c).await?),
            Command::MuteAll(c) => done(app.groups.mute_all(a, &c).await?),
            Command::SetAdmin(c) => done(app.groups.set_admin(a, &c).await?),
            Command::TransferGroup(c) => done(app.groups.transfer_group(a, &c).await?),
            Command::LeaveGroup(c) => done(app.groups.leave_group(a, &c).await?),
            Command::DissolveGroup(c) => done(app.groups.dissolve_group(a, &c).await?),
            Command::OpenTemp(c) => conversation(app.groups.open_temp(a, &c).await?),
            Command::Sync(c) => {
                self.sync(id, c.events_after, c.conversations).await?;
                None
            }
        })
    }

    fn hello(&self, protocol: u32) -> Result<Reply> {
        if protocol != PROTOCOL_VERSION {
            return Err(Error::client(
                ErrorCode::UnsupportedVersion,
                format!("this server speaks protocol {PROTOCOL_VERSION}"),
            ));
        }
        Ok(Reply::Welcome {
            protocol: PROTOCOL_VERSION,
            server_version: env!("CARGO_PKG_VERSION").to_owned(),
            limits: WireLimits {
                max_inbound_frame: limits::MAX_INBOUND_FRAME as u32,
                max_outbound_frame: limits::MAX_OUTBOUND_FRAME as u32,
                max_text_chars: limits::MAX_TEXT_CHARS as u32,
                max_text_bytes: limits::MAX_TEXT_BYTES as u32,
                recall_window_ms: limits::RECALL_WINDOW_MS,
                commands_per_second: self.app.config.tuning.commands_per_sec,
            },
        })
    }
}

/// The error reply to a frame that is not a request, and the request id it answers. The shared
/// parser says what was wrong ([`FrameError`]); its code and message are the reply's.
fn classify_parse_error(e: &FrameError) -> (Option<String>, Error) {
    (
        e.id().map(str::to_owned),
        Error::client(e.code(), e.to_string()),
    )
}
