//! The scenario turned into simulation terms: a validated [`Scenario`]
//! becomes the model's [`World`] (days and minutes from the start date,
//! per-weekday templates, rotas by shift, the branch day).
//!
//! This is the one place the file format meets the model. The model does
//! not know the file format; validation happens before this (see
//! `validate/`), so nothing here can fail.

use super::{
    turnout, Participation, Plan, Probability, Scenario, ScenarioFile, Specialty, Trust, Walkout,
    Weekday,
};
use crate::engine::{SimTime, MINUTES_PER_HOUR};
use crate::model::dates::Dates;
use crate::model::staffing::{expected_on_leave, Rota};
use crate::model::vocab::Grade;
use crate::model::{
    CatchUpModel, InitialList, MajorIncidentModel, ParticipationModel, PlanModel, SessionKind,
    SessionTemplate, SpecialtyModel, StayModel, TrustModel, WalkoutModel, World, COUNT_LEAD_DAYS,
    OPEN_BAND_DAYS,
};

impl Scenario {
    /// The scenario in simulation terms: days and minutes from the start
    /// date, per-weekday templates, the branch day and the simulated period.
    pub fn world(&self) -> World {
        let s = self.file();
        // Day 0 is the start of the warm-up; the scenario's `start` is
        // `start_day`.
        let start_day = 7 * i64::from(s.warm_up_weeks.get());
        let origin = s.start.0 - chrono::Days::new(start_day as u64);
        let at = |dt: chrono::NaiveDateTime| {
            SimTime((dt - origin.and_hms_opt(0, 0, 0).expect("midnight")).num_minutes())
        };
        let walkouts: Vec<WalkoutModel> = s
            .walkouts
            .iter()
            .map(|w| WalkoutModel {
                name: w.name.clone(),
                start: at(w.start.0),
                end: at(w.end_time()),
                kind: w.kind,
                grades: Grade::ALL.map(|g| w.grades.contains(&g)),
                participation: participation_model(s, w),
                expected_participation: turnout::participation_mean(s, w).expect("validated"),
                between_trust_sd: w.between_trust_sd,
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
        // Plans branch at the earliest stand-down decision; what is counted
        // is fixed by the walkouts, whatever the plans.
        // With wards modelled, an admission whose stay reaches into a
        // walkout is already the trust's decision: branch at the start of
        // the counting window, so those before the walkout are judged in
        // each plan (admissions more than COUNT_LEAD_DAYS ahead are not).
        let wards = s
            .trusts
            .iter()
            .any(|t| t.ward_patients_per_junior.is_some());
        let earliest = if wards {
            first_start_day - COUNT_LEAD_DAYS
        } else {
            first_start_day
        };
        let branch_day = plans
            .iter()
            .filter(|p| p.has_stand_down())
            .map(|p| first_start_day - p.stand_down_days_ahead)
            .min()
            .unwrap_or(earliest)
            .min(earliest)
            .max(start_day);
        World {
            dates: Dates::new(origin, days as usize + 1),
            trusts: s
                .trusts
                .iter()
                .enumerate()
                .map(|(i, t)| trust_model(self, i, t))
                .collect(),
            walkouts,
            counterfactual: PlanModel::counterfactual(),
            plans_without_catch_up: plans.iter().map(PlanModel::without_catch_up).collect(),
            plans,
            start_day,
            branch_day,
            after_walkouts_day,
            count_window: (
                (first_start_day - COUNT_LEAD_DAYS).max(start_day),
                after_walkouts_day,
            ),
            walkout_day: first_start_day,
            income_window: (
                (first_start_day - COUNT_LEAD_DAYS).max(start_day),
                year_end_day(origin, first_start_day).min(days),
            ),
            costs: s.costs.model(),
            days,
            recovery_tolerance_patients: s.recovery.tolerance_patients.get(),
            recovery_share_of_peak: s.recovery.share_of_peak,
        }
    }
}

/// Day index of 31 March ending the NHS financial year that holds day
/// `day` (days count from `origin`).
fn year_end_day(origin: chrono::NaiveDate, day: i64) -> i64 {
    use chrono::Datelike;
    let date = origin + chrono::Days::new(day.max(0) as u64);
    let year = if date.month() >= 4 {
        date.year() + 1
    } else {
        date.year()
    };
    let end = chrono::NaiveDate::from_ymd_opt(year, 3, 31).expect("31 March exists");
    (end - origin).num_days()
}

fn participation_model(file: &ScenarioFile, w: &Walkout) -> ParticipationModel {
    match &w.participation {
        Participation::Fixed { value } => ParticipationModel::Fixed(*value),
        Participation::Uniform { low, high } => ParticipationModel::Uniform(*low, *high),
        Participation::Beta { mean, sd } => ParticipationModel::beta(*mean, *sd),
        Participation::Turnout { sd, .. } => {
            let mean = turnout::participation_mean(file, w).expect("validated");
            ParticipationModel::beta(Probability::new(mean).expect("a share"), *sd)
        }
    }
}

fn weekday_mask(days: &[Weekday]) -> [bool; 7] {
    let mut mask = [false; 7];
    for d in days {
        mask[d.index()] = true;
    }
    mask
}

fn trust_model(scenario: &Scenario, index: usize, t: &Trust) -> TrustModel {
    TrustModel {
        code: t.code.clone(),
        name: t.name.clone(),
        within_18w: t.within_18w_pct,
        dna_rate: t.dna_rate,
        background_cancel_rate: t.background_cancel_rate,
        removal_rate_per_day: -(1.0 - t.removal_rate_per_week.get()).ln() / 7.0,
        offer_decline_rate: t.offer_decline_rate,
        deferral_mean_days: t.deferral_weeks.get() * 7.0,
        clinic_horizon_days: i64::from(t.clinic_booking_days.get()),
        theatre_horizon_days: i64::from(t.theatre_booking_days.get()),
        admission_notice_days: i64::from(t.admission_notice_days.get()),
        ward_patients_per_junior: t.ward_patients_per_junior.map(|n| n.get()),
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
                specialty_model(sp, initial, t.consultant_leave_share.get())
            })
            .collect(),
    }
}

fn specialty_model(sp: &Specialty, initial_list: InitialList, leave_share: f64) -> SpecialtyModel {
    let shares = sp.priority.shares();
    let mut cdf = [0.0; 4];
    let mut acc = 0.0;
    for (c, s) in cdf.iter_mut().zip(shares) {
        acc += s;
        *c = acc;
    }
    cdf[3] = 1.0;
    // The file's rota, in the model's shift order.
    let shifts = |r: &super::Rota| {
        Rota([
            r.weekday_day.as_array(),
            r.night.as_array(),
            r.weekend.as_array(),
        ])
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
        initial_admitted_share: sp.admitted_share_of_list,
        referrals_per_week: sp.referrals_per_week,
        referral_share: {
            let total: f64 = sp.referral_pattern.iter().map(|w| w.get()).sum();
            let mut share = [0.0; 7];
            for (s, w) in share.iter_mut().zip(sp.referral_pattern) {
                *s = if total > 0.0 { w.get() / total } else { 0.0 };
            }
            share
        },
        priority_cdf: cdf,
        admit_share: sp.admit_share,
        day_case_share: sp.day_case_share,
        decision_mean_days: sp.decision_weeks.get() * 7.0,
        complex_share: sp.complex_pathway_share,
        complex_mean_days: sp.complex_pathway_weeks.get() * 7.0,
        consultants: sp.consultants.get(),
        consultants_on_leave: expected_on_leave(leave_share, sp.consultants.get()),
        consultants_on_call: sp.consultants_on_call.get(),
        rota: shifts(&sp.rota),
        floor: shifts(&sp.emergency_floor),
        templates,
        inpatient_stay: sp
            .inpatient_stay_days
            .map(|d| StayModel::from_mean_sd(d.mean.get(), d.sd.get())),
    }
}

fn plan_model(p: &Plan, after_walkouts_day: i64) -> PlanModel {
    let list = |v: &Vec<String>| (!v.is_empty()).then(|| v.clone());
    PlanModel {
        name: p.name.clone(),
        protect_up_to: p.protect.up_to(),
        stand_down_theatre: p.stand_down.theatre_share,
        stand_down_clinic: p.stand_down.clinic_share,
        stand_down_days_ahead: i64::from(p.stand_down.days_ahead.get()),
        stand_down_specialties: list(&p.stand_down.specialties),
        stand_down_unstaffable: p.stand_down.unstaffable,
        stand_down_inpatients: p.stand_down.inpatients_at_risk,
        stand_down_kinds: (!p.stand_down.walkout_kinds.is_empty())
            .then(|| p.stand_down.walkout_kinds.clone()),
        plan_for_participation: p.stand_down.plan_for_participation,
        act_down_share: p.consultant_act_down_share,
        major_incident: p.major_incident.as_ref().map(|m| MajorIncidentModel {
            threshold: m.threshold,
            recall_share: m.recall_share,
            delay_minutes: i64::from(m.delay_hours.get()) * MINUTES_PER_HOUR,
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
                staff_consultants: c.staff.consultants.get(),
                staff_juniors: c.staff.juniors(),
            }
        }),
    }
}
