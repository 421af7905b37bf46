//! The house rules of `src/`: the stages import one way. Nothing under `load/`, `compute/`
//! or `present/` knows the renderers, the writer, Tera or Typst; `render/` never reads loaded
//! tables; `compute/` knows no template and no file; only `write/` (and `init`) writes files.

use std::path::PathBuf;

use crate::root;

/// Every `.rs` file below `src/<dir>`, with its text.
fn sources(dir: &str) -> Vec<(PathBuf, String)> {
    let mut out = Vec::new();
    let mut stack = vec![root().join("src").join(dir)];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "rs") {
                let text = std::fs::read_to_string(&p).unwrap();
                out.push((p, text));
            }
        }
    }
    out.sort();
    out
}

/// The lines of a file outside its `#[cfg(test)]` module and outside comments.
fn code_lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let end = text.find("#[cfg(test)]").unwrap_or(text.len());
    text[..end]
        .lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l.trim_start()))
        .filter(|(_, l)| !l.starts_with("//"))
}

/// The places in `dir` that mention one of `forbidden` in code.
fn offences(dir: &str, forbidden: &[&str]) -> Vec<String> {
    let mut found = Vec::new();
    for (path, text) in sources(dir) {
        for (n, line) in code_lines(&text) {
            for f in forbidden {
                if line.contains(f) {
                    let rel = path.strip_prefix(root()).unwrap_or(&path).display();
                    found.push(format!("{rel}:{n}: {f}: {line}"));
                }
            }
        }
    }
    found
}

const RENDERING: &[&str] = &[
    "crate::render",
    "crate::write",
    "super::render",
    "tera::",
    "typst::",
    "typst_pdf",
    "typst_layout",
    "rust_xlsxwriter",
    "pulldown_cmark",
];

#[test]
fn load_compute_and_present_know_no_renderer_and_no_writer() {
    for dir in ["load", "compute", "present", "model", "config"] {
        let found = offences(dir, RENDERING);
        assert!(
            found.is_empty(),
            "src/{dir} reaches into rendering or writing:\n{}",
            found.join("\n")
        );
    }
}

#[test]
fn render_reads_views_not_loaded_tables() {
    let found = offences(
        "render",
        &[
            "crate::load",
            "crate::compute::sections::compute",
            "std::fs::read",
        ],
    );
    assert!(
        found.is_empty(),
        "src/render reads data:\n{}",
        found.join("\n")
    );
}

#[test]
fn compute_and_present_read_no_files() {
    for dir in ["compute", "present", "model"] {
        let found = offences(dir, &["std::fs::", "File::open", "read_to_string"]);
        assert!(
            found.is_empty(),
            "src/{dir} touches files:\n{}",
            found.join("\n")
        );
    }
}

#[test]
fn compute_triggers_no_reading() {
    // The transactions are read again by the load stage, asked for between load and compute
    // (`cmd/generate`); compute takes what was read and never calls a reader of `load`.
    let found = offences(
        "compute",
        &["load::postings", "load::source", "load::fast", "of_leaves"],
    );
    assert!(
        found.is_empty(),
        "src/compute asks for input to be read:\n{}",
        found.join("\n")
    );
}

#[test]
fn config_reads_no_data() {
    let found = offences("config", &["crate::load", "crate::compute"]);
    assert!(
        found.is_empty(),
        "src/config reaches into the data:\n{}",
        found.join("\n")
    );
}

#[test]
fn the_rule_catches_an_offence() {
    // The checker itself must see a forbidden import, or the tests above prove nothing.
    let text = "use std::fmt;\nuse crate::render::html;\n// crate::write in a comment\n#[cfg(test)]\nuse crate::write;\n";
    let lines: Vec<(usize, &str)> = code_lines(text)
        .filter(|(_, l)| RENDERING.iter().any(|f| l.contains(f)))
        .collect();
    assert_eq!(lines, [(2, "use crate::render::html;")]);
}

#[test]
fn lib_is_wiring_only() {
    let text = std::fs::read_to_string(root().join("src/lib.rs")).unwrap();
    let lines = code_lines(&text).filter(|(_, l)| !l.is_empty()).count();
    assert!(
        lines < 260,
        "src/lib.rs has grown to {lines} lines of code: move the work into a stage"
    );
    for word in ["std::fs::", "Tera", "Typst", "polars::"] {
        assert!(!text.contains(word), "src/lib.rs uses {word}");
    }
}

// The module graph, read from the sources with `syn`: every `use` and every path that names
// a module of the crate (`crate::…`, `super::…`, `self::…`), in the whole file except items
// under `#[cfg(test)]` or `#[test]` (so nothing after a test module is missed, and text in
// comments or strings is never taken for an import).

/// The crate's stages in the order they run; each may name itself, the stage right below it
/// and the foundation, nothing above it and nothing further down.
const STAGES: &[&str] = &["load", "compute", "present", "render", "write"];

/// What every stage may use: settings, the shared model, findings, errors, the clock.
const FOUNDATION: &[&str] = &["config", "model", "diag", "error", "clock", "par"];

/// The report sections (`src/sections/`): each section is one module there that plugs into
/// the stages it needs (the load specs, compute's helpers, present's formatting, the
/// workbook's rows), so the layer may name `load`, `compute`, `present` and `render` but not
/// `write` or `cmd`. The stages name only the layer's root (the `Section` trait and the list
/// `ALL` they iterate), never a section's module, so that adding a section touches no stage;
/// a section's module names no other section; the foundation names neither.
const SECTIONS: &str = "sections";

/// The crate-absolute module paths one file names, from its module path (`src/load/mod.rs` →
/// `["load"]`, `src/load/table.rs` → `["load", "table"]`).
struct Names {
    module: Vec<String>,
    found: Vec<Vec<String>>,
}

impl Names {
    fn resolve(&self, segments: &[String]) -> Option<Vec<String>> {
        let mut base = self.module.clone();
        let mut rest = segments;
        match rest.first().map(String::as_str) {
            Some("crate") => {
                base.clear();
                rest = &rest[1..];
            }
            Some("super") | Some("self") => {
                while let Some(s) = rest.first() {
                    match s.as_str() {
                        "super" => {
                            base.pop()?;
                        }
                        "self" => {}
                        _ => break,
                    }
                    rest = &rest[1..];
                }
            }
            _ => return None,
        }
        base.extend(rest.iter().cloned());
        Some(base)
    }

    fn add(&mut self, segments: Vec<String>) {
        if let Some(p) = self.resolve(&segments) {
            self.found.push(p);
        }
    }

    fn use_tree(&mut self, prefix: &mut Vec<String>, tree: &syn::UseTree) {
        match tree {
            syn::UseTree::Path(p) => {
                prefix.push(p.ident.to_string());
                self.use_tree(prefix, &p.tree);
                prefix.pop();
            }
            syn::UseTree::Name(n) => {
                let mut full = prefix.clone();
                full.push(n.ident.to_string());
                self.add(full);
            }
            syn::UseTree::Rename(r) => {
                let mut full = prefix.clone();
                full.push(r.ident.to_string());
                self.add(full);
            }
            syn::UseTree::Glob(_) => self.add(prefix.clone()),
            syn::UseTree::Group(g) => {
                for t in &g.items {
                    self.use_tree(prefix, t);
                }
            }
        }
    }
}

/// Whether attributes put an item under test only (`#[cfg(test)]`, `#[test]`).
fn test_only(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|a| {
        a.path().is_ident("test")
            || (a.path().is_ident("cfg") && a.parse_args::<syn::Ident>().is_ok_and(|i| i == "test"))
    })
}

impl<'ast> syn::visit::Visit<'ast> for Names {
    fn visit_item(&mut self, item: &'ast syn::Item) {
        let attrs = match item {
            syn::Item::Mod(m) => &m.attrs,
            syn::Item::Fn(f) => &f.attrs,
            syn::Item::Use(u) => &u.attrs,
            syn::Item::Impl(i) => &i.attrs,
            syn::Item::Const(c) => &c.attrs,
            syn::Item::Static(s) => &s.attrs,
            syn::Item::Struct(s) => &s.attrs,
            syn::Item::Enum(e) => &e.attrs,
            _ => return syn::visit::visit_item(self, item),
        };
        if test_only(attrs) {
            return;
        }
        match item {
            syn::Item::Mod(m) if m.content.is_some() => {
                self.module.push(m.ident.to_string());
                syn::visit::visit_item_mod(self, m);
                self.module.pop();
            }
            syn::Item::Use(u) => self.use_tree(&mut Vec::new(), &u.tree),
            _ => syn::visit::visit_item(self, item),
        }
    }

    fn visit_path(&mut self, path: &'ast syn::Path) {
        let segments: Vec<String> = path.segments.iter().map(|s| s.ident.to_string()).collect();
        self.add(segments);
        syn::visit::visit_path(self, path);
    }
}

/// One file of `src/`: its path, its module path, and the module paths it names.
type Module = (String, Vec<String>, Vec<Vec<String>>);

/// Every file of `src/` with its module path and the crate paths it names.
fn module_graph() -> Vec<Module> {
    let mut out = Vec::new();
    let mut stack = vec![root().join("src")];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).unwrap() {
            let path = e.unwrap().path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            if path.extension().is_none_or(|x| x != "rs") {
                continue;
            }
            let rel = path.strip_prefix(root().join("src")).unwrap();
            let mut module: Vec<String> = rel
                .with_extension("")
                .components()
                .map(|c| c.as_os_str().to_string_lossy().to_string())
                .collect();
            if matches!(
                module.last().map(String::as_str),
                Some("mod" | "lib" | "main")
            ) {
                module.pop();
            }
            let text = std::fs::read_to_string(&path).unwrap();
            let file = syn::parse_file(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            let mut names = Names {
                module: module.clone(),
                found: Vec::new(),
            };
            syn::visit::Visit::visit_file(&mut names, &file);
            out.push((format!("src/{}", rel.display()), module, names.found));
        }
    }
    out.sort();
    out
}

/// What a module at `from` (its top-level module) may not name at `to`, or `None`. There are
/// no exceptions: what `write` needs of the inputs (the manifest's list, the fingerprint's
/// digests) comes as `model::input`, which `load` fills.
fn forbidden(from: &str, to: &str) -> Option<&'static str> {
    if from == to {
        return None;
    }
    let stage = |m: &str| STAGES.iter().position(|s| *s == m);
    if FOUNDATION.contains(&from) {
        return (stage(to).is_some() || to == "cmd" || to == SECTIONS)
            .then_some("the foundation names a stage");
    }
    if from == SECTIONS {
        return match to {
            "write" => Some("a section names the writer"),
            "cmd" => Some("a section names a command"),
            _ => None,
        };
    }
    let Some(i) = stage(from) else {
        return None; // cmd, cli, lib and main wire everything
    };
    if to == "cmd" {
        return Some("a stage names a command");
    }
    match stage(to) {
        Some(j) if j > i => Some("a stage names a stage above it"),
        Some(j) if j + 1 < i => Some("a stage names a stage more than one step below it"),
        _ => None,
    }
}

/// What the crate root re-exports (`pub use render::Formats;` in lib.rs): name → the path it
/// stands for, so that `crate::Formats` counts as `render`.
fn root_exports() -> Vec<(String, String)> {
    let text = std::fs::read_to_string(root().join("src/lib.rs")).unwrap();
    let file = syn::parse_file(&text).unwrap();
    let mut names = Names {
        module: Vec::new(),
        found: Vec::new(),
    };
    for item in &file.items {
        if let syn::Item::Use(u) = item
            && matches!(u.vis, syn::Visibility::Public(_))
        {
            names.use_tree(&mut vec!["crate".to_string()], &u.tree);
        }
    }
    names
        .found
        .iter()
        .filter(|p| p.len() > 1)
        .map(|p| (p[p.len() - 1].clone(), p[0].clone()))
        .collect()
}

#[test]
fn stages_name_only_the_stage_below_them() {
    let graph = module_graph();
    let exports = root_exports();
    assert!(
        exports.contains(&("Formats".to_string(), "render".to_string())),
        "{exports:?}"
    );
    let mut offences = Vec::new();
    for (file, module, found) in graph {
        let Some(from) = module.first() else {
            continue;
        };
        for path in found {
            let Some(first) = path.first() else { continue };
            let to = exports
                .iter()
                .find(|(name, _)| name == first)
                .map_or(first.as_str(), |(_, module)| module.as_str());
            if let Some(why) = forbidden(from, to) {
                offences.push(format!("{file}: {why}: crate::{}", path.join("::")));
            }
        }
    }
    offences.sort();
    offences.dedup();
    assert!(offences.is_empty(), "{}", offences.join("\n"));
}

/// The modules of `src/sections/` that are sections (every file but `mod.rs`).
fn section_modules() -> Vec<String> {
    let mut out: Vec<String> = std::fs::read_dir(root().join("src/sections"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "rs"))
        .filter_map(|p| p.file_stem().map(|s| s.to_string_lossy().to_string()))
        .filter(|s| s != "mod")
        .collect();
    out.sort();
    out
}

/// Why a file at `module` may not name `path`, where `path` names a section's module: only
/// the layer's root (the list of sections) and the section itself name it.
fn names_a_section(
    module: &[String],
    path: &[String],
    sections: &[String],
) -> Option<&'static str> {
    let named = match path {
        [first, section, ..] if first == SECTIONS && sections.contains(section) => section,
        _ => return None,
    };
    match module {
        [first] if first == SECTIONS => None,
        [first, own, ..] if first == SECTIONS && own == named => None,
        [first, ..] if first == SECTIONS => Some("a section names another section"),
        _ => Some("names a section's module instead of the list of sections"),
    }
}

#[test]
fn only_the_list_of_sections_names_a_section() {
    let sections = section_modules();
    assert!(sections.contains(&"personnel".to_string()), "{sections:?}");
    let mut offences = Vec::new();
    for (file, module, found) in module_graph() {
        for path in found {
            if let Some(why) = names_a_section(&module, &path, &sections) {
                offences.push(format!("{file}: {why}: crate::{}", path.join("::")));
            }
        }
    }
    offences.sort();
    offences.dedup();
    assert!(offences.is_empty(), "{}", offences.join("\n"));
}

#[test]
fn the_section_rules_catch_an_offence() {
    let path = |p: &str| p.split("::").map(str::to_string).collect::<Vec<_>>();
    let sections = vec!["demo".to_string(), "personnel".to_string()];
    assert_eq!(
        names_a_section(
            &path("render::html"),
            &path("sections::personnel::Entry"),
            &sections
        ),
        Some("names a section's module instead of the list of sections")
    );
    assert_eq!(
        names_a_section(
            &path("sections::demo"),
            &path("sections::personnel::Personnel"),
            &sections
        ),
        Some("a section names another section")
    );
    assert_eq!(
        names_a_section(&path("render::html"), &path("sections::ALL"), &sections),
        None
    );
    assert_eq!(
        names_a_section(&path("sections"), &path("sections::demo::Entry"), &sections),
        None
    );
    assert_eq!(
        forbidden("model", "sections"),
        Some("the foundation names a stage")
    );
    assert_eq!(
        forbidden("sections", "write"),
        Some("a section names the writer")
    );
    assert_eq!(forbidden("sections", "render"), None);
    assert_eq!(forbidden("compute", "sections"), None);
}

/// The graph sees what the old text match missed: a path written in full in code (not a
/// `use`), a `super::` path, and everything after a test module.
#[test]
fn the_module_graph_sees_full_paths_and_code_after_tests() {
    let text = "use super::table::Table;\n#[cfg(test)]\nmod tests { use crate::render::x; }\nfn f() -> crate::Formats { crate::render::Formats::default() }\n";
    let file = syn::parse_file(text).unwrap();
    let mut names = Names {
        module: vec!["present".into(), "views".into()],
        found: Vec::new(),
    };
    syn::visit::Visit::visit_file(&mut names, &file);
    let found: Vec<String> = names.found.iter().map(|p| p.join("::")).collect();
    assert_eq!(
        found,
        [
            "present::table::Table",
            "Formats",
            "render::Formats::default"
        ]
    );
    assert_eq!(
        forbidden("present", "render"),
        Some("a stage names a stage above it")
    );
    assert_eq!(
        forbidden("render", "compute"),
        Some("a stage names a stage more than one step below it")
    );
    assert_eq!(forbidden("compute", "cmd"), Some("a stage names a command"));
    assert_eq!(forbidden("compute", "load"), None);
    assert_eq!(
        forbidden("write", "load"),
        Some("a stage names a stage more than one step below it")
    );
}

/// The modules of one folder that name each other round in a circle, each group as
/// `folder: a, b`: a folder's files form a one-way graph, so each can be read knowing only
/// those it names.
fn sibling_cycles(graph: &[Module]) -> Vec<String> {
    use std::collections::{BTreeMap, BTreeSet};
    // Per folder (a module path), which of its modules names which other.
    let mut edges: BTreeMap<Vec<String>, BTreeMap<String, BTreeSet<String>>> = BTreeMap::new();
    for (_, module, found) in graph {
        for depth in 1..module.len() {
            let (folder, from) = (&module[..depth], &module[depth]);
            for path in found.iter().filter(|p| p.len() > depth + 1) {
                if path[..depth] == *folder && path[depth] != *from {
                    edges
                        .entry(folder.to_vec())
                        .or_default()
                        .entry(from.clone())
                        .or_default()
                        .insert(path[depth].clone());
                }
            }
        }
    }
    let mut cycles = Vec::new();
    for (folder, named) in &edges {
        // Everything each module reaches, then the groups that reach each other.
        let reach = |start: &String| {
            let mut seen = BTreeSet::new();
            let mut todo = vec![start.clone()];
            while let Some(m) = todo.pop() {
                for next in named.get(&m).into_iter().flatten() {
                    if seen.insert(next.clone()) {
                        todo.push(next.clone());
                    }
                }
            }
            seen
        };
        let reached: BTreeMap<&String, BTreeSet<String>> =
            named.keys().map(|m| (m, reach(m))).collect();
        let mut grouped = BTreeSet::new();
        for (m, r) in &reached {
            if !r.contains(*m) || grouped.contains(*m) {
                continue;
            }
            let group: Vec<&String> = reached
                .iter()
                .filter(|(o, ro)| r.contains(**o) && ro.contains(*m))
                .map(|(o, _)| *o)
                .collect();
            grouped.extend(group.iter().map(|g| (*g).clone()));
            let names: Vec<&str> = group.iter().map(|g| g.as_str()).collect();
            cycles.push(format!("src/{}: {}", folder.join("/"), names.join(", ")));
        }
    }
    cycles
}

#[test]
fn no_folder_has_modules_that_name_each_other() {
    let cycles = sibling_cycles(&module_graph());
    assert!(
        cycles.is_empty(),
        "modules that name each other:\n{}",
        cycles.join("\n")
    );
}

#[test]
fn the_cycle_check_sees_a_cycle() {
    let module = |m: &[&str]| m.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let graph = vec![
        (
            "a.rs".into(),
            module(&["load", "a"]),
            vec![module(&["load", "b", "f"])],
        ),
        (
            "b.rs".into(),
            module(&["load", "b"]),
            vec![module(&["load", "c", "g"])],
        ),
        (
            "c.rs".into(),
            module(&["load", "c"]),
            vec![module(&["load", "a", "h"]), module(&["model", "x"])],
        ),
        (
            "d.rs".into(),
            module(&["load", "d"]),
            vec![module(&["load", "a", "h"])],
        ),
    ];
    assert_eq!(sibling_cycles(&graph), ["src/load: a, b, c"]);
}
