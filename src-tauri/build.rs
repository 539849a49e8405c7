//! Build script: declares the app's own commands in an app manifest so that Tauri generates a
//! permission for each, which the single capability in `src-tauri/capabilities/` then grants.
//! The names come from `src-tauri/commands.txt`, generated from the command list in
//! `src-tauri/src/commands/mod.rs` (a build script cannot call the crate it builds).

const COMMAND_LIST: &str = "src-tauri/commands.txt";

/// Every command the UI may call: the list's lines, without comments and blank lines.
fn commands() -> &'static [&'static str] {
    let text = std::fs::read_to_string(COMMAND_LIST)
        .unwrap_or_else(|e| panic!("cannot read {COMMAND_LIST}: {e}"));
    let names: Vec<&'static str> = text
        .leak()
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .collect();
    names.leak()
}

fn main() {
    println!("cargo:rerun-if-changed={COMMAND_LIST}");
    let manifest = tauri_build::AppManifest::new().commands(commands());
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .app_manifest(manifest)
            .capabilities_path_pattern("src-tauri/capabilities/**/*"),
    )
    .expect("tauri-build failed");
}
