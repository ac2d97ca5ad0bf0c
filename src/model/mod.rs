//! The domain: trusts, their weekly templates, junior-doctor rotas, patient
//! pathways with an RTT clock, walkouts and the plans trusts answer them
//! with. No I/O and no threads here.
//!
//! [`World`] is the scenario turned into simulation terms (days, minutes,
//! per-weekday templates); it is built once and shared read-only by every
//! replication. [`trust::TrustSim`] runs one trust through simulated time on
//! the [`crate::engine::Calendar`].

pub mod dates;
pub mod outcome;
pub mod random;
pub mod staffing;
pub mod trust;

use crate::engine::{SimTime, MINUTES_PER_DAY, MINUTES_PER_HOUR};
use crate::scenario::{self, Scenario, SessionTime, Setting, WalkoutKind};
use dates::Dates;

/// Days in an 18-week and a 52-week wait.
pub const DAYS_18_WEEKS: i64 = 18 * 7;
pub const DAYS_52_WEEKS: i64 = 52 * 7;

/// Minutes after midnight at which the morning and afternoon sessions
/// start and end.
pub const AM_START: i64 = 8 * MINUTES_PER_HOUR + 30;
pub const AM_END: i64 = 12 * MINUTES_PER_HOUR + 30;
pub const PM_START: i64 = 13 * MINUTES_PER_HOUR + 30;
pub const PM_END: i64 = 17 * MINUTES_PER_HOUR + 30;

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
    pub juniors: [u32; 3],
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
    pub initial_admitted_share: f64,
    pub referrals_per_week: f64,
    /// Share of the week's referrals arriving on each weekday (Monday
    /// first; zero at weekends).
    pub referral_share: [f64; 7],
    /// Cumulative shares of P1..P4.
    pub priority_cdf: [f64; 4],
    pub admit_share: f64,
    pub day_case_share: f64,
    pub decision_mean_days: f64,
    pub complex_share: f64,
    pub complex_mean_days: f64,
    pub consultants: u32,
    /// Rostered juniors by shift (weekday day, night, weekend) and grade.
    pub rota: [[u32; 3]; 3],
    pub floor: [[u32; 3]; 3],
    pub templates: Vec<SessionTemplate>,
}

impl SpecialtyModel {
    /// Mean days from first appointment to decision, over simple and
    /// complex pathways.
    pub fn mean_decision_days(&self) -> f64 {
        (1.0 - self.complex_share) * self.decision_mean_days
            + self.complex_share * self.complex_mean_days
    }
}

/// Shift indices into [`SpecialtyModel::rota`].
pub const SHIFT_WEEKDAY: usize = 0;
pub const SHIFT_NIGHT: usize = 1;
pub const SHIFT_WEEKEND: usize = 2;

/// A trust in simulation terms.
#[derive(Debug, Clone)]
pub struct TrustModel {
    pub code: String,
    pub name: String,
    pub within_18w_share: f64,
    pub dna_rate: f64,
    pub background_cancel_rate: f64,
    /// Daily hazard of leaving the list untreated.
    pub removal_rate_per_day: f64,
    pub offer_decline_rate: f64,
    pub deferral_mean_days: f64,
    pub clinic_horizon_days: i64,
    pub theatre_horizon_days: i64,
    pub admission_notice_days: i64,
    pub specialties: Vec<SpecialtyModel>,
}

/// Participation in a walkout, drawn per replication.
#[derive(Debug, Clone)]
pub enum ParticipationModel {
    Fixed(f64),
    Uniform(f64, f64),
    Beta { alpha: f64, beta: f64, mean: f64 },
}

/// A walkout in simulation terms.
#[derive(Debug, Clone)]
pub struct WalkoutModel {
    pub name: String,
    pub start: SimTime,
    pub end: SimTime,
    pub kind: WalkoutKind,
    /// Which grades strike.
    pub grades: [bool; 3],
    pub participation: ParticipationModel,
    pub between_trust_sd: f64,
    /// Which trusts (by index) it affects.
    pub trusts: Vec<bool>,
}

impl WalkoutModel {
    /// Does the walkout overlap the interval [from, to)?
    pub fn overlaps(&self, from: SimTime, to: SimTime) -> bool {
        self.start < to && from < self.end
    }
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
}

/// A plan in simulation terms.
#[derive(Debug, Clone)]
pub struct PlanModel {
    pub name: String,
    pub protect_up_to: Option<u8>,
    pub stand_down_theatre: f64,
    pub stand_down_clinic: f64,
    pub stand_down_days_ahead: i64,
    pub stand_down_specialties: Option<Vec<String>>,
    pub act_down_share: f64,
    pub major_incident: Option<(f64, f64, i64)>,
    pub binding_days: i64,
    pub stood_down_first: bool,
    pub catch_up: Option<CatchUpModel>,
}

impl PlanModel {
    /// The no-strike counterfactual: nothing stood down, nobody diverted.
    pub fn counterfactual(binding_days: i64) -> PlanModel {
        PlanModel {
            name: "counterfactual".into(),
            protect_up_to: Some(1),
            stand_down_theatre: 0.0,
            stand_down_clinic: 0.0,
            stand_down_days_ahead: 0,
            stand_down_specialties: None,
            act_down_share: 0.0,
            major_incident: None,
            binding_days,
            stood_down_first: false,
            catch_up: None,
        }
    }

    fn applies_to(list: &Option<Vec<String>>, code: &str) -> bool {
        list.as_ref().is_none_or(|l| l.iter().any(|c| c == code))
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
    pub counterfactual: PlanModel,
    /// Every plan and the counterfactual branch from the state at 00:00 on
    /// this day.
    pub branch_day: i64,
    /// Day after the last walkout ends (recovery is counted from here).
    pub after_walkouts_day: i64,
    /// Cancellations are counted for sessions on days in this range.
    pub count_window: (i64, i64),
    /// Number of simulated days.
    pub days: i64,
    pub recovery_list_pct: f64,
    pub recovery_points: f64,
}

impl World {
    pub fn from_scenario(scenario: &Scenario) -> World {
        let s = scenario.file();
        let start = s.start.0;
        let at = |dt: chrono::NaiveDateTime| {
            SimTime((dt - start.and_hms_opt(0, 0, 0).expect("midnight")).num_minutes())
        };
        let walkouts: Vec<WalkoutModel> = s
            .walkouts
            .iter()
            .map(|w| WalkoutModel {
                name: w.name.clone(),
                start: at(w.start.0),
                end: at(w.end_time()),
                kind: w.kind,
                grades: scenario::Grade::ALL.map(|g| w.grades.contains(&g)),
                participation: participation_model(&w.participation),
                between_trust_sd: w.between_trust_sd.get(),
                trusts: s
                    .trusts
                    .iter()
                    .map(|t| w.trusts.is_empty() || w.trusts.contains(&t.code))
                    .collect(),
            })
            .collect();
        let first_start_day = walkouts
            .iter()
            .map(|w| w.start.day())
            .min()
            .expect("validated");
        let last_end = walkouts.iter().map(|w| w.end).max().expect("validated");
        // The first day after the last walkout: a walkout ending at 08:00
        // still affects that morning's sessions.
        let after_walkouts_day = last_end.day() + 1;
        let days = after_walkouts_day + 7 * i64::from(s.weeks_after.get());
        let plans: Vec<PlanModel> = s
            .plans
            .iter()
            .map(|p| plan_model(p, after_walkouts_day))
            .collect();
        let branch_day = plans
            .iter()
            .filter(|p| p.stand_down_theatre > 0.0 || p.stand_down_clinic > 0.0)
            .map(|p| first_start_day - p.stand_down_days_ahead)
            .min()
            .unwrap_or(first_start_day)
            .min(first_start_day)
            .max(0);
        World {
            dates: Dates::new(start, days as usize + 1),
            trusts: s
                .trusts
                .iter()
                .enumerate()
                .map(|(i, t)| trust_model(scenario, i, t))
                .collect(),
            walkouts,
            counterfactual: PlanModel::counterfactual(28),
            plans,
            branch_day,
            after_walkouts_day,
            count_window: (branch_day, after_walkouts_day),
            days,
            recovery_list_pct: s.recovery.list_size_pct.get(),
            recovery_points: s.recovery.within_18w_points.get(),
        }
    }

    /// End of the simulated period.
    pub fn end(&self) -> SimTime {
        SimTime::from_days(self.days)
    }

    /// Day indices of the Mondays on which weekly figures are taken.
    pub fn week_starts(&self) -> Vec<i64> {
        (0..=self.days)
            .filter(|&d| {
                (d as usize) < self.dates.len() && self.dates.weekday(d as usize) == 0
            })
            .collect()
    }

    /// Every branch run in a replication: the counterfactual first, then the
    /// plans in scenario order.
    pub fn branches(&self) -> impl Iterator<Item = &PlanModel> {
        std::iter::once(&self.counterfactual).chain(self.plans.iter())
    }

    /// Minutes from the start to `day` at `minute_of_day`.
    pub fn at(day: i64, minute_of_day: i64) -> SimTime {
        SimTime(day * MINUTES_PER_DAY + minute_of_day)
    }
}

fn participation_model(p: &scenario::Participation) -> ParticipationModel {
    match p {
        scenario::Participation::Fixed { value } => ParticipationModel::Fixed(value.get()),
        scenario::Participation::Uniform { low, high } => {
            ParticipationModel::Uniform(low.get(), high.get())
        }
        scenario::Participation::Beta { mean, sd } => {
            let (m, s) = (mean.get(), sd.get());
            if s <= 0.0 {
                ParticipationModel::Fixed(m)
            } else {
                let k = m * (1.0 - m) / (s * s) - 1.0;
                ParticipationModel::Beta {
                    alpha: m * k,
                    beta: (1.0 - m) * k,
                    mean: m,
                }
            }
        }
    }
}

fn weekday_mask(days: &[scenario::Weekday]) -> [bool; 7] {
    let mut mask = [false; 7];
    for d in days {
        mask[d.index()] = true;
    }
    mask
}

fn trust_model(scenario: &Scenario, index: usize, t: &scenario::Trust) -> TrustModel {
    TrustModel {
        code: t.code.clone(),
        name: t.name.clone(),
        within_18w_share: t.within_18w_pct.get() / 100.0,
        dna_rate: t.dna_rate.get(),
        background_cancel_rate: t.background_cancel_rate.get(),
        removal_rate_per_day: -(1.0 - t.removal_rate_per_week.get()).ln() / 7.0,
        offer_decline_rate: t.offer_decline_rate.get(),
        deferral_mean_days: t.deferral_weeks.get() * 7.0,
        clinic_horizon_days: i64::from(t.clinic_booking_days.get()),
        theatre_horizon_days: i64::from(t.theatre_booking_days.get()),
        admission_notice_days: i64::from(t.admission_notice_days.get()),
        specialties: t
            .specialties
            .iter()
            .enumerate()
            .map(|(j, sp)| {
                let initial = match scenario.initial_bands(index, j) {
                    Some(f) => InitialList::Bands(
                        f.bands
                            .iter()
                            .map(|b| {
                                let from = i64::from(b.from_weeks) * 7;
                                let to = b
                                    .to_weeks
                                    .map_or(from + OPEN_BAND_DAYS, |w| i64::from(w) * 7);
                                (from, to, b.count.min(u64::from(u32::MAX)) as u32)
                            })
                            .collect(),
                    ),
                    None => InitialList::Count(sp.waiting_list.map_or(0, |c| c.get())),
                };
                specialty_model(sp, initial)
            })
            .collect(),
    }
}

fn specialty_model(sp: &scenario::Specialty, initial_list: InitialList) -> SpecialtyModel {
    let shares = sp.priority.shares();
    let mut cdf = [0.0; 4];
    let mut acc = 0.0;
    for (c, s) in cdf.iter_mut().zip(shares) {
        acc += s;
        *c = acc;
    }
    cdf[3] = 1.0;
    let shifts = |r: &scenario::Rota| {
        [
            r.weekday_day.as_array(),
            r.night.as_array(),
            r.weekend.as_array(),
        ]
    };
    let mut templates: Vec<SessionTemplate> = sp
        .theatre_lists
        .iter()
        .map(|l| SessionTemplate {
            weekdays: weekday_mask(&l.days),
            time: l.session,
            kind: SessionKind::Theatre {
                setting: l.setting,
                cases: l.cases.get(),
            },
            count: l.count.get(),
            juniors: l.juniors.as_array(),
        })
        .collect();
    templates.extend(sp.clinics.iter().map(|c| SessionTemplate {
        weekdays: weekday_mask(&c.days),
        time: c.session,
        kind: SessionKind::Clinic {
            new_slots: c.new_slots.get(),
            follow_up_slots: c.follow_up_slots.get(),
        },
        count: c.count.get(),
        juniors: c.juniors.as_array(),
    }));
    SpecialtyModel {
        code: sp.code.clone(),
        name: sp.name.clone(),
        initial_list,
        initial_admitted_share: sp.admitted_share_of_list.get(),
        referrals_per_week: sp.referrals_per_week.get(),
        referral_share: {
            let total: f64 = sp.referral_pattern.iter().map(|w| w.get()).sum();
            let mut share = [0.0; 7];
            for (s, w) in share.iter_mut().zip(sp.referral_pattern) {
                *s = if total > 0.0 { w.get() / total } else { 0.0 };
            }
            share
        },
        priority_cdf: cdf,
        admit_share: sp.admit_share.get(),
        day_case_share: sp.day_case_share.get(),
        decision_mean_days: sp.decision_weeks.get() * 7.0,
        complex_share: sp.complex_pathway_share.get(),
        complex_mean_days: sp.complex_pathway_weeks.get() * 7.0,
        consultants: sp.consultants.get(),
        rota: shifts(&sp.rota),
        floor: shifts(&sp.emergency_floor),
        templates,
    }
}

fn plan_model(p: &scenario::Plan, after_walkouts_day: i64) -> PlanModel {
    let list = |v: &Vec<String>| (!v.is_empty()).then(|| v.clone());
    PlanModel {
        name: p.name.clone(),
        protect_up_to: p.protect.up_to(),
        stand_down_theatre: p.stand_down.theatre_share.get(),
        stand_down_clinic: p.stand_down.clinic_share.get(),
        stand_down_days_ahead: i64::from(p.stand_down.days_ahead.get()),
        stand_down_specialties: list(&p.stand_down.specialties),
        act_down_share: p.consultant_act_down_share.get(),
        major_incident: p.major_incident.as_ref().map(|m| {
            (
                m.threshold.get(),
                m.recall_share.get(),
                i64::from(m.delay_hours.get()) * MINUTES_PER_HOUR,
            )
        }),
        binding_days: i64::from(p.rebooking.binding_days.get()),
        stood_down_first: p.rebooking.stood_down_first,
        catch_up: p.catch_up.as_ref().map(|c| {
            let first_day = after_walkouts_day - 1 + i64::from(c.start_days_after.get());
            CatchUpModel {
                first_day,
                last_day: first_day + 7 * i64::from(c.weeks.get()) - 1,
                weekdays: weekday_mask(&c.days),
                theatre_lists: c.theatre_lists.get(),
                clinics: c.clinics.get(),
                specialties: list(&c.specialties),
            }
        }),
    }
}

/// Start and end minute of a session time of day.
pub fn session_bounds(time: SessionTime) -> (i64, i64) {
    match time {
        SessionTime::Am => (AM_START, AM_END),
        SessionTime::Pm => (PM_START, PM_END),
        SessionTime::AllDay => (AM_START, PM_END),
    }
}
