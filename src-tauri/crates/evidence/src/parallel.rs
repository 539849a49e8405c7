//! Work split over every core with scoped threads: the verifier and the export audit parse a
//! million records this way. Plain std, so the crate needs no thread pool.

/// `f` over `items` split in one contiguous piece per core, in order.
pub(crate) fn on_every_core<T: Sync, U: Send>(
    items: &[T],
    cores: usize,
    f: impl Fn(&[T]) -> U + Sync,
) -> Vec<U> {
    let size = items.len().div_ceil(cores.max(1)).max(1);
    if items.len() <= size {
        return vec![f(items)];
    }
    std::thread::scope(|scope| {
        let f = &f;
        let handles: Vec<_> = items
            .chunks(size)
            .map(|piece| scope.spawn(move || f(piece)))
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
            .collect()
    })
}
