//! The domain's vocabulary: junior grades, walkout kinds, weekdays, session
//! times and admission settings. The model owns these words; the scenario
//! file format re-exports them (they derive serde and a JSON schema so the
//! file can name them directly).
//!
//! Value types (shares, counts) are in [`super::values`]; the file format's
//! structs are in `scenario::format`, not here.

use crate::engine::MINUTES_PER_HOUR;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Junior-doctor grades.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Grade {
    /// Foundation years 1-2.
    Foundation,
    /// Core trainees.
    Core,
    /// Specialty registrars.
    Registrar,
}

impl Grade {
    pub const ALL: [Grade; 3] = [Grade::Foundation, Grade::Core, Grade::Registrar];

    pub fn index(self) -> usize {
        self as usize
    }

    pub fn name(self) -> &'static str {
        match self {
            Grade::Foundation => "foundation",
            Grade::Core => "core",
            Grade::Registrar => "registrar",
        }
    }
}

/// What strikers do about emergency care.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum WalkoutKind {
    /// Strikers rostered on emergency duties work them (12 January 2016).
    EmergencyCareProvided,
    /// Nobody in a striking grade works; consultants fill the emergency floor.
    FullWalkout,
}

/// Day of the week.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Weekday {
    Mon,
    Tue,
    Wed,
    Thu,
    Fri,
    Sat,
    Sun,
}

impl Weekday {
    /// Monday = 0.
    pub fn index(self) -> usize {
        self as usize
    }
}

/// Session of the day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum SessionTime {
    /// 08:30 to 12:30.
    Am,
    /// 13:30 to 17:30.
    Pm,
    /// 08:30 to 17:30.
    AllDay,
}

/// Minutes after midnight at which the morning and afternoon sessions
/// start and end.
pub const AM_START: i64 = 8 * MINUTES_PER_HOUR + 30;
pub const AM_END: i64 = 12 * MINUTES_PER_HOUR + 30;
pub const PM_START: i64 = 13 * MINUTES_PER_HOUR + 30;
pub const PM_END: i64 = 17 * MINUTES_PER_HOUR + 30;

impl SessionTime {
    /// Start and end minute of the session, after midnight.
    pub const fn bounds(self) -> (i64, i64) {
        match self {
            SessionTime::Am => (AM_START, AM_END),
            SessionTime::Pm => (PM_START, PM_END),
            SessionTime::AllDay => (AM_START, PM_END),
        }
    }

    /// Does the session run (or start) in the afternoon half-day?
    pub const fn is_afternoon(self) -> bool {
        matches!(self, SessionTime::Pm)
    }
}

/// Inpatient or day case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Setting {
    Inpatient,
    DayCase,
}

impl Setting {
    /// Inpatient = 0, day case = 1: the order of the per-setting counters.
    pub const fn index(self) -> usize {
        self as usize
    }
}
