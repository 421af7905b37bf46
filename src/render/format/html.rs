//! HTML: a report page per unit and the index page, which links the board packs.

use super::{About, Counted, Downloads, Files, Format, PackLink, RunCx, UnitCx};
use crate::error::RenderError;
use crate::render::html;

/// The HTML reports and the index page.
pub(crate) struct Html;

/// The index page: the tree of units and the board packs.
#[derive(serde::Serialize)]
struct IndexPage<'a> {
    #[serde(flatten)]
    view: &'a crate::present::IndexView,
    packs: &'a [PackLink],
    /// The notice of a new version, linking its change page.
    update: Option<html::Notice>,
}

/// What the format is called.
static ABOUT: About = About {
    name: "html",
    title: "HTML",
    counted: Counted {
        key: "reports",
        one: "report",
        many: "reports",
    },
};

impl Format for Html {
    fn about(&self) -> &'static About {
        &ABOUT
    }

    fn unit_file(&self, stem: &str) -> Option<String> {
        Some(format!("{stem}.html"))
    }

    fn run_files(&self) -> &'static [&'static str] {
        &["index.html"]
    }

    fn unit(&self, cx: &UnitCx) -> Result<Files, RenderError> {
        let run = cx.run;
        let page = html::report(
            run.templates,
            cx.view,
            Downloads::of(cx.stem, run.job.formats, self),
            run.notice.clone(),
        )?;
        Ok(vec![(format!("{}.html", cx.stem), page.into_bytes())])
    }

    fn finish(&self, cx: &RunCx, packs: &[PackLink]) -> Result<Files, RenderError> {
        let page = IndexPage {
            view: &cx.presented.index,
            packs,
            update: cx.notice.clone(),
        };
        let index = cx.templates.render("index.html", &page)?;
        Ok(vec![("index.html".into(), index.into_bytes())])
    }
}
