//! The connection to the Liao server, owned by Rust: server choice with trust on first use, the
//! pinned WebSocket whose frames flow to the webview over a Tauri `Channel`, and the session's
//! HTTP transfers (media, uploads, downloads) with the same pin.
//!
//! # Concurrency
//! `Connection` lives in Tauri's managed state. `server` (a std Mutex, never held across an await)
//! holds the chosen, confirmed server. Each `open` spawns one task that owns the `Pushes` receiver
//! and forwards frames to that open's channel; `generation` lets a stale task (an earlier socket)
//! report its close without touching the current one.

use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use liao_shared::client::transfer::Transfers;
use liao_shared::client::{self, Client, ConnectOptions, Trust};
use serde::Serialize;
use tauri::ipc::Channel;

use crate::error::{Error, Result};
use crate::pins::{Pins, format_fingerprint};

/// A server the user chose.
#[derive(Clone, Debug)]
pub struct Server {
    /// `https://host:port`.
    pub origin: String,
    host: String,
    port: u16,
    /// The certificate fingerprint presented at the last `connect`.
    fingerprint: [u8; 32],
    /// Whether the user confirmed (pinned) that fingerprint.
    trusted: bool,
}

/// What `connect` tells the UI.
#[derive(Serialize)]
pub struct Probe {
    /// `https://host:port`.
    pub origin: String,
    /// The certificate's SHA-256, colon-separated hex.
    pub fingerprint: String,
    /// Whether this fingerprint is already pinned for this server (no confirmation needed).
    pub known: bool,
}

/// Events on a socket's channel.
#[derive(Clone, Serialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum SocketEvent {
    /// Frames may be sent.
    Open,
    /// One server frame (JSON text).
    Frame {
        /// The frame.
        data: String,
    },
    /// The connection ended (or never opened).
    Close {
        /// WebSocket-style close code (1006: dropped).
        code: u16,
        /// Why.
        reason: String,
    },
}

/// The connection state.
pub struct Connection {
    pins: Pins,
    server: Mutex<Option<Server>>,
    client: Mutex<Option<(u64, Client)>>,
    generation: AtomicU64,
    /// Session token known to Rust (for media requests); set by the UI after login.
    token: Mutex<Option<String>>,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // Plain data behind these locks stays valid even if a holder panicked.
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// `host:port`, `https://host:port[/…]` or `wss://host:port/ws` → (origin, host, port).
pub fn parse_address(input: &str) -> Result<(String, String, u16)> {
    let input = input.trim();
    let with_scheme = if input.contains("://") {
        input.to_owned()
    } else {
        format!("https://{input}")
    };
    let uri: http::Uri = with_scheme
        .parse()
        .map_err(|_| Error::BadAddress(input.to_owned()))?;
    match uri.scheme_str() {
        Some("https" | "wss") => {}
        _ => return Err(Error::BadAddress(input.to_owned())),
    }
    let host = uri
        .host()
        .filter(|h| !h.is_empty())
        .ok_or_else(|| Error::BadAddress(input.to_owned()))?
        .to_owned();
    let port = uri.port_u16().unwrap_or(443);
    let origin = format!("https://{host}:{port}");
    Ok((origin, host.trim_matches(['[', ']']).to_owned(), port))
}

impl Connection {
    /// A connection state with pins loaded from `pins`.
    pub fn new(pins: Pins) -> Self {
        Connection {
            pins,
            server: Mutex::new(None),
            client: Mutex::new(None),
            generation: AtomicU64::new(0),
            token: Mutex::new(None),
        }
    }

    /// The server used last, to reconnect at start-up.
    pub fn last_server(&self) -> Option<String> {
        self.pins.last()
    }

    /// TLS handshake with `address`; returns the certificate fingerprint. A known server whose
    /// certificate changed is refused.
    pub async fn probe(&self, address: &str) -> Result<Probe> {
        let (origin, host, port) = parse_address(address)?;
        let fp = client::server_fingerprint(&host, port).await?;
        let presented = format_fingerprint(&fp);
        let pinned = self.pins.get(&origin);
        let known = match pinned {
            Some(p) if p.eq_ignore_ascii_case(&presented) => true,
            Some(p) => {
                tracing::warn!("certificate of {origin} changed: pinned {p}, got {presented}");
                return Err(Error::CertificateChanged {
                    server: origin,
                    pinned: p,
                    presented,
                });
            }
            None => false,
        };
        if known {
            self.pins.set_last(&origin)?;
        }
        *lock(&self.server) = Some(Server {
            origin: origin.clone(),
            host,
            port,
            fingerprint: fp,
            trusted: known,
        });
        Ok(Probe {
            origin,
            fingerprint: presented,
            known,
        })
    }

    /// The user confirmed `fingerprint` for the server just probed: pin it.
    pub fn trust(&self, fingerprint: &str) -> Result<()> {
        let mut guard = lock(&self.server);
        let server = guard.as_mut().ok_or(Error::NoServer)?;
        if client::parse_fingerprint(fingerprint) != Some(server.fingerprint) {
            return Err(Error::FingerprintMismatch);
        }
        self.pins
            .pin(&server.origin, &format_fingerprint(&server.fingerprint))?;
        server.trusted = true;
        Ok(())
    }

    /// The confirmed server.
    pub fn server(&self) -> Result<Server> {
        lock(&self.server)
            .clone()
            .filter(|s| s.trusted)
            .ok_or(Error::NoServer)
    }

    /// Opens the WebSocket; events (open, frames, close) go to `channel`. Returns at once.
    pub fn open(self: &std::sync::Arc<Self>, channel: Channel<SocketEvent>) -> Result<()> {
        let server = self.server()?;
        let generation = self.generation.fetch_add(1, Ordering::Relaxed) + 1;
        let this = self.clone();
        tauri::async_runtime::spawn(async move {
            let url = format!("wss://{}:{}/ws", server.host, server.port);
            let options = ConnectOptions {
                trust: Trust::Pinned(server.fingerprint),
                origin: None,
                bind: None,
            };
            let (client, mut pushes) = match Client::connect(&url, options).await {
                Ok(c) => c,
                Err(e) => {
                    let _ = channel.send(SocketEvent::Close {
                        code: 1006,
                        reason: e.to_string(),
                    });
                    return;
                }
            };
            *lock(&this.client) = Some((generation, client));
            let _ = channel.send(SocketEvent::Open);
            // One task per socket reads every push and hands it to the webview in order.
            while let Some(frame) = pushes.recv().await {
                match serde_json::to_string(&frame) {
                    Ok(data) => {
                        if channel.send(SocketEvent::Frame { data }).is_err() {
                            break; // the webview went away
                        }
                    }
                    Err(e) => tracing::warn!("could not re-encode a frame: {e}"),
                }
            }
            let mut current = lock(&this.client);
            let closed_by_us = current.as_ref().is_none_or(|(g, _)| *g != generation);
            if !closed_by_us {
                *current = None;
            }
            drop(current);
            let _ = channel.send(SocketEvent::Close {
                code: if closed_by_us { 1000 } else { 1006 },
                reason: String::new(),
            });
        });
        Ok(())
    }

    /// Sends one text frame on the current socket.
    pub async fn send(&self, text: String) -> Result<()> {
        let client = lock(&self.client)
            .as_ref()
            .map(|(_, c)| c.clone())
            .ok_or(Error::NotConnected)?;
        Ok(client.send_raw(text).await?)
    }

    /// Closes the current socket (its task then reports `Close`).
    pub async fn close(&self) {
        let client = lock(&self.client).take();
        if let Some((_, c)) = client {
            c.close().await;
        }
    }

    /// Remembers the session token for HTTP requests (media, transfers).
    pub fn set_token(&self, token: Option<String>) {
        *lock(&self.token) = token;
    }

    /// HTTP transfers for the current server and session.
    pub fn transfers(&self) -> Result<Transfers> {
        let server = self.server()?;
        let token = lock(&self.token).clone().unwrap_or_default();
        Ok(Transfers::new(
            &server.origin,
            Trust::Pinned(server.fingerprint),
            &token,
        )?)
    }
}

/// The path and query of a media URL (`liao://localhost/api/…`, `http://liao.localhost/api/…` or
/// a bare `/api/…`), which is what the server understands.
pub fn server_path(url: &str) -> String {
    match url.parse::<http::Uri>() {
        Ok(u) if u.scheme().is_some() => u
            .path_and_query()
            .map_or_else(|| "/".to_owned(), |p| p.as_str().to_owned()),
        _ => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_normalise_to_an_https_origin() {
        for a in [
            "127.0.0.1:8443",
            "https://127.0.0.1:8443",
            "https://127.0.0.1:8443/",
            "wss://127.0.0.1:8443/ws",
        ] {
            let (origin, host, port) = parse_address(a).unwrap();
            assert_eq!(origin, "https://127.0.0.1:8443");
            assert_eq!((host.as_str(), port), ("127.0.0.1", 8443));
        }
        assert!(parse_address("http://x:1").is_err());
        assert_eq!(parse_address("chat.example").unwrap().2, 443);
    }

    #[test]
    fn media_urls_map_to_server_paths() {
        assert_eq!(
            server_path("liao://localhost/api/f/1?sig=2"),
            "/api/f/1?sig=2"
        );
        assert_eq!(server_path("http://liao.localhost/api/f/1"), "/api/f/1");
        assert_eq!(server_path("/api/f/1?x"), "/api/f/1?x");
    }
}
