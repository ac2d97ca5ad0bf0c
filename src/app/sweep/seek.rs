//! `strikesim seek`: the fewest catch-up sessions a day that bring the
//! extra patients waiting over 18 weeks back within a tolerance by a date,
//! at a stated confidence.
//!
//! A candidate `k` is the plan's catch-up with `k` theatre lists and `k`
//! clinics per specialty per catch-up day (the same number of each), on the
//! plan's own `weeks`, `days` and start, with its staff pool scaled with
//! the sessions: each grade of the pool times `2k` over the plan's own
//! lists and clinics, rounded up (one consultant a session stays one a
//! session). Only the counterfactual and that plan run (the other plans
//! are left out: they change nothing of it).
//!
//! A candidate meets the target when, among the replications, the share
//! whose extra 18-week waiters (the plan's patients waiting over 18 weeks
//! minus the counterfactual's, same replication) on the date are at most
//! the tolerance is at least the confidence. Every candidate runs the same
//! replication indices with the same seed (common random numbers). The
//! search doubles `k` from 1 until a candidate meets the target, then
//! bisects; the answer meets the target and `answer - 1` does not, both on
//! the same replications (below that the search relies on the measure
//! falling with `k` in expectation, which holds for the mean, not for each
//! replication). How sure: the share meeting it at the answer with its 95%
//! Wilson interval.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};

use chrono::NaiveDate;
use rayon::prelude::*;
use toml::{Table, Value};

use super::keys::{plan_names, plans};
use super::{effective_threads, replications_of, warn_all, Source, SweepError};
use crate::app::{AppError, Progress};
use crate::ensemble::metrics::{metric_row, Metric};
use crate::ensemble::stats::summarise;
use crate::ensemble::{simulate_replication_from, EnsembleError, WarmStart};
use crate::scenario::Scenario;

/// The options of `strikesim seek`, as given.
#[derive(Debug, Clone)]
pub struct SeekOptions {
    pub scenario: Option<PathBuf>,
    pub plan: String,
    /// Extra 18-week waiters allowed on the date (patients).
    pub tolerance: u64,
    pub by: NaiveDate,
    /// Share of replications that must meet the target, above 0 and below 1.
    pub confidence: f64,
    /// The most lists (and clinics) a catch-up day tried.
    pub max: u32,
    pub replications: Option<u64>,
    pub seed: Option<u64>,
    pub threads: usize,
}

/// One candidate's result on the shared replications.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    /// Theatre lists and clinics per specialty per catch-up day.
    pub sessions_a_day: u32,
    /// Share of replications within the tolerance on the date.
    pub share_met: f64,
    pub met: bool,
    /// Mean extra 18-week waiters on the date.
    pub extra_over_18w_mean: f64,
    /// Mean catch-up sessions run over the whole run, with its 95% interval.
    pub sessions_run: (f64, f64, f64),
    /// Mean cost of those sessions at the `[costs]` prices, with its 95%
    /// interval (pounds).
    pub catch_up_cost: (f64, f64, f64),
    /// Mean net cost of the plan against no strike (income at risk, cover
    /// and catch-up), with its 95% interval (pounds).
    pub net_cost: (f64, f64, f64),
}

/// The answer of a goal seek.
#[derive(Debug, Clone)]
pub struct SeekSummary {
    pub plan: String,
    pub by: NaiveDate,
    pub tolerance: u64,
    pub confidence: f64,
    pub replications: u64,
    pub seed: u64,
    /// The plan's catch-up weeks and days, in words.
    pub schedule: String,
    pub answer: Candidate,
    /// `answer - 1`, on the same replications (None when the answer is 0).
    pub below: Option<Candidate>,
    /// 95% Wilson interval of the share meeting the target at the answer.
    pub wilson: (f64, f64),
    /// Every candidate tried, by sessions a day.
    pub tried: Vec<Candidate>,
}

/// A checked goal seek, ready to evaluate candidates.
pub struct Seek {
    source: Source,
    /// The document with only the chosen plan.
    doc: Table,
    /// The plan's own catch-up staff pool and lists + clinics.
    staff: Table,
    own_sessions: u32,
    day: i64,
    options: SeekOptions,
    replications: u64,
    seed: u64,
}

impl Seek {
    /// Read the scenario and check the options against it.
    pub fn new(options: SeekOptions) -> Result<Seek, AppError> {
        let source = Source::read(options.scenario.as_deref())?;
        let file = source.scenario.file();
        let Some(p) = file.plans.iter().position(|x| x.name == options.plan) else {
            return Err(SweepError::SeekPlan {
                plan: options.plan.clone(),
                plans: plan_names(file),
            }
            .into());
        };
        let own_sessions = file.plans[p]
            .catch_up
            .as_ref()
            .map_or(0, |c| c.theatre_lists.get() + c.clinics.get());
        if own_sessions == 0 {
            return Err(SweepError::SeekNoCatchUp {
                plan: options.plan.clone(),
            }
            .into());
        }
        if !(options.confidence > 0.0 && options.confidence < 1.0) {
            return Err(SweepError::SeekOption {
                flag: "--confidence",
                found: options.confidence.to_string(),
                allowed: "a share above 0 and below 1, such as 0.9".into(),
            }
            .into());
        }
        if !(1..=200).contains(&options.max) {
            return Err(SweepError::SeekOption {
                flag: "--max",
                found: options.max.to_string(),
                allowed: "1 to 200 lists a catch-up day".into(),
            }
            .into());
        }
        let replications = replications_of(options.replications, &source.scenario)?;
        let seed = options.seed.unwrap_or(file.seed);
        let mut doc = source.doc.clone();
        let plan = plans(&mut doc).remove(p);
        let staff = plan
            .get("catch_up")
            .and_then(|c| c.get("staff"))
            .and_then(Value::as_table)
            .cloned()
            .unwrap_or_default();
        *plans(&mut doc) = vec![plan];
        let world = source.scenario.world();
        let day = world.dates.day_of(options.by);
        let (first, last) = (world.after_walkouts_day, world.days);
        if day < first || day > last {
            return Err(SweepError::SeekOption {
                flag: "--by",
                found: options.by.to_string(),
                allowed: format!(
                    "a date from {} (the day after the last walkout) to {} (the end of the run)",
                    world.dates.date(first),
                    world.dates.date(last)
                ),
            }
            .into());
        }
        Ok(Seek {
            source,
            doc,
            staff,
            own_sessions,
            day,
            options,
            replications,
            seed,
        })
    }

    /// The scenario with `k` catch-up lists and clinics a day.
    pub fn scenario(&self, k: u32) -> Result<Scenario, SweepError> {
        let mut doc = self.doc.clone();
        let plan = plans(&mut doc)[0].as_table_mut().expect("a plan table");
        let catch_up = plan
            .get_mut("catch_up")
            .and_then(Value::as_table_mut)
            .expect("checked: the plan has a catch-up");
        catch_up.insert("theatre_lists".into(), Value::Integer(i64::from(k)));
        catch_up.insert("clinics".into(), Value::Integer(i64::from(k)));
        if k > 0 {
            let mut staff = self.staff.clone();
            for (_, v) in staff.iter_mut() {
                if let Some(n) = v.as_integer() {
                    let own = i64::from(self.own_sessions);
                    let scaled = (n * 2 * i64::from(k) + own - 1) / own;
                    *v = Value::Integer(scaled);
                }
            }
            catch_up.insert("staff".into(), Value::Table(staff));
        }
        self.source.rebuild(
            &doc,
            &format!("seek: a catch-up of {k} list(s) and {k} clinic(s) a day"),
        )
    }

    /// Run candidate `k` on the seek's replications.
    pub fn evaluate(
        &self,
        k: u32,
        threads: usize,
        progress: &dyn Progress,
    ) -> Result<Candidate, AppError> {
        let scenario = self.scenario(k)?;
        let world = scenario.world();
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .map_err(|source| EnsembleError::ThreadPool { threads, source })?;
        let day = self.day as usize;
        let seed = self.seed;
        let done = AtomicU64::new(0);
        progress.start(self.replications);
        let values: Vec<(f64, [f64; 3])> = pool.install(|| {
            let warm = WarmStart::new(&world, seed, &|| {});
            (0..self.replications)
                .into_par_iter()
                .map(|r| {
                    let out = simulate_replication_from(&warm, &world, seed, r);
                    let (cf, plan) = (&out.branches[0], &out.branches[1]);
                    let extra = plan.daily[day].over_18w() as f64 - cf.daily[day].over_18w() as f64;
                    let row = metric_row(&world, plan, out.walkouts_only(1), cf, out.recovery[1]);
                    progress.update(done.fetch_add(1, Ordering::Relaxed) + 1);
                    let of = |m: Metric| row[m as usize];
                    (
                        extra,
                        [
                            of(Metric::CatchUpSessionsRun),
                            of(Metric::CostOfCatchUp),
                            of(Metric::NetCost),
                        ],
                    )
                })
                .collect()
        });
        progress.finish();
        let n = values.len().max(1) as f64;
        let within = values
            .iter()
            .filter(|(e, _)| *e <= self.options.tolerance as f64)
            .count() as f64;
        let share_met = within / n;
        let extra: Vec<f64> = values.iter().map(|v| v.0).collect();
        let summary = |i: usize| {
            let column: Vec<f64> = values.iter().map(|v| v.1[i]).collect();
            let s = summarise(&column);
            (s.mean, s.ci95_low, s.ci95_high)
        };
        Ok(Candidate {
            sessions_a_day: k,
            share_met,
            met: share_met >= self.options.confidence,
            extra_over_18w_mean: summarise(&extra).mean,
            sessions_run: summary(0),
            catch_up_cost: summary(1),
            net_cost: summary(2),
        })
    }

    /// Search for the fewest sessions a day that meet the target.
    pub fn search(&self, progress: &dyn Progress) -> Result<SeekSummary, AppError> {
        let threads = effective_threads(self.options.threads)?;
        let mut tried: BTreeMap<u32, Candidate> = BTreeMap::new();
        let mut eval = |k: u32| -> Result<bool, AppError> {
            if let Some(c) = tried.get(&k) {
                return Ok(c.met);
            }
            let c = self.evaluate(k, threads, progress)?;
            let met = c.met;
            tried.insert(k, c);
            Ok(met)
        };
        let max = self.options.max;
        let answer = if eval(0)? {
            0
        } else {
            // Doubling: `lo` fails, find an `hi` that meets.
            let (mut lo, mut hi) = (0u32, 1u32);
            loop {
                if eval(hi)? {
                    break;
                }
                if hi == max {
                    let at_max = &tried[&max];
                    return Err(SweepError::SeekNotMet {
                        max,
                        share_met: share_words(at_max.share_met),
                        confidence: share_words(self.options.confidence),
                    }
                    .into());
                }
                lo = hi;
                hi = (hi * 2).min(max);
            }
            // Bisection, keeping `lo` failing and `hi` meeting.
            while hi - lo > 1 {
                let mid = lo + (hi - lo) / 2;
                if eval(mid)? {
                    hi = mid;
                } else {
                    lo = mid;
                }
            }
            hi
        };
        let catch_up = self.source.scenario.file().plans[self
            .source
            .scenario
            .file()
            .plans
            .iter()
            .position(|p| p.name == self.options.plan)
            .expect("checked")]
        .catch_up
        .clone()
        .expect("checked");
        let days: Vec<String> = catch_up.days.iter().map(|d| format!("{d:?}")).collect();
        let answer_c = tried[&answer].clone();
        Ok(SeekSummary {
            plan: self.options.plan.clone(),
            by: self.options.by,
            tolerance: self.options.tolerance,
            confidence: self.options.confidence,
            replications: self.replications,
            seed: self.seed,
            schedule: format!(
                "{} week(s), on {}, starting {} day(s) after the last walkout",
                catch_up.weeks.get(),
                days.join(", "),
                catch_up.start_days_after.get()
            ),
            wilson: wilson(answer_c.share_met, self.replications),
            below: answer.checked_sub(1).map(|b| tried[&b].clone()),
            answer: answer_c,
            tried: tried.into_values().collect(),
        })
    }
}

/// `strikesim seek`: check, then search.
pub fn seek(options: SeekOptions, progress: &dyn Progress) -> Result<SeekSummary, AppError> {
    let seek = Seek::new(options)?;
    warn_all(&seek.source.scenario, progress);
    seek.search(progress)
}

/// A share as a percentage in words.
pub fn share_words(p: f64) -> String {
    format!("{:.1}%", p * 100.0)
}

/// The 95% Wilson score interval of a share `p` of `n`.
pub fn wilson(p: f64, n: u64) -> (f64, f64) {
    if n == 0 {
        return (0.0, 1.0);
    }
    let z = 1.959_963_985_f64;
    let n = n as f64;
    let z2 = z * z;
    let centre = (p + z2 / (2.0 * n)) / (1.0 + z2 / n);
    let half = z * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt() / (1.0 + z2 / n);
    ((centre - half).max(0.0), (centre + half).min(1.0))
}

#[cfg(test)]
mod tests {
    use super::wilson;

    #[test]
    fn wilson_interval_of_known_shares() {
        // 9 of 10: 0.596 to 0.982 (Wilson 1927, as tabulated by Newcombe 1998).
        let (lo, hi) = wilson(0.9, 10);
        assert!(
            (lo - 0.5958).abs() < 1e-3 && (hi - 0.9821).abs() < 1e-3,
            "{lo} {hi}"
        );
        let (lo, hi) = wilson(1.0, 20);
        assert!((lo - 0.8389).abs() < 1e-3 && hi == 1.0, "{lo} {hi}");
    }
}
