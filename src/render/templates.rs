//! Tera templates: the built-in ones are embedded in the binary; a folder named in the config
//! overrides any of them by relative path (e.g. `report.html`, `text/sv/summary.html`,
//! `lang/sv.yaml`) and may add its own. Templates are parsed once per run.

use std::collections::BTreeMap;

use tera::{Context, Tera};

use crate::error::{LangError, RenderError};
use crate::present::Lang;

/// The built-in templates and language files: the whole `templates/` folder, embedded (a
/// file added there is built in without a line here; `build.rs` rebuilds on any change).
static BUILTIN_DIR: include_dir::Dir<'static> =
    include_dir::include_dir!("$CARGO_MANIFEST_DIR/templates");

/// The built-in templates and language files by relative path (`/` between folders), sorted.
pub(crate) fn builtin() -> Vec<(String, &'static str)> {
    let mut out = Vec::new();
    let mut stack = vec![&BUILTIN_DIR];
    while let Some(dir) = stack.pop() {
        for entry in dir.entries() {
            match entry {
                include_dir::DirEntry::Dir(d) => stack.push(d),
                include_dir::DirEntry::File(f) => {
                    if let Some(text) = f.contents_utf8() {
                        let name = f.path().to_string_lossy().replace('\\', "/");
                        out.push((name, text));
                    }
                }
            }
        }
    }
    out.sort();
    out
}

/// The test section's fragments (`sections::demo`), built in for the library's
/// tests only: a section's templates are all it adds here.
#[cfg(test)]
const TEST_SECTIONS: &[(&str, &str)] = &[
    (
        "sections/demo.html",
        include_str!("../../tests/fixtures/sections/demo.html"),
    ),
    (
        "pdf/sections/demo.typ",
        include_str!("../../tests/fixtures/sections/demo.typ"),
    ),
];

/// The loaded templates and the language's words.
pub(crate) struct Templates {
    pub tera: Tera,
    /// The same templates with Typst escaping, for the PDF (`pdf/*.typ`, `text/*`).
    pub typst: Tera,
    pub lang: Lang,
    /// The words of the language as the templates see them (`t.<key>`).
    pub labels: BTreeMap<String, String>,
    /// The same words as a template value, made once per run: a page's context takes a copy
    /// rather than serialising the words again.
    words: tera::Value,
    pub language: String,
}

/// Parses the templates once per run: the built-in ones, with the user's files (relative
/// path → text, read by `load::templates`) overriding by relative path.
pub(crate) fn load(
    overrides: Vec<(String, String)>,
    language: &str,
) -> Result<Templates, RenderError> {
    let builtin = builtin();
    let mut files: Vec<(String, String)> = builtin
        .iter()
        .map(|(n, t)| (n.clone(), t.to_string()))
        .collect();
    #[cfg(test)]
    files.extend(
        TEST_SECTIONS
            .iter()
            .map(|(n, t)| (n.to_string(), t.to_string())),
    );
    for (name, text) in overrides {
        match files.iter_mut().find(|(n, _)| *n == name) {
            Some(slot) => slot.1 = text,
            None => files.push((name, text)),
        }
    }
    let lang_name = format!("lang/{language}.yaml");
    let lang_text = files
        .iter()
        .find(|(n, _)| *n == lang_name)
        .map(|(_, t)| t.as_str())
        .ok_or_else(|| LangError::Missing(lang_name.clone()))?;
    let lang = Lang::parse(lang_text, &lang_name)?;
    let mut labels = lang.labels.clone();
    // Words a language file of the user's lacks (one written before they were added) come
    // from the built-in file of the language, so that its templates still render.
    if let Some((_, builtin)) = builtin.iter().find(|(n, _)| *n == lang_name)
        && let Ok(builtin) = Lang::parse(builtin, &lang_name)
    {
        for (k, v) in builtin.labels {
            labels.entry(k).or_insert(v);
        }
    }
    labels.insert("pct".into(), lang.percent.clone());
    let mut tera = Tera::default();
    tera.set_escape_fn(escape_html);
    tera.register_filter("as_name", as_name);
    let html: Vec<(String, String)> = files
        .iter()
        .filter(|(n, _)| !n.ends_with(".yaml") && !n.ends_with(".typ"))
        .cloned()
        .collect();
    tera.add_raw_templates(html)
        .map_err(|source| RenderError::Parse {
            kind: "templates",
            source,
        })?;
    let mut typst = Tera::default();
    typst.autoescape_on(vec![".typ", ".html"]);
    typst.set_escape_fn(crate::render::typst::escape_markup);
    typst.register_filter("typst_str", typst_str);
    typst.register_filter("as_name", as_name);
    let typ: Vec<(String, String)> = files
        .into_iter()
        .filter(|(n, _)| n.ends_with(".typ") || n.starts_with("text/"))
        .collect();
    typst
        .add_raw_templates(typ)
        .map_err(|source| RenderError::Parse {
            kind: "PDF templates",
            source,
        })?;
    let words = tera::to_value(&labels).map_err(|source| RenderError::Data {
        name: lang_name.clone(),
        source: tera::Error::json(source),
    })?;
    Ok(Templates {
        tera,
        typst,
        lang,
        labels,
        words,
        language: language.to_string(),
    })
}

/// A word from the data as a table names it, its first letter capitalised and the rest as
/// written: a profession or a production figure ("läkare" → "Läkare", "besök" → "Besök").
/// Tera's own `capitalize` lowercases the rest ("ST-läkare" → "St-läkare"), this keeps it.
fn as_name(
    value: &tera::Value,
    _: &std::collections::HashMap<String, tera::Value>,
) -> tera::Result<tera::Value> {
    let text = match value {
        tera::Value::String(s) => s.as_str(),
        other => return Ok(other.clone()),
    };
    let mut chars = text.chars();
    Ok(tera::Value::String(match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }))
}

/// A value as a Typst string literal, quotes included (for `alt: ..`, `description: ..`);
/// use with `| safe`, as the literal is already escaped.
fn typst_str(
    value: &tera::Value,
    _: &std::collections::HashMap<String, tera::Value>,
) -> tera::Result<tera::Value> {
    let text = match value {
        tera::Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    Ok(tera::Value::String(crate::render::typst::string_literal(
        &text,
    )))
}

impl Templates {
    /// Renders an HTML template with `view` as its context, plus the words as `t`.
    pub(crate) fn render<T: serde::Serialize>(
        &self,
        name: &str,
        view: &T,
    ) -> Result<String, RenderError> {
        let ctx = context(name, view)?;
        self.render_context(name, ctx)
    }

    /// Renders an HTML template with a prepared context, plus the words as `t` unless the
    /// context has them already.
    pub(crate) fn render_context(
        &self,
        name: &str,
        mut ctx: Context,
    ) -> Result<String, RenderError> {
        if !ctx.contains_key("t") {
            ctx.insert("t", &self.labels);
        }
        self.tera
            .render(name, &ctx)
            .map_err(|source| RenderError::Template {
                name: name.to_string(),
                source,
            })
    }

    /// The context of a page: `view`'s fields and the words as `t`, in one value (the
    /// view serialised once, the words copied).
    pub(crate) fn page_context<T: serde::Serialize>(
        &self,
        name: &str,
        view: &T,
    ) -> Result<Context, RenderError> {
        let data = |source| RenderError::Data {
            name: name.to_string(),
            source,
        };
        let mut value = tera::to_value(view).map_err(|e| data(tera::Error::json(e)))?;
        if let tera::Value::Object(fields) = &mut value {
            fields.insert("t".to_string(), self.words.clone());
        }
        Context::from_value(value).map_err(data)
    }

    /// Renders a Typst template; `context` is extended with `t`.
    pub(crate) fn render_typst(&self, name: &str, mut ctx: Context) -> Result<String, RenderError> {
        ctx.insert("t", &self.labels);
        self.typst
            .render(name, &ctx)
            .map_err(|source| RenderError::Template {
                name: name.to_string(),
                source,
            })
    }

    /// The templates of a markup: the HTML set or the Typst set.
    fn of(&self, markup: super::Markup) -> &Tera {
        match markup {
            super::Markup::Html => &self.tera,
            super::Markup::Typst => &self.typst,
        }
    }

    /// A fragment of a page (a section's block) in the page's markup, with the page's
    /// context, which holds the words as `t`.
    pub(crate) fn render_fragment(
        &self,
        markup: super::Markup,
        name: &str,
        ctx: &Context,
    ) -> Result<String, RenderError> {
        self.of(markup)
            .render(name, ctx)
            .map_err(|source| RenderError::Template {
                name: name.to_string(),
                source,
            })
    }

    /// The generated prose of one section, in the report's language and the page's markup,
    /// from the view's context (which holds the words as `t`); whitespace folded.
    pub(crate) fn text(
        &self,
        section: &str,
        ctx: &Context,
        markup: super::Markup,
    ) -> Result<String, RenderError> {
        let tera = self.of(markup);
        let name = format!("text/{}/{section}.html", self.language);
        let s = tera
            .render(&name, ctx)
            .map_err(|source| RenderError::Template { name, source })?;
        Ok(s.split(|c: char| c.is_ascii_whitespace())
            .filter(|w| !w.is_empty())
            .collect::<Vec<_>>()
            .join(" "))
    }
}

/// A template context from a view.
pub(crate) fn context<T: serde::Serialize>(name: &str, view: &T) -> Result<Context, RenderError> {
    Context::from_serialize(view).map_err(|source| RenderError::Data {
        name: name.to_string(),
        source,
    })
}

/// HTML escaping of `& < > " '` (Tera's default also escapes `/`, which is safe but turns
/// case numbers like `HSN/798/2024` into entities in the page source).
pub(crate) fn escape_html(input: &str) -> String {
    // Every value of a page passes here and most have nothing to escape: copy the runs
    // between the five characters whole (they are ASCII, so never inside a UTF-8 sequence).
    let mut out = String::with_capacity(input.len());
    let mut from = 0;
    for (at, b) in input.bytes().enumerate() {
        let entity = match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#x27;",
            _ => continue,
        };
        out.push_str(&input[from..at]);
        out.push_str(entity);
        from = at + 1;
    }
    out.push_str(&input[from..]);
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn html_escaping_keeps_everything_but_five_characters() {
        assert_eq!(
            super::escape_html("Ärende HSN/798/2024: <b>\"5 & 6\"</b> 'ö'"),
            "Ärende HSN/798/2024: &lt;b&gt;&quot;5 &amp; 6&quot;&lt;/b&gt; &#x27;ö&#x27;"
        );
        assert_eq!(super::escape_html(""), "");
        assert_eq!(super::escape_html("&"), "&amp;");
    }
}
