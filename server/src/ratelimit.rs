//! Rate limits (GCRA, via `governor`) and connection caps. Keyed limiters for logins,
//! registrations and each account's commands (shared by all its connections); each connection
//! additionally has its own command limiter (see `ws::dispatch`). [`ConnectionCap`] bounds the
//! connections one address holds open, authenticated or not.

use std::collections::HashMap;
use std::hash::Hash;
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use governor::clock::{Clock, DefaultClock};
use governor::state::keyed::DefaultKeyedStateStore;
use governor::{Quota, RateLimiter};
use liao_shared::UserId;

use crate::config::Tuning;
use crate::error::{Error, Result};

type Keyed<K> = RateLimiter<K, DefaultKeyedStateStore<K>, DefaultClock>;

/// Server-wide limiters.
pub struct RateLimits {
    login_ip: Keyed<IpAddr>,
    login_account_ip: Keyed<(String, IpAddr)>,
    register_ip: Keyed<IpAddr>,
    account: Keyed<UserId>,
    /// Open connections per client address.
    pub connections: Arc<ConnectionCap>,
}

fn nz(n: u32) -> NonZeroU32 {
    NonZeroU32::new(n.max(1)).unwrap_or(NonZeroU32::MIN)
}

/// `n` per `period`, all of which may be used at once.
pub fn quota(n: u32, period: Duration) -> Quota {
    Quota::with_period(period / n.max(1))
        .unwrap_or_else(|| Quota::per_second(nz(1)))
        .allow_burst(nz(n))
}

fn check<K: Hash + Eq + Clone>(limiter: &Keyed<K>, key: &K) -> Result<()> {
    limiter
        .check_key(key)
        .map_err(|not_until| Error::RateLimited {
            retry_after_ms: not_until.wait_time_from(clock().now()).as_millis() as u64 + 1,
        })
}

impl RateLimits {
    /// Limiters per the tuning.
    pub fn new(t: &Tuning) -> Self {
        let minute = Duration::from_secs(60);
        RateLimits {
            login_ip: RateLimiter::keyed(quota(t.login_per_ip_per_min, minute)),
            login_account_ip: RateLimiter::keyed(quota(t.login_per_account_ip_per_min, minute)),
            register_ip: RateLimiter::keyed(quota(t.register_per_ip_per_hour, minute * 60)),
            // Bursts of two seconds' worth, like the per-connection limit.
            account: RateLimiter::keyed(quota(
                t.account_commands_per_sec.saturating_mul(2),
                Duration::from_secs(2),
            )),
            connections: Arc::new(ConnectionCap::new(t.max_connections_per_ip)),
        }
    }

    /// A command from any connection of `user`: one budget per account, so that many
    /// connections of one account cannot multiply its rate.
    pub fn account_command(&self, user: &UserId) -> Result<()> {
        check(&self.account, user)
    }

    /// A login attempt for `username` from `ip`. Keyed per IP and per (account, IP): an attacker
    /// elsewhere can never lock the real owner out.
    pub fn login(&self, username: &str, ip: IpAddr) -> Result<()> {
        check(&self.login_ip, &ip)?;
        check(&self.login_account_ip, &(username.to_owned(), ip))
    }

    /// A registration from `ip`.
    pub fn register(&self, ip: IpAddr) -> Result<()> {
        check(&self.register_ip, &ip)
    }

    /// Forget keys that are back at full allowance (call periodically to bound memory).
    pub fn housekeeping(&self) {
        self.login_ip.retain_recent();
        self.login_account_ip.retain_recent();
        self.register_ip.retain_recent();
        self.account.retain_recent();
    }
}

/// A cap on the connections open at once per client address. Acquired when a connection is
/// accepted (or, behind a trusted proxy, at the WebSocket upgrade, per forwarded address) and
/// released when the last holder of its [`CapGuard`] drops.
#[derive(Debug)]
pub struct ConnectionCap {
    max: usize,
    open: Mutex<HashMap<IpAddr, usize>>,
}

/// One counted connection; dropping it frees the place.
#[derive(Debug)]
pub struct CapGuard {
    cap: Arc<ConnectionCap>,
    ip: IpAddr,
}

impl ConnectionCap {
    /// At most `max` connections per address.
    pub fn new(max: usize) -> Self {
        ConnectionCap {
            max: max.max(1),
            open: Mutex::new(HashMap::new()),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<IpAddr, usize>> {
        self.open.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Count a connection from `ip`, unless the address already holds the maximum.
    pub fn try_acquire(self: &Arc<Self>, ip: IpAddr) -> Option<CapGuard> {
        let mut open = self.lock();
        let n = open.entry(ip).or_insert(0);
        if *n >= self.max {
            return None;
        }
        *n += 1;
        Some(CapGuard {
            cap: self.clone(),
            ip,
        })
    }

    /// Connections counted for `ip` right now.
    pub fn open(&self, ip: IpAddr) -> usize {
        self.lock().get(&ip).copied().unwrap_or(0)
    }
}

impl Drop for CapGuard {
    fn drop(&mut self) {
        let mut open = self.cap.lock();
        if let Some(n) = open.get_mut(&self.ip) {
            *n -= 1;
            if *n == 0 {
                open.remove(&self.ip);
            }
        }
    }
}

/// A per-connection limiter.
pub type DirectLimiter = governor::DefaultDirectRateLimiter;

/// One clock for every limiter: creating a clock probes the CPU (`cpuid`, a trap to the
/// hypervisor on a VM), which showed in profiles of connection storms when each connection's two
/// limiters made their own.
fn clock() -> &'static DefaultClock {
    static CLOCK: std::sync::LazyLock<DefaultClock> =
        std::sync::LazyLock::new(DefaultClock::default);
    &CLOCK
}

/// A per-connection limiter allowing `quota`.
pub fn direct(quota: Quota) -> DirectLimiter {
    RateLimiter::direct_with_clock(quota, clock().clone())
}

/// Check a direct limiter, mapping refusal to `rate_limited`.
pub fn check_direct(limiter: &DirectLimiter) -> Result<()> {
    limiter.check().map_err(|not_until| Error::RateLimited {
        retry_after_ms: not_until.wait_time_from(clock().now()).as_millis() as u64 + 1,
    })
}
