//! `dumpsys package PKG`: the permissions an app asks for and holds. Under `Package [PKG]
//! (hash):`, the lists `requested permissions:` (names), `install permissions:` and, per user,
//! `runtime permissions:` (`android.permission.X: granted=true, flags=[ … ]`).
//!
//! A snapshot at capture, not a use: each permission Khata follows becomes one observation at
//! the capture time, `Granted` if any list says `granted=true`, else `Requested`.

use khata_evidence::phone::{AppState, ObservationKind};

use super::{Ctx, TextReader, emit};
use crate::collect::Collector;

/// Permissions held per package before they are emitted (a real app asks for well under a
/// hundred; a forged file cannot grow memory past this).
const MAX_HELD: usize = 4096;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum List {
    None,
    /// Requested, install or runtime permissions: entries count.
    Permissions,
    /// Declared permissions and other lists: entries ignored.
    Other,
}

/// The reader of `dumpsys package` output.
pub(crate) struct Package {
    package: Option<String>,
    list: List,
    /// The current package's permissions and whether any list granted each.
    perms: Vec<(String, bool)>,
}

impl Package {
    pub fn new() -> Self {
        Package {
            package: None,
            list: List::None,
            perms: Vec::new(),
        }
    }

    fn flush(&mut self, ctx: &mut Ctx, c: &mut Collector) {
        self.emit_perms(ctx, c);
        self.package = None;
    }

    fn emit_perms(&mut self, ctx: &mut Ctx, c: &mut Collector) {
        let Some(app) = self.package.clone() else {
            self.perms.clear();
            return;
        };
        match ctx.snapshot() {
            Some(at) => {
                for (perm, granted) in self.perms.drain(..) {
                    let kind = if granted {
                        ObservationKind::Granted
                    } else {
                        ObservationKind::Requested
                    };
                    emit(c, &app, &perm, kind, AppState::Unknown, at, at);
                }
            }
            None => {
                for _ in self.perms.drain(..) {
                    c.tally.record(&app);
                }
            }
        }
    }
}

impl TextReader for Package {
    fn line(&mut self, line: &str, ctx: &mut Ctx, c: &mut Collector) -> bool {
        let t = line.trim();
        if t.is_empty() {
            return true;
        }
        if let Some(rest) = t.strip_prefix("Package [") {
            self.flush(ctx, c);
            let Some((name, _)) = rest.split_once(']') else {
                return false;
            };
            self.package = Some(name.to_string());
            self.list = List::None;
            return true;
        }
        if self.package.is_none() {
            return true;
        }
        match t {
            "requested permissions:" | "install permissions:" | "runtime permissions:" => {
                self.list = List::Permissions;
                return true;
            }
            _ if t.ends_with("permissions:") => {
                self.list = List::Other;
                return true;
            }
            _ => {}
        }
        if self.list == List::None {
            return true;
        }
        let (name, value) = match t.split_once(':') {
            Some((n, v)) => (n.trim(), v.trim()),
            None => (t, ""),
        };
        if !is_permission(name) {
            // The list ended.
            self.list = List::None;
            return true;
        }
        if self.list == List::Other {
            return true;
        }
        let granted = value
            .split([',', ' '])
            .any(|kv| kv.trim() == "granted=true");
        match self.perms.iter_mut().find(|(p, _)| p == name) {
            Some((_, g)) => *g |= granted,
            None => {
                if self.perms.len() >= MAX_HELD {
                    self.emit_perms(ctx, c);
                }
                self.perms.push((name.to_string(), granted));
            }
        }
        true
    }

    fn finish(&mut self, ctx: &mut Ctx, c: &mut Collector) {
        self.flush(ctx, c);
        self.list = List::None;
    }
}

/// `android.permission.READ_CONTACTS`, `com.example.permission.C2D_MESSAGE`.
fn is_permission(s: &str) -> bool {
    s.contains('.')
        && !s.starts_with('.')
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'_')
}
