//! The ward checks of [`super::check`]: a trust's `ward_patients_per_junior`,
//! each specialty's `inpatient_stay_days`, and plans that review inpatient
//! admissions against ward cover.

use super::*;

/// The most elective inpatients one junior could look after on a day shift.
const MAX_PATIENTS_PER_JUNIOR: u32 = 100;
/// Mean nights of an elective stay allowed (HES elective means of the time
/// are a few days; the longest specialties average under three weeks).
const MAX_MEAN_NIGHTS: f64 = 60.0;
const MAX_SD_NIGHTS: f64 = 100.0;

pub(super) fn check_wards(f: &mut Findings, s: &ScenarioFile) {
    let mut any_ward = false;
    for (i, t) in s.trusts.iter().enumerate() {
        let at = format!("trusts[{i}]");
        if let Some(per) = t.ward_patients_per_junior {
            if per.get() > MAX_PATIENTS_PER_JUNIOR {
                f.error(
                    format!("{at}.ward_patients_per_junior"),
                    format!(
                        "{} patients for one junior is more than any ward round: give 1 to {MAX_PATIENTS_PER_JUNIOR}",
                        per.get()
                    ),
                );
            }
        }
        for (j, sp) in t.specialties.iter().enumerate() {
            let Some(stay) = sp.inpatient_stay_days else {
                continue;
            };
            let at = format!("{at}.specialties[{j}].inpatient_stay_days");
            let (mean, sd) = (stay.mean.get(), stay.sd.get());
            if !(1.0..=MAX_MEAN_NIGHTS).contains(&mean) {
                f.error(
                    format!("{at}.mean"),
                    format!("a mean stay of {mean} nights: give 1 to {MAX_MEAN_NIGHTS} (an elective inpatient stays at least one night)"),
                );
            }
            if sd > MAX_SD_NIGHTS {
                f.error(
                    format!("{at}.sd"),
                    format!("a standard deviation of {sd} nights: give 0 to {MAX_SD_NIGHTS}"),
                );
            }
            if t.ward_patients_per_junior.is_some() {
                any_ward = true;
            }
        }
    }
    for (i, p) in s.plans.iter().enumerate() {
        if p.stand_down.inpatients_at_risk && !any_ward {
            f.error(
                format!("plans[{i}].stand_down.inpatients_at_risk"),
                "true, but no ward is modelled: give a trust `ward_patients_per_junior` and its specialties `inpatient_stay_days`, or set it to false",
            );
        }
    }
}
