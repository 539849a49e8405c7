//! Contract v2's disclosure log, checked with the contract's own Merkle and redaction
//! functions: pages recompute their signed roots, consistency and inclusion proofs verify, the
//! history faults produce heads that cannot both be true, and limits and auth hold.

use khata_contract::merkle::{self, Frontier, Hash};
use khata_contract::redact;
use khata_lending::KeyRing;
use khata_lending::types::Disclosure;
use khata_sandbox::{Faults, RunningSandbox, SandboxConfig, Scenario};
use serde_json::Value;

use crate::{all_disclosures, decide, fast_config};

const TOKEN: &str = "log-test-token";

/// A sandbox with a decided consent and `extra` seeded disclosures, and a client for the rest.
async fn seeded(extra: u64, state_dir: Option<std::path::PathBuf>) -> (RunningSandbox, Lender) {
    let sb = khata_sandbox::start(SandboxConfig {
        scenario: Scenario::SalariedGood,
        dev_token: Some(TOKEN.into()),
        state_dir,
        ..SandboxConfig::default()
    })
    .await
    .expect("sandbox starts");
    let client = khata_lending::LendingClient::connect(sb.base_url(), fast_config())
        .await
        .unwrap()
        .with_access_token(TOKEN);
    decide(&client, &[]).await;
    if extra > 0 {
        sb.seed_disclosures(extra).unwrap();
    }
    let lender = Lender {
        base: sb.base_url().to_string(),
        http: reqwest::Client::new(),
        keys: client.keys().clone(),
        client,
    };
    (sb, lender)
}

struct Lender {
    base: String,
    http: reqwest::Client,
    keys: KeyRing,
    client: khata_lending::LendingClient,
}

impl Lender {
    async fn get(&self, path: &str) -> (u16, String, Value) {
        let r = self
            .http
            .get(format!("{}{path}", self.base))
            .bearer_auth(TOKEN)
            .send()
            .await
            .unwrap();
        let status = r.status().as_u16();
        let ct = r
            .headers()
            .get("content-type")
            .map(|v| v.to_str().unwrap().to_string())
            .unwrap_or_default();
        (status, ct, r.json().await.unwrap())
    }

    async fn ok(&self, path: &str) -> Value {
        let (status, _, v) = self.get(path).await;
        assert_eq!(status, 200, "{path}: {v}");
        v
    }

    /// A head whose signature and lender id hold.
    fn checked_head(&self, head: &Value) -> (u64, Hash) {
        self.keys.verify_value(head).expect("the head is signed");
        assert_eq!(head["log"], "disclosures");
        assert_eq!(head["lenderId"], khata_sandbox::DEFAULT_LENDER_ID);
        (head["treeSize"].as_u64().unwrap(), hash(&head["rootHash"]))
    }

    /// Every leaf, page by page, each page's head checked against the leaves so far.
    async fn sync(&self, page: u64) -> (Vec<Value>, Vec<(u64, Hash)>) {
        let mut frontier = Frontier::new();
        let mut leaves = vec![];
        let mut heads = vec![];
        loop {
            let p = self
                .ok(&format!(
                    "/v2/log/entries?start={}&limit={page}",
                    leaves.len()
                ))
                .await;
            let entries = p["entries"].as_array().unwrap();
            assert!(entries.len() as u64 <= page);
            for leaf in entries {
                assert_eq!(leaf["index"].as_u64(), Some(frontier.size()), "gap-free");
                frontier.push(merkle::leaf_hash(&redact::statement_bytes(leaf).unwrap()));
                leaves.push(leaf.clone());
            }
            let (size, root) = self.checked_head(&p["treeHead"]);
            assert_eq!(
                size,
                frontier.size(),
                "the head is signed at the page's end"
            );
            assert_eq!(
                root,
                frontier.root(),
                "the page's leaves give the signed root"
            );
            heads.push((size, root));
            if entries.is_empty() {
                return (leaves, heads);
            }
        }
    }
}

fn hash(v: &Value) -> Hash {
    use base64::Engine as _;
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(v.as_str().expect("a base64url hash"))
        .unwrap()
        .try_into()
        .expect("32 bytes")
}

fn proof(v: &Value) -> Vec<Hash> {
    v["proof"].as_array().unwrap().iter().map(hash).collect()
}

#[tokio::test]
async fn the_log_recomputes_its_signed_roots_and_proves_itself() {
    let dir = tempfile::tempdir().unwrap();
    let (sb, lender) = seeded(250, Some(dir.path().to_path_buf())).await;
    let discovery = lender.client.discover().await.unwrap();
    assert!(
        discovery.spec_version.starts_with("2."),
        "discovery says v2"
    );

    let (leaves, heads) = lender.sync(64).await;
    let v1 = all_disclosures(&lender.client, 1000).await;
    assert_eq!(leaves.len(), v1.len(), "one leaf per disclosure");
    let (size, root) = lender.checked_head(&lender.ok("/v2/log/head").await);
    assert_eq!((size, root), *heads.last().unwrap());

    // Each leaf reveals the disclosure it stands for; the redactable members are commitments.
    for (leaf, d) in leaves.iter().zip(&v1) {
        check_leaf(leaf, d);
    }

    // Consistency between every pair of held heads (and from size 1), against their roots.
    let mut sizes: Vec<(u64, Hash)> = heads.clone();
    let first_leaf = merkle::leaf_hash(&redact::statement_bytes(&leaves[0]).unwrap());
    sizes.insert(0, (1, first_leaf));
    for &(m, m_root) in &sizes {
        for &(n, n_root) in sizes.iter().filter(|(n, _)| *n >= m) {
            let p = lender
                .ok(&format!("/v2/log/consistency?first={m}&second={n}"))
                .await;
            assert_eq!(
                (p["first"].as_u64(), p["second"].as_u64()),
                (Some(m), Some(n))
            );
            merkle::verify_consistency(m, n, &m_root, &n_root, &proof(&p))
                .unwrap_or_else(|e| panic!("consistency {m}..{n}: {e:?}"));
        }
    }
    // A consistency proof does not pass for another root.
    let p = lender.ok("/v2/log/consistency?first=64&second=128").await;
    assert!(merkle::verify_consistency(64, 128, &heads[0].1, &root, &proof(&p)).is_err());

    // Inclusion of leaves at the edges and inside, in the latest tree and in an older one.
    for (index, at) in [
        (0, size),
        (63, size),
        (64, size),
        (size - 1, size),
        (10, 64),
    ] {
        let p = lender
            .ok(&format!("/v2/log/inclusion?index={index}&size={at}"))
            .await;
        let leaf_hash =
            merkle::leaf_hash(&redact::statement_bytes(&leaves[index as usize]).unwrap());
        let at_root = heads.iter().find(|(s, _)| *s == at).unwrap().1;
        merkle::verify_inclusion(&leaf_hash, index, at, &proof(&p), &at_root)
            .unwrap_or_else(|e| panic!("inclusion of {index} in {at}: {e:?}"));
    }

    // A restart rebuilds the same tree from the store.
    sb.shutdown().await.unwrap();
    let again = khata_sandbox::start(SandboxConfig {
        state_dir: Some(dir.path().to_path_buf()),
        dev_token: Some(TOKEN.into()),
        ..SandboxConfig::default()
    })
    .await
    .unwrap();
    let lender2 = Lender {
        base: again.base_url().to_string(),
        ..lender
    };
    assert_eq!(
        lender2.checked_head(&lender2.ok("/v2/log/head").await),
        (size, root)
    );
    again.shutdown().await.unwrap();
}

/// The revealed leaf says what the signed v1 disclosure says, and withholding a member keeps
/// its hash.
fn check_leaf(leaf: &Value, d: &Disclosure) {
    assert!(leaf.get("lenderId").is_none() && leaf.get("signature").is_none());
    assert_eq!(leaf["index"].as_u64(), Some(d.seq - 1));
    let revealed = redact::reveal(leaf).expect("the leaf's triples match its commitments");
    assert!(revealed.withheld.is_empty());
    let v = &revealed.value;
    assert_eq!(v["signal"], d.signal.as_str());
    assert_eq!(
        v["collectedAt"].as_i64(),
        Some(d.collected_at.timestamp_millis())
    );
    assert_eq!(v["purpose"], d.purpose.as_str());
    assert_eq!(v["consentId"].as_str(), d.consent_id.as_deref());
    assert_eq!(
        v["dataRange"]["from"].as_i64(),
        Some(d.data_range.from.timestamp_millis())
    );
    let digest = hash(&v["valueDigest"]);
    assert_eq!(format!("sha256:{}", hex::encode(digest)), d.value_digest);
    assert_eq!(v["onwardRecipient"].as_str(), d.onward_recipient.as_deref());
    // `valueDigest` is a commitment: named in `_sd`, absent from the plain members.
    assert!(leaf["_sd"].get("valueDigest").is_some());
    assert!(leaf.get("valueDigest").is_none());
    let mut redacted = leaf.clone();
    let removed = redact::withhold(&mut redacted, &["valueDigest"]);
    assert_eq!(removed, vec!["valueDigest".to_string()]);
    assert_eq!(
        redact::statement_bytes(&redacted).unwrap(),
        redact::statement_bytes(leaf).unwrap()
    );
    assert_eq!(redact::reveal(&redacted).unwrap().withheld, removed);
}

/// What a client held before a history fault, and what the lender says after it.
struct Rewritten {
    held: (u64, Hash),
    held_leaves: Vec<Value>,
    offered: (u64, Hash),
    lender: Lender,
    sb: RunningSandbox,
}

/// Syncs once, turns a history fault on, and fetches the head again.
async fn rewritten_by(fault: &str) -> Rewritten {
    let (sb, lender) = seeded(20, None).await;
    let (held_leaves, heads) = lender.sync(100).await;
    let held = *heads.last().unwrap();
    let mut f = Faults::default();
    f.apply_spec(fault).unwrap();
    sb.set_faults(f);
    let offered = lender.checked_head(&lender.ok("/v2/log/head").await);
    Rewritten {
        held,
        held_leaves,
        offered,
        lender,
        sb,
    }
}

fn revealed(leaf: &Value) -> Value {
    let mut v = redact::reveal(leaf).unwrap().value;
    v.as_object_mut().unwrap().remove("index");
    v
}

#[tokio::test]
async fn a_forked_history_signs_a_head_that_contradicts_the_held_one() {
    let Rewritten {
        held,
        held_leaves,
        offered,
        lender,
        sb,
    } = rewritten_by("forked-history=1").await;
    assert_eq!(offered.0, held.0, "same size");
    assert_ne!(offered.1, held.1, "two signed roots for one size: a fork");
    // After more collection no consistency proof joins the held head to the new one.
    sb.seed_disclosures(5).unwrap();
    let (n, n_root) = lender.checked_head(&lender.ok("/v2/log/head").await);
    let p = lender
        .ok(&format!("/v2/log/consistency?first={}&second={n}", held.0))
        .await;
    assert!(merkle::verify_consistency(held.0, n, &held.1, &n_root, &proof(&p)).is_err());
    // The rewrite happens once: the new history is stable from then on.
    let (_, heads) = lender.sync(100).await;
    assert_eq!(*heads.last().unwrap(), (n, n_root));
    // The first leaf now names another signal; the rest are as they were.
    let now = lender.ok("/v2/log/entries?start=0&limit=100").await;
    let now = now["entries"].as_array().unwrap();
    assert_eq!(now[0]["index"], 0);
    assert_ne!(now[0]["signal"], held_leaves[0]["signal"]);
    assert_eq!(now[1..held_leaves.len()], held_leaves[1..]);
}

#[tokio::test]
async fn a_dropped_leaf_shrinks_the_log_and_breaks_consistency() {
    let Rewritten {
        held,
        held_leaves,
        offered,
        lender,
        sb,
    } = rewritten_by("drop-leaf=1").await;
    assert_eq!(offered.0, held.0 - 1, "one leaf fewer");
    sb.seed_disclosures(3).unwrap();
    let (n, n_root) = lender.checked_head(&lender.ok("/v2/log/head").await);
    assert_eq!(n, held.0 + 2);
    let p = lender
        .ok(&format!("/v2/log/consistency?first={}&second={n}", held.0))
        .await;
    assert!(merkle::verify_consistency(held.0, n, &held.1, &n_root, &proof(&p)).is_err());
    // Pages still agree with their own heads (the dropping is only visible against the held
    // history): the old second leaf is now the first.
    let (leaves, _) = lender.sync(7).await;
    assert_eq!(leaves.len() as u64, n);
    assert_eq!(revealed(&leaves[0]), revealed(&held_leaves[1]));
    assert_eq!(leaves[0]["index"], 0);
}

#[tokio::test]
async fn reordered_leaves_give_another_root_at_the_same_size() {
    let Rewritten {
        held,
        held_leaves,
        offered,
        lender,
        sb: _running,
    } = rewritten_by("reorder-leaves=1").await;
    assert_eq!(offered.0, held.0);
    assert_ne!(offered.1, held.1);
    let p = lender.ok("/v2/log/entries?start=0&limit=2").await;
    let e = &p["entries"];
    assert_eq!(
        (&e[0]["index"], &e[1]["index"]),
        (&0.into(), &1.into()),
        "renumbered to look in order"
    );
    assert_eq!(revealed(&e[0]), revealed(&held_leaves[1]));
    assert_eq!(revealed(&e[1]), revealed(&held_leaves[0]));
}

#[tokio::test]
async fn the_log_checks_its_limits_and_its_caller() {
    let (_sb, lender) = seeded(0, None).await;
    let size = lender.checked_head(&lender.ok("/v2/log/head").await).0;
    assert!(size > 0, "the consent's first collection is logged");
    for (path, status, slug) in [
        ("/v2/log/entries?limit=0".to_string(), 400, "bad-query"),
        ("/v2/log/entries?limit=1001".into(), 400, "bad-query"),
        ("/v2/log/entries?start=-1".into(), 400, "bad-query"),
        ("/v2/log/entries?start=07".into(), 400, "bad-query"),
        (
            format!("/v2/log/entries?start={}", size + 1),
            409,
            "conflict",
        ),
        ("/v2/log/consistency?first=1".into(), 400, "bad-query"),
        (
            "/v2/log/consistency?first=0&second=1".into(),
            400,
            "bad-query",
        ),
        (
            "/v2/log/consistency?first=2&second=1".into(),
            422,
            "invalid-request",
        ),
        (
            format!("/v2/log/consistency?first=1&second={}", size + 1),
            409,
            "conflict",
        ),
        ("/v2/log/inclusion?index=0".into(), 400, "bad-query"),
        (
            format!("/v2/log/inclusion?index={size}&size={size}"),
            422,
            "invalid-request",
        ),
        (
            format!("/v2/log/inclusion?index=0&size={}", size + 1),
            409,
            "conflict",
        ),
        ("/v2/log/inclusion?index=x&size=1".into(), 400, "bad-query"),
    ] {
        let (got, ct, body) = lender.get(&path).await;
        assert_eq!(got, status, "{path}: {body}");
        assert!(ct.starts_with("application/problem+json"), "{path}: {ct}");
        assert_eq!(body["type"], format!("urn:khata:problem:{slug}"), "{path}");
    }
    // At the end of the log: an empty page with the head at its size.
    let p = lender
        .ok(&format!("/v2/log/entries?start={size}&limit=10"))
        .await;
    assert_eq!(p["entries"].as_array().map(Vec::len), Some(0));
    assert_eq!(lender.checked_head(&p["treeHead"]).0, size);
    // The head at size 1..=size is what `first=second` proves with an empty proof.
    let p = lender
        .ok(&format!("/v2/log/consistency?first={size}&second={size}"))
        .await;
    assert!(proof(&p).is_empty());

    for path in [
        "/v2/log/head",
        "/v2/log/entries",
        "/v2/log/consistency?first=1&second=1",
        "/v2/log/inclusion?index=0&size=1",
    ] {
        let r = lender
            .http
            .get(format!("{}{path}", lender.base))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 401, "{path} without a token");
        let r = lender
            .http
            .get(format!("{}{path}", lender.base))
            .bearer_auth("not-a-token")
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 401, "{path} with a wrong token");
    }
}

#[tokio::test]
async fn a_state_from_before_the_log_gets_a_leaf_per_disclosure() {
    let dir = tempfile::tempdir().unwrap();
    let (sb, lender) = seeded(30, Some(dir.path().to_path_buf())).await;
    let v1 = all_disclosures(&lender.client, 1000).await;
    sb.shutdown().await.unwrap();
    // What a sandbox of contract 1.x left behind: disclosures, no log.
    let db = rusqlite::Connection::open(dir.path().join("sandbox.sqlite3")).unwrap();
    db.execute_batch("DROP TABLE log_leaves; DELETE FROM meta WHERE key = 'disclosure_log';")
        .unwrap();
    drop(db);
    let again = khata_sandbox::start(SandboxConfig {
        state_dir: Some(dir.path().to_path_buf()),
        dev_token: Some(TOKEN.into()),
        ..SandboxConfig::default()
    })
    .await
    .unwrap();
    let lender = Lender {
        base: again.base_url().to_string(),
        ..lender
    };
    let (leaves, _) = lender.sync(1000).await;
    assert_eq!(leaves.len(), v1.len());
    for (leaf, d) in leaves.iter().zip(&v1) {
        check_leaf(leaf, d);
    }
    again.shutdown().await.unwrap();
}
