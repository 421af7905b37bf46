//! Staffing: worked and sick hours, FTEs and employees, sick leave per month.

use super::*;

/// Fills in each unit's section from its table, when the table is given.
pub(super) fn personnel(cx: &Ctx<'_>, out: &mut [UnitSections]) {
    let (data, config, n, m) = (cx.data, cx.config, cx.n, cx.m);
    let nodes_of = |u: &str| cx.nodes_of(u);
    if let Some(t) = data.get("staffing") {
        // [node][year][month]
        let mut hours = vec![[[Hours::default(); 12]; 2]; n];
        let mut employees = vec![[[0.0f64; 12]; 2]; n];
        let mut seen = vec![false; n];
        let (p, u) = (t.months("period"), t.text("unit"));
        let (w, s, k, e) = (
            t.numbers("worked_hours"),
            t.numbers("scheduled_hours"),
            t.numbers("sick_hours"),
            t.numbers("employees"),
        );
        for i in 0..t.len() {
            let Some((y, mo)) = slot(p[i], cx.start) else {
                continue;
            };
            for &node in nodes_of(&u[i]) {
                hours[node][y][mo].add(Hours {
                    worked: w[i],
                    scheduled: s[i],
                    sick: k[i],
                });
                employees[node][y][mo] += e[i];
                seen[node] = true;
            }
        }
        let span_years = m as f64 / 12.0;
        for node in 0..n {
            if !seen[node] {
                continue;
            }
            let sum = |y: usize| {
                let mut h = Hours::default();
                for month in &hours[node][y][..m] {
                    h.add(*month);
                }
                h
            };
            let (acc, prev) = (sum(1), sum(0));
            let fte = |h: Hours| h.worked / (config.full_time_hours * span_years);
            out[node].personnel = Some(Personnel {
                acc,
                acc_prev_year: prev,
                fte: fte(acc),
                fte_prev_year: fte(prev),
                employees: (hours[node][1][m - 1].scheduled > 0.0
                    || employees[node][1][m - 1] > 0.0)
                    .then_some(employees[node][1][m - 1]),
                employees_prev_year: (hours[node][0][m - 1].scheduled > 0.0
                    || employees[node][0][m - 1] > 0.0)
                    .then_some(employees[node][0][m - 1]),
                sick_by_month: (0..12)
                    .map(|mo| {
                        if mo < m {
                            hours[node][1][mo].sick_pct()
                        } else {
                            None
                        }
                    })
                    .collect(),
                sick_by_month_prev_year: (0..12).map(|mo| hours[node][0][mo].sick_pct()).collect(),
            });
        }
    }
}
