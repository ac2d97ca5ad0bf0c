//! Cancellations per plan: bars of the mean, whiskers from the 5th to the
//! 95th percentile, in three groups (stood down in advance, cancelled on
//! the day, outpatient appointments). These are the plans' own totals in
//! the counting window, background cancellations included (the
//! counterfactual's bars show them); the report leads with the effect.

use plotters::coord::combinators::WithKeyPoints;
use plotters::coord::types::{RangedCoordf64, RangedCoordi32};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::style::{
    bar_fill, chart_builder, draw_err, draw_legend, draw_marker, font, frame, house_mesh, on_bar,
    padded_range, series_style, Area, Swatch, TEXT,
};
use super::{ChartError, ChartSet};
use crate::ensemble::metrics::Metric;
use crate::output::human;
use crate::output::rows::SummaryRow;

/// The groups of bars: the metric and its axis label.
const GROUPS: [(Metric, &str); 3] = [
    (
        Metric::ElectiveCancelledInAdvance,
        "Elective, stood down in advance",
    ),
    (
        Metric::ElectiveCancelledOnDay,
        "Elective, cancelled on the day",
    ),
    (Metric::OutpatientCancelled, "Outpatient appointments"),
];

pub(super) fn draw<DB: DrawingBackend>(set: &ChartSet, root: &Area<DB>) -> Result<(), ChartError> {
    let rows: Vec<Vec<&SummaryRow>> = GROUPS
        .iter()
        .map(|(metric, _)| {
            set.series
                .iter()
                .map(|s| set.run_of(s).summary_of(&s.plan, *metric))
                .collect()
        })
        .collect();
    let (_, y1) = padded_range(
        rows.iter().flatten().flat_map(|r| [r.p95, r.mean]),
        &[0.0],
        0.12,
    );
    let subtitle = format!(
        "All cancellations {}, the usual background ones included (the counterfactual's bars). \
         Bar: mean of {} replications; whisker: 5th to 95th percentile.",
        set.first().manifest.count_window_dates(),
        human::count(set.replications() as f64)
    );
    let (plot, legend) = frame(
        root,
        "All cancelled operations and outpatient appointments, by plan",
        &subtitle,
        &set.source,
    )?;
    let groups = GROUPS.len() as i32;
    let mut chart = chart_builder(&plot)
        .build_cartesian_2d(
            (0..groups * 100).with_key_points(vec![50, 150, 250]),
            0.0..y1,
        )
        .map_err(draw_err)?;
    house_mesh(
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_label_formatter(&|x| {
                let i = (x / 100).clamp(0, groups - 1) as usize;
                GROUPS[i].1.to_string()
            })
            .y_label_formatter(&|v| human::count(*v))
            .y_labels(8)
            .y_desc("Cancelled (operations or appointments)"),
    )
    .draw()
    .map_err(draw_err)?;

    draw_bars(&mut chart, set, &rows, y1)?;
    let entries: Vec<(Swatch, String)> = set
        .series
        .iter()
        .map(|s| (Swatch::Bar(series_style(s.colour)), s.label.clone()))
        .collect();
    draw_legend(&legend, "Plan", &entries)
}

/// Pixels from a bar's foot marker's centre to the bottom of the label
/// above it.
const MARKER_CLEARANCE: i32 = 14;

/// One bar per plan in each group: the mean, its whisker (5th to 95th
/// percentile), the plan's marker at its foot and the mean written on top.
fn draw_bars<DB: DrawingBackend>(
    chart: &mut ChartContext<DB, Cartesian2d<WithKeyPoints<RangedCoordi32>, RangedCoordf64>>,
    set: &ChartSet,
    rows: &[Vec<&SummaryRow>],
    y1: f64,
) -> Result<(), ChartError> {
    let k = set.series.len() as i32;
    let width = 80 / k.max(1);
    let area = chart.plotting_area().strip_coord_spec();
    let (dx, dy) = chart.plotting_area().get_base_pixel();
    for (g, group) in rows.iter().enumerate() {
        for (s, row) in group.iter().enumerate() {
            let style = series_style(set.series[s].colour);
            let x0 = g as i32 * 100 + 10 + s as i32 * width;
            let x1 = x0 + width * 7 / 8;
            let xm = (x0 + x1) / 2;
            chart
                .draw_series([
                    Rectangle::new([(x0, 0.0), (x1, row.mean)], bar_fill(&style).filled()),
                    Rectangle::new([(x0, 0.0), (x1, row.mean)], BLACK.stroke_width(1)),
                ])
                .map_err(draw_err)?;
            chart
                .draw_series(std::iter::once(ErrorBar::new_vertical(
                    xm,
                    row.p05,
                    row.mean,
                    row.p95,
                    TEXT.stroke_width(2),
                    14,
                )))
                .map_err(draw_err)?;
            // The plan's marker at the foot of its bar, for grey print.
            let (px, py) = chart.backend_coord(&(xm, 0.0));
            draw_marker(&area, (px - dx, py - dy - 16), &on_bar(&style))?;
            // The mean on top of the whisker, and always clear of the
            // marker (a short or empty bar's label would sit on it).
            let (lx, top) = chart.backend_coord(&(xm, row.p95 + y1 * 0.012));
            let ly = top.min(py - 16 - MARKER_CLEARANCE);
            area.draw(&Text::new(
                human::count(row.mean),
                (lx - dx, ly - dy),
                font(19.0).pos(Pos::new(HPos::Center, VPos::Bottom)),
            ))
            .map_err(draw_err)?;
        }
    }
    Ok(())
}
