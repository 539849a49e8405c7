//! Build script: declares the app's own commands in an app manifest so that Tauri generates a
//! permission for each, which the single capability in `src-tauri/capabilities/` then grants.
fn main() {
    let manifest = tauri_build::AppManifest::new().commands(&["app_info"]);
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .app_manifest(manifest)
            .capabilities_path_pattern("src-tauri/capabilities/**/*"),
    )
    .expect("tauri-build failed");
}
