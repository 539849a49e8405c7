//! A real D-Bus Secret Service that never answers, through the engine. Like a login keyring
//! whose unlock prompt cannot appear, it hands out a prompt and never completes it: the
//! keyring crate then waits a year. The test runs itself again inside a private session bus
//! (`dbus-run-session`, never the user's), where a fake service owns
//! `org.freedesktop.secrets`, and checks the engine gives up at its deadline with
//! `keychain_timeout` on a first run and on an existing keychain vault.

use std::path::Path;
use std::process::Command;
use std::sync::{Arc, mpsc};
use std::time::{Duration, Instant};

use dbus::blocking::Connection;
use khata_engine::*;
use khata_vault::{KeyStore, KeyringStore, MemoryKeyStore};

#[path = "../../../../../tests/support/silent_secret_service.rs"]
mod silent_secret_service;

const CHILD_ENV: &str = "KHATA_SILENT_KEYCHAIN_DIR";

fn config(dir: &Path) -> EngineConfig {
    let mut c = EngineConfig::new(dir);
    c.keychain_deadline = Duration::from_secs(1);
    c.start_sandbox_on_open = false;
    c
}

/// Child half of the test below: runs inside `dbus-run-session`, prints what it saw.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn silent_secret_service_child() {
    let Ok(dir) = std::env::var(CHILD_ENV) else {
        return;
    };
    let dir = Path::new(&dir);
    let (ready, up) = mpsc::channel();
    std::thread::spawn(move || {
        silent_secret_service::serve(
            Connection::new_session().expect("the private session bus"),
            ready,
        )
    });
    up.recv_timeout(Duration::from_secs(10))
        .expect("the fake Secret Service started");

    // The keyring crate on its own, without a deadline: still waiting after 3 s.
    let (done, answered) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = done.send(
            KeyringStore::with_service("khata-silent-probe")
                .load("v")
                .is_ok(),
        );
    });
    match answered.recv_timeout(Duration::from_secs(3)) {
        Err(_) => println!("\nPLAIN still waiting"),
        Ok(_) => println!("\nPLAIN answered"),
    }

    // First run: the engine would store a new vault key in the keychain.
    let started = Instant::now();
    let first = Engine::open(config(&dir.join("new"))).await;
    println!("\nCREATE {}", first.err().map_or("opened", |e| e.code()));
    println!(
        "\nCREATED {}",
        Engine::probe(&dir.join("new")).unwrap().exists
    );

    // An existing keychain vault (created with its key in memory), opened with the keychain.
    let mut c = config(&dir.join("old"));
    c.key_store = Some(Arc::new(MemoryKeyStore::new()) as Arc<dyn KeyStore>);
    Engine::open(c).await.unwrap().0.close().await;
    let open = Engine::open(config(&dir.join("old"))).await;
    println!("\nOPEN {}", open.err().map_or("opened", |e| e.code()));
    println!("\nSECONDS {}", started.elapsed().as_secs());
}

#[test]
fn a_secret_service_that_never_answers_is_a_keychain_timeout() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new("dbus-run-session")
        .arg("--")
        .arg(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "silent_keychain::silent_secret_service_child",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CHILD_ENV, dir.path())
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .output()
        .expect("dbus-run-session (package dbus) must be installed");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let line = |tag: &str| {
        stdout
            .lines()
            .find_map(|l| l.strip_prefix(tag))
            .unwrap_or_else(|| panic!("no {tag:?} line: {stdout}"))
            .trim()
            .to_owned()
    };
    assert_eq!(line("PLAIN "), "still waiting", "the fake does not hang");
    assert_eq!(line("CREATE "), "keychain_timeout");
    assert_eq!(line("CREATED "), "false", "nothing is created");
    assert_eq!(line("OPEN "), "keychain_timeout");
    let seconds: u64 = line("SECONDS ").parse().unwrap();
    assert!(
        seconds < 10,
        "gave up at the 1 s deadline, not later: {seconds} s"
    );
}
