//! Render: view models into files, one module per format, each with its own escaping.
//! HTML through Tera (`html`, `templates`), PDF through Tera + Typst (`pdf`, `typst`), Excel
//! workbooks (`xlsx`), JSON (`json`). What each output format writes, and the driver that
//! asks every format asked for, is the seam in `format` (one module per format below it).
//! Nothing here reads the data folder.

mod change_words;
pub(crate) mod format;
pub(crate) mod html;
pub(crate) mod json;
pub(crate) mod pdf;
pub(crate) mod templates;
pub(crate) mod typst;
pub(crate) mod xlsx;

use std::collections::BTreeMap;

use serde::Serialize;

use crate::error::RenderError;
use crate::present::{Presented, ReportView};
use crate::sections;
use templates::Templates;

pub use format::{Counted, FormatError, Formats};
pub(crate) use format::{Downloads, Format};

/// The markup a page's prose and commentary are rendered into.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Markup {
    Html,
    Typst,
}

/// A report view with its generated prose and its commentary rendered for one format:
/// what `report.html` and `pdf/report.typ` see.
#[derive(Serialize)]
pub(crate) struct Page<'a> {
    #[serde(flatten)]
    view: &'a ReportView,
    /// Generated prose by section key, from the `text/<lang>/` templates.
    texts: BTreeMap<String, String>,
    /// Commentary by section key.
    comments: BTreeMap<String, String>,
    /// The report's other files written by this run (HTML only).
    downloads: Downloads,
    /// The notice of a new version, linking its change page (HTML only).
    update: Option<html::Notice>,
    /// The Typst of the optional sections, in report order (PDF only; see
    /// [`Page::with_typst_blocks`]).
    blocks: String,
    /// The view as the prose templates see it (with the words as `t`): made once per page,
    /// for every section's prose and then the page itself.
    #[serde(skip)]
    base: tera::Context,
}

impl<'a> Page<'a> {
    /// Renders the prose templates of every section the report shows, and the commentary.
    pub(crate) fn new(
        templates: &Templates,
        view: &'a ReportView,
        markup: Markup,
    ) -> Result<Page<'a>, RenderError> {
        let base = templates.page_context("report.html", view)?;
        let mut texts = BTreeMap::new();
        // The prose of the page's fixed parts, then of every optional section it shows.
        let fixed = [
            ("summary", true),
            ("forecast", true),
            ("bridge", view.explain.bridge.is_some()),
            ("accuracy", view.explain.accuracy.is_some()),
            (
                "forecast_check",
                view.explain
                    .forecast_check
                    .as_ref()
                    .is_some_and(|c| c.flag.is_some()),
            ),
        ];
        let sections = sections::abouts()
            .enumerate()
            .filter(|(_, d)| d.prose)
            .map(|(at, d)| (d.name, view.sections.shown(at)));
        for (key, shown) in fixed.into_iter().chain(sections) {
            if shown {
                let text = templates.text(key, &base, markup)?;
                texts.insert(key.to_string(), text);
            }
        }
        let comments = view
            .commentary
            .iter()
            .map(|(k, md)| {
                let text = match markup {
                    Markup::Html => html::render_markdown(md),
                    Markup::Typst => typst::to_typst(md),
                };
                (k.clone(), text)
            })
            .collect();
        Ok(Page {
            view,
            texts,
            comments,
            downloads: Downloads::default(),
            update: None,
            blocks: String::new(),
            base,
        })
    }

    /// Renders the Typst fragment of every optional section, in report order, into the
    /// page (`v.blocks`); `prefix` names the page's chart files (`u1-` in a pack).
    pub(crate) fn with_typst_blocks(
        mut self,
        templates: &Templates,
        prefix: &str,
    ) -> Result<Page<'a>, RenderError> {
        let mut ctx = tera::Context::new();
        ctx.insert("p", prefix);
        ctx.insert("v", &self);
        ctx.insert("t", &templates.labels);
        let mut blocks = String::new();
        for d in sections::abouts() {
            blocks.push_str(&templates.render_fragment(Markup::Typst, d.typst, &ctx)?);
        }
        self.blocks = blocks;
        Ok(self)
    }

    /// The Typst of the optional sections (see [`Page::with_typst_blocks`]).
    #[cfg(test)]
    pub(crate) fn typst_blocks(&self) -> &str {
        &self.blocks
    }

    /// The context of the page's own template: the view and the words as the prose had
    /// them, with the prose, the commentary, the downloads and the notice.
    pub(crate) fn into_context(self) -> tera::Context {
        let mut ctx = self.base;
        ctx.insert("texts", &self.texts);
        ctx.insert("comments", &self.comments);
        ctx.insert("downloads", &self.downloads);
        ctx.insert("update", &self.update);
        ctx
    }
}

/// The files of a run: name in the output folder → bytes.
pub(crate) struct Rendered {
    /// Every file but the manifest, in a fixed order.
    pub files: Vec<(String, Vec<u8>)>,
}

/// What the render stage needs to know about the run besides the views.
pub(crate) struct Job<'a> {
    /// Which formats to write.
    pub formats: Formats,
    /// The board packs: each configured pack with its units (node indexes).
    pub packs: Vec<(&'a crate::config::Pack, &'a [usize])>,
    /// Units in report order (node indexes).
    pub order: &'a [usize],
    /// Who publishes the report (the config's `author`, else the root unit's name).
    pub author: String,
    /// The report's language.
    pub language: String,
    /// When the output says it was made.
    pub epoch: i64,
    /// The run's `manifest.json`, attached to every pack PDF for the archive copy.
    pub manifest: &'a [u8],
    /// The money unit and decimals the workbooks use.
    pub money_unit: crate::model::money::MoneyUnit,
    /// Decimals shown for money.
    pub decimals: u32,
    /// What changed against the version this run replaces, if it replaces one.
    pub update: Option<&'a crate::model::diff::Update>,
}

/// The HTML pages of `views` alone, each as [`run`] writes it when HTML is the only format
/// and no earlier version is kept (the preview).
pub(crate) fn html_pages(
    templates: &Templates,
    views: &[ReportView],
) -> Result<Vec<(String, Vec<u8>)>, RenderError> {
    views
        .iter()
        .map(|view| {
            let href = &view.unit.href;
            let stem = href.trim_end_matches(".html");
            let downloads = Downloads::of(stem, Formats::html_only(), format::HTML);
            let page = html::report(templates, view, downloads, None)?;
            Ok((href.clone(), page.into_bytes()))
        })
        .collect()
}

/// The render stage: every file of the formats asked for (see [`mod@format`]), `figures.json`,
/// and the change page of a new version.
pub(crate) fn run(
    job: &Job,
    presented: &Presented,
    templates: &Templates,
) -> Result<Rendered, RenderError> {
    let cx = format::RunCx {
        job,
        presented,
        templates,
        notice: job.update.map(|u| html::notice(templates, u)),
        doc_info: pdf::DocInfo {
            author: job.author.clone(),
            language: job.language.clone(),
            epoch: job.epoch,
        },
    };
    // `figures.json` is written beside the pages rather than after them.
    let (files, figures) = crate::par::join(
        || format::render_all(&cx),
        || json::to_json(&presented.figures),
    );
    let mut files = files?;
    if let Some(update) = job.update {
        let page = html::changes(templates, presented, update)?;
        files.push((html::CHANGES.into(), page.into_bytes()));
    }
    files.push(("figures.json".into(), figures));
    Ok(Rendered { files })
}
