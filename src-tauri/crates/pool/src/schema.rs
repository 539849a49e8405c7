//! The pool's tables: their Parquet columns, and how the dataset is laid out on disk. This is
//! the contract between `pool add` (which writes), the standard report's SQL files (which read)
//! and anyone running those files on Spark; `docs/pool.md` documents it column by column.
//!
//! Layout, Hive-style so Spark and DataFusion discover the partitions alike:
//!
//! ```text
//! POOL/_khata/…                                        the pool's own state (never a table)
//! POOL/donations/part-<batch>.parquet                  one row per donation, not partitioned
//! POOL/<table>/lender=<id>/month=<YYYY-MM>/part-<batch>.parquet   every other table
//! ```
//!
//! `lender` and `month` are partition columns: they come from the path and are not stored in
//! the files (Spark refuses a column that is both). A lender id must match [`is_plain_lender_id`]
//! to become a path segment; a donation naming another is refused. Times are milliseconds since
//! the Unix epoch as `Int64`, not Parquet timestamps, so both engines read them the same way.
//! `donation_id` is the donation's random id; no column holds anything that names a borrower.

use std::sync::Arc;

use arrow::datatypes::{DataType, Field, Schema, SchemaRef};

/// The partition columns of every table but [`DONATIONS`], in path order.
pub const PARTITION_COLUMNS: [&str; 2] = ["lender", "month"];

pub const DONATIONS: &str = "donations";
pub const DISCLOSURES: &str = "disclosures";
pub const PHONE_OBSERVATIONS: &str = "phone_observations";
pub const FINDINGS: &str = "findings";
pub const CONSENTS: &str = "consents";
pub const OFFERS: &str = "offers";
pub const TREE_HEADS: &str = "tree_heads";

/// Every table, in the order `pool add` writes them.
pub const TABLES: [&str; 7] = [
    DONATIONS,
    DISCLOSURES,
    PHONE_OBSERVATIONS,
    FINDINGS,
    CONSENTS,
    OFFERS,
    TREE_HEADS,
];

/// Whether a table's files sit under `lender=…/month=…/`.
pub fn is_partitioned(table: &str) -> bool {
    table != DONATIONS
}

/// A lender id that can be a path segment on every OS and read back unchanged by every engine:
/// 1–64 of `A–Z a–z 0–9 . _ -`, not starting with `.` or `_` (which Spark and Hadoop skip).
pub fn is_plain_lender_id(id: &str) -> bool {
    (1..=64).contains(&id.len())
        && !id.starts_with(['.', '_'])
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
}

fn utf8(name: &str, nullable: bool) -> Field {
    Field::new(name, DataType::Utf8, nullable)
}
fn int64(name: &str, nullable: bool) -> Field {
    Field::new(name, DataType::Int64, nullable)
}
fn int32(name: &str) -> Field {
    Field::new(name, DataType::Int32, false)
}
fn boolean(name: &str) -> Field {
    Field::new(name, DataType::Boolean, false)
}
fn float64(name: &str) -> Field {
    Field::new(name, DataType::Float64, true)
}

/// The columns stored in a table's files (partition columns excluded). `None` for an unknown
/// table name.
pub fn file_schema(table: &str) -> Option<SchemaRef> {
    let fields = match table {
        // One row per donation kept.
        DONATIONS => vec![
            utf8("donation_id", false),
            // The donation's own month (`YYYY-MM`, from its manifest).
            utf8("month", false),
            int64("added_at_ms", false),
            utf8("export_sha256", false),
            int64("export_bytes", false),
            int32("lenders"),
            int64("disclosures", false),
            int64("phone_observations", false),
            // What the donor withheld, as JSON `[{"path","count"}]` (never the values).
            utf8("withheld", false),
        ],
        // One row per disclosure the lender made of this donor's data (a v1 statement or a
        // leaf of its log naming one of the donor's consents), by the month it was collected.
        DISCLOSURES => vec![
            utf8("donation_id", false),
            utf8("signal", false),
            utf8("dpv_category", true),
            // RBI digital lending: a signal lenders must not access at all.
            boolean("prohibited"),
            // Camera, microphone, location: once, for KYC.
            boolean("kyc_only"),
            int64("collected_at_ms", false),
            // The consent's state when collected: granted, paused, revoked, expired, none.
            utf8("consent_state", false),
            boolean("after_revocation"),
            // The named onward recipient, when the donor did not withhold it.
            utf8("onward_recipient", true),
        ],
        // One row per observation the donor's own phone recorded of the lender's app.
        PHONE_OBSERVATIONS => vec![
            utf8("donation_id", false),
            utf8("resource", false),
            utf8("rbi_category", false),
            int64("observed_at_ms", false),
            // ios-app-privacy-report, android-appops, …
            utf8("source_kind", false),
            // A disclosure of a mapped signal within 24 h declares it.
            boolean("declared"),
            boolean("after_revocation"),
        ],
        // One row per (donation, lender, rule): the audit of the donor's export.
        FINDINGS => vec![
            utf8("donation_id", false),
            // The rule id, e.g. `collected-after-revocation` (`khata_evidence::audit::Rule`).
            utf8("rule", false),
            utf8("severity", false),
            int64("occurrences", false),
            int64("first_at_ms", true),
        ],
        // One row per consent the donor gave (or refused) the lender.
        CONSENTS => vec![
            utf8("donation_id", false),
            // HMAC-SHA-256 of lender id and consent id under the pool's own secret: repeated
            // donations are recognised, and the lender cannot look its consent ids up.
            utf8("consent_ref", false),
            int64("granted_at_ms", false),
            int64("revoked_at_ms", true),
            int32("signals_granted"),
            int32("signals_denied"),
            // The consented frequency, as the consent states it (e.g. `daily`), if any.
            utf8("frequency", true),
            // The purpose code (never the purpose's free text).
            utf8("purpose", true),
        ],
        // One row per offer the lender made the donor.
        OFFERS => vec![
            utf8("donation_id", false),
            // approved, declined, …
            utf8("decision", false),
            // A band, never the amount: `<10k`, `10k-50k`, `50k-1L`, `1L-5L`, `>=5L`.
            utf8("amount_band", true),
            // Annual percentage rates in percent: as the Key Fact Statement states it, and as
            // Khata recomputes it from the schedule (`khata_evidence::kfs`).
            float64("apr_stated"),
            float64("apr_computed"),
            int64("offered_at_ms", false),
        ],
        // One row per signed tree head of the lender's disclosure log the donor held.
        TREE_HEADS => vec![
            utf8("donation_id", false),
            int64("tree_size", false),
            // Lower-case hex of the 32-byte root.
            utf8("root_hash", false),
            int64("timestamp_ms", false),
            utf8("key_id", false),
            // held (a page the donor's vault stored), conflict (a contradicting head it kept),
            // computed (the root of the donor's leaves at a size another donor holds a head of).
            utf8("kind", false),
        ],
        _ => return None,
    };
    Some(Arc::new(Schema::new(fields)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_table_has_a_schema_that_starts_with_the_donation_id() {
        for table in TABLES {
            let schema = file_schema(table).expect(table);
            assert_eq!(schema.field(0).name(), "donation_id", "{table}");
            for partition in PARTITION_COLUMNS {
                let stored = schema.field_with_name(partition).is_ok();
                // `donations` keeps its own month; partitioned tables must not store theirs.
                assert!(!(stored && is_partitioned(table)), "{table}.{partition}");
            }
        }
        assert!(file_schema("users").is_none());
    }

    #[test]
    fn only_plain_lender_ids_become_paths() {
        for ok in ["sandbox", "lender-1", "acme.in", "A_b"] {
            assert!(is_plain_lender_id(ok), "{ok}");
        }
        for bad in [
            "",
            ".hidden",
            "_temporary",
            "a/b",
            "..",
            "a b",
            "लेंडर",
            &"x".repeat(65),
        ] {
            assert!(!is_plain_lender_id(bad), "{bad}");
        }
    }
}
