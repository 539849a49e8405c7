//! The version 2 export at scale, without an engine: `gen N FILE` writes a synthetic, validly
//! signed export of N leaves (`khata_evidence::synthetic`); `verify FILE` runs the same
//! streaming verifier `khata verify` runs on it and prints the report (docs/BENCHMARKS.md,
//! "Verify, export v2").
//!
//! `cargo run --release -p khata-evidence --example export_v2 -- gen 1000000 /tmp/v2.khata.json`

use std::io::BufWriter;
use std::process::ExitCode;

use khata_evidence::synthetic::Spec;
use khata_evidence::verify::{SuppliedKeys, verify_export_file};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        ["gen", n, file] => {
            let n: u64 = n.parse().expect("a number of leaves");
            let out =
                BufWriter::with_capacity(1 << 20, std::fs::File::create(file).expect("create"));
            Spec::new(n).write(out).expect("write");
            ExitCode::SUCCESS
        }
        ["verify", file] => {
            match verify_export_file(file.as_ref(), &SuppliedKeys::default(), &mut |_, _| {}) {
                Ok(r) => {
                    println!("{}", serde_json::to_string(&r).expect("JSON"));
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    println!("{e}");
                    ExitCode::from(e.exit_code() as u8)
                }
            }
        }
        _ => {
            eprintln!("usage: export_v2 gen N FILE | export_v2 verify FILE");
            ExitCode::from(2)
        }
    }
}
