//! WebSocket connections: [`connection`] runs one authenticated (or authenticating) client,
//! [`writer`] owns the socket's write half and batches frames into few flushes.

pub mod connection;
pub mod writer;

use liao_shared::limits;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;

/// Per-connection WebSocket settings: 64 KiB inbound frames, and small buffers (tungstenite's
/// 128 KiB defaults would cost megabytes per thousand idle connections). The read chunk is 1 KiB:
/// most frames are smaller, a larger frame takes more (in-memory) reads from the TLS layer, which
/// buffers the socket itself, and every idle connection keeps 3 KiB less.
pub fn config() -> WebSocketConfig {
    WebSocketConfig::default()
        .max_message_size(Some(limits::MAX_INBOUND_FRAME))
        .max_frame_size(Some(limits::MAX_INBOUND_FRAME))
        .read_buffer_size(1024)
        .write_buffer_size(16 * 1024)
        .max_write_buffer_size(limits::MAX_OUTBOUND_FRAME * 4)
}
