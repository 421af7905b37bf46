//! Did-you-mean: the YAML parser's messages turned into `file:line:column` with the nearest
//! valid key.

use std::path::Path;

/// Edit distance between two short words, for suggesting the key the user meant.
fn distance(a: &str, b: &str) -> usize {
    strsim::levenshtein(a, b)
}

/// Turns the YAML parser's message into `file:line:column: message (did you mean …?)`
/// followed by the parser's source snippet.
pub(super) fn explain(message: &str, origin: &Path) -> String {
    let mut lines = message.lines();
    let first = lines
        .next()
        .unwrap_or("")
        .trim_start_matches("error: ")
        .to_string();
    let (place, rest) = match first.strip_prefix("line ").and_then(|r| r.split_once(": ")) {
        Some((lc, rest)) => {
            let lc = lc.replace(" column ", ":");
            (format!("{}:{lc}", origin.display()), rest.to_string())
        }
        None => (origin.display().to_string(), first.clone()),
    };
    let mut hint = String::new();
    if let Some(r) = rest.strip_prefix("unknown field `")
        && let Some((key, expected)) = r.split_once("`, expected one of ")
    {
        let best = expected
            .split(", ")
            .map(|k| k.trim_matches('`'))
            .min_by_key(|k| distance(key, k));
        if let Some(k) = best
            && distance(key, k) <= 3
        {
            hint = format!(" (did you mean `{k}`?)");
        }
    }
    let shown = origin.display().to_string();
    let snippet: Vec<String> = lines.map(|l| l.replace("<input>", &shown)).collect();
    let mut out = format!("{place}: {rest}{hint}");
    if !snippet.is_empty() {
        out.push('\n');
        out.push_str(&snippet.join("\n"));
    }
    out
}
