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
    let mut header = vec!["Measure".to_string()];
    header.extend(plans.iter().map(|p| {
        if *p == COUNTERFACTUAL {
            "No strike (own figure)".to_string()
        } else {
            p.to_string()
        }
    }));
    let rows = Metric::ALL
        .iter()
        .filter(|m| m.on_board())
        .map(|&metric| {
            let unit = metric.unit();
            let mut row = vec![metric.label().to_string()];
            row.extend(plans.iter().map(|p| match data.summary_row(p, metric) {
                None => "-".to_string(),
                Some(r) if *p == COUNTERFACTUAL => {
                    human::with_interval(|v| value(unit, v), r.mean, r.ci95_low, r.ci95_high)
                }
                Some(r) => human::with_interval(
                    |v| difference(unit, v),
                    r.effect_mean,
                    r.effect_ci95_low,
                    r.effect_ci95_high,
                ),
            }));
            row
        })
        .collect();
    Table { header, rows }
}
