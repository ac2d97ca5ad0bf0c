//! The `[[plans]]` part of the file format: a plan and its levers (what
//! is protected, stand-downs, major incident, rebooking, catch-up).

use super::{WalkoutKind, Weekday};
use crate::scenario::values::{Count, PositiveCount, Probability};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Which priorities a plan protects from stand-downs and staffs first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Protect {
    /// Nothing is protected.
    None,
    /// P1 only.
    P1,
    /// P1 and P2: urgent and cancer work (default).
    Urgent,
    /// P1 to P3.
    P3,
}

/// A trust's response to the walkout.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Plan {
    /// Short name (not `counterfactual`, which is reserved).
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
    /// Priorities protected: lists and clinics with a protected patient
    /// booked are never stood down and are staffed first (default urgent).
    #[serde(default = "default_protect")]
    pub protect: Protect,
    #[serde(default)]
    pub stand_down: StandDown,
    /// Share of the consultants present in a half-day that may be diverted
    /// to act down into junior places left empty by a walkout (0 = none,
    /// 1 = all of them). A consultant who acts down gives up their
    /// supporting work first; once no consultant is spare, the one whose
    /// list or clinic comes last in staffing order gives it up (it is
    /// cancelled on the day).
    #[serde(default = "zero_probability")]
    pub consultant_act_down_share: Probability,
    #[serde(default)]
    pub major_incident: Option<MajorIncident>,
    #[serde(default)]
    pub rebooking: Rebooking,
    #[serde(default)]
    pub catch_up: Option<CatchUp>,
}

fn default_protect() -> Protect {
    Protect::Urgent
}
fn zero_probability() -> Probability {
    Probability::ZERO
}

/// Lists and clinics stood down in advance; their patients are told days
/// ahead and go back on the list with their clock still ticking.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StandDown {
    /// Share of routine (unprotected) theatre lists on walkout days stood
    /// down (default 0).
    #[serde(default = "zero_probability")]
    pub theatre_share: Probability,
    /// Share of routine clinics on walkout days stood down (default 0).
    #[serde(default = "zero_probability")]
    pub clinic_share: Probability,
    /// Days before the walkout starts that the decision is made (default 7).
    #[serde(default = "default_days_ahead")]
    pub days_ahead: PositiveCount,
    /// Specialty codes this applies to (default: all).
    #[serde(default)]
    pub specialties: Vec<String>,
    /// Also stand down, at the decision, the lists and clinics (protected
    /// ones included, staffed first) the staffing expected on the walkout
    /// days cannot cover: participation
    /// at its mean, the emergency floor filled first (by consultants where
    /// juniors are short, in a full walkout), the wards next, then the
    /// day's work in staffing order with consultants acting down as the
    /// plan allows. What a trust does when a walkout is announced weeks
    /// ahead (default false: kept booked and cancelled on the day if it
    /// cannot be staffed).
    #[serde(default)]
    pub unstaffable: bool,
    /// Also postpone, at the decision, inpatient admissions booked up to
    /// the walkout's last day whose stay would need more ward cover on
    /// walkout days than the juniors expected at work can give (and the
    /// consultants the plan lets act down); their places are not rebooked.
    /// Needs wards modelled (`ward_patients_per_junior`). Default false:
    /// decided on the day of admission, as a cancellation on the day.
    #[serde(default)]
    pub inpatients_at_risk: bool,
    /// The kinds of walkout this stand-down answers (default: every kind),
    /// e.g. `["full_walkout"]` for a plan that keeps lists booked through
    /// strikes with emergency care provided but plans around a full
    /// walkout announced weeks ahead.
    #[serde(default)]
    pub walkout_kinds: Vec<WalkoutKind>,
    /// The participation the trust plans for when it decides what the
    /// walkout leaves unstaffed (`unstaffable`, `inpatients_at_risk`):
    /// 1 plans for everyone asked striking, the worst case. Default: the
    /// walkout's mean participation.
    #[serde(default)]
    pub plan_for_participation: Option<Probability>,
}

impl Default for StandDown {
    fn default() -> Self {
        StandDown {
            theatre_share: Probability::ZERO,
            clinic_share: Probability::ZERO,
            days_ahead: default_days_ahead(),
            specialties: Vec::new(),
            unstaffable: false,
            inpatients_at_risk: false,
            walkout_kinds: Vec::new(),
            plan_for_participation: None,
        }
    }
}

fn default_days_ahead() -> PositiveCount {
    PositiveCount::new(7).expect("valid")
}

/// Declare a major incident and recall strikers when staffing is short.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MajorIncident {
    /// Declared when the share of rostered weekday juniors present in the
    /// trust falls below this.
    pub threshold: Probability,
    /// Share of strikers who answer the recall.
    pub recall_share: Probability,
    /// Hours after the walkout starts before recalled doctors are back
    /// (default 0).
    #[serde(default)]
    pub delay_hours: Count,
}

/// What happens to cancelled patients.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Rebooking {
    /// Patients whose operation is cancelled on the day get a binding new
    /// date, booked ahead of everyone else, within this many days
    /// (the 28-day rule; default 28).
    #[serde(default = "default_binding_days")]
    pub binding_days: PositiveCount,
    /// Also give patients stood down in advance first call on new dates
    /// (default false: back on the list in their place).
    #[serde(default)]
    pub stood_down_first: bool,
}

impl Default for Rebooking {
    fn default() -> Self {
        Rebooking {
            binding_days: default_binding_days(),
            stood_down_first: false,
        }
    }
}

fn default_binding_days() -> PositiveCount {
    PositiveCount::new(28).expect("valid")
}

/// Extra sessions after the walkout (weekend lists, waiting-list
/// initiatives). They are staffed only from `staff`, the people willing to
/// do an extra session, never from the rota; a catch-up session that its
/// pool cannot staff does not run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CatchUp {
    /// First catch-up day is this many days after the last walkout ends
    /// (default 3).
    #[serde(default = "default_catch_up_start")]
    pub start_days_after: Count,
    /// Weeks of catch-up.
    pub weeks: PositiveCount,
    /// Days of the week (default Saturday).
    #[serde(default = "saturday")]
    pub days: Vec<Weekday>,
    /// Extra theatre lists per specialty per catch-up day: copies of the
    /// specialty's theatre list templates taken in file order (the first,
    /// then the second, ...), each at its own session time.
    #[serde(default)]
    pub theatre_lists: Count,
    /// Extra clinics per specialty per catch-up day: copies of the
    /// specialty's clinic templates in file order.
    #[serde(default)]
    pub clinics: Count,
    /// Specialty codes (default: all).
    #[serde(default)]
    pub specialties: Vec<String>,
    /// Who is willing to staff the catch-up sessions, per specialty per
    /// catch-up day, e.g. `{ consultants = 2, registrar = 1, foundation =
    /// 1 }`. Each person does one catch-up session that day (a morning, an
    /// afternoon or an all-day one): a session needs one consultant and the
    /// juniors its template needs (a more senior junior can fill a junior
    /// place). Sessions are staffed theatre lists first, then clinics, in
    /// the order they are made; those the pool cannot staff do not run.
    pub staff: CatchUpStaff,
}

/// The people willing to staff one specialty's catch-up sessions on one
/// catch-up day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CatchUpStaff {
    /// Consultants, one per catch-up session (at least 1 when any session
    /// is asked for).
    pub consultants: Count,
    #[serde(default)]
    pub foundation: Count,
    #[serde(default)]
    pub core: Count,
    #[serde(default)]
    pub registrar: Count,
}

impl CatchUpStaff {
    /// The juniors, by grade (foundation, core, registrar).
    pub fn juniors(&self) -> [u32; 3] {
        [self.foundation.get(), self.core.get(), self.registrar.get()]
    }
}

fn default_catch_up_start() -> Count {
    Count::new_const(3)
}
fn saturday() -> Vec<Weekday> {
    vec![Weekday::Sat]
}
