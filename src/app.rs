//! The commands as library calls: run a scenario and write its outputs,
//! validate a file, write the bundled scenario out. The binary only parses
//! the command line and calls these; tests and notebooks can call them too.

use crate::ensemble::{self, EnsembleOptions, EnsembleResult};
use crate::model::World;
use crate::output::{self, manifest, tables, OutputError};
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

/// Run a scenario's ensemble and write its tables, charts and report. Nothing is written
/// unless the scenario is valid and the output directory writable; every
/// file is written atomically.
pub fn run(options: &RunOptions, progress: &dyn Progress) -> Result<RunSummary, AppError> {
    let scenario = load_scenario(options.scenario.as_deref())?;
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
        .unwrap_or_else(|| Path::new("output").join(scenario.name()));
    let existed = out_dir.exists();
    output::ensure_writable_dir(&out_dir)?;
    let done = simulate_and_write(
        &scenario,
        &out_dir,
        seed,
        replications,
        options.threads,
        progress,
    );
    if done.is_err() && !existed {
        // Leave nothing behind that could pass for a finished run.
        let _ = std::fs::remove_dir_all(&out_dir);
    }
    let (world, result, manifest) = done?;
    Ok(RunSummary {
        out_dir,
        world,
        result,
        manifest,
    })
}

fn simulate_and_write(
    scenario: &Scenario,
    out_dir: &Path,
    seed: u64,
    replications: u64,
    threads: usize,
    progress: &dyn Progress,
) -> Result<(World, EnsembleResult, crate::output::run_data::Manifest), AppError> {
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
    let threads = if threads == 0 {
        std::thread::available_parallelism().map_or(1, |n| n.get())
    } else {
        threads
    };
    let manifest = manifest::manifest(
        scenario,
        &world,
        seed,
        replications,
        threads,
        started.elapsed().as_secs_f64(),
    );
    write_tables(out_dir, &world, &result, &manifest)?;
    output::report::redraw(out_dir)?;
    Ok((world, result, manifest))
}

/// Write summary.csv, replications.csv, weekly.csv and manifest.json.
pub fn write_tables(
    dir: &Path,
    world: &World,
    result: &EnsembleResult,
    manifest: &crate::output::run_data::Manifest,
) -> Result<(), OutputError> {
    let json = serde_json::to_vec_pretty(manifest)
        .map_err(|e| OutputError::Other(format!("cannot format manifest.json: {e}")))?;
    output::write_atomic(
        &dir.join("summary.csv"),
        &tables::summary_csv(world, result)?,
    )?;
    output::write_atomic(
        &dir.join("replications.csv"),
        &tables::replications_csv(world, result)?,
    )?;
    output::write_atomic(&dir.join("weekly.csv"), &tables::weekly_csv(world, result)?)?;
    output::write_atomic(&dir.join("manifest.json"), &json)?;
    Ok(())
}

/// `strikesim report DIR`: redraw the charts and report of a finished run
/// from its files, without simulating.
pub fn report(dir: &Path) -> Result<Vec<PathBuf>, AppError> {
    Ok(output::report::redraw(dir)?)
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
