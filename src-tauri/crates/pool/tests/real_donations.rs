//! The pool's rows checked against real donations: the fixture donations (made through sandbox
//! lenders and engines by `khata pool generate`) are added with the `khata-pool` binary, every
//! table is read back with the Parquet reader, and each donation's rows are compared with rows
//! computed here from its own export: the log leaves citing the donor's consents (or none),
//! their signals, times and consent states; the consents, offers and signed tree heads; and the
//! findings `khata_evidence::audit` reports over the donor's own leaves.

mod support;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::Arc;

use hmac::{Hmac, Mac};
use khata_contract::log::DisclosureLeaf;
use khata_contract::merkle::{Frontier, Hash, decode_hash};
use khata_evidence::audit::collection::{ConsentStates, StateAt};
use khata_evidence::audit::export::from_export;
use khata_evidence::audit::regulatory::{Restriction, classify};
use khata_evidence::audit::{self, AuditInput, DisclosureIn, PROHIBITED_FLAG, Stmt};
use serde_json::{Value, json};
use sha2::Sha256;
use support::{add, fixtures, open, sorted, table};

fn month(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .unwrap()
        .format("%Y-%m")
        .to_string()
}

fn rfc3339_ms(v: &Value) -> i64 {
    chrono::DateTime::parse_from_rfc3339(v.as_str().unwrap())
        .unwrap()
        .timestamp_millis()
}

/// One lender's log as the export holds it: every leaf, in order.
struct Log {
    lender: String,
    leaves: Vec<(Hash, DisclosureLeaf)>,
}

/// A donation's export, read here without the pool's code.
struct Export {
    id: String,
    doc: Value,
    logs: Vec<Log>,
    /// `(lender, consent id)` of the donor's consents (the vault's signed artefacts).
    consents: BTreeSet<(String, String)>,
}

fn read(path: &Path) -> Export {
    let opened = open(path);
    let id = opened.manifest["donationId"].as_str().unwrap().to_owned();
    let mut lines = opened.export.split(|b| *b == b'\n');
    let doc: Value = serde_json::from_slice(lines.next().unwrap()).unwrap();
    assert_eq!(doc["version"], 2, "a version 2 export");
    let mut logs = Vec::new();
    let mut announced: Vec<(String, u64)> = doc["logs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["lenderId"].as_str().unwrap().to_owned(),
                l["leafCount"].as_u64().unwrap(),
            )
        })
        .collect();
    announced.sort();
    for (lender, count) in announced {
        let mut leaves = Vec::new();
        for _ in 0..count {
            let v: Value = serde_json::from_slice(lines.next().unwrap()).unwrap();
            let checked = DisclosureLeaf::check(&v).unwrap();
            leaves.push((checked.leaf_hash, checked.leaf));
        }
        logs.push(Log { lender, leaves });
    }
    let consents = doc["consentRecords"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|r| r["signed_artefacts"].as_array().unwrap().iter())
        .map(|a| {
            (
                a["lenderId"].as_str().unwrap().to_owned(),
                a["consentId"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    Export {
        id,
        doc,
        logs,
        consents,
    }
}

impl Export {
    /// A leaf is the donor's when it cites one of the donor's consents with its lender, or none.
    fn donors_leaves(&self) -> impl Iterator<Item = (&str, &DisclosureLeaf)> {
        self.logs.iter().flat_map(move |log| {
            log.leaves
                .iter()
                .filter(move |(_, leaf)| {
                    leaf.consent_id
                        .as_ref()
                        .is_none_or(|c| self.consents.contains(&(log.lender.clone(), c.clone())))
                })
                .map(move |(_, leaf)| (log.lender.as_str(), leaf))
        })
    }

    fn input(&self, now: i64) -> AuditInput {
        from_export(&self.doc, now)
    }

    fn disclosures(&self, input: &AuditInput) -> Vec<Vec<Value>> {
        let states = ConsentStates::new(input);
        let mut out = Vec::new();
        for (lender, leaf) in self.donors_leaves() {
            let meta = self.doc["signals"].as_array().unwrap().iter().find(|s| {
                s["id"] == leaf.signal.as_str()
                    && s["lender_id"].as_str().is_none_or(|l| l == lender)
            });
            let category = meta
                .and_then(|m| m["category"].as_str())
                .filter(|c| !c.trim().is_empty());
            let name = meta
                .and_then(|m| m["name"].as_str())
                .filter(|n| !n.is_empty());
            let class = classify(category, &leaf.signal, name);
            let flagged = meta.is_some_and(|m| {
                m["regulatory_flags"]
                    .as_array()
                    .is_some_and(|f| f.iter().any(|f| f == PROHIBITED_FLAG))
            });
            let prohibited =
                flagged || class.is_some_and(|c| c.restriction() == Restriction::Prohibited);
            let kyc_only = class.is_some_and(|c| c.restriction() == Restriction::KycOnly);
            let state = states.at(
                lender,
                leaf.consent_id.as_deref(),
                &leaf.signal,
                leaf.collected_at,
            );
            out.push(vec![
                lender.into(),
                month(leaf.collected_at).into(),
                self.id.as_str().into(),
                leaf.signal.as_str().into(),
                category.into(),
                prohibited.into(),
                kyc_only.into(),
                leaf.collected_at.into(),
                state.id().into(),
                (state == StateAt::Revoked).into(),
                leaf.onward_recipient.clone().into(),
            ]);
        }
        out
    }

    fn consents(&self, input: &AuditInput, secret: &[u8]) -> Vec<Vec<Value>> {
        let states = ConsentStates::new(input);
        let mut latest: BTreeMap<&str, &khata_contract::types::Consent> = BTreeMap::new();
        for c in &input.consents {
            let e = latest
                .entry(c.value.consent_id.as_str())
                .or_insert(&c.value);
            if c.value.version > e.version {
                *e = &c.value;
            }
        }
        latest
            .values()
            .map(|c| {
                let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(secret).unwrap();
                mac.update(format!("{}\0{}", c.lender_id, c.consent_id).as_bytes());
                let granted = c.create_timestamp.timestamp_millis();
                let unit = serde_json::to_value(c.frequency.unit).unwrap();
                vec![
                    c.lender_id.as_str().into(),
                    month(granted).into(),
                    self.id.as_str().into(),
                    hex::encode(mac.finalize().into_bytes()).into(),
                    granted.into(),
                    states.revoked_at(&c.consent_id).into(),
                    c.signals_granted.len().into(),
                    c.signals_denied.len().into(),
                    format!(
                        "{}/{}",
                        c.frequency.value,
                        unit.as_str().unwrap().to_lowercase()
                    )
                    .into(),
                    Some(c.purpose.code.as_str())
                        .filter(|p| !p.is_empty())
                        .into(),
                ]
            })
            .collect()
    }

    fn offers(&self, input: &AuditInput) -> Vec<Vec<Value>> {
        input
            .offers
            .iter()
            .map(|o| {
                let o = &o.value;
                let t = o.created_at.timestamp_millis();
                let band = match o.amount_inr {
                    0 => None,
                    1..10_000 => Some("<10k"),
                    10_000..50_000 => Some("10k-50k"),
                    50_000..100_000 => Some("50k-1L"),
                    100_000..500_000 => Some("1L-5L"),
                    _ => Some(">=5L"),
                };
                let kfs = o.kfs.as_ref();
                let stated = kfs.map(|k| f64::from(k.apr_annual_bps) / 100.0);
                let computed = kfs
                    .and_then(|k| khata_evidence::kfs::recompute_apr(k).ok())
                    .map(|a| a.annual_bps as f64 / 100.0);
                let decision = serde_json::to_value(o.decision).unwrap();
                vec![
                    o.lender_id.as_str().into(),
                    month(t).into(),
                    self.id.as_str().into(),
                    decision.as_str().unwrap().to_lowercase().into(),
                    band.into(),
                    stated.into(),
                    computed.into(),
                    t.into(),
                ]
            })
            .collect()
    }

    /// What the donor's phone saw of each lender's app: declared when a donor disclosure of a
    /// signal the resource maps to (by id or DPV category) is within the audit's window.
    fn phone_observations(&self, input: &AuditInput) -> Vec<Vec<Value>> {
        let states = ConsentStates::new(input);
        let window = audit::UNDECLARED_WINDOW_HOURS as i64 * 3_600_000;
        let word = |v: Value| v.as_str().unwrap().to_owned();
        let mut out = Vec::new();
        for o in &input.observations {
            let source = input
                .phone_sources
                .iter()
                .find(|s| s.sha256 == o.source)
                .unwrap();
            let Some(lender) = source.lender_id.as_deref() else {
                continue;
            };
            let declared = self.donors_leaves().any(|(l, leaf)| {
                let category = self.doc["signals"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .find(|s| {
                        s["id"] == leaf.signal.as_str()
                            && s["lender_id"].as_str().is_none_or(|x| x == l)
                    })
                    .and_then(|s| s["category"].as_str());
                l == lender
                    && (leaf.collected_at - o.first_at).abs() <= window
                    && khata_evidence::phone::MAPPINGS.iter().any(|m| {
                        m.resource == o.resource
                            && (m.signals.contains(&leaf.signal.as_str())
                                || category.is_some_and(|c| {
                                    m.dpv_categories.iter().any(|d| d.eq_ignore_ascii_case(c))
                                }))
                    })
            });
            let rbi = khata_evidence::phone::mapping(o.resource)
                .regulated
                .map_or_else(
                    || "none".to_owned(),
                    |r| word(serde_json::to_value(r).unwrap()),
                );
            out.push(vec![
                lender.into(),
                month(o.first_at).into(),
                self.id.as_str().into(),
                word(serde_json::to_value(o.resource).unwrap()).into(),
                rbi.into(),
                o.first_at.into(),
                word(serde_json::to_value(source.format).unwrap()).into(),
                declared.into(),
                states
                    .first_revocation(lender)
                    .is_some_and(|r| o.first_at >= r)
                    .into(),
            ]);
        }
        out
    }

    /// The heads the donor's vault held (`held`) or kept as contradicting (`conflict`).
    fn signed_heads(&self) -> Vec<Vec<Value>> {
        let mut out = Vec::new();
        for log in self.doc["logs"].as_array().unwrap() {
            let lender = log["lenderId"].as_str().unwrap();
            for (key, kind) in [("treeHeads", "held"), ("conflicts", "conflict")] {
                for h in log[key].as_array().into_iter().flatten() {
                    let t = rfc3339_ms(&h["timestamp"]);
                    let root = decode_hash(h["rootHash"].as_str().unwrap()).unwrap();
                    out.push(vec![
                        lender.into(),
                        month(t).into(),
                        self.id.as_str().into(),
                        h["treeSize"].clone(),
                        hex::encode(root).into(),
                        t.into(),
                        h["signature"]["keyId"].clone(),
                        kind.into(),
                    ]);
                }
            }
        }
        out
    }

    /// The root of the donor's copy of `lender`'s log at `size`.
    fn root_at(&self, lender: &str, size: u64) -> Option<String> {
        let log = self.logs.iter().find(|l| l.lender == lender)?;
        if size == 0 || size > log.leaves.len() as u64 {
            return None;
        }
        let mut f = Frontier::new();
        for (h, _) in &log.leaves[..size as usize] {
            f.push(*h);
        }
        Some(hex::encode(f.root()))
    }

    /// What `khata_evidence::audit` finds over the donor's own leaves, one row per (lender,
    /// rule): occurrences summed, the first time.
    fn findings(&self, mut input: AuditInput) -> Vec<Vec<Value>> {
        assert!(
            input.disclosures.is_empty(),
            "the fixtures hold contract-v2 logs only"
        );
        for (lender, leaf) in self.donors_leaves() {
            input.disclosures.push(DisclosureIn {
                local_id: None,
                stmt: Stmt {
                    value: audit::leaf_disclosure(lender, leaf),
                    json: Arc::new(Value::Null),
                },
            });
        }
        let report = audit::audit(&input);
        let mut by_rule: BTreeMap<(String, &str), (Value, i64, i64)> = BTreeMap::new();
        for f in &report.findings {
            let e = by_rule
                .entry((f.lender_id.clone(), f.rule.id()))
                .or_insert((serde_json::to_value(f.severity).unwrap(), 0, f.at));
            e.1 += f.count as i64;
            e.2 = e.2.min(f.at);
        }
        by_rule
            .into_iter()
            .map(|((lender, rule), (severity, n, first))| {
                vec![
                    lender.into(),
                    month(first).into(),
                    self.id.as_str().into(),
                    rule.into(),
                    severity,
                    n.into(),
                    first.into(),
                ]
            })
            .collect()
    }
}

/// A table's rows of one donation (column 2 of a partitioned table is the donation id).
fn of(rows: &[Vec<Value>], id: &str) -> Vec<Vec<Value>> {
    rows.iter().filter(|r| r[2] == id).cloned().collect()
}

#[test]
fn every_table_holds_what_each_real_export_says() {
    let tmp = tempfile::tempdir().unwrap();
    let pool = tmp.path().join("pool");
    let files = fixtures();
    let inputs: Vec<&Path> = files.iter().map(|p| p.as_path()).collect();
    let (code, out) = add(&pool, &inputs);
    assert_eq!(code, 0, "{out}");
    assert_eq!(out.matches(": added").count(), 3, "{out}");
    // The pool audits as of the add; the expected rows are computed as of now, moments later.
    let now = chrono::Utc::now().timestamp_millis();
    let secret = std::fs::read(pool.join("_khata/secret")).unwrap();

    let disclosures = table(&pool, "disclosures");
    let consents = table(&pool, "consents");
    let offers = table(&pool, "offers");
    let findings = table(&pool, "findings");
    let heads = table(&pool, "tree_heads");
    let phone = table(&pool, "phone_observations");
    let mut phones = 0;
    let exports: Vec<Export> = files.iter().map(|f| read(f)).collect();
    let (mut held, mut kinds) = (0, BTreeSet::new());
    for ex in &exports {
        let input = ex.input(now);
        let want = ex.disclosures(&input);
        assert!(!want.is_empty(), "{}: the donor has disclosures", ex.id);
        assert_eq!(
            sorted(of(&disclosures, &ex.id)),
            sorted(want),
            "disclosures of {}",
            ex.id
        );
        assert_eq!(
            sorted(of(&consents, &ex.id)),
            sorted(ex.consents(&input, &secret)),
            "consents of {}",
            ex.id
        );
        assert_eq!(
            sorted(of(&offers, &ex.id)),
            sorted(ex.offers(&input)),
            "offers of {}",
            ex.id
        );
        assert_eq!(
            sorted(of(&phone, &ex.id)),
            sorted(ex.phone_observations(&input)),
            "phone observations of {}",
            ex.id
        );
        phones += ex.phone_observations(&input).len();
        assert_eq!(
            sorted(of(&findings, &ex.id)),
            sorted(ex.findings(ex.input(now))),
            "findings of {}",
            ex.id
        );
        // Signed heads exactly; computed heads are this donor's own roots at the size of a
        // head another donor of the lender holds.
        let mine = of(&heads, &ex.id);
        let signed: Vec<Vec<Value>> = mine
            .iter()
            .filter(|r| r[7] != "computed")
            .cloned()
            .collect();
        assert_eq!(
            sorted(signed),
            sorted(ex.signed_heads()),
            "heads of {}",
            ex.id
        );
        held += ex.signed_heads().len();
        for r in mine.iter().filter(|r| r[7] == "computed") {
            let (lender, size) = (r[0].as_str().unwrap(), r[3].as_u64().unwrap());
            assert_eq!(
                Some(r[4].as_str().unwrap().to_owned()),
                ex.root_at(lender, size),
                "computed root of {} at {lender}/{size}",
                ex.id
            );
            assert_eq!(r[6], "", "a computed head carries no key id");
            let others_hold = exports.iter().filter(|o| o.id != ex.id).any(|o| {
                o.signed_heads()
                    .iter()
                    .any(|h| h[0] == lender && h[3] == size && h[7] == "held" && h[5] == r[5])
            });
            assert!(
                others_hold,
                "{}: a computed head at {lender}/{size} answers another donor's head",
                ex.id
            );
            kinds.insert("computed");
        }
    }
    assert_eq!(
        heads.iter().filter(|r| r[7] != "computed").count(),
        held,
        "no signed head belongs to no donation"
    );
    assert!(phones > 0, "the fixtures carry phone reports");
    assert_eq!(phone.len(), phones, "no phone row belongs to no donation");
    assert!(
        kinds.contains("computed"),
        "two donors of one lender get each other's sizes"
    );

    // Every row belongs to a donation, and the fixtures exercise what the report asks about.
    let ids: BTreeSet<&str> = exports.iter().map(|e| e.id.as_str()).collect();
    for (name, rows) in [
        ("disclosures", &disclosures),
        ("consents", &consents),
        ("offers", &offers),
        ("findings", &findings),
    ] {
        assert!(
            rows.iter().all(|r| ids.contains(r[2].as_str().unwrap())),
            "{name}: a row of no donation"
        );
    }
    let col = |rows: &[Vec<Value>], k: usize, v: Value| rows.iter().any(|r| r[k] == v);
    assert!(col(&disclosures, 5, json!(true)), "a prohibited disclosure");
    assert!(
        col(&disclosures, 8, json!("revoked")),
        "collection after revocation"
    );
    assert!(
        col(&consents, 5, Value::Null),
        "a consent never revoked whole"
    );
    assert!(
        col(&findings, 3, json!("prohibited-signal")),
        "a prohibited-signal finding"
    );
    assert!(
        offers.iter().any(|r| r[5].is_f64() && r[6].is_f64()),
        "an offer with a stated and a computed APR"
    );

    // The split view: two donors of two-histories-lender hold different roots at one size.
    let mut roots: BTreeMap<(String, u64), BTreeSet<String>> = BTreeMap::new();
    for r in heads.iter().filter(|r| r[0] == "two-histories-lender") {
        roots
            .entry((r[0].as_str().unwrap().into(), r[3].as_u64().unwrap()))
            .or_default()
            .insert(r[4].as_str().unwrap().into());
    }
    assert!(
        roots.values().any(|r| r.len() > 1),
        "two histories of one lender show as two roots at one size: {roots:?}"
    );
}
