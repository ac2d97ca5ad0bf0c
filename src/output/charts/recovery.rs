//! Time to recover: per plan, the share of replications recovered by each
//! day (an empirical CDF), with the replications that never recovered shown
//! as censored at the end of the run.

use plotters::coord::types::RangedCoordf64;
use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::style::{
    chart_builder, draw_err, draw_legend, draw_line, draw_marker, font, frame, house_mesh,
    series_style, Area, SeriesStyle, Swatch, TEXT,
};
use super::{ChartError, ChartSet};
use crate::ensemble::metrics::Metric;
use crate::output::human;
use crate::output::run_data::COUNTERFACTUAL;

/// One plan's curve: its label, style, and per replication the days to
/// recover and whether it did.
struct Curve {
    label: String,
    style: SeriesStyle,
    days: Vec<f64>,
    recovered: Vec<f64>,
}

impl Curve {
    /// Days to recover of the replications that did, sorted.
    fn done(&self) -> Vec<f64> {
        let mut done: Vec<f64> = self
            .days
            .iter()
            .zip(&self.recovered)
            .filter(|(_, r)| **r >= 0.5)
            .map(|(d, _)| *d)
            .collect();
        done.sort_by(f64::total_cmp);
        done
    }
}

fn curves(set: &ChartSet) -> Vec<Curve> {
    set.series
        .iter()
        .filter(|s| s.plan != COUNTERFACTUAL)
        .map(|s| {
            let run = set.run_of(s);
            Curve {
                label: s.label.clone(),
                style: series_style(s.colour),
                days: run.replication_values(&s.plan, Metric::RecoveryDays),
                recovered: run.replication_values(&s.plan, Metric::Recovered),
            }
        })
        .collect()
}

/// The end of the run, in days: where censored replications sit, or the
/// period after the walkouts if none are censored.
fn horizon(set: &ChartSet, curves: &[Curve]) -> f64 {
    let censored_at = curves
        .iter()
        .flat_map(|c| {
            c.days
                .iter()
                .zip(&c.recovered)
                .filter(|(_, r)| **r < 0.5)
                .map(|(d, _)| *d)
        })
        .fold(f64::NAN, f64::max);
    if censored_at.is_finite() {
        censored_at
    } else {
        // Recovery is counted from the day after the last walkout, the end
        // of the counting window.
        let period = &set.first().manifest.period;
        let from = period.count_window.map_or(period.branch, |w| w.to);
        (period.end - from).num_days() as f64
    }
}

pub(super) fn draw<DB: DrawingBackend>(set: &ChartSet, root: &Area<DB>) -> Result<(), ChartError> {
    let curves = curves(set);
    let horizon = horizon(set, &curves);
    let x_max = curves
        .iter()
        .flat_map(|c| c.days.iter().copied())
        .fold(horizon, f64::max)
        * 1.04;
    let subtitle = format!(
        "Share of {} replications back within tolerance of the no-strike world (list and 18-week share). Below 100% at the end: some never recovered.",
        human::count(set.replications() as f64)
    );
    let (plot, legend) = frame(
        root,
        "Time to recover from the walkouts",
        &subtitle,
        &set.source,
    )?;
    let mut chart = chart_builder(&plot)
        .build_cartesian_2d(0.0..x_max, 0.0..108.0)
        .map_err(draw_err)?;
    house_mesh(
        chart
            .configure_mesh()
            .x_label_formatter(&|v| human::count(*v))
            .y_label_formatter(&|v| format!("{v:.0}%"))
            .x_labels(10)
            .y_labels(6)
            .x_desc("Days to recover")
            .y_desc("Replications recovered (%)"),
    )
    .draw()
    .map_err(draw_err)?;

    chart
        .draw_series(std::iter::once(DashedPathElement::new(
            vec![(horizon, 0.0), (horizon, 108.0)],
            10,
            6,
            TEXT.stroke_width(2),
        )))
        .map_err(draw_err)?;
    chart
        .draw_series(std::iter::once(Text::new(
            "End of run ",
            (horizon, 104.0),
            font(20.0).pos(Pos::new(HPos::Right, VPos::Center)),
        )))
        .map_err(draw_err)?;

    let mut entries = Vec::new();
    for (k, curve) in curves.iter().enumerate() {
        let not_recovered = draw_curve(&chart, curve, k, horizon)?;
        entries.push((
            Swatch::Series(curve.style, false),
            format!(
                "{}\n{not_recovered} of {} not recovered",
                curve.label,
                curve.days.len()
            ),
        ));
    }
    entries.push((Swatch::Reference(TEXT), "End of run (censoring)".into()));
    draw_legend(&legend, "Plan", &entries)
}

/// Draw the `k`-th plan's step curve, its markers and, if some replications
/// never recovered, an open marker at the horizon; return how many did not.
fn draw_curve<DB: DrawingBackend>(
    chart: &ChartContext<DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>,
    curve: &Curve,
    k: usize,
    horizon: f64,
) -> Result<usize, ChartError> {
    let area = chart.plotting_area().strip_coord_spec();
    let (dx, dy) = chart.plotting_area().get_base_pixel();
    let style = &curve.style;
    let total = curve.days.len().max(1) as f64;
    let done = curve.done();
    let mut pts = vec![(0.0, 0.0)];
    for (i, d) in done.iter().enumerate() {
        pts.push((*d, i as f64 / total * 100.0));
        pts.push((*d, (i + 1) as f64 / total * 100.0));
    }
    let level = done.len() as f64 / total * 100.0;
    pts.push((horizon, level));
    let px: Vec<(i32, i32)> = pts
        .iter()
        .map(|p| {
            let (x, y) = chart.backend_coord(p);
            (x - dx, y - dy)
        })
        .collect();
    draw_line(&area, px.clone(), style)?;
    // Markers at quartiles of the curve, shifted per plan.
    for q in [0.2, 0.45, 0.7] {
        let target = (q + 0.05 * (k % 3) as f64) * level;
        if let Some(p) = pts.iter().position(|p| p.1 >= target && target > 0.0) {
            draw_marker(&area, px[p], style)?;
        }
    }
    let not_recovered = curve.days.len() - done.len();
    // The censored end: an open marker at the horizon.
    if not_recovered > 0 {
        let (x, y) = chart.backend_coord(&(horizon, level));
        area.draw(&Circle::new(
            (x - dx, y - dy),
            9,
            style.colour.stroke_width(3),
        ))
        .map_err(draw_err)?;
    }
    Ok(not_recovered)
}
