//! The domain: trusts, their weekly templates, junior-doctor rotas, patient
//! pathways with an RTT clock, walkouts and the plans trusts answer them
//! with. No I/O and no threads here, and no knowledge of the scenario file
//! format: `model` depends only on `engine` (and std and crates).
//!
//! [`World`] is the scenario in simulation terms (days, minutes,
//! per-weekday templates); `scenario/build.rs` makes it once and every
//! replication shares it read-only. [`trust::TrustSim`] runs one trust
//! through simulated time on the [`crate::engine::Calendar`], once per
//! [`Branch`]: the counterfactual, each plan, and each plan with a
//! catch-up once more without it (to split its effect on the list).
//!
//! Here: the model's structs (this file), the vocabulary and value types
//! ([`vocab`], [`values`]), real dates ([`dates`]), rotas and staffing
//! rules ([`staffing`]), walkouts and participation ([`walkout`]), keyed
//! random numbers and hashes ([`random`]), the trust simulation
//! ([`trust`]) and what a branch produced ([`outcome`]).
//!
//! # Adding a plan lever
//!
//! 1. The file format: a field of `scenario::format::Plan` (or one of its
//!    parts), with its doc comment (it becomes the JSON schema) and a
//!    default, using a value type from [`values`] so a bad value is
//!    refused while parsing.
//! 2. Checks that need other fields: `scenario/validate/mod.rs` (`check_plans`),
//!    and a case in `tests/bad_input.rs`.
//! 3. The model: a field of [`PlanModel`] (keeping the validated type), its
//!    value in [`PlanModel::counterfactual`] (the lever off), and the
//!    translation in `scenario/build.rs` (`plan_model`).
//! 4. Where the trust simulation reads it: `trust/walkout.rs` for anything
//!    that acts through a walkout (stand-downs, recall), `trust/sessions.rs`
//!    for staffing and running sessions, `trust/booking.rs` for booking.
//!    If it can change the branch day, see `Scenario::world` (the branch
//!    day may move with the plans; the counting window must not).
//! 5. Docs: `describe_plan` in `output/manifest.rs` (the manifest and the
//!    report's assumptions), `scenarios/README.md`, and the README if it
//!    changes what the model does.

pub mod balance;
pub mod costs;
pub mod dates;
pub mod outcome;
pub mod random;
pub mod specialty;
pub mod staffing;
pub mod trust;
pub mod values;
pub mod vocab;
pub mod walkout;

use crate::engine::SimTime;
use dates::Dates;
use staffing::{Juniors, Rota};
use values::{NonNegative, Percent, Probability};
use vocab::{SessionTime, Setting};
pub use walkout::{ParticipationModel, WalkoutModel};

/// Cancellations are counted from this many days before the first walkout
/// to the day after the last ([`World::count_window`]). The window is fixed
/// by the walkouts alone, so what is counted (the counterfactual's counts
/// included) does not depend on which plans a scenario holds, and runs of
/// the same world with different plans compare. Two weeks hold the
/// stand-down leads trusts use (a week is usual; two weeks is the notice a
/// union gives of industrial action). A plan may not stand down further
/// ahead (`scenario/validate/` refuses it): its knock-on cancellations
/// would fall before the window and go uncounted.
pub const COUNT_LEAD_DAYS: i64 = 14;

/// Days in an 18-week and a 52-week wait.
pub const DAYS_18_WEEKS: i64 = 18 * 7;
pub const DAYS_52_WEEKS: i64 = 52 * 7;

/// What a session does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionKind {
    Theatre {
        setting: Setting,
        cases: u32,
    },
    Clinic {
        new_slots: u32,
        follow_up_slots: u32,
    },
}

/// One line of a weekly template, expanded: which weekdays, when, what.
#[derive(Debug, Clone)]
pub struct SessionTemplate {
    pub weekdays: [bool; 7],
    pub time: SessionTime,
    pub kind: SessionKind,
    pub count: u32,
    pub juniors: Juniors,
}

/// How a specialty's waiting list starts.
#[derive(Debug, Clone, PartialEq)]
pub enum InitialList {
    /// This many patients, waits exponential with the trust's share within
    /// 18 weeks.
    Count(u32),
    /// From an RTT file: (first day, day after the last, patients) per
    /// weekly band, clock starts spread evenly within each band.
    Bands(Vec<(i64, i64, u32)>),
}

impl InitialList {
    pub fn total(&self) -> u64 {
        match self {
            InitialList::Count(n) => u64::from(*n),
            InitialList::Bands(b) => b.iter().map(|&(_, _, n)| u64::from(n)).sum(),
        }
    }
}

/// Days given to the open-ended last band of an RTT file (e.g. "over 52
/// weeks"): its patients' waits are spread over the following half-year.
pub const OPEN_BAND_DAYS: i64 = 26 * 7;

/// A specialty in simulation terms.
#[derive(Debug, Clone)]
pub struct SpecialtyModel {
    pub code: String,
    pub name: String,
    pub initial_list: InitialList,
    pub initial_admitted_share: Probability,
    pub referrals_per_week: NonNegative,
    /// Share of the week's referrals arriving on each weekday (Monday
    /// first; zero at weekends).
    pub referral_share: [f64; 7],
    /// Cumulative shares of P1..P4.
    pub priority_cdf: [f64; 4],
    pub admit_share: Probability,
    pub day_case_share: Probability,
    /// Mean days from first appointment to decision, simple pathways.
    pub decision_mean_days: f64,
    pub complex_share: Probability,
    /// Mean days to a decision on a complex pathway.
    pub complex_mean_days: f64,
    /// Consultants in post (head count).
    pub consultants: u32,
    /// Consultants away on leave on an average weekday (the trust's leave
    /// share of the head count); see [`staffing::consultants_on_leave`].
    pub consultants_on_leave: f64,
    /// Consultants on call for emergencies, off elective work, each weekday.
    pub consultants_on_call: u32,
    /// Rostered juniors by shift and grade.
    pub rota: Rota,
    /// Juniors each shift needs for emergency work, filled first.
    pub floor: Rota,
    pub templates: Vec<SessionTemplate>,
    /// Nights an elective inpatient stays, if stays are modelled.
    pub inpatient_stay: Option<StayModel>,
}

/// Nights of an elective inpatient stay: a lognormal with these log-scale
/// parameters, rounded to whole nights, at least one and at most
/// [`StayModel::MAX_NIGHTS`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StayModel {
    pub mu: f64,
    pub sigma: f64,
}

impl StayModel {
    /// The longest stay counted (longer stays are cut here).
    pub const MAX_NIGHTS: u32 = 120;

    /// The lognormal of this mean and standard deviation (days).
    pub fn from_mean_sd(mean: f64, sd: f64) -> StayModel {
        let mean = mean.max(1e-9);
        let sigma2 = (1.0 + (sd / mean).powi(2)).ln();
        StayModel {
            mu: mean.ln() - sigma2 / 2.0,
            sigma: sigma2.sqrt(),
        }
    }

    /// Nights for a standard normal draw `z`.
    pub fn nights(&self, z: f64) -> u32 {
        (self.mu + self.sigma * z)
            .exp()
            .round()
            .clamp(1.0, f64::from(Self::MAX_NIGHTS)) as u32
    }
}

impl SpecialtyModel {
    /// Mean days from first appointment to decision, over simple and
    /// complex pathways.
    pub fn mean_decision_days(&self) -> f64 {
        let complex = self.complex_share.get();
        (1.0 - complex) * self.decision_mean_days + complex * self.complex_mean_days
    }
}

/// A trust in simulation terms.
#[derive(Debug, Clone)]
pub struct TrustModel {
    pub code: String,
    pub name: String,
    /// Share of the initial list within 18 weeks (without an RTT file).
    pub within_18w: Percent,
    pub dna_rate: Probability,
    pub background_cancel_rate: Probability,
    /// Daily hazard of leaving the list untreated.
    pub removal_rate_per_day: f64,
    pub offer_decline_rate: Probability,
    /// Mean days a patient who declines asks to wait.
    pub deferral_mean_days: f64,
    pub clinic_horizon_days: i64,
    pub theatre_horizon_days: i64,
    pub admission_notice_days: i64,
    /// Elective inpatients a junior covers on the ward, if wards are
    /// modelled.
    pub ward_patients_per_junior: Option<u32>,
    pub specialties: Vec<SpecialtyModel>,
}

/// A catch-up programme in simulation terms.
#[derive(Debug, Clone)]
pub struct CatchUpModel {
    pub first_day: i64,
    pub last_day: i64,
    pub weekdays: [bool; 7],
    pub theatre_lists: u32,
    pub clinics: u32,
    pub specialties: Option<Vec<String>>,
    /// Who staffs each covered specialty's catch-up sessions on a catch-up
    /// day: consultants and juniors by grade, each doing one session.
    pub staff_consultants: u32,
    pub staff_juniors: Juniors,
}

/// A plan's major incident rule: declared when the share of rostered
/// weekday juniors present in the trust falls below `threshold`; then
/// `recall_share` of strikers come back `delay_minutes` after the walkout
/// starts.
#[derive(Debug, Clone, Copy)]
pub struct MajorIncidentModel {
    pub threshold: Probability,
    pub recall_share: Probability,
    pub delay_minutes: i64,
}

/// A plan in simulation terms.
#[derive(Debug, Clone)]
pub struct PlanModel {
    pub name: String,
    pub protect_up_to: Option<u8>,
    pub stand_down_theatre: Probability,
    pub stand_down_clinic: Probability,
    pub stand_down_days_ahead: i64,
    pub stand_down_specialties: Option<Vec<String>>,
    /// Stand down, at the decision, what the expected staffing cannot cover.
    pub stand_down_unstaffable: bool,
    /// Postpone, at the decision, inpatients the expected ward cover
    /// cannot take.
    pub stand_down_inpatients: bool,
    /// The kinds of walkout the stand-down answers (None: every kind).
    pub stand_down_kinds: Option<Vec<vocab::WalkoutKind>>,
    /// The participation the trust plans for (None: the walkout's mean).
    pub plan_for_participation: Option<Probability>,
    pub act_down_share: Probability,
    pub major_incident: Option<MajorIncidentModel>,
    pub binding_days: i64,
    pub stood_down_first: bool,
    pub catch_up: Option<CatchUpModel>,
}

impl PlanModel {
    /// The no-strike counterfactual: nothing stood down, nobody diverted,
    /// the 28-day rule for on-the-day cancellations.
    pub fn counterfactual() -> PlanModel {
        PlanModel {
            name: COUNTERFACTUAL_NAME.into(),
            protect_up_to: Some(1),
            stand_down_theatre: Probability::ZERO,
            stand_down_clinic: Probability::ZERO,
            stand_down_days_ahead: 0,
            stand_down_specialties: None,
            stand_down_unstaffable: false,
            stand_down_inpatients: false,
            stand_down_kinds: None,
            plan_for_participation: None,
            act_down_share: Probability::ZERO,
            major_incident: None,
            binding_days: 28,
            stood_down_first: false,
            catch_up: None,
        }
    }

    /// The same plan without its catch-up, if it has one: the walkouts met
    /// with the same stand-downs, protection, acting down, recall and
    /// rebooking, but no extra sessions after.
    pub fn without_catch_up(&self) -> Option<PlanModel> {
        self.catch_up.as_ref().map(|_| PlanModel {
            catch_up: None,
            ..self.clone()
        })
    }

    fn applies_to(list: &Option<Vec<String>>, code: &str) -> bool {
        list.as_ref().is_none_or(|l| l.iter().any(|c| c == code))
    }

    /// Does the plan stand anything down in advance?
    pub fn has_stand_down(&self) -> bool {
        self.stand_down_theatre.get() > 0.0
            || self.stand_down_clinic.get() > 0.0
            || self.stand_down_unstaffable
            || self.stand_down_inpatients
    }

    pub fn stands_down(&self, code: &str) -> bool {
        Self::applies_to(&self.stand_down_specialties, code)
    }
}

impl CatchUpModel {
    pub fn covers(&self, code: &str) -> bool {
        PlanModel::applies_to(&self.specialties, code)
    }
}

/// The whole scenario in simulation terms, shared by every replication.
#[derive(Debug, Clone)]
pub struct World {
    pub dates: Dates,
    pub trusts: Vec<TrustModel>,
    pub walkouts: Vec<WalkoutModel>,
    /// The scenario's plans (the counterfactual is not among them).
    pub plans: Vec<PlanModel>,
    /// Per plan, the same plan without its catch-up
    /// ([`PlanModel::without_catch_up`]) if it has one: run as
    /// [`Branch::WithoutCatchUp`] to split what the plan achieves into the
    /// walkouts' damage and the catch-up's gain.
    pub plans_without_catch_up: Vec<Option<PlanModel>>,
    pub counterfactual: PlanModel,
    /// The scenario's `start`: days before it are the warm-up, run without
    /// a strike from the stated list and never reported. At 00:00 on this
    /// day each specialty's list is brought back to its stated size and
    /// every count starts from zero.
    pub start_day: i64,
    /// Every plan and the counterfactual branch from the state at 00:00 on
    /// this day: the earliest stand-down decision of any plan, or the first
    /// walkout day. What is counted does not depend on it.
    pub branch_day: i64,
    /// Day after the last walkout ends (recovery is counted from here).
    pub after_walkouts_day: i64,
    /// Cancellations are counted for sessions on days in this range
    /// (inclusive): from [`COUNT_LEAD_DAYS`] before the first walkout (or
    /// the start, if later) to the day after the last walkout. Set by the
    /// walkouts alone, never by the plans.
    pub count_window: (i64, i64),
    /// The first walkout's first day (the list's flows are counted from
    /// 00:00 on it for the waterfall: `Counters::since_walkout`).
    pub walkout_day: i64,
    /// Activity is valued for income on days in this range (inclusive):
    /// from the start of the counting window to the end of the financial
    /// year (31 March) in which the first walkout falls, or the end of the
    /// run if that is sooner.
    pub income_window: (i64, i64),
    /// The prices of `[costs]`.
    pub costs: costs::CostModel,
    /// Number of simulated days.
    pub days: i64,
    /// Extra waiters at one trust that count as no loss and as back to
    /// normal (patients).
    pub recovery_tolerance_patients: u32,
    /// Back to normal within this share of a trust's peak extra waiters.
    pub recovery_share_of_peak: Probability,
}

impl World {
    /// End of the simulated period.
    pub fn end(&self) -> SimTime {
        SimTime::from_days(self.days)
    }

    /// Day indices of the Mondays on which weekly figures are taken, from
    /// [`World::start_day`].
    pub fn week_starts(&self) -> Vec<i64> {
        (self.start_day..=self.days)
            .filter(|&d| (d as usize) < self.dates.len() && self.dates.weekday(d as usize) == 0)
            .collect()
    }

    /// Every branch with a row in the tables, in [`Branch::index`] order:
    /// the counterfactual first, then the plans in scenario order.
    pub fn branch_ids(&self) -> impl Iterator<Item = Branch> {
        std::iter::once(Branch::Counterfactual).chain((0..self.plans.len()).map(Branch::Plan))
    }

    /// The branches run only to split a plan's effect on the list: one
    /// [`Branch::WithoutCatchUp`] per plan with a catch-up, in scenario
    /// order. None when no plan has a catch-up.
    pub fn without_catch_up_ids(&self) -> impl Iterator<Item = Branch> + '_ {
        self.plans_without_catch_up
            .iter()
            .enumerate()
            .filter(|(_, p)| p.is_some())
            .map(|(i, _)| Branch::WithoutCatchUp(i))
    }

    /// The plan a branch runs under.
    pub fn plan(&self, branch: Branch) -> &PlanModel {
        match branch {
            Branch::Counterfactual => &self.counterfactual,
            Branch::Plan(i) => &self.plans[i],
            Branch::WithoutCatchUp(i) => self.plans_without_catch_up[i]
                .as_ref()
                .expect("a branch without catch-up is made only for a plan with one"),
        }
    }

    /// The plans of every branch, in [`Branch::index`] order.
    pub fn branches(&self) -> impl Iterator<Item = &PlanModel> {
        self.branch_ids().map(|b| self.plan(b))
    }
}

/// The name of the no-strike branch (a plan may not take it).
pub const COUNTERFACTUAL_NAME: &str = "counterfactual";

/// One branch of a replication. Every branch continues from the same
/// snapshot at [`World::branch_day`], with the same patients and draws.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Branch {
    /// The same world without the walkouts, under
    /// [`PlanModel::counterfactual`].
    Counterfactual,
    /// The walkouts, answered with the scenario's plan of this index.
    Plan(usize),
    /// The walkouts, answered with the plan of this index less its catch-up
    /// (same stand-downs, staffing rules and draws). Run only for a plan
    /// with a catch-up, and never a plan of its own in the tables: its list
    /// splits that plan's effect into the walkouts' (this branch minus the
    /// counterfactual) and the catch-up's (the plan minus this branch).
    WithoutCatchUp(usize),
}

impl Branch {
    /// Position among a replication's outcomes (and in every table): the
    /// counterfactual is 0, plan `i` is `i + 1`. A branch without catch-up
    /// has no row of its own: it reports in its plan's row (`i + 1`), as
    /// the plan's split metrics.
    pub const fn index(self) -> usize {
        match self {
            Branch::Counterfactual => 0,
            Branch::Plan(i) | Branch::WithoutCatchUp(i) => i + 1,
        }
    }

    /// Do the walkouts happen in this branch?
    pub const fn strikes(self) -> bool {
        matches!(self, Branch::Plan(_) | Branch::WithoutCatchUp(_))
    }
}
