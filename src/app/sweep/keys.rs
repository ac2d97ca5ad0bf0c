//! The inputs a sweep can vary (`--vary KEY=V1,V2,...`): a small, fixed
//! set of the scenario's guesses, each read from the checked scenario
//! (its own value, the base of the tornado) and written into the parsed
//! TOML document, so that every point is validated and built by the normal
//! path ([`crate::scenario::Scenario::from_toml`]) with every bound.

use super::SweepError;
use crate::scenario::{Participation, ScenarioFile};
use toml::{Table, Value};

/// The keys `--vary` accepts, as the help and errors list them.
pub const ALLOWED_KEYS: &str = "participation, walkouts.N.participation (N from 1), \
    between_trust_sd, plan.NAME.consultant_act_down_share, \
    plan.NAME.stand_down.theatre_share, plan.NAME.stand_down.clinic_share, \
    plan.NAME.catch_up.theatre_lists, plan.NAME.catch_up.clinics, plan.NAME.catch_up.weeks";

/// A plan lever a sweep can vary, and its name after `plan.NAME.`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lever {
    ActDown,
    StandDownTheatre,
    StandDownClinic,
    CatchUpLists,
    CatchUpClinics,
    CatchUpWeeks,
}

const LEVERS: [(Lever, &str); 6] = [
    (Lever::ActDown, "consultant_act_down_share"),
    (Lever::StandDownTheatre, "stand_down.theatre_share"),
    (Lever::StandDownClinic, "stand_down.clinic_share"),
    (Lever::CatchUpLists, "catch_up.theatre_lists"),
    (Lever::CatchUpClinics, "catch_up.clinics"),
    (Lever::CatchUpWeeks, "catch_up.weeks"),
];

/// What an input changes in the scenario.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// The mean participation of every walkout.
    Participation,
    /// The mean participation of walkout `n` (0-based).
    WalkoutParticipation(usize),
    /// Every walkout's `between_trust_sd`.
    BetweenTrustSd,
    /// A lever of the plan at this index.
    Plan(usize, Lever),
}

/// What values an input takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A share from 0 to 1.
    Share,
    /// A whole number from `min`.
    Count { min: u32 },
}

/// One `--vary`: the key as given, what it changes, its values (in the
/// order given) and the scenario's own value (None when the file has no
/// single value for it, such as walkouts with different participation).
#[derive(Debug, Clone)]
pub struct Input {
    pub key: String,
    pub target: Target,
    pub kind: Kind,
    pub values: Vec<f64>,
    pub base: Option<f64>,
}

impl Input {
    /// Parse `KEY=V1,V2,...` against the scenario `file`.
    pub fn parse(arg: &str, file: &ScenarioFile) -> Result<Input, SweepError> {
        let Some((key, list)) = arg.split_once('=') else {
            return Err(SweepError::Syntax {
                arg: arg.to_string(),
            });
        };
        let key = key.trim().to_string();
        let target = target_of(&key, file)?;
        let kind = match &target {
            Target::Plan(_, Lever::CatchUpLists | Lever::CatchUpClinics) => Kind::Count { min: 0 },
            Target::Plan(_, Lever::CatchUpWeeks) => Kind::Count { min: 1 },
            _ => Kind::Share,
        };
        let mut values = Vec::new();
        for raw in list.split(',').map(str::trim) {
            let v = parse_value(&key, raw, kind)?;
            if !values.contains(&v) {
                values.push(v);
            }
        }
        let base = base_value(&target, file);
        Ok(Input {
            key,
            target,
            kind,
            values,
            base,
        })
    }

    /// The value `v` as written in tables: a count whole, a share as given.
    pub fn show(&self, v: f64) -> String {
        match self.kind {
            Kind::Count { .. } => format!("{}", v as i64),
            Kind::Share => format!("{v}"),
        }
    }

    /// Write `v` into the scenario document `doc`.
    pub fn apply(&self, doc: &mut Table, v: f64) -> Result<(), SweepError> {
        match &self.target {
            Target::Participation => {
                for (n, w) in walkouts(doc).iter_mut().enumerate() {
                    set_participation(&self.key, n, w, v)?;
                }
                Ok(())
            }
            Target::WalkoutParticipation(n) => {
                let w = walkouts(doc)
                    .get_mut(*n)
                    .expect("walkout checked when parsed");
                set_participation(&self.key, *n, w, v)
            }
            Target::BetweenTrustSd => {
                for w in walkouts(doc) {
                    if let Some(t) = w.as_table_mut() {
                        t.insert("between_trust_sd".into(), Value::Float(v));
                    }
                }
                Ok(())
            }
            Target::Plan(p, lever) => {
                let plan = plans(doc)
                    .get_mut(*p)
                    .and_then(Value::as_table_mut)
                    .expect("plan checked when parsed");
                let (table, field) = match lever {
                    Lever::ActDown => (plan, "consultant_act_down_share"),
                    Lever::StandDownTheatre | Lever::StandDownClinic => {
                        let sd = plan
                            .entry("stand_down")
                            .or_insert_with(|| Value::Table(Table::new()));
                        let field = if *lever == Lever::StandDownTheatre {
                            "theatre_share"
                        } else {
                            "clinic_share"
                        };
                        (sd.as_table_mut().expect("a table"), field)
                    }
                    Lever::CatchUpLists | Lever::CatchUpClinics | Lever::CatchUpWeeks => {
                        let cu = plan
                            .get_mut("catch_up")
                            .and_then(Value::as_table_mut)
                            .expect("catch-up checked when parsed");
                        let field = match lever {
                            Lever::CatchUpLists => "theatre_lists",
                            Lever::CatchUpClinics => "clinics",
                            _ => "weeks",
                        };
                        (cu, field)
                    }
                };
                let value = match self.kind {
                    Kind::Count { .. } => Value::Integer(v as i64),
                    Kind::Share => Value::Float(v),
                };
                table.insert(field.into(), value);
                Ok(())
            }
        }
    }
}

/// The walkouts array of a scenario document (empty if it has none).
fn walkouts(doc: &mut Table) -> &mut Vec<Value> {
    array(doc, "walkouts")
}

/// The plans array of a scenario document.
pub(crate) fn plans(doc: &mut Table) -> &mut Vec<Value> {
    array(doc, "plans")
}

fn array<'d>(doc: &'d mut Table, key: &str) -> &'d mut Vec<Value> {
    let v = doc.entry(key).or_insert_with(|| Value::Array(Vec::new()));
    if !v.is_array() {
        *v = Value::Array(Vec::new());
    }
    v.as_array_mut().expect("an array")
}

/// Set walkout `n`'s mean participation to `v`: a bare share or `fixed`
/// takes `v`, `beta` its mean (its sd kept), `uniform` keeps its width
/// around `v`. A turnout is refused: its mean follows from the rota.
fn set_participation(key: &str, n: usize, walkout: &mut Value, v: f64) -> Result<(), SweepError> {
    let Some(w) = walkout.as_table_mut() else {
        return Ok(());
    };
    let Some(p) = w.get_mut("participation") else {
        return Ok(());
    };
    match p {
        Value::Float(_) | Value::Integer(_) => *p = Value::Float(v),
        Value::Table(t) => {
            let distribution = t
                .get("distribution")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string();
            match distribution.as_str() {
                "fixed" => {
                    t.insert("value".into(), Value::Float(v));
                }
                "beta" => {
                    t.insert("mean".into(), Value::Float(v));
                }
                "uniform" => {
                    let get = |k: &str| t.get(k).and_then(Value::as_float).unwrap_or(0.0);
                    let half = (get("high") - get("low")) / 2.0;
                    t.insert("low".into(), Value::Float(v - half));
                    t.insert("high".into(), Value::Float(v + half));
                }
                _ => {
                    return Err(SweepError::Turnout {
                        key: key.to_string(),
                        walkout: n + 1,
                    })
                }
            }
        }
        _ => {}
    }
    Ok(())
}

/// What `key` changes in `file`, or why it cannot be varied.
fn target_of(key: &str, file: &ScenarioFile) -> Result<Target, SweepError> {
    if key == "participation" {
        return Ok(Target::Participation);
    }
    if key == "between_trust_sd" {
        return Ok(Target::BetweenTrustSd);
    }
    if let Some(rest) = key.strip_prefix("walkouts.") {
        if let Some(n) = rest.strip_suffix(".participation") {
            let count = file.walkouts.len();
            return match n.parse::<usize>() {
                Ok(n) if (1..=count).contains(&n) => Ok(Target::WalkoutParticipation(n - 1)),
                _ => Err(SweepError::UnknownWalkout {
                    key: key.to_string(),
                    count,
                }),
            };
        }
    }
    if let Some(rest) = key.strip_prefix("plan.") {
        for (lever, name) in LEVERS {
            let Some(plan) = rest.strip_suffix(name).and_then(|p| p.strip_suffix('.')) else {
                continue;
            };
            let Some(p) = file.plans.iter().position(|x| x.name == plan) else {
                return Err(SweepError::UnknownPlan {
                    key: key.to_string(),
                    plan: plan.to_string(),
                    plans: plan_names(file),
                });
            };
            let catch_up = matches!(
                lever,
                Lever::CatchUpLists | Lever::CatchUpClinics | Lever::CatchUpWeeks
            );
            if catch_up && file.plans[p].catch_up.is_none() {
                return Err(SweepError::NoCatchUp {
                    key: key.to_string(),
                    plan: plan.to_string(),
                });
            }
            return Ok(Target::Plan(p, lever));
        }
    }
    Err(SweepError::UnknownKey {
        key: key.to_string(),
    })
}

/// The scenario's plan names, for messages.
pub(crate) fn plan_names(file: &ScenarioFile) -> String {
    file.plans
        .iter()
        .map(|p| p.name.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// One value of `key`, checked against its kind.
fn parse_value(key: &str, raw: &str, kind: Kind) -> Result<f64, SweepError> {
    let bad = |allowed: String| SweepError::BadValue {
        key: key.to_string(),
        value: crate::scenario::clip(raw),
        allowed,
    };
    match kind {
        Kind::Share => match raw.parse::<f64>() {
            Ok(v) if (0.0..=1.0).contains(&v) => Ok(v),
            _ => Err(bad("a share from 0 to 1, such as 0.7".into())),
        },
        Kind::Count { min } => match raw.parse::<u32>() {
            Ok(v) if v >= min => Ok(f64::from(v)),
            _ => Err(bad(format!("a whole number of at least {min}"))),
        },
    }
}

/// The mean of a walkout's participation, when the file gives it directly.
fn participation_mean(p: &Participation) -> Option<f64> {
    match p {
        Participation::Fixed { value } => Some(value.get()),
        Participation::Uniform { low, high } => Some((low.get() + high.get()) / 2.0),
        Participation::Beta { mean, .. } => Some(mean.get()),
        Participation::Turnout { .. } => None,
    }
}

/// The one value of `values`, if they are all the same.
fn single(mut values: impl Iterator<Item = Option<f64>>) -> Option<f64> {
    let first = values.next()??;
    values.all(|v| v == Some(first)).then_some(first)
}

/// The scenario's own value of `target`.
fn base_value(target: &Target, file: &ScenarioFile) -> Option<f64> {
    match target {
        Target::Participation => single(
            file.walkouts
                .iter()
                .map(|w| participation_mean(&w.participation)),
        ),
        Target::WalkoutParticipation(n) => participation_mean(&file.walkouts[*n].participation),
        Target::BetweenTrustSd => {
            single(file.walkouts.iter().map(|w| Some(w.between_trust_sd.get())))
        }
        Target::Plan(p, lever) => {
            let plan = &file.plans[*p];
            let catch_up = plan.catch_up.as_ref();
            Some(match lever {
                Lever::ActDown => plan.consultant_act_down_share.get(),
                Lever::StandDownTheatre => plan.stand_down.theatre_share.get(),
                Lever::StandDownClinic => plan.stand_down.clinic_share.get(),
                Lever::CatchUpLists => f64::from(catch_up?.theatre_lists.get()),
                Lever::CatchUpClinics => f64::from(catch_up?.clinics.get()),
                Lever::CatchUpWeeks => f64::from(catch_up?.weeks.get()),
            })
        }
    }
}
