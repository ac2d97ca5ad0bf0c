//! The report's section on where the strike's effect falls: per plan, the
//! specialties hit hardest (by extra patients waiting at the end, summed
//! over the trusts that have them) with the chart of every specialty, and
//! for runs of more than one trust the spread over the trusts (the chart of
//! each trust's extra 18-week waiters per 1,000 on its list) and the trusts
//! hit hardest. The full tables are `by_specialty.csv`, `by_trust.csv`,
//! `by_specialty_all_trusts.csv` and the workbook's sheets; nothing is
//! added for a run made before them.

use super::chart_image;
use crate::ensemble::metrics::Metric;
use crate::output::breakdown::{Estimates, BY_SPECIALTY, BY_SPECIALTY_ALL_TRUSTS, BY_TRUST};
use crate::output::charts::{signed_decimal1, BreakdownChart};
use crate::output::document::{Block, Inline, Table};
use crate::output::human;
use crate::output::run_data::{RunData, COUNTERFACTUAL};

/// Specialties shown per plan.
pub const TOP_SPECIALTIES: usize = 5;
/// Trusts shown per plan.
pub const TOP_TRUSTS: usize = 10;

/// The section, after the recovery table; nothing for a run without the
/// breakdown.
pub(super) fn section(b: &mut Vec<Block>, data: &RunData) {
    if data.breakdown.is_empty() || data.manifest.plans.is_empty() {
        return;
    }
    let trusts = data.manifest.trusts.len();
    let charts = BreakdownChart::of_run(data);
    b.push(Block::Heading(
        2,
        "Specialties and trusts hit hardest".into(),
    ));
    let over = if trusts == 1 {
        String::new()
    } else {
        format!(
            ", each specialty summed over the {} trusts that have it",
            human::count(trusts as f64)
        )
    };
    b.push(Block::Paragraph(Inline::from(format!(
        "For each plan, the {TOP_SPECIALTIES} specialties with the most extra patients waiting at the end \
         of the run{over} (only those with more, not those a catch-up leaves with fewer), and the extra elective operations and outpatient appointments cancelled there \
         in the counting window: plan minus no strike in the same replication, means with 95% intervals. \
         Every specialty{} is in {BY_SPECIALTY}{} and in the workbook.",
        if trusts == 1 { "" } else { " of every trust" },
        if trusts == 1 {
            String::new()
        } else {
            format!(" (summed over the trusts: {BY_SPECIALTY_ALL_TRUSTS})")
        },
    ))));
    b.push(Block::Table(specialty_table(data)));
    for chart in charts.iter().filter(|c| **c == BreakdownChart::Specialties) {
        b.push(chart_image(chart.name(), chart.caption()));
    }
    if trusts > 1 {
        b.push(Block::Heading(3, "Trusts".into()));
        b.push(Block::Paragraph(Inline::from(format!(
            "How the strike's effect spreads over the {} trusts: each trust's extra patients waiting over \
             18 weeks at the end, per 1,000 patients on its list at the start, so that trusts of every size \
             compare. The table gives, for each plan, the {} trusts with the most; all of them are in \
             {BY_TRUST} and the workbook's Trusts sheet.",
            human::count(trusts as f64),
            TOP_TRUSTS.min(trusts),
        ))));
        for chart in charts.iter().filter(|c| **c == BreakdownChart::Trusts) {
            b.push(chart_image(chart.name(), chart.caption()));
        }
        b.push(Block::Table(trust_table(data)));
    }
}

/// The plans, not the counterfactual.
fn plans(data: &RunData) -> Vec<&str> {
    data.plans()
        .into_iter()
        .filter(|p| *p != COUNTERFACTUAL)
        .collect()
}

/// Per plan, the specialties hit hardest.
pub fn specialty_table(data: &RunData) -> Table {
    let header = [
        "Plan",
        "Specialty",
        "Extra patients waiting at end (95% interval)",
        "Extra waiting over 18 weeks at end",
        "Extra elective operations cancelled",
        "Extra outpatient appointments cancelled",
    ];
    let bd = &data.breakdown;
    let mut rows = Vec::new();
    for plan in plans(data) {
        let mut hit = bd.specialty_totals_of(plan, Metric::RttListEnd);
        // Stable: ties stay in code order.
        hit.sort_by(|a, b| b.effect_mean.total_cmp(&a.effect_mean));
        // Hit: more patients waiting than without the strike. A plan whose
        // catch-up leaves a specialty with fewer is not listed there.
        let before = rows.len();
        for r in hit
            .into_iter()
            .filter(|r| r.effect_mean >= 0.5)
            .take(TOP_SPECIALTIES)
        {
            let effect = |m: Metric| {
                bd.specialty_total(plan, &r.specialty, m)
                    .map_or_else(String::new, |r| r.effect_with_interval())
            };
            rows.push(vec![
                plan.to_string(),
                format!("{} ({})", r.specialty_name, r.specialty),
                r.effect_with_interval(),
                effect(Metric::RttOver18wEnd),
                effect(Metric::ElectiveCancelled),
                effect(Metric::OutpatientCancelled),
            ]);
        }
        if rows.len() == before {
            let none = "no specialty has more patients waiting at the end".to_string();
            rows.push(vec![
                plan.to_string(),
                none,
                String::new(),
                String::new(),
                String::new(),
                String::new(),
            ]);
        }
    }
    Table {
        header: header.iter().map(|s| s.to_string()).collect(),
        rows,
    }
}

/// Per plan, the trusts with the most extra 18-week waiters per 1,000 on
/// their list at the start.
pub fn trust_table(data: &RunData) -> Table {
    let header = [
        "Plan",
        "Trust",
        "Extra over 18 weeks per 1,000 on the list",
        "Extra waiting over 18 weeks at end (95% interval)",
        "Extra patients waiting at end",
        "Extra elective operations cancelled",
    ];
    let bd = &data.breakdown;
    let mut rows = Vec::new();
    for plan in plans(data) {
        let mut ranked: Vec<(f64, &str, &str)> = bd
            .trusts_of(plan, Metric::RttOver18wEnd)
            .iter()
            .filter_map(|r| {
                let t = data.manifest.trusts.iter().find(|t| t.code == r.trust)?;
                (t.initial_waiting_list > 0).then(|| {
                    (
                        1000.0 * r.effect_mean / t.initial_waiting_list as f64,
                        r.trust.as_str(),
                        t.name.as_str(),
                    )
                })
            })
            .collect();
        ranked.sort_by(|a, b| b.0.total_cmp(&a.0));
        for (rate, code, name) in ranked.into_iter().take(TOP_TRUSTS) {
            let effect = |m: Metric| {
                bd.trust_row(plan, code, m)
                    .map_or_else(String::new, |r| r.effect_with_interval())
            };
            rows.push(vec![
                plan.to_string(),
                format!("{name} ({code})"),
                signed_decimal1(rate),
                effect(Metric::RttOver18wEnd),
                effect(Metric::RttListEnd),
                effect(Metric::ElectiveCancelled),
            ]);
        }
    }
    Table {
        header: header.iter().map(|s| s.to_string()).collect(),
        rows,
    }
}
