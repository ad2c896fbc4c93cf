//! One client connection: the task that owns it and the `select!` loop it runs.
//!
//! One task per connection reads frames, runs commands one at a time (so replies are in request
//! order), receives pushes from the hub over a bounded queue, and writes to the socket itself.
//! The loop waits on: shutdown, an external kill (session revoked, too slow), a hub push, an
//! inbound frame, the authentication deadline, and the keep-alive tick. The rest of the
//! connection is split by concept: [`super::writer`] (buffered writes, stalls, error frames),
//! [`super::delivery`] (cursors, pushes, gap fills, the paged replay), [`super::sync`] (the
//! `sync` command) and [`super::dispatch`] (the command table).

use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use futures_util::{Sink, Stream, StreamExt};
use liao_shared::{ErrorCode, SessionId, UserId};
use tokio::time::Instant;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::{self, Message, Utf8Bytes};
use tokio_util::sync::CancellationToken;

use super::delivery::Cursors;
use super::writer::Writer;
use crate::app::{Actor, App};
use crate::error::{Error, Result};
use crate::hub::{Kill, Push, Registration};
use crate::ratelimit::{DirectLimiter, check_direct, direct, quota};

/// Close codes (documented in PROTOCOL.md).
mod close {
    pub const REVOKED: u16 = 4001;
    pub const DISABLED: u16 = 4003;
    pub const SLOW: u16 = 4008;
}

/// An authenticated connection's identity and delivery state.
pub(super) struct Session {
    pub actor: Actor,
    pub cursors: Cursors,
}

/// Why the loop ends.
pub(super) enum Flow {
    Continue,
    Close(CloseFrame),
}

pub(super) fn close_frame(code: u16, reason: &'static str) -> CloseFrame {
    CloseFrame {
        code: CloseCode::from(code),
        reason: Utf8Bytes::from_static(reason),
    }
}

/// One client's connection state, owned by its task.
pub(super) struct Connection {
    pub app: Arc<App>,
    pub out: Writer,
    /// After a rate-limited frame, no frame is read before this: a flooding client gets one
    /// answer per wait instead of one per frame it sends (pushes still flow meanwhile).
    read_paused_until: Option<Instant>,
    pub ip: IpAddr,
    pub session: Option<Session>,
    pub commands: DirectLimiter,
    pub searches: DirectLimiter,
}

/// Serve one upgraded WebSocket until it closes.
pub async fn serve<S>(app: Arc<App>, ws: S, ip: IpAddr, shutdown: CancellationToken)
where
    S: Stream<Item = Result<Message, tungstenite::Error>>
        + Sink<Message, Error = tungstenite::Error>
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
        out: Writer::new(Box::pin(sink)),
        read_paused_until: None,
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
        if let Err(e) = Box::pin(conn.app.accounts.touch_session(&session.actor.session)).await {
            tracing::debug!(error = %e, "could not record session use");
        }
    }
    conn.out.close().await;
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
                _ = tokio::time::sleep_until(self.read_paused_until.unwrap_or_else(Instant::now)), if self.read_paused_until.is_some() => {
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
                        self.out.write(Message::Ping(Default::default())).await;
                        Flow::Continue
                    }
                }
            };
            if let Flow::Close(frame) = flow {
                break Some(frame);
            }
            if self.out.is_broken() {
                break None;
            }
            // Flush once nothing more is ready to go out (or after a long burst).
            let more = registration.as_ref().is_some_and(|r| !r.rx.is_empty());
            self.out.flush_unless(more).await;
            if self.out.is_broken() {
                break None;
            }
        };
        if let Some(frame) = flow {
            self.out.write(Message::Close(Some(frame))).await;
            self.out.flush().await;
        }
    }

    fn fatal(&self, e: Error) -> Flow {
        tracing::error!(error = %e, "connection failed");
        Flow::Close(close_frame(1011, "internal error"))
    }

    /// Answer request `id` (or no request) with an error.
    pub(super) async fn error_frame(&mut self, id: Option<String>, e: &Error) {
        if let Error::RateLimited { retry_after_ms } = e {
            // Read this client's next frame only once it may be served (at most a second).
            let wait = Duration::from_millis((*retry_after_ms).min(1000));
            self.read_paused_until = Some(Instant::now() + wait);
        }
        self.out.error(id, e).await;
    }

    /// Register with the publisher (before reading any state), then announce presence.
    pub(super) async fn authenticated(
        &mut self,
        user: &UserId,
        session: &SessionId,
        registration: &mut Option<Registration>,
    ) -> Result<()> {
        let max = self.app.config.tuning.max_connections_per_account;
        let reg = self
            .app
            .publisher
            .connected(user, session, max)
            .await?
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
        let events = self.app.chat.event_head(user).await?;
        self.session = Some(Session {
            actor,
            cursors: Cursors::new(events),
        });
        if first {
            self.app.friends.announce_presence(user, true).await;
        }
        Ok(())
    }

    async fn went_offline(&self, user: &UserId, conn: u64) {
        match self.app.publisher.disconnected(user, conn).await {
            Ok(true) => self.app.friends.announce_presence(user, false).await,
            Ok(false) => {}
            Err(e) => tracing::warn!(error = %e, "disconnect not published"),
        }
    }
}

async fn recv_push(registration: &mut Option<Registration>) -> Option<Arc<Push>> {
    match registration {
        Some(r) => r.rx.recv().await,
        None => std::future::pending().await,
    }
}
