//! Results: one row per measurement, printed as a table and available as JSON.

use hdrhistogram::Histogram;
use serde::Serialize;

/// One measured figure with its context.
#[derive(Debug, Clone, Serialize)]
pub struct Row {
    /// Scenario and parameters, e.g. `fanout m=1000 rate=200/s`.
    pub name: String,
    /// The headline figure.
    pub value: f64,
    /// Its unit.
    pub unit: &'static str,
    /// Latency percentiles in ms, where measured: p50, p99, p99.9.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub latency_ms: Option<[f64; 3]>,
    /// Server CPU per operation in µs, where measured.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub server_us_per_op: Option<f64>,
    /// Server CPU use over the measurement (1.0 = one core).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub server_cores: Option<f64>,
    /// Generator CPU use over the measurement (1.0 = one core).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub generator_cores: Option<f64>,
    /// Anything else worth knowing (loss checks, transport).
    pub note: String,
}

impl Row {
    /// A row with just a value.
    pub fn new(name: impl Into<String>, value: f64, unit: &'static str) -> Self {
        Row {
            name: name.into(),
            value,
            unit,
            latency_ms: None,
            server_us_per_op: None,
            server_cores: None,
            generator_cores: None,
            note: String::new(),
        }
    }
}

/// A latency histogram in microseconds.
pub fn histogram() -> Histogram<u64> {
    Histogram::new_with_bounds(1, 120_000_000, 3).expect("valid histogram bounds")
}

/// p50, p99, p99.9 in ms.
pub fn percentiles(h: &Histogram<u64>) -> [f64; 3] {
    [0.5, 0.99, 0.999].map(|q| h.value_at_quantile(q) as f64 / 1000.0)
}

/// Print the table.
pub fn print(rows: &[Row]) {
    println!();
    println!(
        "{:<46} {:>14} {:<10} {:>24} {:>10} {:>8} {:>8}  note",
        "measurement", "value", "unit", "p50/p99/p99.9 ms", "srv µs/op", "srv cpu", "gen cpu"
    );
    for r in rows {
        let lat = r
            .latency_ms
            .map(|l| format!("{:.2}/{:.2}/{:.2}", l[0], l[1], l[2]))
            .unwrap_or_default();
        let opt = |v: Option<f64>, p: usize| v.map(|v| format!("{v:.p$}")).unwrap_or_default();
        println!(
            "{:<46} {:>14.1} {:<10} {:>24} {:>10} {:>8} {:>8}  {}",
            r.name,
            r.value,
            r.unit,
            lat,
            opt(r.server_us_per_op, 2),
            opt(r.server_cores, 2),
            opt(r.generator_cores, 2),
            r.note
        );
    }
}
