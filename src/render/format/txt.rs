//! A test format built the way every format is, to prove the seam: this module and its line in
//! [`super::ALL`] are all it takes. It writes a plain-text file per unit (`<unit>.txt`: the
//! unit's name and accumulated result) and per board pack (`<pack>.txt`: its units), and the
//! summary line counts them as texts.

use super::{About, Counted, Files, Format, PackCx, PackOut, UnitCx};
use crate::error::RenderError;
use crate::present::ReportView;

/// Plain text.
pub(crate) struct Txt;

/// A unit's line: `1010 Enhet: 12,3`.
fn line(view: &ReportView) -> String {
    format!(
        "{} {}: {}\n",
        view.unit.code, view.unit.name, view.key.actual.text
    )
}

/// What the format is called.
static ABOUT: About = About {
    name: "txt",
    title: "text",
    counted: Counted {
        key: "texts",
        one: "text",
        many: "texts",
    },
};

impl Format for Txt {
    fn about(&self) -> &'static About {
        &ABOUT
    }

    fn unit_file(&self, stem: &str) -> Option<String> {
        Some(format!("{stem}.txt"))
    }

    fn pack_file(&self, pack: &str) -> Option<String> {
        Some(format!("{pack}.txt"))
    }

    fn unit(&self, cx: &UnitCx) -> Result<Files, RenderError> {
        Ok(vec![(
            format!("{}.txt", cx.stem),
            line(cx.view).into_bytes(),
        )])
    }

    fn pack(&self, cx: &PackCx) -> Result<PackOut, RenderError> {
        let text: String = cx.views.iter().map(|v| line(v)).collect();
        Ok(PackOut {
            files: vec![(format!("{}.txt", cx.pack.name), text.into_bytes())],
            pages: None,
        })
    }
}
