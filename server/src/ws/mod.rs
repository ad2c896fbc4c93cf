//! WebSocket connections, one task each:
//! - [`connection`]: the task and its `select!` loop (shutdown, kills, pushes, frames, deadlines);
//! - `writer`: buffered writes flushed once nothing more is ready, stall detection, error frames;
//! - `delivery`: the connection's cursors, push delivery without gaps or repeats, the paged
//!   replay from the database;
//! - `sync`: the `sync` command;
//! - `dispatch`: parsing a frame and the command table.
//!
//! [`echo`] is a test-only peer on the same settings, for WebSocket conformance suites.

pub mod connection;
mod delivery;
mod dispatch;
pub mod echo;
mod sync;
mod writer;

use liao_shared::limits;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;

/// Per-connection WebSocket settings: 64 KiB inbound frames, and small buffers (tungstenite's
/// 128 KiB defaults would cost megabytes per thousand idle connections). Outbound frames gather
/// in a buffer of up to 4 KiB until the connection flushes, so a burst costs few writes; the
/// buffer keeps its largest size, so it is small (with 16 KiB, connections that had received a
/// burst kept about 3 KB more each). The read chunk is 1 KiB:
/// most frames are smaller, a larger frame takes more (in-memory) reads from the TLS layer, which
/// buffers the socket itself, and every idle connection keeps 3 KiB less.
pub fn config() -> WebSocketConfig {
    WebSocketConfig::default()
        .max_message_size(Some(limits::MAX_INBOUND_FRAME))
        .max_frame_size(Some(limits::MAX_INBOUND_FRAME))
        .read_buffer_size(1024)
        .write_buffer_size(4 * 1024)
        .max_write_buffer_size(limits::MAX_OUTBOUND_FRAME * 4)
}
