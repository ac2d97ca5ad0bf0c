//! What a branch's activity is worth and what its cover and catch-up cost,
//! in pounds: the prices a scenario states (`[costs]`) applied to what the
//! simulation counted. No pound here is typed in as a total: each is a
//! count of operations, appointments, consultant sessions or catch-up
//! sessions times its price.

use super::outcome::{
    Counters, ACTIVITY_DAY_CASE, ACTIVITY_FIRST, ACTIVITY_FOLLOW_UP, ACTIVITY_INPATIENT,
};

/// A consultant's half-day session acting down, in hours (a programmed
/// activity of the 2003 consultant contract is four hours).
pub const HOURS_PER_SESSION: f64 = 4.0;

/// Prices in pounds (see `scenarios/README.md`, `[costs]`, for the
/// defaults and where they come from). `manifest.json` records them under
/// the same names.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct CostModel {
    /// Income per elective inpatient spell.
    pub inpatient_spell: f64,
    /// Income per day case.
    pub day_case: f64,
    /// Income per first outpatient attendance.
    pub outpatient_first: f64,
    /// Income per follow-up outpatient attendance.
    pub outpatient_follow_up: f64,
    /// Paid to a consultant per hour acting down into a junior's place.
    pub act_down_per_hour: f64,
    /// Cost of one catch-up theatre list that ran.
    pub catch_up_list: f64,
    /// Cost of one catch-up clinic that ran.
    pub catch_up_clinic: f64,
    /// Whether cancelled activity the trust does again before the end of
    /// the financial year (31 March) earns its income in that year: income
    /// at risk is then the fall in activity done by the year end;
    /// otherwise it is the value of everything cancelled.
    pub rebooked_within_year: bool,
}

impl CostModel {
    /// Income from the activity a branch did in the income window
    /// ([`super::World::income_window`]).
    pub fn income_in_year(&self, c: &Counters) -> f64 {
        let a = &c.activity_in_year;
        let follow_ups = a[ACTIVITY_FOLLOW_UP].saturating_sub(c.follow_up_cut_in_year);
        a[ACTIVITY_INPATIENT] as f64 * self.inpatient_spell
            + a[ACTIVITY_DAY_CASE] as f64 * self.day_case
            + a[ACTIVITY_FIRST] as f64 * self.outpatient_first
            + follow_ups as f64 * self.outpatient_follow_up
    }

    /// The tariff value of what a branch cancelled in the counting window
    /// (operations in advance and on the day, and appointments).
    pub fn value_cancelled(&self, c: &Counters) -> f64 {
        let ops = |i: usize| (c.elective_in_advance[i] + c.elective_on_day[i]) as f64;
        ops(0) * self.inpatient_spell
            + ops(1) * self.day_case
            + c.outpatient[0] as f64 * self.outpatient_first
            + c.outpatient[1] as f64 * self.outpatient_follow_up
    }

    /// Income a branch puts at risk against the counterfactual `cf` of the
    /// same replication (negative: more income than without the strike).
    pub fn income_at_risk(&self, own: &Counters, cf: &Counters) -> f64 {
        if self.rebooked_within_year {
            self.income_in_year(cf) - self.income_in_year(own)
        } else {
            self.value_cancelled(own) - self.value_cancelled(cf)
        }
    }

    /// Income at risk plus the cost of cover and of catch-up.
    pub fn net_cost(&self, own: &Counters, cf: &Counters) -> f64 {
        self.income_at_risk(own, cf) + self.cover(own) + self.catch_up(own)
    }

    /// What consultants acting down were paid in the counting window.
    pub fn cover(&self, c: &Counters) -> f64 {
        c.consultant_act_down as f64 * HOURS_PER_SESSION * self.act_down_per_hour
    }

    /// What the catch-up lists and clinics that ran cost.
    pub fn catch_up(&self, c: &Counters) -> f64 {
        let lists = c.catch_up_lists_run.min(c.catch_up_sessions_run);
        let clinics = c.catch_up_sessions_run - lists;
        lists as f64 * self.catch_up_list + clinics as f64 * self.catch_up_clinic
    }
}

impl Default for CostModel {
    /// The defaults of `[costs]` (see `scenarios/README.md`).
    fn default() -> Self {
        CostModel {
            inpatient_spell: 3_684.0,
            day_case: 738.0,
            outpatient_first: 120.0,
            outpatient_follow_up: 120.0,
            act_down_per_hour: 100.0,
            catch_up_list: 2_000.0,
            catch_up_clinic: 800.0,
            rebooked_within_year: true,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn prices(rebooked_within_year: bool) -> CostModel {
        CostModel {
            inpatient_spell: 3_000.0,
            day_case: 700.0,
            outpatient_first: 150.0,
            outpatient_follow_up: 90.0,
            act_down_per_hour: 110.0,
            catch_up_list: 2_500.0,
            catch_up_clinic: 900.0,
            rebooked_within_year,
        }
    }

    #[test]
    fn income_counts_each_activity_at_its_price() {
        let c = Counters {
            activity_in_year: [10, 20, 30, 40],
            follow_up_cut_in_year: 5,
            ..Counters::default()
        };
        // 10 × 3,000 + 20 × 700 + 30 × 150 + (40 − 5) × 90
        assert_eq!(
            prices(true).income_in_year(&c),
            30_000.0 + 14_000.0 + 4_500.0 + 3_150.0
        );
    }

    #[test]
    fn income_at_risk_follows_the_rebooking_assumption() {
        let cf = Counters {
            activity_in_year: [10, 20, 30, 40],
            elective_on_day: [1, 0],
            ..Counters::default()
        };
        let own = Counters {
            activity_in_year: [8, 19, 30, 40],
            elective_in_advance: [2, 1],
            elective_on_day: [1, 1],
            outpatient: [3, 4],
            ..Counters::default()
        };
        // Done by the year end: 2 spells and 1 day case fewer.
        assert_eq!(
            prices(true).income_at_risk(&own, &cf),
            2.0 * 3_000.0 + 700.0
        );
        // Everything cancelled lost: (3 − 1) spells, 2 day cases, 3 first
        // and 4 follow-up appointments more than the counterfactual.
        let lost = 2.0 * 3_000.0 + 2.0 * 700.0 + 3.0 * 150.0 + 4.0 * 90.0;
        assert_eq!(prices(false).income_at_risk(&own, &cf), lost);
    }

    #[test]
    fn cover_and_catch_up_cost_sessions_at_their_rates() {
        let c = Counters {
            consultant_act_down: 7,
            catch_up_sessions_run: 5,
            catch_up_lists_run: 3,
            ..Counters::default()
        };
        let p = prices(true);
        assert_eq!(p.cover(&c), 7.0 * 4.0 * 110.0);
        assert_eq!(p.catch_up(&c), 3.0 * 2_500.0 + 2.0 * 900.0);
    }
}
