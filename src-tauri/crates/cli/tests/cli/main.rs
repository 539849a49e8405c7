//! The `khata` binary as a user runs it, as one test binary (each extra binary costs a link in
//! `make test`): `verify` and `audit` on real exports (and whose keys `verify` trusted),
//! passphrase mode, and `khata sandbox`.

mod audit;
mod passphrase;
mod phone;
mod phone_capture;
mod phone_cmd;
mod sandbox;
mod trust;
mod verify_cap;
mod verify_v2;
