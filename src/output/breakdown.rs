//! The plans' effects by specialty and by trust: `by_specialty.csv` (every
//! specialty of every trust), `by_trust.csv` (every trust, its specialties
//! summed) and `by_specialty_all_trusts.csv` (every specialty, summed over
//! the trusts that have it). One typed row per file, used to write it and
//! to read it back, as `rows.rs` does for the run's other tables; the rows
//! built from an ensemble ([`BreakdownTables::from_ensemble`]); reading
//! them back ([`BreakdownTables::load`]) and checking they cover every
//! plan, unit and measure ([`BreakdownTables::check`]).
//!
//! Each row is one measure of one plan and unit: first the strike's effect
//! (the paired difference from the counterfactual in the same replication,
//! with its 95% interval; 0 for the counterfactual), then the plan's own
//! mean with its 95% interval. The measures are
//! [`crate::ensemble::breakdown::MEASURES`], named as the run's metrics they
//! break down, so a plan's effects on the cells of `by_specialty.csv` add up
//! to its effect in `summary.csv` (to the rounding of four decimals).
//!
//! A run made before these tables has none of them: it reads back with
//! empty tables, and the report and workbook leave the breakdown out.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::rows::{as_written, csv_bytes, num};
use super::run_data::{read_rows, RunData};
use super::{files, OutputError, OutputFile};
use crate::ensemble::breakdown::{Estimate, Layout, Unit, MEASURES};
use crate::ensemble::metrics::Metric;
use crate::ensemble::EnsembleResult;
use crate::model::World;

/// The file of every specialty of every trust.
pub const BY_SPECIALTY: &str = "by_specialty.csv";
/// The file of every trust.
pub const BY_TRUST: &str = "by_trust.csv";
/// The file of every specialty over the trusts.
pub const BY_SPECIALTY_ALL_TRUSTS: &str = "by_specialty_all_trusts.csv";
/// The three, in the order they are written.
pub const FILES: [&str; 3] = [BY_SPECIALTY, BY_TRUST, BY_SPECIALTY_ALL_TRUSTS];

fn fixed4<S: serde::Serializer>(v: &f64, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&num(*v))
}

/// The six numbers every row ends with.
pub trait Estimates {
    fn plan(&self) -> &str;
    fn metric(&self) -> &str;
    /// The strike's effect (plan minus no strike in the same replication).
    fn effect(&self) -> Estimate;
    /// The plan's own figure.
    fn own(&self) -> Estimate;
    /// The row with its effect and own figure set.
    fn with(self, effect: Estimate, own: Estimate) -> Self;

    /// The six numbers in column order.
    fn numbers(&self) -> [f64; 6] {
        let (e, o) = (self.effect(), self.own());
        [
            e.mean,
            e.ci95_low,
            e.ci95_high,
            o.mean,
            o.ci95_low,
            o.ci95_high,
        ]
    }

    /// The effect as a signed whole count with its 95% interval, e.g.
    /// "+68 (+59 to +76)".
    fn effect_with_interval(&self) -> String {
        let e = self.effect();
        super::human::with_interval(super::human::signed_count, e.mean, e.ci95_low, e.ci95_high)
    }
}

macro_rules! estimates {
    ($row:ty) => {
        impl Estimates for $row {
            fn plan(&self) -> &str {
                &self.plan
            }
            fn metric(&self) -> &str {
                &self.metric
            }
            fn effect(&self) -> Estimate {
                Estimate {
                    mean: self.effect_mean,
                    ci95_low: self.effect_ci95_low,
                    ci95_high: self.effect_ci95_high,
                }
            }
            fn own(&self) -> Estimate {
                Estimate {
                    mean: self.mean,
                    ci95_low: self.ci95_low,
                    ci95_high: self.ci95_high,
                }
            }
            fn with(self, e: Estimate, o: Estimate) -> Self {
                Self {
                    effect_mean: e.mean,
                    effect_ci95_low: e.ci95_low,
                    effect_ci95_high: e.ci95_high,
                    mean: o.mean,
                    ci95_low: o.ci95_low,
                    ci95_high: o.ci95_high,
                    ..self
                }
            }
        }
    };
}

/// One row of `by_specialty.csv`: one measure of one specialty of one
/// trust, for one plan.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SpecialtyRow {
    pub plan: String,
    /// The trust's code.
    pub trust: String,
    /// The specialty's code (treatment function).
    pub specialty: String,
    pub specialty_name: String,
    /// A measure, named as the metric it breaks down.
    pub metric: String,
    #[serde(serialize_with = "fixed4")]
    pub effect_mean: f64,
    #[serde(serialize_with = "fixed4")]
    pub effect_ci95_low: f64,
    #[serde(serialize_with = "fixed4")]
    pub effect_ci95_high: f64,
    #[serde(serialize_with = "fixed4")]
    pub mean: f64,
    #[serde(serialize_with = "fixed4")]
    pub ci95_low: f64,
    #[serde(serialize_with = "fixed4")]
    pub ci95_high: f64,
}
estimates!(SpecialtyRow);

/// One row of `by_trust.csv`: one measure of one trust (its specialties
/// summed in each replication), for one plan.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TrustRow {
    pub plan: String,
    pub trust: String,
    pub trust_name: String,
    pub metric: String,
    #[serde(serialize_with = "fixed4")]
    pub effect_mean: f64,
    #[serde(serialize_with = "fixed4")]
    pub effect_ci95_low: f64,
    #[serde(serialize_with = "fixed4")]
    pub effect_ci95_high: f64,
    #[serde(serialize_with = "fixed4")]
    pub mean: f64,
    #[serde(serialize_with = "fixed4")]
    pub ci95_low: f64,
    #[serde(serialize_with = "fixed4")]
    pub ci95_high: f64,
}
estimates!(TrustRow);

/// One row of `by_specialty_all_trusts.csv`: one measure of one specialty
/// summed over the `trusts` trusts that have it (in each replication), for
/// one plan.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SpecialtyTotalRow {
    pub plan: String,
    pub specialty: String,
    pub specialty_name: String,
    /// How many trusts have the specialty.
    pub trusts: u64,
    pub metric: String,
    #[serde(serialize_with = "fixed4")]
    pub effect_mean: f64,
    #[serde(serialize_with = "fixed4")]
    pub effect_ci95_low: f64,
    #[serde(serialize_with = "fixed4")]
    pub effect_ci95_high: f64,
    #[serde(serialize_with = "fixed4")]
    pub mean: f64,
    #[serde(serialize_with = "fixed4")]
    pub ci95_low: f64,
    #[serde(serialize_with = "fixed4")]
    pub ci95_high: f64,
}
estimates!(SpecialtyTotalRow);

/// Rows per metric of each (trust, specialty) of one plan.
type Cells<'a> = BTreeMap<(&'a str, &'a str), BTreeMap<&'a str, usize>>;

/// The rows of the three tables (all empty for a run made before them).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct BreakdownTables {
    pub specialties: Vec<SpecialtyRow>,
    pub trusts: Vec<TrustRow>,
    pub specialty_totals: Vec<SpecialtyTotalRow>,
}

/// An estimate as the files write it.
fn written(e: Estimate) -> Estimate {
    Estimate {
        mean: as_written(e.mean),
        ci95_low: as_written(e.ci95_low),
        ci95_high: as_written(e.ci95_high),
    }
}

impl BreakdownTables {
    /// The rows of `world`'s ensemble `result`: per plan (the
    /// counterfactual first), unit and measure; none if the result has no
    /// breakdown (no replications).
    pub fn from_ensemble(world: &World, result: &EnsembleResult) -> BreakdownTables {
        let b = &result.breakdown;
        let layout = Layout::of(world);
        let mut t = BreakdownTables::default();
        if b.replications == 0 || !b.has_shape(world.branches().count(), layout.len()) {
            return t;
        }
        for (branch, plan) in world.branches().enumerate() {
            for (u, unit) in layout.units().enumerate() {
                for (m, metric) in MEASURES.iter().enumerate() {
                    let (e, o) = (
                        written(b.effect(branch, u, m)),
                        written(b.own(branch, u, m)),
                    );
                    let (plan, metric) = (plan.name.clone(), metric.name().to_string());
                    match unit {
                        Unit::Cell { trust, specialty } => {
                            let tr = &world.trusts[trust];
                            let sp = &tr.specialties[specialty];
                            t.specialties.push(
                                SpecialtyRow {
                                    plan,
                                    trust: tr.code.clone(),
                                    specialty: sp.code.clone(),
                                    specialty_name: sp.name.clone(),
                                    metric,
                                    ..Default::default()
                                }
                                .with(e, o),
                            );
                        }
                        Unit::Trust(trust) => {
                            let tr = &world.trusts[trust];
                            t.trusts.push(
                                TrustRow {
                                    plan,
                                    trust: tr.code.clone(),
                                    trust_name: tr.name.clone(),
                                    metric,
                                    ..Default::default()
                                }
                                .with(e, o),
                            );
                        }
                        Unit::Specialty(code) => {
                            let c = &layout.codes[code];
                            t.specialty_totals.push(
                                SpecialtyTotalRow {
                                    plan,
                                    specialty: c.code.clone(),
                                    specialty_name: c.name.clone(),
                                    trusts: c.cells.len() as u64,
                                    metric,
                                    ..Default::default()
                                }
                                .with(e, o),
                            );
                        }
                    }
                }
            }
        }
        t
    }

    /// Does the run have the breakdown?
    pub fn is_empty(&self) -> bool {
        self.specialties.is_empty() && self.trusts.is_empty() && self.specialty_totals.is_empty()
    }

    /// The three files, or none for a run without the breakdown.
    pub fn files(&self) -> Result<Vec<OutputFile<'static>>, OutputError> {
        if self.is_empty() {
            return Ok(Vec::new());
        }
        let err = |file: &'static str| move |source| OutputError::Csv { file, source };
        Ok(vec![
            OutputFile::bytes(
                BY_SPECIALTY,
                csv_bytes(&self.specialties).map_err(err(BY_SPECIALTY))?,
            ),
            OutputFile::bytes(BY_TRUST, csv_bytes(&self.trusts).map_err(err(BY_TRUST))?),
            OutputFile::bytes(
                BY_SPECIALTY_ALL_TRUSTS,
                csv_bytes(&self.specialty_totals).map_err(err(BY_SPECIALTY_ALL_TRUSTS))?,
            ),
        ])
    }

    /// Read the tables of the run in `dir`, whose manifest lists `listed`
    /// (empty for a manifest of a version before the list: the files are
    /// then read if they are there). A run made before the tables has none
    /// and reads as empty; one with some of the three but not all is
    /// refused.
    pub fn load(dir: &Path, listed: &[files::FileEntry]) -> Result<BreakdownTables, OutputError> {
        let present: Vec<bool> = FILES
            .iter()
            .map(|f| {
                if listed.is_empty() {
                    dir.join(f).is_file()
                } else {
                    listed.iter().any(|e| e.path == *f)
                }
            })
            .collect();
        if present.iter().all(|p| !p) {
            return Ok(BreakdownTables::default());
        }
        if let Some(i) = present.iter().position(|p| !p) {
            let other = FILES[present.iter().position(|p| *p).unwrap_or(0)];
            return Err(OutputError::Damaged {
                path: dir.join(FILES[i]),
                problem: format!("is missing, but {other} is there: the run's tables by specialty and trust come together"),
            });
        }
        fn numbers<T: Estimates>(r: &T) -> (String, Vec<f64>) {
            (format!("{} {}", r.plan(), r.metric()), r.numbers().to_vec())
        }
        Ok(BreakdownTables {
            specialties: read_rows(&dir.join(BY_SPECIALTY), true, numbers::<SpecialtyRow>)?,
            trusts: read_rows(&dir.join(BY_TRUST), true, numbers::<TrustRow>)?,
            specialty_totals: read_rows(
                &dir.join(BY_SPECIALTY_ALL_TRUSTS),
                true,
                numbers::<SpecialtyTotalRow>,
            )?,
        })
    }

    /// Check the tables of the run in `dir` cover what its manifest says:
    /// for every plan, every trust of the manifest in `by_trust.csv`, each
    /// trust's specialties (as many as the manifest gives it) in
    /// `by_specialty.csv`, every specialty code of those in
    /// `by_specialty_all_trusts.csv`, each with every measure once, and
    /// no plan or trust the manifest does not list.
    pub fn check(&self, dir: &Path, run: &RunData) -> Result<(), OutputError> {
        if self.is_empty() {
            return Ok(());
        }
        let plans = run.plans();
        let trusts: Vec<&str> = run
            .manifest
            .trusts
            .iter()
            .map(|t| t.code.as_str())
            .collect();
        let measures: BTreeSet<&str> = MEASURES.iter().map(|m| m.name()).collect();
        let damaged = |file: &str, problem: String| OutputError::Damaged {
            path: dir.join(file),
            problem,
        };

        // by_trust.csv: plan x manifest trust x measure, once each.
        let mut seen: BTreeMap<(&str, &str, &str), usize> = BTreeMap::new();
        for r in &self.trusts {
            if !plans.contains(&r.plan.as_str()) || !trusts.contains(&r.trust.as_str()) {
                return Err(damaged(
                    BY_TRUST,
                    format!(
                        "has plan `{}`, trust `{}`, which manifest.json does not list",
                        r.plan, r.trust
                    ),
                ));
            }
            *seen.entry((&r.plan, &r.trust, &r.metric)).or_default() += 1;
        }
        for plan in &plans {
            for trust in &trusts {
                for m in &measures {
                    let n = seen.get(&(*plan, *trust, *m)).copied().unwrap_or(0);
                    if n != 1 {
                        return Err(damaged(
                            BY_TRUST,
                            format!("has {n} rows for plan `{plan}`, trust `{trust}`, metric `{m}` where one was expected"),
                        ));
                    }
                }
            }
        }

        // by_specialty.csv: every plan has the same cells, each trust as
        // many specialties as the manifest says, every measure once.
        let mut cells: BTreeMap<&str, Cells> = BTreeMap::new();
        for r in &self.specialties {
            if !plans.contains(&r.plan.as_str()) || !trusts.contains(&r.trust.as_str()) {
                return Err(damaged(
                    BY_SPECIALTY,
                    format!(
                        "has plan `{}`, trust `{}`, which manifest.json does not list",
                        r.plan, r.trust
                    ),
                ));
            }
            *cells
                .entry(&r.plan)
                .or_default()
                .entry((&r.trust, &r.specialty))
                .or_default()
                .entry(&r.metric)
                .or_default() += 1;
        }
        let first = cells.get(plans[0]).cloned().unwrap_or_default();
        for t in &run.manifest.trusts {
            let n = first.keys().filter(|(trust, _)| *trust == t.code).count();
            if n == 0 || (t.specialties > 0 && n != t.specialties) {
                return Err(damaged(
                    BY_SPECIALTY,
                    format!(
                        "has {n} specialties of trust `{}` for `{}`, but manifest.json gives it {}",
                        t.code, plans[0], t.specialties
                    ),
                ));
            }
        }
        for plan in &plans {
            let of_plan = cells.get(plan).cloned().unwrap_or_default();
            if of_plan.keys().ne(first.keys()) {
                return Err(damaged(
                    BY_SPECIALTY,
                    format!(
                        "does not have the same specialties for `{plan}` as for `{}`",
                        plans[0]
                    ),
                ));
            }
            for ((trust, specialty), metrics) in &of_plan {
                for m in &measures {
                    let n = metrics.get(m).copied().unwrap_or(0);
                    if n != 1 {
                        return Err(damaged(
                            BY_SPECIALTY,
                            format!("has {n} rows for plan `{plan}`, trust `{trust}`, specialty `{specialty}`, metric `{m}` where one was expected"),
                        ));
                    }
                }
            }
        }

        // by_specialty_all_trusts.csv: every code of by_specialty.csv.
        let codes: BTreeSet<&str> = first.keys().map(|(_, s)| *s).collect();
        let mut totals: BTreeMap<(&str, &str, &str), usize> = BTreeMap::new();
        for r in &self.specialty_totals {
            if !plans.contains(&r.plan.as_str()) || !codes.contains(r.specialty.as_str()) {
                return Err(damaged(
                    BY_SPECIALTY_ALL_TRUSTS,
                    format!(
                        "has plan `{}`, specialty `{}`, which the manifest or {BY_SPECIALTY} does not have",
                        r.plan, r.specialty
                    ),
                ));
            }
            *totals
                .entry((&r.plan, &r.specialty, &r.metric))
                .or_default() += 1;
        }
        for plan in &plans {
            for code in &codes {
                for m in &measures {
                    let n = totals.get(&(*plan, *code, *m)).copied().unwrap_or(0);
                    if n != 1 {
                        return Err(damaged(
                            BY_SPECIALTY_ALL_TRUSTS,
                            format!("has {n} rows for plan `{plan}`, specialty `{code}`, metric `{m}` where one was expected"),
                        ));
                    }
                }
            }
        }
        Ok(())
    }

    /// The row of `by_trust.csv` for a plan, trust and measure.
    pub fn trust_row(&self, plan: &str, trust: &str, metric: Metric) -> Option<&TrustRow> {
        self.trusts
            .iter()
            .find(|r| r.plan == plan && r.trust == trust && r.metric == metric.name())
    }

    /// The rows of `by_specialty_all_trusts.csv` of a plan and measure, in
    /// file order (by specialty code).
    pub fn specialty_totals_of(&self, plan: &str, metric: Metric) -> Vec<&SpecialtyTotalRow> {
        self.specialty_totals
            .iter()
            .filter(|r| r.plan == plan && r.metric == metric.name())
            .collect()
    }

    /// The rows of `by_trust.csv` of a plan and measure, in file order
    /// (the manifest's trusts).
    pub fn trusts_of(&self, plan: &str, metric: Metric) -> Vec<&TrustRow> {
        self.trusts
            .iter()
            .filter(|r| r.plan == plan && r.metric == metric.name())
            .collect()
    }

    /// The row of `by_specialty_all_trusts.csv` for a plan, specialty code
    /// and measure.
    pub fn specialty_total(
        &self,
        plan: &str,
        specialty: &str,
        metric: Metric,
    ) -> Option<&SpecialtyTotalRow> {
        self.specialty_totals
            .iter()
            .find(|r| r.plan == plan && r.specialty == specialty && r.metric == metric.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::rows::header_of;

    #[test]
    fn headers_are_the_file_contract() {
        let numbers = "effect_mean,effect_ci95_low,effect_ci95_high,mean,ci95_low,ci95_high";
        assert_eq!(
            header_of::<SpecialtyRow>().join(","),
            format!("plan,trust,specialty,specialty_name,metric,{numbers}")
        );
        assert_eq!(
            header_of::<TrustRow>().join(","),
            format!("plan,trust,trust_name,metric,{numbers}")
        );
        assert_eq!(
            header_of::<SpecialtyTotalRow>().join(","),
            format!("plan,specialty,specialty_name,trusts,metric,{numbers}")
        );
    }
}
