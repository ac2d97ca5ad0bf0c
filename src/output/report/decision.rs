//! Which plan the report recommends, under the scenario's `[decision]`
//! (kept in `manifest.json`): each plan's value on the objective in every
//! replication (the plan minus the no-strike world in the same
//! replication), its mean with a 95% interval; plans breaking a limit
//! excluded with the reason; the rest ranked by mean, lowest first, ties in
//! the scenario's order. Whether the first two can be told apart is the
//! 95% interval of their paired difference, replication by replication,
//! from `replications.csv`. Nothing here writes text for the page beyond
//! the criterion and the reasons; `summary.rs` does.

use std::collections::BTreeMap;

use super::summary::{about, pounds};
use crate::ensemble::metrics::Metric;
use crate::ensemble::stats::{summarise, Summary};
use crate::output::human;
use crate::output::run_data::{RunData, COUNTERFACTUAL};
use crate::scenario::{Decision, Objective};

/// One plan on the objective: its value per replication and their mean
/// with a 95% interval.
pub(super) struct Candidate<'a> {
    pub plan: &'a str,
    values: BTreeMap<u64, f64>,
    pub mean: f64,
    pub low: f64,
    pub high: f64,
}

/// The plans ranked under the criterion, those excluded and why, and
/// notes on what could not be judged.
pub(super) struct Recommendation<'a> {
    pub decision: Option<Decision>,
    pub ranked: Vec<Candidate<'a>>,
    pub excluded: Vec<(&'a str, Vec<String>)>,
    pub notes: Vec<String>,
}

/// `metric` of `plan` minus the counterfactual's, per replication.
fn effect_by_replication(data: &RunData, plan: &str, metric: Metric) -> BTreeMap<u64, f64> {
    let cf: BTreeMap<u64, f64> = data
        .replications
        .iter()
        .filter(|r| r.plan == COUNTERFACTUAL)
        .map(|r| (r.replication, r.value(metric)))
        .collect();
    data.replications
        .iter()
        .filter(|r| r.plan == plan)
        .filter_map(|r| Some((r.replication, r.value(metric) - cf.get(&r.replication)?)))
        .collect()
}

/// The strike's net cost to the trust under `plan` per replication, in
/// pounds (its `net_cost` minus the counterfactual's); `None` for a run
/// made before there were costs.
fn net_cost_by_replication(data: &RunData, plan: &str) -> Option<BTreeMap<u64, f64>> {
    data.manifest
        .costs
        .is_some()
        .then(|| effect_by_replication(data, plan, Metric::NetCost))
}

/// The per-pound objective from its metric values: extra 18-week waiters,
/// with every `pounds_per_breach` of net cost counted as one more.
pub(super) fn breaches_per_pound(
    extra_over_18w: f64,
    net_cost: f64,
    pounds_per_breach: f64,
) -> f64 {
    extra_over_18w + net_cost / pounds_per_breach
}

/// The objective's value for `plan` in every replication, and whether it
/// could be judged as asked (the per-pound objective needs costs).
fn objective_values(data: &RunData, plan: &str, d: &Decision) -> (BTreeMap<u64, f64>, bool) {
    let breaches = || effect_by_replication(data, plan, Metric::RttOver18wEnd);
    match d.objective {
        Objective::FewestBreaches => (breaches(), true),
        Objective::FewestCancellations => (
            effect_by_replication(data, plan, Metric::ElectiveCancelled),
            true,
        ),
        Objective::FewestOnDayCancellations => (
            effect_by_replication(data, plan, Metric::ElectiveCancelledOnDay),
            true,
        ),
        Objective::FewestBreachesPerPound => {
            let per = d.pounds_per_breach.map_or(1.0, |p| p.get().max(1.0));
            match net_cost_by_replication(data, plan) {
                Some(cost) => {
                    let values = breaches()
                        .into_iter()
                        .filter_map(|(k, b)| Some((k, breaches_per_pound(b, *cost.get(&k)?, per))))
                        .collect();
                    (values, true)
                }
                None => (breaches(), false),
            }
        }
    }
}

/// The limits `plan` breaks, each in words.
fn broken_limits(data: &RunData, plan: &str, d: &Decision) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(max) = d.max_on_day_cancellations {
        let own = data.summary_of(plan, Metric::ElectiveCancelledOnDay).mean;
        if own > f64::from(max.get()) {
            out.push(format!(
                "about {} operations cancelled on the day, above the limit of {}",
                about(own),
                human::count(f64::from(max.get()))
            ));
        }
    }
    if let Some(max) = d.max_extra_over_18w {
        let extra = data.summary_of(plan, Metric::RttOver18wEnd).effect_mean;
        if extra > f64::from(max.get()) {
            out.push(format!(
                "about {} more patients waiting over 18 weeks at the end, above the limit of {}",
                about(extra),
                human::count(f64::from(max.get()))
            ));
        }
    }
    if let (Some(max), Some(_)) = (d.max_net_cost, &data.manifest.costs) {
        let cost = data.summary_of(plan, Metric::NetCost).effect_mean;
        if cost > max.get() {
            out.push(format!(
                "a net cost of about {}, above the limit of {}",
                pounds(cost),
                pounds(max.get())
            ));
        }
    }
    out
}

/// Rank the plans under the scenario's `[decision]` (or the default).
pub(super) fn recommend(data: &RunData) -> Recommendation<'_> {
    let stated = data.manifest.decision.clone();
    let d = stated.clone().unwrap_or_default();
    let mut r = Recommendation {
        decision: stated,
        ranked: Vec::new(),
        excluded: Vec::new(),
        notes: Vec::new(),
    };
    let mut judged_as_asked = true;
    for plan in data.manifest.plans.iter().map(|p| p.name.as_str()) {
        let broken = broken_limits(data, plan, &d);
        if !broken.is_empty() {
            r.excluded.push((plan, broken));
            continue;
        }
        let (values, as_asked) = objective_values(data, plan, &d);
        judged_as_asked &= as_asked;
        let v: Vec<f64> = values.values().copied().collect();
        let s = summarise(&v);
        r.ranked.push(Candidate {
            plan,
            values,
            mean: s.mean,
            low: s.ci95_low,
            high: s.ci95_high,
        });
    }
    r.ranked.sort_by(|a, b| a.mean.total_cmp(&b.mean));
    if !judged_as_asked {
        r.notes.push(
            "The scenario asks for the fewest 18-week breaches per pound, but this run was made \
             before there were costs, so the plans are ranked by 18-week breaches alone."
                .into(),
        );
    }
    if let Some(max) = d.max_net_cost {
        if net_cost_by_replication(data, COUNTERFACTUAL).is_none() {
            r.notes.push(format!(
                "The limit on net cost ({}) could not be checked: this run was made before there were costs.",
                pounds(max.get())
            ));
        }
    }
    r
}

impl Recommendation<'_> {
    /// The objective in words, and what its values count.
    pub fn objective_words(&self) -> (&'static str, &'static str) {
        match self.decision.as_ref().map(|d| d.objective).unwrap_or_default() {
            Objective::FewestBreaches => (
                "the fewest extra patients waiting over 18 weeks at the end of the run",
                "patients waiting over 18 weeks",
            ),
            Objective::FewestCancellations => (
                "the fewest extra elective operations cancelled, in advance or on the day",
                "operations cancelled",
            ),
            Objective::FewestOnDayCancellations => (
                "the fewest extra elective operations cancelled on the day",
                "operations cancelled on the day",
            ),
            Objective::FewestBreachesPerPound => (
                "the fewest extra patients waiting over 18 weeks at the end, with net cost counted in",
                "patients waiting over 18 weeks (costs counted in)",
            ),
        }
    }

    /// The criterion and its limits, and where they come from.
    pub fn criterion_sentence(&self) -> String {
        let (label, _) = self.objective_words();
        let Some(d) = &self.decision else {
            return format!(
                "The scenario states none ([decision]), so the plans are ranked by the default: \
                 {label}. No limits are set."
            );
        };
        let mut limits = Vec::new();
        if let Some(max) = d.max_on_day_cancellations {
            limits.push(format!(
                "no more than {} operations cancelled on the day (background included)",
                human::count(f64::from(max.get()))
            ));
        }
        if let Some(max) = d.max_extra_over_18w {
            limits.push(format!(
                "no more than {} extra patients waiting over 18 weeks at the end",
                human::count(f64::from(max.get()))
            ));
        }
        if let Some(max) = d.max_net_cost {
            limits.push(format!("a net cost of no more than {}", pounds(max.get())));
        }
        let per = match (d.objective, d.pounds_per_breach) {
            (Objective::FewestBreachesPerPound, Some(p)) => {
                format!(
                    " (every {} of net cost counted as one more)",
                    pounds(p.get())
                )
            }
            _ => String::new(),
        };
        let limits = if limits.is_empty() {
            " No limits are set.".to_string()
        } else {
            format!(
                " A plan must meet every limit, held against its mean: {}.",
                limits.join("; ")
            )
        };
        format!("As the scenario states it ([decision]): {label}{per}.{limits}")
    }

    /// The paired difference `a` minus `b` over the replications both have.
    pub fn paired_difference(&self, a: &Candidate, b: &Candidate) -> Summary {
        let diffs: Vec<f64> = a
            .values
            .iter()
            .filter_map(|(k, v)| Some(v - b.values.get(k)?))
            .collect();
        summarise(&diffs)
    }
}
