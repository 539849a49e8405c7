//! Whether an export still names the borrower. The pool protects donors from their own
//! mistakes: a donation made with a redaction turned off, or by a writer that forgot a
//! section, is refused as `identifying-data` rather than pooled. Only an export's document (a
//! version 1 export, or line 1 of version 2) can hold such values: a log leaf has no member
//! that names a borrower.

use serde_json::Value;

/// Members whose value names the borrower wherever they appear: the lender's customer id
/// (signed in a consent, or the vault's copy as the consent record's principal), the lender's
/// table of customer ids, and the borrower's profile and nominee.
const NAMING_MEMBERS: [&str; 9] = [
    "customerId",
    "customer_id",
    "pii_principal_id",
    "lenderCustomerIds",
    "customerIds",
    "profile",
    "borrowerProfile",
    "nominee",
    "nominees",
];

fn is_empty(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::String(s) => s.is_empty(),
        Value::Array(a) => a.is_empty(),
        Value::Object(o) => o.is_empty(),
        _ => false,
    }
}

/// The JSON pointer of the first value that names the borrower, if any. A redactable statement
/// is read as revealed (`khata_contract::redact::plain`), so a customer id withheld by its
/// commitment passes and one still disclosed beside it does not.
pub fn first_naming(doc: &Value) -> Option<String> {
    walk(doc, &mut String::new())
}

fn walk(v: &Value, at: &mut String) -> Option<String> {
    match v {
        Value::Object(map) => {
            if map.contains_key(khata_contract::redact::SD) {
                match khata_contract::redact::plain(v.clone()) {
                    Ok(plain) if plain.get(khata_contract::redact::SD).is_none() => {
                        return walk(&plain, at);
                    }
                    // Unreadable commitments are the verifier's to refuse.
                    _ => {}
                }
            }
            for (k, child) in map {
                let len = at.len();
                at.push('/');
                at.push_str(k);
                if NAMING_MEMBERS.contains(&k.as_str()) && !is_empty(child) {
                    return Some(at.clone());
                }
                if let Some(hit) = walk(child, at) {
                    return Some(hit);
                }
                at.truncate(len);
            }
            None
        }
        Value::Array(items) => {
            for (n, child) in items.iter().enumerate() {
                let len = at.len();
                at.push('/');
                at.push_str(&n.to_string());
                if let Some(hit) = walk(child, at) {
                    return Some(hit);
                }
                at.truncate(len);
            }
            None
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn names_the_first_identifying_value() {
        assert_eq!(
            first_naming(&json!({"consentRecords": [{"pii_principal_id": null}]})),
            None
        );
        assert_eq!(
            first_naming(&json!({"receipts": [{"consent": {"customerId": "C-1"}}]})).as_deref(),
            Some("/receipts/0/consent/customerId")
        );
        assert_eq!(
            first_naming(&json!({"profile": {"name": "A"}})).as_deref(),
            Some("/profile")
        );
        assert_eq!(first_naming(&json!({"profile": {}, "nominee": null})), None);
    }
}
