//! The range of every numeric field and the length of every name, in one
//! table: checked first by [`super::check`] (a value outside its range
//! stops the other checks, whose arithmetic assumes sensible sizes), put
//! into the JSON Schema as `minimum`/`maximum`/`maxLength` by
//! [`annotate_schema`], and listed in `scenarios/README.md` (a test checks
//! that every row is there).
//!
//! Each range is what a planner could mean, with a wide margin: sizes are
//! up to about ten times the largest of England's trusts in 2016 as the
//! bundled England scenarios hold them (a specialty's list of 18,707, 1,804
//! referrals a week, 23 juniors of a grade on a weekday rota, 55
//! consultants, lists of 8 cases). Within them every count the model forms
//! fits its integer types and the run's size is estimated before it starts
//! (`super::super::size`), so nothing wraps, overflows or turns a float into
//! zero or infinity on its way to a count.

use super::Findings;
use crate::model::COUNT_LEAD_DAYS;
use crate::scenario::format::*;

/// The range of one numeric field, and why.
#[derive(Debug, Clone, Copy)]
pub struct Bound {
    /// The field's path without indices: `trusts.specialties.waiting_list`.
    pub key: &'static str,
    pub min: f64,
    pub max: f64,
    /// What the number counts, for the message: "patients".
    pub unit: &'static str,
    /// Why the range is what it is.
    pub why: &'static str,
}

const fn b(key: &'static str, min: f64, max: f64, unit: &'static str, why: &'static str) -> Bound {
    Bound {
        key,
        min,
        max,
        unit,
        why,
    }
}

const TEN_X: &str = "about ten times the largest in the bundled 2016 England scenarios";

/// Every bounded numeric field. Shares and percentages are bounded by
/// their types (0 to 1, 0 to 100) and not repeated here.
pub const BOUNDS: &[Bound] = &[
    b("weeks_after", 1.0, 520.0, "weeks", "a walkout's knock-on effects are read over months; ten years at most"),
    b("warm_up_weeks", 0.0, 156.0, "weeks", "three years; a year (52, the default) settles the list"),
    b("replications", 1.0, 100_000.0, "replications", "enough for intervals of any precision; 100,000 of the default scenario take about 5 core-hours"),
    b("recovery.tolerance_patients", 0.0, 1_000_000.0, "patients", "more than any change in England's whole waiting list"),
    b("costs.inpatient_spell", 0.0, 100_000.0, "£", "an average elective spell was worth a few thousand pounds in 2015/16; the dearest tens of thousands"),
    b("costs.day_case", 0.0, 50_000.0, "£", "an average day case was worth under a thousand pounds in 2015/16"),
    b("costs.outpatient_first", 0.0, 5_000.0, "£", "an outpatient attendance was worth about a hundred pounds in 2015/16"),
    b("costs.outpatient_follow_up", 0.0, 5_000.0, "£", "an outpatient attendance was worth about a hundred pounds in 2015/16"),
    b("costs.act_down_per_hour", 0.0, 2_000.0, "£ an hour", "ten times the highest hourly rates consultants have asked for cover"),
    b("costs.catch_up_list", 0.0, 100_000.0, "£", "a weekend theatre list costs a few thousand pounds"),
    b("costs.catch_up_clinic", 0.0, 50_000.0, "£", "a weekend clinic costs under a few thousand pounds"),
    b("walkouts.hours", 1.0, 2_016.0, "hours", "twelve weeks; the walkouts of the 2016 dispute were one and two days long"),
    b("walkouts.between_trust_sd", 0.0, 1.0, "", "a spread of a share between 0 and 1"),
    b("trusts.deferral_weeks", 0.0, 52.0, "weeks", "a patient who declines dates defers for weeks, not years"),
    b("trusts.clinic_booking_days", 1.0, 365.0, "days", "clinics are booked weeks ahead, never more than a year"),
    b("trusts.theatre_booking_days", 1.0, 365.0, "days", "lists are booked weeks ahead, never more than a year"),
    b("trusts.admission_notice_days", 0.0, 365.0, "days", "notice of an admission date is days or weeks"),
    b("trusts.ward_patients_per_junior", 1.0, 100.0, "patients", "more than any ward round"),
    b("trusts.specialties.waiting_list", 0.0, 200_000.0, "patients", "about ten times the largest specialty list of an English trust in 2016 (18,707)"),
    b("trusts.specialties.referrals_per_week", 0.0, 20_000.0, "referrals a week", "about ten times the busiest specialty of an English trust in 2016 (1,804 a week)"),
    b("trusts.specialties.referral_pattern", 0.0, 10.0, "", "a weekday's volume relative to the others (1.0 is an average day)"),
    b("trusts.specialties.decision_weeks", 0.0, 104.0, "weeks", "a decision to treat comes within months"),
    b("trusts.specialties.complex_pathway_weeks", 0.0, 156.0, "weeks", "the longest pathways of the time took two to three years"),
    b("trusts.specialties.consultants", 1.0, 1_000.0, "consultants", TEN_X),
    b("trusts.specialties.consultants_on_call", 0.0, 100.0, "consultants", "a specialty's on-call rota for one day"),
    b("trusts.specialties.inpatient_stay_days.mean", 1.0, 60.0, "nights", "an elective inpatient stays at least a night; the longest specialties average under three weeks"),
    b("trusts.specialties.inpatient_stay_days.sd", 0.0, 100.0, "nights", "the spread of elective stays of the time"),
    b("trusts.specialties.rota", 0.0, 500.0, "juniors", TEN_X),
    b("trusts.specialties.emergency_floor", 0.0, 500.0, "juniors", TEN_X),
    b("trusts.specialties.theatre_lists.cases", 1.0, 100.0, "cases", "the longest day-case lists hold about 20 cases"),
    b("trusts.specialties.theatre_lists.count", 1.0, 100.0, "lists", "lists of one template in one session; the bundled scenarios have up to 12"),
    b("trusts.specialties.theatre_lists.juniors", 0.0, 500.0, "juniors", "juniors one list needs"),
    b("trusts.specialties.clinics.new_slots", 0.0, 500.0, "slots", "a clinic sees tens of patients, not hundreds"),
    b("trusts.specialties.clinics.follow_up_slots", 0.0, 500.0, "slots", "a clinic sees tens of patients, not hundreds"),
    b("trusts.specialties.clinics.count", 1.0, 100.0, "clinics", "clinics of one template in one session; the bundled scenarios have up to 8"),
    b("trusts.specialties.clinics.juniors", 0.0, 500.0, "juniors", "juniors one clinic needs"),
    b("plans.stand_down.days_ahead", 1.0, COUNT_LEAD_DAYS as f64, "days", "cancellations are counted from 14 days before the first walkout, so a longer lead would leave knock-on cancellations uncounted"),
    b("plans.major_incident.delay_hours", 0.0, 168.0, "hours", "a recall takes hours, at most a week"),
    b("plans.rebooking.binding_days", 1.0, 365.0, "days", "a rebooking promise is kept within weeks"),
    b("plans.catch_up.start_days_after", 0.0, 365.0, "days", "catch-up starts within a year of the walkout"),
    b("plans.catch_up.weeks", 1.0, 104.0, "weeks", "a catch-up programme of up to two years"),
    b("plans.catch_up.theatre_lists", 0.0, 100.0, "lists a day", "extra lists a specialty can run on one day"),
    b("plans.catch_up.clinics", 0.0, 100.0, "clinics a day", "extra clinics a specialty can run on one day"),
    b("plans.catch_up.staff", 0.0, 500.0, "staff", TEN_X),
    b("decision.max_on_day_cancellations", 0.0, 1_000_000.0, "operations", "more than England's elective operations in a month (about 30,000 a weekday)"),
    b("decision.max_extra_over_18w", 0.0, 1_000_000.0, "patients", "more than any change in England's whole waiting list"),
    b("decision.max_net_cost", 0.0, 100_000_000_000.0, "pounds", "more than the NHS in England spent in a year (about 100 billion pounds in 2016)"),
    b("decision.pounds_per_breach", 1.0, 10_000_000.0, "pounds", "far above the cost of any elective treatment"),
];

/// The longest text allowed in a name or description, and why.
#[derive(Debug, Clone, Copy)]
pub struct Length {
    pub key: &'static str,
    pub max: usize,
    pub why: &'static str,
}

const fn l(key: &'static str, max: usize, why: &'static str) -> Length {
    Length { key, max, why }
}

const LABEL: &str = "it labels charts and tables";

/// Every bounded text field, in characters.
pub const LENGTHS: &[Length] = &[
    l("name", 64, "it names the output folder"),
    l("title", 200, "it heads every chart"),
    l("description", 2_000, "a paragraph at the top of the report"),
    l("walkouts.name", 120, LABEL),
    l("walkouts.trusts", 16, "a trust code"),
    l("trusts.code", 16, "an ODS code is 3 to 5 characters"),
    l("trusts.name", 120, LABEL),
    l("trusts.initial_list_from.file", 1_024, "a file path"),
    l(
        "trusts.initial_list_from.provider",
        16,
        "an ODS code is 3 to 5 characters",
    ),
    l(
        "trusts.specialties.code",
        16,
        "a treatment function code is 3 characters",
    ),
    l("trusts.specialties.name", 120, LABEL),
    l(
        "plans.name",
        40,
        "it names the plan in every chart legend and table column",
    ),
    l(
        "plans.description",
        500,
        "a sentence or two under the plan's name in the report",
    ),
    l(
        "plans.stand_down.specialties",
        16,
        "a treatment function code",
    ),
    l(
        "plans.catch_up.specialties",
        16,
        "a treatment function code",
    ),
];

/// The longest walkout, in hours (`walkouts.hours`; an `end` is held to it
/// too).
pub fn longest_walkout_hours() -> f64 {
    bound("walkouts.hours").max
}

/// The most replications a run may have (`replications`, and `-n`).
pub fn most_replications() -> u64 {
    bound("replications").max as u64
}

/// The most patients a specialty's list may hold (`waiting_list`; a list
/// read from an RTT file is held to it too).
pub fn largest_waiting_list() -> f64 {
    bound("trusts.specialties.waiting_list").max
}

/// The most entries a list may hold, and why.
#[derive(Debug, Clone, Copy)]
pub struct Entries {
    pub key: &'static str,
    pub max: usize,
    pub why: &'static str,
}

const fn e(key: &'static str, max: usize, why: &'static str) -> Entries {
    Entries { key, max, why }
}

const FUNCTIONS: &str = "RTT reports 18 treatment functions and `other`";

/// Every bounded list: each entry costs simulation, a column or a line.
pub const ENTRIES: &[Entries] = &[
    e(
        "walkouts",
        24,
        "the longest dispute so far, 2023-24, had 11 walkouts",
    ),
    e(
        "trusts",
        400,
        "England has fewer than 250 NHS trusts; the national scenarios hold 151",
    ),
    e(
        "plans",
        10,
        "a board weighs a handful of plans; charts give each its own colour, dash and marker",
    ),
    e("walkouts.trusts", 400, "as for `trusts`"),
    e("trusts.specialties", 40, FUNCTIONS),
    e(
        "trusts.specialties.theatre_lists",
        100,
        "list templates of one specialty",
    ),
    e(
        "trusts.specialties.clinics",
        100,
        "clinic templates of one specialty",
    ),
    e("plans.stand_down.specialties", 40, FUNCTIONS),
    e("plans.catch_up.specialties", 40, FUNCTIONS),
];

fn bound(key: &str) -> &'static Bound {
    BOUNDS
        .iter()
        .find(|b| b.key == key)
        .unwrap_or_else(|| panic!("no bound for {key}"))
}

fn length(key: &str) -> &'static Length {
    LENGTHS
        .iter()
        .find(|l| l.key == key)
        .unwrap_or_else(|| panic!("no length for {key}"))
}

/// Checks values against [`BOUNDS`] and [`LENGTHS`], naming each by its
/// path with indices (`trusts[0].specialties[2].waiting_list`) and looking
/// its range up by the path without them.
struct Checker<'f> {
    f: &'f mut Findings,
}

impl Checker<'_> {
    fn num(&mut self, at: &str, key: &str, value: f64) {
        let b = bound(key);
        if !(b.min..=b.max).contains(&value) {
            let unit = if b.unit.is_empty() {
                String::new()
            } else {
                format!(" {}", b.unit)
            };
            self.f.error(
                at,
                format!(
                    "found {}{unit}; allowed: {} to {}{unit} ({})",
                    number(value),
                    number(b.min),
                    number(b.max),
                    b.why
                ),
            );
        }
    }

    fn counts(&mut self, at: &str, key: &str, g: &GradeCounts) {
        for (name, v) in [
            ("foundation", g.foundation),
            ("core", g.core),
            ("registrar", g.registrar),
        ] {
            self.num(&format!("{at}.{name}"), key, f64::from(v.get()));
        }
    }

    fn entries(&mut self, at: &str, key: &str, n: usize) {
        let e = ENTRIES
            .iter()
            .find(|e| e.key == key)
            .unwrap_or_else(|| panic!("no entries bound for {key}"));
        if n > e.max {
            self.f.error(
                at,
                format!("{n} entries; at most {} are allowed ({})", e.max, e.why),
            );
        }
    }

    fn text(&mut self, at: &str, key: &str, value: &str) {
        let l = length(key);
        let n = value.chars().count();
        if n > l.max {
            self.f.error(
                at,
                format!(
                    "\"{}\" is {n} characters long; at most {} are allowed ({})",
                    crate::scenario::clip(value),
                    l.max,
                    l.why
                ),
            );
        }
    }
}

/// A number as a planner wrote it: whole numbers without a decimal point.
fn number(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{v:.0}")
    } else {
        format!("{v}")
    }
}

/// Check every bounded field of `s`; one error per value out of range.
pub fn check_bounds(f: &mut Findings, s: &ScenarioFile) {
    let mut c = Checker { f };
    c.entries("walkouts", "walkouts", s.walkouts.len());
    c.entries("trusts", "trusts", s.trusts.len());
    c.entries("plans", "plans", s.plans.len());
    c.text("name", "name", &s.name);
    for (key, v) in [("title", &s.title), ("description", &s.description)] {
        if let Some(v) = v {
            c.text(key, key, v);
        }
    }
    c.num("weeks_after", "weeks_after", f64::from(s.weeks_after.get()));
    let warm = f64::from(s.warm_up_weeks.get());
    c.num("warm_up_weeks", "warm_up_weeks", warm);
    c.num(
        "replications",
        "replications",
        f64::from(s.replications.get()),
    );
    let tol = f64::from(s.recovery.tolerance_patients.get());
    c.num(
        "recovery.tolerance_patients",
        "recovery.tolerance_patients",
        tol,
    );
    for (key, price) in s.costs.prices() {
        let key = format!("costs.{key}");
        c.num(&key, &key, price);
    }
    for (i, w) in s.walkouts.iter().enumerate() {
        let at = format!("walkouts[{i}]");
        c.text(&format!("{at}.name"), "walkouts.name", &w.name);
        if let Some(h) = w.hours {
            c.num(&format!("{at}.hours"), "walkouts.hours", f64::from(h.get()));
        }
        let sd = w.between_trust_sd.get();
        c.num(
            &format!("{at}.between_trust_sd"),
            "walkouts.between_trust_sd",
            sd,
        );
        c.entries(&format!("{at}.trusts"), "walkouts.trusts", w.trusts.len());
        for (k, code) in w.trusts.iter().enumerate() {
            c.text(&format!("{at}.trusts[{k}]"), "walkouts.trusts", code);
        }
    }
    for (i, t) in s.trusts.iter().enumerate() {
        check_trust(&mut c, t, &format!("trusts[{i}]"));
    }
    for (i, p) in s.plans.iter().enumerate() {
        check_plan(&mut c, p, &format!("plans[{i}]"));
    }
    if let Some(d) = &s.decision {
        let n = |v: Option<crate::scenario::Count>| v.map(|v| f64::from(v.get()));
        for (name, v) in [
            ("max_on_day_cancellations", n(d.max_on_day_cancellations)),
            ("max_extra_over_18w", n(d.max_extra_over_18w)),
            ("max_net_cost", d.max_net_cost.map(|v| v.get())),
            ("pounds_per_breach", d.pounds_per_breach.map(|v| v.get())),
        ] {
            if let Some(v) = v {
                let key = format!("decision.{name}");
                c.num(&key, &key, v);
            }
        }
    }
}

fn check_trust(c: &mut Checker, t: &Trust, at: &str) {
    c.text(&format!("{at}.code"), "trusts.code", &t.code);
    c.text(&format!("{at}.name"), "trusts.name", &t.name);
    if let Some(src) = &t.initial_list_from {
        let key = "trusts.initial_list_from";
        c.text(
            &format!("{at}.initial_list_from.file"),
            &format!("{key}.file"),
            &src.file,
        );
        let provider = format!("{key}.provider");
        c.text(
            &format!("{at}.initial_list_from.provider"),
            &provider,
            &src.provider,
        );
    }
    let nums = [
        ("deferral_weeks", t.deferral_weeks.get()),
        (
            "clinic_booking_days",
            f64::from(t.clinic_booking_days.get()),
        ),
        (
            "theatre_booking_days",
            f64::from(t.theatre_booking_days.get()),
        ),
        (
            "admission_notice_days",
            f64::from(t.admission_notice_days.get()),
        ),
    ];
    for (name, v) in nums {
        c.num(&format!("{at}.{name}"), &format!("trusts.{name}"), v);
    }
    if let Some(per) = t.ward_patients_per_junior {
        let v = f64::from(per.get());
        c.num(
            &format!("{at}.ward_patients_per_junior"),
            "trusts.ward_patients_per_junior",
            v,
        );
    }
    let n = t.specialties.len();
    c.entries(&format!("{at}.specialties"), "trusts.specialties", n);
    for (j, sp) in t.specialties.iter().enumerate() {
        check_specialty(c, sp, &format!("{at}.specialties[{j}]"));
    }
}

fn check_specialty(c: &mut Checker, sp: &Specialty, at: &str) {
    const KEY: &str = "trusts.specialties";
    c.text(&format!("{at}.code"), &format!("{KEY}.code"), &sp.code);
    c.text(&format!("{at}.name"), &format!("{KEY}.name"), &sp.name);
    let mut nums = vec![
        ("referrals_per_week", sp.referrals_per_week.get()),
        ("decision_weeks", sp.decision_weeks.get()),
        ("complex_pathway_weeks", sp.complex_pathway_weeks.get()),
        ("consultants", f64::from(sp.consultants.get())),
        (
            "consultants_on_call",
            f64::from(sp.consultants_on_call.get()),
        ),
    ];
    if let Some(list) = sp.waiting_list {
        nums.push(("waiting_list", f64::from(list.get())));
    }
    if let Some(stay) = sp.inpatient_stay_days {
        nums.push(("inpatient_stay_days.mean", stay.mean.get()));
        nums.push(("inpatient_stay_days.sd", stay.sd.get()));
    }
    for (name, v) in nums {
        c.num(&format!("{at}.{name}"), &format!("{KEY}.{name}"), v);
    }
    for (k, v) in sp.referral_pattern.iter().enumerate() {
        let key = format!("{KEY}.referral_pattern");
        c.num(&format!("{at}.referral_pattern[{k}]"), &key, v.get());
    }
    for (part, rota) in [("rota", &sp.rota), ("emergency_floor", &sp.emergency_floor)] {
        let key = format!("{KEY}.{part}");
        for (shift, g) in [
            ("weekday_day", &rota.weekday_day),
            ("night", &rota.night),
            ("weekend", &rota.weekend),
        ] {
            c.counts(&format!("{at}.{part}.{shift}"), &key, g);
        }
    }
    let lists = sp.theatre_lists.len();
    c.entries(
        &format!("{at}.theatre_lists"),
        &format!("{KEY}.theatre_lists"),
        lists,
    );
    let clinics = sp.clinics.len();
    c.entries(&format!("{at}.clinics"), &format!("{KEY}.clinics"), clinics);
    for (k, l) in sp.theatre_lists.iter().enumerate() {
        let at = format!("{at}.theatre_lists[{k}]");
        let key = format!("{KEY}.theatre_lists");
        c.num(
            &format!("{at}.cases"),
            &format!("{key}.cases"),
            f64::from(l.cases.get()),
        );
        c.num(
            &format!("{at}.count"),
            &format!("{key}.count"),
            f64::from(l.count.get()),
        );
        c.counts(
            &format!("{at}.juniors"),
            &format!("{key}.juniors"),
            &l.juniors,
        );
    }
    for (k, cl) in sp.clinics.iter().enumerate() {
        let at = format!("{at}.clinics[{k}]");
        let key = format!("{KEY}.clinics");
        for (name, v) in [
            ("new_slots", cl.new_slots.get()),
            ("follow_up_slots", cl.follow_up_slots.get()),
            ("count", cl.count.get()),
        ] {
            c.num(
                &format!("{at}.{name}"),
                &format!("{key}.{name}"),
                f64::from(v),
            );
        }
        c.counts(
            &format!("{at}.juniors"),
            &format!("{key}.juniors"),
            &cl.juniors,
        );
    }
}

fn check_plan(c: &mut Checker, p: &Plan, at: &str) {
    c.text(&format!("{at}.name"), "plans.name", &p.name);
    if let Some(d) = &p.description {
        c.text(&format!("{at}.description"), "plans.description", d);
    }
    let lead = f64::from(p.stand_down.days_ahead.get());
    c.num(
        &format!("{at}.stand_down.days_ahead"),
        "plans.stand_down.days_ahead",
        lead,
    );
    let n = p.stand_down.specialties.len();
    c.entries(
        &format!("{at}.stand_down.specialties"),
        "plans.stand_down.specialties",
        n,
    );
    for (k, code) in p.stand_down.specialties.iter().enumerate() {
        let key = "plans.stand_down.specialties";
        c.text(&format!("{at}.stand_down.specialties[{k}]"), key, code);
    }
    if let Some(m) = &p.major_incident {
        let key = "plans.major_incident.delay_hours";
        c.num(
            &format!("{at}.major_incident.delay_hours"),
            key,
            f64::from(m.delay_hours.get()),
        );
    }
    let days = f64::from(p.rebooking.binding_days.get());
    c.num(
        &format!("{at}.rebooking.binding_days"),
        "plans.rebooking.binding_days",
        days,
    );
    if let Some(cu) = &p.catch_up {
        let at = format!("{at}.catch_up");
        for (name, v) in [
            ("start_days_after", cu.start_days_after.get()),
            ("weeks", cu.weeks.get()),
            ("theatre_lists", cu.theatre_lists.get()),
            ("clinics", cu.clinics.get()),
        ] {
            c.num(
                &format!("{at}.{name}"),
                &format!("plans.catch_up.{name}"),
                f64::from(v),
            );
        }
        let staff = &cu.staff;
        for (name, v) in [
            ("consultants", staff.consultants),
            ("foundation", staff.foundation),
            ("core", staff.core),
            ("registrar", staff.registrar),
        ] {
            let v = f64::from(v.get());
            c.num(&format!("{at}.staff.{name}"), "plans.catch_up.staff", v);
        }
        let n = cu.specialties.len();
        c.entries(
            &format!("{at}.specialties"),
            "plans.catch_up.specialties",
            n,
        );
        for (k, code) in cu.specialties.iter().enumerate() {
            c.text(
                &format!("{at}.specialties[{k}]"),
                "plans.catch_up.specialties",
                code,
            );
        }
    }
}

#[cfg(test)]
mod tests;
