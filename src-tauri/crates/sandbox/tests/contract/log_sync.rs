//! The client's checked sync of the v2 disclosure log against the sandbox lender: pages
//! handed over one by one in index order, a later sync resuming from what was kept, and each
//! history fault of the sandbox (a fork, a dropped leaf, reordered leaves) caught as a typed
//! violation carrying the held and the offered signed heads.

use khata_lending::merkle::Frontier;
use khata_lending::{
    ContractVersion, HeldLog, LendingClient, LendingError, LogViolation, VerifiedPage,
    ViolationKind,
};
use khata_sandbox::{Faults, RunningSandbox, Scenario};

use crate::{client_for, decide, start};

/// A sandbox with a decided consent and `extra` seeded disclosures, and a client for it.
async fn seeded(extra: u64) -> (RunningSandbox, LendingClient) {
    let sb = start(Scenario::SalariedGood).await;
    let client = client_for(&sb).await;
    decide(&client, &[]).await;
    if extra > 0 {
        sb.seed_disclosures(extra).unwrap();
    }
    (sb, client)
}

/// Every page of one sync, as the engine would store them.
async fn sync(
    client: &LendingClient,
    held: Option<HeldLog>,
    page: u32,
) -> Result<Vec<VerifiedPage>, LendingError> {
    let mut pages = vec![];
    client
        .sync_log(held, page, |p| {
            pages.push(p);
            async { Ok::<(), LendingError>(()) }
        })
        .await?;
    Ok(pages)
}

/// What a caller holds after storing `pages`.
fn held(pages: &[VerifiedPage]) -> HeldLog {
    let last = pages.last().expect("a page");
    HeldLog {
        frontier: Frontier::from_parts(last.frontier.size(), last.frontier.hashes().to_vec())
            .unwrap(),
        head: last.head.raw.clone(),
    }
}

fn violation(r: Result<Vec<VerifiedPage>, LendingError>) -> LogViolation {
    match r {
        Err(LendingError::Log(v)) => *v,
        other => panic!("expected a log violation, got {other:?}"),
    }
}

#[tokio::test]
async fn the_log_syncs_page_by_page_and_resumes_from_what_was_kept() {
    let (sb, client) = seeded(2300).await;
    assert_eq!(client.contract_version(), ContractVersion::V2);
    let pages = sync(&client, None, 1000).await.unwrap();
    let size = client.log_head().await.unwrap().value.tree_size;
    assert!(size > 2300, "{size}");
    assert_eq!(pages.len() as u64, size.div_ceil(1000));
    let mut next = 0;
    for page in &pages {
        assert_eq!(page.start, next);
        for leaf in &page.leaves {
            assert_eq!(leaf.leaf.index, next);
            next += 1;
        }
        assert_eq!(page.head.value.tree_size, next);
        assert_eq!(page.frontier.root(), page.head.value.root().unwrap());
    }
    assert_eq!(next, size);

    // More disclosures later: the consistency proof joins the heads, only new leaves come.
    sb.seed_disclosures(150).unwrap();
    let more = sync(&client, Some(held(&pages)), 1000).await.unwrap();
    assert_eq!(more.len(), 1);
    assert_eq!(more[0].start, size);
    assert_eq!(more[0].leaves.len(), 150);
    // Up to date: nothing to fetch.
    assert!(
        sync(&client, Some(held(&more)), 1000)
            .await
            .unwrap()
            .is_empty()
    );
}

/// Syncs, turns `fault` on (it rewrites the lender's history once the log was fetched) and
/// syncs again from what was held.
async fn after_fault(fault: &str, seed_after: u64) -> (HeldLog, LogViolation) {
    let (sb, client) = seeded(20).await;
    let held = held(&sync(&client, None, 7).await.unwrap());
    let mut f = Faults::default();
    f.apply_spec(fault).unwrap();
    sb.set_faults(f);
    let _ = client.log_head().await.unwrap();
    if seed_after > 0 {
        sb.seed_disclosures(seed_after).unwrap();
    }
    let v = violation(sync(&client, Some(held.clone()), 7).await);
    (held, v)
}

#[tokio::test]
async fn a_forked_history_is_caught_with_both_heads() {
    let (held, v) = after_fault("forked-history=1", 0).await;
    assert_eq!(v.kind, ViolationKind::Inconsistent);
    assert_eq!(v.held.as_ref(), Some(&held.head));
    assert_eq!(v.offered["treeSize"], held.head["treeSize"], "same size");
    assert_ne!(v.offered["rootHash"], held.head["rootHash"]);

    // Grown since: no consistency proof joins the held head to the new one.
    let (held, v) = after_fault("forked-history=1", 5).await;
    assert_eq!(v.kind, ViolationKind::Inconsistent);
    assert_eq!(v.held, Some(held.head.clone()));
    assert!(v.offered["treeSize"].as_u64() > held.head["treeSize"].as_u64());
}

#[tokio::test]
async fn a_dropped_leaf_is_a_shrunk_log_then_an_inconsistent_one() {
    let (held, v) = after_fault("drop-leaf=1", 0).await;
    assert_eq!(v.kind, ViolationKind::Shrunk);
    assert_eq!(v.held, Some(held.head));
    let (_, v) = after_fault("drop-leaf=1", 3).await;
    assert_eq!(v.kind, ViolationKind::Inconsistent);
}

#[tokio::test]
async fn reordered_leaves_are_another_history_of_the_same_size() {
    let (held, v) = after_fault("reorder-leaves=1", 0).await;
    assert_eq!(v.kind, ViolationKind::Inconsistent);
    assert_eq!(v.offered["treeSize"], held.head["treeSize"]);
}
