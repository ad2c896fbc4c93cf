//! Small helpers: random ids and tokens, the clock.

use rand::RngCore;
use sha2::{Digest, Sha256};

/// A new opaque id: a one-letter kind prefix and 128 random bits in lowercase hex. Random, never
/// sequential, so ids reveal nothing and cannot be guessed.
pub fn new_id(prefix: char) -> String {
    let mut bytes = [0u8; 16];
    rand::rng().fill_bytes(&mut bytes);
    format!("{prefix}{}", hex::encode(bytes))
}

/// A new session token: 256 random bits, URL-safe base64 without padding (43 characters).
pub fn new_token() -> String {
    use base64::Engine;
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// What is stored for a token: its SHA-256 in hex. A 256-bit random token needs no slow hash; a
/// database leak then yields nothing that authenticates.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Milliseconds since the Unix epoch.
pub fn now_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0)
}
