//! Reading a connected Android phone through adb, the Android Debug Bridge: which phones are
//! connected, and the outputs a phone-evidence capture needs (app-ops, permissions, the
//! device's model, OS version, time zone and clock).
//!
//! Khata runs the `adb` binary (Debian's `adb` package; Android platform-tools elsewhere)
//! rather than speaking adb's protocol itself: the binary starts and owns the adb server, holds
//! the computer's adb key the phone was asked to trust, and knows every USB quirk; a Rust
//! client would still need that server and brings a larger dependency for a few commands
//! (`docs/phone-evidence.md`, "Capturing over adb"). Every call runs under a deadline with
//! its output capped, so a hung phone or server never leaves the app waiting.
//!
//! Errors are kinds with parameters ([`AdbError`]); the faces word them for the borrower.

pub mod parse;

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use tokio::io::{AsyncRead, AsyncReadExt};
use ts_rs::TS;

use crate::views::Progress;

/// The environment variable naming the adb binary to use (no search when set).
pub const ADB_ENV: &str = "KHATA_ADB";
/// How long one adb call may take by default: listing devices, one property, one dumpsys.
pub const DEFAULT_DEADLINE: Duration = Duration::from_secs(30);
/// The most one command may print; more is refused rather than held in memory.
pub const MAX_OUTPUT: usize = 64 << 20;

/// A phone as `adb devices -l` lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AdbDevice {
    pub serial: String,
    pub state: AdbDeviceState,
    /// The model adb reports (`model:`), spaces restored; `None` until authorised.
    pub model: Option<String>,
}

/// Whether a connected phone can be read, and if not, what the borrower can do about it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum AdbDeviceState {
    /// Authorised: it can be read.
    Device,
    /// The phone has not (yet) accepted this computer's key: unlock it and accept the prompt.
    Unauthorized,
    /// Connected but not answering (or still connecting): reconnect the cable.
    Offline,
    /// The computer's USB permissions do not let adb open it (Linux udev rules).
    NoPermissions,
    /// Booted into recovery or sideload mode rather than Android.
    Recovery,
    /// Any other state adb reports (bootloader, host…).
    Other,
}

/// Why adb could not read the phone: a kind for the faces to word, with what they need to show.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AdbError {
    /// No adb binary where Khata looks (`looked_in` lists the places, for the log and the guide).
    #[error(
        "Khata could not find adb, the Android tool it reads a phone through. Install it (the \
         adb package on Debian and Ubuntu, Android platform-tools on Windows and macOS), or set \
         KHATA_ADB to its path."
    )]
    Missing { looked_in: Vec<String> },
    /// No phone connected (or not the one named).
    #[error("No phone is connected{}. Connect it with a USB cable and turn on USB debugging.",
        .serial.as_ref().map(|s| format!(" with serial {s}")).unwrap_or_default())]
    NoDevice { serial: Option<String> },
    #[error(
        "The phone {serial} has not allowed this computer yet. Unlock the phone and accept the \
         \"Allow USB debugging?\" prompt, then try again."
    )]
    Unauthorized { serial: String },
    #[error("Several phones are connected ({}). Choose one.",
        .devices.iter().map(|d| d.serial.as_str()).collect::<Vec<_>>().join(", "))]
    SeveralDevices { devices: Vec<AdbDevice> },
    /// Connected but not ready (offline, recovery, bootloader…).
    #[error(
        "The phone {serial} is connected but not ready. Unplug it, plug it in again, and make \
         sure it has started normally."
    )]
    NotReady {
        serial: String,
        state: AdbDeviceState,
    },
    #[error(
        "This computer does not let Khata open the phone {serial} over USB. On Linux, install \
         the android-sdk-platform-tools-common package (its udev rules), then reconnect."
    )]
    NoPermission { serial: String },
    #[error("The app {package} is not installed on the phone.")]
    PackageNotInstalled { package: String },
    /// No app was named and the lender declares none: these are the phone's own apps (not
    /// system apps) to choose from.
    #[error("Choose the lender's app among the apps on the phone.")]
    ChooseApp { packages: Vec<String> },
    #[error("{package:?} is not an Android app id.")]
    InvalidPackage { package: String },
    #[error(
        "The phone did not answer in time ({step}, {seconds} s). Check that it is connected and \
         unlocked, then try again."
    )]
    Timeout { step: String, seconds: u64 },
    /// adb or the phone failed; `detail` is adb's own text, for the log only.
    #[error(
        "Khata could not read the phone ({step}). Check that it is connected and unlocked, then \
         try again."
    )]
    Failed { step: String, detail: String },
}

impl AdbError {
    /// Stable snake_case code for the faces (the UI's message catalogue, the shell's error).
    pub fn code(&self) -> &'static str {
        match self {
            Self::Missing { .. } => "adb_missing",
            Self::NoDevice { .. } => "adb_no_device",
            Self::Unauthorized { .. } => "adb_unauthorized",
            Self::SeveralDevices { .. } => "adb_several_devices",
            Self::NotReady { .. } => "adb_offline",
            Self::NoPermission { .. } => "adb_no_permission",
            Self::PackageNotInstalled { .. } => "phone_app_not_installed",
            Self::ChooseApp { .. } => "adb_choose_app",
            Self::InvalidPackage { .. } => "invalid_input",
            Self::Timeout { .. } | Self::Failed { .. } => "adb_failed",
        }
    }

    fn failed(step: &str, detail: impl Into<String>) -> Self {
        let detail = detail.into();
        tracing::warn!(step, detail = %detail, "adb failed");
        Self::Failed {
            step: step.to_string(),
            detail,
        }
    }
}

/// Where to find adb and which server to talk to: the engine's configuration.
#[derive(Debug, Clone, Default)]
pub struct AdbSettings {
    /// The binary; `None` looks for it ([`Adb::locate`]).
    pub program: Option<PathBuf>,
    /// The adb server's port (`adb -P`); `None` is adb's own choice (5037, or
    /// `ANDROID_ADB_SERVER_PORT`).
    pub server_port: Option<u16>,
    /// Per-call deadline; `None` is [`DEFAULT_DEADLINE`].
    pub deadline: Option<Duration>,
}

/// The properties and outputs of one capture: what the bundle is written from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Captured {
    pub serial: String,
    /// `ro.product.model`, `ro.build.version.release`, `ro.build.version.sdk`.
    pub model: Option<String>,
    pub android: Option<String>,
    pub sdk: Option<u32>,
    /// The phone's zone (`date +%z`), minutes east of UTC: dumpsys prints local times without one.
    pub utc_offset_min: i32,
    /// The phone's clock (Unix ms) just before the sections ran: `cmd appops get` prints
    /// times relative to it.
    pub device_time_ms: i64,
    pub package: String,
    /// Each section's name and the command's output, verbatim, in the order asked.
    pub sections: Vec<(String, Vec<u8>)>,
}

/// One adb binary and server.
#[derive(Debug, Clone)]
pub struct Adb {
    program: PathBuf,
    server_port: Option<u16>,
    deadline: Duration,
}

struct Output {
    success: bool,
    stdout: Vec<u8>,
    stderr: String,
}

impl Adb {
    /// The adb of `settings`, else found by [`Adb::locate`] in this process's environment.
    pub fn from_settings(settings: &AdbSettings) -> Result<Adb, AdbError> {
        let program = match &settings.program {
            Some(p) if p.is_file() => p.clone(),
            Some(p) => {
                return Err(AdbError::Missing {
                    looked_in: vec![p.display().to_string()],
                });
            }
            None => Self::locate(|k| std::env::var_os(k))?,
        };
        Ok(Adb {
            program,
            server_port: settings.server_port,
            deadline: settings.deadline.unwrap_or(DEFAULT_DEADLINE),
        })
    }

    /// Finds the adb binary: `KHATA_ADB` when set (and nowhere else), then `PATH`, then the
    /// SDK's `platform-tools` (`ANDROID_HOME`, `ANDROID_SDK_ROOT`, the SDK's usual home on
    /// macOS and Windows). `env` reads the environment (injected for tests).
    pub fn locate(env: impl Fn(&str) -> Option<OsString>) -> Result<PathBuf, AdbError> {
        let exe = if cfg!(windows) { "adb.exe" } else { "adb" };
        if let Some(p) = env(ADB_ENV).filter(|p| !p.is_empty()) {
            let p = PathBuf::from(p);
            return if p.is_file() {
                Ok(p)
            } else {
                Err(AdbError::Missing {
                    looked_in: vec![format!("{ADB_ENV}={}", p.display())],
                })
            };
        }
        let mut dirs: Vec<PathBuf> = env("PATH")
            .map(|p| std::env::split_paths(&p).collect())
            .unwrap_or_default();
        for var in ["ANDROID_HOME", "ANDROID_SDK_ROOT"] {
            if let Some(sdk) = env(var).filter(|p| !p.is_empty()) {
                dirs.push(Path::new(&sdk).join("platform-tools"));
            }
        }
        if cfg!(target_os = "macos")
            && let Some(home) = env("HOME")
        {
            dirs.push(Path::new(&home).join("Library/Android/sdk/platform-tools"));
        }
        if cfg!(windows)
            && let Some(local) = env("LOCALAPPDATA")
        {
            dirs.push(Path::new(&local).join(r"Android\Sdk\platform-tools"));
        }
        dirs.iter()
            .map(|d| d.join(exe))
            .find(|p| p.is_file())
            .ok_or_else(|| AdbError::Missing {
                looked_in: dirs.iter().map(|d| d.display().to_string()).collect(),
            })
    }

    /// The binary this runs.
    pub fn program(&self) -> &Path {
        &self.program
    }

    /// Starts the adb server (adb does so itself on first use; tests start theirs on a
    /// private port).
    pub async fn start_server(&self) -> Result<(), AdbError> {
        let out = self.run("start-server", &["start-server"]).await?;
        if out.success {
            Ok(())
        } else {
            Err(AdbError::failed("start-server", out.stderr))
        }
    }

    /// Stops the adb server.
    pub async fn kill_server(&self) -> Result<(), AdbError> {
        self.run("kill-server", &["kill-server"]).await.map(|_| ())
    }

    /// The connected phones (`adb devices -l`), authorised or not; starts the server if needed.
    pub async fn devices(&self) -> Result<Vec<AdbDevice>, AdbError> {
        let out = self.run("devices", &["devices", "-l"]).await?;
        if !out.success {
            return Err(AdbError::failed("devices", out.stderr));
        }
        Ok(parse::devices(&String::from_utf8_lossy(&out.stdout)))
    }

    /// The phone a capture reads: `serial`, else the only one connected, and ready.
    pub async fn choose_device(&self, serial: Option<&str>) -> Result<AdbDevice, AdbError> {
        parse::choose(&self.devices().await?, serial)
    }

    /// The packages installed on the phone, sorted; with `third_party`, only those the
    /// borrower installed (`pm list packages -3`), the ones a lender's app is among.
    pub async fn packages(&self, serial: &str, third_party: bool) -> Result<Vec<String>, AdbError> {
        let argv: &[&str] = if third_party {
            &["pm", "list", "packages", "-3"]
        } else {
            &["pm", "list", "packages"]
        };
        let out = self.shell(serial, "pm list packages", argv).await?;
        if !out.success {
            return Err(AdbError::failed("pm list packages", out.stderr));
        }
        Ok(parse::packages(&String::from_utf8_lossy(&out.stdout)))
    }

    /// Reads what a capture of `package` needs from the phone `serial` (already chosen and
    /// ready): its properties, zone and clock, then each of `sections` (name, shell argv) in
    /// order. A section whose command fails on the phone (an option an older Android lacks)
    /// keeps what it printed; adb itself failing, or the phone going away, stops the capture.
    pub async fn capture(
        &self,
        serial: &str,
        package: &str,
        sections: &[(String, Vec<String>)],
        progress: &(dyn Fn(Progress) + Send + Sync),
    ) -> Result<Captured, AdbError> {
        if !parse::is_package_name(package) {
            return Err(AdbError::InvalidPackage {
                package: package.to_string(),
            });
        }
        let total = 3 + sections.len() as u64;
        let step = |phase: &str, done: u64| {
            progress(Progress {
                task: "capture".into(),
                phase: phase.into(),
                done,
                total: Some(total),
            })
        };
        step("packages", 0);
        if !self
            .packages(serial, false)
            .await?
            .iter()
            .any(|p| p == package)
        {
            return Err(AdbError::PackageNotInstalled {
                package: package.to_string(),
            });
        }
        step("properties", 1);
        let model = self.getprop(serial, "ro.product.model").await?;
        let android = self.getprop(serial, "ro.build.version.release").await?;
        let sdk = self
            .getprop(serial, "ro.build.version.sdk")
            .await?
            .and_then(|s| s.parse().ok());
        step("clock", 2);
        let zone = self
            .shell_text(serial, "date +%z", &["date", "+%z"])
            .await?;
        let utc_offset_min = parse::utc_offset(&zone)
            .ok_or_else(|| AdbError::failed("date +%z", format!("unreadable zone {zone:?}")))?;
        let device_time_ms = self.device_time_ms(serial).await?;
        let mut captured = Vec::with_capacity(sections.len());
        for (i, (name, argv)) in sections.iter().enumerate() {
            step(name, 3 + i as u64);
            let argv: Vec<&str> = argv.iter().map(String::as_str).collect();
            let out = self.shell(serial, name, &argv).await?;
            if !out.success {
                tracing::warn!(section = %name, stderr = %out.stderr, "a capture section failed on the phone");
            }
            captured.push((name.clone(), out.stdout));
        }
        step("done", total);
        Ok(Captured {
            serial: serial.to_string(),
            model,
            android,
            sdk,
            utc_offset_min,
            device_time_ms,
            package: package.to_string(),
            sections: captured,
        })
    }

    async fn getprop(&self, serial: &str, prop: &str) -> Result<Option<String>, AdbError> {
        let out = self
            .shell_text(serial, "getprop", &["getprop", prop])
            .await?;
        Ok(parse::getprop(&out))
    }

    /// The phone's clock in ms: `date +%s%3N`, or `date +%s` where `%N` is not understood.
    async fn device_time_ms(&self, serial: &str) -> Result<i64, AdbError> {
        let ms = self.shell_text(serial, "date", &["date", "+%s%3N"]).await?;
        if let Some(t) = parse::device_time_ms(&ms) {
            return Ok(t);
        }
        let s = self.shell_text(serial, "date", &["date", "+%s"]).await?;
        parse::device_time_s(&s)
            .ok_or_else(|| AdbError::failed("date +%s", format!("unreadable clock {s:?}")))
    }

    /// A shell command that must succeed, its output as text.
    async fn shell_text(
        &self,
        serial: &str,
        step: &str,
        argv: &[&str],
    ) -> Result<String, AdbError> {
        let out = self.shell(serial, step, argv).await?;
        if !out.success {
            return Err(AdbError::failed(step, out.stderr));
        }
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    }

    /// `adb -s SERIAL shell ARGV…`; adb failing (rather than the command) is classified.
    async fn shell(&self, serial: &str, step: &str, argv: &[&str]) -> Result<Output, AdbError> {
        let quoted: Vec<String> = argv.iter().map(|a| parse::shell_quote(a)).collect();
        let mut args = vec!["-s", serial, "shell"];
        args.extend(quoted.iter().map(String::as_str));
        let out = self.run(step, &args).await?;
        if !out.success
            && let Some(e) = parse::adb_failure(&out.stderr, serial)
        {
            tracing::warn!(step, stderr = %out.stderr, "adb lost the phone");
            return Err(e);
        }
        Ok(out)
    }

    /// Runs adb with `args` under the deadline, output capped at [`MAX_OUTPUT`]; the process
    /// is killed when the deadline passes.
    async fn run(&self, step: &str, args: &[&str]) -> Result<Output, AdbError> {
        let mut cmd = tokio::process::Command::new(&self.program);
        if let Some(port) = self.server_port {
            cmd.arg("-P").arg(port.to_string());
        }
        cmd.args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true);
        // A console program started from the windowed app would flash a console window.
        #[cfg(windows)]
        cmd.creation_flags(0x0800_0000); // CREATE_NO_WINDOW
        // ETXTBSY: the program was just written (an adb unpacked a moment ago, or a test's
        // script) and another thread's fork still holds it open for writing until its exec;
        // that passes in milliseconds, so try again a few times before calling it a failure.
        let mut spawned = cmd.spawn();
        for _ in 0..5 {
            match &spawned {
                Err(e) if cfg!(unix) && e.raw_os_error() == Some(26) => {
                    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                    spawned = cmd.spawn();
                }
                _ => break,
            }
        }
        let mut child = spawned.map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => AdbError::Missing {
                looked_in: vec![self.program.display().to_string()],
            },
            _ => AdbError::failed(step, format!("could not start adb: {e}")),
        })?;
        let (stdout, stderr) = (child.stdout.take(), child.stderr.take());
        let work = async {
            let (out, err, status) = tokio::join!(
                read_capped(stdout, MAX_OUTPUT),
                read_capped(stderr, 1 << 20),
                child.wait()
            );
            (out, err, status)
        };
        let (out, err, status) = match tokio::time::timeout(self.deadline, work).await {
            Ok(done) => done,
            Err(_) => {
                let _ = child.start_kill();
                tracing::warn!(step, "adb did not answer in time");
                return Err(AdbError::Timeout {
                    step: step.to_string(),
                    seconds: self.deadline.as_millis().div_ceil(1000) as u64,
                });
            }
        };
        let status = status.map_err(|e| AdbError::failed(step, e.to_string()))?;
        let (stdout, over) = out.map_err(|e| AdbError::failed(step, e.to_string()))?;
        if over {
            return Err(AdbError::failed(
                step,
                format!("the output passed {} MiB", MAX_OUTPUT >> 20),
            ));
        }
        let stderr = err
            .map(|(e, _)| String::from_utf8_lossy(&e).into_owned())
            .unwrap_or_default();
        Ok(Output {
            success: status.success(),
            stdout,
            stderr,
        })
    }
}

/// Reads a pipe to its end, keeping at most `cap` bytes (the rest is drained so the child
/// never blocks on a full pipe); the flag says whether anything was dropped.
async fn read_capped(
    pipe: Option<impl AsyncRead + Unpin>,
    cap: usize,
) -> std::io::Result<(Vec<u8>, bool)> {
    let mut kept = Vec::new();
    let Some(mut pipe) = pipe else {
        return Ok((kept, false));
    };
    let mut over = false;
    let mut buf = vec![0u8; 64 << 10];
    loop {
        let n = pipe.read(&mut buf).await?;
        if n == 0 {
            return Ok((kept, over));
        }
        let room = cap.saturating_sub(kept.len());
        kept.extend_from_slice(&buf[..n.min(room)]);
        over |= n > room;
    }
}

#[cfg(test)]
mod tests;
