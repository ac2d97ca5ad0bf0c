//! Strikes side by side: `strikesim series RUN_DIR... --out DIR` takes one
//! finished run per strike (in the order given, the first the reference)
//! and writes `series.md`, `series.html`, `series.csv` and
//! `charts/series.{png,svg}` and `charts/series-ratio.{png,svg}`.
//!
//! For each run it reports the first plan's extra elective operations
//! postponed (inpatient and day case, in advance and on the day) and
//! outpatient appointments postponed (new and follow-up): the plan minus
//! the no-strike world of the same replication, as a median with the 5th to
//! 95th percentile over replications (`summary.csv` holds the mean and 95%
//! interval of that difference, but no percentiles of it, so they are taken
//! from `replications.csv` the way `summary.csv` takes them). Then the
//! ratio of each run's extra operations to the reference's, paired
//! replication by replication when the runs share seed and replications.
//!
//! Unlike `compare`, the runs need not share a world: each simulates its
//! own strike. Runs of different sets of trusts are accepted with a warning.

mod document;
mod figures;

use std::path::{Path, PathBuf};

use chrono::NaiveDateTime;

pub use figures::{Measure, Ratio, RatioMethod, Spread, MEASURES};

use super::charts::series_chart_files;
use super::folder::{FolderKind, Staged};
use super::human;
use super::manifest::WalkoutInfo;
use super::rows::SummaryRow;
use super::run_data::RunData;
use super::{write_files, OutputError, OutputFile};
use crate::ensemble::metrics::Metric;

/// One strike of the series: a run and its first plan's figures.
#[derive(Debug, Clone)]
pub struct Strike {
    /// The run directory as given.
    pub dir: PathBuf,
    pub scenario: String,
    /// The run's first plan, whose figures these are.
    pub plan: String,
    pub walkouts: Vec<WalkoutInfo>,
    /// The days whose postponements are counted, in words.
    pub count_window: String,
    pub replications: u64,
    pub seed: u64,
    /// Extra postponed per replication, one list per [`MEASURES`] entry.
    pub extra: Vec<Vec<f64>>,
    /// Median and 5th-95th percentile of each list of `extra`.
    pub spread: Vec<Spread>,
    /// `summary.csv`'s row for the plan's operations postponed: the mean
    /// extra with its 95% interval, and the plan's own total (background
    /// on-the-day cancellations included) with its percentiles.
    pub operations_summary: SummaryRow,
    /// Extra operations over the reference's (the first run's).
    pub ratio: Ratio,
}

impl Strike {
    /// The strike's spread of one metric of [`MEASURES`].
    pub fn spread_of(&self, metric: Metric) -> Spread {
        let i = MEASURES
            .iter()
            .position(|m| m.metric == metric)
            .unwrap_or_default();
        self.spread[i]
    }

    /// The label of the strike in tables and titles: "12 Jan 2016, 24 h"
    /// for a walkout with emergency care provided, "26 Apr 2016, 48 h full
    /// walkout" for a full walkout ([`Strike::label_parts`] joined).
    pub fn label(&self) -> String {
        let (when, what) = self.label_parts();
        format!("{when}, {what}")
    }

    /// The strike's dates and its length and kind: ("12 Jan 2016", "24 h").
    /// Walkouts of the same length and kind are counted ("26–27 Apr
    /// 2016", "2 × 9 h full walkout"); others are joined with " + ".
    pub fn label_parts(&self) -> (String, String) {
        let what = |w: &WalkoutInfo| {
            let full = if w.kind == "full_walkout" {
                " full walkout"
            } else {
                ""
            };
            format!("{} h{full}", hours(w))
        };
        let (first, last) = (&self.walkouts[0], &self.walkouts[self.walkouts.len() - 1]);
        if self.walkouts.len() == 1 {
            return (human::date(first.start.date()), what(first));
        }
        if self.walkouts.iter().all(|w| what(w) == what(first)) {
            let (a, b) = (first.start.date(), last.start.date());
            let when = if a.format("%b %Y").to_string() == b.format("%b %Y").to_string() {
                format!("{}–{}", a.format("%-d"), human::date(b))
            } else {
                format!("{} to {}", human::date(a), human::date(b))
            };
            return (when, format!("{} × {}", self.walkouts.len(), what(first)));
        }
        let join = |f: &dyn Fn(&WalkoutInfo) -> String| {
            self.walkouts.iter().map(f).collect::<Vec<_>>().join(" + ")
        };
        (join(&|w| human::date(w.start.date())), join(&what))
    }
}

/// Hours from a walkout's start to its end, rounded to a whole hour unless
/// it is not whole.
pub fn hours(w: &WalkoutInfo) -> String {
    let minutes = (w.end - w.start).num_minutes();
    if minutes % 60 == 0 {
        (minutes / 60).to_string()
    } else {
        format!("{:.1}", minutes as f64 / 60.0)
    }
}

/// What `series` wrote, and what it warns about.
#[derive(Debug)]
pub struct SeriesOutcome {
    pub strikes: Vec<Strike>,
    /// Written files, in order.
    pub written: Vec<PathBuf>,
    /// Said on stderr by the command: runs of different sets of trusts.
    pub warnings: Vec<String>,
}

/// Put the strikes of the runs in `dirs` side by side, writing into `out`.
/// Nothing is written unless every run reads and has what the series needs.
pub fn series(dirs: &[PathBuf], out: &Path) -> Result<SeriesOutcome, OutputError> {
    if dirs.is_empty() {
        return Err(OutputError::Other(
            "series needs at least one run directory (one per strike, the reference first)".into(),
        ));
    }
    let runs = dirs
        .iter()
        .map(|d| load_run(d))
        .collect::<Result<Vec<_>, _>>()?;
    let strikes = strikes(dirs, &runs)?;
    let warnings = trust_warnings(dirs, &runs);

    let mut files: Vec<OutputFile> = series_chart_files(&strikes, &source_line(&runs))?;
    let doc = document::series_document(&strikes);
    files.push(OutputFile::bytes(
        "series.csv",
        document::series_csv(&strikes)?,
    ));
    let pages = super::document_files("series", &doc, &files);
    files.extend(pages);
    // Everything is drawn and formatted before the folder is locked.
    let staged = Staged::begin(out, FolderKind::Series)?;
    let written = write_files(staged.dir(), files)
        .map_err(|e| staged.relabel(e))?
        .into_iter()
        .map(|p| match p.strip_prefix(staged.dir()) {
            Ok(rel) => out.join(rel),
            Err(_) => p,
        })
        .collect();
    staged.commit()?;
    Ok(SeriesOutcome {
        strikes,
        written,
        warnings,
    })
}

/// Read a run directory, saying which directory is not a finished run.
fn load_run(dir: &Path) -> Result<RunData, OutputError> {
    if !dir.is_dir() {
        let what = if dir.exists() {
            "not a directory"
        } else {
            "no such directory"
        };
        return Err(OutputError::Other(format!(
            "{}: {what}; give the output directory of a finished `strikesim run`",
            dir.display()
        )));
    }
    let run = RunData::load(dir).map_err(|e| {
        OutputError::Other(format!(
            "{} is not a finished strikesim run: {e}",
            dir.display()
        ))
    })?;
    let missing = |what: &str| {
        OutputError::Other(format!(
            "{}: manifest.json {what}; the series needs it",
            dir.display()
        ))
    };
    if run.manifest.plans.is_empty() {
        return Err(missing(
            "lists no plans (the series reports the first plan's figures)",
        ));
    }
    if run.manifest.walkouts.is_empty() {
        return Err(missing("lists no walkouts"));
    }
    for w in &run.manifest.walkouts {
        if w.participation.trim().is_empty() {
            return Err(missing(&format!(
                "gives no participation for walkout `{}`",
                w.name
            )));
        }
        if w.end <= w.start {
            return Err(missing(&format!(
                "gives walkout `{}` an end ({}) not after its start ({})",
                w.name,
                minute(w.end),
                minute(w.start)
            )));
        }
    }
    Ok(run)
}

/// A walkout time as the manifest writes it.
fn minute(t: NaiveDateTime) -> String {
    t.format("%Y-%m-%dT%H:%M").to_string()
}

/// The strikes of the runs, the first the reference of every ratio.
fn strikes(dirs: &[PathBuf], runs: &[RunData]) -> Result<Vec<Strike>, OutputError> {
    let mut out: Vec<Strike> = Vec::with_capacity(runs.len());
    for (dir, run) in dirs.iter().zip(runs) {
        let plan = run.manifest.plans[0].name.clone();
        let extra = MEASURES
            .iter()
            .map(|m| figures::extra_per_replication(run, dir, &plan, m.metric))
            .collect::<Result<Vec<_>, _>>()?;
        let spread: Vec<Spread> = extra.iter().map(|v| figures::count_spread(v)).collect();
        let (ref_extra, ref_spread, ref_run) = match out.first() {
            Some(r) => (r.extra[0].clone(), r.spread[0], (r.seed, r.replications)),
            None => (
                extra[0].clone(),
                spread[0],
                (run.manifest.seed, run.manifest.replications),
            ),
        };
        let paired = ref_run == (run.manifest.seed, run.manifest.replications);
        let ratio = figures::ratio(&extra[0], &ref_extra, spread[0], ref_spread, paired);
        out.push(Strike {
            dir: dir.clone(),
            scenario: run.manifest.scenario.name.clone(),
            operations_summary: run.summary_of(&plan, Metric::ElectiveCancelled).clone(),
            plan,
            walkouts: run.manifest.walkouts.clone(),
            count_window: run.manifest.count_window_dates(),
            replications: run.manifest.replications,
            seed: run.manifest.seed,
            extra,
            spread,
            ratio,
        });
    }
    Ok(out)
}

/// A warning for each run whose set of trusts differs from the first run's.
fn trust_warnings(dirs: &[PathBuf], runs: &[RunData]) -> Vec<String> {
    let codes = |r: &RunData| {
        let mut c: Vec<String> = r.manifest.trusts.iter().map(|t| t.code.clone()).collect();
        c.sort();
        c
    };
    let first = codes(&runs[0]);
    dirs.iter()
        .zip(runs)
        .skip(1)
        .filter(|(_, r)| codes(r) != first)
        .map(|(dir, r)| {
            let c = codes(r);
            let only = |a: &[String], b: &[String]| {
                a.iter()
                    .filter(|x| !b.contains(x))
                    .cloned()
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            format!(
                "{} simulates other trusts than {} ({} against {} trusts; only in the first: [{}]; only in this one: [{}]): their strikes are not counted over the same hospitals",
                dir.display(),
                dirs[0].display(),
                c.len(),
                first.len(),
                only(&first, &c),
                only(&c, &first)
            )
        })
        .collect()
}

/// The line under the charts: tool, scenarios, replications and seeds.
fn source_line(runs: &[RunData]) -> String {
    let m = &runs[0].manifest;
    let scenarios: Vec<&str> = runs
        .iter()
        .map(|r| r.manifest.scenario.name.as_str())
        .collect();
    let same = runs
        .iter()
        .all(|r| (r.manifest.replications, r.manifest.seed) == (m.replications, m.seed));
    if same {
        m.source_line(&format!("scenarios {}", scenarios.join(", ")))
    } else {
        format!(
            "{} {} · scenarios {} · replications and seeds differ by run",
            m.tool_name(),
            m.version,
            scenarios.join(", ")
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn walkout(day: u32, hours: i64, kind: &str) -> WalkoutInfo {
        let start = NaiveDate::from_ymd_opt(2016, 4, day)
            .and_then(|d| d.and_hms_opt(8, 0, 0))
            .unwrap_or_default();
        WalkoutInfo {
            name: format!("day {day}"),
            start,
            end: start + chrono::Duration::hours(hours),
            kind: kind.into(),
            grades: Vec::new(),
            participation: "100% of eligible juniors strike".into(),
        }
    }

    fn strike(walkouts: Vec<WalkoutInfo>) -> Strike {
        Strike {
            dir: PathBuf::from("run"),
            scenario: "s".into(),
            plan: "p".into(),
            walkouts,
            count_window: String::new(),
            replications: 1,
            seed: 1,
            extra: Vec::new(),
            spread: Vec::new(),
            operations_summary: SummaryRow::default(),
            ratio: Ratio {
                method: RatioMethod::Paired,
                value: None,
                used: 0,
                of: 0,
            },
        }
    }

    #[test]
    fn labels_say_date_length_and_kind() {
        let one = strike(vec![walkout(6, 48, "emergency_care_provided")]);
        assert_eq!(one.label(), "6 Apr 2016, 48 h");
        let two_days = strike(vec![
            walkout(26, 9, "full_walkout"),
            walkout(27, 9, "full_walkout"),
        ]);
        assert_eq!(two_days.label(), "26–27 Apr 2016, 2 × 9 h full walkout");
        let mixed = strike(vec![
            walkout(6, 48, "emergency_care_provided"),
            walkout(26, 9, "full_walkout"),
        ]);
        assert_eq!(
            mixed.label(),
            "6 Apr 2016 + 26 Apr 2016, 48 h + 9 h full walkout"
        );
    }
}
