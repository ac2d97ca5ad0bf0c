//! Value types that cannot hold a bad value: a [`Probability`] is always in
//! 0..=1, a [`PositiveCount`] is at least one, and so on. They check
//! themselves while a scenario file is parsed (so the parser reports the
//! line and column of a bad value) and stay in the model's structs, so a
//! share the model reads is known to be a share.
//!
//! Dates as written in a scenario file are the file format's
//! (`scenario::values`), not these.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A probability or share, between 0 and 1 inclusive.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Serialize, Deserialize, JsonSchema)]
#[serde(try_from = "f64", into = "f64")]
#[schemars(extend("minimum" = 0.0, "maximum" = 1.0))]
pub struct Probability(f64);

impl Probability {
    pub const ZERO: Probability = Probability(0.0);
    pub const ONE: Probability = Probability(1.0);

    pub fn new(value: f64) -> Result<Self, String> {
        if (0.0..=1.0).contains(&value) {
            Ok(Probability(value))
        } else {
            Err(format!(
                "must be a share between 0 and 1 (e.g. 0.25 for 25%), found {value}"
            ))
        }
    }

    pub fn get(self) -> f64 {
        self.0
    }
}

impl TryFrom<f64> for Probability {
    type Error = String;
    fn try_from(value: f64) -> Result<Self, String> {
        Probability::new(value)
    }
}

impl From<Probability> for f64 {
    fn from(p: Probability) -> f64 {
        p.0
    }
}

/// A whole number that must be at least one (a capacity, a count of
/// replications).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(try_from = "i64", into = "u32")]
#[schemars(extend("minimum" = 1))]
pub struct PositiveCount(u32);

impl PositiveCount {
    pub fn new(value: i64) -> Result<Self, String> {
        if (1..=i64::from(u32::MAX)).contains(&value) {
            Ok(PositiveCount(value as u32))
        } else {
            Err(format!(
                "must be a whole number of at least 1, found {value}"
            ))
        }
    }

    pub fn get(self) -> u32 {
        self.0
    }
}

impl TryFrom<i64> for PositiveCount {
    type Error = String;
    fn try_from(value: i64) -> Result<Self, String> {
        PositiveCount::new(value)
    }
}

impl From<PositiveCount> for u32 {
    fn from(c: PositiveCount) -> u32 {
        c.0
    }
}

/// A whole number that may be zero but not negative.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default, Serialize, Deserialize, JsonSchema,
)]
#[serde(try_from = "i64", into = "u32")]
#[schemars(extend("minimum" = 0))]
pub struct Count(u32);

impl Count {
    pub const fn new_const(value: u32) -> Self {
        Count(value)
    }

    pub fn get(self) -> u32 {
        self.0
    }
}

impl TryFrom<i64> for Count {
    type Error = String;
    fn try_from(value: i64) -> Result<Self, String> {
        if (0..=i64::from(u32::MAX)).contains(&value) {
            Ok(Count(value as u32))
        } else {
            Err(format!("must be a whole number, 0 or more, found {value}"))
        }
    }
}

impl From<Count> for u32 {
    fn from(c: Count) -> u32 {
        c.0
    }
}

/// A finite number that is not negative (a rate, a duration in weeks).
#[derive(
    Debug, Clone, Copy, PartialEq, PartialOrd, Default, Serialize, Deserialize, JsonSchema,
)]
#[serde(try_from = "f64", into = "f64")]
#[schemars(extend("minimum" = 0.0))]
pub struct NonNegative(f64);

impl NonNegative {
    pub fn get(self) -> f64 {
        self.0
    }
}

impl TryFrom<f64> for NonNegative {
    type Error = String;
    fn try_from(value: f64) -> Result<Self, String> {
        if value.is_finite() && value >= 0.0 {
            Ok(NonNegative(value))
        } else {
            Err(format!("must be a number, 0 or more, found {value}"))
        }
    }
}

impl From<NonNegative> for f64 {
    fn from(v: NonNegative) -> f64 {
        v.0
    }
}

/// A percentage, 0 to 100.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Serialize, Deserialize, JsonSchema)]
#[serde(try_from = "f64", into = "f64")]
#[schemars(extend("minimum" = 0.0, "maximum" = 100.0))]
pub struct Percent(f64);

impl Percent {
    pub fn get(self) -> f64 {
        self.0
    }
}

impl TryFrom<f64> for Percent {
    type Error = String;
    fn try_from(value: f64) -> Result<Self, String> {
        if (0.0..=100.0).contains(&value) {
            Ok(Percent(value))
        } else {
            Err(format!(
                "must be a percentage between 0 and 100, found {value}"
            ))
        }
    }
}

impl From<Percent> for f64 {
    fn from(v: Percent) -> f64 {
        v.0
    }
}
