//! Redactable statements: the idea of IETF SD-JWT selective disclosure over canonical JSON.
//!
//! A lender commits to some members of a statement (a customer id, a value's digest, a value
//! bin, free text) through salted hashes instead of the values, and hands the borrower each
//! value with its salt. The borrower can then share the statement without some values — with an
//! advocate, say — and every signature and Merkle leaf hash still holds, because they cover the
//! commitments, not the values.
//!
//! **Shape.** Each object that had committed members carries `"_sd": {"<member>": "<digest>"}`
//! (an object, unlike SD-JWT's array, so the *names* of withheld members stay provable: a
//! verifier can say "the customer id was withheld", not only "something was"). The top-level
//! object carries `"_disclosed": [[salt, path, value], …]`, sorted by path, one triple per value
//! it reveals: `salt` is 16 random bytes (base64url, no padding), `path` the member's dotted
//! path from the top (`customerId`, `explanation.contributions.3.bin`), and the commitment is
//! `base64url(SHA-256(canonical_json([salt, path, value])))`. The path inside the hash binds a
//! value to its place, so a disclosed value cannot be moved to another member.
//!
//! **What is signed or hashed**: [`statement_bytes`], the canonical object without `_disclosed`
//! (and without `signature`). A top-level `_sd` (possibly empty) marks an object as redactable;
//! `signing` then uses the v2 context.

use std::collections::BTreeMap;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::RngCore;
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use crate::canonical::{canonical_json, write_object_without};

/// The member holding an object's commitments.
pub const SD: &str = "_sd";
/// The top-level member holding the revealed values with their salts.
pub const DISCLOSED: &str = "_disclosed";
/// Bytes of a salt.
pub const SALT_BYTES: usize = 16;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RedactError {
    #[error("a redactable statement must be a JSON object")]
    NotAnObject,
    #[error("the member name {0:?} is reserved or cannot be committed to")]
    Reserved(String),
    #[error("malformed commitments or disclosures: {0}")]
    Malformed(String),
    #[error("the disclosed value of {0} does not match the statement's commitment")]
    DigestMismatch(String),
    #[error("{0} is disclosed twice, or both committed to and present in the clear")]
    Duplicate(String),
    #[error("{0} is disclosed but the statement commits to no such member")]
    Uncommitted(String),
    #[error("not canonicalisable: {0}")]
    NotCanonical(String),
}

/// A statement with every disclosed value put back in its place.
#[derive(Debug, Clone, PartialEq)]
pub struct Revealed {
    /// The plain object: no `_sd`, no `_disclosed`; a `signature` member is kept.
    pub value: Value,
    /// The paths of committed members whose values were withheld, in document order.
    pub withheld: Vec<String>,
}

/// What a consent commits to instead of carrying in the clear (contract v2): the lender's id
/// for the borrower and the purpose's free text.
pub const CONSENT_PATHS: &[&str] = &["customerId", "purpose.text"];

/// What an offer or a quote commits to: each signal's bin and the reasons' free text, so a
/// borrower can share how a decision was scored without the bins that reveal the values.
pub const EXPLANATION_PATHS: &[&str] = &[
    "explanation.contributions.*.bin",
    "explanation.reasonCodes.*.text",
    "explanation.topAdverse.*.text",
];

/// The commitment to one disclosed value.
pub fn digest(salt: &str, path: &str, value: &Value) -> Result<String, RedactError> {
    let triple = Value::Array(vec![salt.into(), path.into(), value.clone()]);
    let bytes = canonical_json(&triple).map_err(|e| RedactError::NotCanonical(e.to_string()))?;
    Ok(URL_SAFE_NO_PAD.encode(Sha256::digest(bytes)))
}

/// A salt as the wire writes it.
pub fn encode_salt(salt: &[u8; SALT_BYTES]) -> String {
    URL_SAFE_NO_PAD.encode(salt)
}

/// Reads a wire salt (exactly 16 bytes).
pub fn decode_salt(text: &str) -> Option<[u8; SALT_BYTES]> {
    if text.len() != 22 {
        return None;
    }
    URL_SAFE_NO_PAD.decode(text).ok()?.try_into().ok()
}

/// Commits to the members `patterns` name, with fresh random salts. A pattern is a dotted path
/// whose `*` segments stand for every array index (`explanation.contributions.*.bin`); members
/// absent from the object are skipped. Always marks the object redactable (a top-level `_sd`).
pub fn commit(
    object: Value,
    patterns: &[&str],
    rng: &mut impl RngCore,
) -> Result<Value, RedactError> {
    commit_with(object, patterns, |_| {
        let mut salt = [0u8; SALT_BYTES];
        rng.fill_bytes(&mut salt);
        salt
    })
}

/// [`commit`] with the salts chosen by `salt_for(path)`: rebuilds a stored statement exactly
/// (the vault keeps a leaf's plain members and its salts, not its JSON).
pub fn commit_with(
    object: Value,
    patterns: &[&str],
    mut salt_for: impl FnMut(&str) -> [u8; SALT_BYTES],
) -> Result<Value, RedactError> {
    let Value::Object(mut map) = object else {
        return Err(RedactError::NotAnObject);
    };
    if map.contains_key(SD) || map.contains_key(DISCLOSED) {
        return Err(RedactError::Reserved(SD.into()));
    }
    let mut triples: Vec<(String, Value)> = Vec::new();
    for pattern in patterns {
        let segments: Vec<&str> = pattern.split('.').collect();
        commit_in(&mut map, &segments, "", &mut triples, &mut salt_for)?;
    }
    triples.sort_by(|a, b| a.0.cmp(&b.0));
    map.entry(SD).or_insert_with(|| Value::Object(Map::new()));
    map.insert(
        DISCLOSED.into(),
        Value::Array(triples.into_iter().map(|(_, t)| t).collect()),
    );
    Ok(Value::Object(map))
}

fn commit_in(
    map: &mut Map<String, Value>,
    segments: &[&str],
    prefix: &str,
    triples: &mut Vec<(String, Value)>,
    salt_for: &mut impl FnMut(&str) -> [u8; SALT_BYTES],
) -> Result<(), RedactError> {
    let (first, rest) = segments.split_first().expect("a pattern has a segment");
    if first.is_empty() || *first == SD || *first == DISCLOSED || *first == "*" && rest.is_empty() {
        return Err(RedactError::Reserved((*first).into()));
    }
    let path = join(prefix, first);
    if rest.is_empty() {
        let Some(value) = map.remove(*first) else {
            return Ok(());
        };
        let salt = encode_salt(&salt_for(&path));
        let commitment = digest(&salt, &path, &value)?;
        let sd = map
            .entry(SD)
            .or_insert_with(|| Value::Object(Map::new()))
            .as_object_mut()
            .ok_or_else(|| RedactError::Malformed(format!("{path}: _sd is not an object")))?;
        if sd.insert((*first).into(), commitment.into()).is_some() {
            return Err(RedactError::Duplicate(path));
        }
        triples.push((
            path.clone(),
            Value::Array(vec![salt.into(), path.into(), value]),
        ));
        return Ok(());
    }
    match map.get_mut(*first) {
        Some(Value::Object(inner)) => commit_in(inner, rest, &path, triples, salt_for),
        Some(Value::Array(items)) if rest[0] == "*" => {
            for (i, item) in items.iter_mut().enumerate() {
                let item_path = join(&path, &i.to_string());
                match (item, rest.len()) {
                    (Value::Object(inner), n) if n > 1 => {
                        commit_in(inner, &rest[1..], &item_path, triples, salt_for)?
                    }
                    _ => {
                        return Err(RedactError::Reserved(format!(
                            "{item_path}: only object members can be committed to"
                        )));
                    }
                }
            }
            Ok(())
        }
        _ => Ok(()),
    }
}

fn join(prefix: &str, name: &str) -> String {
    if prefix.is_empty() {
        name.to_owned()
    } else {
        format!("{prefix}.{name}")
    }
}

/// The bytes a signature or a Merkle leaf hash covers: the canonical object without its
/// top-level `_disclosed` and `signature` members.
pub fn statement_bytes(object: &Value) -> Result<Vec<u8>, RedactError> {
    let Value::Object(map) = object else {
        return Err(RedactError::NotAnObject);
    };
    let mut out = Vec::with_capacity(384);
    write_object_without(map, |k| k == DISCLOSED || k == "signature", &mut out)
        .map_err(|e| RedactError::NotCanonical(e.to_string()))?;
    Ok(out)
}

/// Puts every disclosed value back and lists what was withheld; refuses a disclosure that does
/// not match its commitment, one for a member never committed to, and any clash.
pub fn reveal(object: &Value) -> Result<Revealed, RedactError> {
    let Value::Object(map) = object else {
        return Err(RedactError::NotAnObject);
    };
    let mut disclosed: BTreeMap<String, (String, Value)> = BTreeMap::new();
    if let Some(list) = map.get(DISCLOSED) {
        let Value::Array(items) = list else {
            return Err(RedactError::Malformed("_disclosed is not an array".into()));
        };
        for item in items {
            let (salt, path, value) = match item {
                Value::Array(t) if t.len() == 3 => match (&t[0], &t[1]) {
                    (Value::String(s), Value::String(p)) => (s, p, &t[2]),
                    _ => return Err(RedactError::Malformed("a triple's salt or path".into())),
                },
                _ => {
                    return Err(RedactError::Malformed(
                        "a disclosure is not a triple".into(),
                    ));
                }
            };
            if decode_salt(salt).is_none() {
                return Err(RedactError::Malformed(format!("{path}: the salt")));
            }
            let commitment = digest(salt, path, value)?;
            if disclosed
                .insert(path.clone(), (commitment, value.clone()))
                .is_some()
            {
                return Err(RedactError::Duplicate(path.clone()));
            }
        }
    }
    let mut plain = map.clone();
    plain.remove(DISCLOSED);
    let mut value = Value::Object(plain);
    let mut withheld = Vec::new();
    restore(&mut value, "", &mut disclosed, &mut withheld)?;
    if let Some(path) = disclosed.into_keys().next() {
        return Err(RedactError::Uncommitted(path));
    }
    Ok(Revealed { value, withheld })
}

fn restore(
    value: &mut Value,
    prefix: &str,
    disclosed: &mut BTreeMap<String, (String, Value)>,
    withheld: &mut Vec<String>,
) -> Result<(), RedactError> {
    match value {
        Value::Object(map) => {
            let commitments = match map.remove(SD) {
                None => None,
                Some(Value::Object(sd)) => Some(sd),
                Some(_) => {
                    return Err(RedactError::Malformed(format!(
                        "{}: _sd is not an object",
                        display(prefix)
                    )));
                }
            };
            // Plain members first: values put back below are never searched for commitments.
            for (name, child) in map.iter_mut() {
                if name.contains('.') || name == DISCLOSED {
                    return Err(RedactError::Reserved(name.clone()));
                }
                restore(child, &join(prefix, name), disclosed, withheld)?;
            }
            for (name, commitment) in commitments.into_iter().flatten() {
                let path = join(prefix, &name);
                let Value::String(commitment) = commitment else {
                    return Err(RedactError::Malformed(format!("{path}: the commitment")));
                };
                if name.contains('.') || commitment.len() != 43 {
                    return Err(RedactError::Malformed(format!("{path}: the commitment")));
                }
                if map.contains_key(&name) {
                    return Err(RedactError::Duplicate(path));
                }
                match disclosed.remove(&path) {
                    Some((digest, v)) if digest == commitment => {
                        map.insert(name, v);
                    }
                    Some(_) => return Err(RedactError::DigestMismatch(path)),
                    None => withheld.push(path),
                }
            }
            Ok(())
        }
        Value::Array(items) => {
            for (i, item) in items.iter_mut().enumerate() {
                restore(item, &join(prefix, &i.to_string()), disclosed, withheld)?;
            }
            Ok(())
        }
        _ => Ok(()),
    }
}

fn display(prefix: &str) -> &str {
    if prefix.is_empty() {
        "the statement"
    } else {
        prefix
    }
}

/// The plain form of a statement that may be redactable, for parsing it into a wire type: a
/// 1.x statement (no top-level `_sd`) as it is, a v2 one revealed (withheld members absent).
/// Refuses disclosures that do not match their commitments.
pub fn plain(object: Value) -> Result<Value, RedactError> {
    if object.get(SD).is_none() {
        return Ok(object);
    }
    reveal(&object).map(|r| r.value)
}

/// Whether `path` matches `pattern`: the whole path, its last segment (`bin`, `customerId`), or
/// segment by segment with `*` for any array index.
pub fn matches(pattern: &str, path: &str) -> bool {
    if pattern == path || path.rsplit('.').next() == Some(pattern) {
        return true;
    }
    let (mut p, mut q) = (pattern.split('.'), path.split('.'));
    loop {
        match (p.next(), q.next()) {
            (None, None) => return true,
            (Some(a), Some(b)) if a == b || (a == "*" && b.bytes().all(|c| c.is_ascii_digit())) => {
            }
            _ => return false,
        }
    }
}

/// Removes the disclosed values whose path matches one of `patterns` (see [`matches`]);
/// returns the removed paths. The statement's signature and leaf hash are unchanged.
pub fn withhold(object: &mut Value, patterns: &[&str]) -> Vec<String> {
    let mut removed = Vec::new();
    if let Some(Value::Array(items)) = object.get_mut(DISCLOSED) {
        items.retain(|item| {
            let path = item.get(1).and_then(Value::as_str).unwrap_or_default();
            let drop = patterns.iter().any(|p| matches(p, path));
            if drop {
                removed.push(path.to_owned());
            }
            !drop
        });
    }
    removed
}

/// The salts of the disclosed values, by path (what the vault keeps to rebuild the statement).
pub fn salts(object: &Value) -> BTreeMap<String, [u8; SALT_BYTES]> {
    let mut out = BTreeMap::new();
    if let Some(Value::Array(items)) = object.get(DISCLOSED) {
        for item in items {
            if let (Some(salt), Some(path)) = (
                item.get(0).and_then(Value::as_str).and_then(decode_salt),
                item.get(1).and_then(Value::as_str),
            ) {
                out.insert(path.to_owned(), salt);
            }
        }
    }
    out
}

#[cfg(test)]
#[path = "redact_tests.rs"]
mod tests;
