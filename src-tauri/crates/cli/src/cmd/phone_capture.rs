//! `khata phone capture` and `khata phone devices`: read a connected Android phone over adb
//! and import what it recorded about the lender's app, as the app's "Capture from the
//! connected phone" does. Failures say what to do (install adb, unlock the phone, pick a
//! phone or an app) with what to pick from.

use std::process::ExitCode;

use khata_engine::adb::AdbError;
use khata_engine::phone_words as words;
use khata_engine::views::AdbDevice;
use khata_engine::{Engine, EngineError};

#[derive(Debug, clap::Args)]
pub struct CaptureArgs {
    /// The phone to read, when several are connected (see `khata phone devices`).
    #[arg(long, value_name = "SERIAL")]
    pub serial: Option<String>,
    /// The lender's Android app id (default: the one a connected lender declares that is
    /// installed on the phone).
    #[arg(long, value_name = "ID")]
    pub app: Option<String>,
    /// The lender the evidence is about (default: the one declaring the app, else the only
    /// lender connected).
    #[arg(long, value_name = "ID")]
    pub lender: Option<String>,
}

/// Captures and imports, with a progress bar; the import's summary as JSON on stdout, what
/// was read from which phone in words on stderr.
pub async fn capture(engine: &Engine, args: CaptureArgs) -> anyhow::Result<ExitCode> {
    let (bar, progress) = super::engine::bar();
    let out = engine
        .phone_capture(args.serial, args.app, args.lender, progress)
        .await;
    bar.finish_and_clear();
    let summary = out.map_err(|e| anyhow::anyhow!(explain(&e)))?;
    let s = &summary.source;
    eprintln!(
        "{} from {} (Android {}) for {}: {} observation(s); times in the phone's time zone, \
         UTC{}.{}",
        s.app,
        s.device.model.as_deref().unwrap_or("the phone"),
        s.device.os_version.as_deref().unwrap_or("?"),
        s.lender_id.as_deref().unwrap_or("no lender"),
        summary.observations,
        s.utc_offset_min.map(words::offset_text).unwrap_or_default(),
        if summary.new {
            ""
        } else {
            " The same capture was already in the vault; nothing added."
        },
    );
    super::engine::print(&summary)
}

/// The phones adb sees, as JSON.
pub async fn devices(engine: &Engine) -> anyhow::Result<ExitCode> {
    let found = engine
        .phone_devices()
        .await
        .map_err(|e| anyhow::anyhow!(explain(&e)))?;
    if found.is_empty() {
        eprintln!("No phone found. Connect it with a USB cable and turn on USB debugging.");
    }
    super::engine::print(&found)
}

/// The engine's sentence, with what to pick from and the flag to pass.
pub fn explain(e: &EngineError) -> String {
    match e {
        EngineError::Adb(AdbError::SeveralDevices { devices }) => {
            let list: Vec<String> = devices.iter().map(device_line).collect();
            format!("{e}\n{}\nPass --serial SERIAL.", list.join("\n"))
        }
        EngineError::Adb(AdbError::ChooseApp { packages }) => format!(
            "{e}\n{}\nPass --app ID (the lender's app; its discovery document may declare it).",
            packages
                .iter()
                .map(|p| format!("  {p}"))
                .collect::<Vec<_>>()
                .join("\n")
        ),
        _ => e.to_string(),
    }
}

fn device_line(d: &AdbDevice) -> String {
    let state = serde_json::to_value(d.state)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default();
    format!(
        "  {}  {state}  {}",
        d.serial,
        d.model.as_deref().unwrap_or("")
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use khata_engine::views::AdbDeviceState;

    #[test]
    fn several_phones_and_apps_are_listed_with_the_flag_to_pass() {
        let e = EngineError::Adb(AdbError::SeveralDevices {
            devices: vec![
                AdbDevice {
                    serial: "A1".into(),
                    state: AdbDeviceState::Device,
                    model: Some("Pixel 7".into()),
                },
                AdbDevice {
                    serial: "B2".into(),
                    state: AdbDeviceState::Unauthorized,
                    model: None,
                },
            ],
        });
        let text = explain(&e);
        assert!(text.contains("  A1  device  Pixel 7"), "{text}");
        assert!(text.contains("  B2  unauthorized"), "{text}");
        assert!(text.ends_with("Pass --serial SERIAL."), "{text}");
        let e = EngineError::Adb(AdbError::ChooseApp {
            packages: vec!["com.example.notes".into(), "in.khata.sandbox.lender".into()],
        });
        let text = explain(&e);
        assert!(text.contains("\n  in.khata.sandbox.lender\n"), "{text}");
        assert!(text.contains("--app ID"), "{text}");
        let e = EngineError::Adb(AdbError::Unauthorized {
            serial: "A1".into(),
        });
        assert!(explain(&e).contains("accept"), "{}", explain(&e));
    }
}
