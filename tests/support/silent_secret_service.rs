//! A real D-Bus Secret Service that never answers, for tests: like a login keyring whose unlock
//! prompt cannot appear, it hands out a prompt and never completes it (the keyring crate would
//! then wait a year). Shared by the engine's test and the app's E2E test (`#[path]` includes).

use std::sync::mpsc;
use std::time::Duration;

use dbus::Path as ObjectPath;
use dbus::arg::Variant;
use dbus::blocking::Connection;
use dbus::channel::{MatchingReceiver, Sender};
use dbus::message::MatchRule;

fn object(path: &'static str) -> ObjectPath<'static> {
    ObjectPath::new(path).expect("a valid object path")
}

/// Owns `org.freedesktop.secrets` on `conn`'s bus and answers just enough of the Secret
/// Service API to reach a prompt: a session opens, every search finds one locked item, its
/// unlock needs a prompt, and the prompt never completes. Runs until the process exits.
pub fn serve(conn: Connection, ready: mpsc::Sender<()>) {
    conn.request_name("org.freedesktop.secrets", false, true, true)
        .expect("own the Secret Service name");
    conn.start_receive(
        MatchRule::new_method_call(),
        Box::new(|msg, conn| {
            let member = msg.member().map(|m| m.to_string()).unwrap_or_default();
            let reply = match member.as_str() {
                // Any public key will do: no secret is ever sent.
                "OpenSession" => Some(msg.method_return().append2(
                    Variant(vec![2u8; 128]),
                    object("/org/freedesktop/secrets/session/s1"),
                )),
                "SearchItems" => Some(msg.method_return().append2(
                    Vec::<ObjectPath>::new(),
                    vec![object("/org/freedesktop/secrets/collection/login/1")],
                )),
                "Unlock" => Some(msg.method_return().append2(
                    Vec::<ObjectPath>::new(),
                    object("/org/freedesktop/secrets/prompt/u1"),
                )),
                // Accepted, and its `Completed` signal never comes.
                "Prompt" => Some(msg.method_return()),
                _ => None,
            };
            if let Some(reply) = reply {
                let _ = conn.send(reply);
            }
            true
        }),
    );
    ready.send(()).expect("the test waits for the service");
    loop {
        conn.process(Duration::from_secs(1))
            .expect("the bus stays up");
    }
}
