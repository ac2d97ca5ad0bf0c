//! Value types that cannot hold a bad value: a [`Probability`] is always in
//! 0..=1, a [`PositiveCount`] is at least one, and so on. They check
//! themselves while the file is parsed, so the parser reports the line and
//! column of a bad value.

use chrono::{NaiveDate, NaiveDateTime};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::fmt;

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

/// A calendar date, written `"2016-01-26"` (quoted or as a TOML date).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, JsonSchema)]
#[serde(into = "String")]
#[schemars(with = "String", extend("format" = "date"))]
pub struct Date(pub NaiveDate);

/// A local (UK) date and time, written `"2016-01-26T08:00"` (quoted or as a
/// TOML local date-time).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, JsonSchema)]
#[serde(into = "String")]
#[schemars(with = "String", extend("pattern" = "^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(:\\d{2})?$"))]
pub struct DateTime(pub NaiveDateTime);

impl From<Date> for String {
    fn from(d: Date) -> String {
        d.0.format("%Y-%m-%d").to_string()
    }
}

impl From<DateTime> for String {
    fn from(d: DateTime) -> String {
        d.0.format("%Y-%m-%dT%H:%M").to_string()
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0.format("%Y-%m-%d"))
    }
}

impl fmt::Display for DateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0.format("%Y-%m-%dT%H:%M"))
    }
}

fn parse_date(s: &str) -> Result<Date, String> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
        .map(Date)
        .map_err(|_| format!("must be a date written YYYY-MM-DD, found \"{s}\""))
}

fn parse_date_time(s: &str) -> Result<DateTime, String> {
    let s = s.trim();
    ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"]
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(s, f).ok())
        .map(DateTime)
        .ok_or_else(|| {
            format!("must be a local date and time written YYYY-MM-DDTHH:MM, found \"{s}\"")
        })
}

/// Accepts a string or a TOML date/date-time (which the toml crate hands to
/// serde as a one-entry map holding its text).
struct DateVisitor<T>(fn(&str) -> Result<T, String>, &'static str);

impl<'de, T> serde::de::Visitor<'de> for DateVisitor<T> {
    type Value = T;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(self.1)
    }
    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<T, E> {
        (self.0)(v).map_err(E::custom)
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<T, A::Error> {
        let (_, value): (String, String) = map
            .next_entry()?
            .ok_or_else(|| serde::de::Error::custom(self.1))?;
        (self.0)(&value).map_err(serde::de::Error::custom)
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(DateVisitor(parse_date, "a date written YYYY-MM-DD"))
    }
}

impl<'de> Deserialize<'de> for DateTime {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(DateVisitor(
            parse_date_time,
            "a local date and time written YYYY-MM-DDTHH:MM",
        ))
    }
}
