//! `sweep.md` / `sweep.html`: what was varied, the tornado tables of the
//! two main measures, the charts, and every point's main measures.

use super::{SweepData, TORNADO_CHARTS};
use crate::ensemble::metrics::Metric;
use crate::output::document::{Block, Document, Inline, Table};
use crate::output::human;
use crate::output::report::chart_image;

/// How to read the numbers, above the tables.
const METHOD: &str = "Every point runs the same replications with the same seed, so the points \
     share their random numbers (common random numbers): a difference between two points is the \
     inputs', not chance's. Each figure is the strike's effect: the plan minus the same world \
     without the strike in the same replication, the mean over replications with its 95% \
     interval. The tornado holds the other inputs at the scenario's own values and moves one \
     input to its lowest and highest value.";

/// A number with its sign when negative, in words.
fn fig(v: f64) -> String {
    human::count(v)
}

pub fn document(data: &SweepData) -> Document {
    let title = data.title.clone().unwrap_or_else(|| data.scenario.clone());
    let mut blocks = vec![Block::Paragraph(Inline::from(format!(
        "A sensitivity sweep of {} ({}): {} points of {} replications each, seed {}.",
        title,
        data.source,
        data.points.len(),
        data.replications,
        data.seed
    )))];
    blocks.push(Block::Paragraph(METHOD.into()));
    blocks.push(Block::Heading(2, "Inputs varied".into()));
    blocks.push(Block::Table(Table {
        header: vec!["input".into(), "values".into(), "the scenario's own".into()],
        rows: data
            .inputs
            .iter()
            .map(|i| {
                vec![
                    i.key.clone(),
                    i.values
                        .iter()
                        .map(|v| i.show(*v))
                        .collect::<Vec<_>>()
                        .join(", "),
                    i.show_at(None),
                ]
            })
            .collect(),
    }));
    for (metric, chart) in TORNADO_CHARTS {
        blocks.push(Block::Heading(2, format!("Tornado: {}", measure(metric))));
        blocks.push(Block::Table(tornado_table(data, metric)));
        blocks.push(chart_image(chart, &format!("Tornado: {}", measure(metric))));
    }
    blocks.push(Block::Heading(2, "Every point".into()));
    blocks.push(Block::Paragraph(
        "All headline measures of every point are in sweep.csv; the tornado of each is in tornado.csv."
            .into(),
    ));
    blocks.push(Block::Table(points_table(data)));
    Document {
        title: format!("Sensitivity sweep: {title}"),
        blocks,
    }
}

/// The measure as a reader names it, with its unit.
pub fn measure(metric: Metric) -> String {
    match metric {
        Metric::RttOver18wEnd => "extra patients waiting over 18 weeks at the end".into(),
        Metric::ElectiveCancelled => "extra elective operations cancelled".into(),
        m => format!("{} ({})", m.label(), m.unit().name()),
    }
}

fn tornado_table(data: &SweepData, metric: Metric) -> Table {
    let mut rows = Vec::new();
    for plan in &data.plans {
        for bar in data.tornado(plan, metric) {
            let i = &data.inputs[bar.input];
            rows.push(vec![
                plan.clone(),
                i.key.clone(),
                format!("{} at {}", fig(bar.at_low), i.show(i.low())),
                format!("{} at {}", fig(bar.at_base), i.show_at(None)),
                format!("{} at {}", fig(bar.at_high), i.show(i.high())),
                fig(bar.swing()),
            ]);
        }
    }
    Table {
        header: vec![
            "plan".into(),
            "input".into(),
            "at its lowest".into(),
            "as written".into(),
            "at its highest".into(),
            "swing".into(),
        ],
        rows,
    }
}

fn points_table(data: &SweepData) -> Table {
    let mut header = vec!["point".to_string()];
    header.extend(data.inputs.iter().map(|i| i.key.clone()));
    header.push("plan".into());
    for (metric, _) in TORNADO_CHARTS {
        header.push(measure(metric));
    }
    let mut rows = Vec::new();
    for (k, p) in data.points.iter().enumerate() {
        for plan in &data.plans {
            let mut row = vec![k.to_string()];
            row.extend(
                data.inputs
                    .iter()
                    .zip(&p.values)
                    .map(|(i, v)| i.show_at(*v)),
            );
            row.push(plan.clone());
            for (metric, _) in TORNADO_CHARTS {
                row.push(p.row(plan, metric).map_or("-".into(), |r| {
                    format!(
                        "{} ({} to {})",
                        fig(r.effect_mean),
                        fig(r.effect_ci95_low),
                        fig(r.effect_ci95_high)
                    )
                }));
            }
            rows.push(row);
        }
    }
    Table { header, rows }
}
