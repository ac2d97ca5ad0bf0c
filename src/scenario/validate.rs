//! Checks that need more than one field: references between parts of the
//! scenario, the time horizon, and a rota that can staff its own template
//! on a normal day. Each failure names the field path and says what is
//! allowed.

use super::format::*;
use crate::model::staffing::{allocate_upward, less};
use crate::model::COUNTERFACTUAL_NAME;
use std::collections::HashSet;

type Failure = (String, String);

fn fail<T>(field: impl Into<String>, message: impl Into<String>) -> Result<T, Failure> {
    Err((field.into(), message.into()))
}

pub fn check(s: &ScenarioFile) -> Result<(), Failure> {
    if s.name.is_empty()
        || !s
            .name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        || s.name.starts_with('.')
    {
        return fail(
            "name",
            format!(
                "\"{}\" is not allowed: use letters, digits, '-', '_' or '.' (it names the output folder)",
                s.name
            ),
        );
    }
    if s.trusts.is_empty() {
        return fail("trusts", "at least one trust is needed ([[trusts]])");
    }
    if s.walkouts.is_empty() {
        return fail("walkouts", "at least one walkout is needed ([[walkouts]])");
    }
    if s.plans.is_empty() {
        return fail("plans", "at least one plan is needed ([[plans]])");
    }
    let mut codes = HashSet::new();
    for (i, t) in s.trusts.iter().enumerate() {
        if !codes.insert(t.code.as_str()) {
            return fail(
                format!("trusts[{i}].code"),
                format!(
                    "trust code \"{}\" appears twice; codes must be unique",
                    t.code
                ),
            );
        }
        check_trust(t, &format!("trusts[{i}]"))?;
    }
    check_walkouts(s, &codes)?;
    check_plans(s)?;
    Ok(())
}

fn check_walkouts(s: &ScenarioFile, trust_codes: &HashSet<&str>) -> Result<(), Failure> {
    let start = s.start.0.and_hms_opt(0, 0, 0).expect("midnight exists");
    let mut spans: Vec<(chrono::NaiveDateTime, chrono::NaiveDateTime, usize)> = Vec::new();
    for (i, w) in s.walkouts.iter().enumerate() {
        let at = format!("walkouts[{i}]");
        match (w.hours, w.end) {
            (Some(_), Some(_)) => {
                return fail(
                    format!("{at}.end"),
                    "give either `hours` or `end`, not both",
                )
            }
            (None, None) => {
                return fail(
                    format!("{at}.hours"),
                    "missing: give the duration in `hours` (e.g. 24 or 48) or an `end` date-time",
                )
            }
            (None, Some(end)) if end.0 <= w.start.0 => {
                return fail(
                    format!("{at}.end"),
                    format!(
                        "the walkout ends ({end}) before it starts ({}); the end must be after the start",
                        w.start
                    ),
                )
            }
            _ => {}
        }
        if w.start.0 < start {
            return fail(
                format!("{at}.start"),
                format!(
                    "{} is before the simulation starts ({}); move `start` earlier or the walkout later",
                    w.start, s.start
                ),
            );
        }
        if w.grades.is_empty() {
            return fail(
                format!("{at}.grades"),
                "at least one grade must strike: foundation, core or registrar",
            );
        }
        let mut seen = HashSet::new();
        for g in &w.grades {
            if !seen.insert(*g) {
                return fail(
                    format!("{at}.grades"),
                    format!("grade \"{}\" is listed twice", g.name()),
                );
            }
        }
        check_participation(&w.participation, &format!("{at}.participation"))?;
        for (k, code) in w.trusts.iter().enumerate() {
            if !trust_codes.contains(code.as_str()) {
                return fail(
                    format!("{at}.trusts[{k}]"),
                    format!(
                        "unknown trust \"{code}\"; the scenario's trusts are: {}",
                        sorted(trust_codes)
                    ),
                );
            }
        }
        let end = w.end_time();
        if let Some((_, _, j)) = spans.iter().find(|(a, b, _)| w.start.0 < *b && *a < end) {
            return fail(
                format!("{at}.start"),
                format!(
                    "walkout \"{}\" overlaps walkouts[{j}]; walkouts must not overlap",
                    w.name
                ),
            );
        }
        spans.push((w.start.0, end, i));
    }
    Ok(())
}

fn check_participation(p: &Participation, at: &str) -> Result<(), Failure> {
    match p {
        Participation::Fixed { .. } => Ok(()),
        Participation::Uniform { low, high } => {
            if low.get() > high.get() {
                fail(
                    format!("{at}.low"),
                    format!(
                        "low ({}) is above high ({}); low must not exceed high",
                        low.get(),
                        high.get()
                    ),
                )
            } else {
                Ok(())
            }
        }
        Participation::Beta { mean, sd } => {
            let (m, s) = (mean.get(), sd.get());
            if s > 0.0 && (m <= 0.0 || m >= 1.0) {
                return fail(
                    format!("{at}.mean"),
                    format!("a Beta distribution with sd > 0 needs a mean strictly between 0 and 1, found {m}"),
                );
            }
            let max_sd = (m * (1.0 - m)).sqrt();
            if s >= max_sd && s > 0.0 {
                return fail(
                    format!("{at}.sd"),
                    format!(
                        "sd {s} is too large for mean {m}: a Beta distribution needs sd below {max_sd:.4}"
                    ),
                );
            }
            Ok(())
        }
    }
}

fn check_trust(t: &Trust, at: &str) -> Result<(), Failure> {
    if t.specialties.is_empty() {
        return fail(
            format!("{at}.specialties"),
            "a trust needs at least one specialty ([[trusts.specialties]])",
        );
    }
    let mut codes = HashSet::new();
    for (j, sp) in t.specialties.iter().enumerate() {
        let at = format!("{at}.specialties[{j}]");
        if !codes.insert(sp.code.as_str()) {
            return fail(
                format!("{at}.code"),
                format!("specialty \"{}\" appears twice in this trust", sp.code),
            );
        }
        if sp.waiting_list.is_none() && t.initial_list_from.is_none() {
            return fail(
                format!("{at}.waiting_list"),
                "missing: give the specialty's initial waiting list (incomplete pathways, 0 or more), or give the trust an `initial_list_from` RTT file",
            );
        }
        check_specialty(sp, &at)?;
    }
    Ok(())
}

fn check_specialty(sp: &Specialty, at: &str) -> Result<(), Failure> {
    let mix = &sp.priority;
    let twenty16 = mix.urgent.is_some() || mix.routine.is_some();
    let classes = [mix.p1, mix.p2, mix.p3, mix.p4].iter().any(Option::is_some);
    if twenty16 && classes {
        return fail(
            format!("{at}.priority"),
            "use either urgent/routine or p1..p4, not both",
        );
    }
    if !mix.is_empty() {
        let total: f64 = mix.shares().iter().sum();
        if (total - 1.0).abs() > 1e-6 {
            return fail(
                format!("{at}.priority"),
                format!("priority shares must add up to 1, they add up to {total}"),
            );
        }
    }
    for (shift, rota, floor) in [
        (
            "weekday_day",
            sp.rota.weekday_day,
            sp.emergency_floor.weekday_day,
        ),
        ("night", sp.rota.night, sp.emergency_floor.night),
        ("weekend", sp.rota.weekend, sp.emergency_floor.weekend),
    ] {
        for g in Grade::ALL {
            let (r, f) = (rota.as_array()[g.index()], floor.as_array()[g.index()]);
            if f > r {
                return fail(
                    format!("{at}.emergency_floor.{shift}.{}", g.name()),
                    format!(
                        "the emergency floor needs {f} {} but the rota has {r} on this shift; the floor cannot exceed the rota",
                        g.name()
                    ),
                );
            }
        }
    }
    let referrals =
        sp.referrals_per_week.get() > 0.0 || sp.waiting_list.is_some_and(|w| w.get() > 0);
    if sp.referrals_per_week.get() > 0.0 && sp.referral_pattern.iter().all(|w| w.get() == 0.0) {
        return fail(
            format!("{at}.referral_pattern"),
            "all five weekday weights are 0, so no referral could arrive; give at least one a weight above 0",
        );
    }
    let new_slots: u32 = sp.clinics.iter().map(|c| c.new_slots.get()).sum();
    if referrals && new_slots == 0 {
        return fail(
            format!("{at}.clinics"),
            "this specialty has patients but no clinic with new_slots, so nobody could be seen",
        );
    }
    let admits = sp.admit_share.get() > 0.0 || sp.admitted_share_of_list.get() > 0.0;
    for (setting, share, name) in [
        (Setting::DayCase, sp.day_case_share.get(), "day_case"),
        (
            Setting::Inpatient,
            1.0 - sp.day_case_share.get(),
            "inpatient",
        ),
    ] {
        if admits && share > 0.0 && !sp.theatre_lists.iter().any(|l| l.setting == setting) {
            return fail(
                format!("{at}.theatre_lists"),
                format!(
                    "patients are admitted as {name} (day_case_share = {}) but there is no {name} theatre list",
                    sp.day_case_share.get()
                ),
            );
        }
    }
    check_template_staffing(sp, at)
}

/// On a normal day the rota, after its emergency floor, must staff every
/// list and clinic in each session of the template, and each needs a
/// consultant.
fn check_template_staffing(sp: &Specialty, at: &str) -> Result<(), Failure> {
    const DAYS: [(Weekday, &str); 7] = [
        (Weekday::Mon, "Monday"),
        (Weekday::Tue, "Tuesday"),
        (Weekday::Wed, "Wednesday"),
        (Weekday::Thu, "Thursday"),
        (Weekday::Fri, "Friday"),
        (Weekday::Sat, "Saturday"),
        (Weekday::Sun, "Sunday"),
    ];
    for (day, day_name) in DAYS {
        for (half, half_name) in [(SessionTime::Am, "morning"), (SessionTime::Pm, "afternoon")] {
            let mut need = [0u32; 3];
            let mut sessions = 0u32;
            let mut add =
                |days: &[Weekday], time: SessionTime, count: u32, juniors: &GradeCounts| {
                    if days.contains(&day) && (time == half || time == SessionTime::AllDay) {
                        sessions += count;
                        for (n, j) in need.iter_mut().zip(juniors.as_array()) {
                            *n += count * j;
                        }
                    }
                };
            for l in &sp.theatre_lists {
                add(&l.days, l.session, l.count.get(), &l.juniors);
            }
            for c in &sp.clinics {
                add(&c.days, c.session, c.count.get(), &c.juniors);
            }
            if sessions == 0 {
                continue;
            }
            let weekend = matches!(day, Weekday::Sat | Weekday::Sun);
            let (rota, floor) = if weekend {
                (sp.rota.weekend, sp.emergency_floor.weekend)
            } else {
                (sp.rota.weekday_day, sp.emergency_floor.weekday_day)
            };
            let (r, f) = (rota.as_array(), floor.as_array());
            let free = less(&r, &f);
            let mut spare = free;
            if allocate_upward(&mut spare, &need) > 0 {
                // Seniors fill junior places, so grade g and above fall
                // short when they need more than they have between them.
                let from = |v: &[u32; 3], g: usize| v[g..].iter().sum::<u32>();
                let g = (0..3)
                    .rev()
                    .find(|&g| from(&need, g) > from(&free, g))
                    .unwrap_or(0);
                let shift = if weekend { "weekend" } else { "weekday_day" };
                let by_grade = |v: [u32; 3]| {
                    Grade::ALL
                        .iter()
                        .map(|g| format!("{} {}", v[g.index()], g.name()))
                        .collect::<Vec<_>>()
                        .join(", ")
                };
                return fail(
                    format!("{at}.rota.{shift}.{}", Grade::ALL[g].name()),
                    format!(
                        "on a normal {day_name} {half_name} the lists and clinics need {} juniors but the {shift} rota has only {} free after its emergency floor (a more senior junior can fill a junior place, not the reverse); add {} (or more senior) juniors to the rota or remove sessions",
                        by_grade(need),
                        by_grade(free),
                        Grade::ALL[g].name()
                    ),
                );
            }
            if sessions > sp.consultants.get() {
                return fail(
                    format!("{at}.consultants"),
                    format!(
                        "{sessions} lists and clinics run on a {day_name} {half_name} but only {} consultants are available; each needs one",
                        sp.consultants.get()
                    ),
                );
            }
        }
    }
    Ok(())
}

fn check_plans(s: &ScenarioFile) -> Result<(), Failure> {
    let specialty_codes: HashSet<&str> = s
        .trusts
        .iter()
        .flat_map(|t| t.specialties.iter().map(|sp| sp.code.as_str()))
        .collect();
    let first_walkout = s.walkouts.iter().map(|w| w.start.0).min().expect("checked");
    let start = s.start.0.and_hms_opt(0, 0, 0).expect("midnight exists");
    let mut names = HashSet::new();
    for (i, p) in s.plans.iter().enumerate() {
        let at = format!("plans[{i}]");
        if p.name == COUNTERFACTUAL_NAME {
            return fail(
                format!("{at}.name"),
                "\"counterfactual\" is reserved for the no-strike run that is always added; choose another name",
            );
        }
        if p.name.is_empty() || p.name.contains(',') || p.name.contains('"') {
            return fail(
                format!("{at}.name"),
                format!("\"{}\" is not allowed: a plan name must be non-empty, without commas or quotes", p.name),
            );
        }
        if !names.insert(p.name.as_str()) {
            return fail(
                format!("{at}.name"),
                format!("plan name \"{}\" appears twice", p.name),
            );
        }
        let decided =
            first_walkout - chrono::Duration::days(i64::from(p.stand_down.days_ahead.get()));
        let stands_down =
            p.stand_down.theatre_share.get() > 0.0 || p.stand_down.clinic_share.get() > 0.0;
        if stands_down && decided.date() < start.date() {
            return fail(
                format!("{at}.stand_down.days_ahead"),
                format!(
                    "standing down {} days ahead falls on {}, before the simulation starts ({}); start the simulation earlier",
                    p.stand_down.days_ahead.get(),
                    decided.date(),
                    s.start
                ),
            );
        }
        let mut refs: Vec<(String, &String)> = p
            .stand_down
            .specialties
            .iter()
            .enumerate()
            .map(|(k, c)| (format!("{at}.stand_down.specialties[{k}]"), c))
            .collect();
        if let Some(c) = &p.catch_up {
            refs.extend(
                c.specialties
                    .iter()
                    .enumerate()
                    .map(|(k, code)| (format!("{at}.catch_up.specialties[{k}]"), code)),
            );
        }
        for (field, code) in refs {
            if !specialty_codes.contains(code.as_str()) {
                return fail(
                    field,
                    format!(
                        "unknown specialty \"{code}\"; the scenario's specialties are: {}",
                        sorted(&specialty_codes)
                    ),
                );
            }
        }
        if let Some(c) = &p.catch_up {
            if c.days.is_empty() {
                return fail(
                    format!("{at}.catch_up.days"),
                    "give at least one day, e.g. [\"sat\"]",
                );
            }
        }
    }
    Ok(())
}

fn sorted(set: &HashSet<&str>) -> String {
    let mut v: Vec<&str> = set.iter().copied().collect();
    v.sort_unstable();
    v.join(", ")
}
