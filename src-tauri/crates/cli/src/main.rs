//! `khata`: the command line face of Khata. One module per subcommand under `cmd/`, so later
//! commands (verify, audit, export, connect, sync, consents, revoke, offer, vault status) slot in
//! without touching the others.

mod cmd;

use clap::Parser;

/// Khata: see, control and export the personal data you share with digital lenders.
#[derive(Debug, Parser)]
#[command(name = "khata", version, propagate_version = true)]
struct Cli {
    /// Say more on stderr: -v what is being done (info), -vv details (debug). $KHATA_LOG takes
    /// a full filter (e.g. `khata_engine=debug`). Warnings and errors always show.
    #[arg(short, long, action = clap::ArgAction::Count, global = true)]
    verbose: u8,
    #[command(subcommand)]
    command: cmd::Command,
}

/// The log filter: `-v`/`-vv` when given, else `$KHATA_LOG`, else `$RUST_LOG`, else warnings
/// only, so a script reading stderr sees what went wrong and not the engine's progress.
fn log_filter(verbose: u8, khata_log: Option<String>, rust_log: Option<String>) -> String {
    match verbose {
        0 => khata_log
            .or(rust_log)
            .filter(|f| !f.trim().is_empty())
            .unwrap_or_else(|| "warn".into()),
        1 => "info".into(),
        _ => "debug".into(),
    }
}

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    // Logs go to stderr so stdout stays for results.
    let filter = log_filter(
        cli.verbose,
        std::env::var("KHATA_LOG").ok(),
        std::env::var("RUST_LOG").ok(),
    );
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_new(&filter)
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .init();
    match cmd::run(cli.command) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("khata: {e:#}");
            std::process::ExitCode::from(2)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory as _;

    #[test]
    fn cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn logs_are_quiet_unless_asked() {
        assert_eq!(log_filter(0, None, None), "warn");
        assert_eq!(log_filter(1, None, None), "info");
        assert_eq!(log_filter(2, None, None), "debug");
        assert_eq!(log_filter(3, None, None), "debug");
        assert_eq!(
            log_filter(0, Some("khata_engine=debug".into()), Some("info".into())),
            "khata_engine=debug"
        );
        assert_eq!(log_filter(0, None, Some("info".into())), "info");
        assert_eq!(log_filter(0, Some(" ".into()), None), "warn");
        // -v wins over the environment: it is what was typed now.
        assert_eq!(log_filter(1, Some("error".into()), None), "info");
        let cli = Cli::try_parse_from(["khata", "-vv", "consents"]).unwrap();
        assert_eq!(cli.verbose, 2);
        let cli = Cli::try_parse_from(["khata", "timeline", "-v"]).unwrap();
        assert_eq!(cli.verbose, 1);
    }

    #[test]
    fn journey_flags_parse() {
        let cli = Cli::try_parse_from([
            "khata",
            "decide",
            "req-1",
            "--share",
            "sms_income",
            "device_age",
            "--refuse",
            "location",
        ])
        .unwrap();
        let cmd::Command::Decide { args, .. } = cli.command else {
            panic!("parsed as another command")
        };
        assert_eq!(args.request, "req-1");
        assert_eq!(args.share, ["sms_income", "device_age"]);
        assert_eq!(args.refuse, ["location"]);
        // Nothing named: a refusal of everything, which is allowed.
        assert!(Cli::try_parse_from(["khata", "decide", "req-1"]).is_ok());
        assert!(Cli::try_parse_from(["khata", "decide"]).is_err());
        assert!(Cli::try_parse_from(["khata", "requests", "--format", "json"]).is_ok());
        assert!(Cli::try_parse_from(["khata", "requests", "--format", "yaml"]).is_err());
        assert!(Cli::try_parse_from(["khata", "rights", "list"]).is_ok());
        let cli = Cli::try_parse_from([
            "khata",
            "rights",
            "request",
            "--lender",
            "l-1",
            "--kind",
            "human-review",
            "--details",
            "Please have a person look at my application.",
        ])
        .unwrap();
        let cmd::Command::Rights {
            cmd: cmd::rights::RightsCmd::Request(a),
            ..
        } = cli.command
        else {
            panic!("parsed as another command")
        };
        assert_eq!(a.kind, cmd::rights::RightsKindArg::HumanReview);
        assert!(
            Cli::try_parse_from(["khata", "rights", "request", "--lender", "l", "--kind", "x"])
                .is_err()
        );
        let cli =
            Cli::try_parse_from(["khata", "timeline", "--lender", "l-1", "--limit", "5"]).unwrap();
        let cmd::Command::Timeline { args, .. } = cli.command else {
            panic!("parsed as another command")
        };
        assert_eq!((args.lender.as_deref(), args.limit), (Some("l-1"), 5));
    }

    #[test]
    fn sandbox_flags_parse() {
        let cli = Cli::try_parse_from([
            "khata",
            "sandbox",
            "--port",
            "0",
            "--scenario",
            "over-collector",
            "--seed",
            "7",
            "--fault",
            "latency=20ms",
            "--fault",
            "error-rate=0.5",
        ])
        .unwrap();
        let cmd::Command::Sandbox(args) = cli.command else {
            panic!("parsed as another command")
        };
        let config = args.to_config().unwrap();
        assert_eq!(config.seed, 7);
        assert_eq!(config.scenario.name(), "over-collector");
        let f = config.faults.unwrap();
        assert_eq!((f.latency_ms, f.error_rate), (20, 0.5));
        assert!(Cli::try_parse_from(["khata", "sandbox", "--scenario", "nope"]).is_err());
        let cli = Cli::try_parse_from([
            "khata",
            "sandbox",
            "phone-report",
            "--scenario",
            "over-collector",
            "--format",
            "android-appops",
        ])
        .unwrap();
        let cmd::Command::Sandbox(args) = cli.command else {
            panic!("parsed as another command")
        };
        let Some(cmd::sandbox::SandboxCmd::PhoneReport(r)) = args.cmd else {
            panic!("phone-report is a subcommand of sandbox")
        };
        assert_eq!(r.format.name(), "android-appops");
        assert!(r.state.is_none() && r.out.is_none());
        // The server's flags and the report's do not mix.
        assert!(
            Cli::try_parse_from([
                "khata",
                "sandbox",
                "--port",
                "0",
                "phone-report",
                "--format",
                "ios"
            ])
            .is_err()
        );
    }

    #[test]
    fn export_redaction_flags_parse() {
        let parse = |args: &[&str]| {
            let cli = Cli::try_parse_from(args).unwrap();
            let cmd::Command::Export { args, .. } = cli.command else {
                panic!("parsed as another command")
            };
            args
        };
        let plain = parse(&["khata", "export", "--out", "x.json"]);
        assert!(plain.patterns().is_empty());
        let a = parse(&[
            "khata",
            "export",
            "--out",
            "x.json",
            "--redact",
            "bin",
            "--redact",
            "explanation.reasonCodes.*.text",
        ]);
        assert_eq!(a.patterns(), ["bin", "explanation.reasonCodes.*.text"]);
        // --advocate: the engine's defaults, then extra fields, each once.
        let a = parse(&[
            "khata",
            "export",
            "--out",
            "x.json",
            "--advocate",
            "--redact",
            "bin",
            "--redact",
            "onwardRecipient",
        ]);
        assert_eq!(
            a.patterns(),
            [
                "customerId",
                "valueDigest",
                "bin",
                "text",
                "onwardRecipient"
            ]
        );
        assert!(Cli::try_parse_from(["khata", "export", "--out", "x", "--redact"]).is_err());
    }

    #[test]
    fn donate_flags_parse() {
        let parse = |args: &[&str]| {
            let cli = Cli::try_parse_from(args).unwrap();
            let cmd::Command::Donate { args, .. } = cli.command else {
                panic!("parsed as another command")
            };
            args
        };
        let a = parse(&["khata", "donate", "--out", "d", "--note", "hi"]);
        assert_eq!(
            a.patterns().unwrap(),
            ["customerId", "valueDigest", "bin", "text"]
        );
        assert_eq!(a.note.as_deref(), Some("hi"));
        let a = parse(&["khata", "donate", "--out", "d", "--keep", "bin"]);
        assert_eq!(a.patterns().unwrap(), ["customerId", "valueDigest", "text"]);
        let a = parse(&[
            "khata",
            "donate",
            "--out",
            "d",
            "--redact",
            "onwardRecipient",
        ]);
        assert_eq!(a.patterns().unwrap().last().unwrap(), "onwardRecipient");
        let a = parse(&["khata", "donate", "--out", "d", "--keep", "customerId"]);
        assert!(
            a.patterns()
                .unwrap_err()
                .to_string()
                .contains("always withholds")
        );
        assert!(parse(&["khata", "donate", "--preview"]).out.is_none());
        // A folder is needed unless previewing; --redact and --keep do not mix.
        assert!(Cli::try_parse_from(["khata", "donate"]).is_err());
        assert!(
            Cli::try_parse_from([
                "khata", "donate", "--out", "d", "--redact", "a", "--keep", "bin"
            ])
            .is_err()
        );
    }

    #[test]
    fn phone_flags_parse() {
        let cli = Cli::try_parse_from([
            "khata",
            "phone",
            "import",
            "a.ndjson",
            "b.txt",
            "--app",
            "in.example",
            "--lender",
            "l-1",
            "--time-zone",
            "-03:30",
        ])
        .unwrap();
        let cmd::Command::Phone {
            cmd: cmd::phone::PhoneCmd::Import(a),
            ..
        } = cli.command
        else {
            panic!("parsed as another command")
        };
        assert_eq!(a.files.len(), 2);
        assert_eq!(a.app.as_deref(), Some("in.example"));
        assert_eq!(a.lender.as_deref(), Some("l-1"));
        assert_eq!(a.time_zone, Some(-210));
        assert!(Cli::try_parse_from(["khata", "phone", "import"]).is_err());
        assert!(Cli::try_parse_from(["khata", "phone", "list", "--format", "json"]).is_ok());
        assert!(Cli::try_parse_from(["khata", "phone", "list", "--format", "xml"]).is_err());
        let cli = Cli::try_parse_from([
            "khata",
            "phone",
            "capture",
            "--serial",
            "R58N123ABC",
            "--app",
            "in.example.app",
            "--lender",
            "l-1",
        ])
        .unwrap();
        let cmd::Command::Phone {
            cmd: cmd::phone::PhoneCmd::Capture(a),
            ..
        } = cli.command
        else {
            panic!("parsed as another command")
        };
        assert_eq!(a.serial.as_deref(), Some("R58N123ABC"));
        assert_eq!(a.app.as_deref(), Some("in.example.app"));
        assert_eq!(a.lender.as_deref(), Some("l-1"));
        assert!(Cli::try_parse_from(["khata", "phone", "capture"]).is_ok());
        assert!(Cli::try_parse_from(["khata", "phone", "devices"]).is_ok());
        assert!(Cli::try_parse_from(["khata", "phone", "capture", "x.txt"]).is_err());
    }

    #[test]
    fn pool_generate_flags_parse() {
        let cli = Cli::try_parse_from([
            "khata", "pool", "generate", "--donors", "40", "--out", "pool", "--seed", "3",
        ])
        .unwrap();
        let cmd::Command::Pool {
            cmd: cmd::pool::PoolCommand::Generate(a),
        } = cli.command
        else {
            panic!("parsed as another command")
        };
        assert_eq!((a.donors, a.seed, a.lenders, a.jobs), (40, 3, 6, 2));
        for bad in [
            &["--donors", "0", "--out", "p"][..],
            &["--donors", "2", "--out", "p", "--lenders", "7"],
            &["--donors", "2", "--out", "p", "--lenders", "0"],
            &["--out", "p"],
            &["--donors", "2"],
        ] {
            let args = ["khata", "pool", "generate"].iter().chain(bad);
            assert!(Cli::try_parse_from(args).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn verify_and_audit_flags_parse() {
        assert!(Cli::try_parse_from(["khata", "verify", "x.json"]).is_ok());
        assert!(Cli::try_parse_from(["khata", "verify"]).is_err());
        assert!(
            Cli::try_parse_from(["khata", "audit", "a.json", "dir", "--format", "html"]).is_ok()
        );
        assert!(Cli::try_parse_from(["khata", "audit", "a.json", "--format", "pdf"]).is_err());
    }
}
