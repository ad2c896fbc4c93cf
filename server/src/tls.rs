//! TLS: certificate loading, the self-signed default, fingerprints, and reload on SIGHUP.
//!
//! The server's rustls config resolves its certificate through [`ReloadableCert`], an `ArcSwap`
//! read on every handshake: reloading swaps the pointer, in-flight handshakes keep the old key.
//! Only the `ring` provider is compiled in and it is passed explicitly to every builder.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context, bail};
use arc_swap::ArcSwap;
use rustls::crypto::CryptoProvider;
use rustls::server::{ClientHello, ResolvesServerCert};
use rustls::sign::CertifiedKey;
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};
use sha2::{Digest, Sha256};

/// The one crypto provider of the process: `ring`, with the AES-128-GCM suites first.
///
/// rustls lists AES-256-GCM first. AES-128-GCM (first in Chrome's and Go's orders) runs 10 AES
/// rounds instead of 14 on every byte, and its TLS 1.3 key schedule uses SHA-256, which this
/// class of CPU accelerates, instead of SHA-384: handshakes and bulk transfers both get cheaper,
/// at a security margin every major TLS stack accepts. The server applies its own order.
pub fn provider() -> Arc<CryptoProvider> {
    use rustls::CipherSuite;
    let mut provider = rustls::crypto::ring::default_provider();
    provider.cipher_suites.sort_by_key(|s| {
        !matches!(
            s.suite(),
            CipherSuite::TLS13_AES_128_GCM_SHA256
                | CipherSuite::TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256
                | CipherSuite::TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256
        )
    });
    Arc::new(provider)
}

/// Where the certificate comes from, so it can be reloaded.
#[derive(Debug, Clone)]
pub enum CertSource {
    /// Operator-provided PEM files.
    Files {
        /// Certificate chain.
        cert: PathBuf,
        /// Private key.
        key: PathBuf,
    },
    /// Self-signed certificate kept in the data directory.
    SelfSigned {
        /// The data directory's `tls/` folder.
        dir: PathBuf,
        /// Names the certificate must cover.
        names: Vec<String>,
    },
}

/// A certificate that can be swapped while the server runs.
#[derive(Debug)]
pub struct ReloadableCert {
    current: ArcSwap<CertifiedKey>,
    source: CertSource,
}

impl ResolvesServerCert for ReloadableCert {
    fn resolve(&self, _hello: ClientHello<'_>) -> Option<Arc<CertifiedKey>> {
        Some(self.current.load_full())
    }
}

impl ReloadableCert {
    /// Load (generating the self-signed certificate if needed).
    pub fn load(source: CertSource) -> anyhow::Result<Arc<Self>> {
        let key = load_certified_key(&source)?;
        Ok(Arc::new(ReloadableCert {
            current: ArcSwap::from_pointee(key),
            source,
        }))
    }

    /// Re-read the certificate and key; on failure the old ones stay in use.
    pub fn reload(&self) -> anyhow::Result<()> {
        let key = load_certified_key(&self.source)?;
        self.current.store(Arc::new(key));
        Ok(())
    }

    /// SHA-256 of the leaf certificate's DER, as colon-separated uppercase hex.
    pub fn fingerprint(&self) -> String {
        let key = self.current.load();
        key.cert
            .first()
            .map(|c| fingerprint_hex(c.as_ref()))
            .unwrap_or_default()
    }

    /// The rustls server configuration (TLS 1.3 and 1.2 only, HTTP/1.1 ALPN).
    pub fn server_config(self: &Arc<Self>) -> anyhow::Result<Arc<rustls::ServerConfig>> {
        let mut config = rustls::ServerConfig::builder_with_provider(provider())
            .with_protocol_versions(&[&rustls::version::TLS13, &rustls::version::TLS12])
            .context("TLS protocol versions")?
            .with_no_client_auth()
            .with_cert_resolver(self.clone());
        // WebSockets need HTTP/1.1 (no RFC 8441 over h2 yet).
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        config.ignore_client_order = true;
        Ok(Arc::new(config))
    }
}

/// Colon-separated uppercase hex of the SHA-256 of `der`.
pub fn fingerprint_hex(der: &[u8]) -> String {
    Sha256::digest(der)
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect::<Vec<_>>()
        .join(":")
}

fn load_certified_key(source: &CertSource) -> anyhow::Result<CertifiedKey> {
    let (cert_path, key_path) = match source {
        CertSource::Files { cert, key } => (cert.clone(), key.clone()),
        CertSource::SelfSigned { dir, names } => {
            ensure_self_signed(dir, names)?;
            (dir.join("cert.pem"), dir.join("key.pem"))
        }
    };
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(&cert_path)
        .with_context(|| format!("reading {}", cert_path.display()))?
        .collect::<Result<_, _>>()
        .with_context(|| format!("parsing {}", cert_path.display()))?;
    if certs.is_empty() {
        bail!("{} holds no certificate", cert_path.display());
    }
    let key = PrivateKeyDer::from_pem_file(&key_path)
        .with_context(|| format!("reading key {}", key_path.display()))?;
    CertifiedKey::from_der(certs, key, &provider()).with_context(|| {
        format!(
            "{} does not match {}",
            key_path.display(),
            cert_path.display()
        )
    })
}

/// Make sure `dir` holds a self-signed certificate covering `names`; generate one if it is missing
/// or lacks a name (with a warning, since clients that pinned the old one must confirm again).
fn ensure_self_signed(dir: &Path, names: &[String]) -> anyhow::Result<()> {
    let names_path = dir.join("names.txt");
    let cert_path = dir.join("cert.pem");
    let key_path = dir.join("key.pem");
    if cert_path.exists() && key_path.exists() {
        let covered = std::fs::read_to_string(&names_path).unwrap_or_default();
        let covered: Vec<&str> = covered.lines().collect();
        let missing: Vec<&String> = names
            .iter()
            .filter(|n| !covered.contains(&n.as_str()))
            .collect();
        if missing.is_empty() {
            return Ok(());
        }
        tracing::warn!(
            ?missing,
            "the self-signed certificate does not cover every configured name; generating a new \
             one (clients that pinned the old fingerprint must confirm the new one)"
        );
    }
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let mut params = rcgen::CertificateParams::new(names.to_vec()).context("certificate names")?;
    params
        .distinguished_name
        .push(rcgen::DnType::CommonName, "Liao self-signed");
    params.not_before = rcgen::date_time_ymd(2024, 1, 1);
    params.not_after = rcgen::date_time_ymd(2124, 1, 1);
    let key = rcgen::KeyPair::generate().context("generating key")?;
    let cert = params.self_signed(&key).context("signing certificate")?;
    write_private(&key_path, key.serialize_pem().as_bytes())?;
    std::fs::write(&cert_path, cert.pem())?;
    std::fs::write(&names_path, names.join("\n"))?;
    Ok(())
}

fn write_private(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut f = options
        .open(path)
        .with_context(|| format!("writing {}", path.display()))?;
    f.write_all(bytes)?;
    Ok(())
}

/// The names a self-signed certificate should cover: localhost, loopback addresses, this
/// machine's host name, and the host of the public URL.
pub fn self_signed_names(public_url: Option<&str>) -> Vec<String> {
    let mut names = vec![
        "localhost".to_owned(),
        "127.0.0.1".to_owned(),
        "::1".to_owned(),
    ];
    if let Some(host) = gethostname::gethostname().to_str()
        && !host.is_empty()
    {
        names.push(host.to_ascii_lowercase());
    }
    if let Some(url) = public_url
        && let Ok(uri) = url.parse::<http::Uri>()
        && let Some(host) = uri.host()
    {
        names.push(host.trim_matches(['[', ']']).to_ascii_lowercase());
    }
    names.dedup();
    names
}
