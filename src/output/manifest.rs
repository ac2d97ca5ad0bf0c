//! `manifest.json`: what was run (tool version, scenario and its hash,
//! seed, replications, wall time) and the scenario's assumptions in plain
//! words, for the report. One type, [`Manifest`], written at the end of a
//! run and read back with the rest of the run's files.

use crate::model::costs::CostModel;
use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::files::FileEntry;
use super::human;
use crate::ensemble::metrics::Metric;
use crate::model::random::InputDigest;
use crate::model::World;
use crate::scenario::{
    turnout, Decision, Participation, Plan, Protect, Scenario, ScenarioFile, Walkout, WalkoutKind,
};

/// `manifest.json`: what was run, with which seed, on which world.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct Manifest {
    #[serde(default)]
    pub tool: String,
    pub version: String,
    pub scenario: ScenarioInfo,
    pub seed: u64,
    pub replications: u64,
    #[serde(default)]
    pub threads: usize,
    #[serde(default)]
    pub wall_seconds: f64,
    pub period: Period,
    pub walkouts: Vec<WalkoutInfo>,
    pub plans: Vec<PlanInfo>,
    pub trusts: Vec<TrustInfo>,
    #[serde(default)]
    pub recovery_tolerance: Option<RecoveryTolerance>,
    #[serde(default)]
    pub metrics: Vec<MetricInfo>,
    /// The scenario's `[decision]`: how the report's summary recommends a
    /// plan. Absent when the scenario states none (the report then ranks
    /// by fewest extra 18-week waiters and says so).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decision: Option<Decision>,
    /// The prices the money metrics used, and the income window (absent
    /// from runs made before there were costs).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub costs: Option<CostsInfo>,
    /// Where `run --precision` stopped, and why (absent from a run of a
    /// fixed number of replications).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub precision: Option<super::precision::PrecisionInfo>,
    /// Every other file of the run: path, size and SHA-256, checked when
    /// the run is read back. Empty (absent) in a manifest of a version
    /// before the list, or of a run not yet written.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub files: Vec<FileEntry>,
}

impl Manifest {
    /// The tool that made the run (`strikesim` if the manifest does not say).
    pub fn tool_name(&self) -> &str {
        if self.tool.is_empty() {
            "strikesim"
        } else {
            &self.tool
        }
    }

    /// The counting window in words: "from 12 Jan 2016 (14 days before the
    /// first walkout) to 29 Jan 2016 (the day after the last walkout)". For
    /// runs made before the window was fixed, from the branch day.
    pub fn count_window_words(&self) -> String {
        let first = self.walkouts.iter().map(|w| w.start.date()).min();
        match (self.period.count_window, first) {
            (Some(w), Some(first)) => {
                let lead = (first - w.from).num_days();
                format!(
                    "from {} ({lead} day{} before the first walkout) to {} (the day after the last walkout)",
                    human::date(w.from),
                    if lead == 1 { "" } else { "s" },
                    human::date(w.to)
                )
            }
            (Some(w), None) => format!("from {} to {}", human::date(w.from), human::date(w.to)),
            (None, _) => format!(
                "from {} (the first stand-down decision) to the day after the last walkout",
                human::date(self.period.branch)
            ),
        }
    }

    /// The counting window's dates alone: "from 12 Jan 2016 to 29 Jan 2016"
    /// ([`Manifest::count_window_words`] says what they are).
    pub fn count_window_dates(&self) -> String {
        match self.period.count_window {
            Some(w) => format!("from {} to {}", human::date(w.from), human::date(w.to)),
            None => self.count_window_words(),
        }
    }

    /// The source line of charts: tool, `scenarios` (as named by the
    /// caller), replications and seed.
    pub fn source_line(&self, scenarios: &str) -> String {
        format!(
            "{} {} · {scenarios} · {} replications · seed {}",
            self.tool_name(),
            self.version,
            self.replications,
            self.seed
        )
    }
}

/// The scenario file a run was made from.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct ScenarioInfo {
    pub name: String,
    pub title: String,
    /// The scenario's `description`, shown at the top of the report.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default)]
    pub file: String,
    /// The scenario's identity: the SHA-256 of its text when it reads no
    /// other file; when it starts lists from RTT files
    /// (`initial_list_from`), the SHA-256 over the text's hash and each
    /// file's path as written and content hash, in the order the scenario
    /// names them (see `model::random::scenario_identity`). Two runs with
    /// the same `sha256` started from the same text and the same lists.
    pub sha256: String,
    /// The RTT files the scenario read: path as written and SHA-256 of the
    /// bytes (absent when it reads none).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub inputs: Vec<InputDigest>,
}

/// The `[costs]` a run used, in pounds, and the days whose activity is
/// valued for income.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct CostsInfo {
    #[serde(flatten)]
    pub prices: CostModel,
    pub income_from: NaiveDate,
    pub income_to: NaiveDate,
}

impl std::ops::Deref for CostsInfo {
    type Target = CostModel;
    fn deref(&self) -> &CostModel {
        &self.prices
    }
}

/// The simulated calendar: warm-up from `start`, plans branch at `branch`
/// (which depends on the plans' stand-down leads), cancellations counted in
/// `count_window` (which does not).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct Period {
    pub start: NaiveDate,
    pub branch: NaiveDate,
    pub end: NaiveDate,
    /// Absent from the manifests of runs made before the window was fixed
    /// by the walkouts (they counted from `branch`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub count_window: Option<CountWindow>,
    /// Weeks run without a strike before `start` (absent, so 0, from runs
    /// made before there was a warm-up).
    #[serde(default)]
    pub warm_up_weeks: u32,
}

/// The days (inclusive) whose sessions' cancellations are counted: from
/// `COUNT_LEAD_DAYS` before the first walkout to the day after the last.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
pub struct CountWindow {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

/// One walkout as the scenario described it.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct WalkoutInfo {
    pub name: String,
    #[serde(deserialize_with = "minute_time", serialize_with = "write_minute_time")]
    pub start: NaiveDateTime,
    #[serde(deserialize_with = "minute_time", serialize_with = "write_minute_time")]
    pub end: NaiveDateTime,
    pub kind: String,
    #[serde(default)]
    pub grades: Vec<String>,
    #[serde(default)]
    pub participation: String,
}

/// One of the scenario's plans (the counterfactual is not listed).
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct PlanInfo {
    pub name: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub assumptions: Vec<String>,
    /// Does the plan add catch-up sessions after the walkouts? Its effect
    /// on the list is then split into the walkouts' and the catch-up's.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub catch_up: bool,
}

/// A trust in the simulated world.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct TrustInfo {
    pub code: String,
    pub name: String,
    #[serde(default)]
    pub specialties: usize,
    #[serde(default)]
    pub initial_waiting_list: u64,
}

/// How close to the counterfactual counts as recovered, per trust (see
/// `scenario::format::RecoveryTolerance`). A manifest of an earlier version
/// holds other fields; these then read as 0.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct RecoveryTolerance {
    #[serde(default)]
    pub tolerance_patients: f64,
    #[serde(default)]
    pub share_of_peak: f64,
}

/// A metric's unit and meaning, as the core describes it.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct MetricInfo {
    pub name: String,
    #[serde(default)]
    pub unit: String,
    #[serde(default)]
    pub description: String,
}

fn minute_time<'de, D: Deserializer<'de>>(d: D) -> Result<NaiveDateTime, D::Error> {
    let s = String::deserialize(d)?;
    NaiveDateTime::parse_from_str(&s, "%Y-%m-%dT%H:%M")
        .or_else(|_| NaiveDateTime::parse_from_str(&s, "%Y-%m-%dT%H:%M:%S"))
        .map_err(|e| {
            serde::de::Error::custom(format!("walkout time {s:?} is not YYYY-MM-DDTHH:MM ({e})"))
        })
}

fn write_minute_time<S: Serializer>(t: &NaiveDateTime, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&t.format("%Y-%m-%dT%H:%M").to_string())
}

fn pct(p: f64) -> String {
    format!("{:.0}%", 100.0 * p)
}

/// Participation in plain words.
pub fn describe_participation(file: &ScenarioFile, w: &Walkout) -> String {
    let between_sd = w.between_trust_sd.get();
    let base = match &w.participation {
        Participation::Fixed { value } => {
            format!("{} of eligible juniors strike", pct(value.get()))
        }
        Participation::Uniform { low, high } => format!(
            "uniform between {} and {} per replication",
            pct(low.get()),
            pct(high.get())
        ),
        Participation::Beta { mean, sd } => format!(
            "Beta, mean {}, sd {} per replication",
            pct(mean.get()),
            pct(sd.get())
        ),
        Participation::Turnout { at_work, sd } => {
            let exempt = turnout::exempt_share(file, w);
            let mean = turnout::participation_mean(file, w).unwrap_or(0.0);
            let asked = match w.kind {
                WalkoutKind::EmergencyCareProvided => {
                    format!("the {} not on the emergency floor", pct(1.0 - exempt))
                }
                WalkoutKind::FullWalkout => "every rostered junior".to_string(),
            };
            format!(
                "from the published turnout: {} of juniors at work, so {} of {asked} strike (Beta, mean {}, sd {} per replication)",
                pct(at_work.get()),
                pct(mean),
                pct(mean),
                pct(sd.get())
            )
        }
    };
    if between_sd > 0.0 {
        format!("{base}; between-trust sd {}", pct(between_sd))
    } else {
        base
    }
}

/// A plan's assumptions in plain words.
pub fn describe_plan(p: &Plan) -> Vec<String> {
    let mut out = Vec::new();
    let sd = &p.stand_down;
    let planned = sd.unstaffable || sd.inpatients_at_risk;
    if sd.theatre_share.get() == 0.0 && sd.clinic_share.get() == 0.0 && !planned {
        out.push("No lists or clinics stood down in advance: everything stays booked and what cannot be staffed is cancelled on the day.".to_string());
    } else if sd.theatre_share.get() > 0.0 || sd.clinic_share.get() > 0.0 {
        let scope = if sd.specialties.is_empty() {
            "all specialties".to_string()
        } else {
            format!("specialties {}", sd.specialties.join(", "))
        };
        out.push(format!(
            "{} of routine theatre lists and {} of routine clinics on walkout days stood down {} days ahead ({scope}); their patients go back on the list with the clock still ticking{}.",
            pct(sd.theatre_share.get()),
            pct(sd.clinic_share.get()),
            sd.days_ahead.get(),
            if p.rebooking.stood_down_first { " and are rebooked first" } else { "" }
        ));
    }
    if planned {
        let what = match (sd.unstaffable, sd.inpatients_at_risk) {
            (true, true) => "the lists and clinics the staffing it expects cannot cover are stood down, and inpatient admissions the ward could not cover through the walkout are postponed",
            (true, false) => "the lists and clinics the staffing it expects cannot cover are stood down",
            _ => "inpatient admissions the ward could not cover through the walkout are postponed",
        };
        let kinds = if sd.walkout_kinds.is_empty() {
            "every walkout".to_string()
        } else {
            let names: Vec<&str> = sd
                .walkout_kinds
                .iter()
                .map(|k| match k {
                    WalkoutKind::EmergencyCareProvided => "walkouts with emergency care provided",
                    WalkoutKind::FullWalkout => "full walkouts",
                })
                .collect();
            names.join(" and ")
        };
        let at = sd
            .plan_for_participation
            .map_or("the participation expected".to_string(), |p| {
                format!("{} participation", pct(p.get()))
            });
        out.push(format!(
            "Planned around {kinds} {} days ahead, at {at}: {what}.",
            sd.days_ahead.get()
        ));
    }
    out.push(match p.protect {
        Protect::None => "No work is protected: lists are staffed in order of size.".to_string(),
        Protect::P1 => "P1 work is protected: never stood down and staffed first.".to_string(),
        Protect::Urgent => {
            "Urgent and cancer work (P1-P2) is protected: never stood down and staffed first."
                .to_string()
        }
        Protect::P3 => "P1-P3 work is protected: never stood down and staffed first.".to_string(),
    });
    let share = p.consultant_act_down_share.get();
    out.push(if share == 0.0 {
        "Consultants do not act down into junior roles.".to_string()
    } else {
        format!(
            "Consultants may act down into junior places left empty: up to {} of those present in a half-day, each taking one consultant (the spare first, then those whose lists or clinics come last, which are cancelled).",
            pct(share)
        )
    });
    if let Some(m) = &p.major_incident {
        out.push(format!(
            "A major incident is declared if fewer than {} of rostered juniors are present; {} of strikers answer the recall, {} hours after the walkout starts.",
            pct(m.threshold.get()),
            pct(m.recall_share.get()),
            m.delay_hours.get()
        ));
    }
    out.push(format!(
        "Operations cancelled on the day get a binding new date within {} days, ahead of other patients.",
        p.rebooking.binding_days.get()
    ));
    if let Some(c) = &p.catch_up {
        out.push(format!(
            "Catch-up for {} weeks from {} days after the walkout: {} extra theatre lists and {} extra clinics per specialty on each of {:?}, staffed only from a pool of {} consultants, {} registrars, {} core and {} foundation doctors per specialty per day (one session each); those it cannot staff do not run.",
            c.weeks.get(),
            c.start_days_after.get(),
            c.theatre_lists.get(),
            c.clinics.get(),
            c.days,
            c.staff.consultants.get(),
            c.staff.registrar.get(),
            c.staff.core.get(),
            c.staff.foundation.get()
        ));
    }
    out
}

/// Build the manifest of a run.
pub fn manifest(
    scenario: &Scenario,
    world: &World,
    seed: u64,
    replications: u64,
    threads: usize,
    wall_seconds: f64,
) -> Manifest {
    let s = scenario.file();
    let date = |d: i64| world.dates.date(d);
    Manifest {
        tool: "strikesim".into(),
        version: env!("CARGO_PKG_VERSION").into(),
        scenario: ScenarioInfo {
            name: s.name.clone(),
            title: s.title.clone().unwrap_or_else(|| s.name.clone()),
            description: s.description.clone(),
            file: scenario.source().to_string(),
            sha256: scenario.sha256().to_string(),
            inputs: scenario.inputs().to_vec(),
        },
        seed,
        replications,
        threads,
        wall_seconds: (wall_seconds * 1000.0).round() / 1000.0,
        period: Period {
            start: date(world.start_day),
            warm_up_weeks: (world.start_day / 7) as u32,
            branch: date(world.branch_day),
            end: date(world.days),
            count_window: Some(CountWindow {
                from: date(world.count_window.0),
                to: date(world.count_window.1),
            }),
        },
        walkouts: s
            .walkouts
            .iter()
            .map(|w| WalkoutInfo {
                name: w.name.clone(),
                start: w.start.0,
                end: w.end_time(),
                kind: match w.kind {
                    WalkoutKind::EmergencyCareProvided => "emergency_care_provided",
                    WalkoutKind::FullWalkout => "full_walkout",
                }
                .into(),
                grades: w.grades.iter().map(|g| g.name().to_string()).collect(),
                participation: describe_participation(s, w),
            })
            .collect(),
        plans: s
            .plans
            .iter()
            .map(|p| PlanInfo {
                name: p.name.clone(),
                description: p.description.clone().unwrap_or_default(),
                assumptions: describe_plan(p),
                catch_up: p.catch_up.is_some(),
            })
            .collect(),
        trusts: world
            .trusts
            .iter()
            .map(|t| TrustInfo {
                code: t.code.clone(),
                name: t.name.clone(),
                specialties: t.specialties.len(),
                initial_waiting_list: t.specialties.iter().map(|sp| sp.initial_list.total()).sum(),
            })
            .collect(),
        recovery_tolerance: Some(RecoveryTolerance {
            tolerance_patients: f64::from(s.recovery.tolerance_patients.get()),
            share_of_peak: s.recovery.share_of_peak.get(),
        }),
        costs: Some(CostsInfo {
            prices: world.costs,
            income_from: date(world.income_window.0),
            income_to: date(world.income_window.1),
        }),
        metrics: Metric::ALL
            .iter()
            .map(|m| MetricInfo {
                name: m.name().into(),
                unit: m.unit().name().into(),
                description: m.description().into(),
            })
            .collect(),
        precision: None,
        decision: s.decision.clone(),
        files: Vec::new(),
    }
}
