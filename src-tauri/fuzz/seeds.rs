//! Writes the committed seed corpus from real components (run it again after a wire or export
//! format change):
//!
//! ```text
//! cargo run --manifest-path src-tauri/fuzz/Cargo.toml --example seeds
//! ```
//!
//! - `seeds/lender_responses/`: every response the client parses, captured from the sandbox
//!   lender over loopback (signed with the fixed key the fuzz target pins), plus error bodies.
//! - `seeds/verify_export/`: real exports from the engine and the sandbox `over-collector`:
//!   `connected.json` right after connecting (keys, catalogue, a short ledger) and
//!   `over-collector.json` after a grant, a what-if quote, a per-signal revocation and
//!   collection rounds (every kind of signed statement). Small on purpose: libFuzzer's speed
//!   falls with input size.
//! - `seeds/phone_reports/`: the phone-report fixtures of `khata-phone` behind the name byte the
//!   target reads (0 iOS report, 1 a saved dumpsys, 2 a bug report zip, 3 a capture bundle), a
//!   capture bundle of every section and a bug report zip made of the Android fixtures.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

use khata_engine::views::{ExportFormat, Progress, SignalChoice};
use khata_engine::{Engine, EngineConfig, MemoryTokenStore};
use khata_lending::client::fuzzing::{ENDPOINTS, Endpoint};
use khata_lending::{ClientConfig, LendingClient};
use khata_sandbox::launcher::Launcher;
use khata_sandbox::{SandboxConfig, Scenario};
use serde_json::{Value, json};

/// Must equal `LENDER_SEED` in fuzz_targets/lender_responses.rs.
const LENDER_SEED: [u8; 32] = [0x4b; 32];
const STATUSES: [u16; 12] = [200, 201, 204, 302, 400, 401, 404, 409, 422, 429, 500, 503];
const CONTENT_TYPES: [&str; 2] = ["application/json", "application/problem+json"];
const TOKEN: &str = "fuzz-seed-token";

fn dir(name: &str) -> PathBuf {
    let d = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("seeds")
        .join(name);
    std::fs::create_dir_all(&d).expect("seed dir");
    d
}

struct Capture {
    http: reqwest::Client,
    base: String,
    out: PathBuf,
}

impl Capture {
    /// Sends one request and saves the response as a `lender_responses` input.
    async fn save(
        &self,
        name: &str,
        endpoint: Endpoint,
        method: &str,
        path: &str,
        body: Option<Value>,
    ) -> Value {
        let url = format!("{}{path}", self.base);
        let mut req = match method {
            "GET" => self.http.get(&url),
            _ => self
                .http
                .post(&url)
                .header("Idempotency-Key", uuid_like(name))
                .json(&body.unwrap_or(json!({}))),
        };
        req = req.bearer_auth(TOKEN);
        let resp = req.send().await.expect("sandbox answers");
        let status = resp.status().as_u16();
        let ct = resp
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string();
        let bytes = resp.bytes().await.expect("body");
        let e = ENDPOINTS
            .iter()
            .position(|x| *x == endpoint)
            .expect("endpoint") as u8;
        let s = STATUSES
            .iter()
            .position(|x| *x == status)
            .unwrap_or_else(|| panic!("status {status}")) as u8;
        let c = CONTENT_TYPES
            .iter()
            .position(|x| ct.starts_with(x))
            .unwrap_or(0) as u8;
        let mut input = vec![e, s, c];
        input.extend_from_slice(&bytes);
        std::fs::write(self.out.join(name), input).expect("write seed");
        serde_json::from_slice(&bytes).unwrap_or(Value::Null)
    }
}

fn uuid_like(name: &str) -> String {
    let h = name
        .bytes()
        .fold(0u64, |h, b| h.wrapping_mul(31).wrapping_add(b as u64));
    format!("00000000-0000-4000-8000-{:012x}", h & 0xffff_ffff_ffff)
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    phone_reports();
    // --- lender responses, from the sandbox with the fixed key
    let state = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        state.path().join("lender-ed25519.key"),
        hex::encode(LENDER_SEED),
    )
    .expect("key");
    let sb = khata_sandbox::start(SandboxConfig {
        scenario: Scenario::OverCollector,
        state_dir: Some(state.path().to_path_buf()),
        dev_token: Some(TOKEN.into()),
        ..SandboxConfig::default()
    })
    .await
    .expect("sandbox starts");
    let out = dir("lender_responses");
    let cap = Capture {
        http: reqwest::Client::new(),
        base: sb.base_url().to_string(),
        out: out.clone(),
    };
    use Endpoint::*;
    cap.save(
        "discovery",
        Discovery,
        "GET",
        "/.well-known/khata-lender.json",
        None,
    )
    .await;
    let mut tok = LendingClient::connect(sb.base_url(), ClientConfig::default())
        .await
        .expect("connect")
        .authorize_headless("fuzz-seeds")
        .await
        .expect("token");
    // The shape as the lender sent it, not its (throwaway) secrets.
    tok.access_token = "seed-access-token".into();
    tok.refresh_token = tok.refresh_token.map(|_| "seed-refresh-token".into());
    let mut input = vec![
        ENDPOINTS.iter().position(|x| *x == Token).unwrap() as u8,
        0,
        0,
    ];
    input.extend_from_slice(&serde_json::to_vec(&tok).unwrap());
    std::fs::write(out.join("token"), input).unwrap();
    cap.save("catalog", Catalog, "GET", "/signals", None).await;
    let reqs = cap
        .save(
            "consent-requests",
            ConsentRequests,
            "GET",
            "/consent-requests",
            None,
        )
        .await;
    let req = &reqs["items"][0];
    let rid = req["requestId"].as_str().expect("a request");
    cap.save(
        "consent-request",
        ConsentRequest,
        "GET",
        &format!("/consent-requests/{rid}"),
        None,
    )
    .await;
    let decisions: Vec<Value> = req["signals"]
        .as_array()
        .unwrap()
        .iter()
        .enumerate()
        .map(|(n, s)| json!({"signal": s, "decision": if n % 4 == 3 { "DENY" } else { "GRANT" }}))
        .collect();
    let consent = cap
        .save(
            "decide",
            Decide,
            "POST",
            &format!("/consent-requests/{rid}/decision"),
            Some(json!({"decisions": decisions})),
        )
        .await;
    let cid = consent["consentId"]
        .as_str()
        .expect("a consent")
        .to_string();
    let first = consent["signalsGranted"][0].clone();
    sb.collect().expect("collect");
    cap.save("consents", Consents, "GET", "/consents", None)
        .await;
    cap.save("consent", Consent, "GET", &format!("/consents/{cid}"), None)
        .await;
    cap.save(
        "disclosures",
        Disclosures,
        "GET",
        "/disclosures?limit=3",
        None,
    )
    .await;
    cap.save(
        "disclosures-raw",
        DisclosuresWithRaw,
        "GET",
        "/disclosures?limit=2",
        None,
    )
    .await;
    // Contract v2's disclosure log: the latest head, a page with its head, a proof between
    // two heads (the same collected disclosures as leaves).
    cap.save("log-head", LogHead, "GET", "/v2/log/head", None)
        .await;
    cap.save(
        "log-entries",
        LogEntries,
        "GET",
        "/v2/log/entries?start=0&limit=3",
        None,
    )
    .await;
    cap.save(
        "log-consistency",
        LogConsistency,
        "GET",
        "/v2/log/consistency?first=1&second=3",
        None,
    )
    .await;
    let offers = cap.save("offers", Offers, "GET", "/offers", None).await;
    if let Some(oid) = offers["items"][0]["offerId"].as_str() {
        cap.save("offer", Offer, "GET", &format!("/offers/{oid}"), None)
            .await;
    }
    cap.save(
        "quote",
        Quote,
        "POST",
        "/quotes",
        Some(json!({"withhold": [first]})),
    )
    .await;
    let rr = cap
        .save(
            "rights-request",
            RightsRequest,
            "POST",
            "/rights-requests",
            Some(json!({"kind": "ERASURE", "detail": "delete my contacts"})),
        )
        .await;
    cap.save(
        "rights-requests",
        RightsRequests,
        "GET",
        "/rights-requests",
        None,
    )
    .await;
    if let Some(id) = rr["requestId"].as_str() {
        cap.save(
            "rights-request-get",
            RightsRequest,
            "GET",
            &format!("/rights-requests/{id}"),
            None,
        )
        .await;
    }
    cap.save(
        "receipt-revoke-signal",
        Receipt,
        "POST",
        &format!("/consents/{cid}/revoke"),
        Some(json!({"signals": [first]})),
    )
    .await;
    cap.save(
        "receipt-pause",
        Receipt,
        "POST",
        &format!("/consents/{cid}/pause"),
        None,
    )
    .await;
    cap.save(
        "receipt-resume",
        Receipt,
        "POST",
        &format!("/consents/{cid}/resume"),
        None,
    )
    .await;
    cap.save(
        "problem-404",
        Consent,
        "GET",
        "/consents/no-such-consent",
        None,
    )
    .await;
    cap.save(
        "problem-409",
        Decide,
        "POST",
        &format!("/consent-requests/{rid}/decision"),
        Some(json!({"decisions": []})),
    )
    .await;
    sb.shutdown().await.expect("shutdown");

    // --- a real export from the engine
    let data = tempfile::tempdir().expect("tempdir");
    let mut cfg = EngineConfig::new(data.path());
    cfg.key_store = Some(Arc::new(khata_vault::MemoryKeyStore::new()));
    cfg.token_store = Some(Arc::new(MemoryTokenStore::default()));
    cfg.sandbox = Some(Arc::new(Launcher::new(Scenario::OverCollector)));
    cfg.outbox_backoff_base = Duration::from_millis(5);
    cfg.outbox_backoff_cap = Duration::from_millis(50);
    let noop = |_: Progress| {};
    let (engine, _) = Engine::open(cfg).await.expect("engine");
    let lender = engine.connect_sandbox(noop).await.expect("connect");
    engine.sync(&lender.id, noop).await.expect("sync");
    let export = |name: &'static str| {
        let path = dir("verify_export").join(name);
        let engine = &engine;
        async move {
            engine
                .export(
                    &path,
                    ExportFormat::Json,
                    Default::default(),
                    |_| {},
                    Arc::new(AtomicBool::new(false)),
                )
                .await
                .expect("export")
                .bytes
        }
    };
    // Connected, nothing decided yet: a small valid export (keys, catalogue, a short ledger).
    let small = export("connected.json").await;
    let req = engine.consent_requests().await.expect("requests").remove(0);
    let choices = req
        .signals
        .iter()
        .map(|s| SignalChoice {
            signal: s.signal.id.clone(),
            grant: s.signal.id != "life_events",
        })
        .collect();
    let consent = engine.decide(&req.id, choices).await.expect("decide");
    engine.sync(&lender.id, noop).await.expect("sync");
    engine
        .what_if(vec!["sms_income".into()])
        .await
        .expect("what-if");
    engine
        .revoke(&consent.id, vec!["sms_income".into()])
        .await
        .expect("revoke");
    let _ = engine.deliver_outbox().await;
    engine.sandbox_collect().await.expect("collect");
    engine.sync(&lender.id, noop).await.expect("sync");
    let full = export("over-collector.json").await;
    engine.close().await;
    eprintln!(
        "seeds written: {} lender responses; exports of {small} and {full} bytes",
        std::fs::read_dir(&out).unwrap().count()
    );
}

/// `seeds/phone_reports/`: each input is the name byte of `fuzz_targets/phone_reports.rs`, then
/// the file.
fn phone_reports() {
    use std::io::Write;
    let out = dir("phone_reports");
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("../crates/phone/tests/fixtures");
    let seed = |name: &str, byte: u8, body: &[u8]| {
        let mut bytes = vec![byte];
        bytes.extend_from_slice(body);
        std::fs::write(out.join(name), bytes).expect("seed");
    };
    let mut android = Vec::new();
    for (sub, byte) in [("", 0u8), ("android", 1)] {
        let mut paths: Vec<PathBuf> = std::fs::read_dir(fixtures.join(sub))
            .expect("fixtures")
            .map(|e| e.expect("entry").path())
            .filter(|p| p.is_file())
            .collect();
        paths.sort();
        for path in paths {
            let body = std::fs::read(&path).expect("fixture");
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            seed(&name, byte, &body);
            if byte == 1 {
                android.push((name, body));
            }
        }
    }
    let section = |file: &str| {
        android
            .iter()
            .find(|(n, _)| n == file)
            .map(|(_, b)| b.clone())
            .expect("fixture")
    };
    let meta = khata_phone::CaptureMeta {
        serial: Some("R58N123ABC".into()),
        model: Some("SM-A515F".into()),
        android: Some("14".into()),
        sdk: Some(34),
        utc_offset_min: Some(330),
        device_time_ms: Some(1_764_650_000_123),
        package: "in.khata.sandbox.lender".into(),
    };
    let sections: Vec<(String, Vec<u8>)> = khata_phone::capture_sections(&meta.package)
        .into_iter()
        .zip([
            "dumpsys_package.txt",
            "dumpsys_appops_android14.txt",
            "cmd_appops_get.txt",
            "dumpsys_appops_discrete.txt",
        ])
        .map(|((name, _argv), file)| (name, section(file)))
        .collect();
    seed(
        "capture.txt",
        3,
        &khata_phone::write_bundle(&meta, &sections),
    );

    let mut text = b"== dumpstate: 2026-11-26 10:00:00\n[ro.product.model]: [SM-A515F]\nDUMP OF SERVICE appops:\n".to_vec();
    text.extend_from_slice(&section("dumpsys_appops_android14.txt"));
    text.extend_from_slice(b"DUMP OF SERVICE package:\n");
    text.extend_from_slice(&section("dumpsys_package.txt"));
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    zip.start_file("main_entry.txt", opts).expect("zip");
    zip.write_all(b"bugreport-a51.txt").expect("zip");
    zip.start_file("bugreport-a51.txt", opts).expect("zip");
    zip.write_all(&text).expect("zip");
    seed("bugreport.zip", 2, &zip.finish().expect("zip").into_inner());
}
