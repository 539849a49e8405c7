//! `khata-pool synth`: a **synthetic** pool of any size, for benchmarks of the report. No
//! donation, engine or lender is behind it: rows are drawn from a seeded generator straight into
//! the Hive layout `pool add` writes (for realistic pools made through the real sandbox lenders
//! and engines, use `khata pool generate`). It has what the report's questions look for: many
//! donors over 12 lenders and 12 months, prohibited signals, collection after revocation,
//! undeclared access seen by phones, above-frequency findings, understated APRs, and one lender
//! (`lender-12`) showing two histories from month 7 on (a split view).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;
use std::sync::Arc;

use anyhow::{Result, bail};
use arrow::array::{ArrayRef, BooleanBuilder, Int64Builder, RecordBatch, StringBuilder};

use super::parquet_out::{Cell, NULL_TEXT, PoolDir, int, text};
use crate::schema;

const LENDERS: usize = 12;
const MONTHS: usize = 12;
/// The lender showing two histories.
const SPLIT_LENDER: usize = LENDERS - 1;
/// Disclosures per donor on average.
const DISCLOSURES_PER_DONOR: u64 = 2000;
/// Rows per record batch written.
const CHUNK: usize = 64 * 1024;
/// 2025-01-01T00:00:00Z.
const EPOCH_MS: i64 = 1_735_689_600_000;
const MONTH_MS: i64 = 30 * 86_400_000;

/// (signal, DPV category, prohibited, KYC only)
const SIGNALS: [(&str, &str, bool, bool); 12] = [
    ("sms_income", "pd:Income", false, false),
    ("installed_apps", "pd:DeviceApplications", false, false),
    ("location", "pd:Location", false, true),
    ("device_model", "pd:DeviceBased", false, false),
    ("contacts", "pd:Contact", true, false),
    ("call_log", "pd:CallLog", true, false),
    ("camera", "pd:Photograph", false, true),
    ("bank_balance", "pd:FinancialAccount", false, false),
    ("email_metadata", "pd:Communication", false, false),
    ("social_graph", "pd:SocialNetwork", false, false),
    ("battery_pattern", "pd:DeviceBased", false, false),
    ("media_files", "pd:Photograph", true, false),
];

/// SplitMix64: small, fast, and the same sequence everywhere for a seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
    fn hex(&mut self, bytes: usize) -> String {
        let mut s = String::with_capacity(bytes * 2);
        for _ in 0..bytes.div_ceil(8) {
            let _ = write!(s, "{:016x}", self.next());
        }
        s.truncate(bytes * 2);
        s
    }
    fn uuid(&mut self) -> String {
        let h = self.hex(16);
        format!(
            "{}-{}-4{}-a{}-{}",
            &h[0..8],
            &h[8..12],
            &h[13..16],
            &h[17..20],
            &h[20..32]
        )
    }
}

fn lender_id(l: usize) -> String {
    format!("lender-{:02}", l + 1)
}
fn month_id(m: usize) -> String {
    format!("2025-{:02}", m + 1)
}
fn month_start(m: usize) -> i64 {
    EPOCH_MS + m as i64 * MONTH_MS
}

/// Which signals lender `l` collects: prohibited ones only for every fourth lender.
fn lender_signals(l: usize) -> Vec<usize> {
    (0..SIGNALS.len())
        .filter(|&s| {
            if SIGNALS[s].2 {
                l.is_multiple_of(4)
            } else {
                !(l + s).is_multiple_of(3) || s < 2
            }
        })
        .collect()
}

/// A donor's dealings with one lender.
struct Pair {
    donor: usize,
    lender: usize,
    start: usize,
    months: usize,
    quota: u64,
    /// The month from which the donor's consent is revoked, if it is.
    revoked_from: Option<usize>,
    phone: bool,
}

impl Pair {
    fn rows_in(&self, m: usize) -> u64 {
        if m < self.start || m >= self.start + self.months {
            return 0;
        }
        let i = (m - self.start) as u64;
        let months = self.months as u64;
        self.quota / months + u64::from(i < self.quota % months)
    }
    fn collects_after_revocation(&self) -> bool {
        self.lender.is_multiple_of(3)
    }
}

/// Writes a synthetic pool of `disclosures` rows at `root`; returns a one-line summary.
pub fn write(root: &Path, disclosures: u64, seed: u64) -> Result<String> {
    if disclosures == 0 {
        bail!("--disclosures must be at least 1");
    }
    let pool = PoolDir::create(root, &format!("synth-{seed}"))?;
    let mut rng = Rng(seed);
    let donors = (disclosures / DISCLOSURES_PER_DONOR).max(40) as usize;
    let ids: Vec<String> = (0..donors).map(|_| rng.uuid()).collect();

    let mut pairs = Vec::new();
    let mut weights = Vec::new();
    for donor in 0..donors {
        let count = 1 + rng.below(3) as usize;
        let first = rng.below(LENDERS as u64) as usize;
        for j in 0..count {
            let lender = (first + j * 5) % LENDERS;
            let start = rng.below(MONTHS as u64) as usize;
            let months = (1 + rng.below(6) as usize).min(MONTHS - start);
            let revoked_from = (months > 1 && rng.chance(25)).then(|| start + months / 2);
            pairs.push(Pair {
                donor,
                lender,
                start,
                months,
                quota: 0,
                revoked_from,
                phone: rng.chance(30),
            });
            weights.push(1 + rng.below(100));
        }
    }
    let total: u64 = weights.iter().sum();
    let mut assigned = 0;
    for (pair, w) in pairs.iter_mut().zip(&weights) {
        pair.quota = u64::try_from(u128::from(disclosures) * u128::from(*w) / u128::from(total))?;
        assigned += pair.quota;
    }
    let count = pairs.len();
    for i in 0..(disclosures - assigned) as usize {
        pairs[i % count].quota += 1;
    }

    write_disclosures(&pool, &pairs, &ids, &mut rng)?;
    write_small_tables(&pool, &pairs, &ids, &mut rng)?;
    Ok(format!(
        "synthetic pool at {}: {disclosures} disclosures, {donors} donors, {LENDERS} lenders, {MONTHS} months",
        root.display()
    ))
}

fn write_disclosures(pool: &PoolDir, pairs: &[Pair], ids: &[String], rng: &mut Rng) -> Result<()> {
    let schema = schema::file_schema(schema::DISCLOSURES).expect("a table");
    for l in 0..LENDERS {
        let signals = lender_signals(l);
        let of_lender: Vec<&Pair> = pairs.iter().filter(|p| p.lender == l).collect();
        for m in 0..MONTHS {
            if of_lender.iter().all(|p| p.rows_in(m) == 0) {
                continue;
            }
            let mut file = pool.open(schema::DISCLOSURES, Some((&lender_id(l), &month_id(m))))?;
            let mut columns = Columns::default();
            for pair in &of_lender {
                let revoked = pair.revoked_from.is_some_and(|r| m >= r);
                let after = revoked && pair.collects_after_revocation();
                for _ in 0..pair.rows_in(m) {
                    let (signal, dpv, prohibited, kyc) =
                        SIGNALS[signals[rng.below(signals.len() as u64) as usize]];
                    columns.donation_id.append_value(&ids[pair.donor]);
                    columns.signal.append_value(signal);
                    columns.dpv.append_value(dpv);
                    columns.prohibited.append_value(prohibited);
                    columns.kyc_only.append_value(kyc);
                    columns
                        .at
                        .append_value(month_start(m) + rng.below(MONTH_MS as u64) as i64);
                    columns
                        .state
                        .append_value(if after { "revoked" } else { "granted" });
                    columns.after_revocation.append_value(after);
                    if rng.chance(2) {
                        columns.recipient.append_value("bureau-partner");
                    } else {
                        columns.recipient.append_null();
                    }
                    columns.len += 1;
                    if columns.len == CHUNK {
                        file.write(&columns.finish(&schema)?)?;
                    }
                }
            }
            if columns.len > 0 {
                file.write(&columns.finish(&schema)?)?;
            }
            file.close()?;
        }
    }
    Ok(())
}

#[derive(Default)]
struct Columns {
    donation_id: StringBuilder,
    signal: StringBuilder,
    dpv: StringBuilder,
    prohibited: BooleanBuilder,
    kyc_only: BooleanBuilder,
    at: Int64Builder,
    state: StringBuilder,
    after_revocation: BooleanBuilder,
    recipient: StringBuilder,
    len: usize,
}

impl Columns {
    fn finish(&mut self, schema: &arrow::datatypes::SchemaRef) -> Result<RecordBatch> {
        self.len = 0;
        let columns: Vec<ArrayRef> = vec![
            Arc::new(self.donation_id.finish()),
            Arc::new(self.signal.finish()),
            Arc::new(self.dpv.finish()),
            Arc::new(self.prohibited.finish()),
            Arc::new(self.kyc_only.finish()),
            Arc::new(self.at.finish()),
            Arc::new(self.state.finish()),
            Arc::new(self.after_revocation.finish()),
            Arc::new(self.recipient.finish()),
        ];
        Ok(RecordBatch::try_new(schema.clone(), columns)?)
    }
}

/// A root hash that is the same for every donor shown the same history.
fn root(lender: usize, size: i64, branch: u64) -> String {
    Rng((lender as u64) << 40 ^ (size as u64) << 1 ^ branch).hex(32)
}

type Partitioned = BTreeMap<(usize, usize, &'static str), Vec<Vec<Cell>>>;

fn write_small_tables(pool: &PoolDir, pairs: &[Pair], ids: &[String], rng: &mut Rng) -> Result<()> {
    let mut rows: Partitioned = BTreeMap::new();
    let mut per_donor: BTreeMap<usize, (u64, u64, u64, usize)> = BTreeMap::new();
    for pair in pairs {
        let (l, id) = (pair.lender, &ids[pair.donor]);
        let key = |table| (l, pair.start, table);
        let start_ms = month_start(pair.start);
        let end = pair.start + pair.months - 1;
        let signals = lender_signals(l);
        let mut add =
            |table: &'static str, row: Vec<Cell>| rows.entry(key(table)).or_default().push(row);

        add(
            schema::CONSENTS,
            vec![
                text(id),
                Cell::Text(Some(rng.hex(32))),
                int(start_ms),
                Cell::Int(pair.revoked_from.map(month_start)),
                int(signals.len() as i64 - 1),
                int(1),
                text(if l.is_multiple_of(2) {
                    "daily"
                } else {
                    "monthly"
                }),
                text("sector-finance:CreditChecking"),
            ],
        );
        let approved = rng.chance(70);
        let computed = 18.0 + rng.below(2000) as f64 / 100.0;
        let stated = if l % 5 == 1 {
            computed - 2.0 - rng.below(600) as f64 / 100.0
        } else {
            computed + (rng.below(10) as f64 - 5.0) / 100.0
        };
        add(
            schema::OFFERS,
            vec![
                text(id),
                text(if approved { "approved" } else { "declined" }),
                if approved {
                    text(["<10k", "10k-50k", "50k-1L"][rng.below(3) as usize])
                } else {
                    NULL_TEXT
                },
                Cell::Float(approved.then_some(stated)),
                Cell::Float(approved.then_some(computed)),
                int(start_ms + 3_600_000),
            ],
        );
        let mut finding = |rule: &str, severity: &str, occurrences: i64| {
            add(
                schema::FINDINGS,
                vec![
                    text(id),
                    text(rule),
                    text(severity),
                    int(occurrences),
                    int(start_ms),
                ],
            );
        };
        if signals.iter().any(|&s| SIGNALS[s].2) {
            finding("prohibited-signal", "critical", 1 + pair.quota as i64 / 10);
        }
        if pair.revoked_from.is_some() && pair.collects_after_revocation() {
            finding(
                "collected-after-revocation",
                "critical",
                1 + pair.quota as i64 / 20,
            );
        }
        let undeclared = pair.phone && l % 4 == 2;
        if undeclared {
            finding("observed-undeclared", "high", 3);
        }
        if l % 6 == 5 && pair.donor.is_multiple_of(2) {
            finding("above-frequency", "medium", 2);
        }
        let mut phone = 0;
        if pair.phone {
            for i in 0..3 {
                phone += 1;
                rows.entry(key(schema::PHONE_OBSERVATIONS))
                    .or_default()
                    .push(vec![
                        text(id),
                        text(["contacts", "location", "camera"][i]),
                        text(["contacts", "location", "camera"][i]),
                        int(start_ms + i as i64 * 86_400_000),
                        text(if i.is_multiple_of(2) {
                            "android-appops"
                        } else {
                            "ios-app-privacy-report"
                        }),
                        Cell::Bool(!undeclared),
                        Cell::Bool(false),
                    ]);
            }
        }
        // The donor's newest head: the lender's log at the end of the donor's last month. The
        // split lender shows odd donors another history from month 7 on.
        // The split lender's donors active from month 7 on all last synced at its size then.
        let forked = l == SPLIT_LENDER && end >= 6;
        let size = if forked {
            7000
        } else {
            1000 * (end as i64 + 1)
        };
        let branch = u64::from(forked && pair.donor % 2 == 1);
        rows.entry(key(schema::TREE_HEADS)).or_default().push(vec![
            text(id),
            int(size),
            text(&root(l, size, branch)),
            int(month_start(end) + size),
            text(&format!("{}-key-1", lender_id(l))),
            text("held"),
        ]);
        let entry = per_donor.entry(pair.donor).or_insert((0, 0, 0, pair.start));
        entry.0 += 1;
        entry.1 += pair.quota;
        entry.2 += phone;
        entry.3 = entry.3.min(pair.start);
    }
    for ((l, m, table), table_rows) in &rows {
        pool.write(table, Some((&lender_id(*l), &month_id(*m))), table_rows)?;
    }
    let donations: Vec<Vec<Cell>> = per_donor
        .iter()
        .map(|(&donor, &(lenders, disclosures, phone, first))| {
            vec![
                text(&ids[donor]),
                text(&month_id(first)),
                int(EPOCH_MS + 400 * 86_400_000),
                Cell::Text(Some(rng.hex(32))),
                int(4096 + disclosures as i64 * 300),
                int(lenders as i64),
                int(disclosures as i64),
                int(phone as i64),
                text("[]"),
            ]
        })
        .collect();
    pool.write(schema::DONATIONS, None, &donations)?;
    Ok(())
}
