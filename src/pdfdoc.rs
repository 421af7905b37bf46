//! The PDF documents: a unit's report and the board packs, rendered by Tera from the same view
//! models as the HTML into Typst markup (every value escaped for Typst), with the same SVG
//! charts, and typeset in-process by [`crate::pdf`].

use serde::Serialize;
use tera::Context;

use crate::present::{ReportView, comments};
use crate::render::Templates;

/// The document-wide facts for the PDF metadata.
pub struct DocInfo {
    pub author: String,
    pub language: String,
    pub epoch: i64,
}

/// A copy of the view whose prose and commentary are Typst markup instead of HTML.
fn typst_view(
    templates: &Templates,
    view: &ReportView,
    markdown: Option<&str>,
) -> Result<ReportView, String> {
    let mut v = view.clone();
    for (key, text) in v.texts.iter_mut() {
        *text = templates.text_typst(key, view)?;
    }
    v.comments = markdown.map(comments::split_typst).unwrap_or_default();
    Ok(v)
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
        (format!("{prefix}result.svg"), fixed_size(&v.charts.result)),
        (
            format!("{prefix}monthly.svg"),
            fixed_size(&v.charts.monthly),
        ),
        (
            format!("{prefix}categories.svg"),
            fixed_size(&v.charts.categories),
        ),
    ];
    if let Some(p) = &v.sections.personnel {
        files.push((format!("{prefix}sick.svg"), fixed_size(&p.chart)));
    }
    if let Some(a) = &v.sections.agency {
        files.push((format!("{prefix}agency.svg"), fixed_size(&a.chart)));
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
pub fn unit(
    templates: &Templates,
    view: &ReportView,
    markdown: Option<&str>,
    info: &DocInfo,
) -> Result<Vec<u8>, String> {
    let v = typst_view(templates, view, markdown)?;
    let mut ctx = Context::from_serialize(&v).map_err(|e| e.to_string())?;
    ctx.insert("v", &v);
    let source = templates.render_typst("pdf/report.typ", ctx)?;
    let meta = crate::pdf::PdfMeta {
        title: format!("{} – {}", v.unit.name, subject(templates, &v)),
        author: info.author.clone(),
        subject: subject(templates, &v),
        language: info.language.clone(),
        date_epoch: Some(info.epoch),
    };
    crate::pdf::compile(&source, &chart_files(&v, ""), &meta)
        .map_err(|e| format!("the PDF of {} cannot be typeset: {e}", v.unit.code))
}

#[derive(Serialize)]
struct PackInfo<'a> {
    title: &'a str,
    body: String,
    meeting_body: Option<&'a str>,
    meeting_date: Option<&'a str>,
}

/// A board pack: cover, contents, a summary of every unit, then each unit's report.
pub fn pack(
    templates: &Templates,
    pack: &crate::config::Pack,
    views: &[(&ReportView, Option<&str>)],
    info: &DocInfo,
) -> Result<Vec<u8>, String> {
    let Some(first) = views.first() else {
        return Err(format!("pack {} has no units", pack.name));
    };
    let units: Vec<ReportView> = views
        .iter()
        .map(|(v, md)| typst_view(templates, v, *md))
        .collect::<Result<_, _>>()?;
    let head = first.0;
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
    ctx.insert("money_unit", &head.money_unit);
    ctx.insert("generated", &head.generated);
    ctx.insert(
        "base_level",
        &units.iter().map(|u| u.level).min().unwrap_or(0),
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
    let source = templates.render_typst("pdf/pack.typ", ctx)?;
    let mut files = Vec::new();
    for (i, v) in units.iter().enumerate() {
        files.extend(chart_files(v, &format!("u{}-", i + 1)));
    }
    let meta = crate::pdf::PdfMeta {
        title: format!("{} – {body}", pack.title),
        author: info.author.clone(),
        subject: subject(templates, head),
        language: info.language.clone(),
        date_epoch: Some(info.epoch),
    };
    crate::pdf::compile(&source, &files, &meta)
        .map_err(|e| format!("the pack {} cannot be typeset: {e}", pack.name))
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
