//! Lingering close for upgraded WebSocket sockets.
//!
//! When the server closes a WebSocket while the client is still sending (a message over the size
//! limit, a flood, shutdown), the client's unread bytes sit in the server's receive buffer. Dropping
//! the socket then makes the kernel answer with a TCP reset, and a reset may discard what the
//! client has received but not yet read: the close frame saying why (1009 "frame too large") is
//! lost, and the client sees only "connection reset". This is the race HTTP servers avoid with a
//! lingering close (RFC 9112 §9.6), and the one Autobahn's 9.1.x cases hit under load.
//!
//! So the upgrade task gets the socket back when the WebSocket layer drops it ([`HandBack`]),
//! then [`linger`]s: it shuts down its sending side (TLS `close_notify` and FIN) and reads and
//! discards what the client still sends until the client closes too, for at most [`LINGER`].
//! After a normal close handshake the client closes at once and this costs nothing.

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, ReadBuf};
use tokio::sync::oneshot;

/// How long a closed socket keeps reading for the client's end.
pub(super) const LINGER: Duration = Duration::from_secs(2);

/// A socket that is handed back through a channel when it is dropped, instead of being closed.
pub(super) struct HandBack<T> {
    /// Present from [`HandBack::new`] until `drop`.
    io: Option<T>,
    back: Option<oneshot::Sender<T>>,
}

impl<T> HandBack<T> {
    /// Wrap `io`; the receiver gets it back when the wrapper is dropped.
    pub(super) fn new(io: T) -> (Self, oneshot::Receiver<T>) {
        let (back, returned) = oneshot::channel();
        let wrapper = HandBack {
            io: Some(io),
            back: Some(back),
        };
        (wrapper, returned)
    }

    fn io(&mut self) -> &mut T {
        self.io.as_mut().expect("the socket is present until drop")
    }
}

impl<T> Drop for HandBack<T> {
    fn drop(&mut self) {
        if let (Some(io), Some(back)) = (self.io.take(), self.back.take()) {
            // The receiver is gone only if the upgrade task was; the socket then just closes.
            let _ = back.send(io);
        }
    }
}

impl<T: AsyncRead + Unpin> AsyncRead for HandBack<T> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(self.io()).poll_read(cx, buf)
    }
}

impl<T: AsyncWrite + Unpin> AsyncWrite for HandBack<T> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(self.io()).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(self.io()).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.io.as_ref().is_some_and(|io| io.is_write_vectored())
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(self.io()).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(self.io()).poll_shutdown(cx)
    }
}

/// Close `io` gracefully: shut down the sending side, then read and discard until the peer
/// closes, fails, or [`LINGER`] has passed.
pub(super) async fn linger<T: AsyncRead + AsyncWrite + Unpin>(mut io: T) {
    let drain = async {
        if io.shutdown().await.is_err() {
            return;
        }
        let mut scratch = [0u8; 8192];
        while let Ok(n) = io.read(&mut scratch).await {
            if n == 0 {
                break;
            }
        }
    };
    let _ = tokio::time::timeout(LINGER, drain).await;
}
