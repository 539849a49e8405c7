//! The `khata` binary as a user runs it, as one test binary (each extra binary costs a link in
//! `make test`): `verify` and `audit` on real exports (and whose keys `verify` trusted),
//! passphrase mode, `khata sandbox`, and the journey (requests, decide, timeline, rights).

mod audit;
mod journey;
mod passphrase;
mod phone;
mod phone_capture;
mod phone_cmd;
mod sandbox;
mod trust;
mod verify_cap;
mod verify_v2;
