//! The tornado charts of `strikesim sweep`: for one measure, one panel per
//! plan (the first six), one row per input, largest swing on top. A bar
//! runs from the measure with the scenario as written (the dashed line) to
//! the measure with the input at its lowest value (blue) and at its highest
//! (vermillion, hatched, so the two differ in grey); each end is labelled
//! with the input's value. Every panel shares the x axis, in the measure's
//! unit, so the plans' swings compare by length.

use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::style::{
    bold, draw_err, fit_text, font, frame, hatch, house_mesh, padded_range, register_fonts, Area,
    MUTED, TEXT,
};
use super::{render, ChartError, Drawing};
use crate::ensemble::metrics::Metric;
use crate::output::human;
use crate::output::sweep::{SweepData, TornadoBar, TORNADO_CHARTS};
use crate::output::{OutputError, OutputFile};

/// The input at its lowest value: Okabe-Ito blue.
const LOW: RGBColor = RGBColor(0x00, 0x72, 0xB2);
/// The input at its highest value: Okabe-Ito vermillion, hatched.
const HIGH: RGBColor = RGBColor(0xD5, 0x5E, 0x00);
/// Room for the input names left of each panel, px.
const LABEL_ROOM: u32 = 330;
/// The most plans drawn; every plan is in `tornado.csv`.
const MAX_PANELS: usize = 6;

/// The tornado charts of a sweep as PNG and SVG under `charts/`.
pub(crate) fn tornado_chart_files(
    data: &SweepData,
) -> Result<Vec<OutputFile<'static>>, OutputError> {
    register_fonts();
    let mut files = Vec::new();
    for (metric, name) in TORNADO_CHARTS {
        let chart = Tornado { data, metric };
        files.extend(render(name, &chart).map_err(|source| OutputError::Chart {
            chart: name,
            source,
        })?);
    }
    Ok(files)
}

struct Tornado<'a> {
    data: &'a SweepData,
    metric: Metric,
}

impl Tornado<'_> {
    fn what(&self) -> (&'static str, &'static str) {
        match self.metric {
            Metric::RttOver18wEnd => (
                "extra patients waiting over 18 weeks at the end",
                "Extra patients waiting over 18 weeks at the end (patients)",
            ),
            Metric::ElectiveCancelled => (
                "extra elective operations cancelled",
                "Extra elective operations cancelled (operations)",
            ),
            _ => ("the measure", "Effect of the strike"),
        }
    }
}

impl Drawing for Tornado<'_> {
    fn draw<DB: DrawingBackend>(&self, root: &Area<DB>) -> Result<(), ChartError> {
        let data = self.data;
        let plans: Vec<&String> = data.plans.iter().take(MAX_PANELS).collect();
        let bars: Vec<Vec<TornadoBar>> =
            plans.iter().map(|p| data.tornado(p, self.metric)).collect();
        let (x0, x1) = padded_range(
            bars.iter()
                .flatten()
                .flat_map(|b| [b.at_low, b.at_base, b.at_high])
                .filter(|v| v.is_finite()),
            &[],
            0.10,
        );
        let span = x1 - x0;
        let (x0, x1) = (x0 - span * 0.04, x1 + span * 0.02);
        let (what, axis) = self.what();
        let more = if data.plans.len() > MAX_PANELS {
            format!(" The first {MAX_PANELS} plans; all are in tornado.csv.")
        } else {
            String::new()
        };
        let subtitle = format!(
            "The strike's effect (plan minus no strike, same replication), mean of {} replications, \
             with one input at its lowest and highest value and the others as written. Same random \
             numbers at every point.{more}",
            data.replications
        );
        let (plot, legend) = frame(
            root,
            &format!("What moves the {what}"),
            &subtitle,
            &data.source_line(),
        )?;
        let panels = plot.split_evenly((plans.len().max(1), 1));
        for (k, (panel, (plan, bars))) in panels.iter().zip(plans.iter().zip(&bars)).enumerate() {
            let last = k + 1 == plans.len();
            draw_panel(panel, plan, bars, data, (x0, x1), last.then_some(axis))?;
        }
        draw_key(&legend)
    }
}

/// One plan's panel: its name, then a row per input.
fn draw_panel<DB: DrawingBackend>(
    panel: &Area<DB>,
    plan: &str,
    bars: &[TornadoBar],
    data: &SweepData,
    (x0, x1): (f64, f64),
    axis: Option<&str>,
) -> Result<(), ChartError> {
    let (title, size) = fit_text(panel, plan, 24.0, panel.dim_in_pixel().0 - 20);
    panel
        .draw_text(&title, &bold(size), (LABEL_ROOM as i32 - 10, 4))
        .map_err(draw_err)?;
    let n = bars.len().max(1);
    let mut chart = ChartBuilder::on(panel)
        .margin_top(36)
        .margin_right(20)
        .x_label_area_size(if axis.is_some() { 80 } else { 40 })
        .y_label_area_size(LABEL_ROOM)
        .build_cartesian_2d(x0..x1, 0.0..n as f64)
        .map_err(draw_err)?;
    let mut mesh = chart.configure_mesh();
    house_mesh(&mut mesh)
        .disable_y_mesh()
        .y_labels(0)
        .x_labels(8)
        .x_label_formatter(&|v| human::count(*v));
    if let Some(axis) = axis {
        mesh.x_desc(axis);
    }
    mesh.draw().map_err(draw_err)?;
    let area = chart.plotting_area().strip_coord_spec();
    let (dx, dy) = chart.plotting_area().get_base_pixel();
    let (px, py) = panel.get_base_pixel();
    let pixel = |x: f64, y: f64| {
        let (a, b) = chart.backend_coord(&(x, y));
        (a - dx, b - dy)
    };
    for (i, bar) in bars.iter().enumerate() {
        let input = &data.inputs[bar.input];
        let y = (n - i) as f64 - 0.5;
        // The input's name, right-aligned left of the axis: a plan's lever
        // on one line, the plan under it.
        let (_, ly) = chart.backend_coord(&(x0, y));
        let (lever, plan) = input.label();
        let (name, size) = fit_text(panel, &lever, 22.0, LABEL_ROOM - 30);
        let at = ((dx - px) - 14, ly - py);
        let (main_pos, at) = match plan {
            Some(_) => (VPos::Bottom, (at.0, at.1 + 2)),
            None => (VPos::Center, at),
        };
        panel
            .draw(&Text::new(
                name,
                at,
                font(size).pos(Pos::new(HPos::Right, main_pos)),
            ))
            .map_err(draw_err)?;
        if let Some(plan) = plan {
            let (plan, size) = fit_text(panel, &format!("plan {plan}"), 18.0, LABEL_ROOM - 30);
            panel
                .draw(&Text::new(
                    plan,
                    (at.0, at.1 + 2),
                    font(size)
                        .color(&MUTED)
                        .pos(Pos::new(HPos::Right, VPos::Top)),
                ))
                .map_err(draw_err)?;
        }
        if bar.swing() == 0.0 && bar.at_base.is_finite() {
            let (tx, ty) = pixel(bar.at_base, y);
            area.draw(&Text::new(
                if input.low() == input.high() {
                    format!("one value, {}", input.show(input.low()))
                } else {
                    format!(
                        "no change from {} to {}",
                        input.show(input.low()),
                        input.show(input.high())
                    )
                },
                (tx + 10, ty),
                font(18.0)
                    .color(&MUTED)
                    .pos(Pos::new(HPos::Left, VPos::Center)),
            ))
            .map_err(draw_err)?;
            continue;
        }
        // The end further from the base first, so the nearer stays seen.
        let mut ends = [
            (bar.at_low, LOW, input.show(input.low()), false),
            (bar.at_high, HIGH, input.show(input.high()), true),
        ];
        ends.sort_by(|a, b| {
            (b.0 - bar.at_base)
                .abs()
                .total_cmp(&(a.0 - bar.at_base).abs())
        });
        for (k, (end, colour, label, hatched)) in ends.iter().enumerate() {
            if !end.is_finite() || !bar.at_base.is_finite() {
                continue;
            }
            let half = if k == 0 { 0.32 } else { 0.2 };
            // Top left, bottom right; at least 2 px wide.
            let a = pixel(bar.at_base.min(*end), y + half);
            let b = pixel(bar.at_base.max(*end), y - half);
            let b = (b.0.max(a.0 + 2), b.1);
            area.draw(&Rectangle::new([a, b], colour.filled()))
                .map_err(draw_err)?;
            if *hatched {
                hatch(&area, a, b, WHITE.mix(0.7))?;
            }
            area.draw(&Rectangle::new([a, b], BLACK.stroke_width(1)))
                .map_err(draw_err)?;
            let right = *end >= bar.at_base;
            let (tx, ty) = pixel(*end, y);
            let (tx, anchor) = if right {
                (tx + 8, HPos::Left)
            } else {
                (tx - 8, HPos::Right)
            };
            area.draw(&Text::new(
                label.clone(),
                (tx, ty),
                font(18.0).color(&TEXT).pos(Pos::new(anchor, VPos::Center)),
            ))
            .map_err(draw_err)?;
        }
    }
    if bars.first().is_some_and(|b| b.at_base.is_finite()) {
        let base = bars[0].at_base;
        let (top, bottom) = (pixel(base, n as f64), pixel(base, 0.0));
        area.draw(&DashedPathElement::new(
            vec![top, bottom],
            10,
            6,
            TEXT.stroke_width(3),
        ))
        .map_err(draw_err)?;
    }
    Ok(())
}

/// The key: the two bar colours and the base line.
fn draw_key<DB: DrawingBackend>(legend: &Area<DB>) -> Result<(), ChartError> {
    legend
        .draw_text("Key", &bold(24.0), (0, 0))
        .map_err(draw_err)?;
    let entries: [(&str, Option<RGBColor>, bool); 3] = [
        ("Input at its lowest value", Some(LOW), false),
        ("Input at its highest value", Some(HIGH), true),
        ("Scenario as written", None, false),
    ];
    for (k, (label, colour, hatched)) in entries.iter().enumerate() {
        let y = 70 + k as i32 * 60;
        match colour {
            Some(c) => {
                let (a, b) = ((0, y - 16), (64, y + 16));
                legend
                    .draw(&Rectangle::new([a, b], c.filled()))
                    .map_err(draw_err)?;
                if *hatched {
                    hatch(legend, a, b, WHITE.mix(0.7))?;
                }
                legend
                    .draw(&Rectangle::new([a, b], BLACK.stroke_width(1)))
                    .map_err(draw_err)?;
            }
            None => {
                legend
                    .draw(&DashedPathElement::new(
                        vec![(32, y - 18), (32, y + 18)],
                        8,
                        5,
                        TEXT.stroke_width(3),
                    ))
                    .map_err(draw_err)?;
            }
        }
        let room = legend.dim_in_pixel().0.saturating_sub(84);
        let (label, size) = fit_text(legend, label, 22.0, room);
        legend
            .draw(&Text::new(
                label,
                (80, y),
                font(size).pos(Pos::new(HPos::Left, VPos::Center)),
            ))
            .map_err(draw_err)?;
    }
    legend
        .draw(&Text::new(
            "Each end is labelled with the input's value.".to_string(),
            (0, 70 + 3 * 60),
            font(18.0)
                .color(&MUTED)
                .pos(Pos::new(HPos::Left, VPos::Center)),
        ))
        .map_err(draw_err)?;
    Ok(())
}
