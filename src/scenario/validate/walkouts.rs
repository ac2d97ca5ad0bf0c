//! The walkout checks of [`super::check`]: each walkout's duration, start
//! (against the simulation's `start` and the other walkouts), grades,
//! trusts and participation. The rest of the checks are in the parent
//! module.

use super::*;

pub(super) fn check_walkouts(f: &mut Findings, s: &ScenarioFile, trust_codes: &HashSet<&str>) {
    let start = s.start.0.and_hms_opt(0, 0, 0).unwrap_or_default();
    let mut spans: Vec<(chrono::NaiveDateTime, chrono::NaiveDateTime, usize)> = Vec::new();
    for (i, w) in s.walkouts.iter().enumerate() {
        let at = format!("walkouts[{i}]");
        check_walkout_duration(f, w, &at);
        check_walkout_start(f, s, w, &at, start);
        check_walkout_grades(f, w, &at);
        check_participation(f, s, w, &format!("{at}.participation"));
        check_walkout_trusts(f, w, &at, trust_codes);
        let end = w.end_time();
        if let Some((_, _, j)) = spans.iter().find(|(a, b, _)| w.start.0 < *b && *a < end) {
            f.error(
                format!("{at}.start"),
                format!(
                    "walkout \"{}\" overlaps walkouts[{j}]; walkouts must not overlap",
                    w.name
                ),
            );
        }
        spans.push((w.start.0, end, i));
    }
    warn_long_warm_up(f, s, start);
}

/// A walkout's length: exactly one of `hours` and `end`, and an end after
/// the start.
fn check_walkout_duration(f: &mut Findings, w: &Walkout, at: &str) {
    match (w.hours, w.end) {
        (Some(_), Some(_)) => f.error(
            format!("{at}.end"),
            "give either `hours` or `end`, not both",
        ),
        (None, None) => f.error(
            format!("{at}.hours"),
            "missing: give the duration in `hours` (e.g. 24 or 48) or an `end` date-time",
        ),
        (None, Some(end)) if end.0 <= w.start.0 => f.error(
            format!("{at}.end"),
            format!(
                "the walkout ends ({end}) before it starts ({}); the end must be after the start",
                w.start
            ),
        ),
        (None, Some(end)) => {
            let hours = (end.0 - w.start.0).num_minutes() as f64 / 60.0;
            let longest = super::bounds::longest_walkout_hours();
            if hours > longest {
                f.error(
                    format!("{at}.end"),
                    format!(
                        "the walkout lasts {hours:.0} hours ({} to {end}); at most {longest:.0} hours (twelve weeks) are allowed, as for `hours`",
                        w.start
                    ),
                );
            }
        }
        _ => {}
    }
}

/// A walkout's start: not before the simulation's `start` (midnight of
/// that day), and within [`MAX_WALKOUT_START_DAYS`] of it.
fn check_walkout_start(
    f: &mut Findings,
    s: &ScenarioFile,
    w: &Walkout,
    at: &str,
    start: chrono::NaiveDateTime,
) {
    let after_start = (w.start.0 - start).num_days();
    if w.start.0 < start {
        f.error(
            format!("{at}.start"),
            format!(
                "{} is before the simulation starts ({}); move `start` earlier or the walkout later",
                w.start, s.start
            ),
        );
    } else if after_start > MAX_WALKOUT_START_DAYS {
        f.error(
            format!("{at}.start"),
            format!(
                "{} is {after_start} days ({:.1} years) after the simulation starts ({}); a walkout must start within {MAX_WALKOUT_START_DAYS} days (3 years) of `start`, since every day in between is simulated: is the year right?",
                w.start,
                after_start as f64 / 365.25,
                s.start
            ),
        );
    }
}

/// At least one striking grade, none listed twice.
fn check_walkout_grades(f: &mut Findings, w: &Walkout, at: &str) {
    if w.grades.is_empty() {
        f.error(
            format!("{at}.grades"),
            "at least one grade must strike: foundation, core or registrar",
        );
    }
    let mut seen = HashSet::new();
    for g in &w.grades {
        if !seen.insert(*g) {
            f.error(
                format!("{at}.grades"),
                format!("grade \"{}\" is listed twice", g.name()),
            );
        }
    }
}

/// Every trust a walkout names is one of the scenario's.
fn check_walkout_trusts(f: &mut Findings, w: &Walkout, at: &str, trust_codes: &HashSet<&str>) {
    for (k, code) in w.trusts.iter().enumerate() {
        if !trust_codes.contains(code.as_str()) {
            f.error(
                format!("{at}.trusts[{k}]"),
                format!(
                    "unknown trust \"{code}\"{}; the scenario's trusts are: {}",
                    did_you_mean(code, trust_codes.iter().copied()),
                    sorted(trust_codes)
                ),
            );
        }
    }
}

/// A warning when the first walkout leaves a long warm-up after `start`
/// (but not so long that its start is already an error).
fn warn_long_warm_up(f: &mut Findings, s: &ScenarioFile, start: chrono::NaiveDateTime) {
    let first = s.walkouts.iter().enumerate().min_by_key(|(_, w)| w.start.0);
    if let Some((i, w)) = first {
        let warm_up = (w.start.0 - start).num_days();
        if (WARM_UP_WARNING_DAYS + 1..=MAX_WALKOUT_START_DAYS).contains(&warm_up) {
            f.warn(
                format!("walkouts[{i}].start"),
                format!(
                    "the first walkout starts {warm_up} days after the simulation starts ({}); a few weeks of warm-up settle the bookings, and the {warm_up} days before it are simulated in every replication and branch: consider a later `start`",
                    s.start
                ),
            );
        }
    }
}

fn check_participation(f: &mut Findings, file: &ScenarioFile, w: &Walkout, at: &str) {
    match &w.participation {
        Participation::Fixed { .. } => {}
        Participation::Uniform { low, high } => {
            if low.get() > high.get() {
                f.error(
                    format!("{at}.low"),
                    format!(
                        "low ({}) is above high ({}); low must not exceed high",
                        low.get(),
                        high.get()
                    ),
                );
            }
        }
        Participation::Turnout { at_work, sd } => {
            let exempt = turnout::exempt_share(file, w);
            match turnout::participation_from_turnout(at_work.get(), exempt) {
                None => f.error(
                    format!("{at}.at_work"),
                    format!(
                        "at_work {} is below the share of rostered weekday juniors on the emergency floor ({:.3}), who work when emergency care is provided: at_work must be at least {:.3} with this rota",
                        at_work.get(),
                        exempt,
                        exempt
                    ),
                ),
                Some(m) => check_beta(f, m, sd.get(), at, "at_work"),
            }
        }
        Participation::Beta { mean, sd } => check_beta(f, mean.get(), sd.get(), at, "mean"),
    }
}

/// A Beta distribution of mean `m` and standard deviation `s` exists;
/// `mean_field` names the field that set the mean.
fn check_beta(f: &mut Findings, m: f64, s: f64, at: &str, mean_field: &str) {
    if s > 0.0 && (m <= 0.0 || m >= 1.0) {
        f.error(
            format!("{at}.{mean_field}"),
            format!("a Beta distribution with sd > 0 needs a mean participation strictly between 0 and 1, found {m}"),
        );
        return;
    }
    let max_sd = (m * (1.0 - m)).sqrt();
    if s >= max_sd && s > 0.0 {
        f.error(
            format!("{at}.sd"),
            format!(
                "sd {s} is too large for a mean participation of {m:.4}: a Beta distribution needs sd below {max_sd:.4}"
            ),
        );
    }
}
