//! PDF: a report per unit (`pdf/<unit>.pdf`) and a board pack per configured pack, which
//! carries the pack's figures and the run's manifest for the archive copy.

use super::{About, Counted, Files, Format, PackCx, PackOut, UnitCx};
use crate::error::RenderError;
use crate::render::{html, json, pdf};

/// The PDF reports and board packs.
pub(crate) struct Pdf;

/// What the format is called.
static ABOUT: About = About {
    name: "pdf",
    title: "PDF",
    counted: Counted {
        key: "pdfs",
        one: "PDF",
        many: "PDFs",
    },
};

impl Format for Pdf {
    fn about(&self) -> &'static About {
        &ABOUT
    }

    fn unit_file(&self, stem: &str) -> Option<String> {
        Some(format!("pdf/{stem}.pdf"))
    }

    fn pack_file(&self, pack: &str) -> Option<String> {
        Some(format!("{pack}.pdf"))
    }

    fn unit(&self, cx: &UnitCx) -> Result<Files, RenderError> {
        let run = cx.run;
        let bytes = pdf::unit(
            run.templates,
            cx.view,
            &run.doc_info,
            run.notice.as_ref().map(html::Notice::text),
        )?;
        Ok(vec![(format!("pdf/{}.pdf", cx.stem), bytes)])
    }

    fn pack(&self, cx: &PackCx) -> Result<PackOut, RenderError> {
        let run = cx.run;
        let figures = run
            .presented
            .figures
            .only(cx.views.iter().map(|v| v.unit.code.as_str()));
        let (bytes, pages) = pdf::pack(
            run.templates,
            cx.pack,
            cx.views,
            &run.doc_info,
            &[
                ("figures.json".to_string(), json::to_json(&figures)),
                ("manifest.json".to_string(), run.job.manifest.to_vec()),
            ],
        )?;
        Ok(PackOut {
            files: vec![(format!("{}.pdf", cx.pack.name), bytes)],
            pages: Some(pages),
        })
    }
}
