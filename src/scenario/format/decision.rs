//! The `[decision]` table: the criteria under which the board report's
//! summary recommends a plan. The objective ranks the plans; each limit
//! excludes a plan that breaks it. Only the report reads it: nothing the
//! model simulates depends on it, and a run without it is ranked by the
//! default objective (fewest extra 18-week waiters at the end).

use crate::scenario::values::{Count, NonNegative};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// What the report's recommendation ranks the plans by (the strike's
/// effect, plan minus no strike in the same replication, lowest first).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Objective {
    /// Fewest extra patients waiting over 18 weeks at the end of the run
    /// (default).
    #[default]
    FewestBreaches,
    /// Fewest extra elective operations cancelled, in advance or on the day.
    FewestCancellations,
    /// Fewest extra elective operations cancelled on the day.
    FewestOnDayCancellations,
    /// Fewest extra patients waiting over 18 weeks at the end, counting
    /// every `pounds_per_breach` of the strike's net cost to the trust
    /// (`net_cost` at the `[costs]` prices) as one more.
    FewestBreachesPerPound,
}

impl Objective {
    /// The objective as the file writes it.
    pub fn name(self) -> &'static str {
        match self {
            Objective::FewestBreaches => "fewest_breaches",
            Objective::FewestCancellations => "fewest_cancellations",
            Objective::FewestOnDayCancellations => "fewest_on_day_cancellations",
            Objective::FewestBreachesPerPound => "fewest_breaches_per_pound",
        }
    }
}

/// How the report recommends a plan: an objective and optional limits.
/// Limits are held against the mean over replications; a plan breaking
/// one is not recommended, and the report says which limit and by how
/// much.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Decision {
    /// What to rank the plans by (default `fewest_breaches`).
    #[serde(default)]
    pub objective: Objective,
    /// Most elective operations cancelled on the day in the counting
    /// window, background cancellations included (the plan's own figure).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_on_day_cancellations: Option<Count>,
    /// Most extra patients waiting over 18 weeks at the end of the run
    /// (plan minus no strike).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_extra_over_18w: Option<Count>,
    /// Most net cost of the strike to the trust under a plan, in pounds
    /// (`net_cost`, plan minus no strike, at the `[costs]` prices).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_net_cost: Option<NonNegative>,
    /// For `fewest_breaches_per_pound`: the net cost, in pounds, that
    /// counts as one more patient waiting over 18 weeks. Required with
    /// that objective.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pounds_per_breach: Option<NonNegative>,
}
