//! The report's comparison table, short enough for one A4 page: one row
//! per headline measure (those [`Metric::on_board`] marks) and one column
//! per plan, each cell the strike's effect under that plan with its 95%
//! interval; the no-strike column gives that world's own figure, for
//! scale. Its length does not grow with the number of plans. Every plan's
//! own figures, row by row, are in the appendix (the long table that
//! `strikesim compare` also prints), `summary.csv` and `report.xlsx`.

use super::{difference, value};
use crate::ensemble::metrics::Metric;
use crate::output::document::Table;
use crate::output::human;
use crate::output::run_data::{RunData, COUNTERFACTUAL};

/// What the headline table's columns mean, for the paragraph above it.
pub const HEADLINE_NOTE: &str = "Each plan's column is the strike's effect under that plan: the plan \
     minus the same world without the strike, in the same replication (mean, with its 95% interval). The \
     no-strike column is that world's own figure, for scale; for cancellations it is the usual background \
     of on-the-day cancellations. Each plan's own figures, background included, are in the appendix \
     (\"Full comparison table\"), in summary.csv and in the Summary sheet of report.xlsx.";

/// The headline measures as rows and the plans (no strike first) as
/// columns.
pub fn headline_table(data: &RunData) -> Table {
    let plans = data.plans();
    let columns: Vec<(String, bool)> = plans
        .iter()
        .map(|p| (p.to_string(), *p == COUNTERFACTUAL))
        .collect();
    headline_from(&columns, |i, metric| {
        let r = data.summary_row(plans[i], metric)?;
        Some(if columns[i].1 {
            (r.mean, r.ci95_low, r.ci95_high)
        } else {
            (r.effect_mean, r.effect_ci95_low, r.effect_ci95_high)
        })
    })
}

/// The headline table of any set of columns, each (name, whether it is
/// the no-strike world's own figure); `cell` gives column `i`'s mean and
/// 95% interval of a measure: the own figure for the no-strike column,
/// the strike's effect for a plan. The comparison of runs in `serve`
/// shows its labelled plans this way.
pub fn headline_from(
    columns: &[(String, bool)],
    cell: impl Fn(usize, Metric) -> Option<(f64, f64, f64)>,
) -> Table {
    let mut header = vec!["Measure".to_string()];
    header.extend(columns.iter().map(|(name, own)| {
        if *own {
            "No strike (own figure)".to_string()
        } else {
            name.clone()
        }
    }));
    let rows = Metric::ALL
        .iter()
        .filter(|m| m.on_board())
        .map(|&metric| {
            let unit = metric.unit();
            let mut row = vec![metric.label().to_string()];
            row.extend(
                columns
                    .iter()
                    .enumerate()
                    .map(|(i, (_, own))| match cell(i, metric) {
                        None => "-".to_string(),
                        Some((m, lo, hi)) if *own => {
                            human::with_interval(|v| value(unit, v), m, lo, hi)
                        }
                        Some((m, lo, hi)) => {
                            human::with_interval(|v| difference(unit, v), m, lo, hi)
                        }
                    }),
            );
            row
        })
        .collect();
    Table { header, rows }
}
