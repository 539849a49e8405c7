//! Fault injection, so clients are tested against the failures real networks and real lenders
//! produce. Set at start (`--fault NAME=VALUE`, repeatable) or at run time with
//! `PUT /_sandbox/faults`. Admin routes (`/_sandbox/…`) are never faulted.
//!
//! | `--fault`                 | effect                                                              |
//! |---------------------------|---------------------------------------------------------------------|
//! | `latency=200ms`           | delay every response (`ms` or `s`; a bare number is ms)            |
//! | `error-rate=0.3`          | that share of requests get a 503 problem before any work is done  |
//! | `drop-after-commit=0.5`   | that share of successful POSTs commit, then the connection drops   |
//! |                           | mid-body (the client sees a broken response and should retry)      |
//! | `malformed-json=0.1`      | that share of successful responses carry truncated JSON            |
//! | `oversize-body=0.1`       | that share of successful responses carry a 9 MiB JSON body         |
//! | `drop-next=2`             | the next 2 successful POSTs commit, then drop (deterministic)      |
//! | `hide-rbi-flags=1`        | the signal catalogue carries no regulatory flags, and signals whose |
//! |                           | category can plausibly be blurred get neutral ones (call logs as   |
//! |                           | `pd:Behavioral`); contacts keep `pd:Contact` and their name        |
//!
//! Decisions are drawn from the sandbox's seeded RNG (`--seed`), so a run is reproducible
//! given the same request sequence.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct Faults {
    pub latency_ms: u64,
    pub error_rate: f64,
    pub drop_after_commit: f64,
    pub malformed_json: f64,
    pub oversize_body: f64,
    /// Drop the next N successful POST responses after commit, then stop (for exact tests).
    pub drop_next: u32,
    /// Publish the catalogue without regulatory flags, with neutral-sounding categories where
    /// plausible (a lender hiding what RBI bars it from reading).
    pub hide_rbi_flags: bool,
}

/// Size of the oversize body: above the client's 8 MiB cap.
pub const OVERSIZE_BYTES: usize = 9 * 1024 * 1024;

impl Faults {
    /// Applies one `NAME=VALUE` spec.
    pub fn apply_spec(&mut self, spec: &str) -> Result<(), String> {
        let (name, value) = spec
            .split_once('=')
            .ok_or_else(|| format!("fault {spec:?} is not NAME=VALUE"))?;
        let rate = |v: &str| -> Result<f64, String> {
            let r: f64 = v
                .parse()
                .map_err(|_| format!("fault {name}: {v:?} is not a number"))?;
            if (0.0..=1.0).contains(&r) {
                Ok(r)
            } else {
                Err(format!("fault {name}: rate {r} is not between 0 and 1"))
            }
        };
        match name.trim() {
            "latency" => self.latency_ms = parse_duration_ms(value.trim())?,
            "error-rate" => self.error_rate = rate(value.trim())?,
            "drop-after-commit" => self.drop_after_commit = rate(value.trim())?,
            "malformed-json" => self.malformed_json = rate(value.trim())?,
            "oversize-body" => self.oversize_body = rate(value.trim())?,
            "drop-next" => {
                self.drop_next = value
                    .trim()
                    .parse()
                    .map_err(|_| format!("fault drop-next: {value:?} is not a count"))?
            }
            "hide-rbi-flags" => {
                self.hide_rbi_flags = match value.trim() {
                    "1" | "true" => true,
                    "0" | "false" => false,
                    v => return Err(format!("fault hide-rbi-flags: {v:?} is not 0 or 1")),
                }
            }
            other => {
                return Err(format!(
                    "unknown fault {other:?}; one of latency, error-rate, drop-after-commit, drop-next, malformed-json, oversize-body, hide-rbi-flags"
                ));
            }
        }
        Ok(())
    }

    pub fn validate(&self) -> Result<(), String> {
        for (n, r) in [
            ("errorRate", self.error_rate),
            ("dropAfterCommit", self.drop_after_commit),
            ("malformedJson", self.malformed_json),
            ("oversizeBody", self.oversize_body),
        ] {
            if !(0.0..=1.0).contains(&r) {
                return Err(format!("{n} must be between 0 and 1"));
            }
        }
        Ok(())
    }
}

fn parse_duration_ms(v: &str) -> Result<u64, String> {
    let bad = || format!("latency {v:?} is not a duration like 200ms or 2s");
    if let Some(ms) = v.strip_suffix("ms") {
        ms.parse().map_err(|_| bad())
    } else if let Some(s) = v.strip_suffix('s') {
        s.parse::<u64>().map(|s| s * 1000).map_err(|_| bad())
    } else {
        v.parse().map_err(|_| bad())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn specs_parse_and_bad_ones_are_refused() {
        let mut f = Faults::default();
        f.apply_spec("latency=2s").unwrap();
        f.apply_spec("error-rate=0.3").unwrap();
        f.apply_spec("drop-after-commit=1").unwrap();
        assert_eq!(f.latency_ms, 2000);
        assert_eq!(f.error_rate, 0.3);
        assert_eq!(f.drop_after_commit, 1.0);
        assert!(f.apply_spec("error-rate=1.5").is_err());
        assert!(f.apply_spec("latency=fast").is_err());
        assert!(f.apply_spec("meteor=1").is_err());
        assert!(f.apply_spec("latency").is_err());
        f.apply_spec("hide-rbi-flags=1").unwrap();
        assert!(f.hide_rbi_flags);
        assert!(f.apply_spec("hide-rbi-flags=maybe").is_err());
    }
}
