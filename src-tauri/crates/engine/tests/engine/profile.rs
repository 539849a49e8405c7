//! The borrower's details and nominee through the engine, against the real sandbox lender: the
//! consent's customer id is the default until the borrower gives one, what they type is
//! checked, and the nominee packet carries the letter, the nominee, the consents in force and
//! an export that verifies.

use std::sync::Arc;

use khata_engine::audit::verify;
use khata_engine::profile::{CustomerIdInput, NomineeInput, ProfileInput};
use khata_engine::*;
use khata_sandbox::Scenario;
use khata_vault::MemoryKeyStore;

use crate::audit::config;
use crate::decide_first_request;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_profile_signs_letters_and_the_nominee_gets_a_packet() {
    let dir = tempfile::tempdir().unwrap();
    let keys = Arc::new(MemoryKeyStore::new());
    let (engine, _) = Engine::open(config(dir.path(), &keys, Scenario::OverCollector))
        .await
        .unwrap();
    let lender = engine.connect_sandbox(|_| {}).await.unwrap();
    let consent = decide_first_request(&engine, &lender.id, |_| true).await;

    // Before anything is saved: no name, and the consent's customer id as the default.
    let profile = engine.profile().await.unwrap();
    assert_eq!(profile.updated_at, None);
    assert_eq!(profile.lenders.len(), 1);
    let from_consent = profile.lenders[0]
        .from_consent
        .clone()
        .expect("consent's id");
    assert!(from_consent.starts_with("cust-"), "{from_consent}");
    assert_eq!(profile.customer_id(&lender.id), Some(from_consent.clone()));

    let saved = engine
        .save_profile(ProfileInput {
            full_name: "Asha Verma".into(),
            phone: "+91 98765 43210".into(),
            email: "asha@example.test".into(),
            language: "en".into(),
            customer_ids: vec![CustomerIdInput {
                lender_id: lender.id.clone(),
                customer_id: "KH-20417".into(),
            }],
        })
        .await
        .unwrap();
    assert_eq!(saved.full_name, "Asha Verma");
    assert_eq!(saved.customer_id(&lender.id).as_deref(), Some("KH-20417"));
    assert_eq!(engine.profile().await.unwrap(), saved);
    // A customer id for a lender never connected is refused.
    let err = engine
        .save_profile(ProfileInput {
            customer_ids: vec![CustomerIdInput {
                lender_id: "nobody".into(),
                customer_id: "X".into(),
            }],
            ..ProfileInput::default()
        })
        .await
        .unwrap_err();
    assert_eq!(err.code(), "not_found");

    // No packet without a nominee.
    let packet = dir.path().join("nominee.zip");
    let err = engine
        .save_nominee_packet(Some(&lender.id), "Letter of nomination", &packet)
        .await
        .unwrap_err();
    assert_eq!(err.code(), "invalid_input");
    assert!(!packet.exists());

    let nominee = engine
        .save_nominee(Some(NomineeInput {
            name: "Ravi Verma".into(),
            relationship: "brother".into(),
            contact: "+91 91234 56789".into(),
        }))
        .await
        .unwrap()
        .unwrap();
    assert!(nominee.recorded_at > 0);
    assert_eq!(engine.nominee().await.unwrap(), Some(nominee.clone()));

    let letter = "I, Asha Verma, nominate Ravi Verma.\n";
    let summary = engine
        .save_nominee_packet(Some(&lender.id), letter, &packet)
        .await
        .unwrap();
    assert_eq!(summary.consents, 1);
    assert_eq!(summary.files, 5);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&packet).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    // Read back with an independent zip reader; the export inside verifies.
    let out = std::process::Command::new("python3")
        .args([
            "-c",
            "import sys, zipfile, json; z = zipfile.ZipFile(sys.argv[1]); assert z.testzip() is None; \
             open(sys.argv[2], 'wb').write(z.read('evidence/khata-export.json')); \
             n = json.loads(z.read('nominee.json')); c = json.loads(z.read('consents-in-force.json')); \
             print(','.join(z.namelist())); print(n['nominee']['name'], n['customerId'], c[0]['id']); \
             sys.stdout.write(z.read('nomination-letter.txt').decode())",
        ])
        .arg(&packet)
        .arg(dir.path().join("inner-export.json"))
        .output()
        .expect("python3");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let listing = String::from_utf8(out.stdout).unwrap();
    let mut lines = listing.lines();
    assert_eq!(
        lines.next().unwrap(),
        "nomination-letter.txt,nominee.json,consents-in-force.json,rights-requests-open.json,evidence/khata-export.json"
    );
    assert_eq!(
        lines.next().unwrap(),
        format!("Ravi Verma KH-20417 {}", consent.id)
    );
    assert!(listing.ends_with(letter), "{listing}");
    let export = std::fs::read(dir.path().join("inner-export.json")).unwrap();
    verify::verify_export_bytes(&export, &mut |_, _| {}).expect("the packet's export verifies");
    // No scratch copy is left beside the packet.
    let left: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".khata-nominee-") || n.ends_with(".part"))
        .collect();
    assert!(left.is_empty(), "{left:?}");

    // The nominee can be removed.
    assert_eq!(engine.save_nominee(None).await.unwrap(), None);
    assert_eq!(engine.nominee().await.unwrap(), None);
}
