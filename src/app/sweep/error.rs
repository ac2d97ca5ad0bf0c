//! What stops `strikesim sweep` or `strikesim seek` before it simulates:
//! a `--vary` or seek option that cannot apply to the scenario, each with
//! the key, the value and what is allowed.

use super::keys::ALLOWED_KEYS;

/// A sweep or goal seek that cannot run as asked.
#[derive(Debug, thiserror::Error)]
pub enum SweepError {
    #[error("--vary {arg}: write KEY=V1,V2,... such as participation=0.6,0.7,0.8")]
    Syntax { arg: String },
    #[error("--vary {key}: not an input a sweep can vary; allowed: {ALLOWED_KEYS}")]
    UnknownKey { key: String },
    #[error("--vary {key}: the scenario has no plan named \"{plan}\"; its plans: {plans}")]
    UnknownPlan {
        key: String,
        plan: String,
        plans: String,
    },
    #[error("--vary {key}: the scenario has {count} walkout(s); N counts from 1 to {count}")]
    UnknownWalkout { key: String, count: usize },
    #[error("--vary {key}: plan \"{plan}\" has no catch_up; add one to the scenario (weeks, days and staff) first")]
    NoCatchUp { key: String, plan: String },
    #[error("--vary {key}={value}: allowed: {allowed}")]
    BadValue {
        key: String,
        value: String,
        allowed: String,
    },
    #[error("--vary {key}: walkout {walkout}'s participation is given as a turnout, whose mean follows from the rota; vary it in the file instead")]
    Turnout { key: String, walkout: usize },
    #[error("--vary {key}: given twice (or with `participation`, which sets every walkout's); give each input once with all its values")]
    Duplicate { key: String },
    #[error("--vary: none given; vary at least one input ({ALLOWED_KEYS})")]
    NoInputs,
    #[error("the sweep has {points} points (the grid of every --vary value, the scenario as written, and each input at its lowest and highest); at most {max} are allowed: give fewer values")]
    TooManyPoints { points: String, max: usize },
    #[error("{what}: the scenario is not valid with these values:\n  {problems}")]
    Invalid { what: String, problems: String },
    #[error("seek --plan {plan}: the scenario has no such plan; its plans: {plans}")]
    SeekPlan { plan: String, plans: String },
    #[error("seek --plan {plan}: the plan has no catch_up with a list or clinic and the staff for it; add one (weeks, days, theatre_lists or clinics, staff) so the seek can scale it")]
    SeekNoCatchUp { plan: String },
    #[error("seek {flag}: found {found}; allowed: {allowed}")]
    SeekOption {
        flag: &'static str,
        found: String,
        allowed: String,
    },
    #[error("seek: no catch-up of up to {max} list(s) and clinic(s) a day meets the target (at {max}: {share_met} of replications within it, {confidence} needed); raise --max, the tolerance or the date, or give the plan more weeks or days")]
    SeekNotMet {
        max: u32,
        share_met: String,
        confidence: String,
    },
}

/// The problems of a scenario error, one per line, by field (the line
/// numbers would be those of the rewritten text, not the file).
pub(crate) fn problems(e: &crate::scenario::ScenarioError) -> String {
    e.each()
        .map(|p| match &p.field {
            Some(f) => format!("field `{f}`: {}", p.message),
            None => p.message.clone(),
        })
        .collect::<Vec<_>>()
        .join("\n  ")
}
