//! `strikesim sweep`: how the headline measures move with the inputs that
//! are guesses. Each `--vary KEY=V1,V2,...` names an input ([`keys`]); the
//! sweep runs the full grid of their values, the scenario as written (the
//! base), and each input alone at its lowest and highest value with the
//! others as written (the tornado), every distinct point once, at most
//! [`MAX_POINTS`].
//!
//! Every point runs the same replication indices with the same seed, and
//! random numbers are keyed by (seed, replication, trust, purpose), so the
//! points share their random numbers (common random numbers): differences
//! between them are the inputs', not chance's, and a point whose values
//! are the scenario's own gives exactly the numbers of `strikesim run`.
//! Each point's values are written into the parsed TOML document and the
//! text read back through [`Scenario::from_toml`], so every bound and check
//! applies; every point is checked before anything runs or is written.

mod error;
pub mod keys;
pub mod seek;

pub(crate) use error::problems;
pub use error::SweepError;
use keys::Input;

use super::{AppError, Progress, MAX_WARNINGS_SHOWN};
use crate::ensemble::{self, metrics::Metric};
use crate::output::folder::{FolderKind, Staged};
use crate::output::sweep::{SweepData, SweepInput, SweepPoint};
use crate::output::tables::summary_rows;
use crate::scenario::size::Limits;
use crate::scenario::{Scenario, DEFAULT_SCENARIO};
use std::path::{Path, PathBuf};
use std::time::Instant;
use toml::Table;

/// The most points a sweep runs.
pub const MAX_POINTS: usize = 50;
/// The most replications a sweep or seek runs per point, as `run`.
pub const MAX_REPLICATIONS: u64 = 100_000;

/// The options of `strikesim sweep`, as given.
#[derive(Debug, Clone, Default)]
pub struct SweepOptions {
    /// Scenario file; `None` sweeps the bundled default.
    pub scenario: Option<PathBuf>,
    /// `KEY=V1,V2,...`, one per input.
    pub vary: Vec<String>,
    pub replications: Option<u64>,
    pub seed: Option<u64>,
    pub threads: usize,
    /// Default `output/<scenario name>-sweep/`.
    pub out: Option<PathBuf>,
    pub force: bool,
}

/// What a finished sweep reports back.
#[derive(Debug)]
pub struct SweepSummary {
    pub out_dir: PathBuf,
    pub data: SweepData,
}

/// A scenario as text and parsed document, for rewriting.
pub(crate) struct Source {
    pub scenario: Scenario,
    pub text: String,
    pub doc: Table,
}

impl Source {
    /// Read the scenario (the bundled default when `path` is None).
    pub fn read(path: Option<&Path>) -> Result<Source, AppError> {
        let (scenario, text) = match path {
            Some(p) => Scenario::from_file_with_text(p)?,
            None => (Scenario::bundled_default(), DEFAULT_SCENARIO.to_string()),
        };
        let doc: Table = toml::from_str(&text).map_err(|e| SweepError::Invalid {
            what: scenario.source().to_string(),
            problems: e.to_string(),
        })?;
        Ok(Source {
            scenario,
            text,
            doc,
        })
    }

    /// The scenario with `doc` (this one rewritten) as its text, checked
    /// by the normal path; `what` names the values in an error.
    pub fn rebuild(&self, doc: &Table, what: &str) -> Result<Scenario, SweepError> {
        let text = toml::to_string(doc).map_err(|e| SweepError::Invalid {
            what: what.to_string(),
            problems: e.to_string(),
        })?;
        Scenario::from_toml(&text, self.scenario.source()).map_err(|e| SweepError::Invalid {
            what: what.to_string(),
            problems: problems(&e),
        })
    }
}

/// Replications as asked (or the scenario's), checked.
pub(crate) fn replications_of(asked: Option<u64>, scenario: &Scenario) -> Result<u64, AppError> {
    match asked {
        Some(0) => Err(AppError::ZeroReplications),
        Some(n) if n > MAX_REPLICATIONS => Err(AppError::OutOfRange {
            flag: "--replications",
            found: n.to_string(),
            allowed: format!("1 to {MAX_REPLICATIONS}"),
        }),
        Some(n) => Ok(n),
        None => Ok(u64::from(scenario.file().replications.get())),
    }
}

/// Worker threads a run will use (0 = all cores), checked as `run` does.
pub(crate) fn effective_threads(threads: usize) -> Result<usize, AppError> {
    if threads > super::options::MAX_THREADS {
        return Err(AppError::OutOfRange {
            flag: "--threads",
            found: threads.to_string(),
            allowed: format!("0 (all cores) to {}", super::options::MAX_THREADS),
        });
    }
    Ok(if threads == 0 {
        std::thread::available_parallelism().map_or(1, |n| n.get())
    } else {
        threads
    })
}

/// Say the scenario's warnings, as `run` does.
pub(crate) fn warn_all(scenario: &Scenario, progress: &dyn Progress) {
    for w in scenario.warnings().iter().take(MAX_WARNINGS_SHOWN) {
        progress.warn(&w.to_string());
    }
}

/// The points of a sweep: per input its value, `None` for the scenario's
/// own; and whether the point is in the grid.
type Point = (Vec<Option<f64>>, bool);

/// The grid, then the base and the one-at-a-time extremes not already in
/// it, each distinct point once.
fn points(inputs: &[Input]) -> Result<Vec<Point>, SweepError> {
    let grid_size = inputs
        .iter()
        .try_fold(1usize, |n, i| n.checked_mul(i.values.len()))
        .filter(|&n| n <= MAX_POINTS);
    let Some(grid_size) = grid_size else {
        let sizes: Vec<String> = inputs.iter().map(|i| i.values.len().to_string()).collect();
        return Err(SweepError::TooManyPoints {
            points: format!("more than {MAX_POINTS} ({} values)", sizes.join(" x ")),
            max: MAX_POINTS,
        });
    };
    // A value equal to the scenario's own is the scenario's own.
    let norm = |i: &Input, v: f64| (i.base != Some(v)).then_some(v);
    let mut all: Vec<Point> = Vec::new();
    let push = |p: Vec<Option<f64>>, grid: bool, all: &mut Vec<Point>| {
        if !all.iter().any(|(q, _)| *q == p) {
            all.push((p, grid));
        }
    };
    for k in 0..grid_size {
        let mut rest = k;
        let mut p = vec![None; inputs.len()];
        for (slot, input) in p.iter_mut().zip(inputs).rev() {
            let n = input.values.len();
            *slot = norm(input, input.values[rest % n]);
            rest /= n;
        }
        push(p, true, &mut all);
    }
    push(vec![None; inputs.len()], false, &mut all);
    for (i, input) in inputs.iter().enumerate() {
        for v in [low(input), high(input)] {
            let mut p = vec![None; inputs.len()];
            p[i] = norm(input, v);
            push(p, false, &mut all);
        }
    }
    if all.len() > MAX_POINTS {
        return Err(SweepError::TooManyPoints {
            points: all.len().to_string(),
            max: MAX_POINTS,
        });
    }
    Ok(all)
}

fn low(i: &Input) -> f64 {
    i.values.iter().copied().fold(f64::INFINITY, f64::min)
}

fn high(i: &Input) -> f64 {
    i.values.iter().copied().fold(f64::NEG_INFINITY, f64::max)
}

/// `key=value, ...` of a point, for messages.
fn describe(inputs: &[Input], values: &[Option<f64>]) -> String {
    let set: Vec<String> = inputs
        .iter()
        .zip(values)
        .filter_map(|(i, v)| v.map(|v| format!("{}={}", i.key, i.show(v))))
        .collect();
    if set.is_empty() {
        "the scenario as written".into()
    } else {
        format!("--vary {}", set.join(" "))
    }
}

/// Run a sweep: check every point, lock the output folder, run each point
/// with the same seed and replications, and write the sweep's tables,
/// tornado charts and page. Nothing is written when a point is invalid.
pub fn sweep(options: &SweepOptions, progress: &dyn Progress) -> Result<SweepSummary, AppError> {
    let source = Source::read(options.scenario.as_deref())?;
    let file = source.scenario.file();
    if options.vary.is_empty() {
        return Err(SweepError::NoInputs.into());
    }
    let mut inputs: Vec<Input> = Vec::new();
    for arg in &options.vary {
        let input = Input::parse(arg, file)?;
        // `participation` and `walkouts.N.participation` set the same value.
        let clash = |a: &keys::Target| {
            use keys::Target::{Participation, WalkoutParticipation};
            *a == input.target
                || matches!(
                    (a, &input.target),
                    (Participation, WalkoutParticipation(_))
                        | (WalkoutParticipation(_), Participation)
                )
        };
        if inputs.iter().any(|i| clash(&i.target)) {
            return Err(SweepError::Duplicate { key: input.key }.into());
        }
        inputs.push(input);
    }
    let replications = replications_of(options.replications, &source.scenario)?;
    let seed = options.seed.unwrap_or(file.seed);
    let points = points(&inputs)?;
    // Every point checked before anything runs.
    let mut scenarios = Vec::with_capacity(points.len());
    for (values, _) in &points {
        let mut doc = source.doc.clone();
        for (input, v) in inputs.iter().zip(values) {
            if let Some(v) = v {
                input.apply(&mut doc, *v)?;
            }
        }
        scenarios.push(source.rebuild(&doc, &describe(&inputs, values))?);
    }
    let threads = effective_threads(options.threads)?;
    let size = source.scenario.check_run_size(
        &source.text,
        replications.saturating_mul(points.len() as u64),
        threads,
        true,
        Limits::of_this_machine(options.force),
    )?;
    warn_all(&source.scenario, progress);
    for w in size.warnings.iter().take(MAX_WARNINGS_SHOWN) {
        progress.warn(&w.to_string());
    }
    if let Some(estimate) = &size.estimate {
        progress.note(estimate);
    }
    let out_dir = options
        .out
        .clone()
        .unwrap_or_else(|| Path::new("output").join(format!("{}-sweep", source.scenario.name())));
    let staged = Staged::begin(&out_dir, FolderKind::Sweep)?;
    let started = Instant::now();
    let indices: Vec<u64> = (0..replications).collect();
    progress.start(replications * points.len() as u64);
    let mut done_points = Vec::with_capacity(points.len());
    for (k, ((values, in_grid), scenario)) in points.iter().zip(&scenarios).enumerate() {
        let world = scenario.world();
        let offset = k as u64 * replications;
        let result = ensemble::run_indices(&world, seed, &indices, options.threads, &|step| {
            if let ensemble::Progress::Replications(done) = step {
                progress.update(offset + done);
            }
        })?;
        let rows = summary_rows(&world, &result)
            .into_iter()
            .filter(|r| r.plan != crate::output::run_data::COUNTERFACTUAL)
            .filter(|r| Metric::from_name(&r.metric).is_some_and(Metric::on_board))
            .collect();
        done_points.push(SweepPoint {
            values: values.clone(),
            in_grid: *in_grid,
            rows,
        });
    }
    progress.finish();
    let data = SweepData {
        scenario: source.scenario.name().to_string(),
        title: file.title.clone(),
        source: source.scenario.source().to_string(),
        sha256: source.scenario.sha256().to_string(),
        seed,
        replications,
        threads,
        wall_seconds: started.elapsed().as_secs_f64(),
        plans: file.plans.iter().map(|p| p.name.clone()).collect(),
        inputs: inputs
            .iter()
            .map(|i| SweepInput {
                key: i.key.clone(),
                values: i.values.clone(),
                base: i.base,
                whole: matches!(i.kind, keys::Kind::Count { .. }),
                plan: match i.target {
                    keys::Target::Plan(p, _) => Some(file.plans[p].name.clone()),
                    _ => None,
                },
            })
            .collect(),
        points: done_points,
    };
    crate::output::sweep::write(staged.dir(), &data).map_err(|e| staged.relabel(e))?;
    staged.commit()?;
    Ok(SweepSummary { out_dir, data })
}
