//! The commands as library calls: run a scenario (whole, or one shard of
//! it) and write its outputs, merge shards, redraw a report, compare runs,
//! put runs of different strikes side by side,
//! validate a file, write the bundled scenario out. The binary only parses
//! the command line into checked [`RunOptions`] and calls these; tests and
//! notebooks can call them too.
//!
//! Every run goes the same way: [`prepare`] (scenario, N, seed, a writable
//! output directory), [`simulate`] (the replications of the run mode), then
//! [`write_run`] (a whole run, or a merge of shards) or the shard file.
//! A whole run is written into a staging folder under the output folder's
//! lock and moved into place only when complete ([`output::folder`]).

mod error;
mod options;
mod precision;
mod shards;
pub mod sweep;

pub use error::AppError;
pub use options::{RunArgs, RunMode, RunOptions, ShardRequest};
pub use precision::{PrecisionArgs, PrecisionRequest};
pub use shards::{merge, MergeSummary, ShardSummary};

use crate::ensemble::shard::ShardSpec;
use crate::ensemble::{self, EnsembleResult};
use crate::model::World;
use crate::output::folder::{FolderKind, Staged};
use crate::output::run_data::RunData;
use crate::output::{self, manifest, OutputError};
use crate::scenario::size::Limits;
use crate::scenario::{Scenario, DEFAULT_SCENARIO};
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;
use std::time::Instant;

/// What a finished whole run reports back.
#[derive(Debug)]
pub struct RunSummary {
    pub out_dir: PathBuf,
    pub world: World,
    pub result: EnsembleResult,
    /// What was written: the manifest and the tables' rows.
    pub data: RunData,
}

/// What `run` did: the whole ensemble, or one shard of it.
#[derive(Debug)]
pub enum RunOutcome {
    Whole(Box<RunSummary>),
    Shard(ShardSummary),
}

/// Progress of a run, reported after each chunk of replications, and the
/// warnings found before it starts.
pub trait Progress: Sync {
    fn start(&self, total: u64);
    /// Trusts warmed up so far, of `total`, before any replication runs.
    fn warm_up(&self, _done: u64, _total: u64) {}
    fn update(&self, done: u64);
    fn finish(&self);
    /// A value that looks wrong or a large run, said before simulating.
    fn warn(&self, _warning: &str) {}
    /// What a long run will take, said before simulating.
    fn note(&self, _note: &str) {}
    /// `run --precision` starts batch `batch` of at most `max` replications.
    fn batch(&self, _batch: u64, _max: u64) {}
    /// A flag that, once set, stops the run between chunks of
    /// replications (a cancel button); None: the run is never stopped.
    fn stop(&self) -> Option<&AtomicBool> {
        None
    }
    /// The replications are done and the outputs are being written.
    fn writing(&self) {}
}

/// No progress display.
pub struct Silent;

impl Progress for Silent {
    fn start(&self, _: u64) {}
    fn update(&self, _: u64) {}
    fn finish(&self) {}
}

/// The most warnings a run prints before it starts; `validate` prints all.
pub const MAX_WARNINGS_SHOWN: usize = 20;

/// What every run settles before simulating: the scenario (with its
/// text), N, the seed and a writable output directory.
struct Prepared {
    scenario: Scenario,
    text: String,
    replications: u64,
    seed: u64,
    out_dir: PathBuf,
    /// `--precision`: the rule settled, `replications` its first batch.
    precision: Option<crate::ensemble::precision::Rule>,
}

/// What a run writes into, by run mode.
enum Target {
    /// A whole run: the locked output folder and its staging folder.
    Whole(Staged),
    /// A shard: its file goes into the output directory, which is removed
    /// on failure if this command `created` it.
    Shard { spec: ShardSpec, created: bool },
}

/// What a run settles before it touches the output folder.
struct Settled {
    scenario: Scenario,
    text: String,
    replications: u64,
    precision: Option<crate::ensemble::precision::Rule>,
}

/// Read the scenario, settle N and the precision rule, and check that the
/// run fits this machine; warnings and the estimate go to `progress`.
fn settle(options: &RunOptions, progress: &dyn Progress) -> Result<Settled, AppError> {
    let (scenario, text) = match options.scenario() {
        Some(p) if options.is_confined() => Scenario::from_file_confined(p)?,
        Some(p) => Scenario::from_file_with_text(p)?,
        None => (Scenario::bundled_default(), DEFAULT_SCENARIO.to_string()),
    };
    let replications = options.replications().map_or_else(
        || u64::from(scenario.file().replications.get()),
        |n| n.get(),
    );
    // A shard runs its share of the replications: that is what must fit.
    let here = match options.mode() {
        RunMode::Whole => replications,
        // Counted, not listed: the list of an oversize run is what the
        // check is there to refuse.
        RunMode::Shard(spec) => replications
            .saturating_sub(spec.index())
            .div_ceil(spec.count().max(1)),
    };
    let precision = options
        .precision()
        .map(|r| {
            let field = match options.replications() {
                Some(_) => "--replications",
                None => "replications (the scenario's)",
            };
            precision::rule(r, replications, field)
        })
        .transpose()?;
    // A run to a precision may go to its maximum: that is what must fit.
    let (here, flag) = match &precision {
        Some(rule) => (rule.max, Some("--max-replications")),
        None => (here, options.replications().map(|_| "--replications")),
    };
    let size = scenario.check_run_size_named(
        &text,
        here,
        options.effective_threads(),
        flag,
        Limits::of_this_machine(options.force()),
    )?;
    // The size warnings first: they matter most when there are many.
    let warnings: Vec<_> = size.warnings.iter().chain(scenario.warnings()).collect();
    for w in warnings.iter().take(MAX_WARNINGS_SHOWN) {
        progress.warn(&w.to_string());
    }
    if warnings.len() > MAX_WARNINGS_SHOWN {
        progress.warn(&format!(
            "... and {} more; `strikesim validate {}` lists them all",
            warnings.len() - MAX_WARNINGS_SHOWN,
            scenario.source()
        ));
    }
    if let Some(estimate) = &size.estimate {
        match &precision {
            Some(rule) => progress.note(&format!(
                "up to {} replications (--max-replications): {estimate}",
                rule.max
            )),
            None => progress.note(estimate),
        }
    }
    Ok(Settled {
        scenario,
        text,
        replications,
        precision,
    })
}

/// Everything `run` checks before it makes a folder (the scenario, the
/// options, the run's size), and nothing more: `serve` checks a run this
/// way before queueing it. Returns the warnings `run` would show.
pub fn preflight(options: &RunOptions) -> Result<Vec<String>, AppError> {
    struct Collect(std::sync::Mutex<Vec<String>>);
    impl Progress for Collect {
        fn start(&self, _: u64) {}
        fn update(&self, _: u64) {}
        fn finish(&self) {}
        fn warn(&self, warning: &str) {
            self.0.lock().expect("lock").push(warning.to_string());
        }
    }
    let collect = Collect(std::sync::Mutex::new(Vec::new()));
    settle(options, &collect)?;
    Ok(collect.0.into_inner().unwrap_or_default())
}

/// Read the scenario, then lock the output folder and make its staging
/// folder (a whole run: by default `output/<scenario name>/`) or make the
/// output directory (a shard: `output/<scenario name>/shards/`). A refused
/// scenario makes nothing.
fn prepare(options: &RunOptions, progress: &dyn Progress) -> Result<(Prepared, Target), AppError> {
    let Settled {
        scenario,
        text,
        replications,
        precision,
    } = settle(options, progress)?;
    let seed = options.seed().unwrap_or(scenario.file().seed);
    let out_dir = match (options.out(), options.mode()) {
        (Some(out), _) => out.to_path_buf(),
        (None, RunMode::Whole) => Path::new("output").join(scenario.name()),
        (None, RunMode::Shard(_)) => Path::new("output").join(scenario.name()).join("shards"),
    };
    let target = match options.mode() {
        RunMode::Whole => Target::Whole(Staged::begin(&out_dir, FolderKind::Run)?),
        RunMode::Shard(spec) => {
            let created = !out_dir.exists();
            output::ensure_writable_dir(&out_dir)?;
            Target::Shard { spec, created }
        }
    };
    let prepared = Prepared {
        scenario,
        text,
        replications,
        seed,
        out_dir,
        precision,
    };
    Ok((prepared, target))
}

/// The replications `indices` of a prepared run, folded in order, and the
/// wall time they took.
fn simulate(
    world: &World,
    seed: u64,
    indices: &[u64],
    threads: usize,
    progress: &dyn Progress,
) -> Result<(EnsembleResult, f64), AppError> {
    let started = Instant::now();
    progress.start(indices.len() as u64);
    let report = |step| match step {
        ensemble::Progress::WarmUp { done, total } => progress.warm_up(done, total),
        ensemble::Progress::Replications(done) => progress.update(done),
    };
    let result =
        ensemble::run_indices_until(world, seed, indices, threads, &report, progress.stop())?;
    progress.finish();
    Ok((result, started.elapsed().as_secs_f64()))
}

/// One finished ensemble, ready to be written as a run.
struct Finished<'a> {
    scenario: &'a Scenario,
    world: &'a World,
    seed: u64,
    replications: u64,
    threads: usize,
    wall_seconds: f64,
    result: &'a EnsembleResult,
    /// What `--precision` reached, for the manifest.
    precision: Option<output::precision::PrecisionInfo>,
}

/// Write a run's tables, charts, report and manifest into its staging
/// folder and move it into place. Shared by `run` and `merge`.
fn write_run(staged: Staged, run: &Finished) -> Result<RunData, AppError> {
    let manifest = manifest::manifest(
        run.scenario,
        run.world,
        run.seed,
        run.replications,
        run.threads,
        run.wall_seconds,
    );
    let manifest = manifest::Manifest {
        precision: run.precision.clone(),
        ..manifest
    };
    let data = RunData::from_ensemble(run.world, run.result, manifest);
    output::write_run(staged.dir(), &data).map_err(|e| staged.relabel(e))?;
    staged.commit()?;
    Ok(data)
}

/// Run a scenario: the whole ensemble (tables, charts, report and
/// `report.xlsx`) or one shard of it (`shard-K-of-M.json`). Nothing is
/// written unless the scenario is valid and the output directory writable;
/// a whole run is moved into place only when complete (a failed one leaves
/// the previous folder as it was), a shard file is written atomically, and a failed
/// shard removes an output directory it created, so nothing is left that
/// could pass for a finished run.
pub fn run(options: &RunOptions, progress: &dyn Progress) -> Result<RunOutcome, AppError> {
    let (prepared, target) = prepare(options, progress)?;
    match target {
        Target::Whole(staged) => run_whole(options, &prepared, staged, progress),
        Target::Shard { spec, created } => {
            let done = run_shard(options, &prepared, spec, progress);
            if done.is_err() && created {
                let _ = std::fs::remove_dir_all(&prepared.out_dir);
            }
            done
        }
    }
}

/// A shard: simulate its replications and write its file.
fn run_shard(
    options: &RunOptions,
    p: &Prepared,
    spec: ShardSpec,
    progress: &dyn Progress,
) -> Result<RunOutcome, AppError> {
    let world = p.scenario.world();
    let indices = spec.indices(p.replications);
    let (result, wall_seconds) = simulate(&world, p.seed, &indices, options.threads(), progress)?;
    Ok(RunOutcome::Shard(shards::write_shard(
        p,
        spec,
        options.effective_threads(),
        wall_seconds,
        result,
    )?))
}

/// A whole run: simulate every replication and write the run into its
/// staging folder, then move it into place.
fn run_whole(
    options: &RunOptions,
    p: &Prepared,
    staged: Staged,
    progress: &dyn Progress,
) -> Result<RunOutcome, AppError> {
    let world = p.scenario.world();
    let (result, wall_seconds, precision) = match &p.precision {
        Some(rule) => {
            let (result, info, wall) =
                precision::simulate(&world, p.seed, rule, options.threads(), progress)?;
            (result, wall, Some(info))
        }
        None => {
            let indices: Vec<u64> = (0..p.replications).collect();
            let (result, wall) = simulate(&world, p.seed, &indices, options.threads(), progress)?;
            (result, wall, None)
        }
    };
    progress.writing();
    let data = write_run(
        staged,
        &Finished {
            scenario: &p.scenario,
            world: &world,
            seed: p.seed,
            replications: result.rows.len() as u64,
            threads: options.effective_threads(),
            wall_seconds,
            result: &result,
            precision,
        },
    )?;
    Ok(RunOutcome::Whole(Box::new(RunSummary {
        out_dir: p.out_dir.clone(),
        world,
        result,
        data,
    })))
}

/// `strikesim report DIR`: redraw the charts, report and `report.xlsx` of a
/// finished run from its files, without simulating.
pub fn report(dir: &Path) -> Result<Vec<PathBuf>, AppError> {
    Ok(output::redraw(dir)?)
}

/// `strikesim compare DIR... --out DIR`: plans of several runs of the same
/// world side by side.
pub fn compare(dirs: &[PathBuf], out: &Path) -> Result<(), AppError> {
    Ok(output::compare::compare(dirs, out)?)
}

/// `strikesim series RUN_DIR... --out DIR`: one strike per run, side by
/// side, the first the reference; returns what was written and the
/// warnings to show (runs of different sets of trusts).
pub fn series(dirs: &[PathBuf], out: &Path) -> Result<output::series::SeriesOutcome, AppError> {
    Ok(output::series::series(dirs, out)?)
}

/// What `strikesim validate` found in a valid file.
#[derive(Debug)]
pub struct Verdict {
    /// One line: the file is valid, and what it holds.
    pub summary: String,
    /// Values that look wrong, and the size of a run of the file's
    /// replications on this machine's cores, each placed as an error is.
    pub warnings: Vec<crate::scenario::ScenarioWarning>,
    /// How long a run of the file's replications would take here, if more
    /// than a few minutes.
    pub estimate: Option<String>,
}

/// `strikesim validate`: a one-line verdict on a valid file, and its
/// warnings; a run of the file's `replications` is checked for size too.
pub fn validate(path: &Path) -> Result<Verdict, AppError> {
    let (s, text) = Scenario::from_file_with_text(path)?;
    verdict(&s, &text, &path.display().to_string())
}

/// `validate` of text that is not in a file yet (the editor of `serve`);
/// `source` names it, and relative paths in it are taken from its folder.
/// Its RTT files are read by plain name from `files` only.
pub fn validate_text(text: &str, source: &str, files: &Path) -> Result<Verdict, AppError> {
    let s = Scenario::from_toml_confined(text, source, files)?;
    verdict(&s, text, source)
}

/// The verdict on a valid scenario read from `text`, named `source`.
fn verdict(s: &Scenario, text: &str, source: &str) -> Result<Verdict, AppError> {
    let f = s.file();
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let limits = Limits::of_this_machine(false);
    let size = s.check_run_size(
        text,
        u64::from(f.replications.get()),
        threads,
        false,
        limits,
    )?;
    let specialties: usize = f.trusts.iter().map(|t| t.specialties.len()).sum();
    Ok(Verdict {
        summary: format!(
            "{}: valid scenario \"{}\": {} trust(s), {} specialties, {} walkout(s), {} plan(s)",
            source,
            f.name,
            f.trusts.len(),
            specialties,
            f.walkouts.len(),
            f.plans.len()
        ),
        warnings: s.warnings().iter().chain(&size.warnings).cloned().collect(),
        estimate: size.estimate,
    })
}

/// `strikesim init`: write the bundled scenario to `path` (never over an
/// existing file).
pub fn init(path: &Path) -> Result<(), AppError> {
    if path.exists() {
        return Err(AppError::Exists {
            path: path.to_path_buf(),
        });
    }
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(|source| OutputError::Dir {
            path: parent.to_path_buf(),
            source,
        })?;
    }
    output::write_atomic(path, DEFAULT_SCENARIO.as_bytes())?;
    Ok(())
}
