//! The file side of sharded ensembles: writing a shard's file, finding the
//! shard files of a merge, and merging them into the outputs of one run.
//! The shard format and its checks live in [`crate::ensemble::shard`].

use super::{write_run, AppError, Finished, Prepared};
use crate::ensemble::breakdown::Layout;
use crate::ensemble::metrics::{Metric, WeeklyMetric};
use crate::ensemble::shard::{self, Shard, ShardScenario, ShardSpec};
use crate::ensemble::EnsembleResult;
use crate::model::World;
use crate::output::folder::{FolderKind, Staged};
use crate::output::run_data::RunData;
use crate::output::{self, OutputError};
use crate::scenario::Scenario;
use std::path::{Path, PathBuf};

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

/// Write `shard-K-of-M.json` (atomically) into the run's output directory.
pub(super) fn write_shard(
    p: &Prepared,
    spec: ShardSpec,
    threads: usize,
    wall_seconds: f64,
    result: EnsembleResult,
) -> Result<ShardSummary, AppError> {
    let file = Shard {
        tool_version: env!("CARGO_PKG_VERSION").into(),
        scenario: ShardScenario {
            name: p.scenario.name().to_string(),
            source: p.scenario.source().to_string(),
            sha256: p.scenario.sha256().to_string(),
            text: p.text.clone(),
            inputs: p.scenario.inputs().to_vec(),
        },
        seed: p.seed,
        replications: p.replications,
        spec,
        threads,
        wall_seconds,
        result,
    };
    let path = p.out_dir.join(spec.file_name());
    output::write_atomic(&path, &file.encode())?;
    Ok(ShardSummary {
        path,
        spec,
        replications: p.replications,
        indices: spec.indices(p.replications),
    })
}

/// What a finished merge reports back.
#[derive(Debug)]
pub struct MergeSummary {
    pub out_dir: PathBuf,
    pub shards: u64,
    pub world: World,
    pub result: EnsembleResult,
    /// What was written: the manifest and the tables' rows.
    pub data: RunData,
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
            return Err(AppError::NoShardFiles { dir: input.clone() });
        }
    }
    Ok(found)
}

/// Read and decode every shard file found, refusing one whose name and
/// content disagree.
fn read_shards(found: &Found) -> Result<Vec<(String, Shard)>, AppError> {
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
                return Err(AppError::RenamedShard {
                    path: name,
                    named,
                    holds: shard.spec,
                });
            }
        }
        shards.push((name, shard));
    }
    Ok(shards)
}

/// `strikesim merge DIR... --out DIR`: combine shard files into the
/// outputs of one run (tables byte-identical to an unsharded run of the
/// same scenario, seed and N), then draw the charts and report. Refuses,
/// saying why, shards of different ensembles, missing or duplicated
/// shards, damaged or foreign files, a shard whose scenario text does not
/// match its hash, and an RTT file the scenario reads that changed since
/// the shards ran; nothing is written then. The run is written like a
/// whole run: under the lock of `out`, through a staging folder.
pub fn merge(inputs: &[PathBuf], out: &Path) -> Result<MergeSummary, AppError> {
    let found = find_shards(inputs)?;
    let shards = read_shards(&found)?;
    let merged = shard::merge(&shards, &found.interrupted)?;

    // Rebuilding the scenario reads its RTT files again: they must be the
    // bytes the shards read.
    let scenario = Scenario::from_toml(&merged.scenario.text, &merged.scenario.source)?;
    merged.check_inputs(scenario.inputs())?;
    if scenario.sha256() != merged.scenario.sha256 {
        return Err(AppError::ScenarioHash {
            sha256: merged.scenario.sha256,
        });
    }
    let world = scenario.world();
    let branches = world.branches().count();
    let weeks = world.week_starts().len();
    let units = Layout::of(&world).len();
    for (name, s) in &shards {
        s.check_shape(
            name,
            branches,
            Metric::COUNT,
            weeks,
            WeeklyMetric::COUNT,
            units,
        )?;
    }
    let staged = Staged::begin(out, FolderKind::Run)?;
    let data = write_run(
        staged,
        &Finished {
            scenario: &scenario,
            world: &world,
            seed: merged.seed,
            replications: merged.replications,
            threads: merged.threads,
            wall_seconds: merged.wall_seconds,
            result: &merged.result,
            precision: None,
        },
    )?;
    Ok(MergeSummary {
        out_dir: out.to_path_buf(),
        shards: merged.shards,
        world,
        result: merged.result,
        data,
    })
}
