//! The `strikesim` command: parse the command line, call the library,
//! print errors. Nothing else lives here.

use clap::{Args, Parser, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Mutex;
use std::time::{Duration, Instant};
use strikesim::app::{self, AppError, Progress, RunArgs, RunOptions, RunOutcome, ShardRequest};
use strikesim::ensemble::shard::ShardSpec;

mod sweep_cli;

/// Simulate NHS elective capacity under junior-doctor walkouts.
#[derive(Parser)]
#[command(name = "strikesim", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run a scenario's Monte Carlo ensemble and write its outputs.
    Run(RunCommand),
    /// Merge the shard files of `run --shard` into the outputs of one run.
    Merge {
        /// Directories holding shard-K-of-M.json files (or shard files).
        #[arg(required = true, num_args = 1..)]
        dirs: Vec<PathBuf>,
        /// Where to write the tables, manifest, charts and report.
        #[arg(long)]
        out: PathBuf,
    },
    /// Redraw the charts, report and workbook of a finished run from its files.
    Report {
        /// A run's output directory.
        dir: PathBuf,
    },
    /// Put the plans of several runs of the same world side by side.
    Compare {
        /// Run output directories (two or more).
        #[arg(required = true, num_args = 2..)]
        dirs: Vec<PathBuf>,
        /// Where to write compare.md, compare.csv and charts/.
        #[arg(long, default_value = "output/compare")]
        out: PathBuf,
    },
    /// Put strikes side by side: one finished run per strike, the first the
    /// reference of the ratios.
    Series {
        /// Run output directories, one per strike, in order (one or more).
        #[arg(required = true, num_args = 1..)]
        dirs: Vec<PathBuf>,
        /// Where to write series.md, series.html, series.csv and charts/.
        #[arg(long, default_value = "output/series")]
        out: PathBuf,
    },
    /// How the headline measures move with inputs that are guesses: run a
    /// grid of values with common random numbers and draw tornado charts.
    Sweep(sweep_cli::SweepCommand),
    /// The fewest catch-up lists and clinics a day that bring the extra
    /// 18-week waiters back within a tolerance by a date.
    Seek(sweep_cli::SeekCommand),
    /// Check a scenario file and say what is wrong, or that it is fine.
    Validate { scenario: PathBuf },
    /// Print the JSON Schema of the scenario format.
    Schema,
    /// Serve the workbench in the browser: edit and validate scenarios,
    /// run them with live progress, see and compare results.
    Serve {
        /// Address to listen on. Beyond this machine (e.g. 0.0.0.0) a token
        /// is required.
        #[arg(long, default_value = "127.0.0.1")]
        host: std::net::IpAddr,
        #[arg(long, default_value_t = 8080)]
        port: u16,
        /// Where runs are kept; run folders the CLI wrote there are listed too.
        #[arg(long, default_value = "output")]
        data: PathBuf,
        /// A secret every request must carry (or set STRIKESIM_TOKEN); needed
        /// with a --host beyond this machine.
        #[arg(long)]
        token: Option<String>,
        /// Runs that execute at once; more wait in a queue.
        #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u16).range(1..=64))]
        workers: u16,
    },
    /// Write the bundled default scenario to PATH as a starting point.
    Init {
        #[arg(default_value = "scenario.toml")]
        path: PathBuf,
    },
}

/// The arguments of `strikesim run`.
#[derive(Args)]
struct RunCommand {
    /// Scenario file (TOML). Without it, the bundled default scenario runs.
    scenario: Option<PathBuf>,
    /// Replications (overrides the scenario's `replications`).
    #[arg(long, short = 'n')]
    replications: Option<u64>,
    /// Master seed (overrides the scenario's `seed`).
    #[arg(long)]
    seed: Option<u64>,
    /// Worker threads (default: all cores). Results do not depend on it.
    #[arg(long, short = 'j', default_value_t = 0)]
    threads: usize,
    /// Output directory (default: output/<scenario name>/, or
    /// output/<scenario name>/shards/ for a shard).
    #[arg(long)]
    out: Option<PathBuf>,
    /// Run even when the estimated time or memory is past this machine's
    /// limit (bounds on the scenario's values still hold).
    #[arg(long)]
    force: bool,
    /// Run only shard K of M (K 0-based, 0 to M-1: replications i with
    /// i % M == K) and write DIR/shard-K-of-M.json for `strikesim merge`.
    #[arg(long, value_name = "K/M", conflicts_with = "shard_from_env")]
    shard: Option<ShardSpec>,
    /// Run one shard of M, its index K taken from SLURM_ARRAY_TASK_ID
    /// (Slurm job array) or JOB_COMPLETION_INDEX (Kubernetes Indexed Job).
    #[arg(long, value_name = "M")]
    shard_from_env: Option<u64>,
    /// First task id of the array: K = task id - base. 0 for
    /// `sbatch --array=0-(M-1)` and Kubernetes, 1 for `--array=1-M`.
    #[arg(
        long,
        value_name = "BASE",
        default_value_t = 0,
        requires = "shard_from_env"
    )]
    shard_base: u64,
    /// Add batches of N replications (-n, or the scenario's) until the 95%
    /// interval of each plan's effect on the headline metrics is within
    /// this share of its mean (0.05 = 5%) or of the floor.
    #[arg(long, value_name = "SHARE")]
    precision: Option<f64>,
    /// With --precision: the absolute floor of a headline difference's
    /// interval half-width, in its own unit (default 1).
    #[arg(long, value_name = "X")]
    precision_floor: Option<f64>,
    /// With --precision: the most replications (default 2000, or N if larger).
    #[arg(long, value_name = "N")]
    max_replications: Option<u64>,
}

impl RunCommand {
    /// Check the arguments and settle the run mode before anything runs.
    fn options(self) -> Result<RunOptions, AppError> {
        let shard = match (self.shard, self.shard_from_env) {
            (Some(spec), _) => ShardRequest::Given(spec),
            (None, Some(count)) => ShardRequest::FromEnv {
                count,
                base: self.shard_base,
            },
            (None, None) => ShardRequest::None,
        };
        let args = RunArgs {
            scenario: self.scenario,
            replications: self.replications,
            seed: self.seed,
            threads: self.threads,
            out: self.out,
            force: self.force,
            precision: app::PrecisionArgs {
                target: self.precision,
                floor: self.precision_floor,
                max: self.max_replications,
            },
        };
        RunOptions::new(args, shard, &|v| std::env::var(v).ok())
    }
}

/// A progress bar on stderr, shown once a run has taken more than a moment.
struct Bar {
    started: Instant,
    total: Mutex<u64>,
    bar: Mutex<Option<ProgressBar>>,
    /// The stage shown (a new one restarts the bar).
    stage: Mutex<String>,
    /// What the replications stage says: `--precision` adds its batch.
    label: Mutex<String>,
}

impl Bar {
    /// Show `done` of `total` of the stage `what` (the warm-up, then the
    /// replications), once the run has taken more than half a second; a
    /// new stage restarts the bar with its own label and length.
    fn show(&self, what: &str, total: u64, done: u64) {
        self.show_as(what, what, total, done);
    }

    /// As [`Bar::show`], labelled `label` (a new label in the same stage
    /// keeps the bar's clock).
    fn show_as(&self, what: &str, label: &str, total: u64, done: u64) {
        let mut bar = self.bar.lock().expect("lock");
        if bar.is_none() && self.started.elapsed() > Duration::from_millis(500) {
            let b = ProgressBar::new(total);
            b.enable_steady_tick(Duration::from_millis(200));
            *bar = Some(b);
        }
        let Some(b) = bar.as_ref() else {
            return;
        };
        let mut stage = self.stage.lock().expect("lock");
        if *stage != what {
            *stage = what.to_string();
            b.set_length(total);
            b.reset();
            b.set_style(
                ProgressStyle::with_template(
                    "{spinner} {msg} {bar:40} {pos}/{len} [{elapsed_precise}, {eta} left]",
                )
                .expect("valid template"),
            );
        }
        if b.message() != label {
            b.set_message(label.to_string());
        }
        b.set_position(done);
    }
}

impl Progress for Bar {
    fn start(&self, total: u64) {
        *self.total.lock().expect("lock") = total;
    }
    fn warm_up(&self, done: u64, total: u64) {
        self.show("warming up trusts", total, done);
    }
    fn update(&self, done: u64) {
        let total = *self.total.lock().expect("lock");
        let label = self.label.lock().expect("lock").clone();
        self.show_as("replications", &label, total, done);
    }
    fn batch(&self, batch: u64, max: u64) {
        *self.label.lock().expect("lock") = format!("replications (batch {batch}, up to {max})");
    }
    fn finish(&self) {
        if let Some(b) = self.bar.lock().expect("lock").take() {
            b.finish_and_clear();
        }
    }
    fn warn(&self, warning: &str) {
        eprintln!("warning: {warning}");
    }
    fn note(&self, note: &str) {
        eprintln!("estimate: {note}");
    }
}

fn main() -> ExitCode {
    // SIGINT/SIGTERM remove this process's staging folders and temporary
    // files before it exits; without the handler the next run removes them.
    let _ = strikesim::output::folder::install_signal_cleanup();
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> Result<(), AppError> {
    match cli.command {
        Command::Run(command) => run_scenario(&command.options()?),
        Command::Merge { dirs, out } => {
            let done = app::merge(&dirs, &out)?;
            println!(
                "Merged {} shards ({} replications) into {}",
                done.shards,
                done.data.manifest.replications,
                done.out_dir.display()
            );
            Ok(())
        }
        Command::Report { dir } => {
            let charts = app::report(&dir)?;
            println!(
                "Redrew {} chart files, report.md, report.html and report.xlsx in {}",
                charts.len(),
                dir.display()
            );
            Ok(())
        }
        Command::Compare { dirs, out } => {
            app::compare(&dirs, &out)?;
            println!("Comparison written to {}", out.display());
            Ok(())
        }
        Command::Series { dirs, out } => {
            let done = app::series(&dirs, &out)?;
            for w in &done.warnings {
                eprintln!("warning: {w}");
            }
            println!(
                "Series of {} strike(s) written to {}",
                done.strikes.len(),
                out.display()
            );
            Ok(())
        }
        Command::Sweep(command) => sweep_cli::sweep(command, &new_bar()),
        Command::Seek(command) => sweep_cli::seek(command, &new_bar()),
        Command::Validate { scenario } => {
            let verdict = app::validate(&scenario)?;
            for w in &verdict.warnings {
                eprintln!("warning: {w}");
            }
            if let Some(estimate) = &verdict.estimate {
                eprintln!("estimate: a run of the file's replications: {estimate}");
            }
            println!("{}", verdict.summary);
            Ok(())
        }
        Command::Schema => {
            println!("{}", strikesim::scenario::json_schema());
            Ok(())
        }
        Command::Serve {
            host,
            port,
            data,
            token,
            workers,
        } => {
            let options = strikesim::web::ServeOptions {
                host,
                port,
                data,
                token: token.or_else(|| std::env::var(strikesim::web::TOKEN_ENV).ok()),
                workers: usize::from(workers),
            };
            strikesim::web::serve(options).map_err(|e| AppError::Serve(e.to_string()))
        }
        Command::Init { path } => {
            app::init(&path)?;
            println!("Wrote the bundled default scenario to {}", path.display());
            Ok(())
        }
    }
}

/// A progress bar, shown once a command has run for half a second.
fn new_bar() -> Bar {
    Bar {
        started: Instant::now(),
        total: Mutex::new(0),
        bar: Mutex::new(None),
        stage: Mutex::new(String::new()),
        label: Mutex::new("replications".to_string()),
    }
}

/// `strikesim run`: simulate with a progress bar, then say what was written.
fn run_scenario(options: &RunOptions) -> Result<(), AppError> {
    let bar = new_bar();
    match app::run(options, &bar)? {
        RunOutcome::Shard(done) => println!(
            "Shard {} of {}: {} of {} replications written to {}",
            done.spec.index(),
            done.spec.count(),
            done.indices.len(),
            done.replications,
            done.path.display()
        ),
        RunOutcome::Whole(done) => {
            let m = &done.data.manifest;
            let title = format!(
                "{} (seed {}, {:.1} s)",
                m.scenario.title, m.seed, m.wall_seconds
            );
            print!(
                "{}",
                strikesim::output::console::summary_text(&done.data, &title)
            );
            if let Some(p) = &m.precision {
                print!("{}", p.console_text());
            }
            println!("Outputs written to {}", done.out_dir.display());
        }
    }
    Ok(())
}
