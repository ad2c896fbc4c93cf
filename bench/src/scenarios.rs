//! The scenarios. Each starts its own server child and returns result rows.
//!
//! Latency is measured inside the generator process: a message's text carries the time it was
//! sent (µs since a process-wide epoch), so send-to-receive needs no clock synchronisation.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, LazyLock};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use futures_util::StreamExt;
use hdrhistogram::Histogram;
use liao_shared::client::transfer::{Transfers, UploadKind};
use liao_shared::client::{Client, Pushes};
use liao_shared::command;
use liao_shared::{
    Command, ConversationCursor, ConversationId, MessageBody, NewMessageBody, Reply, ServerFrame,
};

use crate::harness::{self, Server, ServerOpts, Usage, rss_kib};
use crate::report::{Row, histogram, percentiles};

static EPOCH: LazyLock<Instant> = LazyLock::new(Instant::now);

fn now_us() -> u64 {
    EPOCH.elapsed().as_micros() as u64
}

fn transport(tls: bool) -> &'static str {
    if tls { "TLS" } else { "plain" }
}

fn with_usage(mut row: Row, usage: Usage, ops: f64) -> Row {
    row.server_cores = Some(usage.server_cores);
    row.generator_cores = Some(usage.generator_cores);
    if ops > 0.0 {
        row.server_us_per_op = Some(usage.server_secs * 1e6 / ops);
    }
    row
}

async fn ok(c: &Client, cmd: Command) -> anyhow::Result<Reply> {
    Ok(c.request(cmd).await?)
}

/// Make each consecutive pair of accounts friends and return their direct conversations.
async fn pair_up(
    conns: &[(Client, Pushes)],
    accounts: &[harness::Account],
) -> anyhow::Result<Vec<ConversationId>> {
    let mut convs = Vec::new();
    for pair in (0..conns.len() / 2).map(|i| (2 * i, 2 * i + 1)) {
        ok(
            &conns[pair.0].0,
            Command::FriendRequest(command::FriendRequest {
                user_id: accounts[pair.1].id.clone(),
                message: None,
            }),
        )
        .await?;
        ok(
            &conns[pair.1].0,
            Command::FriendAccept(command::FriendAccept {
                user_id: accounts[pair.0].id.clone(),
            }),
        )
        .await?;
        let Reply::Conversation { conversation } = ok(
            &conns[pair.0].0,
            Command::OpenDirect(command::OpenDirect {
                user_id: accounts[pair.1].id.clone(),
            }),
        )
        .await?
        else {
            bail!("no conversation")
        };
        convs.push(conversation.conversation_id);
    }
    Ok(convs)
}

fn text(conv: &ConversationId, id: String) -> Command {
    Command::SendMessage(command::SendMessage {
        conversation_id: conv.clone(),
        client_msg_id: id,
        body: NewMessageBody::text(format!("t={} {}", now_us(), "x".repeat(80))),
        reply_to: None,
    })
}

fn sent_at(body: &MessageBody) -> Option<u64> {
    match body {
        MessageBody::Text { text, .. } => text.strip_prefix("t=")?.split(' ').next()?.parse().ok(),
        _ => None,
    }
}

/// Idle connections: RSS per authenticated connection and idle CPU.
pub async fn idle(tls: bool, counts: &[usize]) -> anyhow::Result<Vec<Row>> {
    let mut rows = Vec::new();
    for &n in counts {
        let server = Server::start(ServerOpts {
            tls,
            ..Default::default()
        })
        .await?;
        let accounts = harness::register(&server, "idle", n).await?;
        tokio::time::sleep(Duration::from_secs(1)).await;
        let before = rss_kib(&server.pid());
        let conns = harness::connect(&server, &accounts, 128).await?;
        tokio::time::sleep(Duration::from_secs(2)).await;
        let after = rss_kib(&server.pid());
        let meter = server.meter();
        tokio::time::sleep(Duration::from_secs(10)).await;
        let usage = meter.read();
        let per_conn = (after.saturating_sub(before)) as f64 * 1024.0 / n as f64 / 1000.0;
        let mut row = Row::new(
            format!("idle n={n} ({})", transport(tls)),
            per_conn,
            "KB/conn",
        );
        row.server_cores = Some(usage.server_cores);
        row.note = format!("server RSS {} MiB with {n} connections", after / 1024);
        rows.push(row);
        drop(conns);
    }
    Ok(rows)
}

/// Connection storm: resume with tokens, all at once.
pub async fn connect(tls: bool, clients: usize) -> anyhow::Result<Vec<Row>> {
    let server = Server::start(ServerOpts {
        tls,
        ..Default::default()
    })
    .await?;
    let accounts = harness::register(&server, "storm", clients).await?;
    let meter = server.meter();
    let mut h = histogram();
    let results = futures_util::stream::iter(accounts.iter().enumerate())
        .map(|(i, a)| {
            let opts = server.options(Some(harness::source(i)));
            let url = server.ws.clone();
            let token = a.token.clone();
            async move {
                let started = Instant::now();
                let (c, p) = Client::connect(&url, opts).await?;
                c.request(command::Resume { token }).await?;
                anyhow::Ok((started.elapsed(), c, p))
            }
        })
        .buffer_unordered(512)
        .collect::<Vec<_>>()
        .await;
    let usage = meter.read();
    let mut conns = Vec::new();
    for r in results {
        let (t, c, p) = r?;
        h.record(t.as_micros() as u64).ok();
        conns.push((c, p));
    }
    let rate = clients as f64 / usage.elapsed.as_secs_f64();
    let mut row = with_usage(
        Row::new(
            format!("connect storm n={clients} ({})", transport(tls)),
            rate,
            "conn/s",
        ),
        usage,
        clients as f64,
    );
    row.latency_ms = Some(percentiles(&h));
    row.note = "TLS handshake + resume, 512 in flight".into();
    Ok(vec![row])
}

/// Per-member receiver: counts, order check, latency histogram, and the read markers sent.
struct Receiver {
    received: Arc<AtomicU64>,
    errors: Arc<AtomicU64>,
    histogram: Arc<std::sync::Mutex<Histogram<u64>>>,
    marks: Arc<AtomicU64>,
}

/// How often, at most, a member marks the conversation it looks at read (as the web client does).
const MARK_READ_EVERY: Duration = Duration::from_secs(1);
/// How often a sender pulls the read receipts of its messages on screen (as the web client does).
const RECEIPT_POLL_EVERY: Duration = Duration::from_secs(3);

/// `reader`: the member's connection, to mark read with (at most once a second, when more came
/// in), as a member with the group open does; `None` for a member who never reads.
fn spawn_receiver(
    mut pushes: Pushes,
    conv: ConversationId,
    rx: &Receiver,
    reader: Option<Client>,
) -> tokio::task::JoinHandle<()> {
    let (received, errors, hist) = (rx.received.clone(), rx.errors.clone(), rx.histogram.clone());
    let marks = rx.marks.clone();
    tokio::spawn(async move {
        let mut last_seq = None::<u64>;
        let mut local = histogram();
        let mut flush_at = Instant::now();
        let (mut marked, mut marked_at) = (0u64, Instant::now());
        while let Some(frame) = pushes.recv().await {
            if let ServerFrame::Message { message } = frame
                && message.conversation_id == conv
            {
                if last_seq.is_some_and(|l| message.seq != l + 1) {
                    errors.fetch_add(1, Ordering::Relaxed); // a gap or a duplicate
                }
                last_seq = Some(message.seq);
                if let Some(c) = &reader
                    && message.seq > marked
                    && marked_at.elapsed() >= MARK_READ_EVERY
                {
                    (marked, marked_at) = (message.seq, Instant::now());
                    let (c, conv, marks) = (c.clone(), conv.clone(), marks.clone());
                    tokio::spawn(async move {
                        let mark = command::MarkRead {
                            conversation_id: conv,
                            seq: message.seq,
                        };
                        if c.request(mark).await.is_ok() {
                            marks.fetch_add(1, Ordering::Relaxed);
                        }
                    });
                }
                if let Some(t) = sent_at(&message.body) {
                    local.record(now_us().saturating_sub(t).max(1)).ok();
                    received.fetch_add(1, Ordering::Relaxed);
                }
                if flush_at.elapsed() > Duration::from_millis(200) {
                    hist.lock()
                        .unwrap_or_else(|p| p.into_inner())
                        .add(&local)
                        .ok();
                    local.reset();
                    flush_at = Instant::now();
                }
            }
        }
        hist.lock()
            .unwrap_or_else(|p| p.into_inner())
            .add(&local)
            .ok();
    })
}

/// Group fan-out, ramping the send rate until p99 exceeds 100 ms (or the rate is not reached).
/// With `receipts` every receiving member marks read as it reads (at most once a second) and
/// every sender pulls the read counts of its latest messages every 3 s, as the web client does.
pub async fn fanout(
    tls: bool,
    sizes: &[usize],
    senders: usize,
    step_secs: u64,
    receipts: &[bool],
) -> anyhow::Result<Vec<Row>> {
    let mut rows = Vec::new();
    for &m in sizes {
        for &with_receipts in receipts {
            rows.extend(fanout_one(tls, m, senders, step_secs, with_receipts).await?);
        }
    }
    Ok(rows)
}

async fn fanout_one(
    tls: bool,
    m: usize,
    senders: usize,
    step_secs: u64,
    receipts: bool,
) -> anyhow::Result<Vec<Row>> {
    let mut rows = Vec::new();
    let label = if receipts {
        "receipts on"
    } else {
        "receipts off"
    };
    {
        let server = Server::start(ServerOpts {
            tls,
            ..Default::default()
        })
        .await?;
        let accounts = harness::register(&server, "fan", m).await?;
        let mut conns = harness::connect(&server, &accounts, 128).await?;
        let g = harness::open_group(&conns, "bench").await?;
        tokio::time::sleep(Duration::from_millis(500)).await;
        let rx = Receiver {
            received: Arc::default(),
            errors: Arc::default(),
            histogram: Arc::new(std::sync::Mutex::new(histogram())),
            marks: Arc::default(),
        };
        let polls = Arc::new(AtomicU64::new(0));
        let counted = Arc::new(AtomicU64::new(0));
        // The first `senders` members send; every other member is a measured receiver (a
        // sender's own messages come back in its `sent` replies, not as pushes).
        let senders = senders.min(m.saturating_sub(1)).max(1);
        let mut clients = Vec::new();
        let mut tasks = Vec::new();
        for (i, (c, p)) in conns.drain(..).enumerate() {
            if i >= senders {
                let mut p = p;
                while p.try_recv().is_some() {} // what joining queued
                tasks.push(spawn_receiver(
                    p,
                    g.clone(),
                    &rx,
                    receipts.then(|| c.clone()),
                ));
            }
            clients.push(c);
        }
        let receivers = (m - senders) as u64;
        // Warm-up: M joins put O(M²) "joined" entries in flight. One message every receiver has
        // got means that backlog is delivered (pushes arrive in order), so the first step
        // measures messages, not the joins.
        ok(&clients[0], text(&g, "warm-up".into())).await?;
        let settle = Instant::now() + Duration::from_secs(120);
        while rx.received.load(Ordering::Relaxed) < receivers && Instant::now() < settle {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let base_rate = (20_000 / m).max(10) as u64; // messages/s of the first step
        let mut rate = base_rate;
        let mut best: Option<Row> = None;
        for step in 0..12 {
            rx.received.store(0, Ordering::Relaxed);
            rx.marks.store(0, Ordering::Relaxed);
            polls.store(0, Ordering::Relaxed);
            counted.store(0, Ordering::Relaxed);
            *rx.histogram.lock().unwrap_or_else(|p| p.into_inner()) = histogram();
            let meter = server.meter();
            let sent = Arc::new(AtomicU64::new(0));
            let per_sender = rate as f64 / senders as f64;
            let clients = &clients;
            let deadline = Instant::now() + Duration::from_secs(step_secs);
            let mut send_tasks = Vec::new();
            for s in 0..senders {
                let c = clients[s % clients.len()].clone();
                let (g, sent) = (g.clone(), sent.clone());
                let (polls, counted) = (polls.clone(), counted.clone());
                send_tasks.push(tokio::spawn(async move {
                    // Senders are spread evenly over the period, so the offered load is a steady
                    // rate, not `senders` messages at once (each a burst of M deliveries).
                    let period = Duration::from_secs_f64(1.0 / per_sender);
                    let phase = period.mul_f64(s as f64 / senders as f64);
                    let mut tick =
                        tokio::time::interval_at(tokio::time::Instant::now() + phase, period);
                    let mut i = 0u64;
                    let mut inflight = futures_util::stream::FuturesUnordered::new();
                    // The seqs of this sender's latest messages: "on screen" for receipts.
                    let mut mine = std::collections::VecDeque::new();
                    let mut poll = tokio::time::interval(RECEIPT_POLL_EVERY);
                    while Instant::now() < deadline {
                        tokio::select! {
                            _ = tick.tick() => {
                                let c = c.clone();
                                let cmd = text(&g, format!("s{s}-{step}-{i}"));
                                i += 1;
                                inflight.push(async move { c.request(cmd).await });
                            }
                            Some(r) = inflight.next(), if !inflight.is_empty() => {
                                if let Ok(Reply::Sent { message }) = r {
                                    sent.fetch_add(1, Ordering::Relaxed);
                                    mine.push_back(message.seq);
                                    if mine.len() > 20 { mine.pop_front(); }
                                }
                            }
                            _ = poll.tick(), if receipts && !mine.is_empty() => {
                                let (c, g, polls, counted) = (c.clone(), g.clone(), polls.clone(), counted.clone());
                                let seqs = mine.iter().copied().collect();
                                tokio::spawn(async move {
                                    let ask = command::ReadReceipts { conversation_id: g, seqs };
                                    if let Ok(Reply::ReadReceipts { counts, .. }) = c.request(ask).await {
                                        polls.fetch_add(1, Ordering::Relaxed);
                                        counted.fetch_add(counts.len() as u64, Ordering::Relaxed);
                                    }
                                });
                            }
                        }
                    }
                    while let Some(r) = inflight.next().await {
                        if r.is_ok() {
                            sent.fetch_add(1, Ordering::Relaxed);
                        }
                    }
                }));
            }
            for t in send_tasks {
                t.await?;
            }
            let expected = sent.load(Ordering::Relaxed) * receivers;
            let wait_until = Instant::now() + Duration::from_secs(10);
            while rx.received.load(Ordering::Relaxed) < expected && Instant::now() < wait_until {
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            let usage = meter.read();
            let got = rx.received.load(Ordering::Relaxed);
            let h = rx
                .histogram
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .clone();
            let lat = percentiles(&h);
            let deliveries_per_s = got as f64 / step_secs as f64;
            let mut row = with_usage(
                Row::new(
                    format!(
                        "fanout m={m} {label} target={rate} msg/s ({})",
                        transport(tls)
                    ),
                    deliveries_per_s,
                    "deliv/s",
                ),
                usage,
                got as f64,
            );
            row.latency_ms = Some(lat);
            let loss = expected.saturating_sub(got);
            row.note = format!(
                "sent {} msgs, lost {loss}, order errors {}",
                sent.load(Ordering::Relaxed),
                rx.errors.load(Ordering::Relaxed)
            );
            if receipts {
                let per_s = |n: &AtomicU64| n.load(Ordering::Relaxed) as f64 / step_secs as f64;
                row.note += &format!(
                    "; mark_read {:.0}/s; receipt pulls {:.1}/s returning {:.0} counts/s",
                    per_s(&rx.marks),
                    per_s(&polls),
                    per_s(&counted)
                );
            }
            println!(
                "  {} -> {:.0} deliveries/s p99 {:.1} ms ({})",
                row.name, deliveries_per_s, lat[1], row.note
            );
            let achieved = sent.load(Ordering::Relaxed) as f64 / step_secs as f64;
            let keep_going = lat[1] <= 100.0 && achieved >= 0.8 * rate as f64 && loss == 0;
            if keep_going || best.is_none() {
                best = Some(row.clone());
            }
            rows.push(row);
            if !keep_going {
                break;
            }
            rate = rate * 3 / 2; // steps of 1.5×: fine enough to place the knee
        }
        if let Some(mut b) = best {
            b.name = format!(
                "fanout m={m} {label} best under p99 100 ms ({})",
                transport(tls)
            );
            rows.push(b);
        }
        drop(clients);
        for t in tasks {
            t.abort();
        }
    }
    Ok(rows)
}

/// Send as fast as acknowledgements come back on each conversation for `secs`.
async fn ack_loop(
    conns: &[(Client, Pushes)],
    convs: &[ConversationId],
    secs: u64,
    server: &Server,
    label: String,
) -> anyhow::Result<Row> {
    let meter = server.meter();
    let deadline = Instant::now() + Duration::from_secs(secs);
    let mut tasks = Vec::new();
    for (i, conv) in convs.iter().enumerate() {
        let c = conns[(2 * i) % conns.len()].0.clone();
        let conv = conv.clone();
        tasks.push(tokio::spawn(async move {
            let mut h = histogram();
            let mut n = 0u64;
            while Instant::now() < deadline {
                let started = Instant::now();
                if c.request(text(&conv, format!("a{i}-{n}"))).await.is_ok() {
                    h.record(started.elapsed().as_micros() as u64).ok();
                    n += 1;
                }
            }
            (n, h)
        }));
    }
    let mut total = 0;
    let mut h = histogram();
    for t in tasks {
        let (n, th) = t.await?;
        total += n;
        h.add(&th).ok();
    }
    let usage = meter.read();
    let mut row = with_usage(
        Row::new(label, total as f64 / usage.elapsed.as_secs_f64(), "acked/s"),
        usage,
        total as f64,
    );
    row.latency_ms = Some(percentiles(&h));
    Ok(row)
}

/// P pairs chatting 1:1, ack after commit.
pub async fn dm(tls: bool, pairs: usize, secs: u64) -> anyhow::Result<Vec<Row>> {
    let server = Server::start(ServerOpts {
        tls,
        ..Default::default()
    })
    .await?;
    let accounts = harness::register(&server, "dm", pairs * 2).await?;
    let conns = harness::connect(&server, &accounts, 128).await?;
    let convs = pair_up(&conns, &accounts).await?;
    let mut row = ack_loop(
        &conns,
        &convs,
        secs,
        &server,
        format!("dm pairs={pairs} ({})", transport(tls)),
    )
    .await?;
    row.note = "one sender per pair, next send after the ack".into();
    Ok(vec![row])
}

/// Persistence throughput per backend, and the latency of fetching the last 50 messages.
pub async fn persist(
    tls: bool,
    senders: usize,
    secs: u64,
    postgres: Option<String>,
) -> anyhow::Result<Vec<Row>> {
    let mut backends: Vec<(String, ServerOpts)> = vec![
        (
            "SQLite synchronous=NORMAL".into(),
            ServerOpts {
                tls,
                sqlite_sync: Some("normal"),
                ..Default::default()
            },
        ),
        (
            "SQLite synchronous=FULL".into(),
            ServerOpts {
                tls,
                sqlite_sync: Some("full"),
                ..Default::default()
            },
        ),
    ];
    if let Some(admin) = postgres {
        use sqlx::Connection;
        liao_server::store::install_drivers();
        let name = format!("liao_bench_{}", std::process::id());
        let mut conn = sqlx::AnyConnection::connect(&admin)
            .await
            .context("PostgreSQL")?;
        sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
            "DROP DATABASE IF EXISTS {name}"
        )))
        .execute(&mut conn)
        .await?;
        sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
            .execute(&mut conn)
            .await?;
        let base = admin.rsplit_once('/').map(|(b, _)| b).unwrap_or(&admin);
        backends.push((
            "PostgreSQL".into(),
            ServerOpts {
                tls,
                database_url: Some(format!("{base}/{name}")),
                ..Default::default()
            },
        ));
    }
    let mut rows = Vec::new();
    for (label, opts) in backends {
        let server = Server::start(opts).await?;
        let accounts = harness::register(&server, "p", senders * 2).await?;
        let conns = harness::connect(&server, &accounts, 128).await?;
        let convs = pair_up(&conns, &accounts).await?;
        let mut row = ack_loop(
            &conns,
            &convs,
            secs,
            &server,
            format!("persist {label} senders={senders}"),
        )
        .await?;
        row.note = "ack after commit".into();
        rows.push(row);
        // History: the last 50 messages, from many clients at once.
        let mut h = histogram();
        let started = Instant::now();
        let mut n = 0;
        while started.elapsed() < Duration::from_secs(3) {
            for (i, conv) in convs.iter().enumerate().take(32) {
                let t = Instant::now();
                conns[2 * i + 1]
                    .0
                    .request(command::History {
                        conversation_id: conv.clone(),
                        before_seq: None,
                        limit: Some(50),
                        around_seq: None,
                    })
                    .await?;
                h.record(t.elapsed().as_micros() as u64).ok();
                n += 1;
            }
        }
        let mut hist_row = Row::new(
            format!("history last 50, {label}"),
            n as f64 / started.elapsed().as_secs_f64(),
            "req/s",
        );
        hist_row.latency_ms = Some(percentiles(&h));
        rows.push(hist_row);
    }
    Ok(rows)
}

fn write_random(path: &std::path::Path, len: u64) -> std::io::Result<()> {
    use std::io::Write;
    let mut f = std::io::BufWriter::new(std::fs::File::create(path)?);
    let mut x = 0x9E37_79B9_7F4A_7C15u64 ^ len;
    let mut buf = vec![0u8; 1 << 20];
    let mut left = len;
    while left > 0 {
        for chunk in buf.chunks_mut(8) {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            chunk.copy_from_slice(&x.to_le_bytes()[..chunk.len()]);
        }
        let n = left.min(buf.len() as u64) as usize;
        f.write_all(&buf[..n])?;
        left -= n as u64;
    }
    f.flush()
}

/// The disk's own fsynced write rate, for comparison with uploads (which are fsynced).
fn dd_rate(dir: &std::path::Path, mb: u64) -> Option<f64> {
    let out = std::process::Command::new("dd")
        .args([
            "if=/dev/zero",
            &format!("of={}", dir.join("dd.bin").display()),
            "bs=1M",
            &format!("count={mb}"),
            "conv=fdatasync",
        ])
        .output()
        .ok()?;
    let _ = std::fs::remove_file(dir.join("dd.bin"));
    let text = String::from_utf8_lossy(&out.stderr);
    let last = text.lines().last()?;
    let (value, unit) = {
        let mut it = last.rsplit(", ").next()?.split_whitespace();
        (it.next()?.parse::<f64>().ok()?, it.next()?.to_owned())
    };
    Some(match unit.as_str() {
        "GB/s" => value * 1000.0,
        "kB/s" => value / 1000.0,
        _ => value,
    })
}

/// Upload and download throughput and server memory growth.
pub async fn files(large_mb: u64, concurrent: usize) -> anyhow::Result<Vec<Row>> {
    let server = Server::start(ServerOpts {
        tls: true,
        ..Default::default()
    })
    .await?;
    let accounts = harness::register(&server, "f", 1).await?;
    let t = Transfers::new(&server.base, server.trust(), &accounts[0].token)?;
    let dir = tempfile::tempdir_in(server.dir.path())?;
    let mut rows = Vec::new();
    let mut progress = |_, _| std::ops::ControlFlow::Continue(());

    // 32 × 1 MB at once (distinct content, so no deduplication).
    let small: Vec<_> = (0..concurrent)
        .map(|i| dir.path().join(format!("s{i}.bin")))
        .collect();
    for (i, p) in small.iter().enumerate() {
        write_random(p, 1_000_000 + i as u64)?;
    }
    let meter = server.meter();
    let ids = futures_util::stream::iter(small.iter())
        .map(|p| {
            let t = t.clone();
            async move {
                t.upload(p, UploadKind::File, &mut |_, _| {
                    std::ops::ControlFlow::Continue(())
                })
                .await
            }
        })
        .buffer_unordered(concurrent)
        .collect::<Vec<_>>()
        .await;
    let usage = meter.read();
    rows.push(with_usage(
        Row::new(
            format!("upload {concurrent} x 1 MB concurrent"),
            concurrent as f64 / usage.elapsed.as_secs_f64(),
            "MB/s",
        ),
        usage,
        concurrent as f64,
    ));
    let ids: Vec<_> = ids.into_iter().collect::<Result<_, _>>()?;
    // Downloads go to a sink: what is measured is the server's delivery, not the generator's disk.
    let meter = server.meter();
    let fetched = futures_util::stream::iter(ids.iter())
        .map(|id| {
            let t = t.clone();
            async move { download_to_sink(&t, id).await }
        })
        .buffer_unordered(concurrent)
        .collect::<Vec<_>>()
        .await;
    let usage = meter.read();
    let fetched = fetched.into_iter().sum::<anyhow::Result<u64>>()?;
    let expected: u64 = (0..concurrent as u64).map(|i| 1_000_000 + i).sum();
    anyhow::ensure!(
        fetched == expected,
        "downloaded {fetched} bytes, uploaded {expected}"
    );
    rows.push(with_usage(
        Row::new(
            format!("download {concurrent} x 1 MB concurrent"),
            concurrent as f64 / usage.elapsed.as_secs_f64(),
            "MB/s",
        ),
        usage,
        concurrent as f64,
    ));

    // One large file.
    let big = dir.path().join("large.bin");
    write_random(&big, large_mb * 1_000_000)?;
    let disk = dd_rate(dir.path(), large_mb.min(500));
    let rss_before = rss_kib(&server.pid());
    let peak = Arc::new(AtomicU64::new(rss_before));
    let sampler = {
        let (peak, pid) = (peak.clone(), server.pid());
        tokio::spawn(async move {
            loop {
                peak.fetch_max(rss_kib(&pid), Ordering::Relaxed);
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        })
    };
    let upload = t.create_upload(&big, UploadKind::File, false).await?;
    let meter = server.meter();
    let done = t.finish_upload(upload, &big, &mut progress).await?;
    let up = meter.read();
    let meter = server.meter();
    let fetched = download_to_sink(&t, &done).await?;
    let down = meter.read();
    anyhow::ensure!(
        fetched == large_mb * 1_000_000,
        "downloaded {fetched} bytes of {large_mb} MB"
    );
    sampler.abort();
    let growth = peak.load(Ordering::Relaxed).saturating_sub(rss_before) as f64 / 1024.0;
    let mut row = with_usage(
        Row::new(
            format!("upload 1 x {large_mb} MB (TLS, fsynced)"),
            large_mb as f64 / up.elapsed.as_secs_f64(),
            "MB/s",
        ),
        up,
        0.0,
    );
    row.note = format!(
        "disk dd conv=fdatasync: {}",
        disk.map(|d| format!("{d:.0} MB/s"))
            .unwrap_or_else(|| "n/a".into())
    );
    rows.push(row);
    let mut row = with_usage(
        Row::new(
            format!("download 1 x {large_mb} MB (TLS)"),
            large_mb as f64 / down.elapsed.as_secs_f64(),
            "MB/s",
        ),
        down,
        0.0,
    );
    row.note = format!("server RSS growth during the large transfer: {growth:.1} MiB");
    rows.push(row);
    Ok(rows)
}

/// Download a file into a sink; returns its length.
async fn download_to_sink(t: &Transfers, id: &liao_shared::FileId) -> anyhow::Result<u64> {
    Ok(t.download_into(
        &format!("/api/files/{id}"),
        &mut tokio::io::sink(),
        &mut |_, _| std::ops::ControlFlow::Continue(()),
    )
    .await?)
}

/// N clients, each K messages behind, reconnect at once: time until all have caught up.
pub async fn resync(tls: bool, clients: usize, behind: usize) -> anyhow::Result<Vec<Row>> {
    let server = Server::start(ServerOpts {
        tls,
        ..Default::default()
    })
    .await?;
    let accounts = harness::register(&server, "rs", clients * 2).await?;
    let conns = harness::connect(&server, &accounts, 128).await?;
    let convs = pair_up(&conns, &accounts).await?;
    // The receivers (odd accounts) go offline; the senders write `behind` messages each.
    let receivers: Vec<_> = accounts.iter().skip(1).step_by(2).cloned().collect();
    let senders: Vec<Client> = conns.iter().step_by(2).map(|(c, _)| c.clone()).collect();
    drop(conns);
    futures_util::stream::iter(senders.iter().zip(convs.iter()).enumerate())
        .for_each_concurrent(64, |(i, (c, conv))| async move {
            for k in 0..behind {
                let _ = c.request(text(conv, format!("r{i}-{k}"))).await;
            }
        })
        .await;
    let meter = server.meter();
    let started = Instant::now();
    let results = futures_util::stream::iter(receivers.iter().zip(convs.iter()).enumerate())
        .map(|(i, (a, conv))| {
            let opts = server.options(Some(harness::source(i)));
            let url = server.ws.clone();
            let token = a.token.clone();
            let conv = conv.clone();
            async move {
                let (c, mut p) = Client::connect(&url, opts).await?;
                c.request(command::Resume { token }).await?;
                c.request(command::SyncRequest {
                    events_after: 0,
                    conversations: vec![ConversationCursor {
                        conversation_id: conv.clone(),
                        seq: 0,
                        changes_after: None,
                    }],
                })
                .await?;
                let mut got = 0;
                while let Some(f) = p.recv().await {
                    match f {
                        ServerFrame::Message { message } if message.conversation_id == conv => {
                            got += 1
                        }
                        ServerFrame::SyncDone { .. } => break,
                        _ => {}
                    }
                }
                anyhow::Ok(got)
            }
        })
        .buffer_unordered(clients)
        .collect::<Vec<_>>()
        .await;
    let elapsed = started.elapsed();
    let usage = meter.read();
    let total: usize = results
        .into_iter()
        .collect::<anyhow::Result<Vec<_>>>()?
        .into_iter()
        .sum();
    let mut row = with_usage(
        Row::new(
            format!("resync n={clients} behind={behind} ({})", transport(tls)),
            elapsed.as_secs_f64() * 1000.0,
            "ms",
        ),
        usage,
        total as f64,
    );
    row.note = format!(
        "{total} of {} messages replayed; {:.0} msgs/s",
        clients * behind,
        total as f64 / elapsed.as_secs_f64()
    );
    Ok(vec![row])
}

/// One user's sends while others flood: the victim sends every 50 ms and waits for each ack,
/// first alone (the baseline), then while one account floods commands from `connections`
/// connections and one address holds `idle` idle TCP connections. The server runs with its
/// default limits. The target: the victim's p99 at most twice its baseline.
pub async fn flood(
    tls: bool,
    connections: usize,
    idle: usize,
    secs: u64,
) -> anyhow::Result<Vec<Row>> {
    let server = Server::start(ServerOpts {
        tls,
        default_limits: true,
        ..Default::default()
    })
    .await?;
    let accounts = harness::register(&server, "flood", 3).await?;
    let conns = harness::connect(&server, &accounts[..2], 2).await?;
    let convs = pair_up(&conns, &accounts[..2]).await?;
    let victim = conns[0].0.clone();
    let conv = convs[0].clone();

    async fn steady(c: &Client, conv: &ConversationId, secs: u64, tag: &str) -> Histogram<u64> {
        let mut h = histogram();
        let deadline = Instant::now() + Duration::from_secs(secs);
        let mut n = 0;
        while Instant::now() < deadline {
            let started = Instant::now();
            if c.request(text(conv, format!("{tag}-{n}"))).await.is_ok() {
                h.record(started.elapsed().as_micros() as u64).ok();
            }
            n += 1;
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        h
    }

    let quiet = steady(&victim, &conv, secs, "quiet").await;

    // The flood: one address's idle sockets, one account's busy connections.
    let flood_addr = "127.200.0.1".parse()?;
    let addr: std::net::SocketAddr = server
        .base
        .rsplit("//")
        .next()
        .context("server address")?
        .parse()?;
    let mut sockets = Vec::new();
    for _ in 0..idle {
        let socket = tokio::net::TcpSocket::new_v4()?;
        socket.bind(std::net::SocketAddr::new(flood_addr, 0))?;
        match socket.connect(addr).await {
            Ok(s) => sockets.push(s),
            Err(_) => break,
        }
    }
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let limited = Arc::new(AtomicU64::new(0));
    let served = Arc::new(AtomicU64::new(0));
    let mut refused = 0usize;
    let mut tasks = Vec::new();
    for i in 0..connections {
        let opts = server.options(Some(harness::source(1000 + i)));
        let Ok((c, _p)) = Client::connect(&server.ws, opts).await else {
            refused += 1;
            continue;
        };
        if c.request(command::Resume {
            token: accounts[2].token.clone(),
        })
        .await
        .is_err()
        {
            refused += 1;
            continue;
        }
        let (stop, limited, served) = (stop.clone(), limited.clone(), served.clone());
        tasks.push(tokio::spawn(async move {
            while !stop.load(Ordering::Relaxed) {
                match c.request(Command::ListContacts).await {
                    Ok(_) => served.fetch_add(1, Ordering::Relaxed),
                    Err(e) if e.code() == Some(liao_shared::ErrorCode::RateLimited) => {
                        limited.fetch_add(1, Ordering::Relaxed)
                    }
                    Err(_) => break,
                };
            }
            drop(_p);
        }));
    }
    let meter = server.meter();
    let loud = steady(&victim, &conv, secs, "loud").await;
    let usage = meter.read();
    stop.store(true, Ordering::Relaxed);
    for t in tasks {
        let _ = t.await;
    }
    let held = sockets.len();
    drop(sockets);

    let (q, l) = (percentiles(&quiet), percentiles(&loud));
    let mut baseline = Row::new(
        format!("flood: victim alone ({})", transport(tls)),
        q[1],
        "ms p99",
    );
    baseline.latency_ms = Some(q);
    baseline.note = "one send every 50 ms, next after the ack".into();
    let mut during = with_usage(
        Row::new(
            format!("flood: victim during the flood ({})", transport(tls)),
            l[1],
            "ms p99",
        ),
        usage,
        0.0,
    );
    during.latency_ms = Some(l);
    during.note = format!(
        "p99 {:.1}x the baseline (target at most 2x); {held} idle sockets from one address, {} of \
         {connections} flooding connections of one account admitted, {} commands served, {} \
         rate_limited",
        l[1] / q[1].max(0.001),
        connections - refused,
        served.load(Ordering::Relaxed),
        limited.load(Ordering::Relaxed),
    );
    Ok(vec![baseline, during])
}
