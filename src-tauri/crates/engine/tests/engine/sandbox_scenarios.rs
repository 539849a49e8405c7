//! The built-in sandbox lender in a scenario a tester picks: listed from the launcher, started
//! in it on the first connect, kept across a restart (the vault's next opening), refused when
//! unknown or when the lender already runs.

use super::*;

/// The name the running sandbox lender's discovery document gives (it names its scenario).
async fn discovery_name(engine: &Engine) -> String {
    let url = engine.sandbox_url().await.expect("the sandbox runs");
    LendingClient::connect(&url, fast_client())
        .await
        .unwrap()
        .discovery()
        .name
        .clone()
}

#[tokio::test]
async fn a_picked_scenario_is_played_and_kept_after_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let keys = Arc::new(MemoryKeyStore::default());
    let (engine, _) = Engine::open(config(dir.path(), &keys)).await.unwrap();
    let scenarios = engine.sandbox_scenarios();
    let names: Vec<&str> = scenarios.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "salaried-good",
            "thin-file",
            "declined",
            "over-collector",
            "flaky",
            "wrong-apr"
        ]
    );
    assert!(scenarios.iter().all(|s| !s.description.is_empty()));

    let err = engine
        .connect_sandbox_playing(Some("no-such-scenario".into()), noop)
        .await
        .unwrap_err();
    assert_eq!(err.code(), "invalid_input", "{err}");
    assert!(engine.sandbox_url().await.is_none(), "nothing started");

    let lender = engine
        .connect_sandbox_playing(Some("declined".into()), noop)
        .await
        .unwrap();
    assert!(lender.is_sandbox);
    assert!(discovery_name(&engine).await.contains("declined"));
    // Running already: a scenario cannot be changed under a connected lender.
    let err = engine
        .connect_sandbox_playing(Some("thin-file".into()), noop)
        .await
        .unwrap_err();
    assert_eq!(err.code(), "invalid_input", "{err}");
    engine.close().await;

    // The next opening restarts the lender in the scenario picked, not the launcher's own.
    let (engine, _) = Engine::open(config(dir.path(), &keys)).await.unwrap();
    assert!(discovery_name(&engine).await.contains("declined"));
    engine.close().await;
}

#[tokio::test]
async fn without_a_pick_the_launchers_scenario_plays() {
    let dir = tempfile::tempdir().unwrap();
    let keys = Arc::new(MemoryKeyStore::default());
    let (engine, _) = Engine::open(config(dir.path(), &keys)).await.unwrap();
    engine.connect_sandbox(noop).await.unwrap();
    assert!(discovery_name(&engine).await.contains("salaried-good"));
    engine.close().await;
}
