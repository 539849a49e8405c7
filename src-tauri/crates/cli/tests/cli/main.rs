//! The `khata` binary as a user runs it, as one test binary (each extra binary costs a link in
//! `make test`): `verify` and `audit` on real exports (and whose keys `verify` trusted),
//! passphrase mode, `khata sandbox`, the journey (requests, decide, timeline, rights) and
//! `khata pool generate`.

mod audit;
mod journey;
mod passphrase;
mod phone;
mod phone_capture;
mod phone_cmd;
mod pool_generate;
mod sandbox;
mod trust;
mod verify_cap;
mod verify_v2;
