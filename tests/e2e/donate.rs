//! Donating to an advocate from the real app: after a sync, the Export screen's "Share with an
//! advocate" walks through choosing, reading what the advocate gets, a note and "Donate…"; the
//! file on disk is a zip whose manifest names the donation, whose export verifies, and which
//! holds none of the borrower's details. In English, then again in Hindi (screenshots of each
//! step for the README).

use std::path::Path;
use std::time::Duration;

use crate::harness::{Profile, Session, devanagari};

/// The one donation in `dir`, waiting for it to appear.
async fn donation_in(dir: &Path) -> std::path::PathBuf {
    for _ in 0..100 {
        let found: Vec<_> = std::fs::read_dir(dir)
            .expect("donation dir")
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.to_string_lossy().ends_with(".khata-donation.zip"))
            .collect();
        if let [one] = found.as_slice() {
            return one.clone();
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("no single donation in {}", dir.display());
}

/// Goes through the flow on the Export screen; `suffix` names the screenshots (`""`, `"-hi"`).
async fn donate(app: &Session, note: &str, suffix: &str) {
    app.click("nav-export").await;
    app.click("export-format-advocate").await;
    app.find("donate-redact-customerId").await;
    app.snap(&format!("donate-choose{suffix}")).await;
    app.click("donate-read").await;
    app.find("donate-preview").await;
    app.snap(&format!("donate-read{suffix}")).await;
    app.click("donate-continue").await;
    app.find("donate-note")
        .await
        .send_keys(note)
        .await
        .expect("type the note");
    app.snap(&format!("donate-note{suffix}")).await;
    app.click("donate-start").await;
    app.find("donate-result").await;
    app.snap(&format!("donate-done{suffix}")).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_donation_after_a_sync_is_written_where_chosen_and_verifies() {
    let out = tempfile::tempdir().expect("donation dir");
    let mut profile = Profile::new();
    profile.env.push((
        "KHATA_E2E_SAVE_PATH".into(),
        out.path().display().to_string(),
    ));
    let app = Session::launch_with(profile).await;
    app.acknowledge_recovery_key().await;
    app.connect_sandbox(None).await;
    let lender = khata_engine::SANDBOX_LENDER_ID;
    app.click("nav-requests").await;
    app.share_requested_except(&[]).await;
    app.click("request-submit").await;
    app.find("request-decided").await;
    app.click("nav-home").await;
    app.click(&format!("home-sync-{lender}")).await;
    app.wait_for_disclosures().await;

    donate(&app, "Collected after I revoked.", "").await;
    let id = app.text("donate-id").await;
    let path = donation_in(out.path()).await;
    assert_eq!(
        path.file_name().unwrap().to_string_lossy(),
        format!("{id}.khata-donation.zip")
    );
    assert_eq!(app.text("donate-path").await, path.display().to_string());

    // The file with an independent reader: the manifest first, the export stored; the export
    // verifies with `khata verify`'s library.
    let run = std::process::Command::new("python3")
        .args([
            "-c",
            "import sys, zipfile, json; z = zipfile.ZipFile(sys.argv[1]); i = z.infolist(); \
             assert [x.filename for x in i] == ['donation.json', 'export.khata.json'], i; \
             assert i[1].compress_type == zipfile.ZIP_STORED; \
             m = json.loads(z.read('donation.json')); print(m['donationId']); print(m['note']); \
             open(sys.argv[2], 'wb').write(z.read('export.khata.json'))",
        ])
        .arg(&path)
        .arg(out.path().join("export.khata.json"))
        .output()
        .expect("python3");
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let printed = String::from_utf8(run.stdout).unwrap();
    assert_eq!(printed, format!("{id}\nCollected after I revoked.\n"));
    let export = std::fs::read(out.path().join("export.khata.json")).unwrap();
    khata_engine::audit::verify::verify_export_bytes(&export, &mut |_, _| {})
        .expect("the donated export verifies");
    std::fs::remove_file(&path).unwrap();
    std::fs::remove_file(out.path().join("export.khata.json")).unwrap();

    // Again in Hindi: every step reads in Devanagari.
    app.find("language")
        .await
        .select_by_value("hi")
        .await
        .expect("choose Hindi");
    app.click("nav-home").await;
    donate(&app, "रद्द करने के बाद भी डेटा लिया गया।", "-hi").await;
    assert!(devanagari(&app.text("donate-result").await));
    donation_in(out.path()).await;
    app.close().await;
}
