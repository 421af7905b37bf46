//! Board packs: the units of each configured pack, in report order.

use crate::config::{self, Config};
use crate::error::ConfigError;
use crate::model::tree::Tree;

/// The nodes of each configured pack, in order; unknown units are config errors.
pub(crate) fn resolve(
    config: &Config,
    tree: &Tree,
    files: &[String],
) -> Result<Vec<Vec<usize>>, ConfigError> {
    let mut problems = Vec::new();
    let mut out = Vec::new();
    let file = config.source.as_deref();
    let at = file
        .map(|p| format!("{}: ", p.display()))
        .unwrap_or_default();
    // The tree's nearest codes to one that is not there, for the message.
    let nearest = |code: &str| {
        let mut codes: Vec<(usize, &str)> = tree
            .nodes
            .iter()
            .map(|n| {
                (
                    strsim::levenshtein(&code.to_lowercase(), &n.code.to_lowercase()),
                    n.code.as_str(),
                )
            })
            .collect();
        codes.sort();
        let near: Vec<&str> = codes.iter().take(3).map(|(_, c)| *c).collect();
        near.join(", ")
    };
    for pack in &config.packs {
        if files.iter().any(|f| f.eq_ignore_ascii_case(&pack.name)) {
            problems.push(format!(
                "{at}packs: pack name \"{}\" is also a unit's file name; choose another",
                pack.name
            ));
        }
        let nodes = match &pack.units {
            config::PackUnits::Tree { root, levels } => match tree.get(&root.code) {
                Some(r) => {
                    let base = tree.nodes[r].depth;
                    let start = tree.order.iter().position(|&n| n == r).unwrap_or(0);
                    let mut nodes = vec![r];
                    for &n in &tree.order[start + 1..] {
                        let d = tree.nodes[n].depth;
                        if d <= base {
                            break;
                        }
                        if d - base <= *levels {
                            nodes.push(n);
                        }
                    }
                    nodes
                }
                None => {
                    problems.push(format!(
                        "{}packs, {}: root unit \"{}\" is not in the organisation tree (nearest: {})",
                        root.at(file),
                        pack.name,
                        root.code,
                        nearest(&root.code)
                    ));
                    Vec::new()
                }
            },
            config::PackUnits::List(codes) => codes
                .iter()
                .filter_map(|c| {
                    let n = tree.get(&c.code);
                    if n.is_none() {
                        problems.push(format!(
                            "{}packs, {}: unit \"{}\" is not in the organisation tree (nearest: {})",
                            c.at(file),
                            pack.name,
                            c.code,
                            nearest(&c.code)
                        ));
                    }
                    n
                })
                .collect(),
        };
        out.push(nodes);
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(ConfigError { problems })
    }
}
