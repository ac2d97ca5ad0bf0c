//! The ward checks of [`super::check`] beyond the ranges of
//! `ward_patients_per_junior` and `inpatient_stay_days` (in [`super::bounds`]):
//! a plan that reviews inpatient admissions needs a ward to review them
//! against.

use super::*;

pub(super) fn check_wards(f: &mut Findings, s: &ScenarioFile) {
    let any_ward = s.trusts.iter().any(|t| {
        t.ward_patients_per_junior.is_some()
            && t.specialties
                .iter()
                .any(|sp| sp.inpatient_stay_days.is_some())
    });
    for (i, p) in s.plans.iter().enumerate() {
        if p.stand_down.inpatients_at_risk && !any_ward {
            f.error(
                format!("plans[{i}].stand_down.inpatients_at_risk"),
                "true, but no ward is modelled: give a trust `ward_patients_per_junior` and its specialties `inpatient_stay_days`, or set it to false",
            );
        }
    }
}
