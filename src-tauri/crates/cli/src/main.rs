//! `khata`: the command line face of Khata. One module per subcommand under `cmd/`, so later
//! commands (verify, audit, export, connect, sync, consents, revoke, offer, vault status) slot in
//! without touching the others.

mod cmd;

use clap::Parser;

/// Khata: see, control and export the personal data you share with digital lenders.
#[derive(Debug, Parser)]
#[command(name = "khata", version, propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    command: cmd::Command,
}

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    // Logs go to stderr so stdout stays for results; RUST_LOG refines the level.
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
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
    fn verify_and_audit_flags_parse() {
        assert!(Cli::try_parse_from(["khata", "verify", "x.json"]).is_ok());
        assert!(Cli::try_parse_from(["khata", "verify"]).is_err());
        assert!(
            Cli::try_parse_from(["khata", "audit", "a.json", "dir", "--format", "html"]).is_ok()
        );
        assert!(Cli::try_parse_from(["khata", "audit", "a.json", "--format", "pdf"]).is_err());
    }
}
