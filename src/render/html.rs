//! HTML: the report pages, HTML's own escaping, commentary Markdown turned into safe HTML
//! (raw HTML and scripts never reach the page), and the change page of a new version.

use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd, html};

use std::str::FromStr;

use rust_decimal::Decimal;
use serde::Serialize;

use super::templates::Templates;
use super::{Downloads, Markup, Page};
use crate::error::RenderError;
use crate::model::diff::{self, Change, Update};
use crate::present::{Presented, ReportView};
use crate::sections;

/// A commentary heading two levels down: the page has one `h1` and its sections are `h2`,
/// so a `#` in a comment becomes `h3` and the outline has no gaps.
fn below_sections(level: HeadingLevel) -> HeadingLevel {
    match level {
        HeadingLevel::H1 => HeadingLevel::H3,
        HeadingLevel::H2 => HeadingLevel::H4,
        HeadingLevel::H3 => HeadingLevel::H5,
        _ => HeadingLevel::H6,
    }
}

/// Markdown to HTML with raw HTML turned into visible text, then sanitised; headings below
/// the page's sections.
pub(crate) fn render_markdown(md: &str) -> String {
    let parser = Parser::new_ext(md, Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH).map(
        |e| match e {
            Event::Html(t) | Event::InlineHtml(t) => Event::Text(t),
            Event::Start(Tag::Heading {
                level,
                id,
                classes,
                attrs,
            }) => Event::Start(Tag::Heading {
                level: below_sections(level),
                id,
                classes,
                attrs,
            }),
            Event::End(TagEnd::Heading(level)) => {
                Event::End(TagEnd::Heading(below_sections(level)))
            }
            other => other,
        },
    );
    let mut out = String::new();
    html::push_html(&mut out, parser);
    ammonia::Builder::default()
        .link_rel(Some("noopener noreferrer"))
        .clean(&out)
        .to_string()
}

/// One unit's report page.
pub(crate) fn report(
    templates: &Templates,
    view: &ReportView,
    downloads: Downloads,
    update: Option<Notice>,
) -> Result<String, RenderError> {
    let mut page = Page::new(templates, view, Markup::Html)?;
    page.downloads = downloads;
    page.update = update;
    let mut ctx = page.into_context();
    // Every optional section's block, in report order, rendered with the page's context.
    let mut blocks = String::new();
    for d in sections::abouts() {
        blocks.push_str(&templates.render_fragment(Markup::Html, d.html, &ctx)?);
    }
    ctx.insert("section_blocks", &blocks);
    templates.render_context("report.html", ctx)
}

/// The change page of a new version, beside the reports.
pub(crate) const CHANGES: &str = "changes.html";

/// The notice of a new version on the reports and the index: its sentence and the link to
/// the change page.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Notice {
    text: String,
    href: &'static str,
}

impl Notice {
    /// The notice's words, for documents that cannot link the page (the PDF).
    pub(crate) fn text(&self) -> &str {
        &self.text
    }
}

/// `Rapporten har uppdaterats 2020-10-14: 3 enheter har ändrade siffror`.
pub(crate) fn notice(templates: &Templates, update: &Update) -> Notice {
    let label = |k: &str| {
        templates
            .labels
            .get(k)
            .map(String::as_str)
            .unwrap_or(k)
            .to_string()
    };
    let n = update.units_changed;
    let changed = match n {
        0 => label("no_figures_changed"),
        1 => format!("1 {}", label("units_changed_one")),
        _ => format!("{n} {}", label("units_changed_many")),
    };
    Notice {
        text: format!("{} {}: {changed}", label("updated_on"), update.date),
        href: CHANGES,
    }
}

/// A changed value as the change page shows it.
#[derive(Serialize)]
struct Row {
    /// The figure as the report names it.
    figure: String,
    old: String,
    new: String,
    difference: String,
}

/// The changed values of one unit (or of the file outside the units).
#[derive(Serialize)]
struct Group {
    code: String,
    name: String,
    href: Option<String>,
    /// The result, the deviation and the forecast, first on the page.
    lead: Vec<Row>,
    /// Every other changed figure, folded.
    rest: Vec<Row>,
}

/// An input file that changed, in the report's words.
#[derive(Serialize)]
struct InputRow {
    /// "Indatafil ändrad: ledger.csv", "Kommentar ändrad: comments/2020-09/HSN.md".
    title: String,
    file: String,
    /// The unit a commentary file is about, and its report.
    unit: Option<String>,
    href: Option<String>,
    old: String,
    new: String,
}

/// An account whose figures moved in a unit.
#[derive(Serialize)]
struct AccountRow {
    /// The unit as the reports name it, with its code, and its report.
    unit: String,
    href: Option<String>,
    /// The account's code and name.
    account: String,
    figure: String,
    old: String,
    new: String,
    difference: String,
}

#[derive(Serialize)]
struct ChangesPage<'a> {
    #[serde(flatten)]
    index: &'a crate::present::IndexView,
    update: &'a Update,
    notice: String,
    /// The heading of what changed in the input that moves figures: the one input's words,
    /// else the words for several (or, when the inputs are not known, for changed figures).
    heading: String,
    /// The config and data files that changed.
    inputs: Vec<InputRow>,
    /// The accounts whose figures moved, at most [`diff::ACCOUNTS_SHOWN`].
    accounts: Vec<AccountRow>,
    /// "och 37 rader till" when more accounts moved than are listed.
    accounts_more: Option<String>,
    /// The line above the figures: the figures the change moved.
    moved: String,
    units: Vec<Group>,
    /// The commentary files that changed.
    comments: Vec<InputRow>,
}

/// The change page, grouped by what changed in the input: the config and data files that
/// changed, the accounts whose figures moved (the two versions' account tables), then every
/// changed figure of every unit (old, new, difference, numbers in the language's format
/// with every decimal kept; the result, the deviation and the forecast first, the rest
/// folded); then the commentary files that changed.
pub(crate) fn changes(
    templates: &Templates,
    presented: &Presented,
    update: &Update,
) -> Result<String, RenderError> {
    let label = |k: &str| {
        templates
            .labels
            .get(k)
            .map(String::as_str)
            .unwrap_or(k)
            .to_string()
    };
    let number = |s: &str, signed: bool| change_number(templates, s, signed);
    let words = super::change_words::Words {
        labels: &templates.labels,
        months: &templates.lang.months,
        period: &presented.index.period,
        result: presented
            .views
            .first()
            .and_then(|v| v.rows.last())
            .map_or("", |r| r.name.as_str()),
    };
    let unit_of = |code: &str| {
        presented
            .views
            .iter()
            .find(|v| v.unit.code == code)
            .map(|v| (v.unit.name.clone(), v.unit.href.clone()))
    };
    let diff = &update.diff;
    let (moving, comments): (Vec<_>, Vec<_>) = diff.inputs.iter().partition(|i| i.moves_figures());
    let input_row = |i: &diff::InputChange| {
        let how = match (&i.old, &i.new) {
            (None, _) => "added",
            (_, None) => "removed",
            _ => "changed",
        };
        let title = match i.kind {
            diff::CONFIG => label(&format!("changes_config_{how}")),
            diff::COMMENTS => format!("{}: {}", label(&format!("changes_comment_{how}")), i.file),
            _ => format!("{}: {}", label(&format!("changes_input_{how}")), i.file),
        };
        let (unit, href) = match i.unit.as_deref().and_then(unit_of) {
            Some((name, href)) => (Some(name), Some(href)),
            None => (i.unit.clone(), None),
        };
        let missing = label("file_missing");
        InputRow {
            title,
            file: i.file.clone(),
            unit,
            href,
            old: i.old.clone().unwrap_or_else(|| missing.clone()),
            new: i.new.clone().unwrap_or_else(|| missing.clone()),
        }
    };
    let inputs: Vec<InputRow> = moving.iter().map(|i| input_row(i)).collect();
    let heading = match inputs.as_slice() {
        [one] => one.title.clone(),
        [] => label("changes_figures"),
        _ => label("changes_inputs"),
    };
    let accounts = account_rows(templates, presented, &words, &diff.accounts);
    let more = diff.accounts.len().saturating_sub(diff::ACCOUNTS_SHOWN);
    let mut units: Vec<Group> = Vec::new();
    if !diff.other.is_empty() {
        let (lead, rest) = figure_rows(&diff.other, &words, &number);
        units.push(Group {
            code: String::new(),
            name: label("other_values"),
            href: None,
            lead,
            rest,
        });
    }
    for u in &diff.units {
        let (lead, rest) = figure_rows(&u.changes, &words, &number);
        units.push(Group {
            code: u.code.clone(),
            name: u.name.clone(),
            href: unit_of(&u.code).map(|(_, href)| href),
            lead,
            rest,
        });
    }
    let page = ChangesPage {
        index: &presented.index,
        update,
        notice: notice(templates, update).text,
        heading,
        moved: label(match moving.len() {
            0 => "changes_figures_by_unit",
            1 => "changes_moved_one",
            _ => "changes_moved_many",
        }),
        inputs,
        accounts,
        accounts_more: (more > 0)
            .then(|| label("changes_more_rows").replace("{n}", &more.to_string())),
        units,
        comments: comments.iter().map(|i| input_row(i)).collect(),
    };
    templates.render(CHANGES, &page)
}

/// A number of the change page: in the language's style with every decimal kept, a `+` on
/// an increase when `signed`; text that is not a number as it is.
fn change_number(templates: &Templates, s: &str, signed: bool) -> String {
    match Decimal::from_str(s) {
        Ok(d) => {
            let text = templates.lang.style().decimal(d, d.scale());
            match signed && d > Decimal::ZERO {
                true => format!("+{text}"),
                false => text,
            }
        }
        Err(_) => s.to_string(),
    }
}

/// The changed figures of a unit in the report's words: those a reader looks for first
/// (the result, the deviation, the forecast), and the rest.
fn figure_rows(
    changes: &[Change],
    words: &super::change_words::Words<'_>,
    number: &dyn Fn(&str, bool) -> String,
) -> (Vec<Row>, Vec<Row>) {
    let shown = |v: &Option<String>, signed: bool| {
        v.as_deref()
            .map(|s| number(s, signed))
            .unwrap_or_else(|| "–".to_string())
    };
    let (lead, rest): (Vec<_>, Vec<_>) = changes
        .iter()
        .map(|c| (super::change_words::describe(&c.path, words), c))
        .partition(|((_, lead), _)| *lead);
    // The unit's result is also its `Resultat` row: one line for both.
    let mut seen = std::collections::HashSet::new();
    let lead: Vec<_> = lead
        .into_iter()
        .filter(|((figure, _), c)| seen.insert((figure.clone(), c.old.clone(), c.new.clone())))
        .collect();
    let row = |((figure, _), c): ((String, bool), &Change)| Row {
        figure,
        old: shown(&c.old, false),
        new: shown(&c.new, false),
        difference: c
            .difference
            .as_ref()
            .map(|d| number(d, true))
            .unwrap_or_default(),
    };
    (
        lead.into_iter().map(row).collect(),
        rest.into_iter().map(row).collect(),
    )
}

/// The first [`diff::ACCOUNTS_SHOWN`] accounts whose figures moved, each with its unit and
/// name as the reports give them.
fn account_rows(
    templates: &Templates,
    presented: &Presented,
    words: &super::change_words::Words<'_>,
    accounts: &[diff::AccountChange],
) -> Vec<AccountRow> {
    let names: std::collections::HashMap<&str, &str> = presented
        .views
        .iter()
        .flat_map(|v| v.rows.iter().flat_map(|r| r.accounts.iter()))
        .filter(|a| !a.name.is_empty())
        .map(|a| (a.code.as_str(), a.name.as_str()))
        .collect();
    accounts
        .iter()
        .take(diff::ACCOUNTS_SHOWN)
        .map(|a| {
            let view = presented.views.iter().find(|v| v.unit.code == a.unit);
            AccountRow {
                unit: view
                    .map_or_else(|| a.unit.clone(), |v| format!("{} {}", a.unit, v.unit.name)),
                href: view.map(|v| v.unit.href.clone()),
                account: match names.get(a.account.as_str()) {
                    Some(name) => format!("{} {name}", a.account),
                    None => a.account.clone(),
                },
                figure: super::change_words::account_figure(a.figure, words),
                old: change_number(templates, &a.old, false),
                new: change_number(templates, &a.new, false),
                difference: a
                    .difference
                    .as_deref()
                    .map(|d| change_number(templates, d, true))
                    .unwrap_or_default(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripts_and_raw_html_never_reach_the_page() {
        let html = render_markdown(
            "Hej <script>alert(1)</script> **fet** <img src=x onerror=alert(2)>\n\n[länk](javascript:alert(3))",
        );
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("<img"), "{html}");
        assert!(!html.contains("javascript:"), "{html}");
        assert!(html.contains("<strong>fet</strong>"), "{html}");
        assert!(html.contains("&lt;script&gt;"), "{html}");
    }
}

/// The landing page across months (`OUT/index.html`) as its template sees it.
#[derive(Serialize)]
struct Landing<'a> {
    organisation: &'a str,
    months: Vec<LandingMonth<'a>>,
}

#[derive(Serialize)]
struct LandingMonth<'a> {
    period: &'a str,
    /// The month as a reader says it: "september 2020".
    name: String,
    index: bool,
    packs: Vec<LandingPack<'a>>,
}

#[derive(Serialize)]
struct LandingPack<'a> {
    title: &'a str,
    pdf: Option<&'a str>,
    xlsx: Option<&'a str>,
}

/// `OUT/index.html`: every published month, newest first, with its packs, in the report's
/// language (`landing.html`).
pub(crate) fn landing(
    templates: &Templates,
    organisation: &str,
    periods: &[crate::model::published::PublishedPeriod],
) -> Result<String, RenderError> {
    let months = periods
        .iter()
        .map(|p| {
            let month = p.period.get(5..7).and_then(|m| m.parse::<usize>().ok());
            let name = month
                .and_then(|m| templates.lang.months.get(m.wrapping_sub(1)))
                .map_or_else(|| p.period.clone(), |m| format!("{m} {}", &p.period[..4]));
            LandingMonth {
                period: &p.period,
                name,
                index: p.index,
                packs: p
                    .packs
                    .iter()
                    .map(|(title, files)| LandingPack {
                        title,
                        pdf: files.get("pdf").map(String::as_str),
                        xlsx: files.get("xlsx").map(String::as_str),
                    })
                    .collect(),
            }
        })
        .collect();
    templates.render(
        "landing.html",
        &Landing {
            organisation,
            months,
        },
    )
}
