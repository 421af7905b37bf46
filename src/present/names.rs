//! File names derived from unit codes: safe on every file system, whatever the code holds,
//! and distinct even where the file system ignores case.

use std::collections::HashMap;

const RESERVED: &[&str] = &[
    "con", "prn", "aux", "nul", "com1", "com2", "com3", "com4", "com5", "com6", "com7", "com8",
    "com9", "lpt1", "lpt2", "lpt3", "lpt4", "lpt5", "lpt6", "lpt7", "lpt8", "lpt9", "index",
    "manifest", "figures",
];

/// The stem for one code: letters, digits and `-` kept; every other byte written as `_XX`.
pub(crate) fn stem(code: &str) -> String {
    let mut out = String::new();
    for b in code.bytes() {
        if b.is_ascii_alphanumeric() || b == b'-' {
            out.push(b as char);
        } else {
            out.push_str(&format!("_{b:02X}"));
        }
    }
    if out.is_empty() || RESERVED.contains(&out.to_ascii_lowercase().as_str()) {
        out.insert(0, '_');
    }
    if out.len() > 120 {
        let hash = crate::model::hash::sha256_hex(code.as_bytes());
        out.truncate(100);
        out.push('~');
        out.push_str(&hash[..12]);
    }
    out
}

/// Stems for many codes: where two differ only by case, the later gets a short hash suffix.
pub(crate) fn stems<'a>(codes: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let mut seen: HashMap<String, usize> = HashMap::new();
    codes
        .into_iter()
        .map(|code| {
            let s = stem(code);
            let lower = s.to_ascii_lowercase();
            let n = seen.entry(lower).or_insert(0);
            *n += 1;
            if *n > 1 {
                let hash = crate::model::hash::sha256_hex(code.as_bytes());
                format!("{s}~{}", &hash[..8])
            } else {
                s
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unsafe_codes_are_escaped() {
        assert_eq!(stem("HSN"), "HSN");
        assert_eq!(stem("HSN-PV"), "HSN-PV");
        assert_eq!(stem("a/b"), "a_2Fb");
        assert_eq!(stem("../x"), "_2E_2E_2Fx");
        assert_eq!(stem("Åre"), "_C3_85re");
        assert_eq!(stem("CON"), "_CON");
        assert_eq!(stem("a_b"), "a_5Fb");
        assert_eq!(stem("index"), "_index");
    }

    #[test]
    fn case_collisions_are_split() {
        let s = stems(["HSN", "hsn", "RS"]);
        assert_eq!(s[0], "HSN");
        assert!(s[1].starts_with("hsn~") && s[1].len() == 12, "{}", s[1]);
        assert_eq!(s[2], "RS");
    }
}
