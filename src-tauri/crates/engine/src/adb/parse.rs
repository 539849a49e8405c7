//! What adb and the phone's shell print, read into values: the device list of `adb devices -l`,
//! `getprop`, `date`, `pm list packages`, and adb's own error lines. Pure, so every variant
//! (states, daemon banners, makers' quirks) is tested without a phone.

use super::{AdbDevice, AdbDeviceState, AdbError};

/// The devices in `adb devices -l` output. Banner lines (`* daemon started successfully`,
/// the header, version mismatch notices) are skipped; an unknown state is kept as `Other`.
pub fn devices(output: &str) -> Vec<AdbDevice> {
    output.lines().filter_map(device_line).collect()
}

fn device_line(line: &str) -> Option<AdbDevice> {
    let line = line.trim();
    if line.is_empty()
        || line.starts_with('*')
        || line.starts_with("List of devices")
        || line.starts_with("adb ")
        || line.starts_with("error:")
    {
        return None;
    }
    let (serial, rest) = line.split_once(char::is_whitespace)?;
    let rest = rest.trim_start();
    // `no permissions (…); see [url]` is the one state of several words.
    let (state, details) = if let Some(after) = rest.strip_prefix("no permissions") {
        (AdbDeviceState::NoPermissions, after)
    } else {
        let (word, after) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
        (state_of(word), after)
    };
    let model = details
        .split_whitespace()
        .find_map(|t| t.strip_prefix("model:"))
        // adb writes a model's spaces as underscores (`Pixel_7`).
        .map(|m| m.replace('_', " "))
        .filter(|m| !m.is_empty());
    Some(AdbDevice {
        serial: serial.to_string(),
        state,
        model,
    })
}

fn state_of(word: &str) -> AdbDeviceState {
    match word {
        "device" => AdbDeviceState::Device,
        "unauthorized" | "authorizing" => AdbDeviceState::Unauthorized,
        "offline" | "connecting" => AdbDeviceState::Offline,
        "recovery" | "rescue" | "sideload" => AdbDeviceState::Recovery,
        _ => AdbDeviceState::Other,
    }
}

/// Which device a capture reads: the one named by `serial`, else the only one connected;
/// every other case is an error the borrower can act on (connect one, pick one, unlock it).
pub fn choose(devices: &[AdbDevice], serial: Option<&str>) -> Result<AdbDevice, AdbError> {
    let device = match serial {
        Some(s) => devices
            .iter()
            .find(|d| d.serial == s)
            .ok_or_else(|| AdbError::NoDevice {
                serial: Some(s.to_string()),
            })?,
        None => match devices {
            [] => return Err(AdbError::NoDevice { serial: None }),
            [one] => one,
            several => {
                return Err(AdbError::SeveralDevices {
                    devices: several.to_vec(),
                });
            }
        },
    };
    let serial = device.serial.clone();
    match device.state {
        AdbDeviceState::Device => Ok(device.clone()),
        AdbDeviceState::Unauthorized => Err(AdbError::Unauthorized { serial }),
        AdbDeviceState::NoPermissions => Err(AdbError::NoPermission { serial }),
        state => Err(AdbError::NotReady { serial, state }),
    }
}

/// A `getprop` value: trimmed, `None` when the property is unset (empty line).
pub fn getprop(output: &str) -> Option<String> {
    let v = output.trim();
    (!v.is_empty()).then(|| v.to_string())
}

/// `date +%z` (`+0530`, `-0800`; `+05:30` tolerated) as minutes east of UTC.
pub fn utc_offset(output: &str) -> Option<i32> {
    khata_phone::parse_offset(output)
}

/// `date +%s%3N` as Unix ms. A `date` without `%N` prints it literally (`1764650000%3N`,
/// `1764650000N`) or nothing: `None`, and the caller asks `date +%s` instead.
pub fn device_time_ms(output: &str) -> Option<i64> {
    let v = output.trim();
    // 12+ digits: milliseconds since 1973; seconds would be 10 digits until 2286.
    if v.len() < 12 || v.len() > 16 || !v.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    v.parse().ok()
}

/// `date +%s` as Unix ms.
pub fn device_time_s(output: &str) -> Option<i64> {
    let v = output.trim();
    if v.is_empty() || v.len() > 11 || !v.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    v.parse::<i64>().ok().map(|s| s * 1000)
}

/// The package names in `pm list packages` output (`package:com.example.app`), sorted.
pub fn packages(output: &str) -> Vec<String> {
    let mut out: Vec<String> = output
        .lines()
        .filter_map(|l| l.trim().strip_prefix("package:"))
        .map(str::trim)
        .filter(|p| is_package_name(p))
        .map(str::to_string)
        .collect();
    out.sort();
    out.dedup();
    out
}

/// An Android application id (checked before it reaches the phone's shell).
pub use khata_phone::is_package_name;

/// An argument for the phone's `sh`: as it is when made only of safe characters, otherwise
/// single-quoted (adb joins a shell command's arguments with spaces).
pub fn shell_quote(arg: &str) -> String {
    let safe = !arg.is_empty()
        && arg
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.,:/=+@%".contains(c));
    if safe {
        arg.to_string()
    } else {
        format!("'{}'", arg.replace('\'', r"'\''"))
    }
}

/// What went wrong when adb itself (not the command on the phone) failed, from its stderr:
/// the device vanished, went offline, lost its authorisation. `None` for anything else.
pub fn adb_failure(stderr: &str, serial: &str) -> Option<AdbError> {
    let text = stderr.to_ascii_lowercase();
    let serial = serial.to_string();
    if !text.contains("error:") {
        return None;
    }
    Some(if text.contains("unauthorized") {
        AdbError::Unauthorized { serial }
    } else if text.contains("no permissions") || text.contains("insufficient permissions") {
        AdbError::NoPermission { serial }
    } else if text.contains("offline") {
        AdbError::NotReady {
            serial,
            state: AdbDeviceState::Offline,
        }
    } else if text.contains("not found") || text.contains("no devices") {
        AdbError::NoDevice {
            serial: Some(serial),
        }
    } else {
        return None;
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dev(serial: &str, state: AdbDeviceState, model: Option<&str>) -> AdbDevice {
        AdbDevice {
            serial: serial.into(),
            state,
            model: model.map(str::to_string),
        }
    }

    #[test]
    fn an_empty_list_and_the_daemon_banner_are_no_devices() {
        assert!(devices("List of devices attached\n\n").is_empty());
        let started = "* daemon not running; starting now at tcp:5037\n\
                       * daemon started successfully\nList of devices attached\n\n";
        assert!(devices(started).is_empty());
        assert!(devices("").is_empty());
    }

    #[test]
    fn one_authorised_phone_with_its_model() {
        let out = "List of devices attached\n\
            R58N123ABC             device usb:1-1 product:a51nsxx model:SM_A515F device:a51 transport_id:1\n\n";
        assert_eq!(
            devices(out),
            [dev("R58N123ABC", AdbDeviceState::Device, Some("SM A515F"))]
        );
        assert_eq!(
            devices("List of devices attached\r\n0123abcd\tdevice\r\n"),
            [dev("0123abcd", AdbDeviceState::Device, None)]
        );
    }

    #[test]
    fn unauthorised_offline_no_permissions_and_recovery() {
        let out = "List of devices attached\n\
            0123456789ABCDEF       unauthorized usb:1-2 transport_id:3\n\
            emulator-5554          offline transport_id:2\n\
            ????????????           no permissions (user in plugdev group; are your udev rules wrong?); see [http://developer.android.com/tools/device.html] usb:1-1 transport_id:4\n\
            R3CN40ABCDE            no permissions (missing udev rules? user is in the plugdev group); see [http://developer.android.com/tools/device.html] usb:3-2 transport_id:7\n\
            ZY22ABCDEF             recovery usb:1-3 product:lake model:moto_g7_plus device:lake transport_id:5\n\
            192.168.1.20:5555      bootloader\n\
            FA7AB1A00001           authorizing usb:1-4 transport_id:9\n";
        let got = devices(out);
        assert_eq!(
            got,
            [
                dev("0123456789ABCDEF", AdbDeviceState::Unauthorized, None),
                dev("emulator-5554", AdbDeviceState::Offline, None),
                dev("????????????", AdbDeviceState::NoPermissions, None),
                dev("R3CN40ABCDE", AdbDeviceState::NoPermissions, None),
                dev("ZY22ABCDEF", AdbDeviceState::Recovery, Some("moto g7 plus")),
                dev("192.168.1.20:5555", AdbDeviceState::Other, None),
                dev("FA7AB1A00001", AdbDeviceState::Unauthorized, None),
            ]
        );
    }

    #[test]
    fn choosing_a_device() {
        let ready = dev("A1", AdbDeviceState::Device, Some("Pixel 7"));
        let locked = dev("B2", AdbDeviceState::Unauthorized, None);
        let offline = dev("C3", AdbDeviceState::Offline, None);
        let udev = dev("D4", AdbDeviceState::NoPermissions, None);
        assert_eq!(choose(&[], None), Err(AdbError::NoDevice { serial: None }));
        assert_eq!(
            choose(std::slice::from_ref(&ready), None),
            Ok(ready.clone())
        );
        let both = [ready.clone(), locked.clone()];
        assert_eq!(
            choose(&both, None),
            Err(AdbError::SeveralDevices {
                devices: both.to_vec()
            })
        );
        assert_eq!(choose(&both, Some("A1")), Ok(ready.clone()));
        assert_eq!(
            choose(&both, Some("B2")),
            Err(AdbError::Unauthorized {
                serial: "B2".into()
            })
        );
        assert_eq!(
            choose(&both, Some("Z9")),
            Err(AdbError::NoDevice {
                serial: Some("Z9".into())
            })
        );
        assert_eq!(
            choose(&[offline], None),
            Err(AdbError::NotReady {
                serial: "C3".into(),
                state: AdbDeviceState::Offline
            })
        );
        assert_eq!(
            choose(&[udev], None),
            Err(AdbError::NoPermission {
                serial: "D4".into()
            })
        );
    }

    #[test]
    fn getprop_values() {
        assert_eq!(getprop("SM-A515F\r\n").as_deref(), Some("SM-A515F"));
        assert_eq!(getprop("13\n").as_deref(), Some("13"));
        assert_eq!(getprop("\n"), None);
        assert_eq!(getprop(""), None);
    }

    #[test]
    fn time_zone_offsets() {
        assert_eq!(utc_offset("+0530\n"), Some(330));
        assert_eq!(utc_offset("-0800\r\n"), Some(-480));
        assert_eq!(utc_offset("+0000"), Some(0));
        assert_eq!(utc_offset("+0545"), Some(345));
        assert_eq!(utc_offset("+05:30"), Some(330));
        assert_eq!(utc_offset("-0930"), Some(-570));
        for bad in [
            "",
            "IST",
            "0530",
            "+530",
            "+2500",
            "+0575",
            "+05:3",
            "%z",
            "+05:30:00",
        ] {
            assert_eq!(utc_offset(bad), None, "{bad}");
        }
    }

    #[test]
    fn device_clock() {
        assert_eq!(device_time_ms("1764650000123\n"), Some(1_764_650_000_123));
        // Toybox or toolbox without %N.
        assert_eq!(device_time_ms("1764650000%3N\n"), None);
        assert_eq!(device_time_ms("1764650000N"), None);
        assert_eq!(device_time_ms("1764650000"), None);
        assert_eq!(device_time_ms(""), None);
        assert_eq!(device_time_s("1764650000\r\n"), Some(1_764_650_000_000));
        assert_eq!(device_time_s("date: bad format"), None);
        assert_eq!(device_time_s(""), None);
    }

    #[test]
    fn installed_packages() {
        let out = "package:com.android.settings\r\npackage:in.khata.sandbox.lender\n\
                   package:com.example.app\nnot a package line\npackage:bad name\n";
        assert_eq!(
            packages(out),
            [
                "com.android.settings",
                "com.example.app",
                "in.khata.sandbox.lender"
            ]
        );
    }

    #[test]
    fn package_names_are_checked_before_reaching_the_shell() {
        for ok in ["in.khata.sandbox.lender", "com.example.app_2", "a.b"] {
            assert!(is_package_name(ok), "{ok}");
        }
        for bad in [
            "",
            "single",
            "com..x",
            "com.example;reboot",
            "com.example app",
            "1com.x",
            "com.$(id)",
            "com.example.",
        ] {
            assert!(!is_package_name(bad), "{bad}");
        }
    }

    #[test]
    fn shell_arguments_are_quoted_when_needed() {
        assert_eq!(shell_quote("--include-discrete"), "--include-discrete");
        assert_eq!(shell_quote("ro.product.model"), "ro.product.model");
        assert_eq!(shell_quote("+%s%3N"), "+%s%3N");
        assert_eq!(shell_quote("a b"), "'a b'");
        assert_eq!(shell_quote("it's"), r"'it'\''s'");
        assert_eq!(shell_quote(""), "''");
        assert_eq!(shell_quote("x;reboot"), "'x;reboot'");
    }

    #[test]
    fn adb_failures_are_told_apart_from_the_command_failing() {
        assert_eq!(
            adb_failure("error: device 'A1' not found\n", "A1"),
            Some(AdbError::NoDevice {
                serial: Some("A1".into())
            })
        );
        assert_eq!(
            adb_failure("error: no devices/emulators found\n", "A1"),
            Some(AdbError::NoDevice {
                serial: Some("A1".into())
            })
        );
        assert_eq!(
            adb_failure(
                "error: device unauthorized.\nThis adb server's $ADB_VENDOR_KEYS is not set\n",
                "A1"
            ),
            Some(AdbError::Unauthorized {
                serial: "A1".into()
            })
        );
        assert_eq!(
            adb_failure("error: device offline\n", "A1"),
            Some(AdbError::NotReady {
                serial: "A1".into(),
                state: AdbDeviceState::Offline
            })
        );
        assert_eq!(
            adb_failure("error: insufficient permissions for device\n", "A1"),
            Some(AdbError::NoPermission {
                serial: "A1".into()
            })
        );
        // The phone's command failing is not adb failing.
        assert_eq!(adb_failure("Unknown option: --history\n", "A1"), None);
        assert_eq!(adb_failure("error: closed\n", "A1"), None);
    }
}
