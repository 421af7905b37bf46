//! Charts as inline SVG, drawn with plotters: the accumulated result month by month, the
//! monthly deviation, and the deviation by category. Coordinates are f64 in the report's
//! money unit (drawing only; every printed figure comes from exact öre).

use plotters::coord::Shift;
use plotters::coord::types::{RangedCoordf64, RangedCoordi32};
use plotters::prelude::*;

use super::chart_words::{self, Chart};
use super::{Charts, Format};
use crate::compute::explain::{Accuracy, Bridge};
use crate::compute::sections;
use crate::compute::{RowKind, UnitFigures};
use crate::model::money::MoneyUnit;
use crate::model::period::Month;

const W: u32 = 680;
const H: u32 = 300;
const FONT: &str = "Helvetica, Arial, sans-serif";
const BLUE: RGBColor = RGBColor(0, 84, 147);
const GREY: RGBColor = RGBColor(120, 120, 120);
const LIGHT: RGBColor = RGBColor(128, 128, 128);
const ORANGE: RGBColor = RGBColor(217, 119, 6);
const RED: RGBColor = RGBColor(185, 28, 28);
const GREEN: RGBColor = RGBColor(21, 128, 61);
const PURPLE: RGBColor = RGBColor(88, 28, 135);
const GRID: RGBColor = RGBColor(225, 225, 225);
const NONE: RGBAColor = RGBAColor(255, 255, 255, 0.0);

/// A chart from its picture and its words.
fn chart(svg: String, (alt, table): (String, chart_words::DataTable)) -> Chart {
    Chart { svg, alt, table }
}

/// The report's charts. Without a budget (`budget` false) the accumulated result shows the
/// outcome this year and last, and the bar charts show the change against the same period
/// last year instead of the deviation from budget.
pub(crate) fn draw_all(f: &UnitFigures, period: Month, fmt: &Format, budget: bool) -> Charts {
    Charts {
        result: chart(
            svg(W, H, |a| result_chart(a, f, period, fmt, budget)),
            chart_words::result(f, period, fmt, budget),
        ),
        monthly: chart(
            svg(W, H, |a| monthly_chart(a, f, period, fmt, budget)),
            chart_words::monthly(f, period, fmt, budget),
        ),
        categories: {
            let n = f
                .rows
                .iter()
                .filter(|r| r.kind == RowKind::Category && !r.is_empty())
                .count() as u32;
            chart(
                svg(W, 70 + 26 * n.max(1), |a| category_chart(a, f, fmt, budget)),
                chart_words::categories(f, period, fmt, budget),
            )
        },
    }
}

type Area<'a> = DrawingArea<SVGBackend<'a>, Shift>;
type DrawResult = Result<(), Box<dyn std::error::Error>>;
type MonthChart<'a, 'b> =
    ChartContext<'a, SVGBackend<'b>, Cartesian2d<RangedCoordi32, RangedCoordf64>>;

/// The words of a caption by what the chart compares with: the budget, else last year, else
/// nothing (the outcome alone).
fn compared<'a>(
    fmt: &'a Format,
    budget: bool,
    [with_budget, last_year, alone]: [&'a str; 3],
) -> &'a str {
    fmt.lang.label(match () {
        _ if budget => with_budget,
        _ if fmt.last_year => last_year,
        _ => alone,
    })
}

/// A chart's frame: its caption, margins and label areas (`y_area` pixels wide for the
/// vertical axis' labels).
fn frame<'a, 'b>(
    area: &'a Area<'b>,
    caption: &str,
    y_area: u32,
) -> ChartBuilder<'a, 'a, SVGBackend<'b>> {
    let mut b = ChartBuilder::on(area);
    b.caption(caption, (FONT, 15).into_font().color(&BLACK))
        .margin(12)
        .x_label_area_size(28)
        .y_label_area_size(y_area);
    b
}

/// The vertical axis of a chart over the months: its span, how many labels and their
/// decimals, and the width of its label area.
struct YAxis {
    lo: f64,
    hi: f64,
    labels: usize,
    dec: u32,
    width: u32,
}

impl YAxis {
    /// An axis of amounts over `(lo, hi)`, decimals as the span needs.
    fn money((lo, hi): (f64, f64), labels: usize) -> YAxis {
        YAxis {
            lo,
            hi,
            labels,
            dec: axis_decimals(lo, hi),
            width: 64,
        }
    }
}

/// A chart over the months of the year, from month `first` (0: the start of the year) to 12,
/// each month named on the axis; its caption and grid drawn.
fn month_axes<'a, 'b>(
    area: &'a Area<'b>,
    caption: &str,
    first: i32,
    y: YAxis,
    fmt: &Format,
) -> Result<MonthChart<'a, 'b>, Box<dyn std::error::Error>> {
    let mut chart = frame(area, caption, y.width).build_cartesian_2d(first..12i32, y.lo..y.hi)?;
    chart
        .configure_mesh()
        .x_labels((13 - first) as usize)
        .x_label_formatter(&|x| month_label(fmt, x))
        .y_labels(y.labels)
        .y_label_formatter(&|v| fmt.style.float(*v, y.dec))
        .light_line_style(NONE)
        .bold_line_style(GRID)
        .label_style((FONT, 13))
        .draw()?;
    Ok(chart)
}

fn svg(w: u32, h: u32, draw: impl FnOnce(&Area<'_>) -> DrawResult) -> String {
    let mut buf = String::new();
    {
        let area = SVGBackend::with_string(&mut buf, (w, h)).into_drawing_area();
        let ok = area.fill(&WHITE).is_ok() && draw(&area).is_ok() && area.present().is_ok();
        if !ok {
            drop(area);
            return String::new();
        }
    }
    // Scale with the page: keep the viewBox, let CSS set the size. The picture itself is
    // hidden from assistive technology; the templates give it its text alternative.
    buf.replacen(
        &format!("width=\"{w}\" height=\"{h}\""),
        &format!("width=\"100%\" preserveAspectRatio=\"xMidYMid meet\" aria-hidden=\"true\" focusable=\"false\" style=\"max-width:{w}px\""),
        1,
    )
}

/// The largest coordinate an axis spans, either way: far beyond any real figure, and small
/// enough that the axis arithmetic stays finite. Values that are not finite are left out.
const MAX_COORD: f64 = 1e15;

fn range_with_zero(values: impl Iterator<Item = f64>) -> (f64, f64) {
    let (mut lo, mut hi) = (0.0f64, 0.0f64);
    for v in values.filter(|v| v.is_finite()) {
        let v = v.clamp(-MAX_COORD, MAX_COORD);
        lo = lo.min(v);
        hi = hi.max(v);
    }
    if (hi - lo).abs() < 1e-9 {
        hi = lo + 1.0;
    }
    let pad = (hi - lo) * 0.08;
    (
        lo - if lo < 0.0 { pad } else { 0.0 },
        hi + if hi > 0.0 { pad } else { 0.0 },
    )
}

fn axis_decimals(lo: f64, hi: f64) -> u32 {
    if hi - lo >= 20.0 {
        0
    } else if hi - lo >= 2.0 {
        1
    } else {
        2
    }
}

fn month_label(fmt: &Format, x: &i32) -> String {
    if (1..=12).contains(x) {
        fmt.lang
            .month_short(fmt.nth_month(*x as usize - 1))
            .to_string()
    } else {
        String::new()
    }
}

fn result_chart(
    area: &Area<'_>,
    f: &UnitFigures,
    period: Month,
    fmt: &Format,
    with_budget: bool,
) -> DrawResult {
    let m = period.months_into_year(fmt.year_start) as usize;
    let mut budget = Vec::new();
    let mut last = Vec::new();
    let mut this = Vec::new();
    let (mut b, mut l, mut t) = (0i64, 0i64, 0i64);
    for (i, mf) in f.months.iter().enumerate() {
        b += mf.budget;
        l += mf.actual_prev_year;
        if with_budget {
            budget.push((i as i32 + 1, fmt.coord(b)));
        }
        if fmt.last_year {
            last.push((i as i32 + 1, fmt.coord(l)));
        }
        if let Some(a) = mf.actual {
            t += a;
            this.push((i as i32 + 1, fmt.coord(t)));
        }
    }
    // The forecast's end point is the full-year budget plus the forecast deviation.
    let forecast_end = f
        .forecast
        .filter(|_| with_budget)
        .map(|fc| fmt.coord(f.budget_year + fc.deviation));
    // Beside it, the year-end result if the deviation grows at the pace so far.
    let run_rate_end = forecast_end.and(f.run_rate_end(m).map(|e| fmt.coord(e)));
    let all = budget
        .iter()
        .chain(&last)
        .chain(&this)
        .map(|p| p.1)
        .chain(forecast_end)
        .chain(run_rate_end);
    let caption = format!("{}, {}", fmt.lang.label("chart_result"), fmt.unit_label());
    let mut chart = month_axes(
        area,
        &caption,
        1,
        YAxis::money(range_with_zero(all), 8),
        fmt,
    )?;
    chart.draw_series(LineSeries::new(
        [(1, 0.0), (12, 0.0)],
        BLACK.stroke_width(1),
    ))?;
    chart.draw_series(LineSeries::new(budget, GREY.stroke_width(2)))?;
    if fmt.last_year {
        chart.draw_series(DashedLineSeries::new(last, 5, 4, LIGHT.stroke_width(2)))?;
    }
    let last_point = this.last().copied();
    chart.draw_series(LineSeries::new(this.clone(), BLUE.stroke_width(3)))?;
    chart.draw_series(this.iter().map(|p| Circle::new(*p, 3, BLUE.filled())))?;
    if let (Some(end), Some(start)) = (forecast_end, last_point)
        && m < 12
    {
        chart.draw_series(DashedLineSeries::new(
            [start, (12, end)],
            6,
            4,
            ORANGE.stroke_width(2),
        ))?;
        chart.draw_series([Circle::new((12, end), 4, ORANGE.filled())])?;
        if let Some(run) = run_rate_end {
            chart.draw_series(DashedLineSeries::new(
                [start, (12, run)],
                2,
                3,
                PURPLE.stroke_width(2),
            ))?;
            chart.draw_series([TriangleMarker::new((12, run), 5, PURPLE.filled())])?;
        }
    }
    Ok(())
}

/// The monthly deviation from budget, or without a budget (`budget` false) the change against
/// the same month last year.
fn monthly_chart(
    area: &Area<'_>,
    f: &UnitFigures,
    period: Month,
    fmt: &Format,
    budget: bool,
) -> DrawResult {
    let devs: Vec<(i32, f64)> = f
        .months
        .iter()
        .enumerate()
        .filter_map(|(i, mf)| {
            let base = if budget {
                mf.budget
            } else {
                mf.actual_prev_year
            };
            mf.actual.map(|a| (i as i32 + 1, fmt.coord(a - base)))
        })
        .collect();
    let (lo, hi) = range_with_zero(devs.iter().map(|d| d.1));
    let dec = axis_decimals(lo, hi);
    let caption = format!(
        "{} {}, {}",
        compared(
            fmt,
            budget,
            [
                "chart_monthly",
                "chart_monthly_change",
                "chart_monthly_actual"
            ]
        ),
        fmt.year_label(period),
        fmt.unit_label()
    );
    let mut chart =
        frame(area, &caption, 64).build_cartesian_2d((1i32..12i32).into_segmented(), lo..hi)?;
    chart
        .configure_mesh()
        .disable_x_mesh()
        .x_labels(12)
        .x_label_formatter(&|x| match x {
            SegmentValue::CenterOf(v) | SegmentValue::Exact(v) => month_label(fmt, v),
            SegmentValue::Last => String::new(),
        })
        .y_labels(8)
        .y_label_formatter(&|y| fmt.style.float(*y, dec))
        .light_line_style(NONE)
        .bold_line_style(GRID)
        .label_style((FONT, 13))
        .draw()?;
    chart.draw_series(devs.iter().map(|(x, d)| {
        deviation_bar(
            [
                (SegmentValue::Exact(*x), 0.0),
                (SegmentValue::Exact(*x + 1), *d),
            ],
            *d,
            (0, 0, 8, 8),
            !budget && !fmt.last_year,
        )
    }))?;
    chart.draw_series(LineSeries::new(
        [(SegmentValue::Exact(1), 0.0), (SegmentValue::Last, 0.0)],
        BLACK.stroke_width(1),
    ))?;
    Ok(())
}

/// The accumulated deviation per category, or without a budget (`budget` false) the change
/// against the same period last year.
fn category_chart(area: &Area<'_>, f: &UnitFigures, fmt: &Format, budget: bool) -> DrawResult {
    let cats: Vec<(&str, f64)> = f
        .rows
        .iter()
        .filter(|r| r.kind == RowKind::Category && !r.is_empty())
        .map(|r| {
            let d = if budget {
                r.acc.deviation()
            } else {
                r.acc.actual - r.prev_year.actual
            };
            (r.name.as_str(), fmt.coord(d))
        })
        .collect();
    let n = cats.len().max(1) as i32;
    let (lo, hi) = range_with_zero(cats.iter().map(|c| c.1));
    let dec = axis_decimals(lo, hi);
    let longest = cats.iter().map(|c| c.0.chars().count()).max().unwrap_or(10) as u32;
    let caption = format!(
        "{}, {}",
        compared(
            fmt,
            budget,
            [
                "chart_categories",
                "chart_categories_change",
                "chart_categories_actual"
            ]
        ),
        fmt.unit_label()
    );
    let mut chart = frame(area, &caption, (longest * 7 + 16).min(300))
        .build_cartesian_2d(lo..hi, (0i32..n - 1).into_segmented())?;
    chart
        .configure_mesh()
        .disable_y_mesh()
        .y_labels(cats.len() + 1)
        .y_label_formatter(&|y| match y {
            SegmentValue::CenterOf(v) | SegmentValue::Exact(v) => cats
                .get((n - 1 - *v) as usize)
                .map(|c| c.0.to_string())
                .unwrap_or_default(),
            SegmentValue::Last => String::new(),
        })
        .x_labels(8)
        .x_label_formatter(&|x| fmt.style.float(*x, dec))
        .light_line_style(NONE)
        .bold_line_style(GRID)
        .label_style((FONT, 13))
        .draw()?;
    chart.draw_series(cats.iter().enumerate().map(|(i, (_, d))| {
        let y = n - 1 - i as i32;
        deviation_bar(
            [
                (0.0, SegmentValue::Exact(y)),
                (*d, SegmentValue::Exact(y + 1)),
            ],
            *d,
            (4, 4, 0, 0),
            !budget && !fmt.last_year,
        )
    }))?;
    Ok(())
}

/// The bridge (waterfall) from the previous month's accumulated deviation to this month's:
/// the two deviations as bars from zero, and between them one floating bar per category
/// (at most `keep`, the rest as one bar), red for a change for the worse, green for the better.
pub(crate) fn bridge(b: &Bridge, period: Month, fmt: &Format, keep: usize) -> Chart {
    let bars = chart_words::bridge_bars(b, fmt, keep, fmt.lang.label("bridge_other"));
    let n = bars.len() as u32 + 2;
    chart(
        svg(W, 70 + 26 * n, |a| bridge_chart(a, b, &bars, period, fmt)),
        chart_words::bridge(b, &bars, period, fmt),
    )
}

fn bridge_chart(
    area: &Area<'_>,
    b: &Bridge,
    bars: &[(String, i64)],
    period: Month,
    fmt: &Format,
) -> DrawResult {
    let at = |m: Month| format!("{} {}", fmt.lang.label("bridge_at"), fmt.month(m));
    // (label, start, end, colour) in öre.
    let mut steps: Vec<(String, i64, i64, RGBColor)> = vec![(at(period.prev()), 0, b.from, BLUE)];
    let mut running = b.from;
    for (name, d) in bars {
        let color = if *d < 0 { RED } else { GREEN };
        steps.push((name.clone(), running, running + d, color));
        running += d;
    }
    steps.push((at(period), 0, b.to, BLUE));
    let n = steps.len() as i32;
    // Every bar's ends and zero: the two deviations' bars stand on the zero line, so that
    // their lengths are the figures they show.
    let ends: Vec<i64> = steps.iter().flat_map(|s| [s.1, s.2]).collect();
    let scale = BridgeScale::new(&ends, fmt);
    let fmt = &scale.fmt;
    let longest = steps
        .iter()
        .map(|s| s.0.chars().count())
        .max()
        .unwrap_or(10) as u32;
    let caption = format!(
        "{} {} {}, {}",
        fmt.lang.label("chart_bridge"),
        fmt.lang.label("since"),
        fmt.month(period.prev()),
        fmt.unit_label()
    );
    let mut chart = frame(area, &caption, (longest * 7 + 16).min(300))
        .build_cartesian_2d(scale.lo..scale.hi, (0i32..n - 1).into_segmented())?;
    chart
        .configure_mesh()
        .disable_y_mesh()
        .y_labels(steps.len() + 1)
        .y_label_formatter(&|y| match y {
            SegmentValue::CenterOf(v) | SegmentValue::Exact(v) => steps
                .get((n - 1 - *v) as usize)
                .map(|s| s.0.clone())
                .unwrap_or_default(),
            SegmentValue::Last => String::new(),
        })
        .x_labels(scale.ticks)
        .x_label_formatter(&|x| fmt.style.float(*x, scale.decimals))
        .light_line_style(NONE)
        .bold_line_style(GRID)
        .label_style((FONT, 13))
        .draw()?;
    chart.draw_series(steps.iter().enumerate().map(|(i, (_, a, z, color))| {
        let y = n - 1 - i as i32;
        let mut r = Rectangle::new(
            [
                (fmt.coord(*a), SegmentValue::Exact(y)),
                (fmt.coord(*z), SegmentValue::Exact(y + 1)),
            ],
            color.filled(),
        );
        r.set_margin(4, 4, 0, 0);
        r
    }))?;
    chart.draw_series(LineSeries::new(
        [(0.0, SegmentValue::Exact(0)), (0.0, SegmentValue::Last)],
        BLACK.stroke_width(1),
    ))?;
    Ok(())
}

/// The bridge's value axis: zero and every bar's ends, ticks a step of 1, 2 or 5 times a power
/// of ten apart (about six of them), labelled in the report's money unit, or in a smaller one
/// (tkr, kr) when the step needs more decimals than the report shows and the labels would
/// repeat ("0,04 0,04 0,05").
struct BridgeScale {
    /// The report's format with the axis' money unit.
    fmt: Format,
    lo: f64,
    hi: f64,
    /// How many ticks (plotters picks the same step when asked for this many).
    ticks: usize,
    decimals: u32,
}

impl BridgeScale {
    fn new(ends: &[i64], report: &Format) -> BridgeScale {
        let lo_ore = ends.iter().copied().chain([0]).min().unwrap_or(0);
        let hi_ore = ends.iter().copied().chain([0]).max().unwrap_or(0);
        let in_unit = |unit: MoneyUnit| {
            let fmt = Format {
                unit,
                ..report.clone()
            };
            let (lo, hi) = (fmt.coord(lo_ore), fmt.coord(hi_ore));
            let step = nice_step((hi - lo).max(1e-9) / 6.0);
            let (lo, hi) = (
                (lo / step + 1e-9).floor() * step,
                (hi / step - 1e-9).ceil() * step,
            );
            let hi = if hi - lo < step / 2.0 { lo + step } else { hi };
            BridgeScale {
                ticks: ((hi - lo) / step).round() as usize + 1,
                fmt,
                lo,
                hi,
                decimals: step_decimals(step),
            }
        };
        // Mkr and tkr show the report's decimals at most; kr shows öre.
        let fits = |s: &BridgeScale| {
            s.decimals <= report.decimals || (s.fmt.unit == MoneyUnit::Kr && s.decimals <= 2)
        };
        let smaller = match report.unit {
            MoneyUnit::Mkr => &[MoneyUnit::Mkr, MoneyUnit::Tkr, MoneyUnit::Kr][..],
            MoneyUnit::Tkr => &[MoneyUnit::Tkr, MoneyUnit::Kr][..],
            MoneyUnit::Kr => &[MoneyUnit::Kr][..],
        };
        smaller
            .iter()
            .map(|u| in_unit(*u))
            .find(fits)
            .unwrap_or_else(|| in_unit(MoneyUnit::Kr))
    }
}

/// The smallest of 1, 2 and 5 times a power of ten at least `raw`.
fn nice_step(raw: f64) -> f64 {
    let raw = raw.clamp(1e-6, MAX_COORD);
    let power = 10f64.powf(raw.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * power)
        .find(|s| *s >= raw * (1.0 - 1e-9))
        .unwrap_or(10.0 * power)
}

/// The decimals that tell the ticks of a step apart: 0 for 1 and up, 1 for 0,1–0,5, ….
fn step_decimals(step: f64) -> u32 {
    if step >= 1.0 {
        0
    } else {
        (-(step.log10()) - 1e-9).ceil().max(0.0) as u32
    }
}

/// Last year's forecasts (orange points, by the month each was made) against the year's final
/// deviation (a blue line).
pub(crate) fn accuracy(a: &Accuracy, fmt: &Format) -> Chart {
    chart(
        svg(W, 240, |area| accuracy_chart(area, a, fmt)),
        chart_words::accuracy(a, fmt),
    )
}

fn accuracy_chart(area: &Area<'_>, a: &Accuracy, fmt: &Format) -> DrawResult {
    let points: Vec<(i32, f64)> = a
        .forecasts
        .iter()
        .map(|(f, _)| {
            (
                f.made.months_into_year(fmt.year_start) as i32,
                fmt.coord(f.deviation),
            )
        })
        .collect();
    let outcome = fmt.coord(a.outcome);
    let caption = format!(
        "{} {}, {}",
        fmt.lang.label("chart_accuracy"),
        fmt.year_label(a.start),
        fmt.unit_label()
    );
    let span = range_with_zero(points.iter().map(|p| p.1).chain([outcome]));
    let mut chart = month_axes(area, &caption, 1, YAxis::money(span, 6), fmt)?;
    chart.draw_series(LineSeries::new(
        [(1, 0.0), (12, 0.0)],
        BLACK.stroke_width(1),
    ))?;
    chart.draw_series(LineSeries::new(
        [(1, outcome), (12, outcome)],
        BLUE.stroke_width(3),
    ))?;
    chart.draw_series(DashedLineSeries::new(
        points.clone(),
        6,
        4,
        ORANGE.stroke_width(2),
    ))?;
    chart.draw_series(points.iter().map(|p| Circle::new(*p, 4, ORANGE.filled())))?;
    Ok(())
}

/// One deviation bar between two corners: red when the deviation is negative, else green;
/// blue when the bar is a plain outcome (`neutral`: no budget and no last year to compare
/// with). `margin` is top, bottom, left, right in pixels.
fn deviation_bar<C>(
    corners: [C; 2],
    deviation: f64,
    margin: (u32, u32, u32, u32),
    neutral: bool,
) -> Rectangle<C> {
    let color = match () {
        _ if neutral => BLUE,
        _ if deviation < 0.0 => RED,
        _ => GREEN,
    };
    let mut r = Rectangle::new(corners, color.filled());
    r.set_margin(margin.0, margin.1, margin.2, margin.3);
    r
}

const PALETTE: [RGBColor; 6] = [
    BLUE,
    ORANGE,
    PURPLE,
    RGBColor(13, 148, 136),
    RGBColor(190, 24, 93),
    GREY,
];

/// The colour of the n-th series in the personnel and hired-staff charts (also used by the
/// templates' legends).
pub(crate) fn series_color(n: usize) -> String {
    let c = PALETTE[n % PALETTE.len()];
    format!("#{:02x}{:02x}{:02x}", c.0, c.1, c.2)
}

fn percent_chart(
    area: &Area<'_>,
    caption: &str,
    series: &[(Vec<(i32, f64)>, bool)],
    target: Option<f64>,
    fmt: &Format,
) -> DrawResult {
    let values = series
        .iter()
        .flat_map(|s| s.0.iter().map(|p| p.1))
        .chain(target);
    let (_, hi) = range_with_zero(values);
    let y = YAxis {
        lo: 0.0,
        hi,
        labels: 8,
        dec: if hi >= 10.0 { 0 } else { 1 },
        width: 56,
    };
    let mut chart = month_axes(area, caption, 1, y, fmt)?;
    if let Some(t) = target {
        chart.draw_series(DashedLineSeries::new(
            [(1, t), (12, t)],
            8,
            4,
            RED.stroke_width(2),
        ))?;
    }
    for (i, (points, dashed)) in series.iter().enumerate() {
        let color = PALETTE[i % PALETTE.len()];
        if *dashed {
            chart.draw_series(DashedLineSeries::new(
                points.clone(),
                5,
                4,
                LIGHT.stroke_width(2),
            ))?;
        } else {
            chart.draw_series(LineSeries::new(points.clone(), color.stroke_width(3)))?;
            chart.draw_series(points.iter().map(|p| Circle::new(*p, 3, color.filled())))?;
        }
    }
    Ok(())
}

fn points(values: &[Option<f64>]) -> Vec<(i32, f64)> {
    values
        .iter()
        .enumerate()
        .filter_map(|(i, v)| v.filter(|v| v.is_finite()).map(|v| (i as i32 + 1, v)))
        .collect()
}

/// Sick leave % per month: this year (solid) against last year (dashed).
pub(crate) fn sick_leave(
    this_year: &[Option<f64>],
    last_year: &[Option<f64>],
    period: Month,
    fmt: &Format,
) -> Chart {
    let series = [(points(this_year), false), (points(last_year), true)];
    chart(
        svg(W, 260, |a| {
            percent_chart(a, fmt.lang.label("chart_sick"), &series, None, fmt)
        }),
        chart_words::sick_leave(this_year, last_year, period, fmt),
    )
}

/// The accumulated hired-staff ratio month by month, one line per profession (its name and
/// its ratio at the end of each month), and the target.
pub(crate) fn agency(
    rows: &[(&str, &[Option<f64>])],
    target: Option<f64>,
    period: Month,
    fmt: &Format,
) -> Chart {
    let series: Vec<(Vec<(i32, f64)>, bool)> = rows.iter().map(|r| (points(r.1), false)).collect();
    chart(
        svg(W, 260, |a| {
            percent_chart(a, fmt.lang.label("chart_agency"), &series, target, fmt)
        }),
        chart_words::agency(rows, target, period, fmt),
    )
}

/// The investments' accumulated outcome (solid) against an even spread of the full-year
/// budget (grey).
pub(crate) fn investments(monthly: &[i64], budget: i64, period: Month, fmt: &Format) -> Chart {
    let mut acc = 0i64;
    let actual: Vec<(i32, f64)> = monthly
        .iter()
        .enumerate()
        .map(|(i, a)| {
            acc += a;
            (i as i32 + 1, fmt.coord(acc))
        })
        .collect();
    let spread: Vec<(i32, f64)> = (0..=12i32)
        .map(|k| (k, fmt.coord(sections::budget_spread(budget, k as usize))))
        .collect();
    chart(
        svg(W, 260, |area| {
            let values = actual.iter().chain(&spread).map(|p| p.1);
            let caption = format!(
                "{}, {}",
                fmt.lang.label("chart_investments"),
                fmt.unit_label()
            );
            let y = YAxis::money(range_with_zero(values), 8);
            let mut c = month_axes(area, &caption, 0, y, fmt)?;
            c.draw_series(LineSeries::new(spread.clone(), GREY.stroke_width(2)))?;
            let line = std::iter::once((0, 0.0)).chain(actual.iter().copied());
            c.draw_series(LineSeries::new(line, BLUE.stroke_width(3)))?;
            c.draw_series(actual.iter().map(|p| Circle::new(*p, 3, BLUE.filled())))?;
            Ok(())
        }),
        chart_words::investments(monthly, budget, period, fmt),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::present::tests::fmt;

    #[test]
    fn axes_leave_out_values_that_are_not_finite() {
        let values = [1.0, f64::INFINITY, f64::NAN, -2.0, f64::NEG_INFINITY];
        let (lo, hi) = range_with_zero(values.into_iter());
        assert!(lo.is_finite() && hi.is_finite() && lo < -2.0 && hi > 1.0);
        let (lo, hi) = range_with_zero([f64::MAX, -f64::MAX].into_iter());
        assert!((hi - lo).is_finite());
    }

    /// The bridge keeps the largest changes in report order and sums the rest, small ones
    /// included, as one bar when the sum shows.
    #[test]
    fn bridge_bars_group_the_rest() {
        let b = Bridge {
            from: 0,
            to: -603_000_000,
            by_category: vec![
                ("A".into(), -700_000_000),
                ("B".into(), 300_000_000),
                ("C".into(), -200_000_000),
                ("D".into(), -1_000_000),
                ("E".into(), -2_000_000),
            ],
            by_child: vec![],
        };
        let names = |keep| {
            chart_words::bridge_bars(&b, &fmt(), keep, "Övrigt")
                .into_iter()
                .map(|(n, d)| format!("{n} {d}"))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            names(2),
            ["A -700000000", "B 300000000", "Övrigt -203000000"]
        );
        assert_eq!(names(3), ["A -700000000", "B 300000000", "C -200000000"]);
        let chart = bridge(&b, Month::new(2020, 9).unwrap(), &fmt(), 2);
        assert!(chart.svg.starts_with("<svg"));
        assert_eq!(
            chart.alt,
            "Avvikelsens förändring sedan augusti, Mkr. Avvikelse ack augusti 0,0, avvikelse ack september -6,0, störst förändring A -7,0."
        );
    }

    /// The bridge's axis: zero and every bar's ends within it, ticks a 1-2-5 step apart whose
    /// labels are distinct; a smaller money unit when the report's would repeat them.
    #[test]
    fn bridge_ticks_are_distinct_and_switch_unit() {
        let labels = |s: &BridgeScale| -> Vec<String> {
            let step = (s.hi - s.lo) / (s.ticks - 1) as f64;
            (0..s.ticks)
                .map(|i| s.fmt.style.float(s.lo + step * i as f64, s.decimals))
                .collect()
        };
        // -118,3 Mkr → -120 to 0 in steps of 20, in Mkr.
        let big = BridgeScale::new(&[0, -10_340_000_000, -11_830_000_000], &fmt());
        assert_eq!(big.fmt.unit, MoneyUnit::Mkr);
        assert_eq!(
            labels(&big),
            ["-120", "-100", "-80", "-60", "-40", "-20", "0"]
        );
        // 0,04–0,05 Mkr would read "0,0 0,0 0,0 …" with one decimal: tkr instead.
        let small = BridgeScale::new(&[4_200_000, 4_900_000, 4_600_000], &fmt());
        assert_eq!(small.fmt.unit, MoneyUnit::Tkr);
        let l = labels(&small);
        assert_eq!(l.first().map(String::as_str), Some("0"));
        let mut distinct = l.clone();
        distinct.dedup();
        assert_eq!(distinct, l);
        assert!(small.hi >= 49.0, "{l:?}");
        // Nothing but zero still gives an axis.
        let none = BridgeScale::new(&[0, 0], &fmt());
        assert!(none.hi > none.lo && none.ticks >= 2);
    }

    /// An infinite or absurd ratio never reaches the axis: the chart is drawn, and quickly.
    #[test]
    fn percent_charts_with_infinite_and_absurd_values() {
        let trend = [Some(f64::INFINITY), Some(f64::NAN), Some(1e300), Some(2.0)];
        let row = ("Läkare", trend.as_slice());
        let chart = agency(&[row], Some(2.0), Month::new(2020, 4).unwrap(), &fmt());
        let svg = &chart.svg;
        assert!(svg.starts_with("<svg"), "{svg}");
        assert!(!svg.contains("inf") && !svg.contains("NaN"));
        assert!(
            !chart.alt.contains("inf") && !chart.alt.contains("NaN"),
            "{}",
            chart.alt
        );
    }
}
