//! The command table: parse a text frame, charge the rate limits, run the command, and answer
//! with its reply or error. Each command's work lives in a service; an arm here only picks the
//! service and shapes the reply.

use liao_shared::{
    ClientFrame, Command, ErrorCode, PROTOCOL_VERSION, Reply, ServerFrame, WireLimits, limits,
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
        let frame: ClientFrame = match serde_json::from_str(text) {
            Ok(f) => f,
            Err(e) => {
                let (id, err) = classify_parse_error(text, &e);
                // Garbage costs the sender's budget like a command does.
                let err = check_direct(&self.commands).err().unwrap_or(err);
                self.error_frame(id, &err).await;
                return Flow::Continue;
            }
        };
        let id = frame.id;
        if id.len() > limits::MAX_CLIENT_ID_BYTES {
            self.error_frame(
                None,
                &Error::client(ErrorCode::BadRequest, "request ids are at most 64 bytes"),
            )
            .await;
            return Flow::Continue;
        }
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
                Command::Hello { protocol, .. } => return self.hello(protocol).map(Some),
                Command::Register {
                    username,
                    password,
                    display_name,
                    device,
                } => {
                    app.accounts
                        .register(
                            &username,
                            password,
                            display_name.as_deref(),
                            device.as_deref(),
                            self.ip,
                        )
                        .await?
                }
                Command::Login {
                    username,
                    password,
                    device,
                } => {
                    app.accounts
                        .login(&username, password, device.as_deref(), self.ip)
                        .await?
                }
                Command::Resume { token } => app.accounts.resume(&token).await?,
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
        let done = |_: ()| Some(Reply::Done);
        Ok(match command {
            Command::Hello { protocol, .. } => Some(self.hello(protocol)?),
            Command::Register { .. } | Command::Login { .. } | Command::Resume { .. } => {
                return Err(Error::client(
                    ErrorCode::AlreadyAuthenticated,
                    "this connection is already authenticated",
                ));
            }
            Command::Logout => app.accounts.logout(&actor).await.map(done)?,
            Command::ChangePassword {
                old_password,
                new_password,
            } => app
                .accounts
                .change_password(&actor, old_password, new_password)
                .await
                .map(done)?,
            Command::ListSessions => Some(Reply::Sessions {
                sessions: app.accounts.list_sessions(&actor).await?,
            }),
            Command::RevokeSession { session_id } => app
                .accounts
                .revoke_session(&actor, &session_id)
                .await
                .map(done)?,
            Command::UpdateProfile { display_name } => Some(Reply::Profile {
                profile: app.accounts.update_profile(&actor, &display_name).await?,
            }),
            Command::GetProfile { user_id } => Some(Reply::Profile {
                profile: app.accounts.get_profile(&user_id).await?,
            }),
            Command::SearchUsers {
                query,
                offset,
                limit,
            } => {
                check_direct(&self.searches)?;
                Some(app.accounts.search_users(&query, offset, limit).await?)
            }
            Command::FriendRequest { user_id, message } => app
                .friends
                .friend_request(&actor, &user_id, message.as_deref())
                .await
                .map(done)?,
            Command::FriendAccept { user_id } => app
                .friends
                .friend_accept(&actor, &user_id)
                .await
                .map(done)?,
            Command::FriendDecline { user_id } => app
                .friends
                .friend_decline(&actor, &user_id)
                .await
                .map(done)?,
            Command::FriendCancel { user_id } => app
                .friends
                .friend_cancel(&actor, &user_id)
                .await
                .map(done)?,
            Command::FriendRemove { user_id } => app
                .friends
                .friend_remove(&actor, &user_id)
                .await
                .map(done)?,
            Command::Block { user_id } => app.friends.block(&actor, &user_id).await.map(done)?,
            Command::Unblock { user_id } => {
                app.friends.unblock(&actor, &user_id).await.map(done)?
            }
            Command::ListContacts => Some(app.friends.list_contacts(&actor).await?),
            Command::OpenDirect { user_id } => Some(Reply::Conversation {
                conversation: app.chat.open_direct(&actor, &user_id).await?,
            }),
            Command::ListConversations => Some(Reply::Conversations {
                conversations: app.chat.list_conversations(&actor.user).await?,
            }),
            Command::SendMessage {
                conversation_id,
                client_msg_id,
                body,
            } => {
                let sent = app
                    .chat
                    .send_message(&actor, &conversation_id, &client_msg_id, &body)
                    .await?;
                Some(Reply::Sent {
                    message: sent.message,
                })
            }
            Command::History {
                conversation_id,
                before_seq,
                limit,
            } => Some(
                app.chat
                    .history(&actor, &conversation_id, before_seq, limit)
                    .await?,
            ),
            Command::MarkRead {
                conversation_id,
                seq,
            } => app
                .chat
                .mark_read(&actor, &conversation_id, seq)
                .await
                .map(done)?,
            Command::Typing { conversation_id } => {
                app.chat.typing(&actor, &conversation_id).await.map(done)?
            }
            Command::Recall {
                conversation_id,
                message_id,
            } => app
                .chat
                .recall(&actor, &conversation_id, &message_id)
                .await
                .map(done)?,
            Command::CreateGroup {
                name,
                description,
                join_policy,
                searchable,
                allow_temp_sessions,
            } => {
                let settings = crate::services::groups::GroupSettings {
                    name,
                    description,
                    join_policy,
                    searchable,
                    allow_temp: allow_temp_sessions,
                };
                Some(Reply::Conversation {
                    conversation: app.groups.create_group(&actor, settings).await?,
                })
            }
            Command::SearchGroups {
                query,
                offset,
                limit,
            } => {
                check_direct(&self.searches)?;
                Some(app.groups.search_groups(&query, offset, limit).await?)
            }
            Command::JoinGroup {
                conversation_id,
                message,
            } => Some(
                app.groups
                    .join_group(&actor, &conversation_id, message.as_deref())
                    .await?,
            ),
            Command::ListJoinRequests { conversation_id } => Some(
                app.groups
                    .list_join_requests(&actor, &conversation_id)
                    .await?,
            ),
            Command::DecideJoin {
                conversation_id,
                user_id,
                approve,
            } => app
                .groups
                .decide_join(&actor, &conversation_id, &user_id, approve)
                .await
                .map(done)?,
            Command::ListMembers {
                conversation_id,
                offset,
                limit,
            } => Some(
                app.groups
                    .list_members(&actor, &conversation_id, offset, limit)
                    .await?,
            ),
            Command::UpdateGroup {
                conversation_id,
                name,
                description,
                join_policy,
                searchable,
                allow_temp_sessions,
            } => {
                let changes = crate::store::groups::GroupChanges {
                    name,
                    description,
                    join_policy,
                    searchable,
                    allow_temp: allow_temp_sessions,
                    ..Default::default()
                };
                app.groups
                    .update_group(&actor, &conversation_id, changes)
                    .await
                    .map(done)?
            }
            Command::AddMember {
                conversation_id,
                user_id,
            } => app
                .groups
                .add_member(&actor, &conversation_id, &user_id)
                .await
                .map(done)?,
            Command::RemoveMember {
                conversation_id,
                user_id,
            } => app
                .groups
                .remove_member(&actor, &conversation_id, &user_id)
                .await
                .map(done)?,
            Command::MuteMember {
                conversation_id,
                user_id,
                seconds,
            } => app
                .groups
                .mute_member(&actor, &conversation_id, &user_id, seconds)
                .await
                .map(done)?,
            Command::MuteAll {
                conversation_id,
                on,
            } => app
                .groups
                .mute_all(&actor, &conversation_id, on)
                .await
                .map(done)?,
            Command::SetAdmin {
                conversation_id,
                user_id,
                admin,
            } => app
                .groups
                .set_admin(&actor, &conversation_id, &user_id, admin)
                .await
                .map(done)?,
            Command::TransferGroup {
                conversation_id,
                user_id,
            } => app
                .groups
                .transfer_group(&actor, &conversation_id, &user_id)
                .await
                .map(done)?,
            Command::LeaveGroup { conversation_id } => app
                .groups
                .leave_group(&actor, &conversation_id)
                .await
                .map(done)?,
            Command::DissolveGroup { conversation_id } => app
                .groups
                .dissolve_group(&actor, &conversation_id)
                .await
                .map(done)?,
            Command::OpenTemp { user_id, via } => Some(Reply::Conversation {
                conversation: app.groups.open_temp(&actor, &user_id, &via).await?,
            }),
            Command::FileUrls { file_id } => Some(app.files.file_urls(&actor, &file_id).await?),
            Command::SetAvatar { file_id } => Some(Reply::Profile {
                profile: app.accounts.set_avatar(&actor, file_id.as_ref()).await?,
            }),
            Command::SetGroupAvatar {
                conversation_id,
                file_id,
            } => app
                .groups
                .set_group_avatar(&actor, &conversation_id, file_id.as_ref())
                .await
                .map(done)?,
            Command::Sync {
                events_after,
                conversations,
            } => {
                self.sync(id, events_after, conversations).await?;
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

/// Work out what was wrong with a frame that did not parse, and which request it was.
fn classify_parse_error(text: &str, e: &serde_json::Error) -> (Option<String>, Error) {
    let Ok(value) = serde_json::from_str::<serde_json::Value>(text) else {
        return (
            None,
            Error::client(ErrorCode::MalformedFrame, "not valid JSON"),
        );
    };
    let id = value
        .get("id")
        .and_then(|v| v.as_str())
        .filter(|s| s.len() <= limits::MAX_CLIENT_ID_BYTES)
        .map(str::to_owned);
    let known = value.get("type").and_then(|t| t.as_str()).map(|t| {
        serde_json::from_value::<Command>(serde_json::json!({ "type": t })).is_ok()
            || !e.to_string().contains("unknown variant")
    });
    match known {
        Some(true) => (
            id,
            Error::client(ErrorCode::MalformedFrame, format!("invalid fields: {e}")),
        ),
        Some(false) => (
            id,
            Error::client(ErrorCode::UnknownType, "unknown frame type"),
        ),
        None => (
            id,
            Error::client(ErrorCode::MalformedFrame, "a frame needs a string `type`"),
        ),
    }
}
