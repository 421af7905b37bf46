//! View models: the small, serialisable structs that templates see. Every number is
//! formatted here, once, in the report's language and money unit; charts are drawn here.

pub(crate) mod chart_words;
pub(crate) mod charts;
mod explain_views;
pub(crate) mod figures;
mod format;
pub(crate) mod lang;
mod lights;
pub(crate) mod names;
pub(crate) mod restated;
mod section_views;
pub(crate) mod statement;
pub(crate) mod transactions;

use std::collections::BTreeMap;

use serde::Serialize;

use crate::compute::restated::Restated;
use crate::compute::sections::UnitSections;
use crate::compute::{Amounts, Basis, Figures, RowKind};
use crate::config::Config;
use crate::model::period::Month;
use crate::model::tree::Tree;
pub(crate) use chart_words::Chart;
pub(crate) use explain_views::ExplainView;
pub(crate) use format::{Exact, Format, Num};
pub(crate) use lang::Lang;
pub(crate) use lights::{Light, light};
pub(crate) use section_views::*;

#[derive(Debug, Clone, Serialize)]
pub(crate) struct UnitRef {
    pub code: String,
    pub name: String,
    pub href: String,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct KeyFigures {
    pub actual: Num,
    pub budget: Num,
    pub deviation: Num,
    pub budget_year: Num,
    pub actual_prev_year: Num,
    /// Accumulated outcome against the same months last year.
    pub change_prev_year: Num,
    pub prev_month_deviation: Option<Num>,
    pub deviation_change: Option<Num>,
    pub forecast: Option<Num>,
    /// The full-year result the forecast gives (full-year budget + forecast deviation).
    pub forecast_result: Option<Num>,
    pub forecast_made: Option<String>,
    pub forecast_prev: Option<Num>,
    pub forecast_prev_made: Option<String>,
    pub forecast_change: Option<Num>,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct RowView {
    pub name: String,
    pub subtotal: bool,
    #[serde(flatten)]
    pub amounts: RowAmounts,
    /// The accounts behind a category row, in account order (none for a subtotal).
    pub accounts: Vec<AccountView>,
    /// The row's figures beyond the accumulated ones: the month, the full-year forecast,
    /// the previous forecast and last year's full year.
    pub more: RowMore,
}

/// A report row's figures of the month, the forecasts and last year's full year.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct RowMore {
    pub month_actual: Num,
    pub month_budget: Num,
    pub month_deviation: Num,
    /// Prognos avvikelse helår: the row's forecast full-year deviation.
    pub forecast: Option<Num>,
    /// Prognos resultat helår: the full-year budget plus the forecast deviation.
    pub forecast_result: Option<Num>,
    pub forecast_prev: Option<Num>,
    pub forecast_prev_result: Option<Num>,
    /// Last year's full-year outcome.
    pub actual_last_year: Num,
}

/// The figures of a report row, or of one account behind it.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct RowAmounts {
    pub actual: Num,
    pub budget: Num,
    pub deviation: Num,
    pub actual_prev_year: Num,
    pub change_prev_year: Num,
    pub budget_year: Num,
}

impl RowAmounts {
    /// Accumulated this year, the same months last year, and the full-year budget, formatted.
    fn of(fmt: &Format, acc: Amounts, prev_year: Amounts, budget_year: i64) -> RowAmounts {
        RowAmounts {
            actual: fmt.num(acc.actual),
            budget: fmt.num(acc.budget),
            deviation: fmt.num(acc.deviation()),
            actual_prev_year: fmt.num(prev_year.actual),
            change_prev_year: fmt.num(acc.actual - prev_year.actual),
            budget_year: fmt.num(budget_year),
        }
    }
}

/// One account behind a report row, with the row's figures.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct AccountView {
    pub code: String,
    /// From the `accounts` table, or from "CODE Name" cells; empty when neither names it.
    pub name: String,
    #[serde(flatten)]
    pub amounts: RowAmounts,
    /// A leaf unit's largest transactions of the account in the report month, and in the
    /// year to date (empty without transactions in the data).
    pub largest_month: Vec<transactions::TransactionView>,
    pub largest_year: Vec<transactions::TransactionView>,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct ChildView {
    pub unit: UnitRef,
    pub leaf: bool,
    pub actual: Num,
    pub budget: Num,
    pub deviation: Num,
    pub deviation_change: Option<Num>,
    pub actual_prev_year: Num,
    pub change_prev_year: Num,
    pub forecast: Option<Num>,
    pub light: Option<&'static str>,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct Charts {
    pub result: Chart,
    /// The deviation per month and per category; without a budget, the change against last
    /// year.
    pub monthly: Chart,
    pub categories: Chart,
}

/// One month of the series behind the charts.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct MonthRow {
    pub month: String,
    pub period: String,
    /// `None` when the data has no budget.
    pub budget_acc: Option<Num>,
    pub actual_acc: Option<Num>,
    pub actual_prev_year_acc: Num,
    pub deviation: Option<Num>,
    pub sick_pct: Option<Num>,
    pub sick_pct_prev_year: Option<Num>,
}

/// Everything a unit's report shows.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct ReportView {
    pub lang: String,
    pub organisation: String,
    pub period: String,
    /// The (fiscal) year as reports name it: `2020`, or `2009/10` for a year July–June.
    pub year: String,
    pub prev_year: String,
    /// The months of a fiscal year that is not the calendar year: "juli 2009–juni 2010".
    pub fiscal_year: Option<String>,
    pub month_name: String,
    /// The name of the fiscal year's first month (January for a calendar year).
    pub first_month_name: String,
    pub prev_month_name: Option<String>,
    pub money_unit: String,
    pub percent: String,
    pub decimals: u32,
    pub generated: String,
    pub unit: UnitRef,
    pub level: usize,
    pub parent: Option<UnitRef>,
    pub path: Vec<UnitRef>,
    /// Whether the data gives a budget: without one the templates leave out budget, deviation
    /// and what is derived from them, and say once that the data has no budget.
    pub budget_given: bool,
    /// Whether the data holds last year's outcome: without it the same period last year is
    /// left out rather than shown as zero.
    pub prev_year_given: bool,
    pub key: KeyFigures,
    pub rows: Vec<RowView>,
    /// The income statement in the config's column groups.
    pub statement: statement::Statement,
    /// Categories with the largest negative deviations, worst first (prose form); without a
    /// budget, the largest negative changes against the same period last year.
    pub largest: Vec<String>,
    /// Categories with a positive deviation, best first (prose form); without a budget, the
    /// positive changes against last year.
    pub positive: Vec<String>,
    pub children: Vec<ChildView>,
    pub charts: Charts,
    /// The accumulated series behind the charts, January to December.
    pub months: Vec<MonthRow>,
    pub sections: SectionsView,
    /// What explains the month: the bridge since last month, the forecast check, the net
    /// cost development.
    pub explain: ExplainView,
    pub lights: Vec<Light>,
    pub deviation_light: Option<&'static str>,
    /// The controller's commentary by section key, as Markdown (each renderer turns it into
    /// its own format).
    #[serde(skip)]
    pub commentary: BTreeMap<String, String>,
    /// Earlier months whose outcome differs from what the previous month's report published.
    pub restated: Vec<restated::RestatedView>,
}

/// What the present stage produces: a view per unit, the index page and the figures file.
pub(crate) struct Presented {
    /// One report view per unit, by node index.
    pub views: Vec<ReportView>,
    /// The index page.
    pub index: IndexView,
    /// `figures.json`.
    pub figures: figures::FiguresFile,
    /// The money unit as the report's language writes it (`Mkr`).
    pub unit_label: String,
    /// Per node, a leaf unit's transactions of the year to date, for its workbook.
    pub postings: Option<std::sync::Arc<Vec<Vec<crate::model::posting::Posting>>>>,
    /// Whether the transactions are dated by month: the workbook shows their month.
    pub transactions_by_month: bool,
    /// Account names by code.
    pub account_names: BTreeMap<String, String>,
}

/// The present stage: every view, formatted in the report's language. `commentary` and
/// `files` are by node index; `progress` is called once per finished view.
pub(crate) fn run(
    basis: &Basis<'_>,
    files: &[String],
    commentary: &[Option<String>],
    lang: Lang,
    epoch: i64,
    progress: &(dyn Fn() + Sync),
) -> Presented {
    let computed = basis.computed;
    let presenter = presenter(basis, files, lang, epoch);
    let nodes: Vec<usize> = (0..basis.tree.nodes.len()).collect();
    // `figures.json` is made beside the views rather than after them.
    let (views, figures) = crate::par::join(
        || {
            crate::par::par_map(&nodes, |&node| {
                let view = presenter.report(node, commentary[node].as_deref());
                progress();
                view
            })
        },
        || {
            figures::figures_json(
                &computed.figures,
                &computed.sections,
                &basis.restated,
                &computed.explained,
                basis.tree,
            )
        },
    );
    Presented {
        views,
        index: presenter.index(),
        figures,
        unit_label: presenter.fmt.unit_label(),
        postings: computed.postings.clone(),
        transactions_by_month: basis.transactions_by_month,
        account_names: basis.account_names.clone(),
    }
}

/// The reports of `nodes` alone, as [`run`] presents them: the preview's pages after an edit
/// of their commentary.
pub(crate) fn reports(
    basis: &Basis<'_>,
    files: &[String],
    commentary: &[Option<String>],
    lang: Lang,
    epoch: i64,
    nodes: &[usize],
) -> Vec<ReportView> {
    let presenter = presenter(basis, files, lang, epoch);
    crate::par::par_map(nodes, |&node| {
        presenter.report(node, commentary[node].as_deref())
    })
}

/// A moment (seconds since 1970, UTC) as local time in `zone`, in the language's form of a time
/// of day on a date ("7 december 2026 kl. 08.23", "7 December 2026 at 08:23"); `None` when it
/// is out of range. The reports' footer and the round's pages both say times this way.
pub(crate) fn local_time_words(epoch: i64, zone: chrono_tz::Tz, lang: &Lang) -> Option<String> {
    let (year, month, day, hour, minute) = crate::clock::local_time(epoch, zone)?;
    Some(
        lang.label("created_at")
            .replace("{day}", &day.to_string())
            .replace("{month}", lang.month(month))
            .replace("{year}", &year.to_string())
            .replace("{hour}", &format!("{hour:02}"))
            .replace("{minute}", &format!("{minute:02}")),
    )
}

/// When the report was made, as its footer says it: the local time in the configured zone
/// ([`local_time_words`]). The manifest keeps the exact UTC time.
fn generated_at(epoch: i64, zone: chrono_tz::Tz, lang: &Lang) -> String {
    local_time_words(epoch, zone, lang).unwrap_or_else(|| crate::clock::format_epoch(epoch))
}

fn presenter<'a>(
    basis: &'a Basis<'a>,
    files: &'a [String],
    lang: Lang,
    epoch: i64,
) -> Presenter<'a> {
    let (config, computed) = (basis.config, basis.computed);
    Presenter {
        config,
        tree: basis.tree,
        figures: &computed.figures,
        sections: &computed.sections,
        restated: &basis.restated,
        accounts: &computed.accounts,
        postings: computed.postings.as_deref().map(Vec::as_slice),
        transactions_by_month: basis.transactions_by_month,
        account_names: &basis.account_names,
        explained: &computed.explained,
        files,
        generated: generated_at(epoch, config.time_zone, &lang),
        fmt: Format {
            last_year: computed.figures.prev_year_given,
            ..Format::new(config, lang)
        },
    }
}

/// One entry of the index page's tree.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct IndexEntry {
    pub unit: UnitRef,
    pub depth: usize,
    pub actual: Num,
    pub change_prev_year: Num,
    pub deviation: Num,
    pub forecast: Option<Num>,
    pub leaf: bool,
    pub light: Option<&'static str>,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct IndexView {
    pub lang: String,
    pub organisation: String,
    pub period: String,
    pub year: String,
    pub month_name: String,
    pub money_unit: String,
    pub generated: String,
    /// Whether the data gives a budget (else the tree shows outcome and change against last
    /// year instead of the deviation).
    pub budget_given: bool,
    /// Whether the data holds last year's outcome.
    pub prev_year_given: bool,
    pub entries: Vec<IndexEntry>,
    /// The lists of section views the index page shows (the committees, the level below the
    /// root, that have an approved result this year), each under the section's view key.
    #[serde(flatten)]
    pub sections: section_views::IndexSections,
    /// Last year's forecast accuracy of the committees (the level below the root) that have it.
    pub accuracy: Vec<IndexAccuracy>,
    /// The year of that accuracy, as reports name it.
    pub accuracy_year: Option<String>,
}

/// A committee's forecast accuracy on the index page.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct IndexAccuracy {
    pub unit: UnitRef,
    pub outcome: Num,
    pub forecasts: usize,
    pub mean_absolute_error: Num,
    pub mean_error: Num,
    pub bias: Option<&'static str>,
}

/// The prose form of a name: first letter lower case unless it is an abbreviation.
pub(crate) fn prose_name(name: &str) -> String {
    let mut chars = name.chars();
    match (chars.next(), chars.next()) {
        (Some(a), Some(b)) if a.is_uppercase() && !b.is_uppercase() => {
            a.to_lowercase().collect::<String>() + &name[a.len_utf8()..]
        }
        _ => name.to_string(),
    }
}

/// Shared context for every unit's view.
pub(crate) struct Presenter<'a> {
    pub config: &'a Config,
    pub tree: &'a Tree,
    pub figures: &'a Figures,
    pub sections: &'a [UnitSections],
    /// Per node, the earlier months whose outcome changed since they were published.
    pub restated: &'a [Vec<Restated>],
    /// Per node, the accounts behind its report rows.
    pub accounts: &'a [Vec<crate::compute::accounts::AccountFigures>],
    /// Per node, a leaf unit's transactions of the year to date, when the data has them.
    pub postings: Option<&'a [Vec<crate::model::posting::Posting>]>,
    /// Whether the transactions are dated by month: the account view shows their month.
    pub transactions_by_month: bool,
    /// Account names by code: the `accounts` table's, else those of "CODE Name" cells.
    pub account_names: &'a BTreeMap<String, String>,
    pub explained: &'a [crate::compute::explain::Explained],
    pub files: &'a [String],
    pub generated: String,
    pub fmt: Format,
}

impl Presenter<'_> {
    pub(crate) fn unit_ref(&self, node: usize) -> UnitRef {
        let n = &self.tree.nodes[node];
        UnitRef {
            code: n.code.clone(),
            name: n.name.clone(),
            href: format!("{}.html", self.files[node]),
        }
    }

    /// The deviation as a percentage of the accumulated cost budget, for its traffic light.
    fn deviation_light(&self, node: usize) -> Option<&'static str> {
        if !self.figures.budget_given {
            return None;
        }
        let limits = self.config.thresholds.deviation.as_ref()?;
        let f = &self.figures.units[node];
        let costs: i64 = f
            .rows
            .iter()
            .filter(|r| r.kind == RowKind::Category && r.acc.budget < 0)
            .map(|r| -r.acc.budget)
            .sum();
        if costs == 0 {
            return None;
        }
        Some(light(
            100.0 * f.acc.deviation() as f64 / costs as f64,
            limits,
        ))
    }

    /// The report of one unit, with its commentary file's Markdown (if any).
    pub(crate) fn report(&self, node: usize, commentary: Option<&str>) -> ReportView {
        let f = &self.figures.units[node];
        let fmt = &self.fmt;
        let period = self.figures.period;
        let month = |m: Month| fmt.month(m);
        let key = self.key_figures(node);
        let rows = self.rows(node);
        let (largest, positive) = self.ranked(node);
        let children = self.children(node);
        let path: Vec<UnitRef> = self
            .tree
            .path(node)
            .into_iter()
            .map(|n| self.unit_ref(n))
            .collect();
        let sections = self.sections_view(node);
        let deviation_light = self.deviation_light(node);
        let explain = self.explain_view(node);
        let lights = self.lights(&key, deviation_light, &explain, &sections);
        ReportView {
            lang: self.config.language.clone(),
            organisation: self.tree.nodes[self.tree.root].name.clone(),
            period: period.to_string(),
            year: fmt.year_label(period),
            prev_year: fmt.year_label(period.plus(-12)),
            fiscal_year: fmt.fiscal_year(period),
            month_name: month(period),
            first_month_name: fmt.lang.month(fmt.year_start).to_string(),
            prev_month_name: (period.months_into_year(fmt.year_start) > 1)
                .then(|| month(period.prev())),
            money_unit: fmt.unit_label(),
            percent: fmt.lang.percent.clone(),
            decimals: fmt.decimals,
            generated: self.generated.clone(),
            unit: self.unit_ref(node),
            level: self.tree.nodes[node].depth,
            parent: self.tree.nodes[node].parent.map(|p| self.unit_ref(p)),
            path,
            budget_given: self.figures.budget_given,
            prev_year_given: self.figures.prev_year_given,
            key,
            rows,
            statement: statement::statement(fmt, self.figures, f, &self.config.columns),
            largest,
            positive,
            children,
            charts: charts::draw_all(f, period, fmt, self.figures.budget_given),
            months: self.months(node),
            sections,
            explain,
            lights,
            deviation_light,
            commentary: commentary
                .map(crate::compute::commentary::split)
                .unwrap_or_default(),
            restated: self.restated_views(node),
        }
    }

    fn key_figures(&self, node: usize) -> KeyFigures {
        let f = &self.figures.units[node];
        let fmt = &self.fmt;
        let month = |m: Month| fmt.month(m);
        KeyFigures {
            actual: fmt.num(f.acc.actual),
            budget: fmt.num(f.acc.budget),
            deviation: fmt.num(f.acc.deviation()),
            budget_year: fmt.num(f.budget_year),
            actual_prev_year: fmt.num(f.prev_year.actual),
            change_prev_year: fmt.num(f.acc.actual - f.prev_year.actual),
            prev_month_deviation: f.prev_month.map(|p| fmt.num(p.deviation())),
            deviation_change: f.deviation_change().map(|c| fmt.num(c)),
            forecast: f.forecast.map(|x| fmt.num(x.deviation)),
            forecast_result: f
                .forecast_result(self.figures.budget_given)
                .map(|x| fmt.num(x)),
            forecast_made: f.forecast.map(|x| month(x.made)),
            forecast_prev: f.forecast_prev.map(|x| fmt.num(x.deviation)),
            forecast_prev_made: f.forecast_prev.map(|x| month(x.made)),
            forecast_change: f.forecast_change().map(|c| fmt.num(c)),
        }
    }

    /// The unit's report rows, each category with the accounts behind it.
    fn rows(&self, node: usize) -> Vec<RowView> {
        let f = &self.figures.units[node];
        let fmt = &self.fmt;
        let postings = self.postings.map(|p| {
            transactions::ByAccount::new(
                &p[node],
                self.figures.period,
                self.config.largest_transactions,
                self.transactions_by_month,
            )
        });
        let largest = |account: &str, month: bool| {
            postings
                .as_ref()
                .map(|p| p.largest(fmt, account, month))
                .unwrap_or_default()
        };
        f.rows
            .iter()
            .filter(|r| r.kind == RowKind::Subtotal || !r.is_empty())
            .map(|r| RowView {
                name: r.name.clone(),
                subtotal: r.kind == RowKind::Subtotal,
                amounts: RowAmounts::of(fmt, r.acc, r.prev_year, r.budget_year),
                accounts: if r.kind == RowKind::Category {
                    self.accounts[node]
                        .iter()
                        .filter(|a| a.category == r.name)
                        .map(|a| AccountView {
                            code: a.account.clone(),
                            name: self
                                .account_names
                                .get(&a.account)
                                .cloned()
                                .unwrap_or_default(),
                            amounts: RowAmounts::of(fmt, a.acc, a.prev_year, a.budget_year),
                            largest_month: largest(&a.account, true),
                            largest_year: largest(&a.account, false),
                        })
                        .collect()
                } else {
                    Vec::new()
                },
                more: RowMore {
                    month_actual: fmt.num(r.month.actual),
                    month_budget: fmt.num(r.month.budget),
                    month_deviation: fmt.num(r.month.deviation()),
                    forecast: r.forecast.map(|d| fmt.num(d)),
                    forecast_result: r.forecast.map(|d| fmt.num(r.budget_year + d)),
                    forecast_prev: r.forecast_prev.map(|d| fmt.num(d)),
                    forecast_prev_result: r.forecast_prev.map(|d| fmt.num(r.budget_year + d)),
                    actual_last_year: fmt.num(r.actual_last_year),
                },
            })
            .collect()
    }

    /// The categories with the largest negative deviations, worst first, and those with a
    /// positive deviation, best first (prose form); without a budget, the changes against
    /// last year.
    fn ranked(&self, node: usize) -> (Vec<String>, Vec<String>) {
        let f = &self.figures.units[node];
        let fmt = &self.fmt;
        let mut cats: Vec<(&str, i64)> = f
            .rows
            .iter()
            .filter(|r| r.kind == RowKind::Category)
            .map(|r| {
                let d = if self.figures.budget_given {
                    r.acc.deviation()
                } else {
                    r.acc.actual - r.prev_year.actual
                };
                (r.name.as_str(), d)
            })
            .collect();
        cats.sort_by_key(|(n, d)| (*d, *n));
        let shown = |d: i64| fmt.num(d).sign != 0;
        let largest = cats
            .iter()
            .filter(|(_, d)| *d < 0 && shown(*d))
            .take(self.config.largest_deviations)
            .map(|(n, _)| prose_name(n))
            .collect();
        // Without a budget or last year, the largest costs are named and nothing is "better".
        let compared = self.figures.budget_given || self.figures.prev_year_given;
        let positive = cats
            .iter()
            .rev()
            .filter(|(_, d)| compared && *d > 0 && shown(*d))
            .take(self.config.largest_deviations)
            .map(|(n, _)| prose_name(n))
            .collect();
        (largest, positive)
    }

    fn children(&self, node: usize) -> Vec<ChildView> {
        let fmt = &self.fmt;
        self.tree.nodes[node]
            .children
            .iter()
            .map(|&c| {
                let cf = &self.figures.units[c];
                ChildView {
                    unit: self.unit_ref(c),
                    leaf: self.tree.is_leaf(c),
                    actual: fmt.num(cf.acc.actual),
                    budget: fmt.num(cf.acc.budget),
                    deviation: fmt.num(cf.acc.deviation()),
                    deviation_change: cf.deviation_change().map(|x| fmt.num(x)),
                    actual_prev_year: fmt.num(cf.prev_year.actual),
                    change_prev_year: fmt.num(cf.acc.actual - cf.prev_year.actual),
                    forecast: cf.forecast.map(|x| fmt.num(x.deviation)),
                    light: self.deviation_light(c),
                }
            })
            .collect()
    }

    /// The report's signals: the deviation, the forecast check, sick leave, hired staff and
    /// measures, each where it has thresholds.
    fn lights(
        &self,
        key: &KeyFigures,
        deviation_light: Option<&'static str>,
        explain: &ExplainView,
        sections: &SectionsView,
    ) -> Vec<Light> {
        let fmt = &self.fmt;
        let mut lights = Vec::new();
        if let Some(status) = deviation_light {
            lights.push(Light {
                label: "light_deviation".into(),
                detail: None,
                value: format!("{} {}", key.deviation.signed(), fmt.unit_label()),
                status,
            });
        }
        // The forecast check among the signals when the deviation has thresholds: yellow when
        // the forecast leans beyond both projections, else green.
        if self.config.thresholds.deviation.is_some()
            && let Some(c) = explain
                .forecast_check
                .as_ref()
                .filter(|c| c.months_left > 0)
        {
            lights.push(Light {
                label: "light_forecast".into(),
                detail: None,
                value: fmt.lang.label(c.flag.unwrap_or("in_line")).to_string(),
                status: if c.flag.is_some() { "yellow" } else { "green" },
            });
        }
        lights.extend(sections.shown_views().flat_map(|v| v.lights(fmt)));
        lights
    }

    /// The earlier months whose outcome changed since the previous month's report.
    fn restated_views(&self, node: usize) -> Vec<restated::RestatedView> {
        let fmt = &self.fmt;
        self.restated[node]
            .iter()
            .map(|r| restated::RestatedView {
                month: fmt.month_year(r.month),
                published: fmt.num(r.published),
                now: fmt.num(r.now),
                difference: fmt.num(r.now - r.published),
            })
            .collect()
    }

    fn months(&self, node: usize) -> Vec<MonthRow> {
        let f = &self.figures.units[node];
        let budget = self.figures.budget_given;
        let pct = self.monthly_pct(node);
        let (mut b, mut a, mut l) = (0i64, 0i64, 0i64);
        f.months
            .iter()
            .enumerate()
            .map(|(i, m)| {
                b += m.budget;
                l += m.actual_prev_year;
                if let Some(x) = m.actual {
                    a += x;
                }
                let pick = |v: Option<&[Option<f64>]>| {
                    v.and_then(|v| v.get(i).copied().flatten())
                        .map(|x| self.fmt.fig(x, 1))
                };
                MonthRow {
                    month: self.fmt.lang.month_short(m.month.month()).to_string(),
                    period: m.month.to_string(),
                    budget_acc: budget.then(|| self.fmt.num(b)),
                    actual_acc: m.actual.map(|_| self.fmt.num(a)),
                    actual_prev_year_acc: self.fmt.num(l),
                    deviation: m
                        .actual
                        .filter(|_| budget)
                        .map(|x| self.fmt.num(x - m.budget)),
                    sick_pct: pick(pct.map(|p| p[0])),
                    sick_pct_prev_year: pick(pct.map(|p| p[1])),
                }
            })
            .collect()
    }

    pub(crate) fn index(&self) -> IndexView {
        let period = self.figures.period;
        let accuracy: Vec<IndexAccuracy> = self.tree.nodes[self.tree.root]
            .children
            .iter()
            .filter_map(|&c| {
                let a = self.explained[c].accuracy.as_ref()?;
                Some(IndexAccuracy {
                    unit: self.unit_ref(c),
                    outcome: self.fmt.num(a.outcome),
                    forecasts: a.forecasts.len(),
                    mean_absolute_error: self.fmt.num(a.mean_absolute_error),
                    mean_error: self.fmt.num(a.mean_error),
                    bias: a.bias.map(|b| b.as_str()),
                })
            })
            .collect();
        let accuracy_year = (!accuracy.is_empty()).then(|| self.fmt.year_label(period.plus(-12)));
        IndexView {
            lang: self.config.language.clone(),
            organisation: self.tree.nodes[self.tree.root].name.clone(),
            period: period.to_string(),
            year: self.fmt.year_label(period),
            month_name: self.fmt.month(period),
            money_unit: self.fmt.unit_label(),
            generated: self.generated.clone(),
            budget_given: self.figures.budget_given,
            prev_year_given: self.figures.prev_year_given,
            entries: self
                .tree
                .order
                .iter()
                .map(|&n| {
                    let f = &self.figures.units[n];
                    IndexEntry {
                        unit: self.unit_ref(n),
                        depth: self.tree.nodes[n].depth,
                        actual: self.fmt.num(f.acc.actual),
                        change_prev_year: self.fmt.num(f.acc.actual - f.prev_year.actual),
                        deviation: self.fmt.num(f.acc.deviation()),
                        forecast: f.forecast.map(|x| self.fmt.num(x.deviation)),
                        leaf: self.tree.is_leaf(n),
                        light: self.deviation_light(n),
                    }
                })
                .collect(),
            sections: self.index_sections(),
            accuracy,
            accuracy_year,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Limits;
    use crate::model::money::{MoneyUnit, NumberStyle};

    /// Swedish, Mkr with one decimal: the format the present tests use.
    pub(super) fn fmt() -> Format {
        Format {
            style: NumberStyle::SWEDISH,
            unit: MoneyUnit::Mkr,
            decimals: 1,
            lang: std::sync::Arc::new(
                Lang::parse(include_str!("../../templates/lang/sv.yaml"), "sv.yaml").unwrap(),
            ),
            year_start: 1,
            last_year: true,
        }
    }

    #[test]
    fn prose_names() {
        assert_eq!(prose_name("Personalkostnader"), "personalkostnader");
        assert_eq!(prose_name("IT-kostnader"), "IT-kostnader");
        assert_eq!(prose_name("Övriga kostnader"), "övriga kostnader");
    }

    #[test]
    fn nums() {
        let f = fmt();
        let n = f.num(-11_930_000_000);
        assert_eq!(
            (n.text.as_str(), n.signed().as_str(), n.abs(), n.sign),
            ("-119,3", "-119,3", "119,3", -1)
        );
        let p = f.num(360_000_000);
        assert_eq!((p.signed().as_str(), p.sign), ("+3,6", 1));
        let z = f.num(-4_000_000);
        assert_eq!((z.signed().as_str(), z.sign), ("0,0", 0));
        assert_eq!(n.value(), "-119300000.00");
        assert_eq!(f.fig(15.2345, 2).text, "15,23");
        assert_eq!(f.fig(-51076.0, 0).abs(), "51\u{a0}076");
        // A figure's texts as each was written before they were derived from its text.
        for v in [
            0.0, -0.0, 0.04, -0.04, 0.05, -0.05, 2.5, -2.5, 15.2345, -51076.0, 1e16,
        ] {
            for d in 0..4 {
                let n = f.fig(v, d);
                assert_eq!(n.abs(), f.style.float(v.abs(), d), "{v} {d}");
                assert_eq!(n.value(), format!("{v:.*}", d as usize), "{v} {d}");
                let plus = if n.sign > 0 { "+" } else { "" };
                assert_eq!(n.signed(), format!("{plus}{}", n.text), "{v} {d}");
            }
        }
        for v in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
            let n = f.fig(v, 1);
            assert_eq!((n.abs(), n.value()), ("–", format!("{v:.0}")), "{v}");
        }
    }

    #[test]
    fn lights() {
        let higher_worse = Limits {
            yellow: 2.0,
            red: 5.0,
        };
        assert_eq!(light(1.9, &higher_worse), "green");
        assert_eq!(light(2.0, &higher_worse), "yellow");
        assert_eq!(light(15.23, &higher_worse), "red");
        let lower_worse = Limits {
            yellow: 90.0,
            red: 70.0,
        };
        assert_eq!(light(95.0, &lower_worse), "green");
        assert_eq!(light(75.0, &lower_worse), "yellow");
        assert_eq!(light(70.0, &lower_worse), "red");
    }
}
