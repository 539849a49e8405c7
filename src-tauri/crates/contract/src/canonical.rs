//! The canonical JSON encoding that signatures cover (a subset of RFC 8785 JCS that needs no float
//! formatting): UTF-8 JSON with no insignificant whitespace; object members sorted by the UTF-16
//! code units of their names (as JCS; identical to byte order for the ASCII names we use); strings
//! escaped as JCS does (`\"`, `\\`, `\b \f \n \r \t`, other controls as `\u00xx`, everything else
//! literal); numbers must be integers (a float anywhere is an error, which is why money is in whole
//! rupees and APR in basis points); nested `signature` members (e.g. the consent inside a receipt)
//! are kept and so are covered by the outer signature.
//!
//! A format of its own, apart from the signatures (`signing`): the engine stores lender statements
//! in it, and the sandbox lender fingerprints request bodies with it.

use serde_json::Value;

use crate::signing::SignError;

/// Writes `value` in the canonical encoding described in the module docs.
pub fn canonical_json(value: &Value) -> Result<Vec<u8>, SignError> {
    let mut out = Vec::with_capacity(256);
    write_canonical(value, &mut out)?;
    Ok(out)
}

/// Writes `map` canonically without the members `skip` names: what a signature or a leaf hash
/// covers of a statement, without cloning it to remove them.
pub(crate) fn write_object_without(
    map: &serde_json::Map<String, Value>,
    skip: impl Fn(&str) -> bool,
    out: &mut Vec<u8>,
) -> Result<(), SignError> {
    let mut keys: Vec<&String> = map.keys().filter(|k| !skip(k)).collect();
    keys.sort_by(|a, b| a.encode_utf16().cmp(b.encode_utf16()));
    out.push(b'{');
    for (i, k) in keys.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        write_string(k, out);
        out.push(b':');
        write_canonical(&map[*k], out)?;
    }
    out.push(b'}');
    Ok(())
}

pub(crate) fn write_canonical(value: &Value, out: &mut Vec<u8>) -> Result<(), SignError> {
    match value {
        Value::Null => out.extend_from_slice(b"null"),
        Value::Bool(b) => out.extend_from_slice(if *b { b"true" } else { b"false" }),
        Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                out.extend_from_slice(i.to_string().as_bytes());
            } else if let Some(u) = n.as_u64() {
                out.extend_from_slice(u.to_string().as_bytes());
            } else {
                return Err(SignError::NotCanonical(format!("non-integer number {n}")));
            }
        }
        Value::String(s) => write_string(s, out),
        Value::Array(items) => {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_canonical(item, out)?;
            }
            out.push(b']');
        }
        Value::Object(map) => write_object_without(map, |_| false, out)?,
    }
    Ok(())
}

pub(crate) fn write_string(s: &str, out: &mut Vec<u8>) {
    out.push(b'"');
    // Runs of bytes written as they are in one copy. Only ASCII is ever escaped, and every
    // byte of a multi-byte UTF-8 sequence is ≥ 0x80, so scanning bytes finds exactly the
    // characters to escape.
    let bytes = s.as_bytes();
    let mut run = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let escaped: &[u8] = match b {
            b'"' => b"\\\"",
            b'\\' => b"\\\\",
            0x08 => b"\\b",
            0x0c => b"\\f",
            b'\n' => b"\\n",
            b'\r' => b"\\r",
            b'\t' => b"\\t",
            0x00..=0x1f => &[
                b'\\',
                b'u',
                b'0',
                b'0',
                HEX[(b >> 4) as usize],
                HEX[(b & 15) as usize],
            ],
            _ => continue,
        };
        out.extend_from_slice(&bytes[run..i]);
        out.extend_from_slice(escaped);
        run = i + 1;
    }
    out.extend_from_slice(&bytes[run..]);
    out.push(b'"');
}

const HEX: &[u8; 16] = b"0123456789abcdef";

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn canonical_sorts_keys_and_escapes() {
        let v = json!({"b": 1, "a": [true, null, "x\"\n\u{1}é"], "A": -2});
        let s = String::from_utf8(canonical_json(&v).unwrap()).unwrap();
        assert_eq!(s, r#"{"A":-2,"a":[true,null,"x\"\n\u0001é"],"b":1}"#);
    }

    #[test]
    fn strings_escape_as_jcs() {
        // The escaping rule of the module docs, one character at a time.
        fn by_char(s: &str) -> String {
            let mut out = String::from('"');
            for c in s.chars() {
                match c {
                    '"' => out.push_str("\\\""),
                    '\\' => out.push_str("\\\\"),
                    '\u{08}' => out.push_str("\\b"),
                    '\u{0c}' => out.push_str("\\f"),
                    '\n' => out.push_str("\\n"),
                    '\r' => out.push_str("\\r"),
                    '\t' => out.push_str("\\t"),
                    c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
                    c => out.push(c),
                }
            }
            out.push('"');
            out
        }
        let mut samples: Vec<String> = (0u32..0x250)
            .filter_map(char::from_u32)
            .map(|c| format!("a{c}b{c}"))
            .collect();
        samples
            .extend(["", "\"\"", "ऋण 💸 \u{7f}\u{1f}\u{2028}", "x\\", "\u{0}"].map(String::from));
        for s in samples {
            let mut out = Vec::new();
            write_string(&s, &mut out);
            assert_eq!(String::from_utf8(out).unwrap(), by_char(&s), "{s:?}");
        }
    }

    #[test]
    fn floats_are_refused() {
        assert!(matches!(
            canonical_json(&json!({"apr": 1.8})),
            Err(SignError::NotCanonical(_))
        ));
    }
}
