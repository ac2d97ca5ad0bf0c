//! The metrics reported per replication and plan, and how each is computed
//! from a branch's outcome and the counterfactual's in the same replication.

use crate::model::outcome::{BranchOutcome, ListState};
use crate::model::World;

/// A reported metric: its column name, unit and meaning.
#[derive(Debug, Clone, Copy)]
pub struct MetricInfo {
    pub name: &'static str,
    pub unit: &'static str,
    pub description: &'static str,
}

macro_rules! metrics {
    ($($id:ident = $name:literal, $unit:literal, $desc:literal;)*) => {
        /// Index of each metric in a row.
        #[allow(non_camel_case_types)]
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum Metric { $($id),* }

        /// Every metric, in column order.
        pub const METRICS: &[MetricInfo] = &[
            $(MetricInfo { name: $name, unit: $unit, description: $desc }),*
        ];
    };
}

metrics! {
    elective_cancelled = "elective_cancelled", "operations",
        "Elective admissions (inpatient and day case) cancelled in the walkout window, in advance or on the day.";
    elective_cancelled_in_advance = "elective_cancelled_in_advance", "operations",
        "Elective admissions stood down in advance (patients told days ahead).";
    elective_cancelled_on_day = "elective_cancelled_on_day", "operations",
        "Elective admissions cancelled on the day (unstaffed lists and background non-clinical cancellations).";
    elective_cancelled_inpatient = "elective_cancelled_inpatient", "operations",
        "Inpatient admissions cancelled, in advance or on the day.";
    elective_cancelled_day_case = "elective_cancelled_day_case", "operations",
        "Day-case admissions cancelled, in advance or on the day.";
    elective_cancelled_in_advance_inpatient = "elective_cancelled_in_advance_inpatient", "operations",
        "Inpatient admissions stood down in advance.";
    elective_cancelled_in_advance_day_case = "elective_cancelled_in_advance_day_case", "operations",
        "Day-case admissions stood down in advance.";
    elective_cancelled_on_day_inpatient = "elective_cancelled_on_day_inpatient", "operations",
        "Inpatient admissions cancelled on the day.";
    elective_cancelled_on_day_day_case = "elective_cancelled_on_day_day_case", "operations",
        "Day-case admissions cancelled on the day.";
    outpatient_cancelled = "outpatient_cancelled", "appointments",
        "Outpatient appointments (new and follow-up) cancelled in the walkout window.";
    outpatient_cancelled_new = "outpatient_cancelled_new", "appointments",
        "New (first) outpatient appointments cancelled.";
    outpatient_cancelled_follow_up = "outpatient_cancelled_follow_up", "appointments",
        "Follow-up outpatient appointments cancelled.";
    rebooked_within_28d = "rebooked_within_28d", "patients",
        "Operations cancelled on the day in the walkout window given a new date within the binding days (28-day rule).";
    not_rebooked_within_28d = "not_rebooked_within_28d", "patients",
        "Operations cancelled on the day in the walkout window not given a date within the binding days.";
    elective_planned_walkout = "elective_planned_walkout", "operations",
        "Elective admissions booked on walkout days (when due or when stood down).";
    elective_activity_lost_pct = "elective_activity_lost_pct", "%",
        "Share of the counterfactual's planned admissions on walkout days that did not take place.";
    rtt_list_end = "rtt_list_end", "patients",
        "RTT waiting list (incomplete pathways) at the end of the run.";
    rtt_within_18w_pct_end = "rtt_within_18w_pct_end", "%",
        "Share of the waiting list within 18 weeks at the end of the run (standard: 92%).";
    rtt_over_18w_end = "rtt_over_18w_end", "patients",
        "Patients waiting over 18 weeks at the end of the run.";
    rtt_over_52w_end = "rtt_over_52w_end", "patients",
        "Patients waiting over 52 weeks at the end of the run.";
    extra_waiters_end = "extra_waiters_end", "patients",
        "Waiting list at the end minus the counterfactual's in the same replication.";
    recovery_days = "recovery_days", "days",
        "Days after the walkout until the list and 18-week performance stay within tolerance of the counterfactual (the whole horizon if never).";
    recovered = "recovered", "share",
        "1 if the plan recovered within the horizon, 0 if not (censored).";
}

/// Number of metrics.
pub const N_METRICS: usize = METRICS.len();

/// One row of metric values.
pub type MetricRow = [f64; N_METRICS];

/// Days from the end of the walkouts until `branch` is back within
/// tolerance of `cf` (no more than the tolerance above its list, below its
/// 18-week performance) and stays there; `None` if it never is.
pub fn recovery_day(world: &World, branch: &[ListState], cf: &[ListState]) -> Option<i64> {
    let from = world.after_walkouts_day.max(0) as usize;
    let within = |b: &ListState, c: &ListState| {
        let list_tol = world.recovery_list_pct.get() / 100.0 * c.waiting as f64;
        // One-sided: doing better than the counterfactual counts.
        b.waiting as f64 - c.waiting as f64 <= list_tol
            && c.within_18w_pct() - b.within_18w_pct() <= world.recovery_points.get()
    };
    let n = branch.len().min(cf.len());
    if from >= n {
        return None;
    }
    // Walk back from the end while within tolerance.
    let mut first_ok = n;
    for d in (from..n).rev() {
        if within(&branch[d], &cf[d]) {
            first_ok = d;
        } else {
            break;
        }
    }
    (first_ok < n).then(|| (first_ok - from) as i64)
}

/// The metric row of `branch`, paired with the counterfactual `cf` of the
/// same replication.
pub fn metric_row(world: &World, branch: &BranchOutcome, cf: &BranchOutcome) -> MetricRow {
    use Metric as M;
    let c = &branch.counters;
    let end = branch.daily.last().copied().unwrap_or_default();
    let cf_end = cf.daily.last().copied().unwrap_or_default();
    let mut row = [0.0; N_METRICS];
    let mut set = |m: Metric, v: f64| row[m as usize] = v;
    let f = |v: u64| v as f64;
    set(
        M::elective_cancelled_in_advance_inpatient,
        f(c.elective_in_advance[0]),
    );
    set(
        M::elective_cancelled_in_advance_day_case,
        f(c.elective_in_advance[1]),
    );
    set(
        M::elective_cancelled_on_day_inpatient,
        f(c.elective_on_day[0]),
    );
    set(
        M::elective_cancelled_on_day_day_case,
        f(c.elective_on_day[1]),
    );
    let in_advance = c.elective_in_advance[0] + c.elective_in_advance[1];
    let on_day = c.elective_on_day[0] + c.elective_on_day[1];
    set(M::elective_cancelled_in_advance, f(in_advance));
    set(M::elective_cancelled_on_day, f(on_day));
    set(M::elective_cancelled, f(in_advance + on_day));
    set(
        M::elective_cancelled_inpatient,
        f(c.elective_in_advance[0] + c.elective_on_day[0]),
    );
    set(
        M::elective_cancelled_day_case,
        f(c.elective_in_advance[1] + c.elective_on_day[1]),
    );
    set(M::outpatient_cancelled_new, f(c.outpatient[0]));
    set(M::outpatient_cancelled_follow_up, f(c.outpatient[1]));
    set(
        M::outpatient_cancelled,
        f(c.outpatient[0] + c.outpatient[1]),
    );
    set(M::rebooked_within_28d, f(c.rebooked_within));
    set(M::not_rebooked_within_28d, f(c.rebooked_late));
    set(M::elective_planned_walkout, f(c.elective_planned_walkout));
    let planned = cf.counters.elective_planned_walkout;
    set(
        M::elective_activity_lost_pct,
        if planned == 0 {
            0.0
        } else {
            100.0 * (f(planned) - f(c.elective_done_walkout)) / f(planned)
        },
    );
    set(M::rtt_list_end, f(end.waiting));
    set(M::rtt_within_18w_pct_end, end.within_18w_pct());
    set(M::rtt_over_18w_end, f(end.over_18w()));
    set(M::rtt_over_52w_end, f(end.over_52w));
    set(M::extra_waiters_end, f(end.waiting) - f(cf_end.waiting));
    let horizon = world.days - world.after_walkouts_day;
    match recovery_day(world, &branch.daily, &cf.daily) {
        Some(d) => {
            set(M::recovery_days, d as f64);
            set(M::recovered, 1.0);
        }
        None => {
            set(M::recovery_days, horizon as f64);
            set(M::recovered, 0.0);
        }
    }
    row
}

/// Weekly series reported in weekly.csv.
pub const WEEKLY_METRICS: [&str; 5] = [
    "waiting_list",
    "within_18w_pct",
    "over_18w",
    "over_52w",
    "extra_waiters",
];

/// Scale of `within_18w_pct` in the weekly histograms (hundredths of a
/// percentage point), so that they hold integers.
pub const PCT_SCALE: f64 = 100.0;

/// The weekly values of a branch on `day`, as integers for the histograms.
pub fn weekly_values(branch: &ListState, cf: &ListState) -> [i64; 5] {
    [
        branch.waiting as i64,
        (branch.within_18w_pct() * PCT_SCALE).round() as i64,
        branch.over_18w() as i64,
        branch.over_52w as i64,
        branch.waiting as i64 - cf.waiting as i64,
    ]
}
