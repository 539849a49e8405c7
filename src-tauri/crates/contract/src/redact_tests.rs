//! Redaction: any subset of disclosed values removed still verifies and is reported; any change
//! to a disclosed value, salt or path is refused.

use proptest::prelude::*;
use rand::SeedableRng;
use rand::rngs::StdRng;
use serde_json::json;

use super::*;
use crate::signing::{KeyRing, LenderKey};

fn offer_like() -> Value {
    json!({
        "offerId": "o-1",
        "customerId": "C-204-881",
        "amountInr": 50000,
        "explanation": {
            "contributions": [
                {"signal": "sms-income", "bin": "25k-50k", "points": 12},
                {"signal": "device", "bin": "mid", "points": -3}
            ],
            "reasonCodes": [{"rank": 1, "text": "Few salary credits", "signal": "sms-income"}]
        }
    })
}

const OFFER_PATHS: [&str; 3] = [
    "customerId",
    "explanation.contributions.*.bin",
    "explanation.reasonCodes.*.text",
];

fn rng() -> StdRng {
    StdRng::seed_from_u64(7)
}

#[test]
fn committed_then_revealed_is_the_original() {
    let committed = commit(offer_like(), &OFFER_PATHS, &mut rng()).unwrap();
    assert!(committed.get("customerId").is_none());
    assert!(committed["explanation"]["contributions"][1]["_sd"]["bin"].is_string());
    let revealed = reveal(&committed).unwrap();
    assert_eq!(revealed.value, offer_like());
    assert!(revealed.withheld.is_empty());
    let paths: Vec<&str> = committed[DISCLOSED]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t[1].as_str().unwrap())
        .collect();
    assert_eq!(
        paths,
        [
            "customerId",
            "explanation.contributions.0.bin",
            "explanation.contributions.1.bin",
            "explanation.reasonCodes.0.text"
        ]
    );
}

#[test]
fn a_signed_statement_still_verifies_with_values_withheld() {
    let key = LenderKey::from_seed(&[3; 32]);
    let ring = KeyRing::from_public(&[key.public_info()]).unwrap();
    let committed = commit(offer_like(), &OFFER_PATHS, &mut rng()).unwrap();
    let signed = key.sign_value(committed).unwrap();
    let mut shared = signed.clone();
    let removed = withhold(&mut shared, &["customerId", "bin"]);
    assert_eq!(removed.len(), 3);
    ring.verify_value(&shared).unwrap();
    assert_eq!(
        statement_bytes(&shared).unwrap(),
        statement_bytes(&signed).unwrap()
    );
    let revealed = reveal(&shared).unwrap();
    assert_eq!(
        revealed.withheld,
        [
            "explanation.contributions.0.bin",
            "explanation.contributions.1.bin",
            "customerId"
        ]
    );
    assert_eq!(
        revealed.value["explanation"]["reasonCodes"][0]["text"],
        "Few salary credits"
    );
    assert!(revealed.value.get("signature").is_some());
    // A changed commitment breaks the signature.
    let mut forged = signed.clone();
    forged[SD]["customerId"] =
        json!(digest("AAAAAAAAAAAAAAAAAAAAAA", "customerId", &json!("x")).unwrap());
    assert!(ring.verify_value(&forged).is_err());
}

#[test]
fn a_value_put_back_in_the_clear_beside_its_commitment_is_refused() {
    let mut committed = commit(offer_like(), &OFFER_PATHS, &mut rng()).unwrap();
    committed["customerId"] = json!("C-000");
    assert_eq!(
        reveal(&committed),
        Err(RedactError::Duplicate("customerId".into()))
    );
}

#[test]
fn a_disclosure_moved_to_another_place_is_refused() {
    let mut committed = commit(offer_like(), &OFFER_PATHS, &mut rng()).unwrap();
    // Swap the two bins' values: each triple's path is inside its hash.
    let list = committed[DISCLOSED].as_array_mut().unwrap();
    let (a, b) = (list[1][2].clone(), list[2][2].clone());
    list[1][2] = b;
    list[2][2] = a;
    assert!(matches!(
        reveal(&committed),
        Err(RedactError::DigestMismatch(_))
    ));
    let mut extra = commit(offer_like(), &OFFER_PATHS, &mut rng()).unwrap();
    extra[DISCLOSED].as_array_mut().unwrap().push(json!([
        "AAAAAAAAAAAAAAAAAAAAAA",
        "amountInr",
        1
    ]));
    assert_eq!(
        reveal(&extra),
        Err(RedactError::Uncommitted("amountInr".into()))
    );
}

#[test]
fn reserved_names_and_malformed_parts_are_refused() {
    assert!(commit(json!({"_sd": {}}), &[], &mut rng()).is_err());
    assert!(commit(json!([1]), &[], &mut rng()).is_err());
    assert!(reveal(&json!({"_sd": [], "a": 1})).is_err());
    assert!(reveal(&json!({"_sd": {"a": "short"}})).is_err());
    assert!(reveal(&json!({"_sd": {}, "_disclosed": [["bad salt", "a", 1]]})).is_err());
    assert!(reveal(&json!({"_sd": {}, "_disclosed": "x"})).is_err());
    assert!(reveal(&json!({"_sd": {}, "a.b": 1})).is_err());
}

#[test]
fn rebuilding_with_the_stored_salts_gives_the_same_bytes() {
    let committed = commit(offer_like(), &OFFER_PATHS, &mut rng()).unwrap();
    let salts = salts(&committed);
    let rebuilt = commit_with(offer_like(), &OFFER_PATHS, |path| salts[path]).unwrap();
    assert_eq!(rebuilt, committed);
}

#[test]
fn patterns_match_whole_paths_last_segments_and_wildcards() {
    assert!(matches("customerId", "customerId"));
    assert!(matches("bin", "explanation.contributions.3.bin"));
    assert!(matches(
        "explanation.contributions.*.bin",
        "explanation.contributions.12.bin"
    ));
    assert!(!matches(
        "explanation.*.bin",
        "explanation.contributions.1.bin"
    ));
    assert!(!matches("customer", "customerId"));
}

fn object_strategy() -> impl Strategy<Value = Vec<(String, Value)>> {
    prop::collection::btree_map(
        "[a-z]{1,8}",
        prop_oneof![
            any::<i64>().prop_map(Value::from),
            "[ -~]{0,12}".prop_map(Value::from),
            any::<bool>().prop_map(Value::from),
            prop::collection::vec(any::<i32>(), 0..3).prop_map(|v| json!(v)),
        ],
        1..8,
    )
    .prop_map(|m| m.into_iter().collect())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Any subset of the disclosed values removed: the signature holds, the statement bytes
    /// are unchanged and exactly the removed paths are reported withheld.
    #[test]
    fn any_subset_withheld_still_verifies(
        fields in object_strategy(),
        commit_mask in any::<u16>(),
        withhold_mask in any::<u16>(),
        seed in any::<u64>(),
    ) {
        let object = Value::Object(fields.iter().cloned().collect());
        let names: Vec<&str> = fields.iter().map(|(k, _)| k.as_str()).collect();
        let committed_names: Vec<&str> = names.iter().enumerate()
            .filter(|(i, _)| commit_mask & (1 << i) != 0).map(|(_, n)| *n).collect();
        let key = LenderKey::from_seed(&[9; 32]);
        let ring = KeyRing::from_public(&[key.public_info()]).unwrap();
        let committed = commit(object.clone(), &committed_names, &mut StdRng::seed_from_u64(seed)).unwrap();
        let signed = key.sign_value(committed).unwrap();
        let dropped: Vec<&str> = committed_names.iter().enumerate()
            .filter(|(i, _)| withhold_mask & (1 << i) != 0).map(|(_, n)| *n).collect();
        let mut shared = signed.clone();
        let mut removed = withhold(&mut shared, &dropped);
        prop_assert!(ring.verify_value(&shared).is_ok());
        prop_assert_eq!(statement_bytes(&shared).unwrap(), statement_bytes(&signed).unwrap());
        let revealed = reveal(&shared).unwrap();
        let mut withheld = revealed.withheld.clone();
        withheld.sort();
        removed.sort();
        prop_assert_eq!(withheld, removed);
        for (name, value) in &fields {
            if dropped.contains(&name.as_str()) {
                prop_assert!(revealed.value.get(name).is_none());
            } else {
                prop_assert_eq!(revealed.value.get(name), Some(value));
            }
        }
    }

    /// Any change to a disclosed value, its salt or its path is refused.
    #[test]
    fn any_change_to_a_disclosure_fails(
        fields in object_strategy(),
        pick in any::<usize>(),
        part in 0usize..3,
        seed in any::<u64>(),
        replacement in "[ -~]{0,12}",
    ) {
        let object = Value::Object(fields.iter().cloned().collect());
        let names: Vec<&str> = fields.iter().map(|(k, _)| k.as_str()).collect();
        let mut committed = commit(object, &names, &mut StdRng::seed_from_u64(seed)).unwrap();
        let list = committed[DISCLOSED].as_array_mut().unwrap();
        let i = pick % list.len();
        let original = list[i].clone();
        match part {
            0 => {
                let mut salt = decode_salt(original[0].as_str().unwrap()).unwrap();
                salt[pick % SALT_BYTES] ^= 1;
                list[i][0] = json!(encode_salt(&salt));
            }
            1 => list[i][1] = json!(format!("{}x", original[1].as_str().unwrap())),
            _ => {
                let changed = json!(replacement);
                prop_assume!(changed != original[2]);
                list[i][2] = changed;
            }
        }
        prop_assert!(reveal(&committed).is_err());
    }
}
