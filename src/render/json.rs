//! JSON files (`figures.json`, `manifest.json`): pretty-printed, ending in a line end.

use serde::Serialize;

/// The value as pretty JSON with a final line end.
pub(crate) fn to_json<T: Serialize>(v: &T) -> Vec<u8> {
    let mut s = serde_json::to_string_pretty(v).unwrap_or_default();
    s.push('\n');
    s.into_bytes()
}
