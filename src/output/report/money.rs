//! The report's money: what each plan's strike costs the trust (income at
//! risk, consultant cover, catch-up, net), with 95% intervals, the cost of
//! each extra 18-week breach a plan avoids against the first plan, and the
//! prices used. Every pound is activity the simulation produced times a
//! price of `[costs]`; the prices come from the manifest, so a report
//! redrawn from files says the same.

use super::{value, PlanRef};
use crate::ensemble::metrics::{Metric, Unit};
use crate::ensemble::stats::{summarise, t975};
use crate::model::costs::CostModel;
use crate::output::document::{Block, Table};
use crate::output::human;
use crate::output::run_data::{RunData, COUNTERFACTUAL};

/// The money measures, in the order of the table.
pub const MONEY: [Metric; 4] = [
    Metric::IncomeAtRisk,
    Metric::CostOfCover,
    Metric::CostOfCatchUp,
    Metric::NetCost,
];

/// The pounds each extra 18-week breach avoided costs: a plan against a
/// reference plan, from their paired differences in the same replications.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum PerBreach {
    /// Breaches avoided (the interval of the paired difference above 0):
    /// pounds per breach avoided, with a 95% interval (delta method).
    Cost { mean: f64, low: f64, high: f64 },
    /// Avoids breaches and costs less: better on both counts.
    Saves,
    /// No breaches avoided that the replications can tell from none.
    NoneAvoided,
}

impl PerBreach {
    pub fn words(&self) -> String {
        match *self {
            PerBreach::Cost { mean, low, high } => {
                human::with_interval(human::pounds, mean, low, high)
            }
            PerBreach::Saves => "avoids breaches and costs less".into(),
            PerBreach::NoneAvoided => "no breaches avoided".into(),
        }
    }
}

/// The cost of each extra 18-week breach `plan` avoids against
/// `reference`: the mean paired difference in net cost over the mean
/// paired difference in patients waiting over 18 weeks at the end.
pub fn cost_per_breach_avoided(data: &RunData, plan: &str, reference: &str) -> PerBreach {
    let cost = |p: &str| data.replication_values(p, Metric::NetCost);
    let breaches = |p: &str| data.replication_values(p, Metric::RttOver18wEnd);
    let d_cost: Vec<f64> = cost(plan)
        .iter()
        .zip(cost(reference))
        .map(|(a, b)| a - b)
        .collect();
    let avoided: Vec<f64> = breaches(reference)
        .iter()
        .zip(breaches(plan))
        .map(|(r, p)| r - p)
        .collect();
    per_breach(&d_cost, &avoided)
}

/// [`cost_per_breach_avoided`] from the paired differences themselves.
pub fn per_breach(d_cost: &[f64], avoided: &[f64]) -> PerBreach {
    let n = d_cost.len().min(avoided.len());
    if n < 2 {
        return PerBreach::NoneAvoided;
    }
    let a = summarise(&avoided[..n]);
    if a.ci95_low <= 0.0 {
        return PerBreach::NoneAvoided;
    }
    let c = summarise(&d_cost[..n]);
    if c.mean <= 0.0 {
        return PerBreach::Saves;
    }
    let ratio = c.mean / a.mean;
    let nf = n as f64;
    let var = |x: &[f64], mx: f64, y: &[f64], my: f64| {
        x.iter()
            .zip(y)
            .map(|(x, y)| (x - mx) * (y - my))
            .sum::<f64>()
            / (nf - 1.0)
    };
    let (dc, av) = (&d_cost[..n], &avoided[..n]);
    let v = (var(dc, c.mean, dc, c.mean) - 2.0 * ratio * var(dc, c.mean, av, a.mean)
        + ratio * ratio * var(av, a.mean, av, a.mean))
        / (nf * a.mean * a.mean);
    let half = t975(n - 1) * v.max(0.0).sqrt();
    PerBreach::Cost {
        mean: ratio,
        low: (ratio - half).max(0.0),
        high: ratio + half,
    }
}

/// The money table: per plan, the strike's effect on each money measure
/// (plan minus no strike in the same replication) with its 95% interval,
/// and the cost per breach avoided against the first plan.
pub fn money_table(plans: &[PlanRef]) -> Table {
    let reference = plans.iter().find(|p| p.plan != COUNTERFACTUAL);
    let mut header: Vec<String> = MONEY.iter().map(|m| m.label().to_string()).collect();
    header.insert(0, "Plan".into());
    if let Some(r) = reference {
        header.push(format!(
            "Cost per extra 18-week breach avoided, against {}",
            r.label
        ));
    }
    let rows = plans
        .iter()
        .filter(|p| p.plan != COUNTERFACTUAL)
        .map(|p| {
            let mut row = vec![p.label.clone()];
            for m in MONEY {
                let r = p.run.summary_of(&p.plan, m);
                row.push(if r.effect_ci95_low == r.effect_ci95_high {
                    // The same in every replication (no catch-up: £0).
                    human::signed_pounds_short(r.effect_mean)
                } else {
                    human::with_interval(
                        human::signed_pounds_short,
                        r.effect_mean,
                        r.effect_ci95_low,
                        r.effect_ci95_high,
                    )
                });
            }
            if let Some(r) = reference {
                row.push(if r.plan == p.plan {
                    "(reference)".into()
                } else {
                    cost_per_breach_avoided(p.run, &p.plan, &r.plan).words()
                });
            }
            row
        })
        .collect();
    Table { header, rows }
}

/// Every price with what it is and what it is per, as the report and the
/// workbook list them.
pub fn price_list(c: &CostModel) -> [(&'static str, f64, &'static str); 7] {
    [
        (
            "Income per elective inpatient spell",
            c.inpatient_spell,
            "a spell",
        ),
        ("Income per day case", c.day_case, "a day case"),
        (
            "Income per first outpatient attendance",
            c.outpatient_first,
            "an attendance",
        ),
        (
            "Income per follow-up attendance",
            c.outpatient_follow_up,
            "an attendance",
        ),
        (
            "Consultant acting down",
            c.act_down_per_hour,
            "an hour (4 hours a session)",
        ),
        ("Catch-up theatre list", c.catch_up_list, "a list"),
        ("Catch-up clinic", c.catch_up_clinic, "a clinic"),
    ]
}

/// The prices the run used, for the table under the money.
fn prices_table(data: &RunData) -> Option<Table> {
    let c = data.manifest.costs.as_ref()?;
    Some(Table {
        header: vec!["Price (an assumption to check)".into(), "Value".into()],
        rows: price_list(c)
            .iter()
            .map(|(what, v, per)| {
                vec![
                    what.to_string(),
                    format!("{} {per}", value(Unit::Pounds, *v)),
                ]
            })
            .collect(),
    })
}

/// What the money table says, for the paragraph above it.
fn note(data: &RunData) -> String {
    let Some(c) = &data.manifest.costs else {
        return String::new();
    };
    let income = if c.rebooked_within_year {
        format!(
            "Income at risk is the fall in inpatient spells, day cases and outpatient attendances done \
             from {} to the end of the financial year ({}), against the same world without the strike: \
             cancelled work the trust does again before then still earns its income, and a catch-up's \
             extra work earns more (a negative figure).",
            human::date(c.income_from),
            human::date(c.income_to)
        )
    } else {
        "Income at risk is the value of the extra operations and appointments cancelled in the counting \
         window, as if none were done again within the financial year."
            .to_string()
    };
    format!(
        "Every pound below is activity the simulation produced times a price (the prices, national \
         figures of the time, are assumptions to replace with the trust's own). {income} Cover is the \
         consultant sessions spent acting down in the counting window; catch-up is the lists and clinics \
         that ran. Net cost is the three together. The last column divides the extra net cost of a plan \
         over the first plan by the 18-week breaches it avoids against it, replication by replication; \
         it is given only when the breaches avoided are clearly above none."
    )
}

/// The report's money section.
pub fn section(b: &mut Vec<Block>, plans: &[PlanRef], data: &RunData) {
    if data.manifest.costs.is_none() {
        return;
    }
    b.push(Block::Heading(2, "Money".into()));
    b.push(Block::Paragraph(note(data).into()));
    b.push(Block::Table(money_table(plans)));
    if let Some(t) = prices_table(data) {
        b.push(Block::Table(t));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn per_breach_is_the_ratio_of_mean_paired_differences() {
        let cost = [1_000.0, 2_000.0, 3_000.0, 2_000.0];
        let avoided = [1.0, 2.0, 3.0, 2.0];
        match per_breach(&cost, &avoided) {
            PerBreach::Cost { mean, low, high } => {
                assert_eq!(mean, 1_000.0);
                // Cost moves exactly with breaches: no spread in the ratio.
                assert!((low - 1_000.0).abs() < 1e-6 && (high - 1_000.0).abs() < 1e-6);
            }
            other => panic!("expected a cost, got {other:?}"),
        }
    }

    #[test]
    fn per_breach_says_when_none_are_avoided_or_money_is_saved() {
        assert_eq!(
            per_breach(&[5.0, 6.0, 7.0], &[-1.0, 1.0, 0.0]),
            PerBreach::NoneAvoided
        );
        assert_eq!(
            per_breach(&[-5.0, -6.0, -7.0], &[3.0, 4.0, 5.0]),
            PerBreach::Saves
        );
        assert_eq!(per_breach(&[1.0], &[1.0]), PerBreach::NoneAvoided);
    }
}
