//! `[costs]`: the prices that turn the simulation's activity into pounds.

use super::NonNegative;
use crate::model::costs::CostModel;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Prices in pounds, applied to what the simulation counts: the income
/// the trust earns per admission and attendance, what it pays a consultant
/// to act down, and what a catch-up list or clinic costs. The defaults are
/// national figures of the time (see `scenarios/README.md`); they are
/// assumptions a trust should replace with its own.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Costs {
    /// Income per elective inpatient spell, £ (default 3,684).
    #[serde(default = "default_inpatient_spell")]
    pub inpatient_spell: NonNegative,
    /// Income per day case, £ (default 738).
    #[serde(default = "default_day_case")]
    pub day_case: NonNegative,
    /// Income per first outpatient attendance, £ (default 120).
    #[serde(default = "default_outpatient")]
    pub outpatient_first: NonNegative,
    /// Income per follow-up outpatient attendance, £ (default 120).
    #[serde(default = "default_outpatient")]
    pub outpatient_follow_up: NonNegative,
    /// Paid to a consultant per hour acting down into a junior doctor's
    /// place, £ (default 100; a session is four hours).
    #[serde(default = "default_act_down_per_hour")]
    pub act_down_per_hour: NonNegative,
    /// Cost of one catch-up theatre list that runs (surgeon and
    /// anaesthetist at waiting-list initiative rates, theatre team), £
    /// (default 2,000).
    #[serde(default = "default_catch_up_list")]
    pub catch_up_list: NonNegative,
    /// Cost of one catch-up clinic that runs, £ (default 800).
    #[serde(default = "default_catch_up_clinic")]
    pub catch_up_clinic: NonNegative,
    /// Whether activity cancelled and done again before the end of the
    /// financial year (31 March) still earns its income in that year
    /// (default true): income at risk is then the fall in activity done by
    /// the year end, as the simulation rebooks it. With false, every
    /// cancelled operation and appointment counts as income lost.
    #[serde(default = "default_rebooked_within_year")]
    pub rebooked_within_year: bool,
}

fn price(v: f64) -> NonNegative {
    NonNegative::try_from(v).expect("a default price is not negative")
}
fn default_inpatient_spell() -> NonNegative {
    price(CostModel::default().inpatient_spell)
}
fn default_day_case() -> NonNegative {
    price(CostModel::default().day_case)
}
fn default_outpatient() -> NonNegative {
    price(CostModel::default().outpatient_first)
}
fn default_act_down_per_hour() -> NonNegative {
    price(CostModel::default().act_down_per_hour)
}
fn default_catch_up_list() -> NonNegative {
    price(CostModel::default().catch_up_list)
}
fn default_catch_up_clinic() -> NonNegative {
    price(CostModel::default().catch_up_clinic)
}
fn default_rebooked_within_year() -> bool {
    CostModel::default().rebooked_within_year
}

impl Default for Costs {
    fn default() -> Self {
        Costs {
            inpatient_spell: default_inpatient_spell(),
            day_case: default_day_case(),
            outpatient_first: default_outpatient(),
            outpatient_follow_up: default_outpatient(),
            act_down_per_hour: default_act_down_per_hour(),
            catch_up_list: default_catch_up_list(),
            catch_up_clinic: default_catch_up_clinic(),
            rebooked_within_year: default_rebooked_within_year(),
        }
    }
}

impl Costs {
    /// The prices in model terms.
    pub fn model(&self) -> CostModel {
        CostModel {
            inpatient_spell: self.inpatient_spell.get(),
            day_case: self.day_case.get(),
            outpatient_first: self.outpatient_first.get(),
            outpatient_follow_up: self.outpatient_follow_up.get(),
            act_down_per_hour: self.act_down_per_hour.get(),
            catch_up_list: self.catch_up_list.get(),
            catch_up_clinic: self.catch_up_clinic.get(),
            rebooked_within_year: self.rebooked_within_year,
        }
    }

    /// Every price with its key, for the bounds and the report.
    pub fn prices(&self) -> [(&'static str, f64); 7] {
        [
            ("inpatient_spell", self.inpatient_spell.get()),
            ("day_case", self.day_case.get()),
            ("outpatient_first", self.outpatient_first.get()),
            ("outpatient_follow_up", self.outpatient_follow_up.get()),
            ("act_down_per_hour", self.act_down_per_hour.get()),
            ("catch_up_list", self.catch_up_list.get()),
            ("catch_up_clinic", self.catch_up_clinic.get()),
        ]
    }
}
