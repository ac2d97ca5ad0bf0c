//! The scenario file format: what a planner writes in TOML.
//!
//! These types mirror the file one to one (unknown fields are rejected) and
//! carry the documentation that `strikesim schema` prints. Values check
//! themselves while parsing (see [`super::values`]); checks that need more
//! than one field live in [`super::validate`].

use super::values::{Count, Date, DateTime, NonNegative, Percent, PositiveCount, Probability};
/// The domain vocabulary is the model's; the file format names it.
pub use crate::model::vocab::{Grade, SessionTime, Setting, WalkoutKind, Weekday};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

pub use super::participation::Participation;

mod costs;
mod decision;
mod plan;
pub use costs::Costs;
pub use decision::*;
pub use plan::*;

/// A whole scenario: the trusts, the walkouts they face, and the plans to
/// compare against the no-strike counterfactual.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ScenarioFile {
    /// Short name, used for the output folder `output/<name>/`. Letters,
    /// digits, `-`, `_` and `.` only.
    pub name: String,
    /// A one-line title for charts and the report.
    #[serde(default)]
    pub title: Option<String>,
    /// Free text: where the figures come from, what was estimated.
    #[serde(default)]
    pub description: Option<String>,
    /// First reported day: the waiting list has the scenario's size (and,
    /// with an RTT file, its specialties' sizes) at 00:00 on this day, and
    /// weekly figures start here. The model is warmed up before it (see
    /// `warm_up_weeks`).
    pub start: Date,
    /// Weeks simulated after the last walkout ends (default 26).
    #[serde(default = "default_weeks_after")]
    pub weeks_after: PositiveCount,
    /// Weeks the model runs without a strike before `start` (default 52, at
    /// most 156), from the stated list, so that at `start` waits, bookings
    /// and pathways in progress are the ones the model's own flows produce.
    /// The list is then brought back to its stated size. 0 starts from the
    /// stated list as it is (waits assumed exponential), which drifts for
    /// months: use it only to study that drift.
    #[serde(default = "default_warm_up_weeks")]
    pub warm_up_weeks: Count,
    /// Master seed of the random streams (default 1). `--seed` overrides it.
    #[serde(default = "default_seed")]
    pub seed: u64,
    /// Monte Carlo replications (default 200). `--replications` overrides it.
    #[serde(default = "default_replications")]
    pub replications: PositiveCount,
    /// When a plan counts as recovered.
    #[serde(default)]
    pub recovery: RecoveryTolerance,
    /// The prices that turn activity into pounds (defaults when absent).
    #[serde(default)]
    pub costs: Costs,
    /// The walkouts (one or more).
    pub walkouts: Vec<Walkout>,
    /// The trusts (one or more).
    pub trusts: Vec<Trust>,
    /// The plans to compare (one or more). The no-strike counterfactual is
    /// always added under the name `counterfactual`.
    pub plans: Vec<Plan>,
    /// How the report recommends a plan (default: fewest extra patients
    /// waiting over 18 weeks at the end, no limits).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decision: Option<Decision>,
}

fn default_weeks_after() -> PositiveCount {
    PositiveCount::new(26).expect("26 is positive")
}
fn default_warm_up_weeks() -> Count {
    Count::new_const(52)
}
fn default_seed() -> u64 {
    1
}
fn default_replications() -> PositiveCount {
    PositiveCount::new(200).expect("200 is positive")
}

/// When a plan counts as recovered, judged per trust against the loss the
/// walkouts caused there: the extra waiters (the plan's waiting list minus
/// the counterfactual's in the same replication).
///
/// A trust whose extra waiters never exceed `tolerance_patients` had no
/// loss. Otherwise it has recovered on the first day after the walkouts
/// from which, to the end of the run, its extra waiters stay within the
/// larger of `tolerance_patients` and `share_of_peak` of its peak extra
/// waiters. A replication of a plan has no loss when no trust lost
/// anything, has recovered when every trust that lost has recovered (on the
/// day the last one did), and is censored otherwise.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RecoveryTolerance {
    /// Extra waiters at one trust, in patients, that count as no loss and
    /// as back to normal (default 10).
    #[serde(default = "default_tolerance_patients")]
    pub tolerance_patients: Count,
    /// Back to normal once a trust's extra waiters are within this share of
    /// their peak, 0 to 1 (default 0.1: nine tenths of the peak undone).
    #[serde(default = "default_share_of_peak")]
    pub share_of_peak: Probability,
    /// Replaced: recovery is no longer a percentage of the whole list.
    #[serde(default, skip_serializing)]
    #[schemars(skip)]
    pub list_size_pct: Option<Replaced>,
    /// Replaced: recovery no longer looks at the 18-week share.
    #[serde(default, skip_serializing)]
    #[schemars(skip)]
    pub within_18w_points: Option<Replaced>,
}

impl Default for RecoveryTolerance {
    fn default() -> Self {
        RecoveryTolerance {
            tolerance_patients: default_tolerance_patients(),
            share_of_peak: default_share_of_peak(),
            list_size_pct: None,
            within_18w_points: None,
        }
    }
}

fn default_tolerance_patients() -> Count {
    Count::new_const(10)
}
fn default_share_of_peak() -> Probability {
    Probability::try_from(0.1).expect("0.1 is a probability")
}

/// A `[recovery]` field of earlier versions: reading one is an error that
/// says what replaced it.
#[derive(Debug, Clone, PartialEq)]
pub struct Replaced;

impl<'de> Deserialize<'de> for Replaced {
    fn deserialize<D: serde::Deserializer<'de>>(_: D) -> Result<Self, D::Error> {
        Err(serde::de::Error::custom(
            "`list_size_pct` and `within_18w_points` were replaced: recovery is now judged per trust \
             against the walkouts' extra waiters, with `tolerance_patients` (patients, default 10) and \
             `share_of_peak` (share of the peak extra waiters, default 0.1); remove the old fields",
        ))
    }
}

/// A head count per junior grade.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GradeCounts {
    #[serde(default)]
    pub foundation: Count,
    #[serde(default)]
    pub core: Count,
    #[serde(default)]
    pub registrar: Count,
}

impl GradeCounts {
    pub fn as_array(&self) -> [u32; 3] {
        [self.foundation.get(), self.core.get(), self.registrar.get()]
    }

    pub fn total(&self) -> u32 {
        self.as_array().iter().sum()
    }
}

/// The length of an elective inpatient stay, in nights: a lognormal.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StayDays {
    /// Mean nights (1 to 60).
    pub mean: NonNegative,
    /// Standard deviation of the nights (0 to 100).
    pub sd: NonNegative,
}

/// One walkout.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Walkout {
    /// A name for tables and charts.
    pub name: String,
    /// Local start date and time, e.g. "2016-01-26T08:00".
    pub start: DateTime,
    /// Duration in hours (24 for a one-day walkout, 48 for two days). Give
    /// either `hours` or `end`.
    #[serde(default)]
    pub hours: Option<PositiveCount>,
    /// Local end date and time, instead of `hours`.
    #[serde(default)]
    pub end: Option<DateTime>,
    /// `emergency_care_provided` or `full_walkout`.
    pub kind: WalkoutKind,
    /// Grades that strike (default: all three).
    #[serde(default = "all_grades")]
    pub grades: Vec<Grade>,
    /// Share of the juniors asked to strike who strike: those in striking
    /// grades not on the emergency floor when emergency care is provided,
    /// every rostered junior in a striking grade in a full walkout. Or
    /// `{ distribution = "turnout", at_work = ..., sd = ... }` to derive it
    /// from a published turnout (see `scenarios/README.md`).
    pub participation: Participation,
    /// Standard deviation of a trust's participation around the national
    /// draw (default 0: every trust the same).
    #[serde(default)]
    pub between_trust_sd: NonNegative,
    /// Trust codes affected (default: every trust in the scenario).
    #[serde(default)]
    pub trusts: Vec<String>,
}

fn all_grades() -> Vec<Grade> {
    Grade::ALL.to_vec()
}

/// One acute trust.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Trust {
    /// ODS code, e.g. "RWG".
    pub code: String,
    pub name: String,
    /// Start the waiting list from NHS England's monthly RTT "Full CSV data
    /// file" instead of `waiting_list` and `within_18w_pct`: this
    /// provider's Part_2 (incomplete pathway) rows, by treatment function
    /// (matched to each specialty's `code`) and weekly band.
    #[serde(default)]
    pub initial_list_from: Option<RttSource>,
    /// % of the initial waiting list within 18 weeks (default 92).
    #[serde(default = "default_within_18w")]
    pub within_18w_pct: Percent,
    /// Share of outpatient appointments not attended (default 0.07).
    #[serde(default = "default_dna")]
    pub dna_rate: Probability,
    /// Share of planned operations the hospital cancels on the day for
    /// non-clinical reasons in a normal week (default 0.01).
    #[serde(default = "default_background_cancel")]
    pub background_cancel_rate: Probability,
    /// Weekly chance that a waiting patient leaves the list untreated
    /// (validation, treated elsewhere, no longer needed); default 0.004.
    #[serde(default = "default_removal")]
    pub removal_rate_per_week: Probability,
    /// Share of offered dates a patient declines, asking to wait (default
    /// 0.1). A patient who declines twice is referred back to their GP and
    /// leaves the list, as access policies of the time said.
    #[serde(default = "default_decline")]
    pub offer_decline_rate: Probability,
    /// Mean weeks a patient who declines asks to wait before being offered
    /// again (default 8); exponential.
    #[serde(default = "default_deferral")]
    pub deferral_weeks: NonNegative,
    /// Share of consultants away on a weekday (annual and study leave),
    /// 0 to 1 (default 0.15: about six weeks of annual and two of study
    /// leave a year). It is spread evenly over the days, whole people on
    /// each: a specialty with 16 consultants has 2 or 3 away each day.
    #[serde(default = "default_consultant_leave")]
    pub consultant_leave_share: Probability,
    /// How far ahead clinics are booked, in days (default 28).
    #[serde(default = "default_clinic_horizon")]
    pub clinic_booking_days: PositiveCount,
    /// How far ahead theatre lists are booked, in days (default 21).
    #[serde(default = "default_theatre_horizon")]
    pub theatre_booking_days: PositiveCount,
    /// Minimum notice for an admission date, in days (default 2).
    #[serde(default = "default_notice")]
    pub admission_notice_days: Count,
    /// Elective inpatients one junior looks after on a weekday's day shift
    /// (1 to 100). With it, and a specialty's `inpatient_stay_days`, the
    /// patients in the specialty's beds need juniors on the ward each
    /// working day, taken from the day's juniors before any list or
    /// clinic; in a walkout the trust admits an inpatient only if the
    /// ward can be covered on the walkout days of their stay. Default:
    /// wards not modelled (stays take nobody off the lists).
    #[serde(default)]
    pub ward_patients_per_junior: Option<PositiveCount>,
    pub specialties: Vec<Specialty>,
}

fn default_within_18w() -> Percent {
    Percent::try_from(92.0).expect("valid")
}
fn default_dna() -> Probability {
    Probability::new(0.07).expect("valid")
}
fn default_background_cancel() -> Probability {
    Probability::new(0.01).expect("valid")
}
fn default_removal() -> Probability {
    Probability::new(0.004).expect("valid")
}
fn default_decline() -> Probability {
    Probability::new(0.1).expect("valid")
}
fn default_deferral() -> NonNegative {
    NonNegative::try_from(8.0).expect("valid")
}
fn default_consultant_leave() -> Probability {
    Probability::new(0.15).expect("valid")
}
fn default_clinic_horizon() -> PositiveCount {
    PositiveCount::new(28).expect("valid")
}
fn default_theatre_horizon() -> PositiveCount {
    PositiveCount::new(21).expect("valid")
}
fn default_notice() -> Count {
    Count::new_const(2)
}

/// Where a trust's initial waiting list comes from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RttSource {
    /// The RTT Full CSV file; a relative path is taken from the scenario
    /// file's folder.
    pub file: String,
    /// Provider org code to select (`Provider Org Code`), e.g. "RWG".
    pub provider: String,
}

/// Clinical priority classes: either the 2016 working split (`urgent`,
/// `routine`) or the surgical prioritisation classes (`p1`..`p4`). Shares
/// must add up to 1.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PriorityMix {
    /// Urgent including cancer (treated as P2).
    #[serde(default)]
    pub urgent: Option<Probability>,
    /// Routine (treated as P4).
    #[serde(default)]
    pub routine: Option<Probability>,
    #[serde(default)]
    pub p1: Option<Probability>,
    #[serde(default)]
    pub p2: Option<Probability>,
    #[serde(default)]
    pub p3: Option<Probability>,
    #[serde(default)]
    pub p4: Option<Probability>,
}

/// One specialty (treatment function) of a trust.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Specialty {
    /// Treatment function code, e.g. "110".
    pub code: String,
    /// Treatment function name, e.g. "Trauma & Orthopaedics".
    pub name: String,
    /// Incomplete RTT pathways at the start. Required unless the trust
    /// takes its list from an RTT file (`initial_list_from`), which then
    /// gives this specialty's list by weekly band instead.
    #[serde(default)]
    pub waiting_list: Option<Count>,
    /// Share of the initial list already past a decision to admit
    /// (default 0.25).
    #[serde(default = "default_admitted_share")]
    pub admitted_share_of_list: Probability,
    /// New referrals (RTT clock starts) per week; arrivals are Poisson,
    /// weekdays only.
    pub referrals_per_week: NonNegative,
    /// Relative referral volume Monday to Friday (default
    /// [1.1, 1.0, 1.0, 1.0, 0.9]: Mondays busier). Referrals arrive on
    /// working days only.
    #[serde(default = "default_referral_pattern")]
    pub referral_pattern: [NonNegative; 5],
    /// Clinical priority mix of new referrals (default 15% urgent).
    #[serde(default)]
    pub priority: PriorityMix,
    /// Share of first appointments that end in a decision to admit; the rest
    /// end the pathway in outpatients (non-admitted clock stop).
    pub admit_share: Probability,
    /// Share of admissions that are day cases (the rest inpatient).
    pub day_case_share: Probability,
    /// Mean weeks from first appointment to the decision (diagnostics,
    /// results); exponential. Default 2.
    #[serde(default = "default_decision_weeks")]
    pub decision_weeks: NonNegative,
    /// Share of patients on complex pathways (several diagnostics and
    /// follow-ups before a decision), default 0.05. They make the long tail
    /// of waits that a single queue in order of wait would not.
    #[serde(default = "default_complex_share")]
    pub complex_pathway_share: Probability,
    /// Mean weeks to a decision on a complex pathway (default 20); Erlang
    /// with three steps.
    #[serde(default = "default_complex_weeks")]
    pub complex_pathway_weeks: NonNegative,
    /// Consultants in post (head count). Those present on a weekday
    /// half-day are these less the trust's `consultant_leave_share` and
    /// `consultants_on_call`; each present consultant leads one list or
    /// clinic, acts down into one junior place, or does their supporting
    /// work in that half-day.
    pub consultants: PositiveCount,
    /// Consultants on call for emergencies each weekday, off elective work
    /// (default 1).
    #[serde(default = "default_on_call")]
    pub consultants_on_call: Count,
    /// Nights an elective inpatient stays after the operation: a
    /// lognormal of this mean and standard deviation in days, rounded, at
    /// least one night (for example `{ mean = 4.5, sd = 6 }`). Used with
    /// the trust's `ward_patients_per_junior`. Default: stays not modelled.
    #[serde(default)]
    pub inpatient_stay_days: Option<StayDays>,
    /// Juniors rostered per shift.
    pub rota: Rota,
    /// Juniors each shift needs for emergency work, filled first.
    #[serde(default)]
    pub emergency_floor: Rota,
    /// The weekly template of theatre lists.
    #[serde(default)]
    pub theatre_lists: Vec<TheatreListTemplate>,
    /// The weekly template of outpatient clinics.
    #[serde(default)]
    pub clinics: Vec<ClinicTemplate>,
}

fn default_on_call() -> Count {
    Count::new_const(1)
}
fn default_referral_pattern() -> [NonNegative; 5] {
    [1.1, 1.0, 1.0, 1.0, 0.9].map(|w| NonNegative::try_from(w).expect("valid"))
}
fn default_admitted_share() -> Probability {
    Probability::new(0.25).expect("valid")
}
fn default_decision_weeks() -> NonNegative {
    NonNegative::try_from(2.0).expect("valid")
}
fn default_complex_share() -> Probability {
    Probability::new(0.05).expect("valid")
}
fn default_complex_weeks() -> NonNegative {
    NonNegative::try_from(20.0).expect("valid")
}

/// Juniors per shift.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Rota {
    /// Monday to Friday day shift (covers elective sessions).
    #[serde(default)]
    pub weekday_day: GradeCounts,
    /// Night shift.
    #[serde(default)]
    pub night: GradeCounts,
    /// Weekend and bank-holiday day shift (emergency work; catch-up lists
    /// are staffed from the plan's `catch_up.staff`).
    #[serde(default)]
    pub weekend: GradeCounts,
}

fn weekdays() -> Vec<Weekday> {
    vec![
        Weekday::Mon,
        Weekday::Tue,
        Weekday::Wed,
        Weekday::Thu,
        Weekday::Fri,
    ]
}

fn one() -> PositiveCount {
    PositiveCount::new(1).expect("valid")
}

/// Theatre lists that run every week on the given days.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TheatreListTemplate {
    /// Days it runs (default Monday to Friday). Lists do not run on bank
    /// holidays.
    #[serde(default = "weekdays")]
    pub days: Vec<Weekday>,
    pub session: SessionTime,
    pub setting: Setting,
    /// Patients booked per list.
    pub cases: PositiveCount,
    /// Number of such lists in that session (default 1).
    #[serde(default = "one")]
    pub count: PositiveCount,
    /// Juniors each list needs besides its consultant.
    #[serde(default)]
    pub juniors: GradeCounts,
}

/// Outpatient clinics that run every week on the given days.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ClinicTemplate {
    #[serde(default = "weekdays")]
    pub days: Vec<Weekday>,
    pub session: SessionTime,
    /// New-patient (first appointment) slots per clinic.
    pub new_slots: Count,
    /// Follow-up slots per clinic (always fully booked with follow-ups).
    #[serde(default)]
    pub follow_up_slots: Count,
    #[serde(default = "one")]
    pub count: PositiveCount,
    #[serde(default)]
    pub juniors: GradeCounts,
}
