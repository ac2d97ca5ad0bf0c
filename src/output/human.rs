//! Numbers and dates formatted for people: thousands separators, one decimal
//! for percentages, explicit signs on differences. Shared by the charts, the
//! report and comparisons; no I/O.

use chrono::NaiveDate;

/// Insert thousands separators into the integer part of a formatted number.
fn group_thousands(formatted: &str) -> String {
    let (sign, rest) = match formatted.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", formatted),
    };
    let (int, frac) = match rest.find('.') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, ""),
    };
    let mut grouped = String::with_capacity(int.len() + int.len() / 3);
    for (i, ch) in int.chars().enumerate() {
        if i > 0 && (int.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(ch);
    }
    format!("{sign}{grouped}{frac}")
}

/// Avoid printing "-0" for values that round to zero.
fn no_negative_zero(s: String) -> String {
    if s.trim_start_matches('-')
        .chars()
        .all(|c| c == '0' || c == '.')
    {
        s.trim_start_matches('-').to_string()
    } else {
        s
    }
}

/// `value (low to high)`, each formatted by `f`.
pub fn with_interval(f: impl Fn(f64) -> String, v: f64, low: f64, high: f64) -> String {
    format!("{} ({} to {})", f(v), f(low), f(high))
}

/// A count, rounded to a whole number: `12,345`.
pub fn count(v: f64) -> String {
    no_negative_zero(group_thousands(&format!("{v:.0}")))
}

/// A count with a sign: `+1,234`, `-56`, `0`.
pub fn signed_count(v: f64) -> String {
    let s = count(v);
    if s != "0" && !s.starts_with('-') {
        format!("+{s}")
    } else {
        s
    }
}

/// A number with one decimal: `1,234.5`.
pub fn decimal1(v: f64) -> String {
    no_negative_zero(group_thousands(&format!("{v:.1}")))
}

/// A percentage (0-100) with one decimal: `92.3%`.
pub fn percent(v: f64) -> String {
    format!("{}%", decimal1(v))
}

/// Percentage points with a sign: `+0.4 pts`.
pub fn signed_points(v: f64) -> String {
    let s = decimal1(v);
    if s != "0.0" && !s.starts_with('-') {
        format!("+{s} pts")
    } else {
        format!("{s} pts")
    }
}

/// Pounds, whole below a million and in millions with two decimals from
/// there: `£12,345`, `-£800`, `£1.23m`.
pub fn pounds(v: f64) -> String {
    let body = if v.abs() >= 999_999.5 {
        format!("£{}m", no_negative_zero(format!("{:.2}", v.abs() / 1e6)))
    } else {
        format!("£{}", count(v.abs()))
    };
    if v < 0.0 && body != "£0" {
        format!("-{body}")
    } else {
        body
    }
}

/// Pounds with a sign: `+£12,345`, `-£800`, `£0`.
pub fn signed_pounds(v: f64) -> String {
    let s = pounds(v);
    if s != "£0" && !s.starts_with('-') {
        format!("+{s}")
    } else {
        s
    }
}

/// A date as people write it: `26 Jan 2016`.
pub fn date(d: NaiveDate) -> String {
    d.format("%-d %b %Y").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pounds_are_whole_then_millions_with_signs() {
        assert_eq!(pounds(12_345.4), "£12,345");
        assert_eq!(pounds(-800.0), "-£800");
        assert_eq!(pounds(-0.3), "£0");
        assert_eq!(pounds(1_234_567.0), "£1.23m");
        assert_eq!(signed_pounds(999_999.6), "+£1.00m");
        assert_eq!(signed_pounds(-2_500_000.0), "-£2.50m");
        assert_eq!(signed_pounds(0.2), "£0");
    }

    #[test]
    fn counts_have_separators_and_no_negative_zero() {
        assert_eq!(count(1234567.4), "1,234,567");
        assert_eq!(count(-1234.6), "-1,235");
        assert_eq!(count(999.0), "999");
        assert_eq!(count(-0.2), "0");
        assert_eq!(signed_count(12.0), "+12");
        assert_eq!(signed_count(-0.3), "0");
        assert_eq!(percent(92.345), "92.3%");
        assert_eq!(decimal1(12345.67), "12,345.7");
        assert_eq!(signed_points(-0.04), "0.0 pts");
        assert_eq!(signed_points(0.44), "+0.4 pts");
    }
}
