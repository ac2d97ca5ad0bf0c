//! The `Costs` sheet of `report.xlsx`: per plan, the strike's effect on
//! each money measure (mean and 95% interval, in pounds), the cost per
//! extra 18-week breach avoided against the first plan, and the prices the
//! run used. The same numbers as `summary.csv` and the report's Money
//! section.

use rust_xlsxwriter::{Worksheet, XlsxError};

use super::{difference_format, value_format, Styles, SHEETS};
use crate::ensemble::metrics::Unit;
use crate::output::report::money::{cost_per_breach_avoided, price_list, PerBreach, MONEY};
use crate::output::run_data::{RunData, COUNTERFACTUAL};

pub(super) fn costs_sheet(ws: &mut Worksheet, run: &RunData, s: &Styles) -> Result<(), XlsxError> {
    ws.set_name(SHEETS[1])?;
    let pounds = difference_format(Unit::Pounds);
    let plans: Vec<&str> = run
        .plans()
        .into_iter()
        .filter(|p| *p != COUNTERFACTUAL)
        .collect();
    for (col, name) in [
        "Plan",
        "Measure (strike's effect: plan minus no strike)",
        "Mean",
        "95% low",
        "95% high",
    ]
    .iter()
    .enumerate()
    {
        ws.write_string_with_format(0, col as u16, *name, &s.header)?;
    }
    ws.set_freeze_panes(1, 0)?;
    // Printed: A4 landscape, one page wide.
    ws.set_paper_size(9)
        .set_landscape()
        .set_print_fit_to_pages(1, 0);
    let plan_width = plans.iter().map(|p| p.chars().count()).max().unwrap_or(10);
    ws.set_column_width(0, (plan_width + 2).max(10) as f64)?;
    ws.set_column_width(1, 58.0)?;
    for col in 2..=4 {
        ws.set_column_width(col, 14.0)?;
    }
    let reference = plans.first().copied();
    let mut row = 1;
    for plan in &plans {
        for m in MONEY {
            let r = run.summary_of(plan, m);
            ws.write_string(row, 0, *plan)?;
            ws.write_string(row, 1, m.label())?;
            for (j, v) in [r.effect_mean, r.effect_ci95_low, r.effect_ci95_high]
                .into_iter()
                .enumerate()
            {
                ws.write_number_with_format(row, 2 + j as u16, v, &pounds)?;
            }
            row += 1;
        }
        if let Some(reference) = reference {
            ws.write_string(row, 0, *plan)?;
            ws.write_string(
                row,
                1,
                format!("Cost per extra 18-week breach avoided, against {reference}"),
            )?;
            if *plan == reference {
                ws.write_string(row, 2, "(reference)")?;
            } else {
                match cost_per_breach_avoided(run, plan, reference) {
                    PerBreach::Cost { mean, low, high } => {
                        for (j, v) in [mean, low, high].into_iter().enumerate() {
                            ws.write_number_with_format(
                                row,
                                2 + j as u16,
                                v,
                                &value_format(Unit::Pounds),
                            )?;
                        }
                    }
                    other => {
                        ws.write_string(row, 2, other.words())?;
                    }
                }
            }
            row += 1;
        }
    }
    row += 1;
    let Some(c) = &run.manifest.costs else {
        return Ok(());
    };
    ws.write_string_with_format(row, 0, "Prices used (assumptions to check)", &s.section)?;
    row += 1;
    for (what, v, per) in price_list(c) {
        ws.write_string(row, 1, format!("{what}, {per}"))?;
        ws.write_number_with_format(row, 2, v, &value_format(Unit::Pounds))?;
        row += 1;
    }
    ws.write_string(
        row,
        1,
        "Cancelled work done again by 31 March earns its income",
    )?;
    ws.write_string(row, 2, if c.rebooked_within_year { "yes" } else { "no" })?;
    Ok(())
}
