//! Command line and run-time configuration. Every flag can also be given as an environment
//! variable `LIAO_<FLAG>` (e.g. `LIAO_LISTEN`, `LIAO_DATABASE_URL`).

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use ipnet::IpNet;

/// Liao chat server.
#[derive(Debug, Parser)]
#[command(name = "liao-server", version, about)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: CliCommand,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum CliCommand {
    /// Run the server.
    Serve(Box<ServeArgs>),
    /// Manage user accounts (works while the server runs).
    User {
        /// Where the data lives.
        #[command(flatten)]
        storage: StorageArgs,
        /// The action.
        #[command(subcommand)]
        action: UserAction,
    },
    /// Write a consistent copy of the database and the data directory's files to DIR.
    Backup {
        /// Where the data lives.
        #[command(flatten)]
        storage: StorageArgs,
        /// Destination folder (created; must be empty if it exists).
        dir: PathBuf,
    },
}

/// Account administration.
#[derive(Debug, Subcommand)]
pub enum UserAction {
    /// Create an account; the password is read from standard input.
    Add {
        /// The username.
        username: String,
        /// Display name (defaults to the username).
        #[arg(long)]
        display_name: Option<String>,
    },
    /// Set a new password (read from standard input); all sessions of the user end.
    Passwd {
        /// The username.
        username: String,
    },
    /// List accounts.
    List,
    /// Disable an account: its sessions end and its live connections close.
    Disable {
        /// The username.
        username: String,
    },
    /// Re-enable a disabled account.
    Enable {
        /// The username.
        username: String,
    },
}

/// Where data lives; shared by every subcommand.
#[derive(Debug, Clone, Args)]
pub struct StorageArgs {
    /// Data directory (database, certificates, files).
    #[arg(
        long,
        global = true,
        env = "LIAO_DATA_DIR",
        default_value = "./liao-data"
    )]
    pub data_dir: PathBuf,
    /// Database URL: `sqlite://PATH` or `postgres://…`. Default: SQLite file `liao.db` in the data
    /// directory.
    #[arg(long, global = true, env = "LIAO_DATABASE_URL")]
    pub database_url: Option<String>,
    /// SQLite `synchronous` level: `full` survives power loss; `normal` (default, with WAL)
    /// survives process crashes and may lose the last commits on power loss.
    #[arg(
        long,
        global = true,
        env = "LIAO_SQLITE_SYNC",
        default_value = "normal"
    )]
    pub sqlite_sync: SqliteSync,
}

impl StorageArgs {
    /// The database URL to use.
    pub fn database_url(&self) -> String {
        self.database_url
            .clone()
            .unwrap_or_else(|| format!("sqlite://{}", self.data_dir.join("liao.db").display()))
    }
}

/// SQLite durability level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SqliteSync {
    /// fsync at every commit.
    Full,
    /// fsync at checkpoints (WAL): crash-safe, may lose the newest commits on power loss.
    Normal,
}

/// Whether anyone may create an account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Registration {
    /// Anyone who can reach the server may register (rate-limited per IP).
    Open,
    /// Only administrators create accounts (`liao-server user add`).
    Closed,
}

/// `liao-server serve`.
#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "LIAO_LISTEN", default_value = "127.0.0.1:8443")]
    pub listen: SocketAddr,
    /// Where data lives.
    #[command(flatten)]
    pub storage: StorageArgs,
    /// PEM certificate chain. Without it (and --tls-key) a self-signed certificate is generated
    /// in the data directory.
    #[arg(long, env = "LIAO_TLS_CERT", requires = "tls_key")]
    pub tls_cert: Option<PathBuf>,
    /// PEM private key for --tls-cert.
    #[arg(long, env = "LIAO_TLS_KEY", requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,
    /// Serve plain HTTP, for running behind a TLS-terminating reverse proxy.
    #[arg(long, env = "LIAO_NO_TLS", conflicts_with_all = ["tls_cert", "tls_key"])]
    pub no_tls: bool,
    /// The URL people use to reach the server (e.g. https://chat.example.com). Its origin is
    /// allowed for WebSocket upgrades and its host goes into the self-signed certificate.
    #[arg(long, env = "LIAO_PUBLIC_URL")]
    pub public_url: Option<String>,
    /// Further origins allowed to open WebSockets (repeatable).
    #[arg(
        long = "allow-origin",
        env = "LIAO_ALLOW_ORIGIN",
        value_delimiter = ','
    )]
    pub allow_origins: Vec<String>,
    /// Proxies whose X-Forwarded-For is honoured (CIDR, repeatable).
    #[arg(
        long = "trusted-proxy",
        env = "LIAO_TRUSTED_PROXY",
        value_delimiter = ','
    )]
    pub trusted_proxies: Vec<IpNet>,
    /// Whether anyone may register.
    #[arg(long, env = "LIAO_REGISTRATION", default_value = "open")]
    pub registration: Registration,
    /// Tuning knobs (rate limits, hashing cost, timeouts).
    #[command(flatten)]
    pub tuning: Tuning,
    /// Tests only: also serve `/_test/echo`, a WebSocket peer that echoes every frame, for
    /// WebSocket conformance suites. Hidden from `--help`; never enable it in production.
    #[arg(long, env = "LIAO_TEST_ECHO_ROUTE", hide = true)]
    pub test_echo_route: bool,
}

/// Limits and costs. Defaults are production values; tests relax some of them.
/// (Deriving `Parser` also derives `Args`, and lets [`Tuning::default`] reuse the clap defaults.)
#[derive(Debug, Clone, Parser)]
pub struct Tuning {
    /// argon2id memory cost in KiB (OWASP: 19456).
    #[arg(long, env = "LIAO_ARGON2_M_KIB", default_value_t = 19456)]
    pub argon2_m_kib: u32,
    /// argon2id iterations (OWASP: 2).
    #[arg(long, env = "LIAO_ARGON2_T", default_value_t = 2)]
    pub argon2_t: u32,
    /// Password hashes computed at once (default: the number of cores).
    #[arg(long, env = "LIAO_HASH_CONCURRENCY")]
    pub hash_concurrency: Option<usize>,
    /// Password hashes allowed to wait for a slot before logins get `server_busy`.
    #[arg(long, env = "LIAO_HASH_QUEUE", default_value_t = 64)]
    pub hash_queue: usize,
    /// Login attempts per minute per client IP.
    #[arg(long, env = "LIAO_LOGIN_PER_IP_PER_MIN", default_value_t = 30)]
    pub login_per_ip_per_min: u32,
    /// Login attempts per minute per (account, client IP).
    #[arg(long, env = "LIAO_LOGIN_PER_ACCOUNT_IP_PER_MIN", default_value_t = 5)]
    pub login_per_account_ip_per_min: u32,
    /// Registrations per hour per client IP.
    #[arg(long, env = "LIAO_REGISTER_PER_IP_PER_HOUR", default_value_t = 10)]
    pub register_per_ip_per_hour: u32,
    /// Sustained commands per second per connection (bursts of twice that are allowed).
    #[arg(long, env = "LIAO_COMMANDS_PER_SEC", default_value_t = 20)]
    pub commands_per_sec: u32,
    /// User searches per minute per connection.
    #[arg(long, env = "LIAO_SEARCHES_PER_MIN", default_value_t = 30)]
    pub searches_per_min: u32,
    /// Seconds a new connection has to authenticate.
    #[arg(long, env = "LIAO_AUTH_TIMEOUT_SECS", default_value_t = 10)]
    pub auth_timeout_secs: u64,
    /// Seconds between keep-alive pings.
    #[arg(long, env = "LIAO_PING_SECS", default_value_t = 30)]
    pub ping_secs: u64,
    /// Seconds without any inbound traffic (pongs included) before a connection is dropped.
    #[arg(long, env = "LIAO_IDLE_TIMEOUT_SECS", default_value_t = 75)]
    pub idle_timeout_secs: u64,
    /// Days a session may go unused before it expires.
    #[arg(long, env = "LIAO_SESSION_IDLE_DAYS", default_value_t = 30)]
    pub session_idle_days: u64,
    /// Pushes queued for one connection before it is dropped as too slow.
    #[arg(long, env = "LIAO_OUTBOUND_QUEUE", default_value_t = 1024)]
    pub outbound_queue: usize,
    /// Largest file upload, in bytes.
    #[arg(long, env = "LIAO_MAX_FILE_BYTES", default_value_t = liao_shared::limits::DEFAULT_MAX_FILE_BYTES)]
    pub max_file_bytes: u64,
    /// Largest image upload, in bytes.
    #[arg(long, env = "LIAO_MAX_IMAGE_BYTES", default_value_t = liao_shared::limits::DEFAULT_MAX_IMAGE_BYTES)]
    pub max_image_bytes: u64,
    /// Storage quota per user, in bytes (files they uploaded plus uploads in progress).
    #[arg(long, env = "LIAO_QUOTA_BYTES", default_value_t = 10 * 1024 * 1024 * 1024)]
    pub quota_bytes: u64,
    /// Hours after which an unfinished upload is deleted.
    #[arg(long, env = "LIAO_UPLOAD_EXPIRY_HOURS", default_value_t = 24)]
    pub upload_expiry_hours: u64,
    /// Seconds in which an upload body must deliver at least 16 KiB (or the rest of the upload)
    /// before the request is ended (what arrived is kept; the client resumes from `HEAD`).
    #[arg(long, env = "LIAO_UPLOAD_IDLE_SECS", default_value_t = 30)]
    pub upload_idle_secs: u64,
    /// Free space (MiB) kept in the data directory for messages: below it, uploads are refused
    /// with `storage_full` and `/healthz` reports `degraded`.
    #[arg(long, env = "LIAO_MIN_FREE_MB", default_value_t = 1024)]
    pub min_free_mb: u64,
    /// Open connections per client IP, counting unauthenticated ones (behind a trusted proxy:
    /// per forwarded address, at the WebSocket upgrade). Generous: a company behind one NAT.
    #[arg(long, env = "LIAO_MAX_CONNECTIONS_PER_IP", default_value_t = 2000)]
    pub max_connections_per_ip: usize,
    /// Authenticated WebSocket connections per account.
    #[arg(long, env = "LIAO_MAX_CONNECTIONS_PER_ACCOUNT", default_value_t = 32)]
    pub max_connections_per_account: usize,
    /// Sustained commands per second across all connections of one account (bursts of twice
    /// that), on top of the per-connection limit.
    #[arg(long, env = "LIAO_ACCOUNT_COMMANDS_PER_SEC", default_value_t = 50)]
    pub account_commands_per_sec: u32,
}

impl Default for Tuning {
    fn default() -> Self {
        // The clap defaults are the single source of truth.
        Tuning::parse_from::<[&str; 1], &str>(["tuning"])
    }
}

impl Tuning {
    /// Cheap hashing and generous limits, for tests only.
    pub fn relaxed_for_tests() -> Self {
        Tuning {
            argon2_m_kib: 64,
            argon2_t: 1,
            login_per_ip_per_min: 10_000,
            login_per_account_ip_per_min: 10_000,
            register_per_ip_per_hour: 100_000,
            commands_per_sec: 10_000,
            searches_per_min: 10_000,
            account_commands_per_sec: 100_000,
            max_connections_per_ip: 100_000,
            max_connections_per_account: 10_000,
            min_free_mb: 0,
            ..Tuning::default()
        }
    }
}

/// The run-time configuration of a server.
#[derive(Debug, Clone)]
pub struct Config {
    /// Public URL, if configured.
    pub public_url: Option<String>,
    /// Allowed extra origins (normalised, no trailing slash).
    pub allow_origins: Vec<String>,
    /// Trusted proxies.
    pub trusted_proxies: Vec<IpNet>,
    /// Registration policy.
    pub registration: Registration,
    /// Tuning.
    pub tuning: Tuning,
    /// Whether the listener speaks TLS (for building URLs and origin checks).
    pub tls: bool,
    /// The data directory (file store lives in `files/` below it).
    pub data_dir: PathBuf,
    /// Whether `/_test/echo` is served (tests only).
    pub test_echo_route: bool,
}

impl Config {
    /// Configuration from `serve` arguments.
    pub fn from_args(args: &ServeArgs) -> Self {
        Config {
            public_url: args.public_url.clone(),
            allow_origins: args
                .allow_origins
                .iter()
                .map(|o| o.trim_end_matches('/').to_ascii_lowercase())
                .collect(),
            trusted_proxies: args.trusted_proxies.clone(),
            registration: args.registration,
            tuning: args.tuning.clone(),
            tls: !args.no_tls,
            data_dir: args.storage.data_dir.clone(),
            test_echo_route: args.test_echo_route,
        }
    }

    /// Defaults with relaxed tuning, for tests, with data in `data_dir`.
    pub fn for_tests_in(data_dir: PathBuf) -> Self {
        Config {
            data_dir,
            ..Config::for_tests()
        }
    }

    /// Defaults with relaxed tuning, for tests (data in the current directory's `liao-data`).
    pub fn for_tests() -> Self {
        Config {
            public_url: None,
            allow_origins: Vec::new(),
            trusted_proxies: Vec::new(),
            registration: Registration::Open,
            tuning: Tuning::relaxed_for_tests(),
            tls: true,
            data_dir: PathBuf::from("liao-data"),
            test_echo_route: false,
        }
    }
}
