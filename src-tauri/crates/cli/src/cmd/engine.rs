//! Headless faces of the engine, for QA scripts and auditors: the same `khata_engine::Engine`
//! the app uses, on the same vault (`KHATA_DATA_DIR`, else the app's data folder) and the same
//! keychain entry. Results are JSON on stdout.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use anyhow::Context as _;
use khata_engine::report_words::ReportLanguage;
use khata_engine::views::{ExportFormat, ExportOptions, Progress, RedactionSummary};
use khata_engine::{CustodyView, Engine, EngineConfig, Secret, VaultUnlock};
use zeroize::Zeroizing;

#[derive(Debug, clap::Args)]
pub struct EngineOpts {
    /// The data folder holding the vault (default: $KHATA_DATA_DIR, else the app's folder).
    #[arg(long, global = true, env = "KHATA_DATA_DIR")]
    pub data_dir: Option<PathBuf>,
    /// Passphrase mode, for machines without a keychain: read the passphrase from this file
    /// (`-` reads the first line of stdin); `$KHATA_PASSPHRASE` works too. A new vault is
    /// then created under the passphrase. Without either, a passphrase vault asks on the
    /// terminal.
    #[arg(long, global = true, value_name = "FILE")]
    pub passphrase_file: Option<PathBuf>,
}

#[derive(Debug, clap::Subcommand)]
pub enum VaultCmd {
    /// Where the vault is, its size, its ledger head and key custody.
    Status,
    /// Open the vault with its recovery key (keychain entry gone, passphrase forgotten, vault
    /// moved) and keep its key in the keychain again, or under a new passphrase.
    Restore(RestoreArgs),
}

#[derive(Debug, clap::Args)]
pub struct RestoreArgs {
    /// Read the recovery key from this file (`-` for stdin); otherwise it is asked for.
    #[arg(long, value_name = "FILE")]
    pub recovery_key_file: Option<PathBuf>,
    /// Keep the key under a new passphrase (from `--passphrase-file`, `$KHATA_PASSPHRASE` or
    /// asked twice) instead of the keychain.
    #[arg(long)]
    pub to_passphrase: bool,
}

#[derive(Debug, clap::Args)]
pub struct ConnectArgs {
    /// Lender URL, or `sandbox` for the built-in sandbox lender (no browser needed).
    pub url: String,
    /// Re-pin a lender whose identity changed: the offered fingerprint from the refusal, given
    /// after comparing it with the one the lender publishes.
    #[arg(long, value_name = "FINGERPRINT")]
    pub repin: Option<String>,
    /// With `sandbox`: the behaviour the built-in lender plays from its first start
    /// (salaried-good, thin-file, declined, over-collector, flaky).
    #[arg(long, value_name = "NAME")]
    pub scenario: Option<String>,
}

#[derive(Debug, clap::Args)]
pub struct RevokeArgs {
    pub consent: String,
    /// Revoke only these signals (repeatable); without it the whole consent.
    #[arg(long = "signal")]
    pub signals: Vec<String>,
}

#[derive(Debug, clap::Args)]
pub struct OfferArgs {
    /// Ask the lender for a what-if quote with these signals withheld (repeatable).
    #[arg(long = "without")]
    pub without: Vec<String>,
}

#[derive(Debug, clap::Args)]
pub struct ExportArgs {
    #[arg(long)]
    pub out: PathBuf,
    /// json: one document that `khata verify` checks offline; csv: a zip with one CSV per
    /// record kind; html: a printable report.
    #[arg(long, value_enum, default_value = "json")]
    pub format: ExportFormatArg,
    /// Withhold this field from the lenders' statements (repeatable; JSON only): a member's
    /// name (customerId, valueDigest, bin, text, onwardRecipient) or a dotted path with `*`
    /// for any array index (explanation.contributions.*.bin). Signatures still verify.
    #[arg(long = "redact", value_name = "FIELD")]
    pub redact: Vec<String>,
    /// An export to share with an advocate: withholds customerId, valueDigest, bin and text
    /// (see below), plus any --redact.
    #[arg(long)]
    pub advocate: bool,
    /// The language of the printable report (html): English or Hindi.
    #[arg(long, value_enum, default_value = "en")]
    pub lang: LangArg,
}

/// `--lang` of `khata export`: the engine's [`ReportLanguage`]s.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LangArg {
    En,
    Hi,
}

impl From<LangArg> for ReportLanguage {
    fn from(l: LangArg) -> Self {
        match l {
            LangArg::En => ReportLanguage::En,
            LangArg::Hi => ReportLanguage::Hi,
        }
    }
}

/// The end of `khata export --help`: what each field removes.
pub const REDACT_HELP: &str = "\
Sharing with an advocate (--advocate withholds the first four):
  customerId       the id the lender knows you by (consents, receipts)
  valueDigest      the digest of each collected value (a guessed value could be confirmed)
  bin              the band your value fell in, in each score explanation (income, location)
  text             free text: the consent's purpose in the lender's words, reasons given,
                   your own words in rights requests
  onwardRecipient  who the lender passed data to (not withheld by --advocate)
Only statements the lender signed in the redactable (v2) form can lose a value; v1 statements
are kept whole, and the summary says how many. Your requests stay whole: the ledger checks them.";

impl ExportArgs {
    /// The patterns to withhold: `--advocate`'s defaults, then each `--redact`, once each.
    pub fn patterns(&self) -> Vec<String> {
        let mut out = if self.advocate {
            khata_engine::redaction::advocate_patterns()
        } else {
            Vec::new()
        };
        for p in &self.redact {
            if !out.contains(p) {
                out.push(p.clone());
            }
        }
        out
    }
}

/// `--format` of `khata export`: the engine's [`ExportFormat`]s.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ExportFormatArg {
    Json,
    Csv,
    Html,
}

impl From<ExportFormatArg> for ExportFormat {
    fn from(f: ExportFormatArg) -> Self {
        match f {
            ExportFormatArg::Json => ExportFormat::Json,
            ExportFormatArg::Csv => ExportFormat::Csv,
            ExportFormatArg::Html => ExportFormat::Html,
        }
    }
}

/// The app's data folder (Tauri's app data dir for `org.khata.desktop`).
fn default_data_dir() -> anyhow::Result<PathBuf> {
    const ID: &str = "org.khata.desktop";
    let home = std::env::var_os("HOME").map(PathBuf::from);
    if cfg!(target_os = "macos") {
        return Ok(home
            .context("HOME is not set")?
            .join("Library/Application Support")
            .join(ID));
    }
    if cfg!(windows) {
        return Ok(
            PathBuf::from(std::env::var_os("APPDATA").context("APPDATA is not set")?).join(ID),
        );
    }
    let base = std::env::var_os("XDG_DATA_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| home.map(|h| h.join(".local/share")))
        .context("neither XDG_DATA_HOME nor HOME is set")?;
    Ok(base.join(ID))
}

fn data_dir(opts: &EngineOpts) -> anyhow::Result<PathBuf> {
    match &opts.data_dir {
        Some(d) => Ok(d.clone()),
        None => default_data_dir(),
    }
}

pub(crate) fn print(v: &impl serde::Serialize) -> anyhow::Result<ExitCode> {
    use std::io::Write as _;
    // A closed pipe (`| head`) is not an error worth a panic.
    let _ = writeln!(
        std::io::stdout().lock(),
        "{}",
        serde_json::to_string_pretty(v)?
    );
    Ok(ExitCode::SUCCESS)
}

/// A progress bar fed by the engine's `Progress` events.
pub(crate) fn bar() -> (
    indicatif::ProgressBar,
    impl Fn(Progress) + Send + Sync + 'static,
) {
    let b = super::progress_bar(true, "working");
    let b2 = b.clone();
    (b, move |p: Progress| {
        if let Some(t) = p.total {
            b2.set_length(t);
        }
        b2.set_message(format!("{} {}", p.task, p.phase));
        b2.set_position(p.done);
    })
}

/// What a redacted export withheld and what it could not, in words on stderr (the summary's
/// JSON on stdout says the same as data).
fn say_redaction(r: &RedactionSummary) {
    eprintln!("Withheld (signatures still verify):");
    if r.withheld.is_empty() {
        eprintln!("  nothing: no statement in the vault lets these fields be withheld");
    }
    for w in &r.withheld {
        eprintln!("  {} ×{}", w.path, w.count);
    }
    for w in &r.blanked {
        eprintln!(
            "  blanked {} ×{} (written by Khata, not signed)",
            w.path, w.count
        );
    }
    if r.not_redactable > 0 {
        eprintln!(
            "NOT withheld: {} statement(s) signed in the v1 form hold a field you asked to \
             withhold; they are kept whole (removing a value would break the lender's signature)",
            r.not_redactable
        );
    }
    for k in &r.kept {
        eprintln!("Kept whole: {k} (the ledger checks it byte for byte)");
    }
}

pub enum Op {
    Connect(ConnectArgs),
    Sync,
    Consents,
    Requests(super::journey::RequestsArgs),
    Decide(super::journey::DecideArgs),
    Rights(super::rights::RightsCmd),
    Timeline(super::journey::TimelineArgs),
    Revoke(RevokeArgs),
    Offer(OfferArgs),
    Export(ExportArgs),
    Donate(super::donate::DonateArgs),
    VaultStatus,
    VaultRestore(RestoreArgs),
    Phone(super::phone::PhoneCmd),
}

/// Reads a secret from a file (`-` = stdin), first line only, without its line ending.
fn read_secret_file(path: &std::path::Path) -> anyhow::Result<Secret> {
    let text = if path == std::path::Path::new("-") {
        let mut line = String::new();
        std::io::stdin().read_line(&mut line)?;
        line
    } else {
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?
    };
    let text = Zeroizing::new(text);
    let first = text.lines().next().unwrap_or_default();
    Ok(Arc::new(Zeroizing::new(first.to_owned())))
}

/// Asks on the terminal without echo; refuses when there is no terminal to ask on.
fn ask_secret(prompt: &str, what: &str) -> anyhow::Result<Secret> {
    use std::io::IsTerminal as _;
    if !std::io::stdin().is_terminal() {
        anyhow::bail!(
            "{what} is needed and there is no terminal to ask on: use --passphrase-file or \
             $KHATA_PASSPHRASE (or --recovery-key-file for `vault restore`)"
        );
    }
    Ok(Arc::new(Zeroizing::new(rpassword::prompt_password(
        prompt,
    )?)))
}

/// The passphrase given up front, if any (`--passphrase-file`, then `$KHATA_PASSPHRASE`).
fn given_passphrase(opts: &EngineOpts) -> anyhow::Result<Option<Secret>> {
    if let Some(f) = &opts.passphrase_file {
        return Ok(Some(read_secret_file(f)?));
    }
    Ok(std::env::var("KHATA_PASSPHRASE")
        .ok()
        .filter(|p| !p.is_empty())
        .map(|p| Arc::new(Zeroizing::new(p))))
}

/// A new passphrase: given up front, or typed twice.
fn new_passphrase(opts: &EngineOpts) -> anyhow::Result<Secret> {
    if let Some(p) = given_passphrase(opts)? {
        return Ok(p);
    }
    let first = ask_secret("New passphrase: ", "a new passphrase")?;
    let again = ask_secret("Type it again: ", "a new passphrase")?;
    anyhow::ensure!(first == again, "the two passphrases are not the same");
    Ok(first)
}

/// How to unlock for this command: a given passphrase, a prompt for a passphrase vault, or
/// the keychain.
fn unlock_for(opts: &EngineOpts, dir: &std::path::Path, op: &Op) -> anyhow::Result<VaultUnlock> {
    if let Op::VaultRestore(args) = op {
        let recovery_key = match &args.recovery_key_file {
            Some(f) => read_secret_file(f)?,
            None => ask_secret("Recovery key: ", "the recovery key")?,
        };
        let new_passphrase = if args.to_passphrase {
            Some(new_passphrase(opts)?)
        } else {
            None
        };
        return Ok(VaultUnlock::RecoveryKey {
            recovery_key,
            new_passphrase,
        });
    }
    if let Some(p) = given_passphrase(opts)? {
        return Ok(VaultUnlock::Passphrase(p));
    }
    if Engine::probe(dir)?.custody == Some(CustodyView::Passphrase) {
        return Ok(VaultUnlock::Passphrase(ask_secret(
            "Vault passphrase: ",
            "the vault's passphrase",
        )?));
    }
    Ok(VaultUnlock::Keychain)
}

pub fn run(opts: EngineOpts, op: Op) -> anyhow::Result<ExitCode> {
    let dir = data_dir(&opts)?;
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let unlock = unlock_for(&opts, &dir, &op)?;
    let rt = tokio::runtime::Runtime::new()?;
    rt.block_on(async move {
        let mut cfg = EngineConfig::new(&dir);
        cfg.unlock = unlock;
        cfg.sandbox = Some(Arc::new(khata_sandbox::launcher::Launcher::default()));
        // Only the sandbox needs to run for `connect sandbox`; other commands reach it if it
        // was connected before.
        cfg.start_sandbox_on_open = true;
        let (engine, recovery) = Engine::open(cfg).await.map_err(|e| {
            let hint = match e.code() {
                "keychain_unavailable" | "keychain_timeout" => {
                    "\nTo use passphrase mode instead, set $KHATA_PASSPHRASE or pass --passphrase-file."
                }
                "key_missing" => "\nRun `khata vault restore` with the vault's recovery key.",
                _ => "",
            };
            anyhow::anyhow!("{e}{hint}")
        })?;
        if let Some(r) = recovery {
            eprintln!(
                "A new vault was created in {}. Write down its recovery key, it is shown once:\n  {}",
                dir.display(),
                r.as_str()
            );
        }
        let out = run_op(&engine, &dir, op).await;
        engine.close().await;
        out
    })
}

async fn run_op(engine: &Engine, dir: &std::path::Path, op: Op) -> anyhow::Result<ExitCode> {
    match op {
        Op::Connect(a) => {
            let (b, p) = bar();
            let v = if a.url == "sandbox" {
                engine.connect_sandbox_playing(a.scenario, p).await?
            } else if a.scenario.is_some() {
                anyhow::bail!("--scenario is for the built-in sandbox lender: `connect sandbox`")
            } else {
                engine
                    .connect_repinning(&a.url, a.repin, |url| async move {
                        eprintln!("Open this address in a browser to authorise Khata:\n  {url}");
                        let _ = std::process::Command::new("xdg-open")
                            .arg(url.as_str())
                            .stdout(std::process::Stdio::null())
                            .stderr(std::process::Stdio::null())
                            .spawn();
                        Ok(())
                    })
                    .await?
            };
            b.finish_and_clear();
            print(&v)
        }
        Op::Sync => {
            let (b, p) = bar();
            let s = engine.sync_all(p).await?;
            b.finish_and_clear();
            print(&s)
        }
        Op::Consents => print(&engine.consents().await?),
        Op::Requests(a) => super::journey::requests(engine, a).await,
        Op::Decide(a) => super::journey::decide(engine, a).await,
        Op::Rights(cmd) => super::rights::run(engine, cmd).await,
        Op::Timeline(a) => super::journey::timeline(engine, a).await,
        Op::Revoke(a) => {
            let r = engine.revoke(&a.consent, a.signals).await?;
            // Try delivery now; the outbox keeps retrying on later runs if the lender is away.
            let _ = engine.deliver_outbox().await;
            print(&engine.revocation(&r.id).await.unwrap_or(r))
        }
        Op::Offer(a) => {
            if a.without.is_empty() {
                print(&engine.latest_offer().await?)
            } else {
                print(&engine.what_if(a.without).await?)
            }
        }
        Op::Export(a) => {
            let (b, p) = bar();
            let options = ExportOptions {
                redact: a.patterns(),
                language: a.lang.into(),
            };
            let s = engine
                .export(
                    &a.out,
                    a.format.into(),
                    options,
                    p,
                    Arc::new(AtomicBool::new(false)),
                )
                .await?;
            b.finish_and_clear();
            if let Some(r) = &s.redaction {
                say_redaction(r);
            }
            print(&s)
        }
        Op::Donate(a) => super::donate::run(engine, a).await,
        Op::Phone(cmd) => super::phone::run(engine, cmd).await,
        Op::VaultStatus => {
            let path = dir.join(khata_engine::VAULT_FILE);
            let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
            let (head, entries) = engine.verify_ledger().await?;
            print(&serde_json::json!({
                "path": path.display().to_string(),
                "bytes": size,
                "ledgerHead": head,
                "ledgerEntries": entries,
                "ledgerVerified": true,
                "keyCustody": engine.custody(),
            }))
        }
        Op::VaultRestore(_) => {
            let place = match engine.custody() {
                CustodyView::Keychain => "the system keychain",
                CustodyView::Passphrase => "your new passphrase",
            };
            eprintln!(
                "The vault opened with its recovery key; its key is kept under {place} from now on."
            );
            print(&serde_json::json!({ "restored": true, "keyCustody": engine.custody() }))
        }
    }
}
