//! How big a run would be, estimated from the scenario before anything is
//! simulated: the simulated horizon, the work (core-seconds) and the
//! memory. A run past a hard limit is refused with the field to change; a
//! large one gets a warning saying how long it would take.
//!
//! The figures come from `cargo build --release` and
//! `/usr/bin/time -v strikesim run SCENARIO -n N -j 1` on the bundled
//! scenarios (2-core machine shared with other builds, so upper bounds):
//!
//! | scenario | days | branches | referrals/week + list/26 | s per replication | peak RSS |
//! | --- | --- | --- | --- | --- | --- |
//! | default (26 weeks after) | 207 | 4 | 4,540 | 0.17 | 38 MB |
//! | default, `weeks_after = 260` | 1,850 | 4 | 4,540 | 2.1 | 146 MB |
//! | teaching-ryj | 207 | 4 | 15,730 | 0.74 | 115 MB |
//! | sandwell | 37 | 3 | 7,090 | 0.03 | 28 MB |
//! | england 12 January | 37 | 2 | 853,300 | 2.5 | 78 MB |
//! | england 26 January | 81 | 4 | 853,300 | 7.0 | 106 MB |
//! | england 26 January, 20 replications, `-j 2` | 81 | 4 | 853,300 | 33 (a loaded machine) | 167 MB |
//!
//! Those rows predate the 52-week warm-up (issue 9). It first ran once per
//! replication (england 12 January took about 12 s of CPU a replication);
//! it now runs once per ensemble, each trust's state at `start` shared by
//! every replication (see [`crate::ensemble`]), so it counts as one branch
//! over its days, once: england 12 January takes about 12 s of CPU for the
//! warm-up and 1.5 s per replication after it (`-j 1`, a loaded machine).
//! The warmed states of every trust are held for the whole run: about
//! 200 bytes per patient on the lists (the national run peaks at about
//! 0.8 GB with one thread, of which about 0.7 GB is its 3.5 million
//! patients' warmed states).
//!
//! Time per replication is close to branches x days x activity (weekly
//! referrals plus a 26th of the starting list) x 2.5e-8 to 6.4e-8 s on a
//! quiet machine. Memory per thread grows by about 16 kB per branch and
//! simulated day (the daily list states and weekly histograms kept for the
//! report) and by about 4.5 kB per unit of the largest trust's activity
//! (teaching-ryj against the default; trusts run one after another, so the
//! national list does not count, only its largest trust).

use super::format::ScenarioFile;
use super::validate::Findings;
use super::{Scenario, ScenarioError, ScenarioWarning};

/// Core-seconds per unit of work (branch x simulated day x weekly
/// activity): the largest measured (the five-year default, 6.4e-8),
/// rounded up, so the estimate errs long.
pub const SECONDS_PER_UNIT: f64 = 7e-8;

/// Bytes per branch and simulated day held by each thread (146 MB - 38 MB
/// over 1,643 more days x 4 branches), rounded up.
pub const BYTES_PER_BRANCH_DAY: f64 = 17_000.0;

/// Bytes per unit of the largest trust's weekly activity held by each
/// thread ((115 MB - 38 MB - 0 for the same days) / (15,730 - 4,540)),
/// rounded down to 4.5 kB since the fit is through two points.
pub const BYTES_PER_TRUST_ACTIVITY: f64 = 4_500.0;

/// Bytes per patient on the stated lists held by the warmed-up states of
/// the trusts, which every replication copies (measured: 0.7 GB for the
/// national 3.5 million, rounded up).
pub const BYTES_PER_LISTED_PATIENT: f64 = 200.0;

/// What any run holds besides that (the smallest measured peak).
pub const BASE_BYTES: f64 = 30e6;

/// The simulated horizon may not pass ten years: a walkout's effect is
/// read over months, and ten years already hold 240 MB per thread for a
/// four-branch scenario (16 kB per branch-day).
pub const MAX_HORIZON_DAYS: i64 = 3653;

/// A horizon over two years gets a warning.
pub const HORIZON_WARNING_DAYS: i64 = 731;

/// A run estimated to take more than two minutes on its threads has its
/// estimate said before it starts (the default scenario's 200
/// replications take about 35 core-seconds, the whole 2016 dispute's 100
/// about 13 minutes on two cores).
pub const ESTIMATE_NOTE_SECONDS: f64 = 120.0;

/// A run estimated to take more than an hour on its threads gets a
/// warning.
pub const WALL_WARNING_SECONDS: f64 = 3600.0;

/// A run estimated to take more than three days on its threads is refused:
/// longer than the week a trust has between a walkout's announcement and
/// its start, and long enough that a typo is likelier than intent. Split
/// it across machines with `--shard`, which checks each shard's share.
pub const MAX_WALL_SECONDS: f64 = 72.0 * 3600.0;

/// A run estimated to need more than this much memory is refused where the
/// machine's memory cannot be read; elsewhere the limit is
/// [`MEMORY_SHARE`] of the machine's memory.
pub const MAX_MEMORY_BYTES: f64 = 64e9;

/// The share of the machine's memory a run may be estimated to need.
pub const MEMORY_SHARE: f64 = 0.8;

/// The limits a run is held to: the memory of this machine, and whether
/// `--force` lifts the refusals of size (not of bounds).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Limits {
    /// Bytes a run may be estimated to need.
    pub memory_bytes: f64,
    /// Refusals for time and memory become warnings.
    pub force: bool,
}

impl Limits {
    /// This machine's: [`MEMORY_SHARE`] of its memory (`MemTotal` of
    /// `/proc/meminfo`), or [`MAX_MEMORY_BYTES`] where that cannot be read.
    pub fn of_this_machine(force: bool) -> Limits {
        let total = std::fs::read_to_string("/proc/meminfo")
            .ok()
            .and_then(|m| mem_total_bytes(&m));
        Limits {
            memory_bytes: total.map_or(MAX_MEMORY_BYTES, |t| t * MEMORY_SHARE),
            force,
        }
    }
}

/// `MemTotal` of a `/proc/meminfo` text, in bytes.
fn mem_total_bytes(meminfo: &str) -> Option<f64> {
    let line = meminfo.lines().find(|l| l.starts_with("MemTotal:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    (kb > 0.0).then_some(kb * 1024.0)
}

/// A run estimated above this much memory gets a warning.
pub const MEMORY_WARNING_BYTES: f64 = 4e9;

/// The most replications a run may have, from the file or `-n` (the
/// bound of `replications`).
pub fn max_replications() -> u64 {
    super::validate::most_replications()
}

/// What one replication of a scenario costs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Size {
    /// Simulated days, from `start` to the end of the run.
    pub days: i64,
    /// Days of warm-up before `start`, run once per ensemble (all
    /// replications continue from its end).
    pub warm_up_days: i64,
    /// The counterfactual, each plan, and each catch-up plan again without
    /// its catch-up.
    pub branches: usize,
    /// Weekly referrals plus a 26th of the starting list, all trusts.
    pub activity: f64,
    /// The same for the largest trust.
    pub largest_trust: f64,
    /// Patients on the stated waiting lists, all trusts.
    pub listed: f64,
}

impl Size {
    /// The horizon as the model builds it: `start` to the day after the
    /// last walkout ends, then `weeks_after` weeks. None without walkouts.
    pub fn of(s: &ScenarioFile) -> Option<Size> {
        let start = s.start.0.and_hms_opt(0, 0, 0)?;
        let last_end = s.walkouts.iter().map(|w| w.end_time()).max()?;
        let days = (last_end - start).num_days() + 1 + 7 * i64::from(s.weeks_after.get());
        let trusts: Vec<f64> = s
            .trusts
            .iter()
            .map(|t| {
                t.specialties
                    .iter()
                    .map(|sp| {
                        sp.referrals_per_week.get()
                            + f64::from(sp.waiting_list.map_or(0, |w| w.get())) / 26.0
                    })
                    .sum()
            })
            .collect();
        Some(Size {
            days,
            warm_up_days: 7 * i64::from(s.warm_up_weeks.get()),
            branches: s.plans.len() + 1 + s.plans.iter().filter(|p| p.catch_up.is_some()).count(),
            activity: trusts.iter().sum(),
            largest_trust: trusts.iter().copied().fold(0.0, f64::max),
            listed: s
                .trusts
                .iter()
                .flat_map(|t| &t.specialties)
                .map(|sp| f64::from(sp.waiting_list.map_or(0, |w| w.get())))
                .sum(),
        })
    }

    /// Estimated core-seconds for `replications`, the one warm-up
    /// included.
    pub fn seconds(&self, replications: u64) -> f64 {
        (self.branches as f64 * self.days as f64 * replications as f64 + self.warm_up_days as f64)
            * self.activity
            * SECONDS_PER_UNIT
    }

    /// Estimated peak memory with `threads` replications in flight.
    pub fn bytes(&self, threads: usize) -> f64 {
        let per_thread =
            self.branches as f64 * (self.days + self.warm_up_days) as f64 * BYTES_PER_BRANCH_DAY
                + self.largest_trust * BYTES_PER_TRUST_ACTIVITY;
        BASE_BYTES + self.listed * BYTES_PER_LISTED_PATIENT + threads as f64 * per_thread
    }
}

/// What [`Scenario::check_run_size`] says of a run that may go ahead.
#[derive(Debug)]
pub struct RunSize {
    /// A large run, or one let through by `--force`.
    pub warnings: Vec<ScenarioWarning>,
    /// How long and how much memory, for a run of more than a few minutes.
    pub estimate: Option<String>,
}

impl Scenario {
    /// Check the size of a run of `replications` on `threads` threads
    /// before it starts (see this module): the warnings and the estimate to
    /// say before a long run, or an error past a limit. `text` is the
    /// scenario's text (for line numbers); `from_flag` says
    /// `--replications` set the number, not the file. Lists read from RTT
    /// files count with the stated ones.
    pub fn check_run_size(
        &self,
        text: &str,
        replications: u64,
        threads: usize,
        from_flag: bool,
        limits: Limits,
    ) -> Result<RunSize, ScenarioError> {
        let flag = from_flag.then_some("--replications");
        self.check_run_size_named(text, replications, threads, flag, limits)
    }

    /// As [`Scenario::check_run_size`], the number of replications named
    /// by the command-line `flag` that set it (`--max-replications` for a
    /// run with `--precision`), or by the file's `replications` if `None`.
    pub fn check_run_size_named(
        &self,
        text: &str,
        replications: u64,
        threads: usize,
        flag: Option<&str>,
        limits: Limits,
    ) -> Result<RunSize, ScenarioError> {
        let from_flag = flag.is_some();
        let field = flag.unwrap_or("replications");
        let mut check = RunCheck::default();
        if let Some(mut sz) = Size::of(&self.file) {
            for (t, list) in self.file.trusts.iter().zip(&self.initial_lists) {
                let Some(snapshot) = list else { continue };
                let read: f64 = t
                    .specialties
                    .iter()
                    .filter_map(|sp| snapshot.function(&sp.code))
                    .map(|f| f.total() as f64)
                    .sum();
                sz.listed += read;
                sz.activity += read / 26.0;
                sz.largest_trust = sz.largest_trust.max(read / 26.0);
            }
            check_size(&sz, replications, threads, field, limits, &mut check);
        }
        let located = Some(text).filter(|_| !from_flag);
        let (errors, warnings) = check.findings.located(&self.source, located);
        match ScenarioError::all(errors) {
            Some(e) => Err(e),
            None => Ok(RunSize {
                warnings,
                estimate: check.estimate,
            }),
        }
    }
}

/// The horizon: an error past [`MAX_HORIZON_DAYS`], a warning past
/// [`HORIZON_WARNING_DAYS`]. Named on `weeks_after`, or on the last
/// walkout when it alone is past the limit.
pub fn check_horizon(s: &ScenarioFile, f: &mut Findings) {
    let Some(size) = Size::of(s) else { return };
    let weeks = i64::from(s.weeks_after.get());
    let field = if size.days - 7 * weeks > MAX_HORIZON_DAYS {
        let last = s
            .walkouts
            .iter()
            .enumerate()
            .max_by_key(|(_, w)| w.end_time())
            .map_or(0, |(i, _)| i);
        let w = &s.walkouts[last];
        if w.end.is_some() {
            format!("walkouts[{last}].end")
        } else {
            format!("walkouts[{last}].hours")
        }
    } else {
        "weeks_after".to_string()
    };
    let years = size.days as f64 / 365.25;
    if size.days > MAX_HORIZON_DAYS {
        f.error(
            field,
            format!(
                "the run would simulate {} days ({years:.1} years) from `start` ({}) to {weeks} weeks after the last walkout; at most {MAX_HORIZON_DAYS} days (10 years) are allowed, and each simulated day holds about 17 kB per plan in every thread",
                size.days, s.start
            ),
        );
    } else if size.days > HORIZON_WARNING_DAYS {
        f.warn(
            field,
            format!(
                "the run simulates {} days ({years:.1} years); runs this long use about {:.0} MB per thread",
                size.days,
                size.bytes(1) / 1e6
            ),
        );
    }
}

/// The work and memory of `replications` on `threads` threads. `field` is
/// what set the replications (`replications`, or `--replications` when the
/// command line did).
pub fn check_run(
    s: &ScenarioFile,
    replications: u64,
    threads: usize,
    field: &str,
    limits: Limits,
) -> RunCheck {
    let mut check = RunCheck::default();
    let Some(size) = Size::of(s) else {
        return check;
    };
    check_size(&size, replications, threads, field, limits, &mut check);
    check
}

/// What [`check_run`] found: errors past a limit, warnings of a large
/// run, and the estimate to say before a run of more than
/// [`ESTIMATE_NOTE_SECONDS`].
#[derive(Debug, Default)]
pub struct RunCheck {
    pub findings: Findings,
    pub estimate: Option<String>,
}

/// [`check_run`] on a size already worked out (with the patients of lists
/// read from RTT files added, see `Scenario::check_run_size`).
pub fn check_size(
    size: &Size,
    replications: u64,
    threads: usize,
    field: &str,
    limits: Limits,
    check: &mut RunCheck,
) {
    let f = &mut check.findings;
    let seconds = size.seconds(replications);
    let bytes = size.bytes(threads.max(1).min(replications.max(1) as usize));
    let hours = seconds / 3600.0;
    let wall = seconds / threads.max(1) as f64;
    let work = format!(
        "{replications} replications x {} branches (the counterfactual, each plan, and each catch-up plan again without its catch-up) x {} simulated days, plus one {}-day warm-up, with {:.0} referrals a week plus a 26th of the starting list",
        size.branches, size.days, size.warm_up_days, size.activity
    );
    if wall > ESTIMATE_NOTE_SECONDS {
        check.estimate = Some(format!(
            "this run will take {} on {threads} thread(s) ({hours:.1} core-hours) and need about {:.1} GB of memory",
            human_duration(wall),
            bytes / 1e9
        ));
    }
    let refuse = |f: &mut Findings, message: String| {
        if limits.force {
            f.warn(field, format!("{message} (running anyway: --force)"));
        } else {
            f.error(field, format!("{message}; or pass --force to run anyway"));
        }
    };
    if wall > MAX_WALL_SECONDS {
        refuse(
            f,
            format!(
                "{work}, would take about {hours:.0} core-hours, {} on {threads} thread(s); at most {:.0} hours are allowed: use fewer replications, or split the run across machines with --shard",
                human_duration(wall),
                MAX_WALL_SECONDS / 3600.0
            ),
        );
    } else if wall > WALL_WARNING_SECONDS {
        f.warn(
            field,
            format!(
                "{work}: about {hours:.1} core-hours, {} on {threads} thread(s)",
                human_duration(wall)
            ),
        );
    }
    if bytes > limits.memory_bytes {
        refuse(
            f,
            format!(
                "{work}, would need about {:.1} GB of memory on {threads} thread(s); this machine allows a run {:.1} GB ({:.0}% of its memory): shorten `weeks_after`, use fewer plans, trusts or threads (-j)",
                bytes / 1e9,
                limits.memory_bytes / 1e9,
                MEMORY_SHARE * 100.0
            ),
        );
    } else if bytes > MEMORY_WARNING_BYTES {
        f.warn(
            field,
            format!(
                "the run would need about {:.1} GB of memory on {threads} thread(s)",
                bytes / 1e9
            ),
        );
    }
}

fn human_duration(seconds: f64) -> String {
    if seconds < 120.0 {
        format!("about {seconds:.0} s")
    } else if seconds < 2.0 * 3600.0 {
        format!("about {:.0} minutes", seconds / 60.0)
    } else {
        format!("about {:.1} hours", seconds / 3600.0)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn memory_is_read_from_meminfo() {
        let m = "MemTotal:       24598780 kB\nMemFree:  1 kB\n";
        assert_eq!(super::mem_total_bytes(m), Some(24598780.0 * 1024.0));
        assert_eq!(super::mem_total_bytes("nothing"), None);
    }

    #[test]
    fn force_turns_refusals_of_size_into_warnings_and_long_runs_get_an_estimate() {
        let s = crate::scenario::Scenario::bundled_default();
        let tight = Limits {
            memory_bytes: 1e6,
            force: false,
        };
        let refused = check_run(s.file(), 100_000, 2, "replications", tight);
        let fields: Vec<&str> = refused
            .findings
            .errors
            .iter()
            .map(|e| e.1.as_str())
            .collect();
        assert_eq!(refused.findings.errors.len(), 1, "{fields:?}");
        assert!(fields[0].contains("GB of memory") && fields[0].contains("--force"));
        let estimate = refused.estimate.expect("a long run says its estimate");
        assert!(estimate.contains("hours on 2 thread(s)"), "{estimate}");
        let forced = check_run(
            s.file(),
            100_000,
            2,
            "replications",
            Limits {
                force: true,
                ..tight
            },
        );
        assert!(forced.findings.errors.is_empty());
        assert!(forced
            .findings
            .warnings
            .iter()
            .any(|w| w.1.contains("running anyway")));
    }

    use super::*;
    use crate::scenario::Scenario;

    #[test]
    fn the_default_scenario_is_small() {
        let s = Scenario::bundled_default();
        let size = Size::of(s.file()).expect("walkouts");
        // The counterfactual, three plans, the catch-up plan without it.
        assert_eq!(size.branches, 5);
        assert_eq!(size.warm_up_days, 364);
        assert!((200..=215).contains(&size.days), "{size:?}");
        // The warm-up is counted once, not per replication.
        let warm_up = size.seconds(0);
        assert!(warm_up > 0.0);
        let per_rep = size.seconds(1) - warm_up;
        assert!(
            (size.seconds(200) - warm_up - 200.0 * per_rep).abs() < 1e-6,
            "{size:?}"
        );
        // Measured: under 0.15 s a replication after the warm-up; the
        // estimate errs long, not wild.
        assert!((0.05..0.6).contains(&per_rep), "{per_rep}");
        let limits = Limits {
            memory_bytes: 1e9,
            force: false,
        };
        let check = check_run(s.file(), 200, 2, "replications", limits);
        assert!(check.findings.errors.is_empty());
        assert!(check.estimate.is_none(), "{check:?}");
    }
}
