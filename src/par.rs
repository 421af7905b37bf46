//! Mapping over a slice on every core, keeping the order: rayon's work-stealing pool, so that
//! a few large items (the units at the top of the tree) do not leave a core idle.

use rayon::prelude::*;

/// Maps `f` over `items` on all cores, keeping the order. A panic in `f` is resumed here.
pub(crate) fn par_map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync + Send) -> Vec<R> {
    items.par_iter().map(f).collect()
}

/// Runs `a` and `b`, on two cores when one is free (a core that finishes its part takes work
/// of the other's `par_map`): a serial piece of a stage beside its parallel one.
pub(crate) fn join<A: Send, B: Send>(
    a: impl FnOnce() -> A + Send,
    b: impl FnOnce() -> B + Send,
) -> (A, B) {
    rayon::join(a, b)
}
