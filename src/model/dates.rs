//! Real dates under simulated days: weekdays and English bank holidays.
//! (The event queue is [`crate::engine::Calendar`]; this is not it.)
//!
//! Bank holidays are computed, not listed: the fixed and Monday holidays,
//! Easter from the Gregorian computus, substitute days when Christmas, Boxing
//! Day or New Year fall at a weekend, and the one-off changes of 2012, 2020,
//! 2022 and 2023. A test holds this against GOV.UK's published list.

use chrono::{Datelike, Duration, NaiveDate, Weekday};

/// Easter Sunday (Anonymous Gregorian algorithm).
fn easter_sunday(year: i32) -> NaiveDate {
    let a = year % 19;
    let b = year / 100;
    let c = year % 100;
    let d = b / 4;
    let e = b % 4;
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15) % 30;
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    NaiveDate::from_ymd_opt(year, month as u32, day as u32).expect("valid Easter date")
}

fn first_monday(year: i32, month: u32) -> NaiveDate {
    let d = NaiveDate::from_ymd_opt(year, month, 1).expect("valid");
    let shift = (7 - d.weekday().num_days_from_monday()) % 7;
    d + Duration::days(i64::from(shift))
}

fn last_monday(year: i32, month: u32) -> NaiveDate {
    let next = if month == 12 {
        NaiveDate::from_ymd_opt(year + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(year, month + 1, 1)
    }
    .expect("valid");
    let last = next - Duration::days(1);
    last - Duration::days(i64::from(last.weekday().num_days_from_monday()))
}

fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
}

/// English (and Welsh) bank holidays of a year.
pub fn bank_holidays(year: i32) -> Vec<NaiveDate> {
    let mut days = Vec::new();
    // New Year's Day, moved to Monday when it falls at a weekend.
    let ny = ymd(year, 1, 1);
    days.push(match ny.weekday() {
        Weekday::Sat => ny + Duration::days(2),
        Weekday::Sun => ny + Duration::days(1),
        _ => ny,
    });
    let easter = easter_sunday(year);
    days.push(easter - Duration::days(2));
    days.push(easter + Duration::days(1));
    // Early May: moved to Friday 8 May in 2020 for VE Day.
    days.push(if year == 2020 {
        ymd(2020, 5, 8)
    } else {
        first_monday(year, 5)
    });
    // Spring: moved in jubilee years.
    match year {
        2012 => days.extend([ymd(2012, 6, 4), ymd(2012, 6, 5)]),
        2022 => days.extend([ymd(2022, 6, 2), ymd(2022, 6, 3)]),
        _ => days.push(last_monday(year, 5)),
    }
    days.push(last_monday(year, 8));
    // Christmas and Boxing Day with substitutes.
    let xmas = ymd(year, 12, 25);
    match xmas.weekday() {
        Weekday::Fri => days.extend([xmas, ymd(year, 12, 28)]),
        Weekday::Sat => days.extend([ymd(year, 12, 27), ymd(year, 12, 28)]),
        Weekday::Sun => days.extend([ymd(year, 12, 26), ymd(year, 12, 27)]),
        _ => days.extend([xmas, ymd(year, 12, 26)]),
    }
    // One-off days.
    match year {
        2022 => days.push(ymd(2022, 9, 19)),
        2023 => days.push(ymd(2023, 5, 8)),
        _ => {}
    }
    days.sort();
    days
}

/// Simulated days laid on real dates from a start date.
#[derive(Debug, Clone)]
pub struct Dates {
    start: NaiveDate,
    /// For each simulated day: weekday (Monday = 0) and bank-holiday flag.
    days: Vec<(u8, bool)>,
    /// The working days, in order.
    working: Vec<u32>,
    /// For each day, how many working days come before it.
    working_before: Vec<u32>,
}

impl Dates {
    /// Days `0..n_days` from `start`.
    pub fn new(start: NaiveDate, n_days: usize) -> Dates {
        let end = start + Duration::days(n_days as i64);
        let holidays: Vec<NaiveDate> = (start.year()..=end.year())
            .flat_map(bank_holidays)
            .collect();
        let days = (0..n_days)
            .map(|d| {
                let date = start + Duration::days(d as i64);
                (
                    date.weekday().num_days_from_monday() as u8,
                    holidays.binary_search(&date).is_ok(),
                )
            })
            .collect();
        let mut dates = Dates {
            start,
            days,
            working: Vec::new(),
            working_before: Vec::with_capacity(n_days),
        };
        for d in 0..n_days {
            dates.working_before.push(dates.working.len() as u32);
            if dates.is_working_day(d) {
                dates.working.push(d as u32);
            }
        }
        dates
    }

    /// The `n`th working day after `day` (`n` ≥ 1), or None past the end.
    pub fn working_days_after(&self, day: i64, n: u32) -> Option<i64> {
        let day = usize::try_from(day).ok()?;
        let before = *self.working_before.get(day)?;
        let here = u32::from(self.is_working_day(day));
        let index = (before + here + n).checked_sub(1)?;
        self.working.get(index as usize).map(|&d| i64::from(d))
    }

    pub fn start(&self) -> NaiveDate {
        self.start
    }

    pub fn len(&self) -> usize {
        self.days.len()
    }

    pub fn is_empty(&self) -> bool {
        self.days.is_empty()
    }

    pub fn date(&self, day: i64) -> NaiveDate {
        self.start + Duration::days(day)
    }

    /// Day index of a date (may be negative or past the end).
    pub fn day_of(&self, date: NaiveDate) -> i64 {
        (date - self.start).num_days()
    }

    /// Monday = 0 .. Sunday = 6.
    pub fn weekday(&self, day: usize) -> usize {
        usize::from(self.days[day].0)
    }

    pub fn is_bank_holiday(&self, day: usize) -> bool {
        self.days[day].1
    }

    /// A normal working weekday (not a weekend, not a bank holiday).
    pub fn is_working_day(&self, day: usize) -> bool {
        self.weekday(day) < 5 && !self.is_bank_holiday(day)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn easter_dates() {
        assert_eq!(easter_sunday(2016), ymd(2016, 3, 27));
        assert_eq!(easter_sunday(2019), ymd(2019, 4, 21));
        assert_eq!(easter_sunday(2024), ymd(2024, 3, 31));
    }

    #[test]
    fn the_2016_holidays() {
        let got = bank_holidays(2016);
        let want = [
            ymd(2016, 1, 1),
            ymd(2016, 3, 25),
            ymd(2016, 3, 28),
            ymd(2016, 5, 2),
            ymd(2016, 5, 30),
            ymd(2016, 8, 29),
            ymd(2016, 12, 26),
            ymd(2016, 12, 27),
        ];
        assert_eq!(got, want);
    }

    #[test]
    fn dates_know_weekends_and_holidays() {
        let dates = Dates::new(ymd(2015, 12, 28), 14);
        // 28 Dec 2015 was a Monday and the Boxing Day substitute.
        assert_eq!(dates.weekday(0), 0);
        assert!(dates.is_bank_holiday(0));
        assert!(!dates.is_working_day(0));
        assert!(dates.is_working_day(1));
        assert!(dates.is_bank_holiday(4)); // 1 Jan 2016
                                           // Thu 31 Dec 2015 (day 3): the next working day skips New Year's
                                           // Day and the weekend.
        assert_eq!(dates.working_days_after(3, 1), Some(7));
        assert_eq!(dates.working_days_after(4, 1), Some(7));
        assert_eq!(dates.working_days_after(7, 2), Some(9));
        assert_eq!(dates.working_days_after(7, 20), None);
        assert!(!dates.is_working_day(5)); // Saturday
        assert_eq!(dates.day_of(ymd(2016, 1, 4)), 7);
    }
}
