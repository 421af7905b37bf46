//! The boundary around each file's reader: a panic inside a reader library (Polars, calamine,
//! the CSV and SIE readers) on a damaged file becomes that file's error instead of ending the
//! run. While a guarded read runs, the default panic message is not printed: the finding says it.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Once;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Guarded reads in progress (on any thread; readers run on worker threads too).
static GUARDED: AtomicUsize = AtomicUsize::new(0);
static HOOK: Once = Once::new();

/// The longest panic message repeated in a finding, in characters.
const MAX_MESSAGE: usize = 300;

/// A reader's panic, as its message (first line, cut at [`MAX_MESSAGE`] characters).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Panicked(pub String);

impl std::fmt::Display for Panicked {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Why a file is not handed to its reader library: what the bounds checks of
/// [`super::parquet_bounds`] and [`super::xlsx_bounds`] found. Both fail closed: a file whose
/// structure cannot be walked is refused too, since what it would make the reader allocate
/// is then unknown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Refusal {
    /// The file claims more than a bound allows (the text says what, and the bound).
    Claims(String),
    /// The file's structure cannot be walked (the text says where it stops being the format).
    Unreadable(String),
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Refusal::Claims(t) | Refusal::Unreadable(t) => f.write_str(t),
        }
    }
}

/// Runs `read`; a panic inside it is returned as its message.
pub(crate) fn catch_panic<T>(read: impl FnOnce() -> T) -> Result<T, Panicked> {
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if GUARDED.load(Ordering::SeqCst) == 0 {
                previous(info);
            }
        }));
    });
    GUARDED.fetch_add(1, Ordering::SeqCst);
    let result = catch_unwind(AssertUnwindSafe(read));
    GUARDED.fetch_sub(1, Ordering::SeqCst);
    result.map_err(|payload| {
        let text = payload
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| payload.downcast_ref::<&str>().copied())
            .unwrap_or("no message");
        let text = text.lines().next().unwrap_or("").trim();
        Panicked(if text.chars().count() > MAX_MESSAGE {
            let cut: String = text.chars().take(MAX_MESSAGE).collect();
            format!("{cut}… ({} characters)", text.chars().count())
        } else {
            text.to_string()
        })
    })
}

/// The finding's text for a reader that failed on a file.
pub(crate) fn message(what: &str, panic: &Panicked) -> String {
    format!(
        "the file cannot be read as {what}: the reader failed on it ({panic}); is the file damaged?"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_becomes_its_message() {
        assert_eq!(catch_panic(|| 7), Ok(7));
        let r: Result<(), Panicked> = catch_panic(|| panic!("bad {}", "bitmap"));
        assert_eq!(r, Err(Panicked("bad bitmap".to_string())));
        let long = "x".repeat(1000);
        let r: Result<(), Panicked> = catch_panic(|| panic!("{long}"));
        assert!(r.unwrap_err().0.ends_with("… (1000 characters)"));
    }
}
