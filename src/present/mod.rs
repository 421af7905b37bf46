//! View models: the small, serialisable structs that templates see. Every number is
//! formatted here, once, in the report's language and money unit; charts are drawn here.

pub(crate) mod charts;
pub(crate) mod comments;
pub(crate) mod figures;
pub(crate) mod lang;
pub(crate) mod names;

use std::collections::BTreeMap;

use serde::Serialize;

use crate::compute::sections::{self, UnitSections};
use crate::compute::{Figures, RowKind};
use crate::config::{Config, Limits};
use crate::model::money::{self, MoneyUnit, NumberStyle};
use crate::model::period::Month;
use crate::model::tree::Tree;
pub(crate) use lang::Lang;

/// How numbers and words are shown in this report.
#[derive(Debug, Clone)]
pub(crate) struct Format {
    pub style: NumberStyle,
    pub unit: MoneyUnit,
    pub decimals: u32,
    pub lang: Lang,
}

impl Format {
    pub(crate) fn new(c: &Config, lang: Lang) -> Format {
        Format {
            style: lang.style(),
            unit: c.money_unit,
            decimals: c.decimals,
            lang,
        }
    }

    pub(crate) fn unit_label(&self) -> String {
        let key = match self.unit {
            MoneyUnit::Mkr => "Mkr",
            MoneyUnit::Tkr => "tkr",
            MoneyUnit::Kr => "kr",
        };
        self.lang
            .money
            .get(key)
            .cloned()
            .unwrap_or_else(|| key.to_string())
    }

    fn make(&self, value: String, text: String, abs: String) -> Num {
        let zero = !text.chars().any(|c| c.is_ascii_digit() && c != '0');
        let sign = if zero {
            0
        } else if text.starts_with(self.style.minus) {
            -1
        } else {
            1
        };
        Num {
            value,
            signed: if sign > 0 {
                format!("+{text}")
            } else {
                text.clone()
            },
            text,
            abs,
            sign,
        }
    }

    /// An amount in öre, in the report's money unit.
    pub(crate) fn num(&self, ore: i64) -> Num {
        self.make(
            money::kronor_string(ore),
            self.style.money(ore, self.unit, self.decimals),
            self.style.money(ore.abs(), self.unit, self.decimals),
        )
    }

    /// A ratio, count or hours (never a summed amount of money).
    pub(crate) fn fig(&self, value: f64, decimals: u32) -> Num {
        self.make(
            format!("{value:.*}", decimals as usize),
            self.style.float(value, decimals),
            self.style.float(value.abs(), decimals),
        )
    }

    /// An amount in the display unit as f64, for chart coordinates only.
    pub(crate) fn coord(&self, ore: i64) -> f64 {
        ore as f64 / self.unit.divisor_ore() as f64
    }

    pub(crate) fn month(&self, m: Month) -> String {
        self.lang.month(m.month()).to_string()
    }
}

/// A number as the templates see it.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Num {
    /// Exact value: kronor with two decimals for money, e.g. `-119300000.00`.
    pub value: String,
    /// Formatted, e.g. `-119,3`.
    pub text: String,
    /// With an explicit `+` on positive values, e.g. `+3,6`.
    pub signed: String,
    /// Without sign, e.g. `119,3`.
    pub abs: String,
    /// -1, 0 or 1, of the value as shown (a value that rounds to zero has sign 0).
    pub sign: i8,
}

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
    pub prev_month_deviation: Option<Num>,
    pub deviation_change: Option<Num>,
    pub forecast: Option<Num>,
    pub forecast_made: Option<String>,
    pub forecast_prev: Option<Num>,
    pub forecast_prev_made: Option<String>,
    pub forecast_change: Option<Num>,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct RowView {
    pub name: String,
    pub subtotal: bool,
    pub actual: Num,
    pub budget: Num,
    pub deviation: Num,
    pub actual_prev_year: Num,
    pub change_prev_year: Num,
    pub budget_year: Num,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct ChildView {
    pub unit: UnitRef,
    pub leaf: bool,
    pub actual: Num,
    pub budget: Num,
    pub deviation: Num,
    pub deviation_change: Option<Num>,
    pub forecast: Option<Num>,
    pub light: Option<&'static str>,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct Charts {
    pub result: String,
    pub monthly: String,
    pub categories: String,
}

/// A traffic light: `green`, `yellow` or `red`.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Light {
    /// Label key in the language file, e.g. `light_sick`.
    pub label: String,
    /// What the light is about beyond the label, e.g. a profession.
    pub detail: Option<String>,
    pub value: String,
    pub status: &'static str,
}

/// Higher is worse when `yellow <= red`, lower is worse otherwise.
pub(crate) fn light(value: f64, limits: &Limits) -> &'static str {
    let higher_is_worse = limits.yellow <= limits.red;
    let (past_red, past_yellow) = if higher_is_worse {
        (value >= limits.red, value >= limits.yellow)
    } else {
        (value <= limits.red, value <= limits.yellow)
    };
    if past_red {
        "red"
    } else if past_yellow {
        "yellow"
    } else {
        "green"
    }
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct PersonnelView {
    pub sick_pct: Option<Num>,
    pub sick_pct_prev: Option<Num>,
    pub sick_pct_change: Option<Num>,
    pub sick_hours: Num,
    pub sick_hours_prev: Num,
    pub sick_hours_change: Num,
    pub fte: Num,
    pub fte_prev: Num,
    pub fte_change: Num,
    pub employees: Option<Num>,
    pub employees_prev: Option<Num>,
    pub employees_change: Option<Num>,
    pub light: Option<&'static str>,
    pub chart: String,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct AgencyRowView {
    pub profession: String,
    /// The line colour in the chart.
    pub color: String,
    pub own: Num,
    pub agency: Num,
    pub pct: Option<Num>,
    pub pct_prev: Option<Num>,
    pub pct_change: Option<Num>,
    pub light: Option<&'static str>,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct AgencyView {
    pub rows: Vec<AgencyRowView>,
    pub total: AgencyRowView,
    pub target: Option<Num>,
    pub chart: String,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct MeasureView {
    pub name: String,
    pub expected: Num,
    pub realized: Num,
    pub share: Option<Num>,
    pub light: Option<&'static str>,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct MeasuresView {
    pub rows: Vec<MeasureView>,
    pub total: MeasureView,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct ItemView {
    pub name: String,
    pub amount: Num,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct AdjustmentsView {
    pub rows: Vec<ItemView>,
    /// Item names in prose form.
    pub names: Vec<String>,
    pub total: Num,
    pub deviation: Num,
    pub adjusted: Num,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct KpiView {
    pub name: String,
    pub derived: bool,
    pub value: Num,
    pub prev: Num,
    pub change: Num,
    pub change_pct: Option<Num>,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct ReallocationView {
    pub counterpart: UnitRef,
    pub amount: Num,
    pub reference: String,
    pub description: String,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct FrameView {
    pub year: i32,
    pub frame: Num,
    pub reallocations: Vec<ReallocationView>,
    pub reallocated: Num,
    pub revised: Num,
    pub net_budget: Num,
    pub difference: Option<Num>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub(crate) struct SectionsView {
    pub personnel: Option<PersonnelView>,
    pub agency: Option<AgencyView>,
    pub measures: Option<MeasuresView>,
    pub adjustments: Option<AdjustmentsView>,
    pub activity: Option<Vec<KpiView>>,
    pub frame: Option<FrameView>,
}

/// One month of the series behind the charts.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct MonthRow {
    pub month: String,
    pub period: String,
    pub budget_acc: Num,
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
    pub year: i32,
    pub prev_year: i32,
    pub month_name: String,
    pub prev_month_name: Option<String>,
    pub money_unit: String,
    pub percent: String,
    pub decimals: u32,
    pub generated: String,
    pub unit: UnitRef,
    pub level: usize,
    pub parent: Option<UnitRef>,
    pub path: Vec<UnitRef>,
    pub key: KeyFigures,
    pub rows: Vec<RowView>,
    /// Categories with the largest negative deviations, worst first (prose form).
    pub largest: Vec<String>,
    /// Categories with a positive deviation, best first (prose form).
    pub positive: Vec<String>,
    pub children: Vec<ChildView>,
    pub charts: Charts,
    /// The accumulated series behind the charts, January to December.
    pub months: Vec<MonthRow>,
    pub sections: SectionsView,
    pub lights: Vec<Light>,
    pub deviation_light: Option<&'static str>,
    /// The controller's commentary by section key, as Markdown (each renderer turns it into
    /// its own format).
    #[serde(skip)]
    pub commentary: BTreeMap<String, String>,
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
}

/// The present stage: every view, formatted in the report's language. `commentary` and
/// `files` are by node index; `progress` is called once per finished view.
pub(crate) fn run(
    loaded: &crate::load::Loaded,
    computed: &crate::compute::Computed,
    files: &[String],
    commentary: &[Option<String>],
    lang: Lang,
    epoch: i64,
    progress: &(dyn Fn() + Sync),
) -> Presented {
    let config = &loaded.config;
    let tree = &loaded.tree;
    let presenter = Presenter {
        config,
        tree,
        figures: &computed.figures,
        sections: &computed.sections,
        files,
        generated: crate::clock::format_epoch(epoch),
        fmt: Format::new(config, lang),
    };
    let nodes: Vec<usize> = (0..tree.nodes.len()).collect();
    let views = crate::par::par_map(&nodes, |&node| {
        let view = presenter.report(node, commentary[node].as_deref());
        progress();
        view
    });
    Presented {
        views,
        index: presenter.index(),
        figures: figures::figures_json(&computed.figures, &computed.sections, tree),
        unit_label: presenter.fmt.unit_label(),
    }
}

/// One entry of the index page's tree.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct IndexEntry {
    pub unit: UnitRef,
    pub depth: usize,
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
    pub year: i32,
    pub month_name: String,
    pub money_unit: String,
    pub generated: String,
    pub entries: Vec<IndexEntry>,
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
    pub files: &'a [String],
    pub generated: String,
    pub fmt: Format,
}

impl Presenter<'_> {
    fn unit_ref(&self, node: usize) -> UnitRef {
        let n = &self.tree.nodes[node];
        UnitRef {
            code: n.code.clone(),
            name: n.name.clone(),
            href: format!("{}.html", self.files[node]),
        }
    }

    /// The deviation as a percentage of the accumulated cost budget, for its traffic light.
    fn deviation_light(&self, node: usize) -> Option<&'static str> {
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
        let key = KeyFigures {
            actual: fmt.num(f.acc.actual),
            budget: fmt.num(f.acc.budget),
            deviation: fmt.num(f.acc.deviation()),
            budget_year: fmt.num(f.budget_year),
            actual_prev_year: fmt.num(f.prev_year.actual),
            prev_month_deviation: f.prev_month.map(|p| fmt.num(p.deviation())),
            deviation_change: f.deviation_change().map(|c| fmt.num(c)),
            forecast: f.forecast.map(|x| fmt.num(x.deviation)),
            forecast_made: f.forecast.map(|x| month(x.made)),
            forecast_prev: f.forecast_prev.map(|x| fmt.num(x.deviation)),
            forecast_prev_made: f.forecast_prev.map(|x| month(x.made)),
            forecast_change: f.forecast_change().map(|c| fmt.num(c)),
        };
        let rows: Vec<RowView> = f
            .rows
            .iter()
            .filter(|r| r.kind == RowKind::Subtotal || !r.is_empty())
            .map(|r| RowView {
                name: r.name.clone(),
                subtotal: r.kind == RowKind::Subtotal,
                actual: fmt.num(r.acc.actual),
                budget: fmt.num(r.acc.budget),
                deviation: fmt.num(r.acc.deviation()),
                actual_prev_year: fmt.num(r.prev_year.actual),
                change_prev_year: fmt.num(r.acc.actual - r.prev_year.actual),
                budget_year: fmt.num(r.budget_year),
            })
            .collect();
        let mut cats: Vec<(&str, i64)> = f
            .rows
            .iter()
            .filter(|r| r.kind == RowKind::Category)
            .map(|r| (r.name.as_str(), r.acc.deviation()))
            .collect();
        cats.sort_by_key(|(n, d)| (*d, *n));
        let shown = |d: i64| fmt.num(d).sign != 0;
        let largest = cats
            .iter()
            .filter(|(_, d)| *d < 0 && shown(*d))
            .take(self.config.largest_deviations)
            .map(|(n, _)| prose_name(n))
            .collect();
        let positive = cats
            .iter()
            .rev()
            .filter(|(_, d)| *d > 0 && shown(*d))
            .take(self.config.largest_deviations)
            .map(|(n, _)| prose_name(n))
            .collect();
        let children = self.tree.nodes[node]
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
                    forecast: cf.forecast.map(|x| fmt.num(x.deviation)),
                    light: self.deviation_light(c),
                }
            })
            .collect();
        let path: Vec<UnitRef> = self
            .tree
            .path(node)
            .into_iter()
            .map(|n| self.unit_ref(n))
            .collect();
        let sections = self.sections_view(node);
        let deviation_light = self.deviation_light(node);
        let mut lights = Vec::new();
        if let Some(status) = deviation_light {
            lights.push(Light {
                label: "light_deviation".into(),
                detail: None,
                value: format!("{} {}", key.deviation.signed, fmt.unit_label()),
                status,
            });
        }
        if let Some(p) = &sections.personnel
            && let (Some(status), Some(v)) = (p.light, &p.sick_pct)
        {
            lights.push(Light {
                label: "light_sick".into(),
                detail: None,
                value: format!("{}{}", v.text, fmt.lang.percent),
                status,
            });
        }
        if let Some(a) = &sections.agency {
            for r in &a.rows {
                if let (Some(status), Some(v)) = (r.light, &r.pct) {
                    lights.push(Light {
                        label: "light_agency".into(),
                        detail: Some(r.profession.clone()),
                        value: format!("{}{}", v.text, fmt.lang.percent),
                        status,
                    });
                }
            }
        }
        if let Some(m) = &sections.measures
            && let (Some(status), Some(v)) = (m.total.light, &m.total.share)
        {
            lights.push(Light {
                label: "light_measures".into(),
                detail: None,
                value: format!("{}{}", v.text, fmt.lang.percent),
                status,
            });
        }
        ReportView {
            lang: self.config.language.clone(),
            organisation: self.tree.nodes[self.tree.root].name.clone(),
            period: period.to_string(),
            year: period.year(),
            prev_year: period.year() - 1,
            month_name: month(period),
            prev_month_name: (period.month() > 1).then(|| month(period.prev())),
            money_unit: fmt.unit_label(),
            percent: fmt.lang.percent.clone(),
            decimals: fmt.decimals,
            generated: self.generated.clone(),
            unit: self.unit_ref(node),
            level: self.tree.nodes[node].depth,
            parent: self.tree.nodes[node].parent.map(|p| self.unit_ref(p)),
            path,
            key,
            rows,
            largest,
            positive,
            children,
            charts: charts::draw_all(f, period, fmt),
            months: self.months(node),
            sections,
            lights,
            deviation_light,
            commentary: commentary.map(comments::split).unwrap_or_default(),
        }
    }

    fn months(&self, node: usize) -> Vec<MonthRow> {
        let f = &self.figures.units[node];
        let p = self.sections[node].personnel.as_ref();
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
                let pick = |v: Option<&Vec<Option<f64>>>| {
                    v.and_then(|v| v.get(i).copied().flatten())
                        .map(|x| self.fmt.fig(x, 1))
                };
                MonthRow {
                    month: self.fmt.lang.month_short(m.month.month()).to_string(),
                    period: m.month.to_string(),
                    budget_acc: self.fmt.num(b),
                    actual_acc: m.actual.map(|_| self.fmt.num(a)),
                    actual_prev_year_acc: self.fmt.num(l),
                    deviation: m.actual.map(|x| self.fmt.num(x - m.budget)),
                    sick_pct: pick(p.map(|p| &p.sick_by_month)),
                    sick_pct_prev_year: pick(p.map(|p| &p.sick_by_month_prev_year)),
                }
            })
            .collect()
    }

    fn sections_view(&self, node: usize) -> SectionsView {
        let s = &self.sections[node];
        let fmt = &self.fmt;
        let th = &self.config.thresholds;
        let f = &self.figures.units[node];
        let pct_change = |now: f64, prev: f64| {
            (prev != 0.0).then(|| fmt.fig(100.0 * (now - prev) / prev.abs(), 1))
        };
        let personnel = s.personnel.as_ref().map(|p| {
            let (now, prev) = (p.acc.sick_pct(), p.acc_prev_year.sick_pct());
            PersonnelView {
                sick_pct: now.map(|v| fmt.fig(v, 1)),
                sick_pct_prev: prev.map(|v| fmt.fig(v, 1)),
                sick_pct_change: match (now, prev) {
                    // The difference of the rounded figures, as a reader would compute it.
                    (Some(a), Some(b)) => Some(fmt.fig(round1(a) - round1(b), 1)),
                    _ => None,
                },
                sick_hours: fmt.fig(p.acc.sick, 0),
                sick_hours_prev: fmt.fig(p.acc_prev_year.sick, 0),
                sick_hours_change: fmt.fig(p.acc.sick - p.acc_prev_year.sick, 0),
                fte: fmt.fig(p.fte, 0),
                fte_prev: fmt.fig(p.fte_prev_year, 0),
                fte_change: fmt.fig(p.fte - p.fte_prev_year, 0),
                employees: p.employees.map(|e| fmt.fig(e, 0)),
                employees_prev: p.employees_prev_year.map(|e| fmt.fig(e, 0)),
                employees_change: match (p.employees, p.employees_prev_year) {
                    (Some(a), Some(b)) => Some(fmt.fig(a - b, 0)),
                    _ => None,
                },
                light: match (now, th.sick_leave.as_ref()) {
                    (Some(v), Some(l)) => Some(light(v, l)),
                    _ => None,
                },
                chart: charts::sick_leave(p, self.figures.period, fmt),
            }
        });
        let agency = s.agency.as_ref().map(|rows| {
            let row = |r: &sections::AgencyRow| {
                let (now, prev) = (r.pct(), r.pct_prev_year());
                AgencyRowView {
                    profession: r.profession.clone(),
                    color: String::new(),
                    own: fmt.num(r.own),
                    agency: fmt.num(r.agency),
                    pct: now.map(|v| fmt.fig(v, 2)),
                    pct_prev: prev.map(|v| fmt.fig(v, 2)),
                    pct_change: match (now, prev) {
                        (Some(a), Some(b)) => Some(fmt.fig(a - b, 2)),
                        _ => None,
                    },
                    light: match (now, th.agency.as_ref()) {
                        (Some(v), Some(l)) => Some(light(v, l)),
                        _ => None,
                    },
                }
            };
            let total = sections::AgencyRow {
                profession: fmt.lang.label("total").to_string(),
                ..sections::agency_total(rows)
            };
            AgencyView {
                rows: rows
                    .iter()
                    .enumerate()
                    .map(|(i, r)| AgencyRowView {
                        color: charts::series_color(i),
                        ..row(r)
                    })
                    .collect(),
                total: row(&total),
                target: th.agency.map(|l| fmt.fig(l.yellow, 2)),
                chart: charts::agency(rows, th.agency.map(|l| l.yellow), fmt),
            }
        });
        let measures = s.measures.as_ref().map(|rows| {
            let view = |name: String, e: i64, r: i64| {
                let share = sections::ratio_pct(r, e);
                MeasureView {
                    name,
                    expected: fmt.num(e),
                    realized: fmt.num(r),
                    share: share.map(|v| fmt.fig(v, 0)),
                    light: match (share, th.measures.as_ref()) {
                        (Some(v), Some(l)) => Some(light(v, l)),
                        _ => None,
                    },
                }
            };
            let (e, r) = sections::measures_total(rows);
            MeasuresView {
                rows: rows
                    .iter()
                    .map(|m| view(m.name.clone(), m.expected, m.realized))
                    .collect(),
                total: view(fmt.lang.label("total").to_string(), e, r),
            }
        });
        let adjustments = s.adjustments.as_ref().map(|rows| {
            let total = sections::items_total(rows);
            AdjustmentsView {
                rows: rows
                    .iter()
                    .map(|r| ItemView {
                        name: r.name.clone(),
                        amount: fmt.num(r.amount),
                    })
                    .collect(),
                names: rows.iter().map(|r| prose_name(&r.name)).collect(),
                total: fmt.num(total),
                deviation: fmt.num(f.acc.deviation()),
                adjusted: fmt.num(f.acc.deviation() + total),
            }
        });
        let activity = s.activity.as_ref().map(|rows| {
            rows.iter()
                .map(|k| KpiView {
                    name: k.name.clone(),
                    derived: k.derived,
                    value: fmt.fig(k.value, k.decimals),
                    prev: fmt.fig(k.prev_year, k.decimals),
                    change: fmt.fig(k.value - k.prev_year, k.decimals),
                    change_pct: pct_change(k.value, k.prev_year),
                })
                .collect()
        });
        let frame = s.frame.as_ref().map(|fr| {
            let reallocated = fr.reallocated();
            FrameView {
                year: fr.year,
                frame: fmt.num(fr.frame),
                reallocations: fr
                    .reallocations
                    .iter()
                    .map(|r| ReallocationView {
                        counterpart: match self.tree.get(&r.counterpart) {
                            Some(n) => self.unit_ref(n),
                            None => UnitRef {
                                code: r.counterpart.clone(),
                                name: r.counterpart.clone(),
                                href: String::new(),
                            },
                        },
                        amount: fmt.num(r.amount),
                        reference: r.reference.clone(),
                        description: r.description.clone(),
                    })
                    .collect(),
                reallocated: fmt.num(reallocated),
                revised: fmt.num(fr.revised),
                net_budget: fmt.num(fr.net_budget),
                difference: (fr.net_budget != fr.revised)
                    .then(|| fmt.num(fr.net_budget - fr.revised)),
            }
        });
        SectionsView {
            personnel,
            agency,
            measures,
            adjustments,
            activity,
            frame,
        }
    }

    pub(crate) fn index(&self) -> IndexView {
        let period = self.figures.period;
        IndexView {
            lang: self.config.language.clone(),
            organisation: self.tree.nodes[self.tree.root].name.clone(),
            period: period.to_string(),
            year: period.year(),
            month_name: self.fmt.month(period),
            money_unit: self.fmt.unit_label(),
            generated: self.generated.clone(),
            entries: self
                .tree
                .order
                .iter()
                .map(|&n| {
                    let f = &self.figures.units[n];
                    IndexEntry {
                        unit: self.unit_ref(n),
                        depth: self.tree.nodes[n].depth,
                        deviation: self.fmt.num(f.acc.deviation()),
                        forecast: f.forecast.map(|x| self.fmt.num(x.deviation)),
                        leaf: self.tree.is_leaf(n),
                        light: self.deviation_light(n),
                    }
                })
                .collect(),
        }
    }
}

fn round1(v: f64) -> f64 {
    (v * 10.0).round() / 10.0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fmt() -> Format {
        Format {
            style: NumberStyle::SWEDISH,
            unit: MoneyUnit::Mkr,
            decimals: 1,
            lang: Lang::parse(include_str!("../../templates/lang/sv.yaml"), "sv.yaml").unwrap(),
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
            (n.text.as_str(), n.signed.as_str(), n.abs.as_str(), n.sign),
            ("-119,3", "-119,3", "119,3", -1)
        );
        let p = f.num(360_000_000);
        assert_eq!((p.signed.as_str(), p.sign), ("+3,6", 1));
        let z = f.num(-4_000_000);
        assert_eq!((z.signed.as_str(), z.sign), ("0,0", 0));
        assert_eq!(n.value, "-119300000.00");
        assert_eq!(f.fig(15.2345, 2).text, "15,23");
        assert_eq!(f.fig(-51076.0, 0).abs, "51\u{a0}076");
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
