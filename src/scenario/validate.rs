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
use super::values::Percent;
use crate::model::staffing::{allocate_upward, less};
use crate::model::{COUNTERFACTUAL_NAME, COUNT_LEAD_DAYS};
use std::collections::HashSet;

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
/// warm-up of half a year or more is simulated in every replication and
/// every branch for nothing.
pub const WARM_UP_WARNING_DAYS: i64 = 26 * 7;

pub fn check(s: &ScenarioFile) -> Findings {
    let mut f = Findings::default();
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

fn check_walkouts(f: &mut Findings, s: &ScenarioFile, trust_codes: &HashSet<&str>) {
    let start = s.start.0.and_hms_opt(0, 0, 0).unwrap_or_default();
    let mut spans: Vec<(chrono::NaiveDateTime, chrono::NaiveDateTime, usize)> = Vec::new();
    for (i, w) in s.walkouts.iter().enumerate() {
        let at = format!("walkouts[{i}]");
        check_walkout_duration(f, w, &at);
        check_walkout_start(f, s, w, &at, start);
        check_walkout_grades(f, w, &at);
        check_participation(f, &w.participation, &format!("{at}.participation"));
        check_walkout_trusts(f, w, &at, trust_codes);
        let end = w.end_time();
        if let Some((_, _, j)) = spans.iter().find(|(a, b, _)| w.start.0 < *b && *a < end) {
            f.error(
                format!("{at}.start"),
                format!(
                    "walkout \"{}\" overlaps walkouts[{j}]; walkouts must not overlap",
                    w.name
                ),
            );
        }
        spans.push((w.start.0, end, i));
    }
    warn_long_warm_up(f, s, start);
}

/// A walkout's length: exactly one of `hours` and `end`, and an end after
/// the start.
fn check_walkout_duration(f: &mut Findings, w: &Walkout, at: &str) {
    match (w.hours, w.end) {
        (Some(_), Some(_)) => f.error(
            format!("{at}.end"),
            "give either `hours` or `end`, not both",
        ),
        (None, None) => f.error(
            format!("{at}.hours"),
            "missing: give the duration in `hours` (e.g. 24 or 48) or an `end` date-time",
        ),
        (None, Some(end)) if end.0 <= w.start.0 => f.error(
            format!("{at}.end"),
            format!(
                "the walkout ends ({end}) before it starts ({}); the end must be after the start",
                w.start
            ),
        ),
        _ => {}
    }
}

/// A walkout's start: not before the simulation's `start` (midnight of
/// that day), and within [`MAX_WALKOUT_START_DAYS`] of it.
fn check_walkout_start(
    f: &mut Findings,
    s: &ScenarioFile,
    w: &Walkout,
    at: &str,
    start: chrono::NaiveDateTime,
) {
    let after_start = (w.start.0 - start).num_days();
    if w.start.0 < start {
        f.error(
            format!("{at}.start"),
            format!(
                "{} is before the simulation starts ({}); move `start` earlier or the walkout later",
                w.start, s.start
            ),
        );
    } else if after_start > MAX_WALKOUT_START_DAYS {
        f.error(
            format!("{at}.start"),
            format!(
                "{} is {after_start} days ({:.1} years) after the simulation starts ({}); a walkout must start within {MAX_WALKOUT_START_DAYS} days (3 years) of `start`, since every day in between is simulated: is the year right?",
                w.start,
                after_start as f64 / 365.25,
                s.start
            ),
        );
    }
}

/// At least one striking grade, none listed twice.
fn check_walkout_grades(f: &mut Findings, w: &Walkout, at: &str) {
    if w.grades.is_empty() {
        f.error(
            format!("{at}.grades"),
            "at least one grade must strike: foundation, core or registrar",
        );
    }
    let mut seen = HashSet::new();
    for g in &w.grades {
        if !seen.insert(*g) {
            f.error(
                format!("{at}.grades"),
                format!("grade \"{}\" is listed twice", g.name()),
            );
        }
    }
}

/// Every trust a walkout names is one of the scenario's.
fn check_walkout_trusts(f: &mut Findings, w: &Walkout, at: &str, trust_codes: &HashSet<&str>) {
    for (k, code) in w.trusts.iter().enumerate() {
        if !trust_codes.contains(code.as_str()) {
            f.error(
                format!("{at}.trusts[{k}]"),
                format!(
                    "unknown trust \"{code}\"{}; the scenario's trusts are: {}",
                    did_you_mean(code, trust_codes.iter().copied()),
                    sorted(trust_codes)
                ),
            );
        }
    }
}

/// A warning when the first walkout leaves a long warm-up after `start`
/// (but not so long that its start is already an error).
fn warn_long_warm_up(f: &mut Findings, s: &ScenarioFile, start: chrono::NaiveDateTime) {
    let first = s.walkouts.iter().enumerate().min_by_key(|(_, w)| w.start.0);
    if let Some((i, w)) = first {
        let warm_up = (w.start.0 - start).num_days();
        if (WARM_UP_WARNING_DAYS + 1..=MAX_WALKOUT_START_DAYS).contains(&warm_up) {
            f.warn(
                format!("walkouts[{i}].start"),
                format!(
                    "the first walkout starts {warm_up} days after the simulation starts ({}); a few weeks of warm-up settle the bookings, and the {warm_up} days before it are simulated in every replication and branch: consider a later `start`",
                    s.start
                ),
            );
        }
    }
}

fn check_participation(f: &mut Findings, p: &Participation, at: &str) {
    match p {
        Participation::Fixed { .. } => {}
        Participation::Uniform { low, high } => {
            if low.get() > high.get() {
                f.error(
                    format!("{at}.low"),
                    format!(
                        "low ({}) is above high ({}); low must not exceed high",
                        low.get(),
                        high.get()
                    ),
                );
            }
        }
        Participation::Beta { mean, sd } => {
            let (m, s) = (mean.get(), sd.get());
            if s > 0.0 && (m <= 0.0 || m >= 1.0) {
                f.error(
                    format!("{at}.mean"),
                    format!("a Beta distribution with sd > 0 needs a mean strictly between 0 and 1, found {m}"),
                );
                return;
            }
            let max_sd = (m * (1.0 - m)).sqrt();
            if s >= max_sd && s > 0.0 {
                f.error(
                    format!("{at}.sd"),
                    format!(
                        "sd {s} is too large for mean {m}: a Beta distribution needs sd below {max_sd:.4}"
                    ),
                );
            }
        }
    }
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
        check_specialty(f, sp, &at);
    }
}

fn check_specialty(f: &mut Findings, sp: &Specialty, at: &str) {
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
    check_template_staffing(f, sp, at);
}

/// On a normal day the rota, after its emergency floor, must staff every
/// list and clinic in each session of the template, and each needs a
/// consultant. Kept whole (about 80 lines): one pass over the sessions of
/// the week whose running tallies of juniors and consultants every check
/// shares.
fn check_template_staffing(f: &mut Findings, sp: &Specialty, at: &str) {
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
            let free = less(&r, &fl);
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
            if sessions > sp.consultants.get() {
                f.error(
                    format!("{at}.consultants"),
                    format!(
                        "{sessions} lists and clinics run on a {day_name} {half_name} but only {} consultants are available; each needs one",
                        sp.consultants.get()
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

/// The stand-down's lead: at most [`COUNT_LEAD_DAYS`], and, when the plan
/// stands anything down, a decision day (that many days before the first
/// walkout) on or after `start`.
fn check_stand_down_lead(
    f: &mut Findings,
    s: &ScenarioFile,
    p: &Plan,
    at: &str,
    first_walkout: Option<chrono::NaiveDateTime>,
    start: chrono::NaiveDateTime,
) {
    let days_ahead = i64::from(p.stand_down.days_ahead.get());
    if days_ahead > COUNT_LEAD_DAYS {
        // Cancellations are counted from COUNT_LEAD_DAYS before the
        // first walkout: a longer lead would put the stand-down's
        // knock-on cancellations outside the counted window.
        f.error(
            format!("{at}.stand_down.days_ahead"),
            format!(
                "found {days_ahead} days; at most {COUNT_LEAD_DAYS} is allowed, because cancellations are counted from {COUNT_LEAD_DAYS} days before the first walkout and a longer lead would leave knock-on cancellations uncounted; use a value from 1 to {COUNT_LEAD_DAYS}"
            ),
        );
    }
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
