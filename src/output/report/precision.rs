//! The report's "Precision" section, for a run made with `--precision`:
//! the rule, where the run stopped, and each headline difference's 95%
//! interval at the stop. Drawn from the manifest's `precision` object, so
//! a run read back from its files gives the same section; nothing for a
//! run of a fixed number of replications.

use super::super::document::{Block, Inline, Table};
use super::super::human;
use super::super::precision::DifferenceInfo;
use super::super::precision::{label, share};
use super::super::run_data::RunData;

/// Push the section onto `b` (nothing for a run without `--precision`).
pub fn section(b: &mut Vec<Block>, data: &RunData) {
    let Some(p) = &data.manifest.precision else {
        return;
    };
    b.push(Block::Heading(3, "Precision".into()));
    let outcome = if p.met {
        format!(
            "It stopped after {} batch{} ({} replications), when every difference had reached it.",
            p.batches,
            if p.batches == 1 { "" } else { "es" },
            human::count(p.replications as f64)
        )
    } else {
        format!(
            "It reached its maximum of {} replications ({} batch{}) before every difference had \
             reached it: {} of {} had. The intervals below are as wide as that many replications \
             make them.",
            human::count(p.replications as f64),
            p.batches,
            if p.batches == 1 { "" } else { "es" },
            p.differences.iter().filter(|d| d.met).count(),
            p.differences.len()
        )
    };
    let flags = match p.floor {
        Some(f) => format!("--precision {} --precision-floor {f}", p.target),
        None => format!("--precision {}", p.target),
    };
    b.push(Block::Paragraph(
        Inline::default()
            .text("The number of replications was set by a precision rule (")
            .code(flags)
            .text(format!(
                "): batches of {} \
         replications were added, up to {}, until, for each plan, the 95% interval of the strike's \
         effect on elective operations cancelled, outpatient appointments cancelled and patients \
         waiting over 18 and over 52 weeks at the end was within {} of its mean either side, or \
         within {} either side. {outcome}",
                human::count(p.batch as f64),
                human::count(p.max_replications as f64),
                share(p.target),
                p.floor_words(),
            )),
    ));
    b.push(Block::Table(Table {
        header: [
            "Plan",
            "Strike's effect on",
            "Mean",
            "95% interval, half-width",
            "Half-width as a share of the mean",
            "Reached",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect(),
        rows: p
            .differences
            .iter()
            .map(|d| {
                vec![
                    d.plan.clone(),
                    label(&d.metric),
                    signed1(d.mean),
                    format!("± {}", human::decimal1(d.half_width)),
                    d.relative_half_width
                        .map_or("(mean 0)".to_string(), |r| format!("{:.1}%", 100.0 * r)),
                    reached(d, p.target),
                ]
            })
            .collect(),
    }));
}

/// A mean difference to one decimal with its sign: "+0.9", "-1.2", "0.0".
fn signed1(v: f64) -> String {
    let s = human::decimal1(v);
    if s.starts_with('-') || s == "0.0" {
        s
    } else {
        format!("+{s}")
    }
}

/// Whether a difference reached the rule, and how.
fn reached(d: &DifferenceInfo, target: f64) -> String {
    if !d.met {
        "no".to_string()
    } else if d.mean != 0.0 && d.half_width <= target * d.mean.abs() {
        format!("yes, within {}", share(target))
    } else {
        "yes, within the floor".to_string()
    }
}
