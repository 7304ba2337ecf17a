//! Work spread over threads, with results in input order.
//!
//! A run checks many small files that do not depend on each other, so a
//! shared counter hands out the next file to whichever thread is free
//! (cheap work stealing without a thread-pool crate). Results come back in
//! the order of the inputs, whatever the number of threads, so the output of
//! a run is the same bytes with `--threads 1` and with many.

use std::sync::atomic::{AtomicUsize, Ordering};

/// The number of threads to use: `requested`, or every core when it is 0.
pub fn threads(requested: usize) -> usize {
    if requested > 0 {
        requested
    } else {
        std::thread::available_parallelism().map_or(1, |n| n.get())
    }
}

/// Applies `f` to every item on up to `threads` threads (0: every core) and
/// returns the results in the order of `items`.
///
/// The calling thread works too, beside `threads - 1` helpers. A helper that
/// cannot be started (a process or thread limit in a container) is simply
/// not there: the threads that did start, down to the calling one alone,
/// share the work.
pub fn map<T, R, F>(items: &[T], threads: usize, f: F) -> Vec<R>
where
    T: Sync,
    R: Send,
    F: Fn(&T) -> R + Sync,
{
    map_spawning(items, threads, f, |_| true)
}

/// [`map`], where `may_spawn(i)` says whether the `i`-th helper may be
/// started (tests use it to stand for a failing `spawn`).
fn map_spawning<T, R, F>(
    items: &[T],
    threads: usize,
    f: F,
    may_spawn: impl Fn(usize) -> bool,
) -> Vec<R>
where
    T: Sync,
    R: Send,
    F: Fn(&T) -> R + Sync,
{
    let threads = self::threads(threads).min(items.len());
    if threads <= 1 {
        return items.iter().map(f).collect();
    }
    let next = AtomicUsize::new(0);
    let work = || {
        let mut mine = Vec::new();
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            let Some(item) = items.get(i) else { break };
            mine.push((i, f(item)));
        }
        mine
    };
    let mut slots: Vec<Option<R>> = Vec::with_capacity(items.len());
    slots.resize_with(items.len(), || None);
    std::thread::scope(|s| {
        let helpers: Vec<_> = (0..threads - 1)
            .filter(|&i| may_spawn(i))
            .map_while(|_| std::thread::Builder::new().spawn_scoped(s, work).ok())
            .collect();
        let mut place = |done: Vec<(usize, R)>| {
            for (i, r) in done {
                slots[i] = Some(r);
            }
        };
        place(work());
        // Each thread's results go straight to their places.
        for h in helpers {
            match h.join() {
                Ok(done) => place(done),
                // `f` catches its own panics; one that escapes is a bug.
                Err(payload) => std::panic::resume_unwind(payload),
            }
        }
    });
    slots
        .into_iter()
        .map(|r| r.expect("every item was taken by a thread"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_keep_the_input_order_on_any_number_of_threads() {
        let items: Vec<u64> = (0..1000).collect();
        let expected: Vec<u64> = items.iter().map(|x| x * x).collect();
        for t in [1, 2, 3, 8] {
            assert_eq!(map(&items, t, |x| x * x), expected, "{t} threads");
        }
        assert!(map(&[] as &[u64], 4, |x| *x).is_empty());
    }

    #[test]
    fn helpers_that_cannot_start_leave_the_work_to_the_others() {
        let items: Vec<u64> = (0..500).collect();
        let expected: Vec<u64> = items.iter().map(|x| x + 1).collect();
        // No helper at all, or only the first two of 199.
        assert_eq!(map_spawning(&items, 200, |x| x + 1, |_| false), expected);
        assert_eq!(map_spawning(&items, 200, |x| x + 1, |i| i < 2), expected);
    }

    #[test]
    fn zero_means_every_core() {
        assert!(threads(0) >= 1);
        assert_eq!(threads(3), 3);
    }
}
