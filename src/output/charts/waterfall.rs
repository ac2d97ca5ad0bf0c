//! What moved the waiting list, from the first walkout day to the end, for
//! each plan against the no-strike world: one panel per plan, a floating
//! bar per flow (the plan minus the counterfactual in the same
//! replication, mean over replications), ending in the extra patients
//! waiting at the end with its 95% interval. The flows add up exactly: in
//! every replication the list at the end is the list on the walkout day
//! plus the referred, less the treated and the removed.

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::style::{
    bold, chart_builder, draw_err, fit_text, font, frame, house_mesh, Area, MUTED, TEXT,
};
use super::{ChartError, ChartSet, Series};
use crate::ensemble::metrics::Metric;
use crate::output::human;
use crate::output::run_data::COUNTERFACTUAL;

/// A step of the waterfall: its label, the metric whose paired difference
/// it is, and the sign it moves the list by.
const STEPS: [(&str, Metric, f64); 5] = [
    (
        "Already on the list, walkout day",
        Metric::ListAtWalkout,
        1.0,
    ),
    ("Referred", Metric::ReferredSinceWalkout, 1.0),
    (
        "Treated with an admission",
        Metric::TreatedAdmittedSinceWalkout,
        -1.0,
    ),
    (
        "Treated without an admission",
        Metric::TreatedNonAdmittedSinceWalkout,
        -1.0,
    ),
    ("Removed untreated", Metric::RemovedSinceWalkout, -1.0),
];
const TOTAL: &str = "Extra waiting at the end";

const ADDS: RGBColor = RGBColor(0xB0, 0x3A, 0x2E);
const TAKES_OFF: RGBColor = RGBColor(0x28, 0x74, 0xA6);
const NET: RGBColor = RGBColor(0x44, 0x44, 0x44);

/// One plan's bars: (start, end) of each step, then the total with its
/// interval.
struct Bars {
    steps: Vec<(f64, f64)>,
    total: (f64, f64, f64),
}

fn bars(set: &ChartSet, s: &Series) -> Bars {
    let run = set.run_of(s);
    let mut at = 0.0;
    let steps = STEPS
        .iter()
        .map(|(_, m, sign)| {
            let start = at;
            at += sign * run.summary_of(&s.plan, *m).effect_mean;
            (start, at)
        })
        .collect();
    let t = run.summary_of(&s.plan, Metric::ExtraWaitersEnd);
    Bars {
        steps,
        total: (t.effect_mean, t.effect_ci95_low, t.effect_ci95_high),
    }
}

pub(super) fn draw<DB: DrawingBackend>(set: &ChartSet, root: &Area<DB>) -> Result<(), ChartError> {
    let plans: Vec<&Series> = set
        .series
        .iter()
        .filter(|s| s.plan != COUNTERFACTUAL)
        .collect();
    let all: Vec<Bars> = plans.iter().map(|s| bars(set, s)).collect();
    let values = all.iter().flat_map(|b| {
        b.steps
            .iter()
            .flat_map(|&(a, z)| [a, z])
            .chain([b.total.1, b.total.2, 0.0])
    });
    let (lo, hi) = values.fold((0.0f64, 0.0f64), |(lo, hi), v| (lo.min(v), hi.max(v)));
    // Room on the right for the labels of the longest bars.
    let span = (hi - lo).max(1.0);
    let (x0, x1) = (lo - span * 0.08, hi + span * 0.32);
    let subtitle = format!(
        "Each plan minus the world without the strike, same replications, from 00:00 on the first walkout \
         day to the end. Bars: means of {}; they add up to the last bar (whisker: its 95% interval).",
        human::count(set.replications() as f64)
    );
    let (plot, legend) = frame(
        root,
        "What moved the waiting list: each plan against no strike",
        &subtitle,
        &set.source,
    )?;
    draw_key(&legend)?;
    let (labels, panels) = plot.split_horizontally(300);
    let cols = plans.len().clamp(1, 3);
    let rows = plans.len().div_ceil(cols).max(1);
    let areas = panels.split_evenly((rows, cols));
    let label_area = labels.split_evenly((rows, 1));
    for (k, (s, b)) in plans.iter().zip(&all).enumerate() {
        let area = &areas[k];
        let (head, body) = area.split_vertically(44);
        let (title, size) = fit_text(
            &head,
            &s.label,
            24.0,
            head.dim_in_pixel().0.saturating_sub(10),
        );
        head.draw(&Text::new(title, (10, 8), bold(size)))
            .map_err(draw_err)?;
        let mut chart = chart_builder(&body)
            .y_label_area_size(0)
            .build_cartesian_2d(x0..x1, 0.0..6.0)
            .map_err(draw_err)?;
        house_mesh(
            chart
                .configure_mesh()
                .disable_y_mesh()
                .disable_y_axis()
                .x_labels(4)
                .x_label_formatter(&|v| human::signed_count(*v))
                .x_desc("Patients"),
        )
        .draw()
        .map_err(draw_err)?;
        chart
            .draw_series(std::iter::once(PathElement::new(
                vec![(0.0, 0.0), (0.0, 6.0)],
                MUTED.stroke_width(2),
            )))
            .map_err(draw_err)?;
        let row = |i: usize| (5 - i) as f64;
        for (i, &(a, z)) in b.steps.iter().enumerate() {
            let colour = if z >= a { ADDS } else { TAKES_OFF };
            bar(&mut chart, row(i), a, z, colour)?;
            label(&mut chart, row(i), a.max(z), z - a, x1)?;
        }
        let (mean, low, high) = b.total;
        bar(&mut chart, row(5), 0.0, mean, NET)?;
        chart
            .draw_series(std::iter::once(ErrorBar::new_horizontal(
                row(5) + 0.5,
                low,
                mean,
                high,
                TEXT.stroke_width(2),
                12,
            )))
            .map_err(draw_err)?;
        label(&mut chart, row(5), mean.max(high), mean, x1)?;
        if k % cols == 0 {
            draw_step_labels(&label_area[k / cols], &chart)?;
        }
    }
    Ok(())
}

type Chart<'a, DB> = ChartContext<
    'a,
    DB,
    Cartesian2d<plotters::coord::types::RangedCoordf64, plotters::coord::types::RangedCoordf64>,
>;

fn bar<DB: DrawingBackend>(
    chart: &mut Chart<DB>,
    y: f64,
    a: f64,
    z: f64,
    colour: RGBColor,
) -> Result<(), ChartError> {
    let corners = [(a.min(z), y + 0.18), (a.max(z), y + 0.82)];
    chart
        .draw_series([
            Rectangle::new(corners, colour.mix(0.85).filled()),
            Rectangle::new(corners, colour.stroke_width(1)),
        ])
        .map_err(draw_err)?;
    Ok(())
}

/// A step's signed size written just right of its bar (inside the panel).
fn label<DB: DrawingBackend>(
    chart: &mut Chart<DB>,
    y: f64,
    right: f64,
    v: f64,
    x1: f64,
) -> Result<(), ChartError> {
    let (px, py) = chart.backend_coord(&(right, y + 0.5));
    let (edge, _) = chart.backend_coord(&(x1, y));
    let text = human::signed_count(v);
    let style = font(19.0).pos(Pos::new(HPos::Left, VPos::Center));
    let root = chart.plotting_area().strip_coord_spec();
    let (dx, dy) = chart.plotting_area().get_base_pixel();
    let x = (px + 8).min(edge - 56);
    root.draw(&Text::new(text, (x - dx, py - dy), style))
        .map_err(draw_err)?;
    Ok(())
}

/// The step names, level with the first panel's rows of one line of panels.
fn draw_step_labels<DB: DrawingBackend>(
    area: &Area<DB>,
    chart: &Chart<DB>,
) -> Result<(), ChartError> {
    let (_, top) = area.get_base_pixel();
    let names = STEPS.iter().map(|s| s.0).chain([TOTAL]);
    for (i, name) in names.enumerate() {
        let (_, py) = chart.backend_coord(&(0.0, (5 - i) as f64 + 0.5));
        // Measured in the regular face; bold runs about 10% wider.
        let (text, size) = fit_text(area, name, 20.0, 260);
        let style = if i == 5 { bold(size) } else { font(size) };
        area.draw(&Text::new(
            text,
            (290, py - top),
            style.pos(Pos::new(HPos::Right, VPos::Center)),
        ))
        .map_err(draw_err)?;
    }
    Ok(())
}

fn draw_key<DB: DrawingBackend>(area: &Area<DB>) -> Result<(), ChartError> {
    area.draw_text("Bars", &bold(24.0), (0, 0))
        .map_err(draw_err)?;
    let entries = [
        (ADDS, "adds to the list"),
        (TAKES_OFF, "takes off the list"),
        (NET, "extra waiting at the end"),
    ];
    for (k, (colour, text)) in entries.iter().enumerate() {
        let y = 60 + k as i32 * 52;
        area.draw(&Rectangle::new(
            [(0, y - 14), (72, y + 14)],
            colour.mix(0.85).filled(),
        ))
        .map_err(draw_err)?;
        area.draw(&Text::new(
            *text,
            (88, y),
            font(22.0).pos(Pos::new(HPos::Left, VPos::Center)),
        ))
        .map_err(draw_err)?;
    }
    let note = [
        "Each bar is a change to",
        "the list: fewer patients",
        "treated or removed add to",
        "it; more (a catch-up)",
        "take off it.",
    ];
    for (k, line) in note.iter().enumerate() {
        area.draw(&Text::new(
            *line,
            (0, 230 + k as i32 * 30),
            font(20.0).color(&MUTED),
        ))
        .map_err(draw_err)?;
    }
    Ok(())
}
