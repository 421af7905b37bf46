//! The PDF documents: a unit's report and the board packs, rendered by Tera from the same view
//! models as the HTML into Typst markup (every value escaped for Typst), with the same SVG
//! charts, and typeset in-process by [`crate::render::typst`].

use serde::Serialize;
use tera::Context;

use super::templates::{Templates, context};
use super::{Markup, Page};
use crate::error::RenderError;
use crate::present::ReportView;
use crate::sections;

/// The document-wide facts for the PDF metadata.
pub(crate) struct DocInfo {
    /// The organisation that publishes the report.
    pub author: String,
    /// The report's language (`sv`, `en`).
    pub language: String,
    /// When the output says it was made.
    pub epoch: i64,
}

/// The SVG with its fixed size restored (the HTML copy scales with the page).
fn fixed_size(svg: &str) -> String {
    let Some(start) = svg.find("viewBox=\"0 0 ") else {
        return svg.to_string();
    };
    let rest = &svg[start + 13..];
    let dims: Vec<&str> = rest.split('"').next().unwrap_or("").split(' ').collect();
    if dims.len() != 2 {
        return svg.to_string();
    }
    let (w, h) = (dims[0], dims[1]);
    match svg.find("width=\"100%\"") {
        Some(i) => {
            let end = svg[i..].find("px\"").map(|e| i + e + 3).unwrap_or(i + 12);
            format!("{}width=\"{w}\" height=\"{h}\"{}", &svg[..i], &svg[end..])
        }
        None => svg.to_string(),
    }
}

/// The chart files of one view, named with `prefix`.
fn chart_files(v: &ReportView, prefix: &str) -> Vec<(String, Vec<u8>)> {
    let mut files = vec![
        (
            format!("{prefix}result.svg"),
            fixed_size(&v.charts.result.svg),
        ),
        (
            format!("{prefix}monthly.svg"),
            fixed_size(&v.charts.monthly.svg),
        ),
        (
            format!("{prefix}categories.svg"),
            fixed_size(&v.charts.categories.svg),
        ),
    ];
    if let Some(b) = &v.explain.bridge {
        files.push((format!("{prefix}bridge.svg"), fixed_size(&b.chart.svg)));
    }
    if let Some(a) = &v.explain.accuracy {
        files.push((format!("{prefix}accuracy.svg"), fixed_size(&a.chart.svg)));
    }
    for (at, d) in sections::abouts().enumerate() {
        if let (Some(name), Some(chart)) = (d.chart, v.sections.chart(at)) {
            files.push((format!("{prefix}{name}.svg"), fixed_size(&chart.svg)));
        }
    }
    files
        .into_iter()
        .map(|(n, s)| (n, s.into_bytes()))
        .collect()
}

fn subject(templates: &Templates, v: &ReportView) -> String {
    format!(
        "{} {} {} {}",
        templates.lang.label("monthly_report"),
        templates.lang.label("acc"),
        v.month_name,
        v.year
    )
}

/// One unit's report as PDF.
pub(crate) fn unit(
    templates: &Templates,
    view: &ReportView,
    info: &DocInfo,
    update: Option<&str>,
) -> Result<Vec<u8>, RenderError> {
    let page = Page::new(templates, view, Markup::Typst)?.with_typst_blocks(templates, "")?;
    let mut ctx = context("pdf/report.typ", &page)?;
    ctx.insert("v", &page);
    // A new version of a published report says so on its first page.
    ctx.insert("update", &update);
    let v = view;
    let source = templates.render_typst("pdf/report.typ", ctx)?;
    let meta = super::typst::PdfMeta {
        title: format!("{} – {}", v.unit.name, subject(templates, v)),
        author: info.author.clone(),
        subject: subject(templates, v),
        language: info.language.clone(),
        date_epoch: Some(info.epoch),
        conformance: super::typst::Conformance::Archive,
    };
    super::typst::compile(&source, &chart_files(v, ""), &meta).map_err(|source| {
        RenderError::Typeset {
            what: format!("the PDF of {}", v.unit.code),
            source,
        }
    })
}

/// A column of a pack's summary: one signal (a traffic light's label and what it is about,
/// e.g. a profession), in the order the pack's units first show them.
#[derive(Serialize, PartialEq)]
struct Signal<'a> {
    label: &'a str,
    detail: Option<&'a str>,
}

/// A unit's lights in the summary's columns.
type LightRow = Vec<Option<&'static str>>;

/// The summary's signal columns and, per unit, its light in each column (`None`: the unit has
/// no such signal).
fn signal_columns<'a>(views: &[&'a ReportView]) -> (Vec<Signal<'a>>, Vec<LightRow>) {
    let mut columns: Vec<Signal<'a>> = Vec::new();
    for v in views {
        for l in &v.lights {
            let s = Signal {
                label: &l.label,
                detail: l.detail.as_deref(),
            };
            if !columns.contains(&s) {
                columns.push(s);
            }
        }
    }
    let cells = views
        .iter()
        .map(|v| {
            columns
                .iter()
                .map(|c| {
                    v.lights
                        .iter()
                        .find(|l| l.label == c.label && l.detail.as_deref() == c.detail)
                        .map(|l| l.status)
                })
                .collect()
        })
        .collect();
    (columns, cells)
}

#[derive(Serialize)]
struct PackInfo<'a> {
    title: &'a str,
    body: String,
    meeting_body: Option<&'a str>,
    meeting_date: Option<&'a str>,
}

/// A board pack and its number of pages: cover, contents, a summary of every unit, then each unit's report, with
/// `attachments` (name, bytes: the pack's `figures.json` and the run's `manifest.json`)
/// embedded for the archive copy.
pub(crate) fn pack(
    templates: &Templates,
    pack: &crate::config::Pack,
    views: &[&ReportView],
    info: &DocInfo,
    attachments: &[(String, Vec<u8>)],
) -> Result<(Vec<u8>, usize), RenderError> {
    let Some(&head) = views.first() else {
        return Err(RenderError::EmptyPack(pack.name.clone()));
    };
    let units: Vec<Page> = views
        .iter()
        .enumerate()
        .map(|(i, v)| {
            Page::new(templates, v, Markup::Typst)?
                .with_typst_blocks(templates, &format!("u{}-", i + 1))
        })
        .collect::<Result<_, _>>()?;
    let body = pack
        .meeting
        .as_ref()
        .map(|m| m.body.clone())
        .unwrap_or_else(|| head.unit.name.clone());
    let mut ctx = Context::new();
    ctx.insert("organisation", &head.organisation);
    ctx.insert("period", &head.period);
    ctx.insert("month_name", &head.month_name);
    ctx.insert("year", &head.year);
    ctx.insert("prev_year", &head.prev_year);
    ctx.insert("money_unit", &head.money_unit);
    ctx.insert("generated", &head.generated);
    ctx.insert(
        "base_level",
        &views.iter().map(|u| u.level).min().unwrap_or(0),
    );
    ctx.insert(
        "pack",
        &PackInfo {
            title: &pack.title,
            body: body.clone(),
            meeting_body: pack.meeting.as_ref().map(|m| m.body.as_str()),
            meeting_date: pack.meeting.as_ref().map(|m| m.date.as_str()),
        },
    );
    ctx.insert("units", &units);
    let (signals, lights) = signal_columns(views);
    ctx.insert("signals", &signals);
    ctx.insert("signal_cells", &lights);
    let source = templates.render_typst("pdf/pack.typ", ctx)?;
    let mut files = attachments.to_vec();
    for (i, v) in views.iter().enumerate() {
        files.extend(chart_files(v, &format!("u{}-", i + 1)));
    }
    let meta = super::typst::PdfMeta {
        title: format!("{} – {body}", pack.title),
        author: info.author.clone(),
        subject: subject(templates, head),
        language: info.language.clone(),
        date_epoch: Some(info.epoch),
        conformance: super::typst::Conformance::ArchiveWithAttachments,
    };
    super::typst::compile_counted(&source, &files, &meta).map_err(|source| RenderError::Typeset {
        what: format!("the pack {}", pack.name),
        source,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn svg_gets_its_size_back() {
        let html = "<svg width=\"100%\" preserveAspectRatio=\"xMidYMid meet\" role=\"img\" style=\"max-width:680px\" viewBox=\"0 0 680 300\" xmlns=\"x\">";
        assert_eq!(
            fixed_size(html),
            "<svg width=\"680\" height=\"300\" viewBox=\"0 0 680 300\" xmlns=\"x\">"
        );
    }
}
