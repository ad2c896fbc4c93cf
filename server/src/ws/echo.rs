//! A WebSocket peer that echoes every data frame, served at [`PATH`] only when the server runs with
//! `--test-echo-route`. WebSocket conformance suites (Autobahn|Testsuite's fuzzing client) need
//! such a peer; this one sits behind `/ws`'s upgrade checks and runs on the same socket with the
//! same [`super::config`], so what they find about framing, UTF-8 checks, control frames, limits
//! and closing holds for `/ws` too. It handles end-of-stream and errors the way
//! [`super::connection`] does: an oversize message closes with 1009, any other error ends the
//! connection.
//!
//! # Concurrency
//! One task per connection (tracked like `/ws`'s, so shutdown waits for it) reads a message and
//! writes it back before it reads the next: a client that stops reading stops being read.
//! Pings and close frames are answered by tungstenite itself, on the next read or write. The
//! `select!` waits on the shutdown signal and the next inbound message.

use std::time::Duration;

use futures_util::{Sink, SinkExt, Stream, StreamExt};
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::{self, Message};
use tokio_util::sync::CancellationToken;

/// Where the echo route is served.
pub const PATH: &str = "/_test/echo";

/// How long a write may make no progress before the client counts as gone (as on `/ws`).
const WRITE_STALL: Duration = Duration::from_secs(10);

/// Echo text and binary messages on `ws` until the peer closes, the connection fails, or the
/// server shuts down (close 1001).
pub async fn serve<S>(mut ws: S, shutdown: CancellationToken)
where
    S: Stream<Item = Result<Message, tungstenite::Error>>
        + Sink<Message, Error = tungstenite::Error>
        + Unpin,
{
    let close = loop {
        // `biased`: shutdown wins over more echoing.
        let inbound = tokio::select! {
            biased;
            _ = shutdown.cancelled() => break Some((1001, "server shutting down")),
            inbound = ws.next() => inbound,
        };
        match inbound {
            Some(Ok(message @ (Message::Text(_) | Message::Binary(_)))) => {
                match tokio::time::timeout(WRITE_STALL, ws.send(message)).await {
                    Ok(Ok(())) => {}
                    Ok(Err(_)) | Err(_) => break None,
                }
            }
            // Pings are answered by tungstenite; pongs and raw frames need nothing.
            Some(Ok(Message::Ping(_) | Message::Pong(_) | Message::Frame(_))) => {}
            // tungstenite queued the close reply; reading on sends it and then ends the stream.
            Some(Ok(Message::Close(_))) => {}
            Some(Err(tungstenite::Error::Capacity(_))) => break Some((1009, "frame too large")),
            Some(Err(_)) | None => break None,
        };
    };
    if let Some((code, reason)) = close {
        let frame = CloseFrame {
            code: CloseCode::from(code),
            reason: reason.into(),
        };
        let _ = tokio::time::timeout(WRITE_STALL, ws.send(Message::Close(Some(frame)))).await;
    }
    let _ = tokio::time::timeout(WRITE_STALL, ws.close()).await;
}
