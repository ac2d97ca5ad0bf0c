//! The weekly metrics: the list state taken every Monday, per branch, kept
//! as histograms (see [`WeeklyMetric`]). The per-replication metrics are in
//! the parent module.

use super::Unit;
use crate::model::outcome::ListState;

macro_rules! weekly_metrics {
    ($($id:ident {
        name: $name:literal,
        unit: $unit:ident,
        scale: $scale:literal,
        description: $desc:literal $(,)?
    })*) => {
        /// A weekly series of `weekly.csv`; its position in
        /// [`WeeklyMetric::ALL`] is its place in the weekly histograms.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum WeeklyMetric { $($id),* }

        impl WeeklyMetric {
            /// Every weekly series, in the order `weekly.csv` lists them.
            pub const ALL: &'static [WeeklyMetric] = &[$(WeeklyMetric::$id),*];

            /// The name in the `metric` column of `weekly.csv`.
            pub fn name(self) -> &'static str {
                match self { $(WeeklyMetric::$id => $name),* }
            }

            pub fn unit(self) -> Unit {
                match self { $(WeeklyMetric::$id => Unit::$unit),* }
            }

            /// The histograms hold integers: the value times this scale.
            pub fn scale(self) -> f64 {
                match self { $(WeeklyMetric::$id => $scale),* }
            }

            pub fn description(self) -> &'static str {
                match self { $(WeeklyMetric::$id => $desc),* }
            }
        }
    };
}

weekly_metrics! {
    WaitingList {
        name: "waiting_list", unit: Patients, scale: 1.0,
        description: "RTT waiting list (incomplete pathways) at 00:00 on the Monday.",
    }
    Within18wPct {
        // Hundredths of a percentage point, so that the histograms hold integers.
        name: "within_18w_pct", unit: Percent, scale: 100.0,
        description: "Share of the waiting list within 18 weeks.",
    }
    Over18w {
        name: "over_18w", unit: Patients, scale: 1.0,
        description: "Patients waiting over 18 weeks.",
    }
    Over52w {
        name: "over_52w", unit: Patients, scale: 1.0,
        description: "Patients waiting over 52 weeks.",
    }
    ExtraWaiters {
        name: "extra_waiters", unit: Patients, scale: 1.0,
        description: "Waiting list minus the counterfactual's in the same replication.",
    }
    Within18wPctDiff {
        // Hundredths of a percentage point, as `within_18w_pct`.
        name: "within_18w_pct_diff", unit: PercentagePoints, scale: 100.0,
        description: "Share of the waiting list within 18 weeks minus the counterfactual's in the same replication, in percentage points.",
    }
    WalkoutExtraWaiters {
        name: "walkout_extra_waiters", unit: Patients, scale: 1.0,
        description: "The walkouts' effect on the list: the waiting list of the plan without its catch-up minus the counterfactual's in the same replication (for a plan without catch-up, equal to extra_waiters).",
    }
    CatchUpExtraWaiters {
        name: "catch_up_extra_waiters", unit: Patients, scale: 1.0,
        description: "The catch-up's effect on the list: the plan's waiting list minus the same plan's without its catch-up in the same replication (negative: patients taken off the list; 0 without a catch-up). walkout_extra_waiters + catch_up_extra_waiters = extra_waiters.",
    }
}

impl WeeklyMetric {
    /// Number of weekly series.
    pub const COUNT: usize = WeeklyMetric::ALL.len();

    /// The value of a branch's list `branch` (with the same plan's without
    /// its catch-up, `walkouts_only`, and the counterfactual's `cf` the same
    /// day) times [`WeeklyMetric::scale`], as an integer.
    fn histogram_value(self, branch: &ListState, walkouts_only: &ListState, cf: &ListState) -> i64 {
        match self {
            WeeklyMetric::WaitingList => branch.waiting as i64,
            WeeklyMetric::Within18wPct => (branch.within_18w_pct() * self.scale()).round() as i64,
            WeeklyMetric::Over18w => branch.over_18w() as i64,
            WeeklyMetric::Over52w => branch.over_52w as i64,
            WeeklyMetric::ExtraWaiters => branch.waiting as i64 - cf.waiting as i64,
            WeeklyMetric::Within18wPctDiff => {
                ((branch.within_18w_pct() - cf.within_18w_pct()) * self.scale()).round() as i64
            }
            WeeklyMetric::WalkoutExtraWaiters => walkouts_only.waiting as i64 - cf.waiting as i64,
            WeeklyMetric::CatchUpExtraWaiters => {
                branch.waiting as i64 - walkouts_only.waiting as i64
            }
        }
    }
}

/// The weekly values of a branch on one day, in [`WeeklyMetric::ALL`]
/// order, scaled to integers for the histograms.
pub type WeeklyValues = [i64; WeeklyMetric::COUNT];

/// The weekly values of a branch's list `branch`, with the same plan's
/// without its catch-up `walkouts_only` (`branch` itself for a plan without
/// one) and the counterfactual's `cf` the same day.
pub fn weekly_values(
    branch: &ListState,
    walkouts_only: &ListState,
    cf: &ListState,
) -> WeeklyValues {
    let mut values = [0; WeeklyMetric::COUNT];
    for (v, m) in values.iter_mut().zip(WeeklyMetric::ALL) {
        *v = m.histogram_value(branch, walkouts_only, cf);
    }
    values
}
