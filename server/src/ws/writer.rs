//! The write half of a connection.
//!
//! # Concurrency
//! One task owns the sink. Frames arrive over a bounded channel from the connection task; after
//! the first frame of a burst, everything already queued is fed too and then flushed once, so a
//! burst of pushes costs one `write()` to the TLS stream instead of one per frame.

use std::time::Duration;

use futures_util::{Sink, SinkExt};
use tokio::sync::mpsc;
use tokio::time::timeout;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::{Message, Utf8Bytes};

/// What the connection asks the writer to do.
#[derive(Debug)]
pub enum Out {
    /// Send a text frame.
    Frame(Utf8Bytes),
    /// Send a keep-alive ping.
    Ping,
    /// Send a close frame and stop.
    Close(CloseFrame),
}

/// Most frames fed before a flush.
const BATCH: usize = 64;

/// A write that makes no progress for this long means the peer stopped reading: give up (the
/// socket is dropped, so the connection task ends too).
const WRITE_TIMEOUT: Duration = Duration::from_secs(30);

/// Run until the channel closes or a close frame is sent.
pub async fn run<S>(mut sink: S, mut rx: mpsc::Receiver<Out>)
where
    S: Sink<Message, Error = tokio_tungstenite::tungstenite::Error> + Unpin,
{
    'outer: while let Some(first) = rx.recv().await {
        let mut next = Some(first);
        let mut fed = 0;
        while let Some(out) = next.take() {
            let msg = match out {
                Out::Frame(text) => Message::Text(text),
                Out::Ping => Message::Ping(Default::default()),
                Out::Close(frame) => {
                    let _ = timeout(WRITE_TIMEOUT, sink.send(Message::Close(Some(frame)))).await;
                    break 'outer;
                }
            };
            if !matches!(timeout(WRITE_TIMEOUT, sink.feed(msg)).await, Ok(Ok(()))) {
                break 'outer;
            }
            fed += 1;
            if fed < BATCH {
                next = rx.try_recv().ok();
            }
        }
        if !matches!(timeout(WRITE_TIMEOUT, sink.flush()).await, Ok(Ok(()))) {
            break;
        }
    }
    let _ = timeout(WRITE_TIMEOUT, sink.close()).await;
}
