//! The socket's write side: frames are fed into tungstenite's write buffer and flushed once the
//! connection has nothing more ready to send, so a burst of pushes costs one `write()` to the TLS
//! stream.
//!
//! There is no separate writer task: that cost a task, a channel and a wake-up per frame on the
//! delivery path, and about 2 KB per idle connection. A write that makes no progress for
//! [`WRITE_STALL`] means the client stopped reading; the writer then counts as broken and the
//! connection ends (its pushes would also overflow the hub queue and get it killed as a slow
//! consumer).

use std::pin::Pin;
use std::time::Duration;

use futures_util::{Sink, SinkExt};
use liao_shared::ServerFrame;
use tokio_tungstenite::tungstenite::{self, Message, Utf8Bytes};

use crate::error::Error;
use crate::publish::encode;

/// How long a write may make no progress before the client counts as gone.
pub(super) const WRITE_STALL: Duration = Duration::from_secs(10);

/// Most frames written before a flush, so a long burst still reaches the client as it goes.
const BATCH: u32 = 64;

/// Bytes of frames fed since the last flush beyond which the writer flushes at once. A flush
/// waits for the socket, and the connection reads no command meanwhile: a client that does not
/// read its replies stops being served instead of making the server buffer for it (at most this
/// plus one frame per connection, besides the TLS layer's own bounded buffer). Pushes keep the
/// slow-consumer rule of the hub.
const MAX_UNFLUSHED_BYTES: usize = 64 * 1024;

/// The socket's write half.
pub(super) type WsSink = Pin<Box<dyn Sink<Message, Error = tungstenite::Error> + Send + Sync>>;

/// Buffered, stall-guarded writes to one socket.
pub(super) struct Writer {
    sink: WsSink,
    /// Frames fed since the last flush.
    unflushed: u32,
    /// Their bytes.
    unflushed_bytes: usize,
    /// A write failed or stalled: the connection ends.
    broken: bool,
}

impl Writer {
    pub(super) fn new(sink: WsSink) -> Self {
        Writer {
            sink,
            unflushed: 0,
            unflushed_bytes: 0,
            broken: false,
        }
    }

    /// Whether a write failed or stalled (the connection must end).
    pub(super) fn is_broken(&self) -> bool {
        self.broken
    }

    /// Encode and feed a frame.
    pub(super) async fn send(&mut self, frame: &ServerFrame) {
        self.send_bytes(encode(frame)).await;
    }

    /// Feed an encoded text frame (written at the next flush, or sooner once tungstenite's buffer
    /// is full).
    pub(super) async fn send_bytes(&mut self, bytes: Utf8Bytes) {
        self.write(Message::Text(bytes)).await;
    }

    /// Send the error frame answering request `id` (or no request).
    pub(super) async fn error(&mut self, id: Option<String>, e: &Error) {
        if e.is_internal() {
            tracing::error!(error = %e, "request failed");
        }
        let until = match e {
            Error::Muted { until } => *until,
            _ => None,
        };
        self.send(&ServerFrame::Error {
            id,
            code: e.code(),
            message: e.client_message().into_owned(),
            retry_after_ms: e.retry_after_ms(),
            until,
        })
        .await;
    }

    /// Feed any WebSocket message (pings and the close frame too).
    pub(super) async fn write(&mut self, message: Message) {
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

    /// Flush what was fed, unless `more` is ready to go out and the batch is not full yet.
    pub(super) async fn flush_unless(&mut self, more: bool) {
        if self.unflushed > 0 && (!more || self.unflushed >= BATCH) {
            self.flush().await;
        }
    }

    /// Write everything fed so far to the socket.
    pub(super) async fn flush(&mut self) {
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

    /// Close the socket (bounded by the stall limit).
    pub(super) async fn close(&mut self) {
        let _ = tokio::time::timeout(WRITE_STALL, self.sink.close()).await;
    }
}
