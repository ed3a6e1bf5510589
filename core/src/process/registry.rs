//! The table of functions a worker process may run, identical in the parent and in its workers.
//!
//! A function pointer cannot cross to another process: its address differs there (ASLR), and
//! turning an integer back into a function needs `unsafe`. So both sides build the same table (the
//! same binary runs the same `tasks![...]` at the top of `main`) and a task travels as its index.
//!
//! The parent finds the index by the function's *type*, not its address. Every function item has
//! a type of its own (zero-sized, `'static`), so `TypeId::of::<F>()` names it exactly. Its address
//! does not: in an optimised build, rustc copies small functions into each codegen unit that uses
//! them, so `f as usize` at the `tasks![...]` line and at a `submit` elsewhere can differ (the
//! first version of this module compared addresses and failed so in `--release`), and two
//! identical functions may also be merged into one address.

use std::any::TypeId;
use std::fmt;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::OnceLock;

use serde::Serialize;
use serde::de::DeserializeOwned;

use super::protocol::Outcome;
use crate::Error;
use crate::error::panic_message;

/// Decodes an argument, runs the function (catching a panic) and encodes its result.
type Call = Box<dyn Fn(&[u8]) -> Outcome + Send + Sync>;

/// One function a worker process can run: build it with [`tasks!`](crate::process::tasks).
pub struct Task {
    name: &'static str,
    function: TypeId,
    call: Call,
}

impl Task {
    /// An entry for `f`, named `name` in error messages. [`tasks!`](crate::process::tasks) calls
    /// this with the function's path as its name.
    ///
    /// ```
    /// fn double(n: u64) -> u64 { n * 2 }
    /// let task = concurrent::process::Task::new("double", double);
    /// assert_eq!(task.name(), "double");
    /// ```
    pub fn new<F, A, T>(name: &'static str, f: F) -> Task
    where
        F: Fn(A) -> T + Send + Sync + 'static,
        A: DeserializeOwned + 'static,
        T: Serialize + 'static,
    {
        assert_function::<F>();
        Task {
            name,
            function: TypeId::of::<F>(),
            call: Box::new(move |bytes| call(&f, bytes)),
        }
    }

    /// The name given to [`Task::new`].
    pub fn name(&self) -> &'static str {
        self.name
    }

    pub(crate) fn run(&self, argument: &[u8]) -> Outcome {
        (self.call)(argument)
    }
}

impl fmt::Debug for Task {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Task").field(&self.name).finish()
    }
}

/// Runs `f` on a decoded argument; each way it can fail becomes an [`Outcome`] for the parent.
fn call<A: DeserializeOwned, T: Serialize>(f: &impl Fn(A) -> T, bytes: &[u8]) -> Outcome {
    let argument: A = match postcard::from_bytes(bytes) {
        Ok(argument) => argument,
        Err(error) => {
            return Outcome::Unsendable(format!(
                "the worker could not decode the argument as {}: {error}",
                std::any::type_name::<A>()
            ));
        }
    };
    match catch_unwind(AssertUnwindSafe(|| f(argument))) {
        Ok(value) => match postcard::to_allocvec(&value) {
            Ok(bytes) => Outcome::Value(bytes),
            Err(error) => Outcome::Unsendable(format!(
                "the result ({}) could not be serialised: {error}",
                std::any::type_name::<T>()
            )),
        },
        Err(payload) => Outcome::Panicked(panic_message(payload.as_ref())),
    }
}

/// The functions a program's worker processes may run: `tasks![f, g, module::h]`, passed to
/// [`init`](crate::process::init) at the top of `main`.
pub struct Tasks {
    tasks: Vec<Task>,
}

impl Tasks {
    /// A table of the given entries (what [`tasks!`](crate::process::tasks) expands to).
    pub fn new(tasks: Vec<Task>) -> Tasks {
        Tasks { tasks }
    }

    /// The names of the functions, in order.
    ///
    /// ```
    /// fn double(n: u64) -> u64 { n * 2 }
    /// fn shout(s: String) -> String { s.to_uppercase() }
    /// let tasks = concurrent::process::tasks![double, shout];
    /// assert_eq!(tasks.names().collect::<Vec<_>>(), ["double", "shout"]);
    /// ```
    pub fn names(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.tasks.iter().map(|task| task.name)
    }

    pub(crate) fn get(&self, index: u32) -> Option<&Task> {
        self.tasks.get(usize::try_from(index).ok()?)
    }

    /// The index of function `F` in this table, or why it cannot be sent.
    fn index_of<F: 'static>(&self) -> Result<u32, Error> {
        let function = TypeId::of::<F>();
        let found = self.tasks.iter().position(|task| task.function == function);
        match found.map(u32::try_from) {
            Some(Ok(index)) => Ok(index),
            _ => Err(Error::Unsendable(format!(
                "{} is not registered as a process task: add it to the \
                 concurrent::process::tasks![...] list that main passes to \
                 concurrent::process::init (registered: {})",
                std::any::type_name::<F>(),
                self.names().collect::<Vec<_>>().join(", ")
            ))),
        }
    }
}

impl fmt::Debug for Tasks {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.names()).finish()
    }
}

/// [`tasks!`](crate::process::tasks), under the name `#[macro_export]` gives it.
#[macro_export]
#[doc(hidden)]
macro_rules! __process_tasks {
    ($($f:path),* $(,)?) => {
        $crate::process::Tasks::new(::std::vec![
            $($crate::process::Task::new(::std::stringify!($f), $f)),*
        ])
    };
}

/// The table this process registered with [`init`](crate::process::init).
static REGISTERED: OnceLock<Tasks> = OnceLock::new();

/// Registers the table of this (parent) process. The first call wins: every call in one binary
/// passes the same table, since parent and workers must agree on it.
pub(crate) fn register(tasks: Tasks) {
    let _ = REGISTERED.set(tasks);
}

/// The index of function `F` in the registered table, or a message that says how to register it.
pub(crate) fn index_of<F: 'static>() -> Result<u32, Error> {
    assert_function::<F>();
    match REGISTERED.get() {
        Some(tasks) => tasks.index_of::<F>(),
        None => Err(Error::Unsendable(format!(
            "no process tasks are registered, so {} cannot be sent to a worker: call \
             concurrent::process::init(concurrent::process::tasks![...]) at the top of main \
             (in a test, see ProcessPoolBuilder::test_worker)",
            std::any::type_name::<F>()
        ))),
    }
}

/// Refuses, at compile time, a task that carries data: a closure that captures something, or a
/// function pointer (whose value, an address, means nothing in another process). A function
/// item and a closure that captures nothing are zero-sized: their type is the whole of them.
pub(crate) const fn assert_function<F>() {
    const {
        assert!(
            std::mem::size_of::<F>() == 0,
            "a process task must be a function named directly (or a closure that captures \
             nothing): captured data and function pointers cannot travel to another process"
        )
    }
}

/// The table [`register`] kept.
pub(crate) fn registered() -> Option<&'static Tasks> {
    REGISTERED.get()
}
