//! The borrower's profile and nominee: kept across reopening, each save one ledger entry that
//! names the fields set but holds none of their values, and customer ids only for known lenders.

use khata_vault::*;

use crate::common::*;

#[test]
fn the_profile_and_nominee_are_kept_and_ledgered_without_their_values() {
    let dir = tempfile::tempdir().unwrap();
    let store = MemoryKeyStore::new();
    let (mut v, _) = new_vault(dir.path(), &store);
    seed(&mut v);
    assert_eq!(v.profile().unwrap(), Profile::default());
    assert_eq!(v.nominee().unwrap(), None);
    let before = v.verify().unwrap().entries;

    let mut profile = Profile {
        full_name: "Asha Verma".into(),
        phone: "+91 98765 43210".into(),
        email: String::new(),
        language: "hi".into(),
        ..Profile::default()
    };
    profile.customer_ids.insert("l-1".into(), "KH-20417".into());
    let kept = v.set_profile(&profile).unwrap();
    assert!(kept.updated_at.is_some());
    assert_eq!(v.profile().unwrap(), kept);

    // A customer id for a lender the vault does not know is refused, and nothing changes.
    let mut stray = profile.clone();
    stray.customer_ids.insert("nobody".into(), "X".into());
    assert!(matches!(
        v.set_profile(&stray).unwrap_err(),
        VaultError::NotFound { kind: "lender", .. }
    ));
    assert_eq!(v.profile().unwrap(), kept);

    let nominee = v
        .set_nominee(Some(("Ravi Verma", "brother", "ravi@example.test")))
        .unwrap()
        .unwrap();
    assert_eq!(nominee.relationship, "brother");
    assert_eq!(v.nominee().unwrap(), Some(nominee.clone()));

    // Reopened, both are still there.
    drop(v);
    let mut v = Vault::open(dir.path().join("vault.db"), Unlock::Keychain(&store)).unwrap();
    assert_eq!(v.profile().unwrap(), kept);
    assert_eq!(v.nominee().unwrap(), Some(nominee));

    // Clearing a lender's customer id and the nominee are changes too.
    profile.customer_ids.clear();
    v.set_profile(&profile).unwrap();
    assert!(v.profile().unwrap().customer_ids.is_empty());
    assert_eq!(v.set_nominee(None).unwrap(), None);
    assert_eq!(v.nominee().unwrap(), None);

    let report = v.verify().unwrap();
    assert_eq!(
        report.entries,
        before + 4,
        "one entry per save, none for the refused one"
    );
    let entries = v.ledger_entries(before as i64, 10).unwrap();
    let kinds: Vec<_> = entries.iter().map(|e| e.kind.as_str()).collect();
    assert_eq!(
        kinds,
        [
            PROFILE_UPDATE_KIND,
            NOMINEE_UPDATE_KIND,
            PROFILE_UPDATE_KIND,
            NOMINEE_UPDATE_KIND
        ]
    );
}
