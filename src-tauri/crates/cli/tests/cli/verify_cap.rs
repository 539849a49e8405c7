//! `khata verify` on a file above its size cap: a sparse file (no real disk use) one byte past
//! 2 GiB is refused from its size, with the cap in the message, without reading it.

use std::process::Command;
use std::time::{Duration, Instant};

#[test]
fn an_export_above_the_cap_is_refused_unread() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("huge.khata.json");
    let file = std::fs::File::create(&path).unwrap();
    file.set_len((2 << 30) + 1).unwrap();
    drop(file);
    let started = Instant::now();
    let out = Command::new(env!("CARGO_BIN_EXE_khata"))
        .args(["verify", path.to_str().unwrap()])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(2), "{stdout}");
    assert!(
        stdout.contains("2147483649 bytes, above the 2048 MiB limit"),
        "{stdout}"
    );
    // Reading 2 GiB first would take far longer than refusing from the metadata.
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );

    let out = Command::new(env!("CARGO_BIN_EXE_khata"))
        .args(["verify", "--json", path.to_str().unwrap()])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["valid"], false);
    assert_eq!(v["error"]["kind"], "unusable");
}
