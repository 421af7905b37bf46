//! Building the organisation tree: from the `units` table, or flat under one root.
//! Every unit named in any table must be in the tree; parents must exist; no cycles.

use std::collections::{BTreeSet, HashMap};

use crate::config::Config;
use crate::diag::{Findings, cut, quoted, row_list};
use crate::load::Dataset;
use crate::model::tree::{Node, Tree};

/// Builds the tree and checks every unit reference in the data.
pub(crate) fn build(data: &Dataset, config: &Config, findings: &mut Findings) -> Option<Tree> {
    let tree = match data.get("units") {
        Some(units) => from_units_table(units, &data.unit_names, config, findings)?,
        None => flat(data, config),
    };
    check_references(data, &tree, findings);
    Some(tree)
}

fn flat(data: &Dataset, config: &Config) -> Tree {
    let mut codes = BTreeSet::new();
    for table in data.tables.values() {
        for col in table.spec.unit_columns {
            codes.extend(table.text(col).iter().filter(|c| !c.is_empty()).cloned());
        }
    }
    codes.remove(&config.root_code);
    let mut nodes = vec![Node {
        code: config.root_code.clone(),
        name: config.root_name.clone(),
        parent: None,
        children: Vec::new(),
        depth: 0,
    }];
    for code in codes {
        let i = nodes.len();
        nodes[0].children.push(i);
        nodes.push(Node {
            name: data
                .unit_names
                .get(&code)
                .cloned()
                .unwrap_or_else(|| code.clone()),
            code,
            parent: Some(0),
            children: Vec::new(),
            depth: 1,
        });
    }
    Tree::finish(nodes, 0)
}

fn from_units_table(
    units: &crate::load::Table,
    found_names: &std::collections::BTreeMap<String, String>,
    config: &Config,
    findings: &mut Findings,
) -> Option<Tree> {
    let file = units.file.as_str();
    let (codes, names, parents) = (units.text("unit"), units.text("name"), units.text("parent"));
    let mut index: HashMap<&str, usize> = HashMap::new();
    for (i, c) in codes.iter().enumerate() {
        index.entry(c.as_str()).or_insert(i);
    }
    let parent_of =
        |i: usize| -> Option<&str> { parents.get(i).map(String::as_str).filter(|p| !p.is_empty()) };
    let mut ok = !findings.errors().any(|f| f.file.as_deref() == Some(file));
    for (i, code) in codes.iter().enumerate() {
        if let Some(p) = parent_of(i)
            && !index.contains_key(p)
        {
            findings.error(
                file,
                Some(units.rows[i]),
                Some(units.shown("parent")),
                format!(
                    "parent {} of unit {} does not exist (expected a code from the unit column, or empty for the root)",
                    quoted(p),
                    quoted(code)
                ),
            );
            ok = false;
        }
    }
    // Cycles: follow parents from every unit; a walk that returns to a unit on it is a cycle.
    let mut state = vec![0u8; codes.len()]; // 0 unvisited, 1 on the current walk, 2 done
    for start in 0..codes.len() {
        let mut walk: Vec<usize> = Vec::new();
        let mut cur = Some(start);
        while let Some(i) = cur {
            if state[i] == 2 {
                break;
            }
            if state[i] == 1 {
                let pos = walk.iter().position(|&w| w == i).unwrap_or(0);
                let cycle = &walk[pos..];
                let mut names: Vec<String> = cycle.iter().map(|&c| cut(&codes[c])).collect();
                names.push(cut(&codes[i]));
                let rows: Vec<u64> = cycle.iter().map(|&c| units.rows[c]).collect();
                findings.error(
                    file,
                    Some(units.rows[cycle[0]]),
                    Some(units.shown("parent")),
                    format!(
                        "the organisation tree has a cycle: {} ({}; expected every unit to lead up to the root)",
                        names.join(" → "),
                        row_list(&rows)
                    ),
                );
                ok = false;
                break;
            }
            state[i] = 1;
            walk.push(i);
            cur = parent_of(i).and_then(|p| index.get(p).copied());
        }
        for w in walk {
            state[w] = 2;
        }
    }
    if !ok {
        return None;
    }
    let roots: Vec<usize> = (0..codes.len())
        .filter(|&i| parent_of(i).is_none())
        .collect();
    let mut nodes: Vec<Node> = codes
        .iter()
        .zip(names)
        .map(|(c, n)| Node {
            code: c.clone(),
            // A name the units table leaves empty is taken from the data (SIE objects,
            // "CODE Name" cells), else the code.
            name: if n.is_empty() {
                found_names.get(c).unwrap_or(c).clone()
            } else {
                n.clone()
            },
            parent: None,
            children: Vec::new(),
            depth: 0,
        })
        .collect();
    for i in 0..codes.len() {
        if let Some(p) = parent_of(i) {
            let pi = index[p];
            nodes[i].parent = Some(pi);
            nodes[pi].children.push(i);
        }
    }
    let root = if roots.len() == 1 {
        roots[0]
    } else {
        if let Some(&clash) = index.get(config.root_code.as_str()) {
            findings.error(
                file,
                Some(units.rows[clash]),
                Some(units.shown("unit")),
                format!(
                    "several units have no parent, and the root code \"{}\" that would join them is taken by this unit (set organisation.code in the config)",
                    config.root_code
                ),
            );
            return None;
        }
        let r = nodes.len();
        nodes.push(Node {
            code: config.root_code.clone(),
            name: config.root_name.clone(),
            parent: None,
            children: roots.clone(),
            depth: 0,
        });
        for &i in &roots {
            nodes[i].parent = Some(r);
        }
        r
    };
    Some(Tree::finish(nodes, root))
}

/// The most unknown unit codes of one column named one by one; the rest are counted.
const MAX_UNKNOWN: usize = 20;

/// The rows (file lines) of `transactions.csv` that name each of `codes` in its `unit`
/// column, up to six per code, with the file as messages show it; `None` when there is no
/// such file or it cannot be read.
fn transaction_rows(data: &Dataset, codes: &[&str]) -> Option<(String, HashMap<String, Vec<u64>>)> {
    use std::io::BufRead;
    if codes.is_empty() {
        return None;
    }
    let input = data.inputs.iter().find(|i| i.table == "transactions")?;
    let path = data.dir.join(input.file.as_ref()?);
    if !path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("csv"))
    {
        return None;
    }
    let mut lines = std::io::BufReader::new(std::fs::File::open(&path).ok()?).split(b'\n');
    let header = String::from_utf8_lossy(&lines.next()?.ok()?).to_string();
    let separator = super::text::detect_separator(&header) as char;
    let fields = |line: &str| -> Vec<String> {
        let (mut out, mut field, mut quoted) = (Vec::new(), String::new(), false);
        for c in line.trim_end_matches('\r').chars() {
            match c {
                '"' => quoted = !quoted,
                c if c == separator && !quoted => out.push(std::mem::take(&mut field)),
                c => field.push(c),
            }
        }
        out.push(field);
        out
    };
    let names = super::header::column_names(super::spec::TRANSACTIONS, &fields(&header));
    let unit = names.iter().position(|n| n == "unit")?;
    let mut rows: HashMap<String, Vec<u64>> = HashMap::new();
    for (i, line) in lines.enumerate() {
        let Ok(line) = line else { break };
        let line = String::from_utf8_lossy(&line);
        let Some(code) = fields(&line).get(unit).map(|c| c.trim().to_string()) else {
            continue;
        };
        if codes.contains(&code.as_str()) {
            let e = rows.entry(code).or_default();
            if e.len() < 6 {
                e.push(i as u64 + 2);
            }
        }
    }
    Some((path.display().to_string(), rows))
}

/// Every unit code in every table must be a unit of the tree.
fn check_references(data: &Dataset, tree: &Tree, findings: &mut Findings) {
    for table in data.tables.values() {
        for col in table.spec.unit_columns {
            // Per unknown code: its rows, in the file of its first row.
            let mut unknown: Vec<(String, Vec<u64>)> = Vec::new();
            let mut unknown_file: Vec<&str> = Vec::new();
            let mut slot: HashMap<&str, usize> = HashMap::new();
            let mut last_known = "";
            for (i, code) in table.text(col).iter().enumerate() {
                // Rows come in runs of the same unit: look each run up once.
                if code.is_empty() || code == last_known {
                    continue;
                }
                if tree.index.contains_key(code) {
                    last_known = code;
                    continue;
                }
                let (file, row) = table.origin(i);
                let s = *slot.entry(code.as_str()).or_insert_with(|| {
                    unknown.push((code.clone(), Vec::new()));
                    unknown_file.push(file);
                    unknown.len() - 1
                });
                if unknown_file[s] == file {
                    unknown[s].1.push(row);
                }
            }
            let shown = unknown.len().min(MAX_UNKNOWN);
            let rest = unknown.split_off(shown);
            // Rows summed by the streaming transaction path carry no row number (0): those
            // units are looked up in the transactions file itself.
            let unnumbered: Vec<&str> = unknown
                .iter()
                .filter(|(_, rows)| rows.iter().all(|r| *r == 0))
                .map(|(code, _)| code.as_str())
                .collect();
            let found = transaction_rows(data, &unnumbered);
            for ((code, rows), in_file) in unknown.into_iter().zip(unknown_file) {
                let (file, known) = match found.as_ref().and_then(|(f, r)| Some((f, r.get(&code)?)))
                {
                    Some((file, rows)) if rows.iter().all(|r| *r > 0) => {
                        (file.clone(), rows.clone())
                    }
                    _ => (
                        in_file.to_string(),
                        rows.iter().copied().filter(|r| *r > 0).collect(),
                    ),
                };
                let place = if known.is_empty() {
                    "in the transactions".to_string()
                } else {
                    format!("on {}", row_list(&known))
                };
                findings.error(
                    &file,
                    known.first().copied(),
                    Some(table.shown(col)),
                    format!(
                        "unit {} is not in the organisation tree ({place}; expected a unit of the units table)",
                        quoted(&code)
                    ),
                );
            }
            if !rest.is_empty() {
                let mut first: Vec<u64> = rest
                    .iter()
                    .filter_map(|(_, rows)| rows.iter().copied().find(|r| *r > 0))
                    .collect();
                first.sort_unstable();
                let place = if first.is_empty() {
                    String::new()
                } else {
                    format!(", first on {}", row_list(&first))
                };
                findings.error(
                    &table.file,
                    first.first().copied(),
                    Some(table.shown(col)),
                    format!(
                        "{} more units are not in the organisation tree{place} (expected units of the units table)",
                        rest.len()
                    ),
                );
            }
        }
    }
}
