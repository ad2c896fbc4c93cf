//! The server child process, CPU and memory accounting, and populating users and connections.

use std::io::{BufRead, BufReader};
use std::net::{IpAddr, Ipv4Addr};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use futures_util::StreamExt;
use liao_shared::client::{Client, ConnectOptions, Pushes, Trust, parse_fingerprint};
use liao_shared::command::{CreateGroup, JoinGroup, Register, Resume};
use liao_shared::{ConversationId, GroupSettings, JoinPolicy, Reply, UserId};

/// Pin the generator to the last core, leaving core 0 to the server (where there are two).
pub fn pin_self() {
    if cores() >= 2 {
        let _ = Command::new("taskset")
            .args([
                "-p",
                "-c",
                &(cores() - 1).to_string(),
                &std::process::id().to_string(),
            ])
            .stdout(Stdio::null())
            .status();
    }
}

/// The machine's cores, read once before [`pin_self`] narrows this process' affinity (after
/// which `available_parallelism` would say 1, and the server would not be pinned apart).
fn cores() -> usize {
    static CORES: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    *CORES.get_or_init(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
}

/// Clock ticks per second for /proc CPU times.
fn ticks() -> f64 {
    Command::new("getconf")
        .arg("CLK_TCK")
        .output()
        .ok()
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or(100.0)
}

/// user+system CPU seconds of a process (`self` or a pid).
pub fn cpu_secs(pid: &str) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // Fields after the command name (which may contain spaces) start after the last ')'.
    let rest = stat.rsplit(')').next().unwrap_or("");
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let parse = |i: usize| {
        fields
            .get(i)
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    (parse(11) + parse(12)) / ticks()
}

/// Resident set size in KiB.
pub fn rss_kib(pid: &str) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

/// Server settings for a run.
#[derive(Debug, Clone, Default)]
pub struct ServerOpts {
    /// TLS (otherwise plain WebSocket).
    pub tls: bool,
    /// Database URL (default: SQLite in the temp data dir).
    pub database_url: Option<String>,
    /// `full` or `normal`.
    pub sqlite_sync: Option<&'static str>,
    /// Keep the server's own defaults for the per-connection, per-account and per-address
    /// limits (the flood scenario measures them); otherwise they are out of the way.
    pub default_limits: bool,
}

/// A running server child.
pub struct Server {
    child: Child,
    /// `https://127.0.0.1:port` (or http).
    pub base: String,
    /// WebSocket URL.
    pub ws: String,
    fingerprint: Option<[u8; 32]>,
    /// Its data directory (removed at the end).
    pub dir: tempfile::TempDir,
}

impl Drop for Server {
    fn drop(&mut self) {
        // Under a profiler (LIAO_BENCH_WRAP) the server must exit by itself for the profile to be
        // written: ask with SIGTERM (a graceful shutdown) and wait a little before killing.
        if std::env::var_os("LIAO_BENCH_WRAP").is_some() {
            let _ = Command::new("kill")
                .args(["-TERM", &self.child.id().to_string()])
                .status();
            let deadline = Instant::now() + Duration::from_secs(60);
            while Instant::now() < deadline {
                if matches!(self.child.try_wait(), Ok(Some(_))) {
                    return;
                }
                std::thread::sleep(Duration::from_millis(100));
            }
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    /// Start `liao-bench serve` pinned to core 0, with benchmark-friendly limits (cheap password
    /// hashing for populating users, rate limits out of the way) and wait for its address.
    pub async fn start(opts: ServerOpts) -> anyhow::Result<Server> {
        let dir = tempfile::tempdir()?;
        let exe = std::env::current_exe()?;
        // LIAO_BENCH_WRAP runs the server under a profiler, e.g.
        // LIAO_BENCH_WRAP="valgrind --tool=massif --massif-out-file=massif.out".
        let wrap: Vec<String> = std::env::var("LIAO_BENCH_WRAP")
            .map(|w| w.split_whitespace().map(str::to_owned).collect())
            .unwrap_or_default();
        let mut argv: Vec<std::ffi::OsString> = Vec::new();
        if cores() >= 2 && Command::new("taskset").arg("-V").output().is_ok() {
            argv.extend(["taskset".into(), "-c".into(), "0".into()]);
        }
        argv.extend(wrap.into_iter().map(Into::into));
        argv.push(exe.into_os_string());
        let mut cmd = Command::new(&argv[0]);
        cmd.args(&argv[1..]);
        cmd.args(["serve", "--listen", "127.0.0.1:0", "--data-dir"])
            .arg(dir.path());
        cmd.args([
            "--argon2-m-kib",
            "64",
            "--argon2-t",
            "1",
            "--register-per-ip-per-hour",
            "100000000",
            "--login-per-ip-per-min",
            "100000000",
            "--login-per-account-ip-per-min",
            "100000000",
            "--searches-per-min",
            "1000000",
            "--outbound-queue",
            "200000",
            "--max-file-bytes",
            "4000000000",
            "--quota-bytes",
            "1000000000000",
            "--min-free-mb",
            "0",
        ]);
        if !opts.default_limits {
            // The load generator is one address and a few accounts: its own limits.
            cmd.args([
                "--commands-per-sec",
                "1000000",
                "--max-connections-per-ip",
                "10000000",
                "--max-connections-per-account",
                "10000000",
                "--account-commands-per-sec",
                "100000000",
            ]);
        }
        if !opts.tls {
            cmd.arg("--no-tls");
        }
        if let Some(url) = &opts.database_url {
            cmd.args(["--database-url", url]);
        }
        if let Some(sync) = opts.sqlite_sync {
            cmd.args(["--sqlite-sync", sync]);
        }
        let mut child = cmd
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .context("starting the server")?;
        let stdout = child.stdout.take().context("server stdout")?;
        let tls = opts.tls;
        let (first, second) = tokio::task::spawn_blocking(move || {
            let mut lines = BufReader::new(stdout).lines();
            let first = lines.next().and_then(Result::ok).unwrap_or_default();
            let second = if tls {
                lines.next().and_then(Result::ok).unwrap_or_default()
            } else {
                String::new()
            };
            // Keep draining so the child never blocks on a full pipe.
            std::thread::spawn(move || for _ in lines {});
            (first, second)
        })
        .await?;
        let Some(addr) = first.split("://").nth(1) else {
            bail!("server did not start: {first}")
        };
        let fingerprint = if tls {
            Some(
                parse_fingerprint(second.rsplit(' ').next().unwrap_or(""))
                    .context("fingerprint")?,
            )
        } else {
            None
        };
        let scheme = if tls {
            ("https", "wss")
        } else {
            ("http", "ws")
        };
        Ok(Server {
            child,
            base: format!("{}://{addr}", scheme.0),
            ws: format!("{}://{addr}/ws", scheme.1),
            fingerprint,
            dir,
        })
    }

    /// The child's pid as a /proc path component.
    pub fn pid(&self) -> String {
        self.child.id().to_string()
    }

    /// Connection options, from a given local address.
    pub fn options(&self, bind: Option<IpAddr>) -> ConnectOptions {
        ConnectOptions {
            trust: Trust::Pinned(self.fingerprint.unwrap_or([0; 32])),
            origin: None,
            bind,
        }
    }

    /// Trust for file transfers.
    pub fn trust(&self) -> Trust {
        Trust::Pinned(self.fingerprint.unwrap_or([0; 32]))
    }

    /// Start measuring CPU.
    pub fn meter(&self) -> Meter {
        Meter {
            pid: self.pid(),
            server: cpu_secs(&self.pid()),
            generator: cpu_secs("self"),
            at: Instant::now(),
        }
    }
}

/// CPU accounting over an interval.
pub struct Meter {
    pid: String,
    server: f64,
    generator: f64,
    at: Instant,
}

/// What a meter measured.
#[derive(Debug, Clone, Copy)]
pub struct Usage {
    /// Wall time.
    pub elapsed: Duration,
    /// Server CPU seconds.
    pub server_secs: f64,
    /// Server cores busy on average.
    pub server_cores: f64,
    /// Generator cores busy on average.
    pub generator_cores: f64,
}

impl Meter {
    /// Usage since the meter started.
    pub fn read(&self) -> Usage {
        let elapsed = self.at.elapsed();
        let server_secs = cpu_secs(&self.pid) - self.server;
        let generator_secs = cpu_secs("self") - self.generator;
        let wall = elapsed.as_secs_f64().max(1e-9);
        Usage {
            elapsed,
            server_secs,
            server_cores: server_secs / wall,
            generator_cores: generator_secs / wall,
        }
    }
}

/// The i-th source address, spread over 127.0.0.0/8 (250 per /24) so no address runs out of
/// ephemeral ports.
pub fn source(i: usize) -> IpAddr {
    IpAddr::V4(Ipv4Addr::new(
        127,
        1 + (i / 62_500) as u8,
        ((i / 250) % 250) as u8 + 1,
        (i % 250) as u8 + 1,
    ))
}

/// An account created for the run.
#[derive(Debug, Clone)]
pub struct Account {
    /// Its id.
    pub id: UserId,
    /// A session token.
    pub token: String,
}

/// Register `n` users named `{prefix}{i}`, 64 at a time.
pub async fn register(server: &Server, prefix: &str, n: usize) -> anyhow::Result<Vec<Account>> {
    let results = futures_util::stream::iter(0..n)
        .map(|i| {
            let opts = server.options(Some(source(i)));
            let url = server.ws.clone();
            let name = format!("{prefix}-{i:05}");
            async move {
                let (c, _p) = Client::connect(&url, opts).await?;
                let reply = c
                    .request(Register {
                        username: name,
                        password: "bench-password".into(),
                        display_name: None,
                        device: None,
                    })
                    .await?;
                c.close().await;
                match reply {
                    Reply::Session { token, user, .. } => Ok(Account {
                        id: user.user_id,
                        token,
                    }),
                    other => bail!("unexpected {other:?}"),
                }
            }
        })
        .buffered(64)
        .collect::<Vec<anyhow::Result<Account>>>()
        .await;
    results.into_iter().collect()
}

/// Connect and resume every account, `parallel` at a time; returns the connections in order.
pub async fn connect(
    server: &Server,
    accounts: &[Account],
    parallel: usize,
) -> anyhow::Result<Vec<(Client, Pushes)>> {
    let results = futures_util::stream::iter(accounts.iter().enumerate())
        .map(|(i, a)| {
            let opts = server.options(Some(source(i)));
            let url = server.ws.clone();
            let token = a.token.clone();
            async move {
                let (c, p) = Client::connect(&url, opts).await?;
                c.request(Resume { token }).await?;
                anyhow::Ok((c, p))
            }
        })
        .buffered(parallel)
        .collect::<Vec<_>>()
        .await;
    results.into_iter().collect()
}

/// An open, searchable group `name` created by the first connection, which every other one joins
/// (64 at a time); fails unless all of them did.
pub async fn open_group(conns: &[(Client, Pushes)], name: &str) -> anyhow::Result<ConversationId> {
    let Some((owner, _)) = conns.first() else {
        bail!("no members")
    };
    let Reply::Conversation { conversation } = owner
        .request(CreateGroup {
            settings: GroupSettings {
                name: name.into(),
                description: String::new(),
                join_policy: JoinPolicy::Open,
                searchable: true,
                allow_temp_sessions: false,
            },
        })
        .await?
    else {
        bail!("no group")
    };
    let g = conversation.conversation_id;
    let joined = futures_util::stream::iter(&conns[1..])
        .map(|(c, _)| {
            let g = g.clone();
            async move {
                c.request(JoinGroup {
                    conversation_id: g,
                    message: None,
                })
                .await
                .is_ok()
            }
        })
        .buffer_unordered(64)
        .filter(|ok| std::future::ready(*ok))
        .count()
        .await;
    if joined + 1 < conns.len() {
        bail!("only {joined} of {} members joined", conns.len() - 1);
    }
    Ok(g)
}
