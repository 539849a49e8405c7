//! Redacted exports: the JSON export a borrower shares with an advocate, without the values
//! that identify them.
//!
//! A lender's contract v2 statement commits to some members through salted hashes
//! (`khata_contract::redact`) and carries each value with its salt in `_disclosed`; removing a
//! triple hides the value and leaves every signature intact, and a verifier still sees which
//! member was withheld. A v1 statement signs its values in the clear: nothing can be taken out
//! of it without breaking the signature, so it is kept whole and counted, and the borrower is
//! told plainly. Beside the signed statements the export holds copies the vault writes itself
//! (the customer id of a consent record, the purpose's text, the borrower's own words in a
//! rights request); those no signature covers, so they are blanked when the field they repeat
//! is withheld. The borrower's requests are kept whole: the verifier matches each, byte for
//! byte, with the digest the vault ledger recorded, so blanking one would make the file fail.

use std::collections::{BTreeMap, BTreeSet};

use khata_contract::redact;
use serde_json::Value;

use crate::views::{PathCount, RedactableField, RedactionSummary};

/// The fields a borrower may withhold, as patterns (see [`redact::matches`]), and whether an
/// export for an advocate withholds them by default: the customer id (identifies the borrower
/// at the lender), value digests (a digest of a known value, such as a phone number, can be
/// confirmed by guessing), the bins a value fell in (an income band, a location cluster) and
/// free text (a purpose or reason in the lender's or the borrower's words; see [`FREE_TEXT`]). Who the lender
/// passed data to is what an advocate needs most, so it is offered but not withheld by default.
const FIELDS: [(&str, bool); 5] = [
    ("customerId", true),
    ("valueDigest", true),
    ("bin", true),
    ("text", true),
    ("onwardRecipient", false),
];

/// Members that are free text under other names, withheld with `text`: the borrower's words in
/// a rights request (`details` as the vault keeps them, `detail` in the lender's signed copy),
/// the lender's `resolution` of it, and the nominee a nomination names (another person's name
/// and contact).
const FREE_TEXT: [&str; 4] = ["detail", "details", "resolution", "nominee"];

/// The checklist of the Export screen and of `khata export --redact`.
pub fn redactable_fields() -> Vec<RedactableField> {
    FIELDS
        .iter()
        .map(|(pattern, on)| RedactableField {
            pattern: (*pattern).into(),
            advocate_default: *on,
        })
        .collect()
}

/// The patterns an export for an advocate withholds unless the borrower says otherwise.
pub fn advocate_patterns() -> Vec<String> {
    FIELDS
        .iter()
        .filter(|(_, on)| *on)
        .map(|(p, _)| (*p).into())
        .collect()
}

/// Copies the vault writes outside any signature, by their place in the export, with the
/// statement paths they repeat (or, for the borrower's own words, the names that ask for them).
pub(crate) const PII_PRINCIPAL_ID: (&str, &[&str]) =
    ("consentRecords.*.pii_principal_id", &["customerId"]);
pub(crate) const PURPOSE_TEXT: (&str, &[&str]) = (
    "consentRecords.*.processing.purposes.*.purpose",
    &["purpose.text"],
);
pub(crate) const RIGHTS_DETAILS: (&str, &[&str]) = ("rightsRequests.*.details", &["details"]);
pub(crate) const RIGHTS_NOMINEE: (&str, &[&str]) = ("rightsRequests.*.about.nominee", &["nominee"]);

/// The section kept whole because the verifier checks it against the ledger.
pub(crate) const BORROWER_REQUESTS: &str = "borrowerRequests";

/// A statement as the lender signed it with every disclosed value in place (a v1 statement as
/// it is), for reading its fields; `None` when it does not parse or reveal.
pub(crate) fn plain_statement(bytes: &[u8]) -> Option<Value> {
    let value: Value = serde_json::from_slice(bytes).ok()?;
    if value.get(redact::SD).is_some() {
        redact::reveal(&value).ok().map(|r| r.value)
    } else {
        Some(value)
    }
}

/// Applies one export's patterns and counts what it did, for [`RedactionSummary`].
pub(crate) struct Redactor {
    /// As asked for, for the summary.
    patterns: Vec<String>,
    /// What is matched: the patterns, and [`FREE_TEXT`] with `text`.
    matching: Vec<String>,
    withheld: BTreeMap<String, u64>,
    blanked: BTreeMap<String, u64>,
    not_redactable: u64,
    kept: BTreeSet<String>,
    /// For a donation (`crate::donation`): what must never stay in the clear (matched like
    /// `matching`), how many whole v1 statements hold it anyway, and the month start the
    /// export's `exportedAt` is set to.
    donation: Option<DonationRules>,
}

pub(crate) struct DonationRules {
    required: Vec<String>,
    required_kept: u64,
    exported_at: i64,
    /// Whole items left out, by their place in the export.
    dropped: BTreeMap<String, u64>,
}

impl Redactor {
    /// `None` when nothing is to be withheld (a full export).
    pub(crate) fn new(patterns: &[String]) -> Option<Self> {
        let patterns: Vec<String> = patterns
            .iter()
            .map(|p| p.trim().to_owned())
            .filter(|p| !p.is_empty())
            .collect();
        let mut matching = patterns.clone();
        if patterns.iter().any(|p| p == "text") {
            matching.extend(FREE_TEXT.iter().map(|p| (*p).to_owned()));
        }
        (!patterns.is_empty()).then(|| Self {
            patterns,
            matching,
            withheld: BTreeMap::new(),
            blanked: BTreeMap::new(),
            not_redactable: 0,
            kept: BTreeSet::new(),
            donation: None,
        })
    }

    /// A redactor for a donation: `required` (names or paths, expanded like `text`) must be
    /// withheld wherever it can be, and a v1 statement holding one is counted apart, since the
    /// donation cannot be made with it; `exported_at` replaces the export's time.
    pub(crate) fn for_donation(patterns: &[String], required: &[&str], exported_at: i64) -> Self {
        let mut all: Vec<String> = patterns.to_vec();
        for r in required {
            if !all.iter().any(|p| p == r) {
                all.push((*r).to_owned());
            }
        }
        let mut me = Self::new(&all).expect("a donation withholds its required fields");
        let mut required: Vec<String> = required.iter().map(|p| (*p).to_owned()).collect();
        if required.iter().any(|p| p == "text") {
            required.extend(FREE_TEXT.iter().map(|p| (*p).to_owned()));
        }
        me.donation = Some(DonationRules {
            required,
            required_kept: 0,
            exported_at,
            dropped: BTreeMap::new(),
        });
        me
    }

    /// The time to write as `exportedAt`: the donation's month start, else now.
    pub(crate) fn exported_at(&self) -> Option<i64> {
        self.donation.as_ref().map(|d| d.exported_at)
    }

    pub(crate) fn is_donation(&self) -> bool {
        self.donation.is_some()
    }

    /// Whole v1 statements holding a required field (a donation cannot be made with them).
    pub(crate) fn required_kept(&self) -> u64 {
        self.donation.as_ref().map_or(0, |d| d.required_kept)
    }

    /// Whether `statement` is in the v1 form (no commitments) and holds a donation's required
    /// field in the clear: nothing can be withheld from it.
    pub(crate) fn names_in_clear(&self, statement: &Value) -> bool {
        statement.get(redact::SD).is_none()
            && self
                .donation
                .as_ref()
                .is_some_and(|d| holds_any(&d.required, statement, ""))
    }

    /// Counts items of `place` left out whole.
    pub(crate) fn dropped(&mut self, place: &str, count: u64) {
        if let Some(d) = self.donation.as_mut().filter(|_| count > 0) {
            *d.dropped.entry(place.into()).or_default() += count;
        }
    }

    /// Whole items left out, by place.
    pub(crate) fn dropped_counts(&self) -> Vec<(String, u64)> {
        self.donation
            .as_ref()
            .map(|d| d.dropped.iter().map(|(k, v)| (k.clone(), *v)).collect())
            .unwrap_or_default()
    }

    /// Counts a v1 statement kept whole, and apart when it holds a donation's required field.
    fn count_whole(&mut self, statement: &Value) {
        if self.holds(statement, "") {
            self.not_redactable += 1;
            if let Some(d) = &self.donation
                && holds_any(&d.required, statement, "")
            {
                self.donation.as_mut().expect("checked").required_kept += 1;
            }
        }
    }

    /// Blanks (`null`) a copy the vault wrote whatever the patterns: a donation's rule.
    pub(crate) fn blank_always(&mut self, slot: Option<&mut Value>, place: &str) {
        if let Some(slot) = slot.filter(|v| !v.is_null()) {
            *slot = Value::Null;
            *self.blanked.entry(place.into()).or_default() += 1;
        }
    }

    /// Counts a value set to the donation's month start (the export's time).
    pub(crate) fn coarsened(&mut self, place: &str) {
        *self.blanked.entry(place.into()).or_default() += 1;
    }

    fn asks(&self, path: &str) -> bool {
        self.matching.iter().any(|p| redact::matches(p, path))
    }

    /// The patterns the borrower asked to withhold (the export's `redaction` member).
    pub(crate) fn patterns(&self) -> &[String] {
        &self.patterns
    }

    /// One signed statement (or disclosure-log leaf): a redactable one loses the disclosed
    /// values asked for, and the removed paths are returned; a v1 one that holds such a value
    /// is counted as not redactable and left whole.
    pub(crate) fn statement(&mut self, statement: &mut Value) -> Vec<String> {
        if statement.get(redact::SD).is_some() {
            let patterns: Vec<&str> = self.matching.iter().map(String::as_str).collect();
            let removed = redact::withhold(statement, &patterns);
            for path in &removed {
                *self.withheld.entry(generalise(path)).or_default() += 1;
            }
            removed
        } else {
            self.count_whole(statement);
            Vec::new()
        }
    }

    /// A stored statement written as it is (a v1 disclosure's): counted as not redactable
    /// when it holds a field asked for.
    pub(crate) fn kept_whole(&mut self, bytes: &[u8]) {
        if let Ok(statement) = serde_json::from_slice::<Value>(bytes) {
            self.count_whole(&statement);
        }
    }

    /// Whether a member at or under `value` (at `prefix`) is one the patterns ask for.
    fn holds(&self, value: &Value, prefix: &str) -> bool {
        holds_any(&self.matching, value, prefix)
    }

    /// Blanks (`null`) an unsigned copy when the patterns ask for any path it repeats;
    /// `copy` is one of the constants above (its place in the export, what it repeats).
    pub(crate) fn blank(&mut self, slot: Option<&mut Value>, copy: (&str, &[&str])) {
        let (place, repeats) = copy;
        let Some(slot) = slot.filter(|v| !v.is_null()) else {
            return;
        };
        if repeats.iter().any(|r| self.asks(r)) {
            *slot = Value::Null;
            *self.blanked.entry(place.into()).or_default() += 1;
        }
    }

    /// Notes a section kept whole (see [`BORROWER_REQUESTS`]).
    pub(crate) fn keep(&mut self, section: &str) {
        self.kept.insert(section.into());
    }

    pub(crate) fn summary(self) -> RedactionSummary {
        let counts = |m: BTreeMap<String, u64>| {
            m.into_iter()
                .map(|(path, count)| PathCount { path, count })
                .collect()
        };
        RedactionSummary {
            patterns: self.patterns,
            withheld: counts(self.withheld),
            blanked: counts(self.blanked),
            not_redactable: self.not_redactable,
            kept: self.kept.into_iter().collect(),
        }
    }
}

/// Whether a member at or under `value` (at `prefix`) matches one of `patterns`; a statement's
/// own `signature` never counts.
fn holds_any(patterns: &[String], value: &Value, prefix: &str) -> bool {
    match value {
        Value::Object(map) => map.iter().any(|(name, child)| {
            if prefix.is_empty() && name == "signature" {
                return false;
            }
            let path = join(prefix, name);
            patterns.iter().any(|p| redact::matches(p, &path)) || holds_any(patterns, child, &path)
        }),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .any(|(i, child)| holds_any(patterns, child, &join(prefix, &i.to_string()))),
        _ => false,
    }
}

fn join(prefix: &str, name: &str) -> String {
    if prefix.is_empty() {
        name.to_owned()
    } else {
        format!("{prefix}.{name}")
    }
}

/// A path with its array indexes as `*`, so counts group by member, not by item.
fn generalise(path: &str) -> String {
    path.split('.')
        .map(|s| {
            if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) {
                "*"
            } else {
                s
            }
        })
        .collect::<Vec<_>>()
        .join(".")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn committed() -> Value {
        let offer = json!({
            "offerId": "o1",
            "customerId": "C-17",
            "explanation": {"contributions": [
                {"signal": "a", "bin": "low", "points": -3},
                {"signal": "b", "bin": "high", "points": 5},
            ]},
        });
        redact::commit_with(
            offer,
            &["customerId", "explanation.contributions.*.bin"],
            |_| [7; redact::SALT_BYTES],
        )
        .unwrap()
    }

    #[test]
    fn withholds_from_redactable_statements_and_counts_by_member() {
        let mut r = Redactor::new(&["bin".into()]).unwrap();
        let mut st = committed();
        let removed = r.statement(&mut st);
        assert_eq!(
            removed,
            [
                "explanation.contributions.0.bin",
                "explanation.contributions.1.bin"
            ]
        );
        let revealed = redact::reveal(&st).unwrap();
        assert_eq!(revealed.value["customerId"], "C-17");
        assert_eq!(revealed.withheld.len(), 2);
        let s = r.summary();
        assert_eq!(
            s.withheld,
            [PathCount {
                path: "explanation.contributions.*.bin".into(),
                count: 2
            }]
        );
        assert_eq!(s.not_redactable, 0);
    }

    #[test]
    fn counts_v1_statements_that_hold_an_asked_field_and_leaves_them_whole() {
        let mut r = Redactor::new(&["customerId".into(), "text".into()]).unwrap();
        let v1 = json!({"consentId": "c", "customerId": "C-1", "signature": {"value": "x"}});
        let mut st = v1.clone();
        assert!(r.statement(&mut st).is_empty());
        assert_eq!(st, v1);
        // Nothing asked for inside: not counted. The signature's members never count.
        let mut other = json!({"receiptId": "r", "signature": {"text": "x"}});
        r.statement(&mut other);
        // Nested: `purpose.text` matches `text`.
        let mut nested = json!({"purpose": {"code": "p", "text": "loan"}});
        r.statement(&mut nested);
        assert_eq!(r.summary().not_redactable, 2);
    }

    #[test]
    fn blanks_unsigned_copies_only_when_asked() {
        let mut r = Redactor::new(&["customerId".into()]).unwrap();
        let mut id = json!("C-1");
        let mut words = json!("my words");
        r.blank(Some(&mut id), PII_PRINCIPAL_ID);
        r.blank(Some(&mut words), RIGHTS_DETAILS);
        assert_eq!((id, &words), (Value::Null, &json!("my words")));
        r.blank(None, PII_PRINCIPAL_ID);
        let s = r.summary();
        assert_eq!(s.blanked.len(), 1);
        assert_eq!(s.blanked[0].count, 1);
    }

    #[test]
    fn free_text_covers_rights_requests_words() {
        let mut r = Redactor::new(&["text".into()]).unwrap();
        let mut words = json!("my words");
        r.blank(Some(&mut words), RIGHTS_DETAILS);
        assert_eq!(words, Value::Null);
        // The lender's signed v1 answer echoes them: kept whole, and said so.
        let mut answer = json!({"requestId": "r", "detail": "my words", "signature": {}});
        r.statement(&mut answer);
        let mut v2 = redact::commit_with(
            json!({"requestId": "r", "detail": "my words", "resolution": "done"}),
            &["detail", "resolution"],
            |_| [1; redact::SALT_BYTES],
        )
        .unwrap();
        assert_eq!(r.statement(&mut v2), ["detail", "resolution"]);
        let s = r.summary();
        assert_eq!(s.patterns, ["text"]);
        assert_eq!(s.not_redactable, 1);
    }

    #[test]
    fn no_patterns_is_a_full_export_and_defaults_come_from_the_list() {
        assert!(Redactor::new(&[]).is_none());
        assert!(Redactor::new(&[" ".into()]).is_none());
        assert_eq!(
            advocate_patterns(),
            ["customerId", "valueDigest", "bin", "text"]
        );
        assert_eq!(redactable_fields().len(), FIELDS.len());
    }

    #[test]
    fn plain_statement_reveals_a_redactable_one() {
        let st = serde_json::to_vec(&committed()).unwrap();
        let plain = plain_statement(&st).unwrap();
        assert_eq!(plain["customerId"], "C-17");
        assert!(plain.get(redact::SD).is_none());
        assert_eq!(plain_statement(br#"{"a":1}"#).unwrap(), json!({"a": 1}));
    }
}
