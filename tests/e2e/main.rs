//! End-to-end tests of the real desktop binary. Run with `make e2e` (or `make test`), which
//! installs tauri-driver, WebKitWebDriver, Xvfb and gnome-keyring and builds with `--features e2e`.

mod audit;
mod consent;
mod crash;
mod donate;
mod harness;
mod hindi;
mod hostile;
mod journey;
#[cfg(target_os = "linux")]
mod keychain_timeout;
mod kfs;
mod log_fork;
mod notify;
mod phone;
mod rights;
mod scenario;
mod unlock;

use harness::Session;

#[tokio::test(flavor = "multi_thread")]
async fn home_screen_and_about_panel() {
    let app = Session::launch().await;

    assert_eq!(app.title().await, "Khata");
    app.acknowledge_recovery_key().await;
    assert_eq!(app.text("home-heading").await, "Your data, your credit");

    app.click("about-open").await;
    assert_eq!(app.text("about-version").await, env!("CARGO_PKG_VERSION"));
    // The vault path comes from the Rust side and honours the test's private data folder.
    let vault = app.text("about-vault").await;
    let expected = app.profile.data_dir.path().join(khata_engine::VAULT_FILE);
    assert_eq!(vault, expected.display().to_string());
    app.click("about-close").await;

    app.click("connect-lender").await;
    assert_eq!(app.text("connect-heading").await, "Connect a lender");
    app.click("connect-back").await;
    assert_eq!(app.text("home-heading").await, "Your data, your credit");

    app.snap("home-empty").await;
    app.close().await;
}
