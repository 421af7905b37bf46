//! The Excel workbooks: one per unit, with the unit's transactions of the year to date (and a
//! CSV file beside it when a sheet cannot hold them), and one per board pack.

use super::{About, Counted, Files, Format, Needs, PackCx, PackOut, RunCx, UnitCx};
use crate::error::RenderError;
use crate::render::xlsx::{self, transactions};

/// The Excel workbooks.
pub(crate) struct Xlsx;

/// The workbook's document properties and number formats.
fn meta(run: &RunCx, title: String, heading: String) -> xlsx::Meta {
    let job = run.job;
    xlsx::Meta {
        title,
        author: job.author.clone(),
        created: job.epoch,
        unit: job.money_unit,
        unit_label: run.presented.unit_label.clone(),
        decimals: job.decimals,
        heading,
    }
}

/// What the format is called.
static ABOUT: About = About {
    name: "xlsx",
    title: "Excel",
    counted: Counted {
        key: "workbooks",
        one: "workbook",
        many: "workbooks",
    },
};

impl Format for Xlsx {
    fn about(&self) -> &'static About {
        &ABOUT
    }

    fn needs(&self) -> Needs {
        Needs {
            every_transaction: true,
        }
    }

    fn unit_file(&self, stem: &str) -> Option<String> {
        Some(format!("{stem}.xlsx"))
    }

    fn pack_file(&self, pack: &str) -> Option<String> {
        Some(format!("{pack}.xlsx"))
    }

    fn unit(&self, cx: &UnitCx) -> Result<Files, RenderError> {
        let (run, view, stem) = (cx.run, cx.view, cx.stem);
        let lang = &run.templates.lang;
        let title = format!("{} – {}", view.unit.name, view.period);
        let presented = run.presented;
        let ledger = presented.postings.as_ref().map(|p| transactions::Ledger {
            postings: &p[cx.node],
            by_month: presented.transactions_by_month,
            names: &presented.account_names,
            csv_name: format!("{stem}-{}.csv", lang.label("transactions_file")),
        });
        let what = format!("{} ({})", view.unit.name, view.unit.code);
        let meta = meta(run, title, xlsx::heading(&what, view, lang));
        let (workbook, csv) = xlsx::unit_workbook(view, ledger.as_ref(), lang, &meta)?;
        let mut files = vec![(format!("{stem}.xlsx"), workbook)];
        if let (Some(csv), Some(l)) = (csv, ledger) {
            files.push((l.csv_name, csv));
        }
        Ok(files)
    }

    fn pack(&self, cx: &PackCx) -> Result<PackOut, RenderError> {
        let run = cx.run;
        let (title, lang) = (cx.pack.title.clone(), &run.templates.lang);
        let heading = match cx.views.first() {
            Some(v) => {
                let what = format!("{title}: {} ({})", v.unit.name, v.unit.code);
                xlsx::heading(&what, v, lang)
            }
            None => title.clone(),
        };
        let workbook = xlsx::workbook(cx.views, lang, &meta(run, title, heading))?;
        Ok(PackOut {
            files: vec![(format!("{}.xlsx", cx.pack.name), workbook)],
            pages: None,
        })
    }
}
