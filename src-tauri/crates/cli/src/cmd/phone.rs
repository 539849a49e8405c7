//! `khata phone …`: what the borrower's own phone recorded a lender's app doing. `import`
//! reads saved files (an iOS App Privacy Report, Android app-ops or permission dumps, a bug
//! report zip, a Khata capture) into the vault; `list` shows what is held. Results are JSON on
//! stdout; what a person should notice (the time zone assumed, lines that could not be read)
//! goes to stderr in words.

use std::path::PathBuf;
use std::process::ExitCode;

use khata_engine::Engine;
use khata_engine::phone_words as words;
use khata_engine::views::PhoneImportSummary;
use khata_evidence::phone::OffsetFrom;

#[derive(Debug, clap::Subcommand)]
pub enum PhoneCmd {
    /// Import files the phone saved (iOS App Privacy Report; Android dumpsys appops, cmd
    /// appops, dumpsys package, a bug report zip, or a Khata capture). The same file again
    /// adds nothing.
    Import(ImportArgs),
    /// List what the phone recorded: sources and observations.
    List(ListArgs),
    /// Read a connected Android phone over USB (adb, USB debugging on) and import what it
    /// recorded about the lender's app.
    Capture(super::phone_capture::CaptureArgs),
    /// The Android phones adb sees (serial, state, model), to pick one with --serial.
    Devices,
}

#[derive(Debug, clap::Args)]
pub struct ImportArgs {
    /// The files to import.
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// The lender's app (bundle id or package name), when the file holds several and no
    /// connected lender declares one of them.
    #[arg(long, value_name = "ID")]
    pub app: Option<String>,
    /// The lender the app belongs to, when it is not the one lender declaring the app or the
    /// only one connected.
    #[arg(long, value_name = "ID")]
    pub lender: Option<String>,
    /// The phone's time zone, for Android files whose times carry none (e.g. +05:30); this
    /// computer's by default.
    #[arg(long, value_name = "±HH:MM", value_parser = parse_time_zone, allow_hyphen_values = true)]
    pub time_zone: Option<i32>,
}

#[derive(Debug, clap::Args)]
pub struct ListArgs {
    #[arg(long, value_enum, default_value = "text")]
    pub format: ListFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ListFormat {
    Text,
    /// `{"phoneSources": […], "phoneObservations": […]}`, as in the JSON export.
    Json,
}

/// `+05:30`, `-03:00`, `+0530`, `+5`, `UTC+05:30`, `Z` → minutes east of UTC.
pub fn parse_time_zone(s: &str) -> Result<i32, String> {
    let bad = || format!("{s:?} is not a time zone offset such as +05:30 or -03:00");
    let trimmed = s.trim();
    if trimmed.is_empty() {
        return Err(bad());
    }
    let t = trimmed
        .strip_prefix("UTC")
        .or_else(|| trimmed.strip_prefix("GMT"))
        .unwrap_or(trimmed);
    if t.is_empty() || t == "Z" {
        return Ok(0);
    }
    let (sign, rest) = match t.as_bytes()[0] {
        b'+' => (1, &t[1..]),
        b'-' => (-1, &t[1..]),
        _ => return Err(bad()),
    };
    let (h, m) = match rest.split_once(':') {
        Some((h, m)) => (h, m),
        None if rest.len() == 4 => rest.split_at(2),
        None => (rest, "0"),
    };
    if h.is_empty() || h.len() > 2 || m.len() > 2 {
        return Err(bad());
    }
    let h: i32 = h.parse().map_err(|_| bad())?;
    let m: i32 = m.parse().map_err(|_| bad())?;
    if h > 14 || m > 59 || (h == 14 && m > 0) {
        return Err(bad());
    }
    Ok(sign * (h * 60 + m))
}

/// A hint for what to pass next, by the engine's error code.
fn hint(code: &str) -> &'static str {
    match code {
        "phone_choose_app" | "phone_app_not_in_file" => "\nPass --app with the lender's app.",
        "phone_choose_lender" => "\nPass --lender with the lender's id.",
        "phone_needs_time_zone" => "\nPass --time-zone with the phone's offset, e.g. +05:30.",
        _ => "",
    }
}

/// What an import kept, in words on stderr.
fn say(file: &std::path::Path, s: &PhoneImportSummary) {
    let src = &s.source;
    if s.new {
        eprintln!(
            "{}: {} observation(s) of {} for {} ({}, SHA-256 {}).",
            file.display(),
            s.observations,
            src.app,
            src.lender_id.as_deref().unwrap_or("no lender"),
            words::format_en(src.format),
            &src.sha256[..src.sha256.len().min(12)],
        );
    } else {
        eprintln!(
            "{}: already in the vault (imported as {}); nothing added.",
            file.display(),
            src.file_name
        );
    }
    if s.new && src.offset_from == OffsetFrom::Assumed {
        eprintln!(
            "  Its times carry no time zone; read in UTC{} (--time-zone to change).",
            src.utc_offset_min
                .map(words::offset_text)
                .unwrap_or_default()
        );
    }
    if src.malformed_lines > 0 {
        let first: Vec<String> = s.malformed_first.iter().map(u64::to_string).collect();
        eprintln!(
            "  {} line(s) could not be read and were skipped: {}{}.",
            src.malformed_lines,
            first.join(", "),
            if (first.len() as u64) < src.malformed_lines {
                ", …"
            } else {
                ""
            }
        );
    }
}

pub async fn run(engine: &Engine, cmd: PhoneCmd) -> anyhow::Result<ExitCode> {
    match cmd {
        PhoneCmd::Import(a) => import(engine, a).await,
        PhoneCmd::List(a) => list(engine, a).await,
        PhoneCmd::Capture(a) => super::phone_capture::capture(engine, a).await,
        PhoneCmd::Devices => super::phone_capture::devices(engine).await,
    }
}

async fn import(engine: &Engine, a: ImportArgs) -> anyhow::Result<ExitCode> {
    let offset = match a.time_zone {
        Some(m) => m,
        None => {
            let m = khata_engine::computer_utc_offset_min();
            eprintln!(
                "Android times without a time zone are read in this computer's, UTC{} \
                 (--time-zone to change).",
                words::offset_text(m)
            );
            m
        }
    };
    let mut done = Vec::new();
    let mut failed = false;
    for file in &a.files {
        let (b, p) = super::engine::bar();
        let out = engine
            .phone_import(file, a.app.clone(), a.lender.clone(), Some(offset), p)
            .await;
        b.finish_and_clear();
        match out {
            Ok(s) => {
                say(file, &s);
                done.push(s);
            }
            Err(e) => {
                failed = true;
                eprintln!("{}: {e}{}", file.display(), hint(e.code()));
            }
        }
    }
    super::engine::print(&done)?;
    Ok(if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

async fn list(engine: &Engine, a: ListArgs) -> anyhow::Result<ExitCode> {
    let sources = engine.phone_sources().await?;
    let observations = engine.phone_observations().await?;
    if a.format == ListFormat::Json {
        return super::engine::print(&serde_json::json!({
            "phoneSources": sources,
            "phoneObservations": observations,
        }));
    }
    use std::io::Write as _;
    let mut out = std::io::stdout().lock();
    if sources.is_empty() {
        let _ = writeln!(
            out,
            "Nothing from your phone yet: `khata phone import FILE`."
        );
        return Ok(ExitCode::SUCCESS);
    }
    let time = |ms: i64| {
        chrono::DateTime::from_timestamp_millis(ms)
            .map(|t| {
                t.with_timezone(&chrono::Local)
                    .format("%Y-%m-%d %H:%M %:z")
                    .to_string()
            })
            .unwrap_or_default()
    };
    for s in &sources {
        let _ = writeln!(
            out,
            "{} — {} of {} for {}; SHA-256 {}; times: {}",
            s.file_name,
            words::format_en(s.format),
            s.app,
            s.lender_id.as_deref().unwrap_or("no lender"),
            s.sha256,
            words::offset_en(s.offset_from, s.utc_offset_min),
        );
        for l in &s.limits {
            let _ = writeln!(out, "  · {}", words::limit_en(*l));
        }
        for o in observations.iter().filter(|o| o.source == s.sha256) {
            let what = match &o.network {
                Some(n) => format!(
                    "{} {}{}",
                    words::kind_en(o.kind),
                    n.domain,
                    if n.profiler { " (known profiler)" } else { "" }
                ),
                None => format!(
                    "{} {} ({})",
                    words::kind_en(o.kind),
                    words::resource_en(o.resource),
                    o.op
                ),
            };
            let span = if o.first_at == o.last_at {
                time(o.first_at)
            } else {
                format!("{} – {}", time(o.first_at), time(o.last_at))
            };
            let _ = writeln!(
                out,
                "  {span}  {what}{}{}{}",
                match words::state_en(o.state) {
                    "" => String::new(),
                    s => format!(" {s}"),
                },
                if o.count > 1 {
                    format!(", {} times", o.count)
                } else {
                    String::new()
                },
                if o.open_interval {
                    " (no end recorded)"
                } else {
                    ""
                },
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::parse_time_zone;

    #[test]
    fn time_zones_are_read_as_offsets() {
        assert_eq!(parse_time_zone("+05:30"), Ok(330));
        assert_eq!(parse_time_zone("-03:00"), Ok(-180));
        assert_eq!(parse_time_zone("+0545"), Ok(345));
        assert_eq!(parse_time_zone("+5"), Ok(300));
        assert_eq!(parse_time_zone("UTC+05:30"), Ok(330));
        assert_eq!(parse_time_zone("Z"), Ok(0));
        assert_eq!(parse_time_zone("+14:00"), Ok(840));
        for bad in ["05:30", "+15:00", "+05:60", "+x", "IST", "+123:00", "", "+"] {
            assert!(parse_time_zone(bad).is_err(), "{bad}");
        }
    }
}
