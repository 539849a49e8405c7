//! A keychain that is there but never answers (a login keyring whose unlock prompt cannot
//! appear): the real binary stops waiting at its deadline, says what happened, and offers a
//! passphrase instead. The Secret Service is a real D-Bus service on a private bus of this
//! test's own (`dbus-daemon`), never the user's.

use std::io::{BufRead as _, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use crate::harness::{Profile, Session};

#[path = "../support/silent_secret_service.rs"]
mod silent_secret_service;

const PASSPHRASE: &str = "monsoon ledger 2026 khata";

/// A private session bus, stopped when dropped.
struct PrivateBus {
    daemon: Child,
    address: String,
}

impl PrivateBus {
    fn start() -> PrivateBus {
        let mut daemon = Command::new("dbus-daemon")
            .args(["--session", "--nofork", "--print-address=1"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("dbus-daemon (package dbus) must be installed");
        let mut address = String::new();
        BufReader::new(daemon.stdout.take().expect("stdout"))
            .read_line(&mut address)
            .expect("the bus address");
        PrivateBus {
            daemon,
            address: address.trim().to_owned(),
        }
    }
}

impl Drop for PrivateBus {
    fn drop(&mut self) {
        let _ = self.daemon.kill();
        let _ = self.daemon.wait();
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_keychain_that_never_answers_offers_a_passphrase() {
    let bus = PrivateBus::start();
    let (ready, up) = mpsc::channel();
    let address = bus.address.clone();
    std::thread::spawn(move || {
        let mut channel = dbus::channel::Channel::open_private(&address).expect("the private bus");
        channel.register().expect("register on the bus");
        silent_secret_service::serve(dbus::blocking::Connection::from(channel), ready)
    });
    up.recv_timeout(Duration::from_secs(10))
        .expect("the silent Secret Service started");

    let mut profile = Profile::new();
    profile
        .env
        .push(("KHATA_E2E_DBUS_ADDRESS".into(), bus.address.clone()));
    let app = Session::launch_with(profile).await;

    // The keychain call gives up at its deadline: the unlock screen says so.
    let notice = app
        .wait_css_for(
            "[data-testid=unlock-keychain-timeout]",
            Duration::from_secs(90),
        )
        .await
        .text()
        .await
        .expect("notice text");
    assert!(notice.contains("did not answer"), "{notice}");
    app.snap("unlock-keychain-timeout").await;
    let vault = app.profile.data_dir.path().join(khata_engine::VAULT_FILE);
    assert!(!vault.exists(), "nothing written before the borrower chose");

    // The way out: a passphrase.
    app.click("unlock-use-passphrase").await;
    app.create_passphrase_vault(PASSPHRASE).await;
    assert_eq!(app.text("home-heading").await, "Your data, your credit");
    assert!(vault.exists());
    app.close().await;
    drop(bus);
}
