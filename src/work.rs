//! Counting the steps of the paths whose cost must stay linear in the input
//! (locating words in long scalars, drawing snippets, solving audience
//! conditions, grouping campaigns across a run).
//!
//! Each such path adds the number of elementary steps it took (characters
//! walked, lines scanned, conditions compared) to a per-thread counter.
//! Tests double an input and check that the count at most doubles plus a
//! margin, instead of timing anything. The counter is a plain thread-local
//! integer, added to once per call rather than once per step, so it costs
//! nothing measurable.

use std::cell::Cell;

thread_local! {
    static STEPS: Cell<u64> = const { Cell::new(0) };
}

/// Adds `n` steps to this thread's counter.
#[inline]
pub fn add(n: usize) {
    STEPS.with(|s| s.set(s.get().wrapping_add(n as u64)));
}

/// Runs `f` and returns its result with the steps it took on this thread.
pub fn count<R>(f: impl FnOnce() -> R) -> (R, u64) {
    let before = STEPS.with(Cell::get);
    let r = f();
    let after = STEPS.with(Cell::get);
    (r, after.wrapping_sub(before))
}

/// Whether `small` and `large` (the steps for an input and for the same
/// input doubled) grow at most linearly: `large <= 2 * small + margin`.
pub fn at_most_doubled(small: u64, large: u64, margin: u64) -> bool {
    large <= small.saturating_mul(2).saturating_add(margin)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_only_the_steps_inside() {
        add(5);
        let ((), n) = count(|| {
            add(3);
            add(4);
        });
        assert_eq!(n, 7);
        // A quadratic loop is caught, a linear one is not.
        let quadratic = |n: usize| count(|| (0..n).for_each(|_| add(n))).1;
        let linear = |n: usize| count(|| (0..n).for_each(|_| add(3))).1;
        assert!(!at_most_doubled(quadratic(100), quadratic(200), 100));
        assert!(at_most_doubled(linear(100), linear(200), 0));
    }
}
