//! Dates and date-times as written in a scenario file: quoted strings or
//! TOML dates, checked while the file is parsed.
//!
//! The numeric value types ([`Probability`], [`PositiveCount`], ...) belong
//! to the model, which keeps them in its structs; they are re-exported here
//! so that the file format can name them.

pub use crate::model::values::{Count, NonNegative, Percent, PositiveCount, Probability};

use chrono::{NaiveDate, NaiveDateTime};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::fmt;

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
