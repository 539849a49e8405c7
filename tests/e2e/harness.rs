//! Drives the real `khata-desktop` binary through tauri-driver and WebKitWebDriver.
//!
//! Each [`Session`] gets its own world, so tests never see each other or the user's files:
//! a private X display (Xvfb through `xvfb-run`), a private D-Bus session with an unlocked
//! throwaway gnome-keyring (`tests/support/with-keyring`), free ports for tauri-driver and
//! WebKitWebDriver, and a fresh `KHATA_DATA_DIR`. Everything runs in one process group that
//! is killed when the session drops, even if the test panics.

use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use tempfile::TempDir;

/// How long to wait for the driver to listen and for elements to appear. Generous: the
/// first start under Xvfb on a loaded CI machine is slow. These bound waits; they assert no speed.
const DRIVER_START: Duration = Duration::from_secs(30);
const ELEMENT_WAIT: Duration = Duration::from_secs(30);

/// The binary under test, built by Cargo with the `e2e` feature (which serves the bundled UI).
pub fn app_binary() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_khata-desktop"))
}

fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

fn require_tool(name: &str) {
    let found = std::env::var_os("PATH")
        .map(|paths| std::env::split_paths(&paths).any(|dir| dir.join(name).is_file()))
        .unwrap_or(false);
    assert!(
        found,
        "E2E tests need `{name}` on PATH: run them with `make test` (it installs it)"
    );
}

/// The process group running Xvfb, D-Bus, the keyring, tauri-driver, WebKitWebDriver and the app.
struct ProcessGroup {
    child: Child,
}

impl ProcessGroup {
    fn kill(&mut self) {
        let pgid = self.child.id() as libc::pid_t;
        // SIGTERM lets xvfb-run and dbus-run-session tidy up; SIGKILL catches anything left.
        unsafe { libc::killpg(pgid, libc::SIGTERM) };
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                break;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        unsafe { libc::killpg(pgid, libc::SIGKILL) };
        let _ = self.child.wait();
    }
}

impl Drop for ProcessGroup {
    fn drop(&mut self) {
        self.kill();
    }
}

/// What outlives one run of the app: its data folder and the keyring holding its vault key.
pub struct Profile {
    pub data_dir: TempDir,
    keyring_dir: TempDir,
    /// Extra environment for the app (e.g. `KHATA_E2E_SAVE_PATH`).
    pub env: Vec<(String, String)>,
    /// Command-line arguments for the next launch (e.g. a file to open, as a file manager
    /// passes it).
    pub args: Vec<String>,
    /// With a folder: a notification daemon (dunst) runs on the session's D-Bus
    /// ([`Session::notifications`] reads what it received).
    pub notify_dir: Option<TempDir>,
}

impl Profile {
    pub fn new() -> Profile {
        Profile {
            data_dir: tempfile::tempdir().expect("data dir"),
            keyring_dir: tempfile::tempdir().expect("keyring dir"),
            env: Vec::new(),
            args: Vec::new(),
            notify_dir: None,
        }
    }
}

/// A running app under test. Drop it (or call [`Session::close`]) to stop everything.
pub struct Session {
    pub client: Client,
    pub profile: Profile,
    work_dir: TempDir,
    group: ProcessGroup,
}

impl Session {
    /// Starts the app with a fresh, empty profile.
    pub async fn launch() -> Session {
        Self::launch_with(Profile::new()).await
    }

    /// Starts the app on an existing profile (to test what survives a restart).
    pub async fn launch_with(profile: Profile) -> Session {
        for tool in [
            "xvfb-run",
            "Xvfb",
            "tauri-driver",
            "WebKitWebDriver",
            "dbus-run-session",
        ] {
            require_tool(tool);
        }
        let work_dir = tempfile::tempdir().expect("work dir");
        let (port, native_port) = (free_port(), free_port());
        let log = std::fs::File::create(work_dir.path().join("driver.log")).expect("driver log");
        let mut command = Command::new("xvfb-run");
        command
            .args(["--auto-servernum", "--server-args=-screen 0 1280x900x24"])
            .arg(repo_root().join("tests/support/with-keyring"))
            .arg("tauri-driver")
            .args([
                "--port",
                &port.to_string(),
                "--native-port",
                &native_port.to_string(),
            ])
            // A fresh D-Bus session and keyring of its own, even when the test runner already
            // sits inside one (make test runs everything under with-keyring).
            .env_remove("KHATA_IN_KEYRING_SESSION")
            .env_remove("DBUS_SESSION_BUS_ADDRESS")
            .env("KHATA_DATA_DIR", profile.data_dir.path())
            .env("KHATA_KEYRING_DIR", profile.keyring_dir.path())
            .envs(profile.env.iter().map(|(k, v)| (k, v)))
            .envs(
                profile
                    .notify_dir
                    .as_ref()
                    .map(|d| ("KHATA_NOTIFY_DIR", d.path().display().to_string())),
            )
            .env("KHATA_LOG", "debug")
            .env("NO_AT_BRIDGE", "1")
            .env("XDG_CONFIG_HOME", work_dir.path().join("config"))
            .env("XDG_CACHE_HOME", work_dir.path().join("cache"))
            .env("TMPDIR", work_dir.path())
            .stdin(Stdio::null())
            .stdout(log.try_clone().expect("log"))
            .stderr(log);
        std::os::unix::process::CommandExt::process_group(&mut command, 0);
        let group = ProcessGroup {
            child: command.spawn().expect("start xvfb-run"),
        };
        let mut session_group = Some(group);
        // tauri-driver listens before the WebKitWebDriver it spawned does; a session request
        // in between fails with "tcp connect error" (seen on a loaded CI machine). Wait for both.
        for listening in [port, native_port] {
            wait_for_port(listening, session_group.as_mut().unwrap(), work_dir.path());
        }

        let mut capabilities = serde_json::Map::new();
        capabilities.insert(
            "tauri:options".into(),
            serde_json::json!({ "application": app_binary(), "args": profile.args }),
        );
        capabilities.insert("browserName".into(), "wry".into());
        let client = ClientBuilder::native()
            .capabilities(capabilities)
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
            .unwrap_or_else(|error| {
                panic!(
                    "no WebDriver session: {error}\n{}",
                    driver_log(work_dir.path())
                )
            });
        Session {
            client,
            profile,
            work_dir,
            group: session_group.take().unwrap(),
        }
    }

    /// The element with `data-testid="{id}"`, waiting until it exists.
    pub async fn find(&self, test_id: &str) -> Element {
        let selector = format!("[data-testid=\"{test_id}\"]");
        self.wait_css_for(&selector, ELEMENT_WAIT).await
    }

    /// On a failed wait: a screenshot in `target/e2e-failures/` to look at, then the panic.
    async fn fail(&self, what: String) -> ! {
        let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("e2e-failures");
        let name: String = what
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
            .take(80)
            .collect();
        let shot = dir.join(format!("{name}.png"));
        if let Ok(png) = self.client.screenshot().await {
            let _ = std::fs::create_dir_all(&dir);
            let _ = std::fs::write(&shot, png);
        }
        panic!("{what} (screenshot: {})", shot.display())
    }

    /// The visible text of an element, once it is non-empty.
    pub async fn text(&self, test_id: &str) -> String {
        let deadline = Instant::now() + ELEMENT_WAIT;
        loop {
            let text = self.find(test_id).await.text().await.expect("element text");
            if !text.trim().is_empty() || Instant::now() > deadline {
                return text;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    pub async fn click(&self, test_id: &str) {
        self.find(test_id)
            .await
            .click()
            .await
            .unwrap_or_else(|e| panic!("click {test_id}: {e}"));
    }

    pub async fn title(&self) -> String {
        self.client.title().await.expect("window title")
    }

    /// Saves a PNG of the window, e.g. for docs or to look at a failure.
    pub async fn screenshot(&self, path: &Path) {
        let png = self.client.screenshot().await.expect("screenshot");
        std::fs::create_dir_all(path.parent().unwrap()).expect("screenshot dir");
        std::fs::write(path, png).expect("write screenshot");
    }

    /// With `KHATA_SCREENSHOT_DIR` set (`make screenshots`), saves `{name}.png` there: the
    /// pictures in docs/screenshots come from the real app in these tests.
    pub async fn snap(&self, name: &str) {
        if let Some(dir) = std::env::var_os("KHATA_SCREENSHOT_DIR") {
            // Let charts finish their entry animation.
            tokio::time::sleep(Duration::from_millis(700)).await;
            self.screenshot(&Path::new(&dir).join(format!("{name}.png")))
                .await;
        }
    }

    /// On the unlock screen's new-vault form: protects the vault with `passphrase` (typed
    /// twice) and acknowledges the recovery key it shows.
    pub async fn create_passphrase_vault(&self, passphrase: &str) {
        self.find("unlock-passphrase")
            .await
            .send_keys(passphrase)
            .await
            .unwrap();
        self.find("unlock-confirm")
            .await
            .send_keys(passphrase)
            .await
            .unwrap();
        self.click("unlock-passphrase-submit").await;
        self.acknowledge_recovery_key().await;
    }

    /// On a new vault the app shows its recovery key once: checks it is a grouped key and
    /// closes the dialog the way a borrower would.
    pub async fn acknowledge_recovery_key(&self) -> String {
        let key = self.text("recovery-key").await;
        let groups: Vec<&str> = key.trim().split('-').collect();
        assert!(
            groups.len() >= 8 && groups.iter().all(|g| g.len() == 4),
            "recovery key is grouped for writing down: {key:?}"
        );
        self.click("recovery-confirm").await;
        self.click("recovery-done").await;
        key
    }

    /// Every element whose `data-testid` starts with `prefix` (no waiting).
    pub async fn all_with_prefix(&self, prefix: &str) -> Vec<Element> {
        let selector = format!("[data-testid^=\"{prefix}\"]");
        self.client
            .find_all(Locator::Css(&selector))
            .await
            .unwrap_or_default()
    }

    /// The first element matching a CSS selector, waiting until it exists.
    pub async fn wait_css(&self, selector: &str) -> Element {
        self.wait_css_for(selector, ELEMENT_WAIT).await
    }

    /// Waits up to `within` for `selector` to match; revocations wait on a lender's receipt.
    pub async fn wait_css_for(&self, selector: &str, within: Duration) -> Element {
        match self
            .client
            .wait()
            .at_most(within)
            .for_element(Locator::Css(selector))
            .await
        {
            Ok(element) => element,
            Err(error) => {
                self.fail(format!("no element {selector} within {within:?}: {error}"))
                    .await
            }
        }
    }

    /// Kills the app process itself with SIGKILL, as a crash or a power cut would (no exit
    /// handlers run), then tears the session down; returns the profile for a restart.
    pub async fn crash_app(self) -> Profile {
        let pgid = self.group.child.id() as i32;
        let app = app_binary();
        let mut killed = 0;
        for entry in std::fs::read_dir("/proc").expect("/proc").flatten() {
            let Ok(pid) = entry.file_name().to_string_lossy().parse::<i32>() else {
                continue;
            };
            let in_group = unsafe { libc::getpgid(pid) } == pgid;
            let is_app = std::fs::read_link(entry.path().join("exe")).is_ok_and(|exe| exe == app);
            if in_group && is_app {
                unsafe { libc::kill(pid, libc::SIGKILL) };
                killed += 1;
            }
        }
        assert_eq!(killed, 1, "exactly one app process in this session's group");
        self.close().await
    }

    /// On the consent request screen: chooses "Share" for every requested signal but
    /// `except` (each starts at "Don't share"), as a borrower consenting would.
    pub async fn share_requested_except(&self, except: &[&str]) {
        let selector = "[data-testid^=\"request-signal-\"][data-testid$=\"-share\"]";
        self.wait_css(selector).await;
        let radios = self
            .client
            .find_all(Locator::Css(selector))
            .await
            .unwrap_or_default();
        assert!(!radios.is_empty(), "no signal to share");
        for radio in radios {
            let id = radio
                .attr("data-testid")
                .await
                .expect("test id")
                .unwrap_or_default();
            let signal = id
                .trim_start_matches("request-signal-")
                .trim_end_matches("-share");
            if !except.contains(&signal) {
                radio
                    .click()
                    .await
                    .unwrap_or_else(|e| panic!("share {signal}: {e}"));
            }
        }
    }

    /// On the Consents screen: revokes one signal of the first consent and confirms.
    pub async fn revoke_signal(&self, signal: &str) {
        self.click("nav-consents").await;
        let selector = format!("[data-testid^=\"signal-revoke-\"][data-testid$=\"-{signal}\"]");
        self.wait_css(&selector)
            .await
            .click()
            .await
            .expect("click revoke");
        self.click("revoke-confirm-yes").await;
    }

    /// Ends the WebDriver session (closing the app) and stops every process; returns the
    /// profile so a test can start the app again on it.
    /// Waits until Home counts some stored disclosures (a sync is done).
    pub async fn wait_for_disclosures(&self) {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let stat = self.text("home-disclosures").await;
            if stat.chars().any(|c| c.is_ascii_digit() && c != '0') {
                return;
            }
            assert!(Instant::now() < deadline, "no disclosures synced: {stat}");
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
    }

    /// The text of the first finding on the current screen whose detail contains `needle`.
    pub async fn finding_detail_containing(&self, needle: &str) -> Option<String> {
        for detail in self.all_with_prefix("finding-detail-").await {
            let text = detail
                .prop("textContent")
                .await
                .expect("finding text")
                .unwrap_or_default();
            if text.contains(needle) {
                return Some(text);
            }
        }
        None
    }

    /// From Home: opens Connect and connects the built-in sandbox lender, in `scenario` picked
    /// from Connect's list when given (else its default, or `KHATA_SANDBOX_SCENARIO`'s); waits
    /// until Home lists the lender.
    pub async fn connect_sandbox(&self, scenario: Option<&str>) {
        self.click("connect-lender").await;
        if let Some(scenario) = scenario {
            self.find("connect-scenario")
                .await
                .select_by_value(scenario)
                .await
                .unwrap_or_else(|e| panic!("pick the scenario {scenario}: {e}"));
        }
        self.click("connect-sandbox").await;
        self.find(&format!("home-lender-{}", khata_engine::SANDBOX_LENDER_ID))
            .await;
    }

    /// Switches the app to Hindi and opens the Audit screen, waiting until its heading is in
    /// Devanagari.
    pub async fn audit_in_hindi(&self) {
        self.find("language")
            .await
            .select_by_value("hi")
            .await
            .expect("choose Hindi");
        self.click("nav-audit").await;
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        loop {
            let heading = self.text("audit-heading").await;
            if devanagari(&heading) {
                return;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "still not Hindi: {heading}"
            );
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    /// The notifications a real daemon (dunst, on this session's private D-Bus) received, as
    /// (summary, body), oldest first: those still shown are closed into its history first.
    /// Empty when the profile has no `notify_dir`.
    pub fn notifications(&self) -> Vec<(String, String)> {
        let Some(dir) = &self.profile.notify_dir else {
            return Vec::new();
        };
        let Ok(bus) = std::fs::read_to_string(dir.path().join("bus")) else {
            return Vec::new();
        };
        let dunstctl = |args: &[&str]| {
            Command::new("dunstctl")
                .args(args)
                .env("DBUS_SESSION_BUS_ADDRESS", bus.trim())
                .output()
                .expect("dunstctl (package dunst) must be installed")
        };
        let _ = dunstctl(&["close-all"]);
        let out = dunstctl(&["history"]);
        let history: serde_json::Value =
            serde_json::from_slice(&out.stdout).unwrap_or(serde_json::Value::Null);
        let field = |n: &serde_json::Value, key: &str| {
            n[key]["data"].as_str().unwrap_or_default().to_owned()
        };
        let mut all: Vec<(String, String)> = history["data"][0]
            .as_array()
            .map(|items| {
                items
                    .iter()
                    .map(|n| (field(n, "summary"), field(n, "body")))
                    .collect()
            })
            .unwrap_or_default();
        // dunst lists its history newest first.
        all.reverse();
        all
    }

    pub async fn close(self) -> Profile {
        let Session {
            client,
            profile,
            work_dir,
            mut group,
        } = self;
        let _ = client.close().await;
        group.kill();
        drop(work_dir);
        profile
    }
}

fn driver_log(work_dir: &Path) -> String {
    let text = std::fs::read_to_string(work_dir.join("driver.log")).unwrap_or_default();
    format!("--- tauri-driver log ---\n{text}")
}

/// Waits until something listens on `port`: tauri-driver, or the WebKitWebDriver behind it.
fn wait_for_port(port: u16, group: &mut ProcessGroup, work_dir: &Path) {
    let deadline = Instant::now() + DRIVER_START;
    while Instant::now() < deadline {
        if TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return;
        }
        if let Ok(Some(status)) = group.child.try_wait() {
            panic!(
                "tauri-driver exited early ({status})\n{}",
                driver_log(work_dir)
            );
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!(
        "the WebDriver did not listen on {port} within {DRIVER_START:?}\n{}",
        driver_log(work_dir)
    );
}

/// Whether `s` has any Devanagari letter.
pub fn devanagari(s: &str) -> bool {
    s.chars().any(|c| ('\u{0900}'..='\u{097F}').contains(&c))
}
