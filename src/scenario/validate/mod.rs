//! Checks that need more than one field: references between parts of the
//! scenario, the time horizon, and a rota that can staff its own template
//! on a normal day; and plausibility checks on values a planner may have
//! mistyped (a share written where a percentage is expected, a walkout
//! years after `start`). Each finding names the field path and says what is
//! allowed. Every error is collected, in the order checked, so a file's
//! problems are reported in one go; warnings say that a scenario can run
//! but a value looks wrong. How big a run would be is checked in
//! [`super::size`].

use super::format::*;
use super::suggest::did_you_mean;
use super::turnout;
use super::values::Percent;
use crate::model::staffing::{
    allocate_upward, consultants_present, expected_on_leave, most_on_leave, SlotStaff,
};
use crate::model::COUNTERFACTUAL_NAME;
use std::collections::HashSet;
use walkouts::check_walkouts;
use wards::check_wards;

mod bounds;
mod walkouts;
mod wards;

pub use bounds::{
    largest_waiting_list, most_replications, Bound, Entries, Length, BOUNDS, ENTRIES, LENGTHS,
};

/// A field path and what is wrong with it.
pub type Failure = (String, String);

/// What the checks found, each list in the order checked.
#[derive(Debug, Default)]
pub struct Findings {
    /// The scenario cannot run.
    pub errors: Vec<Failure>,
    /// It can run, but a value looks wrong or the run is large.
    pub warnings: Vec<Failure>,
}

impl Findings {
    pub fn error(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.errors.push((field.into(), message.into()));
    }

    pub fn warn(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.warnings.push((field.into(), message.into()));
    }

    /// The errors and the warnings, placed in `text` when there is one.
    pub fn located(
        self,
        source: &str,
        text: Option<&str>,
    ) -> (Vec<super::ScenarioError>, Vec<super::ScenarioWarning>) {
        let place = |list: Vec<Failure>| {
            list.into_iter()
                .map(|failure| super::ScenarioError::located(source, text, failure))
                .collect()
        };
        (place(self.errors), place(self.warnings))
    }
}

/// A walkout must start within this many days of `start`. Chosen as three
/// years: the longest junior-doctor dispute so far (March 2023 to July
/// 2024, eleven walkouts over 16 months) fits with room, while a year
/// typed wrong (2061 for 2016) is caught before it simulates decades: a
/// 90-year run took 1.4 GB, and each simulated day costs about 60 kB and
/// 1 ms per replication of the default scenario (see `super::size`).
pub const MAX_WALKOUT_START_DAYS: i64 = 3 * 365 + 1;

/// A first walkout more than this many days after `start` gets a warning:
/// bookings settle within the longest booking horizon (four weeks), so a
/// stretch of half a year or more between `start` and the first walkout is
/// simulated in every replication for nothing.
pub const WARM_UP_WARNING_DAYS: i64 = 26 * 7;

pub fn check(s: &ScenarioFile) -> Findings {
    let mut f = Findings::default();
    bounds::check_bounds(&mut f, s);
    if !f.errors.is_empty() {
        // The other checks count sessions and staff; out of range, their
        // sums are meaningless.
        return f;
    }
    if s.name.is_empty()
        || !s
            .name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        || s.name.starts_with('.')
    {
        f.error(
            "name",
            format!(
                "\"{}\" is not allowed: use letters, digits, '-', '_' or '.' (it names the output folder)",
                s.name
            ),
        );
    }
    if s.trusts.is_empty() {
        f.error("trusts", "at least one trust is needed ([[trusts]])");
    }
    if s.walkouts.is_empty() {
        f.error("walkouts", "at least one walkout is needed ([[walkouts]])");
    }
    if s.plans.is_empty() {
        f.error("plans", "at least one plan is needed ([[plans]])");
    }
    check_wards(&mut f, s);
    if let Some(d) = &s.decision {
        if d.objective == Objective::FewestBreachesPerPound && d.pounds_per_breach.is_none() {
            f.error(
                "decision.pounds_per_breach",
                "`objective = \"fewest_breaches_per_pound\"` needs `pounds_per_breach`: the net cost, \
                 in pounds, that counts as one more patient waiting over 18 weeks",
            );
        }
    }
    let mut codes = HashSet::new();
    for (i, t) in s.trusts.iter().enumerate() {
        if !codes.insert(t.code.as_str()) {
            f.error(
                format!("trusts[{i}].code"),
                format!(
                    "trust code \"{}\" appears twice; codes must be unique",
                    t.code
                ),
            );
        }
        check_trust(&mut f, t, &format!("trusts[{i}]"));
    }
    let before = f.errors.len();
    check_walkouts(&mut f, s, &codes);
    if f.errors.len() == before {
        // A walkout that is wrong in itself would make the horizon wrong too.
        super::size::check_horizon(s, &mut f);
    }
    check_plans(&mut f, s);
    f
}

/// A percentage field holding a value in (0, 1] was almost certainly
/// written as a share: 0.915 for 91.5%. No trust has had under 1% of its
/// list within 18 weeks, so this is an error, not a warning. Every
/// [`Percent`] field of the format goes through here.
fn check_percent(f: &mut Findings, field: String, value: Percent) {
    let v = value.get();
    if v > 0.0 && v <= 1.0 {
        f.error(
            field,
            format!(
                "{v} looks like a share, but this field is a percentage from 0 to 100: did you mean {}?",
                round_pct(v * 100.0)
            ),
        );
    }
}

/// `91.50000000000001` as `91.5`.
fn round_pct(v: f64) -> f64 {
    (v * 1e6).round() / 1e6
}

fn check_trust(f: &mut Findings, t: &Trust, at: &str) {
    check_percent(f, format!("{at}.within_18w_pct"), t.within_18w_pct);
    if t.specialties.is_empty() {
        f.error(
            format!("{at}.specialties"),
            "a trust needs at least one specialty ([[trusts.specialties]])",
        );
    }
    let mut codes = HashSet::new();
    for (j, sp) in t.specialties.iter().enumerate() {
        let at = format!("{at}.specialties[{j}]");
        if !codes.insert(sp.code.as_str()) {
            f.error(
                format!("{at}.code"),
                format!("specialty \"{}\" appears twice in this trust", sp.code),
            );
        }
        if sp.waiting_list.is_none() && t.initial_list_from.is_none() {
            f.error(
                format!("{at}.waiting_list"),
                "missing: give the specialty's initial waiting list (incomplete pathways, 0 or more), or give the trust an `initial_list_from` RTT file",
            );
        }
        check_specialty(f, sp, &at, t.consultant_leave_share.get());
    }
}

fn check_specialty(f: &mut Findings, sp: &Specialty, at: &str, leave_share: f64) {
    let mix = &sp.priority;
    let twenty16 = mix.urgent.is_some() || mix.routine.is_some();
    let classes = [mix.p1, mix.p2, mix.p3, mix.p4].iter().any(Option::is_some);
    if twenty16 && classes {
        f.error(
            format!("{at}.priority"),
            "use either urgent/routine or p1..p4, not both",
        );
    } else if !mix.is_empty() {
        let total: f64 = mix.shares().iter().sum();
        if (total - 1.0).abs() > 1e-6 {
            f.error(
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
            let (r, fl) = (rota.as_array()[g.index()], floor.as_array()[g.index()]);
            if fl > r {
                f.error(
                    format!("{at}.emergency_floor.{shift}.{}", g.name()),
                    format!(
                        "the emergency floor needs {fl} {} but the rota has {r} on this shift; the floor cannot exceed the rota",
                        g.name()
                    ),
                );
            }
        }
    }
    let referrals =
        sp.referrals_per_week.get() > 0.0 || sp.waiting_list.is_some_and(|w| w.get() > 0);
    if sp.referrals_per_week.get() > 0.0 && sp.referral_pattern.iter().all(|w| w.get() == 0.0) {
        f.error(
            format!("{at}.referral_pattern"),
            "all five weekday weights are 0, so no referral could arrive; give at least one a weight above 0",
        );
    }
    let new_slots: u32 = sp.clinics.iter().map(|c| c.new_slots.get()).sum();
    if referrals && new_slots == 0 {
        f.error(
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
            f.error(
                format!("{at}.theatre_lists"),
                format!(
                    "patients are admitted as {name} (day_case_share = {}) but there is no {name} theatre list",
                    sp.day_case_share.get()
                ),
            );
        }
    }
    check_template_staffing(f, sp, at, leave_share);
}

/// On a normal day the rota, after its emergency floor, must staff every
/// list and clinic in each session of the template, and each needs a
/// consultant present on every day (the head count less the most on leave
/// on any day and those on call). Kept whole (about 80 lines): one pass over the sessions of
/// the week whose running tallies of juniors and consultants every check
/// shares.
fn check_template_staffing(f: &mut Findings, sp: &Specialty, at: &str, leave_share: f64) {
    let headcount = sp.consultants.get();
    let on_leave = most_on_leave(expected_on_leave(leave_share, headcount));
    let on_call = sp.consultants_on_call.get();
    let present = consultants_present(headcount, on_leave, on_call);
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
            let (r, fl) = (rota.as_array(), floor.as_array());
            // A floor above the rota is reported above; none free then.
            let free: [u32; 3] = std::array::from_fn(|g| r[g].saturating_sub(fl[g]));
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
                f.error(
                    format!("{at}.rota.{shift}.{}", Grade::ALL[g].name()),
                    format!(
                        "on a normal {day_name} {half_name} the lists and clinics need {} juniors but the {shift} rota has only {} free after its emergency floor (a more senior junior can fill a junior place, not the reverse); add {} (or more senior) juniors to the rota or remove sessions",
                        by_grade(need),
                        by_grade(free),
                        Grade::ALL[g].name()
                    ),
                );
                return;
            }
            if sessions > present {
                f.error(
                    format!("{at}.consultants"),
                    format!(
                        "{sessions} lists and clinics run on a {day_name} {half_name} but only {present} of the {headcount} consultants are present on some days ({on_leave} on leave at the trust's consultant_leave_share of {leave_share}, {on_call} on call); each needs one: add consultants, or lower consultant_leave_share or consultants_on_call"
                    ),
                );
                return;
            }
        }
    }
}

fn check_plans(f: &mut Findings, s: &ScenarioFile) {
    let specialty_codes: HashSet<&str> = s
        .trusts
        .iter()
        .flat_map(|t| t.specialties.iter().map(|sp| sp.code.as_str()))
        .collect();
    let first_walkout = s.walkouts.iter().map(|w| w.start.0).min();
    let start = s.start.0.and_hms_opt(0, 0, 0).unwrap_or_default();
    let mut names = HashSet::new();
    for (i, p) in s.plans.iter().enumerate() {
        let at = format!("plans[{i}]");
        check_plan_name(f, p, &at, &mut names);
        check_stand_down_lead(f, s, p, &at, first_walkout, start);
        check_plan_specialties(f, p, &at, &specialty_codes);
        if let Some(c) = &p.catch_up {
            if c.days.is_empty() {
                f.error(
                    format!("{at}.catch_up.days"),
                    "give at least one day, e.g. [\"sat\"]",
                );
            }
            check_catch_up_staff(f, s, c, &format!("{at}.catch_up"));
        }
    }
}

/// The catch-up staff pool must be able to staff something in every
/// specialty it covers: an error if it has no consultant while sessions are
/// asked for, or if it can staff none of a specialty's catch-up sessions
/// (their juniors are missing); a warning if it can staff only some.
fn check_catch_up_staff(f: &mut Findings, s: &ScenarioFile, c: &CatchUp, at: &str) {
    let asked = c.theatre_lists.get() + c.clinics.get();
    if asked == 0 {
        return;
    }
    let field = format!("{at}.staff");
    if c.staff.consultants.get() == 0 {
        f.error(
            format!("{field}.consultants"),
            format!(
                "{asked} catch-up sessions are asked for per specialty per day but the pool has no consultant, and each session needs one; give `consultants` of at least 1"
            ),
        );
        return;
    }
    for t in &s.trusts {
        for sp in &t.specialties {
            if !c.specialties.is_empty() && !c.specialties.contains(&sp.code) {
                continue;
            }
            // As the model makes them: theatre lists, then clinics, each
            // copying the templates in file order.
            let theatre: Vec<&GradeCounts> = sp.theatre_lists.iter().map(|l| &l.juniors).collect();
            let clinics: Vec<&GradeCounts> = sp.clinics.iter().map(|c| &c.juniors).collect();
            let mut pool = SlotStaff::new(c.staff.juniors(), c.staff.consultants.get(), 0.0);
            let (mut made, mut staffed) = (0, 0);
            for (templates, n) in [
                (&theatre, c.theatre_lists.get()),
                (&clinics, c.clinics.get()),
            ] {
                if templates.is_empty() {
                    continue;
                }
                for k in 0..n as usize {
                    made += 1;
                    if pool.try_staff(&templates[k % templates.len()].as_array()) {
                        staffed += 1;
                    }
                }
            }
            if made > 0 && staffed == 0 {
                f.error(
                    field.clone(),
                    format!(
                        "this pool can staff none of the {made} catch-up sessions of specialty {} at trust {} (they need juniors it does not have; a more senior junior can fill a junior place); add juniors to the pool",
                        sp.code, t.code
                    ),
                );
            } else if staffed < made {
                f.warn(
                    field.clone(),
                    format!(
                        "this pool can staff only {staffed} of the {made} catch-up sessions asked for each day in specialty {} at trust {}; the rest will not run",
                        sp.code, t.code
                    ),
                );
            }
        }
    }
}

/// A plan's name: not the reserved counterfactual, usable in the outputs,
/// and not taken by an earlier plan (`names`, added to here).
fn check_plan_name<'a>(f: &mut Findings, p: &'a Plan, at: &str, names: &mut HashSet<&'a str>) {
    if p.name == COUNTERFACTUAL_NAME {
        f.error(
            format!("{at}.name"),
            "\"counterfactual\" is reserved for the no-strike run that is always added; choose another name",
        );
    }
    if p.name.is_empty() || p.name.contains(',') || p.name.contains('"') {
        f.error(
            format!("{at}.name"),
            format!(
                "\"{}\" is not allowed: a plan name must be non-empty, without commas or quotes",
                p.name
            ),
        );
    }
    if !names.insert(p.name.as_str()) {
        f.error(
            format!("{at}.name"),
            format!("plan name \"{}\" appears twice", p.name),
        );
    }
}

/// The stand-down's lead (at most [`COUNT_LEAD_DAYS`], checked with the
/// bounds): when the plan stands anything down, a decision day (that many days before the first
/// walkout) on or after `start`.
fn check_stand_down_lead(
    f: &mut Findings,
    s: &ScenarioFile,
    p: &Plan,
    at: &str,
    first_walkout: Option<chrono::NaiveDateTime>,
    start: chrono::NaiveDateTime,
) {
    let decided = first_walkout.and_then(|w| {
        w.checked_sub_signed(chrono::Duration::days(i64::from(
            p.stand_down.days_ahead.get(),
        )))
    });
    let stands_down =
        p.stand_down.theatre_share.get() > 0.0 || p.stand_down.clinic_share.get() > 0.0;
    if stands_down && decided.is_none_or(|d| d.date() < start.date()) {
        let decided = decided.map_or_else(
            || "a date out of range".to_string(),
            |d| d.date().to_string(),
        );
        f.error(
            format!("{at}.stand_down.days_ahead"),
            format!(
                "standing down {} days ahead falls on {}, before the simulation starts ({}); start the simulation earlier",
                p.stand_down.days_ahead.get(),
                decided,
                s.start
            ),
        );
    }
}

/// Every specialty a plan names, in its stand-down and then its catch-up,
/// is one of the scenario's.
fn check_plan_specialties(f: &mut Findings, p: &Plan, at: &str, specialty_codes: &HashSet<&str>) {
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
            f.error(
                field,
                format!(
                    "unknown specialty \"{code}\"{}; the scenario's specialties are: {}",
                    did_you_mean(code, specialty_codes.iter().copied()),
                    sorted(specialty_codes)
                ),
            );
        }
    }
}

fn sorted(set: &HashSet<&str>) -> String {
    let mut v: Vec<&str> = set.iter().copied().collect();
    v.sort_unstable();
    v.join(", ")
}
