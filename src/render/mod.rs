//! Render: view models into files, one module per format, each with its own escaping.
//! HTML through Tera (`html`, `templates`), PDF through Tera + Typst (`pdf`, `typst`), Excel
//! workbooks (`xlsx`), JSON (`json`). Nothing here reads the data folder.

pub(crate) mod html;
pub(crate) mod json;
pub(crate) mod pdf;
pub(crate) mod templates;
pub(crate) mod transactions;
pub(crate) mod typst;
pub(crate) mod xlsx;

use std::collections::BTreeMap;

use serde::Serialize;

use crate::error::RenderError;
use crate::model::section::SECTIONS;
use crate::present::{Presented, ReportView};
use templates::Templates;

/// Which outputs `generate` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Formats {
    /// The HTML reports and the index page.
    pub html: bool,
    /// The PDF reports and board packs.
    pub pdf: bool,
    /// The Excel workbooks.
    pub xlsx: bool,
}

impl Default for Formats {
    fn default() -> Self {
        Formats {
            html: true,
            pdf: true,
            xlsx: true,
        }
    }
}

impl Formats {
    /// The transactions these formats need: every one of the year to date for the workbooks,
    /// else the `largest` per account for the account view; `None` when nothing lists them.
    pub(crate) fn keep(self, largest: usize) -> Option<crate::model::posting::Keep> {
        use crate::model::posting::Keep;
        match self {
            f if f.xlsx => Some(Keep::All),
            _ if largest == 0 => None,
            _ => Some(Keep::Largest(largest)),
        }
    }

    /// Parses `html,pdf,xlsx` (any subset, any order).
    pub fn parse(text: &str) -> Result<Formats, String> {
        let mut f = Formats {
            html: false,
            pdf: false,
            xlsx: false,
        };
        for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            match part.to_ascii_lowercase().as_str() {
                "html" => f.html = true,
                "pdf" => f.pdf = true,
                "xlsx" => f.xlsx = true,
                other => {
                    return Err(format!(
                        "\"{other}\" is not a format (expected html, pdf or xlsx)"
                    ));
                }
            }
        }
        if !(f.html || f.pdf || f.xlsx) {
            return Err("no format given (expected html, pdf or xlsx)".into());
        }
        Ok(f)
    }
}

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

/// A unit's PDF and workbook, when written.
#[derive(Serialize, Default)]
pub(crate) struct Downloads {
    pdf: Option<String>,
    xlsx: Option<String>,
}

impl Downloads {
    /// The PDF and workbook beside a report page named `href` (`1010.html`), in the formats
    /// written.
    fn of(href: &str, formats: Formats) -> Downloads {
        let stem = href.trim_end_matches(".html");
        Downloads {
            pdf: formats.pdf.then(|| format!("pdf/{stem}.pdf")),
            xlsx: formats.xlsx.then(|| format!("{stem}.xlsx")),
        }
    }
}

/// A board pack as the index lists it.
#[derive(Serialize)]
struct PackLink {
    title: String,
    /// The committee and the meeting's date, when configured.
    meeting: Option<String>,
    pdf: Option<String>,
    xlsx: Option<String>,
    /// Pages of the PDF.
    pages: Option<usize>,
}

/// The index page: the tree of units and the board packs.
#[derive(Serialize)]
struct IndexPage<'a> {
    #[serde(flatten)]
    view: &'a crate::present::IndexView,
    packs: Vec<PackLink>,
    /// The notice of a new version, linking its change page.
    update: Option<html::Notice>,
}

impl<'a> Page<'a> {
    /// Renders the prose templates of every section the report shows, and the commentary.
    pub(crate) fn new(
        templates: &Templates,
        view: &'a ReportView,
        markup: Markup,
    ) -> Result<Page<'a>, RenderError> {
        let mut base = templates::context("report.html", view)?;
        base.insert("t", &templates.labels);
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
        let sections = SECTIONS
            .iter()
            .filter(|d| d.prose)
            .map(|d| (d.name, view.sections.shown(d.key)));
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
        for d in SECTIONS {
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

impl Rendered {
    /// How many files end in `ext`.
    pub(crate) fn count(&self, ext: &str) -> usize {
        self.files.iter().filter(|(n, _)| n.ends_with(ext)).count()
    }
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
    let formats = Formats {
        html: true,
        pdf: false,
        xlsx: false,
    };
    views
        .iter()
        .map(|view| {
            let href = &view.unit.href;
            let page = html::report(templates, view, Downloads::of(href, formats), None)?;
            Ok((href.clone(), page.into_bytes()))
        })
        .collect()
}

/// The render stage: every report, workbook, PDF, pack, the index, `figures.json`, and the
/// change page of a new version.
pub(crate) fn run(
    job: &Job,
    presented: &Presented,
    templates: &Templates,
) -> Result<Rendered, RenderError> {
    let formats = job.formats;
    let doc_info = pdf::DocInfo {
        author: job.author.clone(),
        language: job.language.clone(),
        epoch: job.epoch,
    };
    let xlsx_meta = |title: String| xlsx::Meta {
        title,
        author: job.author.clone(),
        created: job.epoch,
        unit: job.money_unit,
        unit_label: presented.unit_label.clone(),
        decimals: job.decimals,
    };
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    let notice = job.update.map(|u| html::notice(templates, u));
    let rendered = crate::par::par_map(job.order, |&node| {
        let view = &presented.views[node];
        let stem = view.unit.href.trim_end_matches(".html");
        let mut out = Vec::new();
        if formats.html {
            out.push((
                format!("{stem}.html"),
                html::report(
                    templates,
                    view,
                    Downloads::of(&view.unit.href, formats),
                    notice.clone(),
                )?
                .into_bytes(),
            ));
        }
        if formats.xlsx {
            let title = format!("{} – {}", view.unit.name, view.period);
            let ledger = presented.postings.as_ref().map(|p| transactions::Ledger {
                postings: &p[node],
                names: &presented.account_names,
                csv_name: format!("{stem}-{}.csv", templates.lang.label("transactions_file")),
            });
            let (workbook, csv) =
                xlsx::unit_workbook(view, ledger.as_ref(), &templates.lang, &xlsx_meta(title))?;
            out.push((format!("{stem}.xlsx"), workbook));
            if let (Some(csv), Some(l)) = (csv, ledger) {
                out.push((l.csv_name, csv));
            }
        }
        if formats.pdf {
            out.push((
                format!("pdf/{stem}.pdf"),
                pdf::unit(
                    templates,
                    view,
                    &doc_info,
                    notice.as_ref().map(html::Notice::text),
                )?,
            ));
        }
        Ok::<_, RenderError>(out)
    });
    for r in rendered {
        files.extend(r?);
    }
    let mut pack_links = Vec::new();
    for (pack, nodes) in &job.packs {
        let views: Vec<&ReportView> = nodes.iter().map(|&n| &presented.views[n]).collect();
        let mut link = PackLink {
            title: pack.title.clone(),
            meeting: pack
                .meeting
                .as_ref()
                .map(|m| format!("{} {}", m.body, m.date)),
            pdf: None,
            xlsx: None,
            pages: None,
        };
        if formats.xlsx {
            let name = format!("{}.xlsx", pack.name);
            files.push((
                name.clone(),
                xlsx::workbook(&views, &templates.lang, &xlsx_meta(pack.title.clone()))?,
            ));
            link.xlsx = Some(name);
        }
        if formats.pdf {
            let name = format!("{}.pdf", pack.name);
            let (bytes, pages) = pdf::pack(
                templates,
                pack,
                &views,
                &doc_info,
                &[
                    (
                        "figures.json".to_string(),
                        json::to_json(
                            &presented
                                .figures
                                .only(views.iter().map(|v| v.unit.code.as_str())),
                        ),
                    ),
                    ("manifest.json".to_string(), job.manifest.to_vec()),
                ],
            )?;
            files.push((name.clone(), bytes));
            link.pdf = Some(name);
            link.pages = Some(pages);
        }
        pack_links.push(link);
    }
    if formats.html {
        let page = IndexPage {
            view: &presented.index,
            packs: pack_links,
            update: notice.clone(),
        };
        let index = templates.render("index.html", &page)?;
        files.push(("index.html".into(), index.into_bytes()));
    }
    if let Some(update) = job.update {
        let page = html::changes(templates, presented, update)?;
        files.push((html::CHANGES.into(), page.into_bytes()));
    }
    files.push(("figures.json".into(), json::to_json(&presented.figures)));
    Ok(Rendered { files })
}
