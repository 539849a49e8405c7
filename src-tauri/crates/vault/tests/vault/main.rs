//! The vault's integration tests against real SQLCipher files, as one test binary: each extra
//! binary costs a link of SQLCipher and the keychain in `make test`. Modules by concern:
//! opening and failure modes, the record API, canaries (no plaintext on disk), crash safety under
//! SIGKILL, the engine-facing records, the disclosure log (contract v2), and key custody against
//! the real Secret Service.
//!
//! Tests that re-run this binary as a child process (crash, keychain) name their child test by
//! its full path (`crash::crash_child`).

mod canary;
mod common;
#[cfg(unix)]
mod crash;
#[cfg(target_os = "linux")]
mod keychain;
mod log;
mod open;
mod phone;
mod profile;
mod records;
mod store;
