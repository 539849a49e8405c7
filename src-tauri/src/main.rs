// Keep a console window from opening next to the app on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    // E2E builds only: point this process at a D-Bus address where no Secret Service answers,
    // so a test can drive the unlock screen through the real keyring code path (the test
    // harness's own keyring session stays up for the driver). Set before any thread starts.
    #[cfg(feature = "e2e")]
    if let Some(address) = std::env::var_os("KHATA_E2E_DBUS_ADDRESS") {
        // SAFETY: single-threaded here; nothing else reads the environment yet.
        unsafe { std::env::set_var("DBUS_SESSION_BUS_ADDRESS", address) };
    }
    khata_desktop::run();
}
