//! The real `liao-server` binary as a child process, for tests that kill it (`kill -9`), arm a
//! fault point (`LIAO_FAULT`), limit its file descriptors, or run it on a small disk.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command as Process, Stdio};
use std::time::Duration;

use liao_shared::client::{Client, ConnectOptions, Pushes, Trust, parse_fingerprint};

use super::User;

/// The binary under test.
pub const BIN: &str = env!("CARGO_BIN_EXE_liao-server");

/// How to start a server process.
#[derive(Clone, Debug, Default)]
pub struct Launch {
    /// Extra arguments after `serve` (the data directory and test tuning are added).
    pub args: Vec<String>,
    /// Extra environment.
    pub env: Vec<(String, String)>,
    /// Run under `ulimit -n` of this many file descriptors.
    pub max_files: Option<u32>,
}

/// A running server process; killed (-9) when dropped.
pub struct ServerProcess {
    child: Child,
    pub port: u16,
    pub fingerprint: [u8; 32],
    pub data: PathBuf,
    /// What the process printed on stderr, for failure messages.
    pub stderr: PathBuf,
}

impl ServerProcess {
    /// Start the server on `data` and wait until it listens.
    pub fn start(data: &Path, launch: &Launch) -> ServerProcess {
        std::fs::create_dir_all(data).expect("data directory");
        // The log lives outside the data directory, which may be a full disk.
        let stderr =
            std::env::temp_dir().join(format!("liao-test-{}.log", liao_server::util::new_id('l')));
        let mut argv: Vec<String> = vec![
            BIN.into(),
            "serve".into(),
            "--listen".into(),
            "127.0.0.1:0".into(),
            "--data-dir".into(),
            data.display().to_string(),
            // Cheap hashing and relaxed limits, as in the in-process tests.
            "--argon2-m-kib".into(),
            "64".into(),
            "--argon2-t".into(),
            "1".into(),
            "--register-per-ip-per-hour".into(),
            "100000".into(),
            "--login-per-ip-per-min".into(),
            "100000".into(),
            "--login-per-account-ip-per-min".into(),
            "100000".into(),
        ];
        argv.extend(launch.args.iter().cloned());
        let mut cmd = match launch.max_files {
            Some(n) => {
                // `ulimit` is a shell builtin: exec the server from a shell that set it.
                let mut c = Process::new("bash");
                c.arg("-c")
                    .arg(format!("ulimit -n {n} && exec \"$@\""))
                    .arg("liao-server")
                    .args(&argv);
                c
            }
            None => {
                let mut c = Process::new(&argv[0]);
                c.args(&argv[1..]);
                c
            }
        };
        let log = std::fs::File::create(&stderr).expect("stderr log");
        let mut child = cmd
            .envs(launch.env.iter().map(|(k, v)| (k, v)))
            .env("RUST_LOG", "info")
            .stdout(Stdio::piped())
            .stderr(log)
            .spawn()
            .expect("start liao-server");
        let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
        let first = lines
            .next()
            .and_then(Result::ok)
            .unwrap_or_else(|| panic!("liao-server did not start: {}", read(&stderr)));
        let second = lines.next().and_then(Result::ok).unwrap_or_default();
        let port = first
            .rsplit(':')
            .next()
            .and_then(|p| p.trim_end_matches('/').parse().ok())
            .unwrap_or_else(|| panic!("no port in {first:?}"));
        let fingerprint = second
            .strip_prefix("TLS certificate SHA-256 fingerprint: ")
            .and_then(parse_fingerprint)
            .unwrap_or_else(|| panic!("no fingerprint in {second:?}"));
        // Keep draining stdout so the server never blocks on a full pipe.
        std::thread::spawn(move || for _ in lines {});
        ServerProcess {
            child,
            port,
            fingerprint,
            data: data.to_path_buf(),
            stderr,
        }
    }

    pub fn ws_url(&self) -> String {
        format!("wss://127.0.0.1:{}/ws", self.port)
    }

    pub fn https(&self) -> String {
        format!("https://127.0.0.1:{}", self.port)
    }

    pub fn addr(&self) -> std::net::SocketAddr {
        std::net::SocketAddr::from(([127, 0, 0, 1], self.port))
    }

    pub fn options(&self) -> ConnectOptions {
        ConnectOptions {
            trust: Trust::Pinned(self.fingerprint),
            origin: None,
            bind: None,
        }
    }

    pub async fn connect(&self) -> (Client, Pushes) {
        Client::connect(&self.ws_url(), self.options())
            .await
            .expect("connect")
    }

    pub async fn register(&self, name: &str) -> User {
        super::register_at(self.connect().await, name).await
    }

    pub async fn resume(&self, token: &str) -> User {
        super::resume_at(self.connect().await, token).await
    }

    /// `kill -9` and reap.
    pub fn kill9(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// Wait for the process to end by itself (a fault point aborting it); its exit status.
    pub fn wait_exit(mut self, timeout: Duration) -> std::process::ExitStatus {
        let deadline = std::time::Instant::now() + timeout;
        loop {
            if let Some(status) = self.child.try_wait().expect("wait") {
                return status;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "the server did not stop: {}",
                read(&self.stderr)
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Its stderr so far.
    pub fn log(&self) -> String {
        read(&self.stderr)
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if !std::thread::panicking() {
            let _ = std::fs::remove_file(&self.stderr);
        }
    }
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_default()
}
