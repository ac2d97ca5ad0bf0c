//! Part of the `strikesim` binary: the arguments of `strikesim sweep` and
//! `strikesim seek`, and what they print. The work is in
//! [`strikesim::app::sweep`].

use chrono::NaiveDate;
use clap::Args;
use std::path::PathBuf;
use strikesim::app::sweep::keys::ALLOWED_KEYS;
use strikesim::app::sweep::seek::{self, share_words, SeekOptions};
use strikesim::app::sweep::{self, SweepOptions};
use strikesim::app::{AppError, Progress};
use strikesim::ensemble::metrics::Metric;
use strikesim::output::human;

/// The arguments of `strikesim sweep`.
#[derive(Args)]
pub struct SweepCommand {
    /// Scenario file (TOML). Without it, the bundled default scenario.
    scenario: Option<PathBuf>,
    /// An input and its values, KEY=V1,V2,... (repeat for each input).
    #[arg(long, value_name = "KEY=V1,V2,...", required = true, long_help = format!(
        "An input and its values, KEY=V1,V2,... (repeat for each input). Keys: {ALLOWED_KEYS}"
    ))]
    vary: Vec<String>,
    /// Replications per point (overrides the scenario's `replications`).
    #[arg(long, short = 'n')]
    replications: Option<u64>,
    /// Master seed, the same for every point (overrides the scenario's).
    #[arg(long)]
    seed: Option<u64>,
    /// Worker threads (default: all cores). Results do not depend on it.
    #[arg(long, short = 'j', default_value_t = 0)]
    threads: usize,
    /// Output directory (default: output/<scenario name>-sweep/).
    #[arg(long)]
    out: Option<PathBuf>,
    /// Run even when the estimated time or memory is past this machine's limit.
    #[arg(long)]
    force: bool,
}

/// The arguments of `strikesim seek`.
#[derive(Args)]
pub struct SeekCommand {
    /// Scenario file (TOML). Without it, the bundled default scenario.
    scenario: Option<PathBuf>,
    /// The plan whose catch-up is sized (it must have a catch_up).
    #[arg(long)]
    plan: String,
    /// Extra patients waiting over 18 weeks allowed on the date.
    #[arg(long, value_name = "PATIENTS", default_value_t = 0)]
    target_within: u64,
    /// The date (YYYY-MM-DD) by which the target must be met.
    #[arg(long, value_name = "YYYY-MM-DD")]
    by: NaiveDate,
    /// Share of replications that must meet the target.
    #[arg(long, default_value_t = 0.9)]
    confidence: f64,
    /// The most catch-up lists (and clinics) a day to try.
    #[arg(long, default_value_t = 20)]
    max: u32,
    /// Replications per candidate (overrides the scenario's `replications`).
    #[arg(long, short = 'n')]
    replications: Option<u64>,
    /// Master seed, the same for every candidate.
    #[arg(long)]
    seed: Option<u64>,
    /// Worker threads (default: all cores). Results do not depend on it.
    #[arg(long, short = 'j', default_value_t = 0)]
    threads: usize,
}

/// `strikesim sweep`: run, then print the tornado of the main measure.
pub fn sweep(c: SweepCommand, progress: &dyn Progress) -> Result<(), AppError> {
    let options = SweepOptions {
        scenario: c.scenario,
        vary: c.vary,
        replications: c.replications,
        seed: c.seed,
        threads: c.threads,
        out: c.out,
        force: c.force,
    };
    let done = sweep::sweep(&options, progress)?;
    let d = &done.data;
    println!(
        "Sweep of {} points x {} replications (seed {}, {:.1} s)",
        d.points.len(),
        d.replications,
        d.seed,
        d.wall_seconds
    );
    println!("Extra patients waiting over 18 weeks at the end (plan minus no strike), each input at its lowest and highest:");
    for plan in &d.plans {
        for bar in d.tornado(plan, Metric::RttOver18wEnd) {
            let i = &d.inputs[bar.input];
            println!(
                "  {plan:<24} {:<40} {} at {}, {} as written, {} at {}",
                i.key,
                human::count(bar.at_low),
                i.show(i.low()),
                human::count(bar.at_base),
                human::count(bar.at_high),
                i.show(i.high())
            );
        }
    }
    println!("Outputs written to {}", done.out_dir.display());
    Ok(())
}

/// `strikesim seek`: search, then say the answer and how sure it is.
pub fn seek(c: SeekCommand, progress: &dyn Progress) -> Result<(), AppError> {
    let options = SeekOptions {
        scenario: c.scenario,
        plan: c.plan,
        tolerance: c.target_within,
        by: c.by,
        confidence: c.confidence,
        max: c.max,
        replications: c.replications,
        seed: c.seed,
        threads: c.threads,
    };
    let s = seek::seek(options, progress)?;
    let k = s.answer.sessions_a_day;
    println!(
        "Plan {}: target at most {} extra patient(s) waiting over 18 weeks on {} in at least {} of {} replications (seed {})",
        s.plan,
        s.tolerance,
        human::date(s.by),
        share_words(s.confidence),
        s.replications,
        s.seed
    );
    println!("Catch-up: {}", s.schedule);
    println!("answer: {k} theatre list(s) and {k} clinic(s) per specialty per catch-up day");
    println!(
        "  at {k}: {} of replications meet the target (95% Wilson interval {} to {}); mean extra 18-week waiters {}",
        share_words(s.answer.share_met),
        share_words(s.wilson.0),
        share_words(s.wilson.1),
        human::count(s.answer.extra_over_18w_mean)
    );
    match &s.below {
        Some(b) => println!(
            "  at {}: {} meet it (same replications), mean extra 18-week waiters {}",
            b.sessions_a_day,
            share_words(b.share_met),
            human::count(b.extra_over_18w_mean)
        ),
        None => println!("  no catch-up at all meets it"),
    }
    if s.wilson.0 < s.confidence {
        println!(
            "  how sure: the interval reaches below {}; more replications (-n) would settle it",
            share_words(s.confidence)
        );
    } else {
        println!(
            "  how sure: the whole interval is above {}",
            share_words(s.confidence)
        );
    }
    let (m, lo, hi) = s.answer.sessions_run;
    println!(
        "  catch-up sessions run (catch_up_sessions_run): {} ({} to {}) over the whole run",
        human::decimal1(m),
        human::decimal1(lo),
        human::decimal1(hi)
    );
    let pounds = |(m, lo, hi): (f64, f64, f64)| human::with_interval(human::pounds, m, lo, hi);
    println!(
        "  cost of the catch-up at the scenario's [costs] prices: {}; the plan's net cost against no strike \
         (income at risk, cover and catch-up): {}",
        pounds(s.answer.catch_up_cost),
        pounds(s.answer.net_cost)
    );
    let tried: Vec<String> = s
        .tried
        .iter()
        .map(|c| format!("{}: {}", c.sessions_a_day, share_words(c.share_met)))
        .collect();
    println!(
        "Tried (sessions a day: share meeting the target): {}",
        tried.join(", ")
    );
    Ok(())
}
