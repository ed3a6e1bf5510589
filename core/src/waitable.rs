//! [`Waitable`]: what `wait` and `as_completed` accept, so context can travel with each future.

use crate::future::{Completion, Future};

/// Something that holds a [`Future`]: the future itself, a reference to it, or a `(context, future)`
/// pair. [`wait`](crate::wait) and [`as_completed`](crate::as_completed) hand back the very items you
/// gave them, so a pair carries its context along: the Rust form of Python's
/// `future_to_url = {executor.submit(load, url): url for url in urls}`.
///
/// ```
/// use concurrent::{Executor, ThreadPoolExecutor, as_completed};
///
/// let pool = ThreadPoolExecutor::new(4);
/// let jobs = ["a.txt", "bb.txt"].map(|name| (name, pool.submit(move || name.len()).unwrap()));
/// for item in as_completed(jobs, None) {
///     let (name, future) = item.unwrap();
///     assert_eq!(future.result().unwrap(), name.len());
/// }
/// ```
///
/// The trait is sealed: only this crate implements it (its one method is an implementation
/// detail), so your own types go in a pair with the future instead.
///
/// ```compile_fail
/// use concurrent::{CompletionHandle, Future, Waitable};
///
/// // Does not compile: `Waitable` needs a private supertrait.
/// struct Job(Future<u8>);
/// impl Waitable for Job {
///     fn completion_handle(&self) -> CompletionHandle<'_> {
///         self.0.completion_handle()
///     }
/// }
/// ```
pub trait Waitable: sealed::Sealed {
    #[doc(hidden)]
    fn completion_handle(&self) -> CompletionHandle<'_>;
}

mod sealed {
    /// The private supertrait of [`Waitable`](super::Waitable): outside the crate it cannot be
    /// named, so it cannot be implemented, and neither can `Waitable`.
    pub trait Sealed {}

    impl<T: Send> Sealed for crate::Future<T> {}
    impl<T: Send> Sealed for &crate::Future<T> {}
    impl<K, W: super::Waitable> Sealed for (K, W) {}
}

/// Opaque handle used by [`Waitable`]; it cannot be built outside this crate.
#[doc(hidden)]
#[derive(Clone, Copy)]
pub struct CompletionHandle<'a>(pub(crate) &'a dyn Completion);

impl std::fmt::Debug for CompletionHandle<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CompletionHandle")
    }
}

impl<T: Send> Waitable for Future<T> {
    fn completion_handle(&self) -> CompletionHandle<'_> {
        CompletionHandle(self.completion())
    }
}

impl<T: Send> Waitable for &Future<T> {
    fn completion_handle(&self) -> CompletionHandle<'_> {
        CompletionHandle(self.completion())
    }
}

impl<K, W: Waitable> Waitable for (K, W) {
    fn completion_handle(&self) -> CompletionHandle<'_> {
        self.1.completion_handle()
    }
}

/// Drops the items whose future already appeared earlier in the list (Python works on sets).
pub(crate) fn dedup<W: Waitable>(items: impl IntoIterator<Item = W>) -> Vec<W> {
    let mut seen = std::collections::HashSet::new();
    items
        .into_iter()
        .filter(|item| seen.insert(item.completion_handle().0.identity() as usize))
        .collect()
}
