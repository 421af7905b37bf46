//! Tera templates: the built-in ones are embedded in the binary; a folder named in the config
//! overrides any of them by file name and may add its own.

use std::path::Path;

use tera::{Context, Tera};

/// The built-in templates, by name.
pub const BUILTIN: &[(&str, &str)] = &[
    ("style.css", include_str!("../templates/style.css")),
    ("macros.html", include_str!("../templates/macros.html")),
    ("report.html", include_str!("../templates/report.html")),
    ("index.html", include_str!("../templates/index.html")),
];

/// Loads the templates once per run.
pub fn load(override_dir: Option<&Path>) -> Result<Tera, String> {
    let mut tera = Tera::default();
    let mut templates: Vec<(String, String)> = BUILTIN
        .iter()
        .map(|(n, t)| (n.to_string(), t.to_string()))
        .collect();
    if let Some(dir) = override_dir {
        let entries = std::fs::read_dir(dir)
            .map_err(|e| format!("{}: the template folder cannot be read: {e}", dir.display()))?;
        let mut files: Vec<_> = entries.filter_map(Result::ok).map(|e| e.path()).collect();
        files.sort();
        for path in files {
            let Some(name) = path
                .file_name()
                .and_then(|n| n.to_str())
                .map(str::to_string)
            else {
                continue;
            };
            if !path.is_file() || name.starts_with('.') {
                continue;
            }
            let text = std::fs::read_to_string(&path)
                .map_err(|e| format!("{}: the template cannot be read: {e}", path.display()))?;
            match templates.iter_mut().find(|(n, _)| *n == name) {
                Some(slot) => slot.1 = text,
                None => templates.push((name, text)),
            }
        }
    }
    tera.add_raw_templates(templates)
        .map_err(|e| format!("the templates cannot be parsed: {}", error_chain(&e)))?;
    Ok(tera)
}

pub fn render<T: serde::Serialize>(tera: &Tera, name: &str, view: &T) -> Result<String, String> {
    let ctx =
        Context::from_serialize(view).map_err(|e| format!("template data for {name}: {e}"))?;
    tera.render(name, &ctx)
        .map_err(|e| format!("template {name}: {}", error_chain(&e)))
}

fn error_chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut cur = e.source();
    while let Some(c) = cur {
        s.push_str(": ");
        s.push_str(&c.to_string());
        cur = c.source();
    }
    s
}
