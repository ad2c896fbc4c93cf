//! One client connection: authentication, command dispatch, and ordered, gap-free, duplicate-free
//! delivery of pushes.
//!
//! # Concurrency
//! One task per connection reads frames, runs commands one at a time (so replies are in request
//! order), receives pushes from the hub over a bounded queue, and writes to the socket itself.
//! `select!` below waits on: shutdown, an external kill (session revoked, too slow), a hub push,
//! an inbound frame, the authentication deadline, and the keep-alive tick.
//!
//! # Writing
//! Frames are fed into tungstenite's write buffer and flushed once the task has nothing more
//! ready to send: a burst of pushes costs one `write()` to the TLS stream. There is no separate
//! writer task: that cost a task, a channel and a wake-up per frame on the delivery path, and
//! about 2 KB per idle connection. A write that makes no progress for [`WRITE_STALL`] means the
//! client stopped reading; the connection then ends (its pushes would also overflow the hub
//! queue and get it killed as a slow consumer).
//!
//! # Delivery
//! The connection remembers the last seq it has sent of the user's event stream and of each
//! conversation. A push at or below that cursor was already sent (by sync or gap-fill) and is
//! skipped; a push beyond `cursor + 1` means something committed earlier was not pushed yet (two
//! senders committed in one order and published in the other), so the gap is read from the
//! database first. Because the connection registers with the hub *before* it reads anything
//! (subscribe-before-fetch), nothing can fall between the backlog and the live stream.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use std::pin::Pin;

use futures_util::{Sink, SinkExt, Stream, StreamExt};
use liao_shared::{
    ClientFrame, Command, ConversationId, ErrorCode, FrameError, PROTOCOL_VERSION, Reply,
    ServerFrame, UserId, WireLimits, limits,
};
use tokio::time::Instant;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::{self, Message, Utf8Bytes};
use tokio_util::sync::CancellationToken;

use crate::app::{Actor, App, encode};
use crate::error::{Error, Result};
use crate::hub::{Kill, Push, Registration};
use crate::ratelimit::{DirectLimiter, check_direct, direct, quota};

/// Page size when replaying backlogs.
const PAGE: u32 = 200;

/// How long a write may make no progress before the client counts as gone.
const WRITE_STALL: Duration = Duration::from_secs(10);

/// Most pushes written before a flush, so a long burst still reaches the client as it goes.
const BATCH: u32 = 64;

/// Bytes of frames fed since the last flush beyond which the connection flushes at once. A flush
/// waits for the socket, and the connection reads no command meanwhile: a client that does not
/// read its replies stops being served instead of making the server buffer for it (at most this
/// plus one frame per connection, besides the TLS layer's own bounded buffer). Pushes keep the
/// slow-consumer rule of the hub.
const MAX_UNFLUSHED_BYTES: usize = 64 * 1024;

/// The socket's write half.
type WsSink = Pin<Box<dyn Sink<Message, Error = tungstenite::Error> + Send + Sync>>;

/// Close codes (documented in PROTOCOL.md).
mod close {
    pub const REVOKED: u16 = 4001;
    pub const DISABLED: u16 = 4003;
    pub const SLOW: u16 = 4008;
}

struct Cursors {
    /// Last user-event seq sent on this connection.
    events: u64,
    /// The user's event seq when this connection authenticated: events after it and up to
    /// `events` were delivered live (before any sync), contiguously thanks to gap-filling.
    events_at_auth: u64,
    /// Last seq sent per conversation.
    conversations: HashMap<ConversationId, u64>,
    /// Before sync: the first seq delivered live per conversation (everything from it up to the
    /// cursor was delivered), so a later sync does not send it again.
    live_from: HashMap<ConversationId, u64>,
    /// Whether a sync ran: afterwards every conversation of the user is known, so an unknown one
    /// is new and starts at its visible beginning.
    synced: bool,
}

impl Cursors {
    fn new(events: u64) -> Self {
        Cursors {
            events,
            events_at_auth: events,
            conversations: HashMap::new(),
            live_from: HashMap::new(),
            synced: false,
        }
    }

    /// Record that `seq` of `conversation` reached the client (push or reply).
    fn delivered(&mut self, conversation: &ConversationId, seq: u64) {
        // On the path of every delivery: no key clone (an allocation) when the entry exists.
        match self.conversations.get_mut(conversation) {
            Some(c) => *c = seq,
            None => {
                self.conversations.insert(conversation.clone(), seq);
            }
        }
        if !self.synced {
            self.live_from.entry(conversation.clone()).or_insert(seq);
        }
    }
}

/// The ranges `(after, until]` of a backlog `(after, head]` not already delivered live
/// (`delivered` is an inclusive range).
fn backlog_ranges(after: u64, head: u64, delivered: Option<(u64, u64)>) -> Vec<(u64, u64)> {
    let ranges = match delivered {
        None => vec![(after, head)],
        Some((lo, hi)) => vec![
            (after, head.min(lo.saturating_sub(1))),
            (after.max(hi), head),
        ],
    };
    ranges.into_iter().filter(|(a, b)| a < b).collect()
}

struct Session {
    actor: Actor,
    cursors: Cursors,
}

/// Why the loop ends.
enum Flow {
    Continue,
    Close(CloseFrame),
}

fn close_frame(code: u16, reason: &'static str) -> CloseFrame {
    CloseFrame {
        code: CloseCode::from(code),
        reason: Utf8Bytes::from_static(reason),
    }
}

struct Connection {
    app: Arc<App>,
    sink: WsSink,
    /// Frames fed since the last flush.
    unflushed: u32,
    /// Their bytes.
    unflushed_bytes: usize,
    /// After a rate-limited frame, no frame is read before this: a flooding client gets one
    /// answer per wait instead of one per frame it sends (pushes still flow meanwhile).
    read_paused_until: Option<tokio::time::Instant>,
    /// A write failed or stalled: the connection ends.
    broken: bool,
    ip: IpAddr,
    session: Option<Session>,
    commands: DirectLimiter,
    searches: DirectLimiter,
}

/// Serve one upgraded WebSocket until it closes.
pub async fn serve<S>(app: Arc<App>, ws: S, ip: IpAddr, shutdown: CancellationToken)
where
    S: Stream<Item = Result<Message, tungstenite::Error>>
        + futures_util::Sink<Message, Error = tungstenite::Error>
        + Unpin
        + Send
        + 'static,
{
    let (sink, stream) = ws.split();
    let t = &app.config.tuning;
    let commands = direct(quota(t.commands_per_sec * 2, Duration::from_secs(2)));
    let searches = direct(quota(t.searches_per_min, Duration::from_secs(60)));
    let mut conn = Connection {
        app,
        sink: Box::pin(sink),
        unflushed: 0,
        unflushed_bytes: 0,
        read_paused_until: None,
        broken: false,
        ip,
        session: None,
        commands,
        searches,
    };
    let mut registration: Option<Registration> = None;
    conn.run(stream, &mut registration, shutdown).await;
    if let (Some(reg), Some(session)) = (registration, &conn.session) {
        // Boxed, like the other once-per-connection steps: their futures are large, and inline
        // they would grow every idle connection's task.
        Box::pin(conn.went_offline(&session.actor.user, reg.id)).await;
        // Idle expiry counts from the last use, and a long-lived connection is use.
        if let Err(e) = Box::pin(conn.app.store.touch_session(&session.actor.session)).await {
            tracing::debug!(error = %e, "could not record session use");
        }
    }
    let _ = tokio::time::timeout(WRITE_STALL, conn.sink.close()).await;
}

impl Connection {
    async fn run<R>(
        &mut self,
        mut stream: R,
        registration: &mut Option<Registration>,
        shutdown: CancellationToken,
    ) where
        R: Stream<Item = Result<Message, tungstenite::Error>> + Unpin,
    {
        let t = &self.app.config.tuning;
        let auth_deadline = tokio::time::sleep(Duration::from_secs(t.auth_timeout_secs));
        tokio::pin!(auth_deadline);
        let mut keepalive = tokio::time::interval(Duration::from_secs(t.ping_secs.max(1)));
        keepalive.tick().await;
        let idle = Duration::from_secs(t.idle_timeout_secs);
        let mut last_inbound = Instant::now();
        let no_kill = Arc::new(Kill::default());

        let flow = loop {
            let kill = registration
                .as_ref()
                .map_or_else(|| no_kill.clone(), |r| r.kill.clone());
            let authed = registration.is_some();
            // `biased`: shutdown and kills win over more work; pushes are drained before reading
            // new commands so a busy client cannot starve its own deliveries.
            let flow = tokio::select! {
                biased;
                _ = shutdown.cancelled() => {
                    Box::pin(self.error_frame(None, &Error::client(ErrorCode::ShuttingDown, "server shutting down"))).await;
                    Flow::Close(close_frame(1001, "server shutting down"))
                }
                reason = kill.killed(), if authed => {
                    Box::pin(self.error_frame(None, &Error::client(reason, "connection closed by the server"))).await;
                    let code = match reason {
                        ErrorCode::AccountDisabled => close::DISABLED,
                        ErrorCode::SlowConsumer => close::SLOW,
                        _ => close::REVOKED,
                    };
                    Flow::Close(close_frame(code, "closed by server"))
                }
                push = recv_push(registration) => match push {
                    Some(push) => self.deliver(&push).await.unwrap_or_else(|e| self.fatal(e)),
                    None => Flow::Close(close_frame(1011, "internal error")),
                },
                _ = tokio::time::sleep_until(self.read_paused_until.unwrap_or_else(tokio::time::Instant::now)), if self.read_paused_until.is_some() => {
                    self.read_paused_until = None;
                    Flow::Continue
                }
                frame = stream.next(), if self.read_paused_until.is_none() => {
                    last_inbound = Instant::now();
                    match frame {
                        Some(Ok(Message::Text(text))) => Box::pin(self.on_text(&text, registration)).await,
                        Some(Ok(Message::Binary(_))) => {
                            // Garbage costs the sender's budget like a command does.
                            let e = match check_direct(&self.commands) {
                                Ok(()) => Error::client(ErrorCode::MalformedFrame, "binary frames are not used; send JSON text"),
                                Err(limited) => limited,
                            };
                            Box::pin(self.error_frame(None, &e)).await;
                            Flow::Continue
                        }
                        Some(Ok(Message::Close(_))) | None => break None,
                        Some(Ok(_)) => Flow::Continue, // ping/pong: tungstenite answers pings itself
                        Some(Err(tungstenite::Error::Capacity(_))) => {
                            Box::pin(self.error_frame(None, &Error::client(ErrorCode::FrameTooLarge, "frames are limited to 64 KiB"))).await;
                            Flow::Close(close_frame(1009, "frame too large"))
                        }
                        Some(Err(_)) => break None,
                    }
                }
                _ = &mut auth_deadline, if !authed => {
                    Box::pin(self.error_frame(None, &Error::client(ErrorCode::AuthTimeout, "authenticate within the deadline"))).await;
                    Flow::Close(close_frame(1008, "authentication timeout"))
                }
                _ = keepalive.tick() => {
                    if last_inbound.elapsed() > idle {
                        Flow::Close(close_frame(1001, "idle timeout"))
                    } else {
                        self.write(Message::Ping(Default::default())).await;
                        Flow::Continue
                    }
                }
            };
            if let Flow::Close(frame) = flow {
                break Some(frame);
            }
            if self.broken {
                break None;
            }
            // Flush once nothing more is ready to go out (or after a long burst).
            let more = registration.as_ref().is_some_and(|r| !r.rx.is_empty());
            if self.unflushed > 0 && (!more || self.unflushed >= BATCH) {
                self.flush().await;
                if self.broken {
                    break None;
                }
            }
        };
        if let Some(frame) = flow
            && !self.broken
        {
            self.write(Message::Close(Some(frame))).await;
            self.flush().await;
        }
    }

    fn fatal(&self, e: Error) -> Flow {
        tracing::error!(error = %e, "connection failed");
        Flow::Close(close_frame(1011, "internal error"))
    }

    async fn send(&mut self, frame: &ServerFrame) {
        self.send_bytes(encode(frame)).await;
    }

    /// Feed a text frame to the socket (written at the next flush, or sooner once tungstenite's
    /// buffer is full).
    async fn send_bytes(&mut self, bytes: Utf8Bytes) {
        self.write(Message::Text(bytes)).await;
    }

    async fn write(&mut self, message: Message) {
        if self.broken {
            return;
        }
        let len = message.len();
        match tokio::time::timeout(WRITE_STALL, self.sink.feed(message)).await {
            Ok(Ok(())) => {
                self.unflushed += 1;
                self.unflushed_bytes += len;
            }
            // The socket is dead or the client stopped reading: end the connection.
            Ok(Err(_)) | Err(_) => self.broken = true,
        }
        if self.unflushed_bytes >= MAX_UNFLUSHED_BYTES {
            self.flush().await;
        }
    }

    async fn flush(&mut self) {
        if self.broken {
            return;
        }
        match tokio::time::timeout(WRITE_STALL, self.sink.flush()).await {
            Ok(Ok(())) => {
                self.unflushed = 0;
                self.unflushed_bytes = 0;
            }
            Ok(Err(_)) | Err(_) => self.broken = true,
        }
    }

    async fn error_frame(&mut self, id: Option<String>, e: &Error) {
        if let Error::RateLimited { retry_after_ms } = e {
            // Read this client's next frame only once it may be served (at most a second).
            let wait = Duration::from_millis((*retry_after_ms).min(1000));
            self.read_paused_until = Some(tokio::time::Instant::now() + wait);
        }
        if e.is_internal() {
            tracing::error!(error = %e, "request failed");
        }
        let until = match e {
            Error::Muted { until } => *until,
            _ => None,
        };
        let retry_after_ms = e.retry_after_ms();
        self.send(&ServerFrame::Error {
            id,
            code: e.code(),
            message: e.client_message().into_owned(),
            retry_after_ms,
            until,
        })
        .await;
    }

    async fn on_text(&mut self, text: &str, registration: &mut Option<Registration>) -> Flow {
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
                self.send(&ServerFrame::Ok { id, result }).await;
                // The sender's own connection already has this message in the reply; advance the
                // cursor so the push does not repeat it.
                if let (Some((conv, seq)), Some(s)) = (sent_seq, self.session.as_mut()) {
                    let cursor = s.cursors.conversations.get(&conv).copied();
                    // Unknown after sync means new since then: its first entry is seq 1.
                    if cursor.map_or(!s.cursors.synced || seq == 1, |c| c + 1 == seq) {
                        s.cursors.delivered(&conv, seq);
                    }
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
                Command::Register(c) => {
                    app.register(
                        &c.username,
                        c.password,
                        c.display_name.as_deref(),
                        c.device.as_deref(),
                        self.ip,
                    )
                    .await?
                }
                Command::Login(c) => {
                    app.login(&c.username, c.password, c.device.as_deref(), self.ip)
                        .await?
                }
                Command::Resume(c) => app.resume(&c.token).await?,
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
                        .store
                        .delete_session(&auth.profile.user_id, &auth.session)
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
        let done = |_: ()| Some(Reply::Done);
        let conversation = |conversation| Some(Reply::Conversation { conversation });
        let profile = |profile| Some(Reply::Profile { profile });
        Ok(match command {
            Command::Hello(c) => Some(self.hello(c.protocol)?),
            Command::Register(_) | Command::Login(_) | Command::Resume(_) => {
                return Err(Error::client(
                    ErrorCode::AlreadyAuthenticated,
                    "this connection is already authenticated",
                ));
            }
            Command::Logout => app.logout(a).await.map(done)?,
            Command::ChangePassword(c) => app
                .change_password(a, c.old_password, c.new_password)
                .await
                .map(done)?,
            Command::ListSessions => Some(Reply::Sessions {
                sessions: app.list_sessions(a).await?,
            }),
            Command::RevokeSession(c) => app.revoke_session(a, &c.session_id).await.map(done)?,
            Command::UpdateProfile(c) => profile(app.update_profile(a, &c.display_name).await?),
            Command::GetProfile(c) => profile(app.get_profile(&c.user_id).await?),
            Command::SearchUsers(c) => {
                check_direct(&self.searches)?;
                Some(app.search_users(&c.query, c.offset, c.limit).await?)
            }
            Command::FriendRequest(c) => app
                .friend_request(a, &c.user_id, c.message.as_deref())
                .await
                .map(done)?,
            Command::FriendAccept(c) => app.friend_accept(a, &c.user_id).await.map(done)?,
            Command::FriendDecline(c) => app.friend_decline(a, &c.user_id).await.map(done)?,
            Command::FriendCancel(c) => app.friend_cancel(a, &c.user_id).await.map(done)?,
            Command::FriendRemove(c) => app.friend_remove(a, &c.user_id).await.map(done)?,
            Command::Block(c) => app.block(a, &c.user_id).await.map(done)?,
            Command::Unblock(c) => app.unblock(a, &c.user_id).await.map(done)?,
            Command::ListContacts => Some(app.list_contacts(a).await?),
            Command::OpenDirect(c) => conversation(app.open_direct(a, &c.user_id).await?),
            Command::ListConversations => Some(Reply::Conversations {
                conversations: app.store.conversation_infos(&a.user, None).await?,
            }),
            Command::SendMessage(c) => {
                let sent = app
                    .send_message(a, &c.conversation_id, &c.client_msg_id, &c.body)
                    .await?;
                Some(Reply::Sent {
                    message: sent.message,
                })
            }
            Command::History(c) => Some(
                app.history(a, &c.conversation_id, c.before_seq, c.limit)
                    .await?,
            ),
            Command::MarkRead(c) => app
                .mark_read(a, &c.conversation_id, c.seq)
                .await
                .map(done)?,
            Command::Typing(c) => app.typing(a, &c.conversation_id).await.map(done)?,
            Command::Recall(c) => app
                .recall(a, &c.conversation_id, &c.message_id)
                .await
                .map(done)?,
            Command::CreateGroup(c) => conversation(app.create_group(a, c.settings).await?),
            Command::SearchGroups(c) => {
                check_direct(&self.searches)?;
                Some(app.search_groups(&c.query, c.offset, c.limit).await?)
            }
            Command::JoinGroup(c) => Some(
                app.join_group(a, &c.conversation_id, c.message.as_deref())
                    .await?,
            ),
            Command::ListJoinRequests(c) => {
                Some(app.list_join_requests(a, &c.conversation_id).await?)
            }
            Command::DecideJoin(c) => app
                .decide_join(a, &c.conversation_id, &c.user_id, c.approve)
                .await
                .map(done)?,
            Command::ListMembers(c) => Some(
                app.list_members(a, &c.conversation_id, c.offset, c.limit)
                    .await?,
            ),
            Command::UpdateGroup(c) => app
                .update_group(a, &c.conversation_id, c.changes.into())
                .await
                .map(done)?,
            Command::AddMember(c) => app
                .add_member(a, &c.conversation_id, &c.user_id)
                .await
                .map(done)?,
            Command::RemoveMember(c) => app
                .remove_member(a, &c.conversation_id, &c.user_id)
                .await
                .map(done)?,
            Command::MuteMember(c) => app
                .mute_member(a, &c.conversation_id, &c.user_id, c.seconds)
                .await
                .map(done)?,
            Command::MuteAll(c) => app.mute_all(a, &c.conversation_id, c.on).await.map(done)?,
            Command::SetAdmin(c) => app
                .set_admin(a, &c.conversation_id, &c.user_id, c.admin)
                .await
                .map(done)?,
            Command::TransferGroup(c) => app
                .transfer_group(a, &c.conversation_id, &c.user_id)
                .await
                .map(done)?,
            Command::LeaveGroup(c) => app.leave_group(a, &c.conversation_id).await.map(done)?,
            Command::DissolveGroup(c) => {
                app.dissolve_group(a, &c.conversation_id).await.map(done)?
            }
            Command::OpenTemp(c) => conversation(app.open_temp(a, &c.user_id, &c.via).await?),
            Command::FileUrls(c) => Some(app.file_urls(a, &c.file_id).await?),
            Command::SetAvatar(c) => profile(app.set_avatar(a, c.file_id.as_ref()).await?),
            Command::SetGroupAvatar(c) => app
                .set_group_avatar(a, &c.conversation_id, c.file_id.as_ref())
                .await
                .map(done)?,
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

    /// Register with the hub (before reading any state), then announce presence.
    async fn authenticated(
        &mut self,
        user: &UserId,
        session: &liao_shared::SessionId,
        registration: &mut Option<Registration>,
    ) -> Result<()> {
        let max = self.app.config.tuning.max_connections_per_account;
        let reg = self
            .app
            .hub
            .register(user, session, max)
            .ok_or(Error::RateLimited {
                retry_after_ms: 5000,
            })?;
        let first = reg.first;
        let actor = Actor {
            user: user.clone(),
            session: session.clone(),
            conn: reg.id,
        };
        *registration = Some(reg);
        let events = self.app.store.event_seq(user).await?;
        self.session = Some(Session {
            actor,
            cursors: Cursors::new(events),
        });
        if first {
            self.announce_presence(user, true).await;
        }
        Ok(())
    }

    async fn announce_presence(&self, user: &UserId, online: bool) {
        match self.app.store.friend_ids(user).await {
            Ok(friends) => {
                let frame = ServerFrame::Presence {
                    user_id: user.clone(),
                    online,
                };
                self.app.publish_ephemeral(&friends, &frame, None);
            }
            Err(e) => tracing::warn!(error = %e, "presence not announced"),
        }
    }

    async fn went_offline(&self, user: &UserId, conn: u64) {
        if self.app.hub.unregister(user, conn) {
            self.announce_presence(user, false).await;
        }
    }

    /// Send a push unless already sent; fill any gap before it from the database.
    ///
    /// This runs for every delivery, so the common case allocates nothing; the rare database
    /// work is boxed, since large futures inline would grow every idle connection's task.
    async fn deliver(&mut self, push: &Push) -> Result<Flow> {
        let Some(session) = self.session.as_mut() else {
            return Ok(Flow::Continue);
        };
        match push {
            Push::Ephemeral { frame } => self.send_bytes(frame.clone()).await,
            Push::Event { seq, frame } => {
                let cursor = session.cursors.events;
                if *seq <= cursor {
                    return Ok(Flow::Continue);
                }
                session.cursors.events = *seq;
                if *seq > cursor + 1 {
                    Box::pin(self.fill_events(cursor, seq - 1)).await?;
                }
                self.send_bytes(frame.clone()).await;
            }
            Push::Message {
                conversation,
                seq,
                frame,
            } => {
                let cursor = match session.cursors.conversations.get(conversation) {
                    Some(c) => Some(*c),
                    None if session.cursors.synced => {
                        // A conversation that appeared after sync: start at its visible beginning.
                        let user = &session.actor.user;
                        Box::pin(self.app.store.membership(conversation, user))
                            .await?
                            .map(|m| m.visible_from)
                    }
                    None => None,
                };
                if cursor.is_some_and(|c| *seq <= c) {
                    return Ok(Flow::Continue);
                }
                session.cursors.delivered(conversation, *seq);
                if let Some(c) = cursor.filter(|c| *seq > c + 1) {
                    Box::pin(self.fill_messages(conversation, c, *seq)).await?;
                }
                self.send_bytes(frame.clone()).await;
            }
        }
        Ok(Flow::Continue)
    }

    /// Send the user's events `(after, until]`, which were committed but not pushed yet.
    async fn fill_events(&mut self, after: u64, until: u64) -> Result<()> {
        let Some(user) = self.session.as_ref().map(|s| s.actor.user.clone()) else {
            return Ok(());
        };
        let app = self.app.clone();
        for event in app
            .store
            .events_between(&user, after, until, u32::MAX)
            .await?
        {
            self.send(&ServerFrame::Event { event }).await;
        }
        Ok(())
    }

    /// Send `conversation`'s messages after `cursor` and before `seq`.
    async fn fill_messages(
        &mut self,
        conversation: &ConversationId,
        cursor: u64,
        seq: u64,
    ) -> Result<()> {
        let Some(user) = self.session.as_ref().map(|s| s.actor.user.clone()) else {
            return Ok(());
        };
        let app = self.app.clone();
        // Never fill from before the member's visible start: a cursor can be stale from an
        // earlier membership (left, then rejoined on this connection).
        let floor = app
            .store
            .membership(conversation, &user)
            .await?
            .map_or(seq - 1, |m| m.visible_from);
        for message in app
            .store
            .messages_between(conversation, cursor.max(floor), seq - 1, u32::MAX)
            .await?
        {
            self.send(&ServerFrame::Message { message }).await;
        }
        Ok(())
    }

    /// Replay everything after the client's cursors, then mark the stream live.
    async fn sync(
        &mut self,
        id: &str,
        events_after: u64,
        known: Vec<liao_shared::ConversationCursor>,
    ) -> Result<()> {
        let app = self.app.clone();
        let Some(user) = self.session.as_ref().map(|s| s.actor.user.clone()) else {
            return Err(Error::client(ErrorCode::NotAuthenticated, "log in first"));
        };
        // Read the stream heads first: everything up to them is replayed here, anything later
        // arrives as a push (the hub registration predates these reads).
        let events_head = app.store.event_seq(&user).await?;
        let heads = app.store.conversation_cursors(&user).await?;
        self.send(&ServerFrame::Ok {
            id: id.to_owned(),
            result: Reply::SyncStarted,
        })
        .await;

        let (live_events, mut live_conversations) = match self.session.as_mut() {
            Some(s) => {
                let c = &mut s.cursors;
                let live =
                    (c.events > c.events_at_auth).then_some((c.events_at_auth + 1, c.events));
                let convs: HashMap<ConversationId, (u64, u64)> = c
                    .live_from
                    .drain()
                    .filter_map(|(conv, lo)| c.conversations.get(&conv).map(|hi| (conv, (lo, *hi))))
                    .collect();
                (live, convs)
            }
            None => (None, HashMap::new()),
        };

        let after = events_after.min(events_head);
        let events_cursor = events_head.max(live_events.map_or(0, |(_, hi)| hi));
        if events_head - after > limits::SYNC_MAX_EVENTS {
            self.send(&ServerFrame::TooFarBehind {
                events_seq: events_head,
            })
            .await;
        } else {
            for (mut from, until) in backlog_ranges(after, events_head, live_events) {
                while from < until {
                    let page = app.store.events_between(&user, from, until, PAGE).await?;
                    let Some(last) = page.last().map(|e| e.seq) else {
                        break;
                    };
                    for event in page {
                        self.send(&ServerFrame::Event { event }).await;
                    }
                    from = last;
                }
            }
        }

        let known: HashMap<ConversationId, u64> = known
            .into_iter()
            .map(|c| (c.conversation_id, c.seq))
            .collect();
        let mut cursors = HashMap::with_capacity(heads.len());
        for (conversation, head, visible_from) in heads {
            let live = live_conversations.remove(&conversation);
            let after = known
                .get(&conversation)
                .copied()
                .unwrap_or(0)
                .max(visible_from)
                .min(head);
            let cursor = head.max(live.map_or(0, |(_, hi)| hi));
            if head - after > limits::SYNC_MAX_MESSAGES_PER_CONVERSATION {
                self.send(&ServerFrame::SyncGap {
                    conversation_id: conversation.clone(),
                    latest_seq: head,
                })
                .await;
            } else {
                for (mut from, until) in backlog_ranges(after, head, live) {
                    while from < until {
                        let page = app
                            .store
                            .messages_between(&conversation, from, until, PAGE)
                            .await?;
                        let Some(last) = page.last().map(|m| m.seq) else {
                            break;
                        };
                        for message in page {
                            self.send(&ServerFrame::Message { message }).await;
                        }
                        from = last;
                    }
                }
            }
            cursors.insert(conversation, cursor);
        }
        if let Some(s) = self.session.as_mut() {
            s.cursors = Cursors {
                events: events_cursor,
                events_at_auth: s.cursors.events_at_auth,
                conversations: cursors,
                live_from: HashMap::new(),
                synced: true,
            };
        }
        self.send(&ServerFrame::SyncDone {
            events_seq: events_cursor,
        })
        .await;
        Ok(())
    }
}

async fn recv_push(registration: &mut Option<Registration>) -> Option<Arc<Push>> {
    match registration {
        Some(r) => r.rx.recv().await,
        None => std::future::pending().await,
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

#[cfg(test)]
mod tests {
    use super::backlog_ranges;

    #[test]
    fn backlog_skips_what_was_delivered_live() {
        assert_eq!(backlog_ranges(3, 10, None), vec![(3, 10)]);
        assert_eq!(backlog_ranges(3, 10, Some((6, 8))), vec![(3, 5), (8, 10)]);
        assert_eq!(backlog_ranges(3, 10, Some((6, 12))), vec![(3, 5)]);
        assert_eq!(backlog_ranges(7, 10, Some((6, 8))), vec![(8, 10)]);
        assert_eq!(
            backlog_ranges(10, 10, Some((11, 12))),
            Vec::<(u64, u64)>::new()
        );
        assert_eq!(backlog_ranges(0, 5, Some((1, 5))), Vec::<(u64, u64)>::new());
    }
}
