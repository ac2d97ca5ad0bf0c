//! The commands as library calls: run a scenario (whole, or one shard of
//! it) and write its outputs, merge shards, validate a file, write the
//! bundled scenario out. The binary only parses
//! the command line and calls these; tests and notebooks can call them too.

use crate::ensemble::metrics::{Metric, WeeklyMetric};
use crate::ensemble::shard::{self, Shard, ShardError, ShardScenario, ShardSpec};
use crate::ensemble::{self, EnsembleOptions, EnsembleResult};
use crate::model::World;
use crate::output::run_data::RunData;
use crate::output::{self, manifest, OutputError};
use crate::scenario::{Scenario, ScenarioError, DEFAULT_SCENARIO};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Anything that stops a command.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("{0}")]
    Scenario(#[from] ScenarioError),
    #[error("{0}")]
    Output(#[from] OutputError),
    #[error("{0}")]
    Shard(#[from] ShardError),
    #[error("{0}")]
    Usage(String),
}

/// Options of `strikesim run`, already checked.
#[derive(Debug, Clone)]
pub struct RunOptions {
    /// Scenario file; `None` runs the bundled default.
    pub scenario: Option<PathBuf>,
    pub replications: Option<u64>,
    pub seed: Option<u64>,
    /// Worker threads (0 = all cores).
    pub threads: usize,
    /// Output directory; default `output/<scenario name>/`.
    pub out: Option<PathBuf>,
}

/// What a finished run reports back.
#[derive(Debug)]
pub struct RunSummary {
    pub out_dir: PathBuf,
    pub world: World,
    pub result: EnsembleResult,
    pub manifest: crate::output::run_data::Manifest,
}

/// Load the scenario named by the options, or the bundled default.
pub fn load_scenario(path: Option<&Path>) -> Result<Scenario, ScenarioError> {
    match path {
        Some(p) => Scenario::from_file(p),
        None => Ok(Scenario::bundled_default()),
    }
}

/// Progress of a run, reported after each chunk of replications.
pub trait Progress: Sync {
    fn start(&self, total: u64);
    fn update(&self, done: u64);
    fn finish(&self);
}

/// No progress display.
pub struct Silent;

impl Progress for Silent {
    fn start(&self, _: u64) {}
    fn update(&self, _: u64) {}
    fn finish(&self) {}
}

/// What `run` and `run_shard` agree on before simulating: the scenario
/// (with its text), N, the seed and a writable output directory.
struct Prepared {
    scenario: Scenario,
    text: String,
    replications: u64,
    seed: u64,
    out_dir: PathBuf,
    /// The output directory did not exist before this command.
    created: bool,
}

/// `default_out` names the output directory when `--out` is not given.
fn prepare(
    options: &RunOptions,
    default_out: impl Fn(&Scenario) -> PathBuf,
) -> Result<Prepared, AppError> {
    let (scenario, text) = match options.scenario.as_deref() {
        Some(p) => Scenario::from_file_with_text(p)?,
        None => (Scenario::bundled_default(), DEFAULT_SCENARIO.to_string()),
    };
    let replications = options
        .replications
        .unwrap_or_else(|| u64::from(scenario.file().replications.get()));
    if replications == 0 {
        return Err(AppError::Usage(
            "--replications: 0 is not allowed; give a whole number of at least 1".into(),
        ));
    }
    let seed = options.seed.unwrap_or(scenario.file().seed);
    let out_dir = options
        .out
        .clone()
        .unwrap_or_else(|| default_out(&scenario));
    let created = !out_dir.exists();
    output::ensure_writable_dir(&out_dir)?;
    Ok(Prepared {
        scenario,
        text,
        replications,
        seed,
        out_dir,
        created,
    })
}

/// On failure, remove an output directory this command created, so that
/// nothing is left that could pass for a finished run.
fn clean_up_on_error<T>(p: &Prepared, result: Result<T, AppError>) -> Result<T, AppError> {
    if result.is_err() && p.created {
        let _ = std::fs::remove_dir_all(&p.out_dir);
    }
    result
}

fn effective_threads(threads: usize) -> usize {
    if threads == 0 {
        std::thread::available_parallelism().map_or(1, |n| n.get())
    } else {
        threads
    }
}

/// Run a scenario's ensemble and write its tables, charts and report. Nothing is written
/// unless the scenario is valid and the output directory writable; every
/// file is written atomically.
pub fn run(options: &RunOptions, progress: &dyn Progress) -> Result<RunSummary, AppError> {
    let prepared = prepare(options, |s| Path::new("output").join(s.name()))?;
    let done = simulate_and_write(&prepared, options.threads, progress);
    clean_up_on_error(&prepared, done)
}

/// Simulate the whole ensemble and write every output file.
fn simulate_and_write(
    prepared: &Prepared,
    threads: usize,
    progress: &dyn Progress,
) -> Result<RunSummary, AppError> {
    let Prepared {
        scenario,
        replications,
        seed,
        out_dir,
        ..
    } = prepared;
    let (replications, seed) = (*replications, *seed);
    let world = World::from_scenario(scenario);
    let started = Instant::now();
    progress.start(replications);
    let result = ensemble::run_ensemble(
        &world,
        EnsembleOptions {
            seed,
            replications,
            threads,
        },
        &|done| progress.update(done),
    )
    .map_err(AppError::Usage)?;
    progress.finish();
    let manifest = manifest::manifest(
        scenario,
        &world,
        seed,
        replications,
        effective_threads(threads),
        started.elapsed().as_secs_f64(),
    );
    output::write_run(
        out_dir,
        &RunData::from_ensemble(&world, &result, manifest.clone()),
    )?;
    Ok(RunSummary {
        out_dir: out_dir.clone(),
        world,
        result,
        manifest,
    })
}

/// What a finished shard reports back.
#[derive(Debug)]
pub struct ShardSummary {
    /// The shard file written.
    pub path: PathBuf,
    pub spec: ShardSpec,
    pub replications: u64,
    /// The replication indices it ran.
    pub indices: Vec<u64>,
}

/// The shard named by the scheduler's environment (`SLURM_ARRAY_TASK_ID`
/// or `JOB_COMPLETION_INDEX`), among `count` shards whose first task id is
/// `base`. See [`ShardSpec::from_env`].
pub fn shard_from_env(count: u64, base: u64) -> Result<ShardSpec, AppError> {
    Ok(ShardSpec::from_env(count, base, &|v| {
        std::env::var(v).ok()
    })?)
}

/// `strikesim run --shard K/M`: run the replications of shard K of M and
/// write `shard-K-of-M.json` (atomically) into the output directory, by
/// default `output/<scenario name>/shards/`. Nothing else is written.
pub fn run_shard(
    options: &RunOptions,
    spec: ShardSpec,
    progress: &dyn Progress,
) -> Result<ShardSummary, AppError> {
    let Prepared {
        scenario,
        text,
        replications,
        seed,
        out_dir,
        ..
    } = prepare(options, |s| {
        Path::new("output").join(s.name()).join("shards")
    })?;

    let world = World::from_scenario(&scenario);
    let indices = spec.indices(replications);
    let started = Instant::now();
    progress.start(indices.len() as u64);
    let result = ensemble::run_indices(&world, seed, &indices, options.threads, &|done| {
        progress.update(done)
    })
    .map_err(AppError::Usage)?;
    progress.finish();
    let file = Shard {
        tool_version: env!("CARGO_PKG_VERSION").into(),
        scenario: ShardScenario {
            name: scenario.name().to_string(),
            source: scenario.source().to_string(),
            sha256: scenario.sha256().to_string(),
            text,
        },
        seed,
        replications,
        spec,
        threads: effective_threads(options.threads),
        wall_seconds: started.elapsed().as_secs_f64(),
        result,
    };
    let path = out_dir.join(spec.file_name());
    output::write_atomic(&path, &file.encode())?;
    Ok(ShardSummary {
        path,
        spec,
        replications,
        indices,
    })
}

/// What a finished merge reports back.
#[derive(Debug)]
pub struct MergeSummary {
    pub out_dir: PathBuf,
    pub shards: u64,
    pub world: World,
    pub result: EnsembleResult,
    pub manifest: crate::output::run_data::Manifest,
}

/// Shard files and interrupted shard writes found in the inputs.
#[derive(Default)]
struct Found {
    files: Vec<PathBuf>,
    interrupted: Vec<(ShardSpec, String)>,
}

/// Each input is a directory (its `shard-K-of-M.json` files are taken, and
/// temporary files of interrupted shards noted) or a shard file.
fn find_shards(inputs: &[PathBuf]) -> Result<Found, AppError> {
    let mut found = Found::default();
    for input in inputs {
        let read_err = |e: std::io::Error| OutputError::Read {
            path: input.clone(),
            message: e.to_string(),
        };
        let meta = std::fs::metadata(input).map_err(read_err)?;
        if !meta.is_dir() {
            found.files.push(input.clone());
            continue;
        }
        let mut names: Vec<String> = std::fs::read_dir(input)
            .map_err(read_err)?
            .map(|e| e.map(|e| e.file_name().to_string_lossy().into_owned()))
            .collect::<Result<_, _>>()
            .map_err(read_err)?;
        names.sort();
        let before = (found.files.len(), found.interrupted.len());
        for name in names {
            if ShardSpec::from_file_name(&name).is_some() {
                found.files.push(input.join(&name));
            } else if let Some(spec) = ShardSpec::from_temporary_name(&name) {
                found
                    .interrupted
                    .push((spec, input.join(&name).display().to_string()));
            }
        }
        if before == (found.files.len(), found.interrupted.len()) {
            return Err(AppError::Usage(format!(
                "{}: no shard files (shard-K-of-M.json) in this directory; give the --out directory of `strikesim run --shard`",
                input.display()
            )));
        }
    }
    Ok(found)
}

/// `strikesim merge DIR... --out DIR`: combine shard files into the
/// outputs of one run (tables byte-identical to an unsharded run of the
/// same scenario, seed and N), then draw the charts and report. Refuses,
/// saying why, shards of different ensembles, missing or duplicated
/// shards, and damaged or foreign files; nothing is written then.
pub fn merge(inputs: &[PathBuf], out: &Path) -> Result<MergeSummary, AppError> {
    let found = find_shards(inputs)?;
    let mut shards = Vec::with_capacity(found.files.len());
    for path in &found.files {
        let name = path.display().to_string();
        let bytes = std::fs::read(path).map_err(|e| OutputError::Read {
            path: path.clone(),
            message: e.to_string(),
        })?;
        let shard = Shard::decode(&bytes, &name)?;
        let file_name = path.file_name().map(|n| n.to_string_lossy().into_owned());
        if let Some(named) = file_name.as_deref().and_then(ShardSpec::from_file_name) {
            if named != shard.spec {
                return Err(AppError::Usage(format!(
                    "{name}: the file is named for shard {named} but holds shard {}; was it renamed? Put it back under {}",
                    shard.spec,
                    shard.spec.file_name()
                )));
            }
        }
        shards.push((name, shard));
    }
    let shapes: Vec<(String, Shard)> = shards.clone();
    let merged = shard::merge(shards, &found.interrupted)?;

    let scenario = Scenario::from_toml(&merged.scenario.text, &merged.scenario.source)?;
    if scenario.sha256() != merged.scenario.sha256 {
        return Err(AppError::Usage(format!(
            "the scenario carried by the shards does not match its sha256 {}; run the shards again",
            merged.scenario.sha256
        )));
    }
    let world = World::from_scenario(&scenario);
    let branches = world.branches().count();
    let weeks = world.week_starts().len();
    for (name, s) in &shapes {
        s.check_shape(name, branches, Metric::COUNT, weeks, WeeklyMetric::COUNT)?;
    }
    output::ensure_writable_dir(out)?;
    let manifest = manifest::manifest(
        &scenario,
        &world,
        merged.seed,
        merged.replications,
        merged.threads,
        merged.wall_seconds,
    );
    output::write_run(
        out,
        &RunData::from_ensemble(&world, &merged.result, manifest.clone()),
    )?;
    Ok(MergeSummary {
        out_dir: out.to_path_buf(),
        shards: merged.shards,
        world,
        result: merged.result,
        manifest,
    })
}

/// `strikesim report DIR`: redraw the charts and report of a finished run
/// from its files, without simulating.
pub fn report(dir: &Path) -> Result<Vec<PathBuf>, AppError> {
    Ok(output::redraw(dir)?)
}

/// `strikesim compare DIR... --out DIR`: plans of several runs of the same
/// world side by side.
pub fn compare(dirs: &[PathBuf], out: &Path) -> Result<(), AppError> {
    Ok(output::compare::compare(dirs, out)?)
}

/// `strikesim validate`: a one-line verdict on a valid file.
pub fn validate(path: &Path) -> Result<String, AppError> {
    let s = Scenario::from_file(path)?;
    let f = s.file();
    let specialties: usize = f.trusts.iter().map(|t| t.specialties.len()).sum();
    Ok(format!(
        "{}: valid scenario \"{}\": {} trust(s), {} specialties, {} walkout(s), {} plan(s)",
        path.display(),
        f.name,
        f.trusts.len(),
        specialties,
        f.walkouts.len(),
        f.plans.len()
    ))
}

/// `strikesim init`: write the bundled scenario to `path` (never over an
/// existing file).
pub fn init(path: &Path) -> Result<(), AppError> {
    if path.exists() {
        return Err(AppError::Usage(format!(
            "{} already exists; choose another path or remove it first",
            path.display()
        )));
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
