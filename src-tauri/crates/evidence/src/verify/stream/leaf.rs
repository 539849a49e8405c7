//! One leaf line of a version 2 export: its leaf hash, its index and what it withholds.
//!
//! The reference is the contract's [`DisclosureLeaf::check`]: parse the line, reveal every
//! disclosed value against its commitment, type the members, hash the statement bytes. That
//! builds a `Value` and re-serialises it, which at a million leaves costs several times hashing
//! the file. So a line in the exact canonical form the exporter writes takes a fast path that
//! reads it in place: one scan checks that the line *is* canonical JSON of a disclosure leaf
//! (members in order, no whitespace, strings escaped exactly as `canonical_json` escapes them,
//! integers without sign or zero padding), and then the statement bytes are the line without
//! its leading `_disclosed` member, and each disclosure `[salt, path, value]` is hashed as the
//! bytes it already is. Anything the scan does not recognise — another layout, an unexpected
//! member, a commitment that does not match — goes to the reference, which gives the answer
//! (the tests hold the two to the same results).

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use khata_contract::log::DisclosureLeaf;
use khata_contract::merkle::{self, Hash};
use serde_json::Value;
use sha2::{Digest, Sha256};

/// The leaf members in canonical order, the only ones the fast path reads ([`key_rank`]).
#[cfg(test)]
const KEYS: [&[u8]; 10] = [
    b"_disclosed",
    b"_sd",
    b"collectedAt",
    b"consentId",
    b"dataRange",
    b"index",
    b"onwardRecipient",
    b"purpose",
    b"signal",
    b"valueDigest",
];
const DISCLOSED: usize = 0;
const SD: usize = 1;
const COLLECTED_AT: usize = 2;
const CONSENT_ID: usize = 3;
const DATA_RANGE: usize = 4;
const INDEX: usize = 5;
const ONWARD: usize = 6;
const PURPOSE: usize = 7;
const SIGNAL: usize = 8;
const VALUE_DIGEST: usize = 9;
/// The members a leaf must have.
const REQUIRED: u16 = 1 << COLLECTED_AT | 1 << DATA_RANGE | 1 << INDEX | 1 << PURPOSE | 1 << SIGNAL;

/// A member's place in [`KEYS`].
fn key_rank(key: &[u8]) -> Option<usize> {
    Some(match key {
        b"_disclosed" => DISCLOSED,
        b"_sd" => SD,
        b"collectedAt" => COLLECTED_AT,
        b"consentId" => CONSENT_ID,
        b"dataRange" => DATA_RANGE,
        b"index" => INDEX,
        b"onwardRecipient" => ONWARD,
        b"purpose" => PURPOSE,
        b"signal" => SIGNAL,
        b"valueDigest" => VALUE_DIGEST,
        _ => return None,
    })
}

/// The redactable members of a leaf, as bits of [`LeafOut::withheld`].
pub(crate) const WITHHELD_PATHS: [&str; 2] = ["valueDigest", "onwardRecipient"];

/// What the log check needs of one leaf.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct LeafOut {
    pub index: u64,
    pub hash: Hash,
    /// Bit `k` set: [`WITHHELD_PATHS`]`[k]` is committed to and withheld.
    pub withheld: u8,
}

/// One line checked: the leaf, and withheld paths other than [`WITHHELD_PATHS`] (only the
/// reference path can find those).
pub(crate) fn check(line: &[u8], buf: &mut Vec<u8>) -> Result<(LeafOut, Vec<String>), String> {
    if let Some(out) = fast(line, buf) {
        return Ok((out, Vec::new()));
    }
    reference(line)
}

/// The contract's own check of a leaf, on the line parsed as a document.
pub(crate) fn reference(line: &[u8]) -> Result<(LeafOut, Vec<String>), String> {
    let v: Value = serde_json::from_slice(line).map_err(|e| format!("not JSON: {e}"))?;
    let checked = DisclosureLeaf::check(&v).map_err(|e| e.to_string())?;
    let mut withheld = 0u8;
    let mut other = Vec::new();
    for path in checked.withheld {
        match WITHHELD_PATHS.iter().position(|p| *p == path) {
            Some(k) => withheld |= 1 << k,
            None => other.push(path),
        }
    }
    Ok((
        LeafOut {
            index: checked.leaf.index,
            hash: checked.leaf_hash,
            withheld,
        },
        other,
    ))
}

/// The bytes that end a run of plain string content: `"`, `\` and the control characters
/// (which canonical JSON escapes).
static SPECIAL: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 0x20 {
        t[b] = true;
        b += 1;
    }
    t[b'"' as usize] = true;
    t[b'\\' as usize] = true;
    t
};

/// A cursor over one line; every method returns `None` on anything not canonical.
struct Scan<'a> {
    b: &'a [u8],
    i: usize,
}

impl<'a> Scan<'a> {
    #[inline]
    fn eat(&mut self, c: u8) -> Option<()> {
        if self.b.get(self.i) == Some(&c) {
            self.i += 1;
            Some(())
        } else {
            None
        }
    }

    #[inline]
    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }

    /// A string in canonical form; returns its raw content (between the quotes).
    fn string(&mut self) -> Option<&'a [u8]> {
        self.eat(b'"')?;
        let start = self.i;
        loop {
            // Most strings are short: a byte loop beats a search call here.
            let mut c = *self.b.get(self.i)?;
            while !SPECIAL[c as usize] {
                self.i += 1;
                c = *self.b.get(self.i)?;
            }
            self.i += 1;
            match c {
                b'"' => return Some(&self.b[start..self.i - 1]),
                b'\\' => {}
                _ => return None,
            }
            let e = *self.b.get(self.i)?;
            self.i += 1;
            match e {
                b'"' | b'\\' | b'b' | b'f' | b'n' | b'r' | b't' => {}
                b'u' => {
                    let hex = self.b.get(self.i..self.i + 4)?;
                    self.i += 4;
                    let lo = |h: u8| match h {
                        b'0'..=b'9' => Some(h - b'0'),
                        b'a'..=b'f' => Some(h - b'a' + 10),
                        _ => None,
                    };
                    // Only control characters without a short escape.
                    if hex[0] != b'0' || hex[1] != b'0' || hex[2] > b'1' {
                        return None;
                    }
                    let v = lo(hex[2])? << 4 | lo(hex[3])?;
                    if matches!(v, 0x08 | 0x09 | 0x0a | 0x0c | 0x0d) {
                        return None;
                    }
                }
                _ => return None,
            }
        }
    }

    /// An integer in canonical form: `(negative, magnitude)`.
    fn integer(&mut self) -> Option<(bool, u64)> {
        let neg = self.eat(b'-').is_some();
        let first = self.peek()?;
        if !first.is_ascii_digit() {
            return None;
        }
        self.i += 1;
        let mut n = u64::from(first - b'0');
        if first == b'0' {
            if neg || self.peek().is_some_and(|c| c.is_ascii_digit()) {
                return None;
            }
            return Some((false, 0));
        }
        while let Some(c) = self.peek().filter(u8::is_ascii_digit) {
            n = n.checked_mul(10)?.checked_add(u64::from(c - b'0'))?;
            self.i += 1;
        }
        Some((neg, n))
    }

    fn i64(&mut self) -> Option<i64> {
        match self.integer()? {
            (false, n) => i64::try_from(n).ok(),
            (true, n) if n <= 1 << 63 => Some((n as i64).wrapping_neg()),
            _ => None,
        }
    }

    fn u64(&mut self) -> Option<u64> {
        match self.integer()? {
            (false, n) => Some(n),
            _ => None,
        }
    }

    fn null(&mut self) -> Option<()> {
        if self.b.get(self.i..self.i + 4)? == b"null" {
            self.i += 4;
            Some(())
        } else {
            None
        }
    }

    /// A string or `null` (an optional string member).
    fn opt_string(&mut self) -> Option<()> {
        if self.peek()? == b'n' {
            self.null()
        } else {
            self.string().map(|_| ())
        }
    }

    /// A member name, then its colon.
    fn key(&mut self) -> Option<&'a [u8]> {
        let k = self.string()?;
        self.eat(b':')?;
        Some(k)
    }
}

/// One `[salt, path, value]` of `_disclosed`: the path (a bit of [`WITHHELD_PATHS`]) and the
/// triple's bytes, which are its canonical JSON.
struct Triple<'a> {
    bit: u8,
    bytes: &'a [u8],
}

/// The fast path: `Some` only for a canonical line whose disclosures all match their
/// commitments and whose members type as a [`DisclosureLeaf`] — exactly when the reference
/// accepts it, with the same result.
fn fast(line: &[u8], buf: &mut Vec<u8>) -> Option<LeafOut> {
    std::str::from_utf8(line).ok()?;
    let mut s = Scan { b: line, i: 0 };
    s.eat(b'{')?;
    let mut seen: u16 = 0;
    let mut last: Option<usize> = None;
    let mut index = 0u64;
    let mut disclosed_end = None;
    let mut triples: [Option<Triple>; 2] = [None, None];
    // Commitments by bit: the digest text.
    let mut sd: [Option<&[u8]>; 2] = [None, None];
    loop {
        let key = s.key()?;
        let k = key_rank(key)?;
        if last.is_some_and(|l| l >= k) {
            return None;
        }
        last = Some(k);
        seen |= 1 << k;
        match k {
            DISCLOSED => {
                s.eat(b'[')?;
                if s.peek()? != b']' {
                    loop {
                        let start = s.i;
                        s.eat(b'[')?;
                        let salt = s.string()?;
                        s.eat(b',')?;
                        let path = s.string()?;
                        s.eat(b',')?;
                        s.opt_string()?;
                        s.eat(b']')?;
                        let bit = WITHHELD_PATHS.iter().position(|p| p.as_bytes() == path)?;
                        if triples[bit].is_some() || !salt_is_valid(salt) {
                            return None;
                        }
                        triples[bit] = Some(Triple {
                            bit: bit as u8,
                            bytes: &line[start..s.i],
                        });
                        if s.eat(b',').is_none() {
                            break;
                        }
                    }
                }
                s.eat(b']')?;
                disclosed_end = Some(s.i);
            }
            SD => {
                s.eat(b'{')?;
                if s.peek()? != b'}' {
                    let mut prev: Option<usize> = None;
                    loop {
                        let name = s.key()?;
                        // `onwardRecipient` < `valueDigest`: bit 1 then bit 0.
                        let bit = WITHHELD_PATHS.iter().position(|p| p.as_bytes() == name)?;
                        let order = 1 - bit;
                        if prev.is_some_and(|p| p >= order) {
                            return None;
                        }
                        prev = Some(order);
                        let digest = s.string()?;
                        if digest.len() != 43 {
                            return None;
                        }
                        sd[bit] = Some(digest);
                        if s.eat(b',').is_none() {
                            break;
                        }
                    }
                }
                s.eat(b'}')?;
            }
            COLLECTED_AT => {
                s.i64()?;
            }
            CONSENT_ID | ONWARD | VALUE_DIGEST => s.opt_string()?,
            DATA_RANGE => {
                s.eat(b'{')?;
                (s.key()? == b"from").then_some(())?;
                s.i64()?;
                s.eat(b',')?;
                (s.key()? == b"to").then_some(())?;
                s.i64()?;
                s.eat(b'}')?;
            }
            INDEX => index = s.u64()?,
            PURPOSE | SIGNAL => {
                s.string()?;
            }
            _ => return None,
        }
        if s.eat(b',').is_none() {
            break;
        }
    }
    s.eat(b'}')?;
    if s.i != line.len() || seen & REQUIRED != REQUIRED {
        return None;
    }
    // A committed member must not also be present in the clear.
    let plain = [VALUE_DIGEST, ONWARD];
    let mut withheld = 0u8;
    for bit in 0..2 {
        let Some(commitment) = sd[bit] else {
            if triples[bit].is_some() {
                return None;
            }
            continue;
        };
        if seen & (1 << plain[bit]) != 0 {
            return None;
        }
        match &triples[bit] {
            Some(t) => {
                let mut text = [0u8; 43];
                let digest = Sha256::digest(t.bytes);
                URL_SAFE_NO_PAD.encode_slice(digest, &mut text).ok()?;
                if text != commitment || t.bit as usize != bit {
                    return None;
                }
            }
            None => withheld |= 1 << bit,
        }
    }
    // The statement: the line without its leading `_disclosed` member.
    let hash = match disclosed_end {
        Some(end) => {
            s.b.get(end).filter(|c| **c == b',')?;
            buf.clear();
            buf.push(b'{');
            buf.extend_from_slice(&line[end + 1..]);
            merkle::leaf_hash(buf)
        }
        None => merkle::leaf_hash(line),
    };
    Some(LeafOut {
        index,
        hash,
        withheld,
    })
}

/// As `khata_contract::redact::decode_salt`: 22 base64url characters, 16 bytes.
fn salt_is_valid(raw: &[u8]) -> bool {
    let mut out = [0u8; 18];
    raw.len() == 22 && URL_SAFE_NO_PAD.decode_slice(raw, &mut out) == Ok(16)
}

#[cfg(test)]
mod tests {
    use super::*;
    use khata_contract::log::LeafRange;
    use khata_contract::redact;
    use khata_contract::signing::canonical_json;
    use serde_json::json;

    fn leaf(n: u64, onward: Option<&str>, consent: Option<&str>) -> DisclosureLeaf {
        DisclosureLeaf {
            index: n,
            signal: "sms_income".into(),
            collected_at: 1_767_225_600_000 + n as i64,
            purpose: "credit \"scoring\"\n\u{1}é ऋण".into(),
            consent_id: consent.map(str::to_string),
            data_range: LeafRange {
                from: -5,
                to: i64::MAX,
            },
            value_digest: Some(merkle::encode_hash(&merkle::leaf_hash(&n.to_be_bytes()))),
            onward_recipient: onward.map(str::to_string),
        }
    }

    fn lines() -> Vec<Vec<u8>> {
        let mut out = Vec::new();
        for n in 0..6u64 {
            let l = leaf(
                n,
                (n % 2 == 0).then_some("bureau"),
                (n % 3 != 0).then_some("c1"),
            );
            let mut v = l.to_redactable([[n as u8; 16], [7; 16]]).unwrap();
            if n >= 3 {
                redact::withhold(&mut v, &["valueDigest"]);
            }
            if n == 5 {
                redact::withhold(&mut v, &["onwardRecipient"]);
            }
            out.push(canonical_json(&v).unwrap());
        }
        // Plain members, no commitments at all.
        out.push(canonical_json(&serde_json::to_value(leaf(9, Some("x"), None)).unwrap()).unwrap());
        out
    }

    #[test]
    fn members_rank_in_canonical_order() {
        assert!(KEYS.windows(2).all(|w| w[0] < w[1]));
        for (k, key) in KEYS.iter().enumerate() {
            assert_eq!(key_rank(key), Some(k));
        }
    }

    #[test]
    fn the_fast_path_gives_the_references_answer() {
        let mut buf = Vec::new();
        for line in lines() {
            let fast = fast(&line, &mut buf)
                .unwrap_or_else(|| panic!("fast path on {}", String::from_utf8_lossy(&line)));
            let (reference, other) = reference(&line).unwrap();
            assert_eq!(fast, reference, "{}", String::from_utf8_lossy(&line));
            assert!(other.is_empty());
        }
    }

    #[test]
    fn anything_else_goes_to_the_reference() {
        let mut buf = Vec::new();
        let good = String::from_utf8(lines().remove(0)).unwrap();
        let v: Value = serde_json::from_str(&good).unwrap();
        let variants = [
            // Not canonical, same meaning: the reference accepts it.
            serde_json::to_string_pretty(&v).unwrap().replace('\n', " "),
            good.replacen("\"index\":0", "\"index\": 0", 1),
            good.replace("sms_income", "sms\\u005fincome"),
            // Changed: the reference refuses.
            good.replacen("\"index\":0", "\"index\":-0", 1),
            good.replacen("\"index\":0", "\"index\":0.0", 1),
            good.replacen("bureau", "bureaux", 1),
            good.replacen("\"signal\"", "\"extra\":1,\"signal\"", 1),
            good.replacen("}", "}x", 1),
            format!("{good} "),
        ];
        for text in variants {
            assert!(fast(text.as_bytes(), &mut buf).is_none(), "{text}");
            let r = reference(text.as_bytes());
            let equivalent = serde_json::from_str::<Value>(&text).is_ok_and(|w| {
                redact::statement_bytes(&w).ok() == redact::statement_bytes(&v).ok()
                    && redact::reveal(&w).ok() == redact::reveal(&v).ok()
            });
            assert_eq!(r.is_ok(), equivalent, "{text}: {r:?}");
        }
    }

    #[test]
    fn a_bad_disclosure_is_refused_by_both() {
        let good = String::from_utf8(lines().remove(0)).unwrap();
        let v: Value = serde_json::from_str(&good).unwrap();
        let salt = v["_disclosed"][0][0].as_str().unwrap().to_string();
        let mut buf = Vec::new();
        for bad in [
            good.replacen(&salt, &format!("A{}", &salt[1..]), 1),
            good.replacen("\"valueDigest\",\"", "\"valueDigest\",\"A", 1),
            good.replacen(
                "\"onwardRecipient\",\"bureau\"",
                "\"onwardRecipient\",null",
                1,
            ),
        ] {
            assert_ne!(bad, good);
            assert!(fast(bad.as_bytes(), &mut buf).is_none(), "{bad}");
            assert!(reference(bad.as_bytes()).is_err(), "{bad}");
        }
        let _ = json!(null);
    }
}
