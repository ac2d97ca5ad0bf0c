//! The metrics reported per replication and plan, and the weekly series:
//! their names, units, labels and meanings, and how each is computed from a
//! branch's outcome and the counterfactual's in the same replication.
//!
//! This is the only place metric names are written. The tables, the run
//! files read back, the report and the charts all name metrics through
//! [`Metric`] and [`WeeklyMetric`].
//!
//! # Adding a metric
//!
//! 1. Add an entry to the `metrics!` list below: variant, CSV name, unit,
//!    whether the board's comparison table shows it, label, description.
//!    Its position is its column in `replications.csv` and its rows' order
//!    in `summary.csv` (unless [`Metric::in_summary`] leaves it out).
//! 2. Add its computation to [`Metric::value`] (the compiler asks for it).
//!    If it is a difference between branches (it can be negative), add it
//!    to [`Metric::is_difference`], so its interval is not clamped at 0.
//!    A plan's run without its catch-up is there too
//!    (`BranchInputs::walkouts_only_end`, the plan's own for a plan without
//!    one), for metrics that split what the walkouts did from what the
//!    catch-up did.
//!    If it needs a count the model does not keep yet, add a field to
//!    `model::outcome::Counters` (summed across trusts automatically).
//! 3. Describe it in README.md's metric table; regenerate the test fixture
//!    `tests/fixtures/run_small` (`tests/fixtures/gen_run_small.py`), since
//!    a run without every metric is refused when read back.
//!
//! A weekly series is the same, in `weekly.rs`: an entry in
//! `weekly_metrics!` and its value in [`WeeklyMetric::histogram_value`].

use super::recovery::{BranchRecovery, Recovery};
use crate::model::costs::CostModel;
use crate::model::outcome::{
    BranchOutcome, Counters, ListState, FLOW_ADMITTED, FLOW_NON_ADMITTED, FLOW_REFERRED,
    FLOW_REMOVED,
};
use crate::model::World;

mod weekly;
pub use weekly::*;

/// What a metric counts, as `manifest.json` names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    Operations,
    Appointments,
    Patients,
    /// A percentage, 0 to 100.
    Percent,
    /// A difference between two percentages (can be negative).
    PercentagePoints,
    Days,
    /// A 0-1 share.
    Share,
    Trusts,
    /// Consultant half-day sessions, or catch-up lists and clinics.
    Sessions,
    /// Pounds sterling.
    Pounds,
}

impl Unit {
    /// The unit as written in `manifest.json`.
    pub fn name(self) -> &'static str {
        match self {
            Unit::Operations => "operations",
            Unit::Appointments => "appointments",
            Unit::Patients => "patients",
            Unit::Percent => "%",
            Unit::PercentagePoints => "percentage points",
            Unit::Days => "days",
            Unit::Share => "share",
            Unit::Trusts => "trusts",
            Unit::Sessions => "sessions",
            Unit::Pounds => "£",
        }
    }
}

macro_rules! metrics {
    ($($id:ident {
        name: $name:literal,
        unit: $unit:ident,
        board: $board:literal,
        label: $label:literal,
        description: $desc:literal $(,)?
    })*) => {
        /// A metric of one plan in one replication; its position in
        /// [`Metric::ALL`] is its column.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Metric { $($id),* }

        impl Metric {
            /// Every metric, in column order.
            pub const ALL: &'static [Metric] = &[$(Metric::$id),*];

            /// The column name in the CSV files.
            pub fn name(self) -> &'static str {
                match self { $(Metric::$id => $name),* }
            }

            pub fn unit(self) -> Unit {
                match self { $(Metric::$id => Unit::$unit),* }
            }

            /// Whether the board report's comparison table shows it.
            pub fn on_board(self) -> bool {
                match self { $(Metric::$id => $board),* }
            }

            /// What people read: a row label in the report.
            pub fn label(self) -> &'static str {
                match self { $(Metric::$id => $label),* }
            }

            /// Its meaning, one sentence, for `manifest.json`.
            pub fn description(self) -> &'static str {
                match self { $(Metric::$id => $desc),* }
            }
        }
    };
}

metrics! {
    ElectiveCancelled {
        name: "elective_cancelled", unit: Operations, board: true,
        label: "Elective operations cancelled",
        description: "Elective admissions (inpatient and day case) cancelled in the counting window (from 14 days before the first walkout to the day after the last), in advance or on the day.",
    }
    ElectiveCancelledInAdvance {
        name: "elective_cancelled_in_advance", unit: Operations, board: true,
        label: "Elective operations stood down in advance",
        description: "Elective admissions stood down in advance (patients told days ahead).",
    }
    ElectiveCancelledOnDay {
        name: "elective_cancelled_on_day", unit: Operations, board: true,
        label: "Elective operations cancelled on the day",
        description: "Elective admissions cancelled on the day (unstaffed lists, inpatients the ward could not cover through a walkout, and background non-clinical cancellations).",
    }
    ElectiveCancelledInpatient {
        name: "elective_cancelled_inpatient", unit: Operations, board: false,
        label: "Inpatient operations cancelled",
        description: "Inpatient admissions cancelled, in advance or on the day.",
    }
    ElectiveCancelledDayCase {
        name: "elective_cancelled_day_case", unit: Operations, board: false,
        label: "Day-case operations cancelled",
        description: "Day-case admissions cancelled, in advance or on the day.",
    }
    ElectiveCancelledInAdvanceInpatient {
        name: "elective_cancelled_in_advance_inpatient", unit: Operations, board: false,
        label: "Inpatient operations stood down in advance",
        description: "Inpatient admissions stood down in advance.",
    }
    ElectiveCancelledInAdvanceDayCase {
        name: "elective_cancelled_in_advance_day_case", unit: Operations, board: false,
        label: "Day-case operations stood down in advance",
        description: "Day-case admissions stood down in advance.",
    }
    ElectiveCancelledOnDayInpatient {
        name: "elective_cancelled_on_day_inpatient", unit: Operations, board: false,
        label: "Inpatient operations cancelled on the day",
        description: "Inpatient admissions cancelled on the day.",
    }
    ElectiveCancelledOnDayDayCase {
        name: "elective_cancelled_on_day_day_case", unit: Operations, board: false,
        label: "Day-case operations cancelled on the day",
        description: "Day-case admissions cancelled on the day.",
    }
    OutpatientCancelled {
        name: "outpatient_cancelled", unit: Appointments, board: true,
        label: "Outpatient appointments cancelled",
        description: "Outpatient appointments (new and follow-up) cancelled in the counting window.",
    }
    OutpatientCancelledNew {
        name: "outpatient_cancelled_new", unit: Appointments, board: false,
        label: "New outpatient appointments cancelled",
        description: "New (first) outpatient appointments cancelled.",
    }
    OutpatientCancelledFollowUp {
        name: "outpatient_cancelled_follow_up", unit: Appointments, board: false,
        label: "Follow-up outpatient appointments cancelled",
        description: "Follow-up outpatient appointments cancelled.",
    }
    RebookedWithin28d {
        name: "rebooked_within_28d", unit: Patients, board: true,
        label: "On-the-day cancellations rebooked within 28 days",
        description: "Operations cancelled on the day in the counting window given a new date within the binding days (28-day rule).",
    }
    NotRebookedWithin28d {
        name: "not_rebooked_within_28d", unit: Patients, board: true,
        label: "On-the-day cancellations not rebooked within 28 days",
        description: "Operations cancelled on the day in the counting window not given a date within the binding days.",
    }
    ElectivePlannedWalkout {
        name: "elective_planned_walkout", unit: Operations, board: false,
        label: "Elective operations planned on walkout days",
        description: "Elective admissions booked on walkout days (when due or when stood down).",
    }
    ElectiveActivityLostPct {
        name: "elective_activity_lost_pct", unit: Percent, board: true,
        label: "Elective activity lost on walkout days",
        description: "Share of the counterfactual's planned admissions on walkout days that did not take place.",
    }
    ConsultantActDown {
        name: "consultant_act_down", unit: Sessions, board: false,
        label: "Consultant sessions acting down",
        description: "Consultant half-day sessions spent acting down into junior places in the counting window.",
    }
    ConsultantActDownOwnSession {
        name: "consultant_act_down_own_session", unit: Sessions, board: false,
        label: "Of which a consultant gave up their own list or clinic",
        description: "Consultant sessions acting down for which a consultant's own list or clinic went unstaffed (cancelled on the day), once no consultant was spare.",
    }
    CatchUpPlanned {
        name: "catch_up_planned", unit: Sessions, board: false,
        label: "Catch-up sessions planned",
        description: "Catch-up theatre lists and clinics the plan asked for over the whole run.",
    }
    RttListEnd {
        name: "rtt_list_end", unit: Patients, board: true,
        label: "RTT waiting list at end",
        description: "RTT waiting list (incomplete pathways) at the end of the run.",
    }
    RttWithin18wPctEnd {
        name: "rtt_within_18w_pct_end", unit: Percent, board: true,
        label: "Within 18 weeks at end",
        description: "Share of the waiting list within 18 weeks at the end of the run (standard: 92%).",
    }
    RttOver18wEnd {
        name: "rtt_over_18w_end", unit: Patients, board: true,
        label: "Waiting over 18 weeks at end",
        description: "Patients waiting over 18 weeks at the end of the run.",
    }
    RttOver52wEnd {
        name: "rtt_over_52w_end", unit: Patients, board: true,
        label: "Waiting over 52 weeks at end",
        description: "Patients waiting over 52 weeks at the end of the run.",
    }
    ExtraWaitersEnd {
        name: "extra_waiters_end", unit: Patients, board: false,
        label: "Extra patients waiting at end",
        description: "Waiting list at the end minus the counterfactual's in the same replication.",
    }
    NoLoss {
        name: "no_loss", unit: Share, board: false,
        label: "Replications with no loss to recover from",
        description: "1 if the walkouts left no trust more than the recovery tolerance (in patients) of extra waiters at any time, 0 if they did.",
    }
    Recovered {
        name: "recovered", unit: Share, board: false,
        label: "Replications that lost and recovered within the run",
        description: "1 if the walkouts caused a loss and every trust that lost was back within tolerance of its peak extra waiters, and stayed there, before the end; 0 if not (no loss, or censored).",
    }
    RecoveryDays {
        name: "recovery_days", unit: Days, board: false,
        label: "Days to recover, or to the end of the run if censored",
        description: "Days from the end of the walkouts until the last trust that lost recovered (recovered = 1), or until the end of the run (censored, recovered = 0 and no_loss = 0); 0 with no loss. A time with censoring: summarise it with Kaplan-Meier among replications with a loss, never by its mean.",
    }
    TrustsNotRecovered {
        name: "trusts_not_recovered", unit: Trusts, board: false,
        label: "Trusts not recovered by the end",
        description: "Trusts whose extra waiters were above the recovery tolerance at some time and were not back within it for good by the end of the run (one is enough to leave the replication censored).",
    }
    CatchUpSessionsRun {
        name: "catch_up_sessions_run", unit: Sessions, board: false,
        label: "Catch-up sessions run",
        description: "The plan's catch-up theatre lists and clinics that were staffed and ran, over the whole run (0 for a plan without catch-up).",
    }
    CatchUpOperations {
        name: "catch_up_operations", unit: Operations, board: false,
        label: "Operations done in catch-up lists",
        description: "Elective admissions done (not cancelled) in the plan's catch-up theatre lists, over the whole run.",
    }
    CatchUpFirstAppointments {
        name: "catch_up_first_appointments", unit: Appointments, board: false,
        label: "First appointments seen in catch-up clinics",
        description: "First outpatient appointments attended in the plan's catch-up clinics, over the whole run.",
    }
    WalkoutExtraWaitersAfterWalkouts {
        name: "walkout_extra_waiters_after_walkouts", unit: Patients, board: false,
        label: "Extra patients waiting the day after the last walkout, because of the walkouts",
        description: "The walkouts' effect on the list: the waiting list of the plan without its catch-up minus the counterfactual's, in the same replication, on the day after the last walkout (for a plan without catch-up, its own list).",
    }
    WalkoutExtraWaitersEnd {
        name: "walkout_extra_waiters_end", unit: Patients, board: false,
        label: "Extra patients waiting at end, because of the walkouts",
        description: "The walkouts' effect on the list at the end of the run: the waiting list of the plan without its catch-up minus the counterfactual's, in the same replication (for a plan without catch-up, equal to extra_waiters_end).",
    }
    CatchUpExtraWaitersEnd {
        name: "catch_up_extra_waiters_end", unit: Patients, board: false,
        label: "Change in patients waiting at end from the catch-up",
        description: "The catch-up's effect on the list at the end of the run: the plan's waiting list minus the same plan's without its catch-up, in the same replication; negative when the catch-up took patients off the list, 0 without a catch-up. walkout_extra_waiters_end + catch_up_extra_waiters_end = extra_waiters_end.",
    }
    WalkoutExtraOver18wEnd {
        name: "walkout_extra_over_18w_end", unit: Patients, board: false,
        label: "Extra patients waiting over 18 weeks at end, because of the walkouts",
        description: "Patients waiting over 18 weeks at the end, the plan without its catch-up minus the counterfactual, in the same replication.",
    }
    CatchUpExtraOver18wEnd {
        name: "catch_up_extra_over_18w_end", unit: Patients, board: false,
        label: "Change in patients waiting over 18 weeks at end from the catch-up",
        description: "Patients waiting over 18 weeks at the end, the plan minus the same plan without its catch-up (negative: fewer); with walkout_extra_over_18w_end it adds up to the plan's effect on rtt_over_18w_end.",
    }
    ListAtWalkout {
        name: "list_at_walkout", unit: Patients, board: false,
        label: "Patients waiting at 00:00 on the first walkout day",
        description: "The RTT waiting list at 00:00 on the first walkout day, where the waterfall starts.",
    }
    ReferredSinceWalkout {
        name: "referred_since_walkout", unit: Patients, board: false,
        label: "Referred from the first walkout day to the end",
        description: "New RTT pathways (referrals) from 00:00 on the first walkout day to the end of the run.",
    }
    TreatedAdmittedSinceWalkout {
        name: "treated_admitted_since_walkout", unit: Patients, board: false,
        label: "Treated as admissions from the first walkout day to the end",
        description: "Pathways ended by an elective admission (inpatient or day case) from 00:00 on the first walkout day to the end of the run.",
    }
    TreatedNonAdmittedSinceWalkout {
        name: "treated_non_admitted_since_walkout", unit: Patients, board: false,
        label: "Treated without admission from the first walkout day to the end",
        description: "Pathways ended without an admission (treated in outpatients or discharged) from 00:00 on the first walkout day to the end of the run.",
    }
    RemovedSinceWalkout {
        name: "removed_since_walkout", unit: Patients, board: false,
        label: "Removed untreated from the first walkout day to the end",
        description: "Patients taken off the list untreated (validation, declining two dates) from 00:00 on the first walkout day to the end of the run. The list on the walkout day plus the referred less the treated and removed is the list at the end.",
    }
    IncomeAtRisk {
        name: "income_at_risk", unit: Pounds, board: true,
        label: "Income at risk",
        description: "Elective and outpatient income lost against the counterfactual in the same replication, at the [costs] prices: with rebooked_within_year (the default), the fall in inpatient spells, day cases and outpatient attendances done from the start of the counting window to the end of the financial year (31 March); without it, the value of the extra cancelled operations and appointments. Negative: more income than without the strike (a catch-up's extra activity).",
    }
    CostOfCover {
        name: "cost_of_cover", unit: Pounds, board: true,
        label: "Cost of consultant cover",
        description: "Consultant sessions acting down in the counting window, four hours each, at the [costs] hourly rate.",
    }
    CostOfCatchUp {
        name: "cost_of_catch_up", unit: Pounds, board: true,
        label: "Cost of catch-up lists and clinics",
        description: "The plan's catch-up theatre lists and clinics that ran, each at its [costs] price, over the whole run.",
    }
    NetCost {
        name: "net_cost", unit: Pounds, board: true,
        label: "Net cost",
        description: "Income at risk plus the cost of cover and of catch-up, in pounds; its effect is the strike's cost to the trust against the counterfactual in the same replication.",
    }
}

impl Metric {
    /// Number of metrics.
    pub const COUNT: usize = Metric::ALL.len();

    /// Does it count whole operations, appointments or patients? Its
    /// percentiles are then replications' own values, written as integers.
    pub fn is_count(self) -> bool {
        matches!(
            self.unit(),
            Unit::Operations | Unit::Appointments | Unit::Patients | Unit::Trusts | Unit::Sessions
        )
    }

    /// The values it can take: a confidence interval of its mean is kept
    /// within them. Counts, days and shares cannot go below 0, percentages
    /// and shares above 100%; a difference between branches
    /// ([`Metric::is_difference`]) can be negative.
    pub fn range(self) -> (f64, f64) {
        match (self, self.unit()) {
            (m, _) if m.is_difference() => (f64::NEG_INFINITY, f64::INFINITY),
            (_, Unit::Percent) => (0.0, 100.0),
            (_, Unit::PercentagePoints) => (-100.0, 100.0),
            (_, Unit::Share) => (0.0, 1.0),
            _ => (0.0, f64::INFINITY),
        }
    }

    /// Is it a difference between two branches of the same replication
    /// (it can be negative)?
    pub fn is_difference(self) -> bool {
        use Metric as M;
        matches!(
            self,
            M::ExtraWaitersEnd
                | M::WalkoutExtraWaitersAfterWalkouts
                | M::WalkoutExtraWaitersEnd
                | M::CatchUpExtraWaitersEnd
                | M::WalkoutExtraOver18wEnd
                | M::CatchUpExtraOver18wEnd
                | M::IncomeAtRisk
                | M::NetCost
        )
    }

    /// Does `summary.csv` summarise it over replications (mean, interval,
    /// percentiles)? Not [`Metric::RecoveryDays`]: it is a time with
    /// censoring, so a mean or percentile of it would count the end of the
    /// run as a time to recover. Its summary is the Kaplan-Meier estimate
    /// the report, console and chart compute from `replications.csv`.
    pub fn in_summary(self) -> bool {
        self != Metric::RecoveryDays
    }

    /// The metric whose CSV name is `name`.
    pub fn from_name(name: &str) -> Option<Metric> {
        Metric::ALL.iter().copied().find(|m| m.name() == name)
    }

    /// The value of this metric for one branch of one replication.
    fn value(self, b: &BranchInputs) -> f64 {
        use Metric as M;
        let f = |v: u64| v as f64;
        let c = b.counters;
        let in_advance = c.elective_in_advance[0] + c.elective_in_advance[1];
        let on_day = c.elective_on_day[0] + c.elective_on_day[1];
        match self {
            M::ElectiveCancelled => f(in_advance + on_day),
            M::ElectiveCancelledInAdvance => f(in_advance),
            M::ElectiveCancelledOnDay => f(on_day),
            M::ElectiveCancelledInpatient => f(c.elective_in_advance[0] + c.elective_on_day[0]),
            M::ElectiveCancelledDayCase => f(c.elective_in_advance[1] + c.elective_on_day[1]),
            M::ElectiveCancelledInAdvanceInpatient => f(c.elective_in_advance[0]),
            M::ElectiveCancelledInAdvanceDayCase => f(c.elective_in_advance[1]),
            M::ElectiveCancelledOnDayInpatient => f(c.elective_on_day[0]),
            M::ElectiveCancelledOnDayDayCase => f(c.elective_on_day[1]),
            M::OutpatientCancelled => f(c.outpatient[0] + c.outpatient[1]),
            M::OutpatientCancelledNew => f(c.outpatient[0]),
            M::OutpatientCancelledFollowUp => f(c.outpatient[1]),
            M::RebookedWithin28d => f(c.rebooked_within),
            M::NotRebookedWithin28d => f(c.rebooked_late),
            M::ElectivePlannedWalkout => f(c.elective_planned_walkout),
            M::ElectiveActivityLostPct => {
                let planned = b.cf_counters.elective_planned_walkout;
                if planned == 0 {
                    0.0
                } else {
                    100.0 * (f(planned) - f(c.elective_done_walkout)) / f(planned)
                }
            }
            M::ConsultantActDown => f(c.consultant_act_down),
            M::ConsultantActDownOwnSession => f(c.consultant_act_down_own_session),
            M::CatchUpPlanned => f(c.catch_up_planned),
            M::RttListEnd => f(b.end.waiting),
            M::RttWithin18wPctEnd => b.end.within_18w_pct(),
            M::RttOver18wEnd => f(b.end.over_18w()),
            M::RttOver52wEnd => f(b.end.over_52w),
            M::ExtraWaitersEnd => f(b.end.waiting) - f(b.cf_end.waiting),
            M::NoLoss => f(u64::from(b.recovery == Recovery::NoLoss)),
            M::Recovered => f(u64::from(matches!(b.recovery, Recovery::RecoveredAt(_)))),
            M::TrustsNotRecovered => f(b.trusts_not_recovered),
            M::RecoveryDays => match b.recovery {
                Recovery::NoLoss => 0.0,
                Recovery::RecoveredAt(d) => d as f64,
                Recovery::NotRecovered => b.horizon as f64,
            },
            M::CatchUpSessionsRun => f(c.catch_up_sessions_run),
            M::CatchUpOperations => f(c.catch_up_operations),
            M::CatchUpFirstAppointments => f(c.catch_up_first_appointments),
            M::WalkoutExtraWaitersAfterWalkouts => {
                f(b.walkouts_only_after.waiting) - f(b.cf_after.waiting)
            }
            M::WalkoutExtraWaitersEnd => f(b.walkouts_only_end.waiting) - f(b.cf_end.waiting),
            M::CatchUpExtraWaitersEnd => f(b.end.waiting) - f(b.walkouts_only_end.waiting),
            M::WalkoutExtraOver18wEnd => f(b.walkouts_only_end.over_18w()) - f(b.cf_end.over_18w()),
            M::CatchUpExtraOver18wEnd => f(b.end.over_18w()) - f(b.walkouts_only_end.over_18w()),
            M::ListAtWalkout => f(b.at_walkout.waiting),
            M::ReferredSinceWalkout => f(c.since_walkout[FLOW_REFERRED]),
            M::TreatedAdmittedSinceWalkout => f(c.since_walkout[FLOW_ADMITTED]),
            M::TreatedNonAdmittedSinceWalkout => f(c.since_walkout[FLOW_NON_ADMITTED]),
            M::RemovedSinceWalkout => f(c.since_walkout[FLOW_REMOVED]),
            M::IncomeAtRisk => b.costs.income_at_risk(c, b.cf_counters),
            M::CostOfCover => b.costs.cover(c),
            M::CostOfCatchUp => b.costs.catch_up(c),
            M::NetCost => b.costs.net_cost(c, b.cf_counters),
        }
    }
}

/// What the metrics of one branch are computed from.
struct BranchInputs<'a> {
    counters: &'a Counters,
    cf_counters: &'a Counters,
    end: ListState,
    cf_end: ListState,
    /// The list at the end of the same plan without its catch-up (the
    /// plan's own for a plan without one).
    walkouts_only_end: ListState,
    /// The lists on the day after the last walkout: without the catch-up,
    /// and the counterfactual's.
    walkouts_only_after: ListState,
    cf_after: ListState,
    /// How the plan came through the walkouts, over all trusts.
    recovery: Recovery,
    /// Trusts that lost and had not recovered by the end.
    trusts_not_recovered: u64,
    /// Days from the end of the walkouts to the end of the run.
    horizon: i64,
    /// The list at 00:00 on the first walkout day.
    at_walkout: ListState,
    /// The prices of `[costs]`.
    costs: &'a CostModel,
}

/// One row of metric values, in [`Metric::ALL`] order.
pub type MetricRow = [f64; Metric::COUNT];

/// The metric row of `branch`, paired with the counterfactual `cf` of the
/// same replication, with its recovery over all trusts. `walkouts_only` is
/// the same plan without its catch-up (`branch` itself for a plan without
/// one, or the counterfactual): the split of its effect on the list.
pub fn metric_row(
    world: &World,
    branch: &BranchOutcome,
    walkouts_only: &BranchOutcome,
    cf: &BranchOutcome,
    recovery: BranchRecovery,
) -> MetricRow {
    let last = |o: &BranchOutcome| o.daily.last().copied().unwrap_or_default();
    let after = |o: &BranchOutcome| {
        let day = world.after_walkouts_day.clamp(0, world.days) as usize;
        o.daily.get(day).copied().unwrap_or_else(|| last(o))
    };
    let inputs = BranchInputs {
        counters: &branch.counters,
        cf_counters: &cf.counters,
        end: last(branch),
        cf_end: last(cf),
        walkouts_only_end: last(walkouts_only),
        walkouts_only_after: after(walkouts_only),
        cf_after: after(cf),
        recovery: recovery.recovery,
        trusts_not_recovered: recovery.trusts_not_recovered,
        horizon: world.days - world.after_walkouts_day,
        at_walkout: {
            let day = world.walkout_day.clamp(0, world.days) as usize;
            branch
                .daily
                .get(day)
                .copied()
                .unwrap_or_else(|| last(branch))
        },
        costs: &world.costs,
    };
    let mut row = [0.0; Metric::COUNT];
    for (v, m) in row.iter_mut().zip(Metric::ALL) {
        *v = m.value(&inputs);
    }
    row
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_found_again() {
        for (i, m) in Metric::ALL.iter().enumerate() {
            assert_eq!(*m as usize, i, "{} is in column order", m.name());
            assert_eq!(Metric::from_name(m.name()), Some(*m));
        }
        for (i, m) in WeeklyMetric::ALL.iter().enumerate() {
            assert_eq!(*m as usize, i);
            assert!(WeeklyMetric::ALL[..i].iter().all(|o| o.name() != m.name()));
        }
    }

    /// The 18-week paradox in one day's values: a strike that leaves 100
    /// recent referrals untreated lengthens the list and raises its share
    /// within 18 weeks, here from 90% to 90.91%.
    #[test]
    fn recent_extra_waiters_raise_the_share_within_18_weeks() {
        let cf = ListState {
            waiting: 1000,
            within_18w: 900,
            over_52w: 0,
        };
        let strike = ListState {
            waiting: 1100,
            within_18w: 1000,
            over_52w: 0,
        };
        let v = weekly_values(&strike, &strike, &cf);
        assert_eq!(v[WeeklyMetric::ExtraWaiters as usize], 100);
        assert_eq!(v[WeeklyMetric::Within18wPctDiff as usize], 91);
        assert_eq!(
            weekly_values(&cf, &cf, &cf)[WeeklyMetric::Within18wPctDiff as usize],
            0
        );
    }
}
