//! Donations end to end, against the real sandbox lender and a real vault: a vault with a
//! profile, a nominee, phone evidence, a revocation and rights requests gives a donation that
//! holds none of the values naming the borrower (searched for in the zip's bytes and in each
//! member), whose export verifies, whose manifest lists every removal the verifier sees, and
//! whose id is new each time. A note too long, a cancelled write or a vault of contract v1
//! statements leaves no file.

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use khata_engine::audit::verify;
use khata_engine::profile::{CustomerIdInput, NomineeInput, ProfileInput};
use khata_engine::views::*;
use khata_engine::*;
use khata_evidence::donation::{DonationManifest, FILE_SUFFIX, NOTE_MAX_CHARS};
use khata_sandbox::Scenario;
use khata_vault::MemoryKeyStore;
use sha2::{Digest, Sha256};

use crate::phone::{APP, write_report};
use crate::{decide_first_request, journey, lender_consent, noop, wait_confirmed};

/// The zip's members with an independent reader (Python's zipfile): names in order, whether
/// each is stored, and their bytes written beside the zip.
fn unzip(zip: &Path, out: &Path) -> (Vec<String>, Vec<bool>) {
    let script = "import sys, zipfile, os\n\
        z = zipfile.ZipFile(sys.argv[1]); assert z.testzip() is None\n\
        for i in z.infolist():\n\
        \x20   open(os.path.join(sys.argv[2], i.filename), 'wb').write(z.read(i))\n\
        \x20   print(i.filename, i.compress_type == zipfile.ZIP_STORED)\n";
    let run = std::process::Command::new("python3")
        .args(["-c", script])
        .arg(zip)
        .arg(out)
        .output()
        .expect("python3");
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    String::from_utf8(run.stdout)
        .unwrap()
        .lines()
        .map(|l| {
            let (name, stored) = l.rsplit_once(' ').unwrap();
            (name.to_owned(), stored == "True")
        })
        .unzip()
}

fn files_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// A path of the verifier's `withheld` (`/offers/0 explanation.contributions.3.bin`) as the
/// manifest lists it (`explanation.contributions.*.bin`).
fn member_path(withheld: &str) -> String {
    let member = withheld.rsplit_once(' ').map_or(withheld, |(_, m)| m);
    member
        .split('.')
        .map(|s| {
            if s.bytes().all(|b| b.is_ascii_digit()) {
                "*"
            } else {
                s
            }
        })
        .collect::<Vec<_>>()
        .join(".")
}

fn has(removed: &[Removal], path: &str, how: RemovalKind) -> bool {
    removed
        .iter()
        .any(|r| r.path == path && r.how == how && r.count > 0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_donation_names_no_one_verifies_and_lists_every_removal() {
    let dir = tempfile::tempdir().unwrap();
    let keys = Arc::new(MemoryKeyStore::new());
    let (engine, consent) = journey(dir.path(), &keys).await;
    let lender = consent.lender_id.clone();
    engine.sync(&lender, noop).await.unwrap();
    let revocation = engine
        .revoke(&consent.id, vec!["sms_income".into()])
        .await
        .unwrap();
    wait_confirmed(&engine, &revocation.id).await;
    let customer_id = lender_consent(&engine, &consent.id).await.customer_id;

    engine
        .save_profile(ProfileInput {
            full_name: "Meera Iyer".into(),
            phone: "+91 98765 43210".into(),
            email: "meera@example.test".into(),
            language: "en".into(),
            customer_ids: vec![CustomerIdInput {
                lender_id: lender.clone(),
                customer_id: "KH-20417".into(),
            }],
        })
        .await
        .unwrap();
    engine
        .save_nominee(Some(NomineeInput {
            name: "Ravi Verma".into(),
            relationship: "brother".into(),
            contact: "+91 91234 56789".into(),
        }))
        .await
        .unwrap();
    let grievance = engine
        .request_right(
            &lender,
            RightsKindView::Grievance,
            "Meera writing: you read my contacts after I said no.".into(),
            Default::default(),
            None,
        )
        .await
        .unwrap();
    let nomination = engine
        .request_right(
            &lender,
            RightsKindView::Nomination,
            "Please record my nominee.".into(),
            Default::default(),
            Some(RequestNominee {
                name: "Sunita Verma".into(),
                relationship: "mother".into(),
                contact: "sunita@example.test".into(),
            }),
        )
        .await
        .unwrap();
    let now = khata_vault::now_ms();
    let report = write_report(dir.path(), now);
    engine
        .phone_import(&report, Some(APP.into()), None, None, noop)
        .await
        .unwrap();

    let mut known: Vec<String> = [
        "Meera Iyer",
        "+91 98765 43210",
        "meera@example.test",
        "KH-20417",
        "Ravi Verma",
        "+91 91234 56789",
        "Sunita Verma",
        "sunita@example.test",
        "Meera writing: you read my contacts after I said no.",
        "Please record my nominee.",
        customer_id.as_str(),
    ]
    .map(String::from)
    .to_vec();
    for r in [&grievance, &nomination] {
        known.extend(r.ticket.clone());
    }
    assert!(known.len() > 11, "the lender gave tickets: {grievance:?}");

    // The preview: what the vault holds, what goes and what stays, nothing written.
    let chosen = khata_engine::redaction::advocate_patterns();
    let preview = engine.donation_preview(chosen.clone()).await.unwrap();
    assert_eq!(preview.export_version, 2);
    assert_eq!(preview.blocking_statements, 0);
    assert_eq!(preview.lenders.len(), 1);
    assert!(preview.disclosures > 0 && preview.consents == 1 && preview.offers >= 1);
    assert_eq!(preview.consent_actions, 1);
    assert_eq!(preview.rights_requests, 2);
    assert!(preview.phone_observations > 0);
    assert_eq!(preview.required, ["customerId", "text"]);
    assert_eq!(preview.note_max_chars as usize, NOTE_MAX_CHARS);
    let removed = &preview.removed;
    assert!(
        has(removed, "customerId", RemovalKind::Withheld),
        "{removed:?}"
    );
    for blanked in [
        "consentRecords.*.pii_principal_id",
        "rightsRequests.*.ticket",
        "rightsRequests.*.details",
        "rightsRequests.*.about.nominee",
        "exportedAt",
    ] {
        assert!(
            has(removed, blanked, RemovalKind::Blanked),
            "{blanked}: {removed:?}"
        );
    }
    for kept in [
        "ledger.entries.*.record_id",
        "ledger.entries.*.payload_digest",
        "phoneSources.*.fileName",
        "borrowerRequests",
    ] {
        assert!(has(removed, kept, RemovalKind::Kept), "{kept}: {removed:?}");
    }

    let out = tempfile::tempdir().unwrap();
    let first = engine
        .write_donation(
            out.path(),
            DonationOptions {
                patterns: chosen.clone(),
                note: Some("  Collected after I revoked.\n".into()),
            },
        )
        .await
        .unwrap();
    assert_eq!(
        files_in(out.path()),
        [format!("{}{FILE_SUFFIX}", first.donation_id)],
        "the donation and nothing else"
    );
    assert_eq!(
        first.removed, preview.removed,
        "what the borrower read is what is listed"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&first.path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }

    let members = tempfile::tempdir().unwrap();
    let (names, stored) = unzip(Path::new(&first.path), members.path());
    assert_eq!(names, ["donation.json", "export.khata.json"]);
    assert_eq!(stored, [false, true], "the export is stored");
    let manifest_bytes = std::fs::read(members.path().join("donation.json")).unwrap();
    let export = std::fs::read(members.path().join("export.khata.json")).unwrap();
    let manifest: DonationManifest = serde_json::from_slice(&manifest_bytes).unwrap();
    assert_eq!(manifest.format, "khata-donation");
    assert_eq!(manifest.donation_id, first.donation_id);
    let id = uuid::Uuid::parse_str(&manifest.donation_id).unwrap();
    assert_eq!(id.get_version_num(), 4);
    assert_eq!(manifest.month.len(), 7);
    assert_eq!(manifest.month, first.month);
    assert_eq!(manifest.export_sha256, hex::encode(Sha256::digest(&export)));
    assert_eq!(manifest.note.as_deref(), Some("Collected after I revoked."));
    assert_eq!(manifest.removed, first.removed);
    assert!(export.starts_with(br#"{"format":"khata-export","version":2,"#));

    // None of the values naming the borrower, in the file or in either member.
    let zip = std::fs::read(&first.path).unwrap();
    for value in &known {
        for (what, bytes) in [
            ("zip", &zip),
            ("manifest", &manifest_bytes),
            ("export", &export),
        ] {
            assert!(
                !bytes.windows(value.len()).any(|w| w == value.as_bytes()),
                "{value:?} is in the donation's {what}"
            );
        }
    }

    // It verifies, and every value the verifier sees withheld, beyond what a full export
    // already shows withheld (a receipt's embedded consent), is listed with its count.
    let withheld = |bytes: &[u8]| {
        let report = verify::verify_export_bytes(bytes, &mut |_, _| {}).expect("it verifies");
        let mut seen: std::collections::BTreeMap<String, u64> = Default::default();
        for w in &report.withheld {
            *seen.entry(member_path(w)).or_default() += 1;
        }
        for log in report.logs.iter().flatten() {
            for w in &log.withheld {
                *seen.entry(member_path(&w.path)).or_default() += w.count;
            }
        }
        seen
    };
    let full = crate::export_json(&engine, &dir.path().join("full.khata.json")).await;
    let before = withheld(&full);
    let mut seen = withheld(&export);
    for (path, n) in before {
        let left = seen
            .get(&path)
            .copied()
            .unwrap_or(0)
            .checked_sub(n)
            .expect("more withheld");
        if left == 0 {
            seen.remove(&path);
        } else {
            seen.insert(path, left);
        }
    }
    let listed: std::collections::BTreeMap<String, u64> = manifest
        .removed
        .iter()
        .filter(|r| r.how == RemovalKind::Withheld)
        .map(|r| (r.path.clone(), r.count))
        .collect();
    assert!(!seen.is_empty());
    assert_eq!(listed, seen);
    let doc = crate::document(&export);
    assert!(doc["rightsRequests"][0]["details"].is_null());
    assert_eq!(doc["exportedAt"].as_i64().unwrap() % 1000, 0);

    // A second donation: another id, another file; the first stays.
    let second = engine
        .write_donation(out.path(), DonationOptions::default())
        .await
        .unwrap();
    assert_ne!(second.donation_id, first.donation_id);
    assert_eq!(files_in(out.path()).len(), 2);
    assert!(!second.note);

    // A note over the limit is refused, before anything is written.
    let err = engine
        .write_donation(
            out.path(),
            DonationOptions {
                patterns: vec![],
                note: Some("n".repeat(NOTE_MAX_CHARS + 1)),
            },
        )
        .await
        .unwrap_err();
    assert_eq!(err.code(), "invalid_input");
    // Stopped midway (the export under way): no donation, no temporary file.
    let cancel = Arc::new(AtomicBool::new(false));
    let stop = cancel.clone();
    let err = engine
        .write_donation_with(
            out.path(),
            DonationOptions::default(),
            move |_| stop.store(true, Ordering::Relaxed),
            cancel,
        )
        .await
        .unwrap_err();
    assert_eq!(err.code(), "cancelled");
    // Not a folder.
    let err = engine
        .write_donation(Path::new(&first.path), DonationOptions::default())
        .await
        .unwrap_err();
    assert_eq!(err.code(), "invalid_input");
    assert_eq!(files_in(out.path()).len(), 2);
    engine.close().await;
}

/// A lender speaking contract 1.x signs the customer id in the clear: nothing can remove it
/// without breaking the signature, so the preview says so and no donation is written.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_vault_of_contract_v1_statements_cannot_donate() {
    let dir = tempfile::tempdir().unwrap();
    let keys = Arc::new(MemoryKeyStore::new());
    let (engine, _) = Engine::open(crate::audit::config(
        dir.path(),
        &keys,
        Scenario::OverCollector,
    ))
    .await
    .unwrap();
    let lender = engine.connect_sandbox(noop).await.unwrap();
    decide_first_request(&engine, &lender.id, |_| true).await;
    engine.sync(&lender.id, noop).await.unwrap();
    let preview = engine.donation_preview(vec![]).await.unwrap();
    assert_eq!(preview.export_version, 1);
    assert!(preview.blocking_statements > 0, "{preview:?}");
    let out = tempfile::tempdir().unwrap();
    let err = engine
        .write_donation(out.path(), DonationOptions::default())
        .await
        .unwrap_err();
    assert_eq!(err.code(), "invalid_input");
    assert!(err.to_string().contains("contract v1"), "{err}");
    assert!(files_in(out.path()).is_empty());
    engine.close().await;
}
