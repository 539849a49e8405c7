//! The whole journey in Hindi on the real binary, against an over-collecting sandbox lender:
//! every screen a borrower reaches (Home, Connect, the consent request, Consents, the offer and
//! its what-if, the timeline and a disclosure's evidence, rights, the audit with its findings
//! and the grievance letter, export, verify, the phone screen, About), each read as the
//! borrower sees it (`document.body.innerText`) and checked for English: any word in Latin
//! letters that is not a name, a number, an identifier or an allowed abbreviation fails the
//! test, which lists every such word with its screen. And the Devanagari glyphs render with the
//! bundled font, not as the missing-glyph box: on a machine without a Devanagari font every
//! Hindi word would otherwise be a row of empty boxes.
//!
//! The unlock screen is not reached here: it shows only when the system keychain fails
//! (tests/e2e/unlock.rs and keychain_timeout.rs drive it).

use std::collections::BTreeSet;
use std::time::Duration;

use crate::harness::{Profile, Session, devanagari};

/// Words in Latin letters a Hindi screen may show, each with why.
const ALLOWED: &[&str] = &[
    // The app's name, as its brand is written.
    "Khata",
    // The sandbox lender's name ("Khata Sandbox Lender (over-collector)"): a name.
    "Sandbox",
    "Lender",
    // The sandbox's onward recipient, by its name in the lender's consent request.
    "Credit",
    "information",
    "company",
    // The names in the sandbox lender's Key Fact Statement: its regulated entity ("Sandbox
    // Finance Private Limited (fictional NBFC)"), its lending service provider ("Khata Sandbox
    // Loans") and its grievance officer ("Asha Verma"), shown as the lender states them.
    "Finance",
    "Private",
    "Limited",
    "fictional",
    "NBFC",
    "Loans",
    "Asha",
    "Verma",
    // Abbreviations a borrower meets in Latin letters on Indian loan papers and in the law.
    "KFS",
    "APR",
    "EMI",
    "RBI",
    "DPDP",
    "KYC",
    "PAN",
    "SMS",
    // Names of the standards and formats the export and its check name.
    "SHA-256",
    "JSON",
    "CSV",
    "HTML",
    "zip",
    "DPV",
    "W3C",
    "ISO",
    "IEC",
    "TS",
    // Time zones are read as UTC offsets (UTC+05:30).
    "UTC",
    // Phones, their systems and the tool that reads them, by name.
    "iPhone",
    "iOS",
    "Android",
    "USB",
    "adb",
    "AirDrop",
    "Google",
    "Debian",
    "Ubuntu",
    "Linux",
    "Windows",
    "macOS",
    // The GPS of "exact location (GPS)".
    "GPS",
    // Android's own commands whose output the phone screen reads, named as they are typed.
    "dumpsys",
    "appops",
    "cmd",
    // The explanation method a lender may name (SHapley Additive exPlanations).
    "SHAP",
];

/// How long to wait for a screen to settle into Hindi (data loads after the heading).
const SETTLE: Duration = Duration::from_millis(600);

/// The visible text of the window as the borrower reads it. `pre` and `code` are left out:
/// they show identifiers and the lenders' signed statements byte for byte (JSON), which are
/// machine text on purpose; the grievance letter, also in a `pre`, is checked on its own.
async fn visible_text(app: &Session) -> String {
    let script = r#"
        const hidden = [...document.querySelectorAll('pre, code, kbd, samp')];
        const saved = hidden.map((e) => e.style.display);
        hidden.forEach((e) => { e.style.display = 'none'; });
        const text = document.body.innerText;
        hidden.forEach((e, i) => { e.style.display = saved[i]; });
        return text;
    "#;
    app.client
        .execute(script, vec![])
        .await
        .expect("read the window's text")
        .as_str()
        .unwrap_or_default()
        .to_string()
}

/// Whether `token` (a word with the punctuation around it removed) is an identifier: ids,
/// hashes, codes, file names and paths carry digits, `_`, `:`, `/`, `.`, `@`, `=` or an
/// inner `-` (`c-1`, `sha256:9f…`, `pd:Income`, `credit-underwriting`, `khata.json`).
fn identifier(token: &str) -> bool {
    token.chars().any(|c| c.is_ascii_digit())
        || token.contains(['_', ':', '/', '.', '@', '=', '#', '\\'])
        || token.trim_matches('-').contains('-')
}

/// Text inside “…” left out where `skip` says so: on the phone screen, Hindi steps quote the
/// phone's own menu labels exactly as the phone shows them; anywhere, a quoted command to type
/// (“khata verify”, “sudo apt install adb”: lower-case letters, digits, spaces, `-._/`).
fn without_quoted(text: &str, skip: impl Fn(&str) -> bool) -> String {
    let mut out = String::with_capacity(text.len());
    let mut quoted: Option<String> = None;
    for c in text.chars() {
        match (c, quoted.as_mut()) {
            ('“', None) => quoted = Some(String::new()),
            ('”', Some(q)) => {
                if !skip(q) {
                    out.push_str(q);
                }
                out.push(' ');
                quoted = None;
            }
            (c, Some(q)) => q.push(c),
            (c, None) => out.push(c),
        }
    }
    if let Some(q) = quoted {
        out.push_str(&q);
    }
    out
}

/// A quoted command to type: nothing but lower-case ASCII, digits, spaces and `-._/`.
fn command(quoted: &str) -> bool {
    quoted
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || " -._/".contains(c))
}

/// The words in Latin letters in `text` that are neither allowed nor identifiers.
fn english_words(text: &str) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    for raw in text.split(|c: char| c.is_whitespace() || "()[]{},;।“”\"'‘’·–—?!|›<>*".contains(c))
    {
        let token = raw.trim_matches(|c: char| ".:…".contains(c));
        if !token.chars().any(|c| c.is_ascii_alphabetic()) {
            continue;
        }
        if ALLOWED.contains(&token) || identifier(token) {
            continue;
        }
        found.insert(token.to_string());
    }
    found
}

/// What the check found, screen by screen.
#[derive(Default)]
struct Findings {
    english: Vec<String>,
    screens: Vec<String>,
}

impl Findings {
    /// Reads the window as it is now and notes any English; saves a Hindi screenshot.
    async fn screen(&mut self, app: &Session, name: &str) {
        tokio::time::sleep(SETTLE).await;
        let text = visible_text(app).await;
        assert!(devanagari(&text), "{name} is not in Hindi: {text}");
        let text = if name == "phone" {
            without_quoted(&text, |_| true)
        } else {
            without_quoted(&text, command)
        };
        let words = english_words(&text);
        if !words.is_empty() {
            self.english.push(format!(
                "{name}: {}",
                words.into_iter().collect::<Vec<_>>().join(", ")
            ));
        }
        self.screens.push(name.to_string());
        app.snap(&format!("hi-{name}")).await;
    }

    /// The same for one element's text (the grievance letter, which sits in a `pre`).
    async fn element(&mut self, app: &Session, test_id: &str) {
        let text = app.text(test_id).await;
        assert!(devanagari(&text), "{test_id} is not in Hindi: {text}");
        let words = english_words(&without_quoted(&text, command));
        if !words.is_empty() {
            self.english.push(format!(
                "{test_id}: {}",
                words.into_iter().collect::<Vec<_>>().join(", ")
            ));
        }
        self.screens.push(test_id.to_string());
    }
}

/// Opens a screen from the sidebar and waits for its heading.
async fn open(app: &Session, nav: &str, heading: &str) {
    app.click(nav).await;
    app.find(heading).await;
}

/// The bundled Devanagari face is what draws Hindi: loading the face for a Devanagari letter
/// finds the app's own `@font-face` (without it the list is empty, whatever fonts the system
/// has) and it loads; then the glyph draws wider than nothing and unlike the missing-glyph box
/// (a code point no font has, U+0378).
async fn devanagari_renders(app: &Session) {
    let script = r#"
        const done = arguments[arguments.length - 1];
        (async () => {
          const faces = await document.fonts.load('16px "Noto Sans Devanagari"', 'क');
          const loaded = faces.filter((f) => f.family.replace(/"/g, '') === 'Noto Sans Devanagari' && f.status === 'loaded');
          const canvas = document.createElement('canvas');
          const ctx = canvas.getContext('2d');
          ctx.font = '32px "Noto Sans Devanagari"';
          const glyph = ctx.measureText('कखगघ').width;
          const missing = ctx.measureText('\u0378\u0378\u0378\u0378').width;
          done({ faces: faces.length, loaded: loaded.length, check: document.fonts.check('16px "Noto Sans Devanagari"', 'क'), glyph, missing });
        })().catch((e) => done({ error: String(e) }));
    "#;
    let result = app
        .client
        .execute_async(script, vec![])
        .await
        .expect("measure Devanagari");
    assert!(result.get("error").is_none(), "{result}");
    assert!(
        result["loaded"].as_u64().unwrap_or(0) >= 1,
        "the bundled Devanagari face did not load: {result}"
    );
    assert_eq!(result["check"], serde_json::Value::Bool(true), "{result}");
    let glyph = result["glyph"].as_f64().unwrap_or(0.0);
    let missing = result["missing"].as_f64().unwrap_or(0.0);
    assert!(
        glyph > 0.0 && (glyph - missing).abs() > 1.0,
        "Devanagari draws like the missing-glyph box: {result}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn every_screen_reads_in_hindi() {
    let save_dir = tempfile::tempdir().expect("save dir");
    let mut profile = Profile::new();
    profile
        .env
        .push(("KHATA_SANDBOX_SCENARIO".into(), "over-collector".into()));
    profile.env.push((
        "KHATA_E2E_SAVE_PATH".into(),
        save_dir
            .path()
            .join("hindi.khata.json")
            .display()
            .to_string(),
    ));
    let app = Session::launch_with(profile).await;
    app.acknowledge_recovery_key().await;
    app.find("language")
        .await
        .select_by_value("hi")
        .await
        .expect("choose Hindi");
    let mut found = Findings::default();

    found.screen(&app, "home-empty").await;
    devanagari_renders(&app).await;

    app.click("about-open").await;
    app.find("about-version").await;
    found.screen(&app, "about").await;
    app.click("about-close").await;

    app.click("connect-lender").await;
    app.find("connect-sandbox").await;
    found.screen(&app, "connect").await;
    app.click("connect-sandbox").await;
    let lender = khata_engine::SANDBOX_LENDER_ID;
    app.find(&format!("home-lender-{lender}")).await;
    found.screen(&app, "home-request-waiting").await;

    // The consent request: every signal starts not shared; share them (the quote and each
    // signal's cost show), give the consent.
    open(&app, "nav-requests", "request-submit").await;
    found.screen(&app, "consent-request").await;
    app.share_requested_except(&[]).await;
    found.screen(&app, "consent-request-shared").await;
    app.click("request-submit").await;
    app.find("request-decided").await;
    found.screen(&app, "consent-given").await;

    app.click("nav-home").await;
    app.click(&format!("home-sync-{lender}")).await;
    app.wait_for_disclosures().await;
    found.screen(&app, "home").await;

    open(&app, "nav-consents", "consents-heading").await;
    found.screen(&app, "consents").await;

    open(&app, "nav-offer", "offer-score").await;
    found.screen(&app, "offer").await;
    app.click("whatif-signal-sms_income").await;
    app.click("whatif-submit").await;
    app.find("whatif-quote-score").await;
    found.screen(&app, "what-if").await;

    open(&app, "nav-timeline", "timeline-row").await;
    found.screen(&app, "timeline").await;
    app.click("timeline-row").await;
    app.find("evidence-statement").await;
    found.screen(&app, "evidence").await;
    app.click("evidence-close").await;

    open(&app, "nav-rights", "rights-heading").await;
    found.screen(&app, "rights").await;

    open(&app, "nav-audit", "audit-summary").await;
    app.find("finding-critical-0")
        .await
        .find(fantoccini::Locator::Css("summary"))
        .await
        .expect("a finding's summary")
        .click()
        .await
        .expect("open the finding");
    found.screen(&app, "audit").await;
    // The letter asks for the borrower's name first (nothing is kept under Your details yet),
    // then opens in an editor and a preview, all in Hindi.
    app.click(&format!("grievance-read-{lender}")).await;
    app.find("grievance-name-form").await;
    found.screen(&app, "grievance-name").await;
    app.find("grievance-name")
        .await
        .send_keys("आशा वर्मा")
        .await
        .expect("type the name");
    app.click("grievance-name-save").await;
    app.click("grievance-preview").await;
    found.element(&app, "grievance-letter-text").await;
    app.click("grievance-letter-close").await;

    open(&app, "nav-export", "export-heading").await;
    found.screen(&app, "export").await;
    app.click("export-format-json").await;
    app.click("export-start").await;
    app.find("export-summary").await;
    found.screen(&app, "export-done").await;

    open(&app, "nav-verify", "verify-heading").await;
    found.screen(&app, "verify").await;

    open(&app, "nav-phone", "phone-heading").await;
    found.screen(&app, "phone").await;

    assert!(
        found.english.is_empty(),
        "English on Hindi screens (checked: {}):\n{}",
        found.screens.join(", "),
        found.english.join("\n")
    );
    app.close().await;
}

/// The word check itself, without the app: names, numbers, identifiers and allowed
/// abbreviations pass; English words do not.
#[test]
fn names_numbers_and_identifiers_pass_and_english_words_do_not() {
    let text = "खाता · Khata Sandbox Lender (over-collector) ने 29 नवंबर 2026, 16:05 को c-1 में \
                pd:Income, sha256:9f86d0…, ₹1,00,000 और SHA-256 के साथ Income from SMS लिया।";
    let found: Vec<String> = english_words(text).into_iter().collect();
    assert_eq!(found, ["Income", "from"]);
    assert_eq!(without_quoted("“Settings” खोलें", |_| true), "  खोलें");
    assert_eq!(
        without_quoted("“khata verify” से, “Income” की", command),
        "  से, Income  की"
    );
}
