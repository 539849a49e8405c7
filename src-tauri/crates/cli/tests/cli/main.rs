//! The `khata` binary as a user runs it, as one test binary (each extra binary costs a link in
//! `make test`): `verify` and `audit` on real exports, passphrase mode, and `khata sandbox`.

mod audit;
mod passphrase;
mod sandbox;
mod verify_cap;
