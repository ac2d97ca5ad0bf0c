//! Time to recover: per plan, among the replications in which the walkouts
//! left a loss, the Kaplan-Meier share recovered by each day after the last
//! walkout, with the replications not recovered by the end marked as
//! censored; the share with no loss to recover from is in the legend.

use plotters::coord::types::RangedCoordf64;
use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::style::{
    chart_builder, draw_err, draw_legend, draw_line, draw_marker, font, frame, house_mesh,
    series_style, Area, SeriesStyle, Swatch, MUTED, TEXT,
};
use super::{ChartError, ChartSet};
use crate::output::human;
use crate::output::run_data::{PlanRecovery, COUNTERFACTUAL};

/// One plan's curve: its label, style and recovery.
struct Curve {
    label: String,
    style: SeriesStyle,
    recovery: PlanRecovery,
}

fn curves(set: &ChartSet) -> Vec<Curve> {
    set.series
        .iter()
        .filter(|s| s.plan != COUNTERFACTUAL)
        .map(|s| Curve {
            label: s.label.clone(),
            style: series_style(s.colour),
            recovery: set.run_of(s).recovery_of(&s.plan),
        })
        .collect()
}

/// The end of the run, in days after the last walkout: where censored
/// replications sit, or from the manifest's period if none are censored.
fn horizon(set: &ChartSet, curves: &[Curve]) -> f64 {
    let censored_at = curves
        .iter()
        .filter_map(|c| c.recovery.horizon)
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

/// The legend's words for a plan: its median time to recover and how many
/// replications had no loss.
fn legend_label(c: &Curve) -> String {
    let r = &c.recovery;
    let n = r.replications;
    if r.with_loss() == 0 {
        return format!("{}\nno loss in any of {n}", c.label);
    }
    let median = match r.median_days() {
        Some(d) => format!("{} d", human::count(d)),
        None => "not in run".into(),
    };
    format!("{}\nmedian {median} · no loss {}/{n}", c.label, r.no_loss)
}

/// What the legend's notes mean, a short line each, under the entries.
const LEGEND_NOTES: [&str; 6] = [
    "Median: Kaplan-Meier days to recover,",
    "of replications with a loss.",
    "\"Not in run\": fewer than half recovered",
    "by the end.",
    "No loss: no trust's extra waiters",
    "ever above the tolerance.",
];

pub(super) fn draw<DB: DrawingBackend>(set: &ChartSet, root: &Area<DB>) -> Result<(), ChartError> {
    let curves = curves(set);
    let horizon = horizon(set, &curves);
    let x_max = horizon * 1.04;
    let subtitle = format!(
        "Of {} replications, those in which the walkouts left a trust with extra waiters: share back within tolerance for good (Kaplan-Meier). Open circle: not recovered by the end of the run.",
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
            .x_desc("Days after the last walkout")
            .y_desc("Recovered, of replications with a loss (%)"),
    )
    .draw()
    .map_err(draw_err)?;

    // Where the median is read: the curve crossing 50%.
    chart
        .draw_series(std::iter::once(DashedPathElement::new(
            vec![(0.0, 50.0), (horizon, 50.0)],
            4,
            6,
            TEXT.mix(0.5).stroke_width(1),
        )))
        .map_err(draw_err)?;
    chart
        .draw_series(std::iter::once(Text::new(
            " Median",
            (0.0, 52.0),
            font(18.0).pos(Pos::new(HPos::Left, VPos::Bottom)),
        )))
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

    // Plans with a loss that never recovered in any replication would all
    // lie along 0%, one on top of the other: name them instead.
    let mut never = Vec::new();
    let mut entries = Vec::new();
    for (k, curve) in curves.iter().enumerate() {
        if curve.recovery.with_loss() > 0 {
            if curve.recovery.km.steps.is_empty() {
                never.push(curve.label.as_str());
            } else {
                draw_curve(&chart, curve, k, horizon)?;
            }
        }
        entries.push((Swatch::Series(curve.style, false), legend_label(curve)));
    }
    if !never.is_empty() {
        chart
            .draw_series(std::iter::once(Text::new(
                format!(
                    "Back within tolerance in no replication before the end: {}",
                    never.join(", ")
                ),
                (horizon * 0.97, 3.0),
                font(18.0).pos(Pos::new(HPos::Right, VPos::Bottom)),
            )))
            .map_err(draw_err)?;
    }
    entries.push((Swatch::Reference(TEXT), "End of run (censoring)".into()));
    draw_legend(&legend, "Plan", &entries)?;
    let top = 60 + entries.len() as i32 * 52;
    for (i, line) in LEGEND_NOTES.iter().enumerate() {
        legend
            .draw_text(line, &font(17.0).color(&MUTED), (0, top + i as i32 * 22))
            .map_err(draw_err)?;
    }
    Ok(())
}

/// Draw the `k`-th plan's Kaplan-Meier step curve, its markers and, if
/// some replications were censored, an open marker where they were.
fn draw_curve<DB: DrawingBackend>(
    chart: &ChartContext<DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>,
    curve: &Curve,
    k: usize,
    horizon: f64,
) -> Result<(), ChartError> {
    let area = chart.plotting_area().strip_coord_spec();
    let (dx, dy) = chart.plotting_area().get_base_pixel();
    let style = &curve.style;
    let km = &curve.recovery.km;
    let mut pts = vec![(0.0, 0.0)];
    let mut level = 0.0;
    for &(t, share) in &km.steps {
        pts.push((t, level));
        level = share * 100.0;
        pts.push((t, level));
    }
    pts.push((horizon, level));
    let px: Vec<(i32, i32)> = pts
        .iter()
        .map(|p| {
            let (x, y) = chart.backend_coord(p);
            (x - dx, y - dy)
        })
        .collect();
    draw_line(&area, px.clone(), style)?;
    // Markers along the curve, shifted per plan.
    for q in [0.2, 0.45, 0.7] {
        let target = (q + 0.05 * (k % 3) as f64) * level;
        if let Some(p) = pts.iter().position(|p| p.1 >= target && target > 0.0) {
            draw_marker(&area, px[p], style)?;
        }
    }
    // The censored: an open marker on the curve where each was censored
    // (the end of the run).
    let mut censored_at = km.censored.clone();
    censored_at.dedup();
    for t in censored_at {
        let (x, y) = chart.backend_coord(&(t, km.share_by(t) * 100.0));
        area.draw(&Circle::new(
            (x - dx, y - dy),
            9,
            style.colour.stroke_width(3),
        ))
        .map_err(draw_err)?;
    }
    Ok(())
}
