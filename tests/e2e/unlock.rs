//! No keychain on the machine: the real binary explains it, protects a new vault with a
//! passphrase, and after a restart asks for that passphrase (a wrong one is refused).

use crate::harness::{Profile, Session};

const PASSPHRASE: &str = "monsoon ledger 2026 khata";

#[tokio::test(flavor = "multi_thread")]
async fn without_a_keychain_the_vault_uses_a_passphrase() {
    let mut profile = Profile::new();
    profile.env.push((
        "KHATA_E2E_DBUS_ADDRESS".into(),
        "unix:path=/nonexistent/khata-no-secret-service".into(),
    ));
    let app = Session::launch_with(profile).await;

    // Fail closed, with the reason and the way out.
    let reason = app.text("unlock-keychain").await;
    app.snap("unlock").await;
    assert!(reason.contains("passphrase mode"), "{reason}");
    let vault = app.profile.data_dir.path().join(khata_engine::VAULT_FILE);
    assert!(!vault.exists(), "nothing written before the borrower chose");

    app.create_passphrase_vault(PASSPHRASE).await;
    assert_eq!(app.text("home-heading").await, "Your data, your credit");
    assert!(vault.exists());
    let profile = app.close().await;

    // Restart: the passphrase is asked for, a wrong one is refused, the right one opens.
    let app = Session::launch_with(profile).await;
    app.find("unlock-passphrase")
        .await
        .send_keys("wrong passphrase!")
        .await
        .unwrap();
    app.click("unlock-passphrase-submit").await;
    let error = app.text("unlock-error").await;
    assert!(error.contains("does not open this vault"), "{error}");
    let field = app.find("unlock-passphrase").await;
    field.clear().await.unwrap();
    field.send_keys(PASSPHRASE).await.unwrap();
    app.click("unlock-passphrase-submit").await;
    assert_eq!(app.text("home-heading").await, "Your data, your credit");
    assert!(
        app.all_with_prefix("recovery-key").await.is_empty(),
        "the recovery key is shown only when the vault is created"
    );
    app.close().await;
}
