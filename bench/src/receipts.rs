//! Read receipts in a large group: the "who read" list of one message (`read_by`) and the read
//! counts of a screenful of messages (`read_receipts` for 100 seqs), asked one after another by
//! the sender while the members' read markers are spread over the messages.

use std::time::{Duration, Instant};

use anyhow::bail;
use futures_util::StreamExt;
use liao_shared::client::Client;
use liao_shared::command;
use liao_shared::{Command, NewMessageBody, Reply, limits};

use crate::harness::{self, Server, ServerOpts};
use crate::report::{Row, histogram, percentiles};

/// `read_by` and `read_receipts` latency in a group of `members`, `requests` of each.
pub async fn read_by(tls: bool, members: usize, requests: usize) -> anyhow::Result<Vec<Row>> {
    let server = Server::start(ServerOpts {
        tls,
        ..Default::default()
    })
    .await?;
    let accounts = harness::register(&server, "reader", members).await?;
    let conns = harness::connect(&server, &accounts, 128).await?;
    let owner = &conns[0].0;
    let g = harness::open_group(&conns, "read-by").await?;
    // A screenful of the owner's messages, then every member reads up to a point spread over
    // them (a third read none): the lists and counts are all different sizes.
    let mut seqs = Vec::new();
    for i in 0..limits::MAX_RECEIPT_SEQS {
        let Reply::Sent { message } = owner
            .request(command::SendMessage {
                conversation_id: g.clone(),
                client_msg_id: format!("rb-{i}"),
                body: NewMessageBody::text(format!("message {i}")),
                reply_to: None,
            })
            .await?
        else {
            bail!("not sent")
        };
        seqs.push(message.seq);
    }
    let (first, last) = (seqs[0], seqs[seqs.len() - 1]);
    futures_util::stream::iter(conns.iter().enumerate().skip(1))
        .for_each_concurrent(64, |(i, (c, _))| {
            let g = g.clone();
            async move {
                if i % 3 != 0 {
                    let seq = first + (i as u64 * 7919) % (last - first + 1);
                    let _ = c
                        .request(command::MarkRead {
                            conversation_id: g,
                            seq,
                        })
                        .await;
                }
            }
        })
        .await;
    tokio::time::sleep(Duration::from_millis(500)).await;

    let middle = seqs[seqs.len() / 2];
    let who_read = Command::ReadBy(command::ReadBy {
        conversation_id: g.clone(),
        seq: middle,
    });
    let counts = Command::ReadReceipts(command::ReadReceipts {
        conversation_id: g.clone(),
        seqs: seqs.clone(),
    });
    let mut rows = Vec::new();
    for (name, cmd) in [("read_by", who_read), ("read_receipts x100 seqs", counts)] {
        rows.push(measure(&server, owner, name, members, cmd, requests).await?);
    }
    Ok(rows)
}

/// Send `cmd` `requests` times, one after another: requests/s, latency and server CPU.
async fn measure(
    server: &Server,
    client: &Client,
    name: &str,
    members: usize,
    cmd: Command,
    requests: usize,
) -> anyhow::Result<Row> {
    let mut h = histogram();
    let meter = server.meter();
    let started = Instant::now();
    let mut shown = String::new();
    for _ in 0..requests {
        let t = Instant::now();
        let reply = client.request(cmd.clone()).await?;
        h.record((t.elapsed().as_micros() as u64).max(1)).ok();
        if shown.is_empty() {
            shown = match reply {
                Reply::ReadBy {
                    read_count,
                    unread_count,
                    ..
                } => format!("{read_count} read, {unread_count} unread"),
                Reply::ReadReceipts { counts, .. } => format!("{} counts", counts.len()),
                other => bail!("unexpected {other:?}"),
            };
        }
    }
    let usage = meter.read();
    let rate = requests as f64 / started.elapsed().as_secs_f64();
    let mut row = Row::new(format!("{name} m={members}"), rate, "req/s");
    row.latency_ms = Some(percentiles(&h));
    row.server_cores = Some(usage.server_cores);
    row.server_us_per_op = Some(usage.server_secs * 1e6 / requests as f64);
    row.note = format!("{requests} requests one at a time; answer: {shown}");
    println!(
        "  {} -> p50 {:.2} ms p99 {:.2} ms ({})",
        row.name,
        percentiles(&h)[0],
        percentiles(&h)[1],
        row.note
    );
    Ok(row)
}
