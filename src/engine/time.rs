//! Simulated time: whole minutes since the start of the simulation.

use std::fmt;
use std::ops::{Add, Sub};

pub const MINUTES_PER_HOUR: i64 = 60;
pub const MINUTES_PER_DAY: i64 = 24 * MINUTES_PER_HOUR;
pub const MINUTES_PER_WEEK: i64 = 7 * MINUTES_PER_DAY;

/// A point in simulated time, in minutes since the simulation's epoch
/// (midnight at the start of its first day). Negative values are allowed:
/// patients already waiting at the start have clock starts in the past.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct SimTime(pub i64);

impl SimTime {
    pub const ZERO: SimTime = SimTime(0);

    pub const fn from_days(days: i64) -> SimTime {
        SimTime(days * MINUTES_PER_DAY)
    }

    /// `minute_of_day` minutes after midnight on `day`.
    pub const fn at(day: i64, minute_of_day: i64) -> SimTime {
        SimTime(day * MINUTES_PER_DAY + minute_of_day)
    }

    pub const fn minutes(self) -> i64 {
        self.0
    }

    /// The whole day this minute falls in (floor division, so day -1 is the
    /// day before the epoch).
    pub const fn day(self) -> i64 {
        self.0.div_euclid(MINUTES_PER_DAY)
    }

    /// Minutes since midnight of [`SimTime::day`].
    pub const fn minute_of_day(self) -> i64 {
        self.0.rem_euclid(MINUTES_PER_DAY)
    }
}

impl Add<i64> for SimTime {
    type Output = SimTime;
    fn add(self, minutes: i64) -> SimTime {
        SimTime(self.0 + minutes)
    }
}

impl Sub<SimTime> for SimTime {
    type Output = i64;
    fn sub(self, other: SimTime) -> i64 {
        self.0 - other.0
    }
}

impl fmt::Display for SimTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let m = self.minute_of_day();
        write!(f, "day {} {:02}:{:02}", self.day(), m / 60, m % 60)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_floor_towards_the_past() {
        assert_eq!(SimTime(0).day(), 0);
        assert_eq!(SimTime(1439).day(), 0);
        assert_eq!(SimTime(1440).day(), 1);
        assert_eq!(SimTime(-1).day(), -1);
        assert_eq!(SimTime(-1).minute_of_day(), 1439);
        assert_eq!(SimTime::from_days(2) + 8 * 60, SimTime(2 * 1440 + 480));
        assert_eq!(SimTime::at(2, 8 * 60), SimTime::from_days(2) + 8 * 60);
        assert_eq!(format!("{}", SimTime(1440 + 485)), "day 1 08:05");
    }
}
