//! Records kept in the vault. Times are Unix milliseconds (UTC); binary fields serialise as
//! lower-case hex so the engine and exports can emit them as JSON directly.

use serde::{Deserialize, Serialize};

/// Serde helpers for 32-byte digests as hex.
pub mod hex32 {
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(v: &[u8; 32], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&hex::encode(v))
    }
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<[u8; 32], D::Error> {
        let s = String::deserialize(d)?;
        let mut out = [0u8; 32];
        hex::decode_to_slice(&s, &mut out).map_err(serde::de::Error::custom)?;
        Ok(out)
    }
}

/// Serde helpers for optional 32-byte digests as hex.
pub mod opt_hex32 {
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(v: &Option<[u8; 32]>, s: S) -> Result<S::Ok, S::Error> {
        match v {
            Some(b) => s.serialize_some(&hex::encode(b)),
            None => s.serialize_none(),
        }
    }
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<[u8; 32]>, D::Error> {
        Option::<String>::deserialize(d)?
            .map(|s| {
                let mut out = [0u8; 32];
                hex::decode_to_slice(&s, &mut out).map_err(serde::de::Error::custom)?;
                Ok(out)
            })
            .transpose()
    }
}

/// Serde helpers for optional byte strings as hex.
pub mod opt_hex {
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(v: &Option<Vec<u8>>, s: S) -> Result<S::Ok, S::Error> {
        match v {
            Some(b) => s.serialize_some(&hex::encode(b)),
            None => s.serialize_none(),
        }
    }
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Vec<u8>>, D::Error> {
        Option::<String>::deserialize(d)?
            .map(|s| hex::decode(s).map_err(serde::de::Error::custom))
            .transpose()
    }
}

/// Serde helpers for byte strings as hex.
pub mod hex_bytes {
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(v: &[u8], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&hex::encode(v))
    }
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
        hex::decode(String::deserialize(d)?).map_err(serde::de::Error::custom)
    }
}

/// Declares a string-backed enum with its SQL/JSON spelling.
macro_rules! str_enum {
    ($(#[$m:meta])* $name:ident { $($var:ident = $s:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        pub enum $name { $( #[serde(rename = $s)] $var ),+ }
        impl $name {
            pub fn as_str(self) -> &'static str { match self { $( $name::$var => $s ),+ } }
            pub fn parse(s: &str) -> Option<Self> { match s { $( $s => Some($name::$var), )+ _ => None } }
        }
        impl rusqlite::types::ToSql for $name {
            fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
                Ok(self.as_str().into())
            }
        }
        impl rusqlite::types::FromSql for $name {
            fn column_result(v: rusqlite::types::ValueRef<'_>) -> rusqlite::types::FromSqlResult<Self> {
                let s = v.as_str()?;
                $name::parse(s).ok_or_else(|| rusqlite::types::FromSqlError::Other(
                    format!("unknown {} {:?}", stringify!($name), s).into()))
            }
        }
    };
}

str_enum!(
    /// How sensitive a signal is, for the UI's emphasis and defaults.
    Sensitivity { Low = "low", Medium = "medium", High = "high", Special = "special" }
);
str_enum!(
    /// AA `fetchType`.
    FetchType { Onetime = "ONETIME", Periodic = "PERIODIC" }
);
str_enum!(
    /// AA consent artefact `status`.
    ConsentStatus { Active = "ACTIVE", Paused = "PAUSED", Revoked = "REVOKED", Expired = "EXPIRED" }
);
str_enum!(
    /// AA `Frequency.unit`.
    FrequencyUnit { Hour = "HOUR", Day = "DAY", Month = "MONTH", Year = "YEAR", Inf = "INF" }
);
str_enum!(
    /// AA `DataLife.unit`.
    DataLifeUnit { Day = "DAY", Month = "MONTH", Year = "YEAR", Inf = "INF" }
);
str_enum!(
    /// A lender's decision on an application.
    Decision { Approved = "APPROVED", Declined = "DECLINED", Counter = "COUNTER" }
);
str_enum!(
    /// Delivery state of an outbox message (transactional outbox, at-least-once).
    OutboxState { Pending = "pending", Sent = "sent", Acknowledged = "acknowledged" }
);
str_enum!(
    /// What a consent action asks of the lender, spelled as stored in `revocations.action` and
    /// written in exports.
    ConsentActionKind { Revoke = "revoke", Pause = "pause", Resume = "resume" }
);
str_enum!(
    /// Data-subject rights (DPDP Act ss. 11–14, GDPR Arts. 15, 20, 22).
    RightsKind {
        Access = "access", Correction = "correction", Erasure = "erasure",
        Grievance = "grievance", Nomination = "nomination", Portability = "portability",
        HumanReview = "human_review",
    }
);
str_enum!(
    /// Progress of a rights request.
    RightsStatus {
        Pending = "pending", Sent = "sent", Acknowledged = "acknowledged",
        Resolved = "resolved", Rejected = "rejected",
    }
);

/// A lender (data fiduciary / AA `DataConsumer`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Lender {
    pub id: String,
    pub name: String,
    /// Regulator registration, e.g. an RBI NBFC certificate number.
    pub registration: Option<String>,
    pub contact: Option<String>,
    /// The lender's Ed25519 public key for checking artefact and event signatures.
    #[serde(with = "opt_hex")]
    pub public_key: Option<Vec<u8>>,
}

/// A kind of phone data a lender may read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Signal {
    pub id: String,
    pub name: String,
    /// W3C DPV personal-data term, e.g. `pd:Income`, `pd:CallLog`.
    pub category: String,
    pub sensitivity: Sensitivity,
    /// Regulatory flags, e.g. `rbi-2022-prohibited`.
    pub regulatory_flags: Vec<String>,
}

/// A signal as one lender's catalogue describes it. Serialised flat (`lender_id` beside the
/// signal's fields), as exports list it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LenderSignal {
    pub lender_id: String,
    #[serde(flatten)]
    pub signal: Signal,
}

/// AA `Frequency` or `DataLife`: a unit and a count.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Period<U> {
    pub unit: U,
    pub value: i64,
}

/// AA `FIDataRange`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DataRange {
    pub from: i64,
    pub to: i64,
}

/// A consent, shaped after the Account Aggregator consent artefact.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Consent {
    /// AA `consentId`.
    pub id: String,
    pub lender_id: String,
    /// AA `Purpose.code`, e.g. `103` (credit assessment).
    pub purpose_code: String,
    pub purpose_text: String,
    pub signals_granted: Vec<String>,
    pub signals_denied: Vec<String>,
    pub consent_start: i64,
    pub consent_expiry: i64,
    pub fetch_type: FetchType,
    pub frequency: Period<FrequencyUnit>,
    pub data_life: Period<DataLifeUnit>,
    pub fi_data_range: Option<DataRange>,
    pub status: ConsentStatus,
    /// The lender's signed artefact (e.g. the JWS `signedConsent`) as received.
    #[serde(with = "opt_hex")]
    pub signed_artefact: Option<Vec<u8>>,
    #[serde(with = "opt_hex")]
    pub artefact_signature: Option<Vec<u8>>,
}

/// A disclosure to record: one signal read by one lender.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewShareEvent {
    pub signal_id: String,
    pub lender_id: String,
    pub collected_at: i64,
    pub purpose: String,
    pub consent_id: Option<String>,
    /// Digest of the value shared (see [`crate::digest_value`]); the value itself is not kept.
    #[serde(with = "hex32")]
    pub value_digest: [u8; 32],
    /// Third party the lender passed the data on to, if declared.
    pub onward_recipient: Option<String>,
    #[serde(with = "opt_hex")]
    pub lender_signature: Option<Vec<u8>>,
}

/// A recorded disclosure.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ShareEvent {
    pub id: i64,
    #[serde(flatten)]
    pub event: NewShareEvent,
}

/// Filter for [`crate::Vault::events_with_statements`]; every field narrows, `None` means any.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct EventFilter {
    pub lender_id: Option<String>,
    pub signal_id: Option<String>,
    /// Inclusive lower bound on `collected_at`.
    pub from: Option<i64>,
    /// Exclusive upper bound on `collected_at`.
    pub to: Option<i64>,
}

/// Keyset cursor: the last `(collected_at, id)` of the previous page (newest first).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventCursor {
    pub collected_at: i64,
    pub id: i64,
}

/// One signal's part in a decision (scorecard points or SHAP value).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Contribution {
    pub signal_id: String,
    pub contribution: f64,
}

/// Why a decision came out as it did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Explanation {
    /// e.g. `scorecard`, `shap`.
    pub method: String,
    pub baseline: f64,
    pub score: f64,
    pub contributions: Vec<Contribution>,
    /// Principal reasons (adverse-action style), most important first.
    pub reason_codes: Vec<String>,
}

/// A lender's offer or decision, with its explanation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Offer {
    pub id: String,
    pub lender_id: String,
    pub consent_id: Option<String>,
    pub received_at: i64,
    pub decision: Decision,
    /// In minor units (paise).
    pub amount_minor: Option<i64>,
    pub currency: Option<String>,
    /// Annual percentage rate in basis points.
    pub apr_bps: Option<i64>,
    pub tenure_months: Option<i64>,
    pub explanation: Explanation,
    #[serde(with = "opt_hex")]
    pub signature: Option<Vec<u8>>,
}

/// A revocation of a consent by the borrower.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Revocation {
    pub id: String,
    pub consent_id: String,
    pub lender_id: String,
    pub requested_at: i64,
    pub reason: Option<String>,
}

/// What an outbox message asks the lender to do: everything its delivery needs, so delivering
/// reads nothing else. Stored as JSON in `outbox.payload`, tagged by `type` (schema version 5
/// rewrote the older untyped payloads into this shape).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum OutboxMessage {
    /// Revoke `signals` of a consent, or the whole consent when `signals` is empty.
    Revoke {
        consent_id: String,
        signals: Vec<String>,
    },
    /// Pause a consent.
    Pause { consent_id: String },
    /// Resume a paused consent.
    Resume { consent_id: String },
    /// File a data-subject rights request.
    RightsRequest {
        request_id: String,
        kind: RightsKind,
        details: Option<String>,
        /// The consent the request is about (e.g. erasure asked for while revoking it).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        consent_id: Option<String>,
    },
    /// A stored payload this version cannot read: a damaged row, or one written by a newer
    /// version. Never written; read in place of the message so that one such row fails only its
    /// own delivery (with `error` as the reason) instead of every read of the outbox, and the
    /// payload stays in the vault untouched.
    #[serde(skip)]
    Unreadable { payload: String, error: String },
}

impl OutboxMessage {
    /// Reads a stored payload; one this version cannot parse becomes [`OutboxMessage::Unreadable`].
    pub fn from_stored(payload: String) -> OutboxMessage {
        match serde_json::from_str(&payload) {
            Ok(message) => message,
            Err(e) => OutboxMessage::Unreadable {
                error: e.to_string(),
                payload,
            },
        }
    }

    /// The message that carries a consent action to the lender.
    pub fn consent_action(
        action: ConsentActionKind,
        consent_id: &str,
        signals: &[String],
    ) -> OutboxMessage {
        let consent_id = consent_id.to_owned();
        match action {
            ConsentActionKind::Revoke => OutboxMessage::Revoke {
                consent_id,
                signals: signals.to_vec(),
            },
            ConsentActionKind::Pause => OutboxMessage::Pause { consent_id },
            ConsentActionKind::Resume => OutboxMessage::Resume { consent_id },
        }
    }

    /// The outbox's `kind` column: which table holds the record the message carries
    /// (`revocations` for every consent action, `rights_requests`).
    pub(crate) fn record_table(&self) -> &'static str {
        match self {
            OutboxMessage::Revoke { .. }
            | OutboxMessage::Pause { .. }
            | OutboxMessage::Resume { .. } => "revocation",
            OutboxMessage::RightsRequest { .. } => "rights_request",
            // Never enqueued (see the variant); a name that matches no table.
            OutboxMessage::Unreadable { .. } => "unreadable",
        }
    }
}

/// A message waiting to be delivered to a lender.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutboxItem {
    pub id: String,
    /// Id of the revocation or rights request this message carries.
    pub record_id: String,
    pub lender_id: String,
    /// Sent as the `Idempotency-Key` header (a v4 UUID), the same on every retry.
    pub idempotency_key: String,
    pub message: OutboxMessage,
    pub state: OutboxState,
    pub attempts: i64,
    pub next_attempt_at: i64,
    pub last_error: Option<String>,
    /// The lender's signed receipt once acknowledged.
    #[serde(with = "opt_hex")]
    pub receipt: Option<Vec<u8>>,
    pub created_at: i64,
    pub updated_at: i64,
}

/// A data-subject rights request to a lender.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RightsRequest {
    pub id: String,
    pub lender_id: String,
    pub kind: RightsKind,
    pub status: RightsStatus,
    /// The lender's ticket or reference number, once known.
    pub ticket: Option<String>,
    pub details: Option<String>,
    pub created_at: i64,
    /// When the lender must answer by.
    pub due_at: Option<i64>,
}
