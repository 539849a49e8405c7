//! Where `khata-pool add`'s time goes: each stage of reading a donation run alone over the
//! same files, for the benchmarks in docs/BENCHMARKS.md ("Advocates' pool").
//!
//! `cargo build --release -p khata-pool --example add_stages`, then
//! `target/release/examples/add_stages DIR`: the export members read out of the zips (in memory),
//! then SHA-256, the verifier, and the pool's reader of rows, each timed over all of them.

use std::io::Read;
use std::time::Instant;

use sha2::{Digest, Sha256};

fn main() -> anyhow::Result<()> {
    let dir = std::env::args().nth(1).expect("add_stages DIR");
    let files = khata_pool::add::expand(&[dir.into()])?;
    let t = Instant::now();
    let mut exports = Vec::new();
    for f in &files {
        let mut zip = zip::ZipArchive::new(std::fs::File::open(f)?)?;
        let mut bytes = Vec::new();
        zip.by_index(1)?.read_to_end(&mut bytes)?;
        exports.push(bytes);
    }
    let total: usize = exports.iter().map(Vec::len).sum();
    let report = |what: &str, t: Instant| {
        let s = t.elapsed().as_secs_f64();
        println!("{what:<28} {s:8.3} s  {:8.1} MB/s", total as f64 / s / 1e6);
    };
    println!("{} donations, {total} bytes of exports", files.len());
    report("unzip (stored member, CRC)", t);

    let t = Instant::now();
    for e in &exports {
        std::hint::black_box(Sha256::digest(e));
    }
    report("sha256 (sha2)", t);

    let t = Instant::now();
    for e in &exports {
        let keys = khata_evidence::verify::trust::SuppliedKeys::default();
        khata_evidence::verify::verify_export_reader(&e[..], &keys, &mut |_, _| {})
            .map_err(|e| anyhow::anyhow!("{e:?}"))?;
    }
    report("verify (streaming verifier)", t);

    // The leaves alone: parsed, then checked and hashed as the reader does.
    let leaves = |e: &[u8]| {
        e.split(|b| *b == b'\n')
            .skip(1)
            .filter(|l| !l.is_empty())
            .map(|l| l.to_vec())
            .collect::<Vec<_>>()
    };
    let all: Vec<Vec<u8>> = exports.iter().flat_map(|e| leaves(e)).collect();
    let t = Instant::now();
    for l in &all {
        std::hint::black_box(serde_json::from_slice::<serde_json::Value>(l)?);
    }
    report(&format!("leaves parsed ({})", all.len()), t);
    let t = Instant::now();
    for l in &all {
        let v: serde_json::Value = serde_json::from_slice(l)?;
        std::hint::black_box(khata_contract::log::DisclosureLeaf::check(&v)?);
    }
    report("leaves parsed and checked", t);

    let secret = [7u8; 32];
    let pseudonym = |l: &str, c: &str| khata_pool::add::consent_ref(&secret, l, c);
    let t = Instant::now();
    let mut rows = 0;
    for e in &exports {
        let ex = khata_pool::extract::extract(&mut &e[..], "d", &pseudonym)
            .map_err(|r| anyhow::anyhow!("{}", r.detail))?;
        rows += ex.rows.total();
    }
    report(&format!("extract ({rows} rows)"), t);
    Ok(())
}
