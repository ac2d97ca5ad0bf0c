//! The mechanisms a strike model needs to predict the strikes after 12
//! January 2016, each on a small trust built to show it alone: inpatient
//! stays and ward cover, clinics that run in part, the full walkout's
//! emergency cover by consultants, planning around an announced walkout,
//! and participation from a published turnout.

use strikesim::ensemble::simulate_replication;
use strikesim::model::outcome::Counters;
use strikesim::scenario::Scenario;

/// Indices into `Counters::elective_*` and `outpatient`.
const INPATIENT: usize = 0;
const DAY_CASE: usize = 1;
const NEW: usize = 0;
const FOLLOW_UP: usize = 1;

/// A one-specialty trust, a walkout on Wednesday 10 February 2016 and the
/// given plans, with `{placeholders}` replaced from `parts`. Plans protect
/// nothing: the queues book urgent patients first, so protected lists
/// would hide what each mechanism does to routine work.
fn scenario(parts: &[(&str, &str)]) -> Scenario {
    let mut text = r#"
name = "mechanism"
start = "2016-01-18"
warm_up_weeks = 6
weeks_after = 2
seed = 7
replications = 1

[[walkouts]]
name = "walkout"
start = "2016-02-10T08:00"
hours = {hours}
kind = "{kind}"
participation = {participation}

{plans}

[[trusts]]
code = "T1"
name = "Test trust"
removal_rate_per_week = 0.0
offer_decline_rate = 0.0
background_cancel_rate = 0.0
dna_rate = 0.0
consultant_leave_share = 0.0
{ward}
[[trusts.specialties]]
code = "100"
name = "General Surgery"
waiting_list = 3000
admitted_share_of_list = 0.5
referrals_per_week = {referrals}
admit_share = 0.5
day_case_share = {day_case_share}
{stay}
consultants = {consultants}
consultants_on_call = {on_call}
rota.weekday_day = {rota}
rota.night = { foundation = 1, core = 1, registrar = 1 }
rota.weekend = { foundation = 1, core = 1, registrar = 1 }
emergency_floor.weekday_day = {floor}
emergency_floor.night = { foundation = 1, core = 1, registrar = 1 }
emergency_floor.weekend = { foundation = 1, core = 1, registrar = 1 }
theatre_lists = [{lists}]
clinics = [{clinics}]
"#
    .to_string();
    let defaults = [
        ("{hours}", "24"),
        ("{kind}", "emergency_care_provided"),
        ("{participation}", "1.0"),
        (
            "{plans}",
            "[[plans]]\nname = \"keep-booked\"\nprotect = \"none\"\nconsultant_act_down_share = 0.0",
        ),
        ("{ward}", ""),
        ("{referrals}", "100"),
        ("{day_case_share}", "0.0"),
        ("{stay}", ""),
        ("{consultants}", "12"),
        ("{on_call}", "1"),
        ("{rota}", "{ foundation = 4, core = 4, registrar = 4 }"),
        ("{floor}", "{ foundation = 1, core = 1, registrar = 1 }"),
        (
            "{lists}",
            r#"{ session = "all_day", setting = "inpatient", cases = 4, count = 2 }"#,
        ),
        (
            "{clinics}",
            r#"{ session = "pm", new_slots = 10, follow_up_slots = 0, count = 1 }"#,
        ),
    ];
    for (key, default) in defaults {
        let value = parts
            .iter()
            .find(|(k, _)| *k == key)
            .map_or(default, |(_, v)| *v);
        text = text.replace(key, value);
    }
    Scenario::from_toml(&text, "mechanism").unwrap_or_else(|e| panic!("{e}\n{text}"))
}

/// The counters of every branch (counterfactual first) of replication 0.
fn counters(s: &Scenario) -> Vec<Counters> {
    simulate_replication(&s.world(), 11, 0)
        .iter()
        .map(|o| o.counters)
        .collect()
}

const WARD: (&str, &str) = ("{ward}", "ward_patients_per_junior = 4");
const STAY_3: (&str, &str) = ("{stay}", "inpatient_stay_days = { mean = 3.0, sd = 0.0 }");

/// Inpatient lists that need no junior in theatre, stays of exactly three
/// nights, everyone off the floor striking: the only reason to cancel is
/// the ward. With no consultant allowed to cover the ward, every
/// inpatient whose stay reaches into the walkout (admitted on the three
/// days before it, and on the day) is refused on the day of admission;
/// with consultants allowed to cover it, they are admitted.
#[test]
fn an_inpatient_is_admitted_before_a_walkout_only_if_the_ward_can_be_covered() {
    let uncovered = scenario(&[WARD, STAY_3]);
    let c = counters(&uncovered);
    let (base, plan) = (c[0], c[1]);
    assert_eq!(
        base.elective_on_day,
        [0, 0],
        "nothing is cancelled without a strike"
    );
    // Two lists of four a day on the two working days before the walkout
    // (Monday's three nights reach Wednesday; the Friday before reaches
    // Monday only; the walkout day's own admissions are on the ward from
    // Thursday, after it ends at 08:00): 2 days x 8.
    assert_eq!(plan.elective_on_day[INPATIENT], 16, "{plan:?}");
    assert_eq!(plan.elective_in_advance, [0, 0]);

    let covered = scenario(&[
        WARD,
        STAY_3,
        (
            "{plans}",
            "[[plans]]\nname = \"cover\"\nprotect = \"none\"\nconsultant_act_down_share = 1.0",
        ),
    ]);
    let c = counters(&covered);
    assert_eq!(c[1].elective_on_day, [0, 0], "{:?}", c[1]);

    // Without wards modelled the same strike cancels nothing.
    let c = counters(&scenario(&[]));
    assert_eq!(c[1].elective_on_day, [0, 0]);
}

/// A plan that reviews its admissions a week ahead postpones the same
/// inpatients in advance rather than on the day, and leaves their places
/// empty rather than booking others into them.
#[test]
fn a_plan_that_reviews_admissions_postpones_them_in_advance() {
    let review = (
        "{plans}",
        "[[plans]]\nname = \"review\"\nprotect = \"none\"\nconsultant_act_down_share = 0.0\nstand_down = { inpatients_at_risk = true, days_ahead = 7 }",
    );
    let c = counters(&scenario(&[WARD, STAY_3, review]));
    let plan = c[1];
    // The same admissions of the two days before the walkout, booked when
    // the review is made.
    assert_eq!(plan.elective_in_advance[INPATIENT], 16, "{plan:?}");
    assert_eq!(plan.elective_on_day[INPATIENT], 0, "{plan:?}");
}

/// The ward takes its juniors before the lists: a day-case list that
/// needs a foundation junior runs when the ward leaves one free and is
/// cancelled when the ward's patients take them all.
#[test]
fn the_ward_is_covered_before_the_lists() {
    let lists = (
        "{lists}",
        r#"{ session = "all_day", setting = "inpatient", cases = 4, count = 2 }, { session = "am", setting = "day_case", cases = 5, count = 1, juniors = { foundation = 1 } }"#,
    );
    let mix = ("{day_case_share}", "0.3");
    let calm = ("{participation}", "0.0");
    // Eight inpatients a day for three nights: 24 in beds midweek, six
    // juniors at four patients each. Three foundation juniors off the
    // floor: the ward takes them all, then core and registrars.
    let rota = ("{rota}", "{ foundation = 4, core = 3, registrar = 1 }");
    let c = counters(&scenario(&[WARD, STAY_3, lists, mix, calm, rota]));
    assert!(
        c[0].elective_on_day[DAY_CASE] > 0,
        "day-case lists go unstaffed when the ward takes the juniors: {:?}",
        c[0]
    );
    let rota = ("{rota}", "{ foundation = 10, core = 3, registrar = 1 }");
    let c = counters(&scenario(&[WARD, STAY_3, lists, mix, calm, rota]));
    assert_eq!(c[0].elective_on_day, [0, 0], "{:?}", c[0]);
}

/// A clinic whose registrar strikes runs the consultant's share of its
/// slots: half of ten new and half of twenty follow-up.
#[test]
fn a_clinic_missing_its_registrar_runs_the_consultants_slots() {
    let clinic = (
        "{clinics}",
        r#"{ session = "am", days = ["wed"], new_slots = 10, follow_up_slots = 20, count = 1, juniors = { registrar = 1 } }"#,
    );
    let c = counters(&scenario(&[clinic]));
    let (base, plan) = (c[0], c[1]);
    assert_eq!(base.outpatient, [0, 0]);
    assert_eq!(plan.outpatient[FOLLOW_UP], 10, "{plan:?}");
    assert_eq!(plan.outpatient[NEW], 5, "{plan:?}");
    // With two registrars needed and both out, a third of the slots run.
    let clinic = (
        "{clinics}",
        r#"{ session = "am", days = ["wed"], new_slots = 9, follow_up_slots = 21, count = 1, juniors = { registrar = 2 } }"#,
    );
    let c = counters(&scenario(&[clinic]));
    assert_eq!(c[1].outpatient, [6, 14], "{:?}", c[1]);
}

/// In a full walkout the consultant on call covers an emergency place
/// before anyone is taken off elective work: three consultants present for
/// three consultant-led lists and one floor place empty; the lists all run
/// when a consultant is on call besides, and one is lost without.
#[test]
fn in_a_full_walkout_the_consultant_on_call_covers_the_floor_first() {
    let full = [
        ("{kind}", "full_walkout"),
        ("{hours}", "9"),
        ("{rota}", "{ foundation = 1, core = 1, registrar = 1 }"),
        ("{floor}", "{ foundation = 0, core = 0, registrar = 1 }"),
        (
            "{lists}",
            r#"{ session = "am", days = ["wed"], setting = "day_case", cases = 4, count = 3 }"#,
        ),
        ("{day_case_share}", "1.0"),
        ("{referrals}", "20"),
    ];
    let with_on_call = [&full[..], &[("{consultants}", "4"), ("{on_call}", "1")]].concat();
    let c = counters(&scenario(&with_on_call));
    assert_eq!(c[1].elective_on_day, [0, 0], "{:?}", c[1]);
    let without = [&full[..], &[("{consultants}", "3"), ("{on_call}", "0")]].concat();
    let c = counters(&scenario(&without));
    assert_eq!(c[1].elective_on_day[DAY_CASE], 4, "{:?}", c[1]);
}

/// Announced weeks ahead, a full walkout's unstaffable lists are stood
/// down in advance; kept booked, the same lists are cancelled on the day.
#[test]
fn a_plan_around_an_announced_walkout_stands_down_what_cannot_be_staffed() {
    let full = [
        ("{kind}", "full_walkout"),
        ("{hours}", "9"),
        ("{participation}", "1.0"),
        (
            "{lists}",
            r#"{ session = "am", days = ["wed"], setting = "day_case", cases = 4, count = 2, juniors = { core = 1 } }"#,
        ),
        ("{day_case_share}", "1.0"),
        ("{referrals}", "20"),
    ];
    let c = counters(&scenario(&full));
    assert_eq!(c[1].elective_on_day[DAY_CASE], 8, "{:?}", c[1]);
    assert_eq!(c[1].elective_in_advance, [0, 0]);
    let planned = (
        "{plans}",
        "[[plans]]\nname = \"around\"\nprotect = \"none\"\nconsultant_act_down_share = 0.0\nstand_down = { unstaffable = true, days_ahead = 14 }",
    );
    let c = counters(&scenario(&[&full[..], &[planned]].concat()));
    assert_eq!(c[1].elective_in_advance[DAY_CASE], 8, "{:?}", c[1]);
    assert_eq!(c[1].elective_on_day, [0, 0], "{:?}", c[1]);
}

/// `turnout` gives the participation of the formula, and a turnout below
/// the share on the emergency floor is refused with the field named.
#[test]
fn participation_follows_the_published_turnout() {
    // Rota 12, floor 3: a quarter exempt. 40% at work means 60% of the
    // rostered struck, 80% of the nine asked.
    let s = scenario(&[(
        "{participation}",
        r#"{ distribution = "turnout", at_work = 0.4, sd = 0.0 }"#,
    )]);
    let w = &s.world().walkouts[0];
    assert!((w.expected_participation - 0.8).abs() < 1e-12);
    // In a full walkout nobody is exempt: those not at work struck.
    let s = scenario(&[
        ("{kind}", "full_walkout"),
        (
            "{participation}",
            r#"{ distribution = "turnout", at_work = 0.22, sd = 0.0 }"#,
        ),
    ]);
    assert!((s.world().walkouts[0].expected_participation - 0.78).abs() < 1e-12);
    let text = "at_work = 0.2";
    let bad = std::panic::catch_unwind(|| {
        scenario(&[(
            "{participation}",
            r#"{ distribution = "turnout", at_work = 0.2, sd = 0.0 }"#,
        )])
    });
    let message = match bad {
        Err(e) => e.downcast_ref::<String>().cloned().unwrap_or_default(),
        Ok(_) => panic!("{text} is below the floor share of 0.25 and must be refused"),
    };
    assert!(
        message.contains("walkouts[0].participation.at_work") && message.contains("0.250"),
        "{message}"
    );
}
