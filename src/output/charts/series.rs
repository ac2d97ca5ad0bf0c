//! The two charts of `strikesim series`: `series` (horizontal bars of each
//! strike's extra elective operations postponed, split inpatient / day case,
//! with the 5th to 95th percentile of the total) and `series-ratio` (each
//! strike's extra operations over the reference strike's, with its range
//! and a reference line at 1). One row per strike, the reference on top.
//! Inpatient is solid dark grey, day case light grey with hatching, so the
//! two differ when printed in grey.

use plotters::coord::types::RangedCoordf64;
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
use crate::output::series::{RatioMethod, Strike};
use crate::output::{OutputError, OutputFile};

/// Inpatient operations: solid dark grey.
const INPATIENT: RGBColor = RGBColor(0x4D, 0x4D, 0x4D);
/// Day-case operations: light grey, hatched in mid grey.
const DAY_CASE: RGBColor = RGBColor(0xD9, 0xD9, 0xD9);
const HATCH: RGBColor = RGBColor(0x80, 0x80, 0x80);
/// Room for the strike labels left of the plot, px.
const LABEL_ROOM: u32 = 400;

/// Both charts of a series as PNG and SVG under `charts/`.
pub(crate) fn series_chart_files(
    strikes: &[Strike],
    source: &str,
) -> Result<Vec<OutputFile<'static>>, OutputError> {
    register_fonts();
    let mut files = Vec::new();
    let bars = Bars { strikes, source };
    files.extend(
        render("series", &bars).map_err(|source| OutputError::Chart {
            chart: "series",
            source,
        })?,
    );
    let ratios = Ratios { strikes, source };
    files.extend(
        render("series-ratio", &ratios).map_err(|source| OutputError::Chart {
            chart: "series-ratio",
            source,
        })?,
    );
    Ok(files)
}

/// The `series` chart.
struct Bars<'a> {
    strikes: &'a [Strike],
    source: &'a str,
}

/// The `series-ratio` chart.
struct Ratios<'a> {
    strikes: &'a [Strike],
    source: &'a str,
}

type Plot<'a, DB> = ChartContext<'a, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>;

/// The centre of strike `i`'s row of `n`, the first at the top.
fn row_y(i: usize, n: usize) -> f64 {
    (n - i) as f64 - 0.5
}

/// A plot of `n` rows over `x`, with the strikes' labels drawn on the left
/// and the x axis labelled `x_desc`.
fn rows_plot<'a, DB: DrawingBackend>(
    plot: &'a Area<DB>,
    strikes: &[Strike],
    x: (f64, f64),
    x_desc: &str,
    x_label: &dyn Fn(&f64) -> String,
) -> Result<Plot<'a, DB>, ChartError> {
    let n = strikes.len();
    let mut chart = ChartBuilder::on(plot)
        .margin_right(20)
        .x_label_area_size(80)
        .y_label_area_size(LABEL_ROOM)
        .build_cartesian_2d(x.0..x.1, 0.0..n as f64)
        .map_err(draw_err)?;
    house_mesh(
        chart
            .configure_mesh()
            .disable_y_mesh()
            .y_labels(0)
            .x_labels(8)
            .x_label_formatter(x_label)
            .x_desc(x_desc),
    )
    .draw()
    .map_err(draw_err)?;
    let (dx, dy) = chart.plotting_area().get_base_pixel();
    let (px, _) = plot.get_base_pixel();
    for (i, s) in strikes.iter().enumerate() {
        let (_, y) = chart.backend_coord(&(x.0, row_y(i, n)));
        let room = LABEL_ROOM - 40;
        let right = (dx - px) - 16;
        let (when, what) = s.label_parts();
        let scenario = if i == 0 {
            format!("{} (reference)", s.scenario)
        } else {
            s.scenario.clone()
        };
        // The dates in bold (measured in the regular face; bold runs about
        // 10% wider), the length and kind, then the run's scenario.
        let lines = [
            (when, 24.0, room * 9 / 10, -30, true, TEXT),
            (what, 22.0, room, -2, false, TEXT),
            (scenario, 18.0, room, 24, false, MUTED),
        ];
        for (text, size, fit, offset, strong, colour) in lines {
            let (text, size) = fit_text(plot, &text, size, fit);
            let style = if strong { bold(size) } else { font(size) };
            plot.draw(&Text::new(
                text,
                (right, y - dy + offset),
                style
                    .color(&colour)
                    .pos(Pos::new(HPos::Right, VPos::Center)),
            ))
            .map_err(draw_err)?;
        }
    }
    Ok(chart)
}

/// A horizontal whisker from `lo` to `hi` at height `y`, with end caps (no
/// mark in between: the median is the bar's end or the dot).
fn whisker<DB: DrawingBackend>(
    chart: &Plot<DB>,
    y: f64,
    lo: f64,
    hi: f64,
) -> Result<(), ChartError> {
    let area = chart.plotting_area().strip_coord_spec();
    let (dx, dy) = chart.plotting_area().get_base_pixel();
    let (a, b) = (chart.backend_coord(&(lo, y)), chart.backend_coord(&(hi, y)));
    let (a, b) = ((a.0 - dx, a.1 - dy), (b.0 - dx, b.1 - dy));
    let stroke = TEXT.stroke_width(3);
    area.draw(&PathElement::new(vec![a, b], stroke))
        .and_then(|_| {
            area.draw(&PathElement::new(
                vec![(a.0, a.1 - 11), (a.0, a.1 + 11)],
                stroke,
            ))
        })
        .and_then(|_| {
            area.draw(&PathElement::new(
                vec![(b.0, b.1 - 11), (b.0, b.1 + 11)],
                stroke,
            ))
        })
        .map_err(draw_err)
}

/// Text left-aligned just right of `x` at height `y` (chart coordinates).
fn value_text<DB: DrawingBackend>(
    chart: &Plot<DB>,
    (x, y): (f64, f64),
    text: &str,
    size: f64,
) -> Result<(), ChartError> {
    let area = chart.plotting_area().strip_coord_spec();
    let (dx, dy) = chart.plotting_area().get_base_pixel();
    let (px, py) = chart.backend_coord(&(x, y));
    area.draw(&Text::new(
        text.to_string(),
        (px - dx + 18, py - dy),
        font(size).pos(Pos::new(HPos::Left, VPos::Center)),
    ))
    .map_err(draw_err)
}

/// A legend entry: a swatch drawn by `swatch` in the box at `y`, then text.
fn legend_entry<DB: DrawingBackend>(
    area: &Area<DB>,
    y: i32,
    label: &str,
    swatch: impl FnOnce(&Area<DB>, (i32, i32), (i32, i32)) -> Result<(), ChartError>,
) -> Result<(), ChartError> {
    swatch(area, (0, y - 16), (64, y + 16))?;
    let room = area.dim_in_pixel().0.saturating_sub(84);
    let (label, size) = fit_text(area, label, 22.0, room);
    area.draw(&Text::new(
        label,
        (80, y),
        font(size).pos(Pos::new(HPos::Left, VPos::Center)),
    ))
    .map_err(draw_err)
}

impl Drawing for Bars<'_> {
    fn draw<DB: DrawingBackend>(&self, root: &Area<DB>) -> Result<(), ChartError> {
        let strikes = self.strikes;
        let total = |s: &Strike| s.spread_of(Metric::ElectiveCancelled);
        let (x0, x1) = padded_range(
            strikes.iter().flat_map(|s| [total(s).p05, total(s).p95]),
            &[0.0],
            0.45,
        );
        let x0 = x0.min(0.0);
        let subtitle = format!(
            "Extra operations over the same world without the strike, first plan of each run. \
             Bar: median of {}; inpatient and day case split in their mean proportion. \
             Whisker: 5th to 95th percentile.",
            replications_words(strikes)
        );
        let (plot, legend) = frame(
            root,
            "Elective operations postponed by each strike",
            &subtitle,
            self.source,
        )?;
        let mut chart = rows_plot(
            &plot,
            strikes,
            (x0, x1),
            "Operations postponed (extra over no strike)",
            &|v| human::count(*v),
        )?;
        let n = strikes.len();
        let area = chart.plotting_area().strip_coord_spec();
        let (dx, dy) = chart.plotting_area().get_base_pixel();
        for (i, s) in strikes.iter().enumerate() {
            let y = row_y(i, n);
            let t = total(s);
            let (ip, dc) = (mean(&s.extra[1]), mean(&s.extra[2]));
            let split = if ip + dc > 0.0 {
                t.p50 * ip.max(0.0) / (ip.max(0.0) + dc.max(0.0))
            } else {
                t.p50
            };
            let half = 0.22;
            chart
                .draw_series([
                    Rectangle::new([(0.0, y - half), (split, y + half)], INPATIENT.filled()),
                    Rectangle::new([(split, y - half), (t.p50, y + half)], DAY_CASE.filled()),
                ])
                .map_err(draw_err)?;
            let (a, b) = (
                chart.backend_coord(&(split, y + half)),
                chart.backend_coord(&(t.p50, y - half)),
            );
            if b.0 > a.0 {
                hatch(
                    &area,
                    (a.0 - dx, a.1 - dy),
                    (b.0 - dx, b.1 - dy),
                    HATCH.mix(1.0),
                )?;
            }
            chart
                .draw_series(std::iter::once(Rectangle::new(
                    [(0.0, y - half), (t.p50, y + half)],
                    BLACK.stroke_width(1),
                )))
                .map_err(draw_err)?;
            whisker(&chart, y, t.p05, t.p95)?;
            value_text(
                &chart,
                (t.p95, y),
                &format!(
                    "{} ({} to {})",
                    human::count(t.p50),
                    human::count(t.p05),
                    human::count(t.p95)
                ),
                22.0,
            )?;
        }
        legend
            .draw_text("Operations", &bold(24.0), (0, 0))
            .map_err(draw_err)?;
        legend_entry(&legend, 70, "Inpatient", |a, p, q| {
            a.draw(&Rectangle::new([p, q], INPATIENT.filled()))
                .map_err(draw_err)
        })?;
        legend_entry(&legend, 130, "Day case", |a, p, q| {
            a.draw(&Rectangle::new([p, q], DAY_CASE.filled()))
                .map_err(draw_err)?;
            hatch(a, p, q, HATCH.mix(1.0))?;
            a.draw(&Rectangle::new([p, q], BLACK.stroke_width(1)))
                .map_err(draw_err)
        })?;
        legend_entry(&legend, 190, "5th to 95th percentile", |a, p, q| {
            let y = (p.1 + q.1) / 2;
            a.draw(&PathElement::new(
                vec![(p.0, y), (q.0, y)],
                TEXT.stroke_width(3),
            ))
            .and_then(|_| {
                a.draw(&PathElement::new(
                    vec![(p.0, p.1), (p.0, q.1)],
                    TEXT.stroke_width(3),
                ))
            })
            .and_then(|_| {
                a.draw(&PathElement::new(
                    vec![(q.0, p.1), (q.0, q.1)],
                    TEXT.stroke_width(3),
                ))
            })
            .map_err(draw_err)
        })?;
        legend_note(&legend, 250, &["Label: median (5th to", "95th percentile)"])
    }
}

/// Muted lines of text in the legend from row `y` down.
fn legend_note<DB: DrawingBackend>(
    area: &Area<DB>,
    y: i32,
    lines: &[&str],
) -> Result<(), ChartError> {
    for (k, line) in lines.iter().enumerate() {
        area.draw_text(line, &font(19.0).color(&MUTED), (0, y + 26 * k as i32))
            .map_err(draw_err)?;
    }
    Ok(())
}

/// The mean of a list (0 when empty).
fn mean(v: &[f64]) -> f64 {
    v.iter().sum::<f64>() / v.len().max(1) as f64
}

/// "20 replications", or "20 to 1,000 replications per run".
fn replications_words(strikes: &[Strike]) -> String {
    let lo = strikes.iter().map(|s| s.replications).min().unwrap_or(0);
    let hi = strikes.iter().map(|s| s.replications).max().unwrap_or(0);
    if lo == hi {
        format!("{} replications", human::count(lo as f64))
    } else {
        format!(
            "{} to {} replications per run",
            human::count(lo as f64),
            human::count(hi as f64)
        )
    }
}

impl Drawing for Ratios<'_> {
    fn draw<DB: DrawingBackend>(&self, root: &Area<DB>) -> Result<(), ChartError> {
        let strikes = self.strikes;
        let reference = &strikes[0];
        let finite = strikes
            .iter()
            .filter_map(|s| s.ratio.value)
            .flat_map(|v| [v.p05, v.p50, v.p95])
            .filter(|v| v.is_finite());
        let (x0, x1) = padded_range(finite, &[0.0, 1.0], 0.45);
        let x0 = x0.min(0.0);
        // Enough decimals that the axis' ticks differ.
        let decimals = if x1 - x0 < 0.6 { 2 } else { 1 };
        let paired = strikes
            .iter()
            .all(|s| s.ratio.method == RatioMethod::Paired);
        let subtitle = if paired {
            "Extra operations of each strike over the reference's, replication by replication \
             (same seed and replications). Dot: median; whisker: 5th to 95th percentile of the ratios."
                .to_string()
        } else {
            "Extra operations of each strike over the reference's. Dot: ratio of medians; whisker: \
             5th percentile over the reference's 95th to 95th over its 5th where runs cannot be paired (see series.md)."
                .to_string()
        };
        let (plot, legend) = frame(
            root,
            &format!("Operations postponed relative to {}", reference.label()),
            &subtitle,
            self.source,
        )?;
        let mut chart = rows_plot(
            &plot,
            strikes,
            (x0, x1),
            "Ratio to the reference strike (1 = as many operations postponed)",
            &|v| format!("{:.*}", decimals, v),
        )?;
        let n = strikes.len();
        let area = chart.plotting_area().strip_coord_spec();
        let (dx, dy) = chart.plotting_area().get_base_pixel();
        let (top, bottom) = (
            chart.backend_coord(&(1.0, n as f64)),
            chart.backend_coord(&(1.0, 0.0)),
        );
        area.draw(&DashedPathElement::new(
            vec![(top.0 - dx, top.1 - dy), (bottom.0 - dx, bottom.1 - dy)],
            10,
            6,
            MUTED.stroke_width(3),
        ))
        .map_err(draw_err)?;
        for (i, s) in strikes.iter().enumerate() {
            let y = row_y(i, n);
            let Some(v) = s.ratio.value else {
                value_text(
                    &chart,
                    (x0, y),
                    "no ratio: the reference postponed no operation",
                    22.0,
                )?;
                continue;
            };
            let hi = if v.p95.is_finite() { v.p95 } else { x1 };
            whisker(&chart, y, v.p05, hi)?;
            chart
                .draw_series(std::iter::once(Circle::new((v.p50, y), 11, BLACK.filled())))
                .map_err(draw_err)?;
            let text = if i == 0 {
                "1.00 (reference)".to_string()
            } else if v.p95.is_finite() {
                format!("{:.2} ({:.2} to {:.2})", v.p50, v.p05, v.p95)
            } else {
                format!("{:.2} ({:.2} to no upper bound)", v.p50, v.p05)
            };
            let at = if v.p95.is_finite() { v.p95 } else { v.p50 };
            value_text(
                &chart,
                (at, y + if v.p95.is_finite() { 0.0 } else { 0.3 }),
                &text,
                22.0,
            )?;
        }
        legend
            .draw_text("Ratio", &bold(24.0), (0, 0))
            .map_err(draw_err)?;
        let unpaired = strikes[1..]
            .iter()
            .all(|s| s.ratio.method == RatioMethod::OfMedians);
        let (dot, range) = if paired {
            ("Median of the ratios", "5th to 95th percentile")
        } else if unpaired {
            ("Ratio of medians", "Ratio of interval ends")
        } else {
            ("Median (see series.md)", "Range (see series.md)")
        };
        legend_entry(&legend, 70, dot, |a, p, q| {
            a.draw(&Circle::new(
                ((p.0 + q.0) / 2, (p.1 + q.1) / 2),
                11,
                BLACK.filled(),
            ))
            .map_err(draw_err)
        })?;
        legend_entry(&legend, 130, range, |a, p, q| {
            let y = (p.1 + q.1) / 2;
            a.draw(&PathElement::new(
                vec![(p.0, y), (q.0, y)],
                TEXT.stroke_width(3),
            ))
            .map_err(draw_err)
        })?;
        legend_entry(&legend, 190, "Reference: 1", |a, p, q| {
            let x = (p.0 + q.0) / 2;
            a.draw(&DashedPathElement::new(
                vec![(x, p.1), (x, q.1)],
                8,
                5,
                MUTED.stroke_width(3),
            ))
            .map_err(draw_err)
        })
    }
}
