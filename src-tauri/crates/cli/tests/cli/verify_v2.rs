//! `khata verify` on a version 2 export (a synthetic one, validly signed: the engine's writer
//! comes later): the log facts it prints, `--json`, and a dropped leaf refused with its line.
//! `KHATA_EXPORT_DIR=DIR` keeps the export (for tests/schema.sh).

use khata_evidence::synthetic::{Spec, join, lines};

use super::audit::khata;

#[test]
fn verify_prints_the_log_facts_of_a_v2_export() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v2.khata.json");
    let spec = Spec {
        page: 100,
        ..Spec::new(300)
    };
    let bytes = spec.bytes();
    std::fs::write(&path, &bytes).unwrap();
    let p = path.to_str().unwrap();
    // For tests/schema.sh: line 1 and the leaves against docs/export-v2.schema.json.
    if let Ok(keep) = std::env::var("KHATA_EXPORT_DIR") {
        let keep = std::path::Path::new(&keep).join("v2");
        std::fs::create_dir_all(&keep).unwrap();
        std::fs::write(keep.join("v2.khata.json"), &bytes).unwrap();
    }

    let (code, out, err) = khata(&["verify", p]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains("valid: 3 lender signatures, 300 disclosures"),
        "{out}"
    );
    assert!(
        out.contains("log of lender khata-sandbox-lender: 300 leaves, 3 signed tree heads checked (last head: size 300, root "),
        "{out}"
    );
    assert!(out.contains("valueDigest in 43 leaves"), "{out}");
    assert!(!out.contains("FORK"), "{out}");

    let (code, out, _) = khata(&["verify", "--json", p]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["report"]["logs"][0]["leaves"], 300);
    assert_eq!(v["report"]["logs"][0]["withheld"][0]["path"], "valueDigest");

    let mut l = lines(&bytes);
    l.remove(42);
    std::fs::write(&path, join(&l)).unwrap();
    let (code, out, _) = khata(&["verify", p]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("INVALID: first bad record line 43"), "{out}");
}
