//! The charts of the breakdown by specialty and trust, drawn for a run
//! that has it (`by_specialty_all_trusts.csv`, `by_trust.csv`):
//!
//! - `extra_waiters_by_specialty`: per specialty (summed over the trusts
//!   that have it), each plan's extra patients waiting at the end (plan
//!   minus no strike in the same replication) as a horizontal bar with its
//!   95% interval, the specialties hit hardest at the top;
//! - `extra_over_18w_by_trust`, for runs of more than one trust: per plan,
//!   one dot per trust at its extra patients waiting over 18 weeks at the
//!   end per 1,000 on its list at the start, with the median marked, so the
//!   spread of the trusts' impact shows whatever their size.
//!
//! The report shows them in its section on specialties and trusts, not
//! among [`super::Chart::ALL`].

use plotters::coord::combinators::WithKeyPoints;
use plotters::coord::types::{RangedCoordf64, RangedCoordi32};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::style::{
    bar_fill, bold, chart_builder, draw_err, draw_legend, fit_text, font, frame, house_mesh,
    padded_range, series_style, Area, Swatch, MUTED, TEXT,
};
use super::{ChartError, Drawing};
use crate::ensemble::metrics::Metric;
use crate::output::breakdown::Estimates;
use crate::output::human;
use crate::output::run_data::{RunData, COUNTERFACTUAL};

/// The specialties a chart shows at most; the rest are in the tables.
pub const MAX_SPECIALTIES: usize = 20;

/// The charts of the breakdown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BreakdownChart {
    Specialties,
    Trusts,
}

impl BreakdownChart {
    pub const ALL: [BreakdownChart; 2] = [BreakdownChart::Specialties, BreakdownChart::Trusts];

    /// The file stem under `charts/`.
    pub fn name(self) -> &'static str {
        match self {
            BreakdownChart::Specialties => "extra_waiters_by_specialty",
            BreakdownChart::Trusts => "extra_over_18w_by_trust",
        }
    }

    /// What the report says under it.
    pub fn caption(self) -> &'static str {
        match self {
            BreakdownChart::Specialties => {
                "Extra patients waiting at the end, by specialty and plan, with 95% intervals"
            }
            BreakdownChart::Trusts => {
                "Extra patients waiting over 18 weeks at the end per 1,000 on the list, one dot per trust"
            }
        }
    }

    /// The breakdown charts `run` has: none without the breakdown, the
    /// trusts' only with more than one trust.
    pub fn of_run(run: &RunData) -> Vec<BreakdownChart> {
        if run.breakdown.is_empty() || run.manifest.plans.is_empty() {
            return Vec::new();
        }
        let mut charts = vec![BreakdownChart::Specialties];
        if run.manifest.trusts.len() > 1 {
            charts.push(BreakdownChart::Trusts);
        }
        charts
    }
}

/// A breakdown chart of one run, ready to draw.
pub(super) struct Drawn<'a>(pub BreakdownChart, pub &'a RunData);

impl Drawing for Drawn<'_> {
    fn draw<DB: DrawingBackend>(&self, root: &Area<DB>) -> Result<(), ChartError> {
        match self.0 {
            BreakdownChart::Specialties => draw_specialties(self.1, root),
            BreakdownChart::Trusts => draw_trusts(self.1, root),
        }
    }
}

/// The plans (not the counterfactual) with their colour index.
fn plans(run: &RunData) -> Vec<(&str, Option<usize>)> {
    run.plans()
        .into_iter()
        .filter(|p| *p != COUNTERFACTUAL)
        .map(|p| (p, run.plan_index(p)))
        .collect()
}

/// One specialty's bars: its name and, per plan, the extra waiters'
/// mean and 95% interval.
struct Group {
    name: String,
    bars: Vec<(f64, f64, f64)>,
}

impl Group {
    /// How hard it is hit: the largest mean over the plans.
    fn worst(&self) -> f64 {
        self.bars
            .iter()
            .map(|b| b.0)
            .fold(f64::NEG_INFINITY, f64::max)
    }
}

/// The specialties, hardest hit first (ties by code), at most
/// [`MAX_SPECIALTIES`]; and how many there are in all.
fn groups(run: &RunData, plans: &[(&str, Option<usize>)]) -> (Vec<Group>, usize) {
    let b = &run.breakdown;
    let codes: Vec<(&str, &str)> = b
        .specialty_totals_of(COUNTERFACTUAL, Metric::RttListEnd)
        .iter()
        .map(|r| (r.specialty.as_str(), r.specialty_name.as_str()))
        .collect();
    let mut groups: Vec<Group> = codes
        .iter()
        .map(|(code, name)| Group {
            name: name.to_string(),
            bars: plans
                .iter()
                .map(|(plan, _)| {
                    b.specialty_total(plan, code, Metric::RttListEnd)
                        .map(|r| {
                            let e = r.effect();
                            (e.mean, e.ci95_low, e.ci95_high)
                        })
                        .unwrap_or_default()
                })
                .collect(),
        })
        .collect();
    let all = groups.len();
    // Stable: equal ones stay in code order.
    groups.sort_by(|a, b| b.worst().total_cmp(&a.worst()));
    groups.truncate(MAX_SPECIALTIES);
    (groups, all)
}

type BarChart<'a, DB> =
    ChartContext<'a, DB, Cartesian2d<RangedCoordf64, WithKeyPoints<RangedCoordi32>>>;

fn draw_specialties<DB: DrawingBackend>(run: &RunData, root: &Area<DB>) -> Result<(), ChartError> {
    let plans = plans(run);
    let (groups, all) = groups(run, &plans);
    let trusts = run.manifest.trusts.len();
    let over = if trusts == 1 {
        String::new()
    } else {
        format!(", summed over the {} trusts", human::count(trusts as f64))
    };
    let shown = if groups.len() < all {
        format!(
            " The {} specialties with the most extra waiters of {all}; the rest are in by_specialty_all_trusts.csv.",
            groups.len()
        )
    } else {
        String::new()
    };
    let subtitle = format!(
        "Plan minus no strike in the same replication{over}. Bar: mean of {} replications; whisker: 95% interval.{shown}",
        human::count(run.manifest.replications as f64)
    );
    let (plot, legend) = frame(
        root,
        "Extra patients waiting at the end of the run, by specialty",
        &subtitle,
        &run.source_line(),
    )?;
    // Room past the whiskers for the labels, on the side that has them.
    let (lo, hi) = groups
        .iter()
        .flat_map(|g| g.bars.iter().flat_map(|b| [b.1, b.2]))
        .fold((0.0f64, 0.0f64), |(lo, hi), v| (lo.min(v), hi.max(v)));
    let span = (hi - lo).max(1.0);
    let pad = |end: f64| if end == 0.0 { 0.02 } else { 0.14 } * span;
    let (x0, x1) = (lo - pad(lo), hi + pad(hi));
    // Room for the longest name on the left, within a third of the plot.
    let room = plot.dim_in_pixel().0 / 3;
    let label_width = groups
        .iter()
        .map(|g| {
            let (name, size) = fit_text(&plot, &g.name, 22.0, room);
            plot.estimate_text_size(&name, &font(size))
                .map_or(room, |(w, _)| w)
        })
        .max()
        .unwrap_or(100)
        + 24;
    let n = groups.len().max(1) as i32;
    let centres: Vec<i32> = (0..n).map(|g| g * 100 + 50).collect();
    let names: Vec<String> = groups
        .iter()
        .map(|g| fit_text(&plot, &g.name, 22.0, room).0)
        .collect();
    let mut builder = chart_builder(&plot);
    builder.y_label_area_size(label_width);
    let mut chart = builder
        .build_cartesian_2d(x0..x1, (0..n * 100).with_key_points(centres))
        .map_err(draw_err)?;
    house_mesh(
        chart
            .configure_mesh()
            .disable_y_mesh()
            .y_label_formatter(&|y| {
                // Group 0 (hardest hit) at the top.
                let g = (n - 1 - y / 100).clamp(0, n - 1) as usize;
                names.get(g).cloned().unwrap_or_default()
            })
            .x_label_formatter(&|v| human::signed_count(*v))
            .x_labels(9)
            .x_desc("Extra patients waiting at the end (plan minus no strike)"),
    )
    .draw()
    .map_err(draw_err)?;
    // The zero line: no effect.
    chart
        .draw_series(std::iter::once(PathElement::new(
            vec![(0.0, 0), (0.0, n * 100)],
            TEXT.stroke_width(2),
        )))
        .map_err(draw_err)?;
    draw_bars(&mut chart, &groups, &plans, n)?;
    if groups.is_empty() {
        let (w, h) = plot.dim_in_pixel();
        plot.draw(&Text::new(
            "No specialty in this run",
            (w as i32 / 2, h as i32 / 2),
            font(24.0).pos(Pos::new(HPos::Center, VPos::Center)),
        ))
        .map_err(draw_err)?;
    }
    let entries: Vec<(Swatch, String)> = plans
        .iter()
        .map(|(p, colour)| (Swatch::Bar(series_style(*colour)), p.to_string()))
        .collect();
    draw_legend(&legend, "Plan", &entries)
}

/// Each group's bars, one per plan, top to bottom in plan order, with the
/// 95% interval as a whisker and the mean written past its end.
fn draw_bars<DB: DrawingBackend>(
    chart: &mut BarChart<DB>,
    groups: &[Group],
    plans: &[(&str, Option<usize>)],
    n: i32,
) -> Result<(), ChartError> {
    let k = plans.len().max(1) as i32;
    let height = 80 / k;
    let area = chart.plotting_area().strip_coord_spec();
    let (dx, dy) = chart.plotting_area().get_base_pixel();
    // Labels only where a bar is tall enough to hold one.
    let (_, top) = chart.backend_coord(&(0.0, 0));
    let (_, bottom) = chart.backend_coord(&(0.0, height));
    let labelled = (top - bottom).abs() >= 16;
    let size = f64::from((top - bottom).abs().clamp(14, 24) - 2).min(20.0);
    for (g, group) in groups.iter().enumerate() {
        let base = (n - 1 - g as i32) * 100;
        for (p, &(mean, lo, hi)) in group.bars.iter().enumerate() {
            let style = series_style(plans[p].1);
            // The first plan on top within its group.
            let y1 = base + 90 - p as i32 * height;
            let y0 = y1 - height * 7 / 8;
            let ym = (y0 + y1) / 2;
            chart
                .draw_series([
                    Rectangle::new([(0.0, y0), (mean, y1)], bar_fill(&style).filled()),
                    Rectangle::new([(0.0, y0), (mean, y1)], BLACK.stroke_width(1)),
                ])
                .map_err(draw_err)?;
            let whisker = TEXT.stroke_width(2);
            let cap = (height * 3 / 8).max(1);
            chart
                .draw_series([
                    PathElement::new(vec![(lo, ym), (hi, ym)], whisker),
                    PathElement::new(vec![(lo, ym - cap), (lo, ym + cap)], whisker),
                    PathElement::new(vec![(hi, ym - cap), (hi, ym + cap)], whisker),
                ])
                .map_err(draw_err)?;
            if labelled {
                // Clear of the whisker's far end, on the side the bar
                // points to.
                let (end, pos, gap) = if mean < 0.0 {
                    (lo, HPos::Right, -10)
                } else {
                    (hi, HPos::Left, 10)
                };
                let (x, y) = chart.backend_coord(&(end, ym));
                area.draw(&Text::new(
                    human::signed_count(mean),
                    (x - dx + gap, y - dy),
                    font(size).pos(Pos::new(pos, VPos::Center)),
                ))
                .map_err(draw_err)?;
            }
        }
    }
    Ok(())
}

/// Per plan, each trust's extra patients over 18 weeks at the end per
/// 1,000 on its list at the start (trusts with no list left out).
fn trust_rates(run: &RunData, plans: &[(&str, Option<usize>)]) -> Vec<Vec<(String, f64)>> {
    plans
        .iter()
        .map(|(plan, _)| {
            run.breakdown
                .trusts_of(plan, Metric::RttOver18wEnd)
                .iter()
                .filter_map(|r| {
                    let t = run.manifest.trusts.iter().find(|t| t.code == r.trust)?;
                    (t.initial_waiting_list > 0).then(|| {
                        (
                            r.trust.clone(),
                            1000.0 * r.effect_mean / t.initial_waiting_list as f64,
                        )
                    })
                })
                .collect()
        })
        .collect()
}

/// A number with one decimal and its sign: `+1.5`, `-0.3`, `0.0`.
pub(crate) fn signed_decimal1(v: f64) -> String {
    let s = human::decimal1(v);
    if s.starts_with('-') || s == "0.0" {
        s
    } else {
        format!("+{s}")
    }
}

/// The median of `v` (0 for none).
fn median(v: &[f64]) -> f64 {
    let mut s = v.to_vec();
    s.sort_by(f64::total_cmp);
    match s.len() {
        0 => 0.0,
        n if n % 2 == 1 => s[n / 2],
        n => (s[n / 2 - 1] + s[n / 2]) / 2.0,
    }
}

/// A vertical offset in -1..1 for the `i`-th dot, the same every time:
/// the fractional parts of multiples of the golden ratio spread evenly.
fn jitter(i: usize) -> f64 {
    let golden = 0.618_033_988_749_895;
    ((i as f64 + 1.0) * golden).fract() * 2.0 - 1.0
}

fn draw_trusts<DB: DrawingBackend>(run: &RunData, root: &Area<DB>) -> Result<(), ChartError> {
    let plans = plans(run);
    let rates = trust_rates(run, &plans);
    let subtitle = format!(
        "Plan minus no strike in the same replication, mean of {} replications, per 1,000 patients on the trust's list at the start. Dot: one of {} trusts; bar: the median trust.",
        human::count(run.manifest.replications as f64),
        human::count(run.manifest.trusts.len() as f64),
    );
    let (plot, legend) = frame(
        root,
        "Extra patients waiting over 18 weeks at the end, trust by trust",
        &subtitle,
        &run.source_line(),
    )?;
    let (x0, x1) = padded_range(rates.iter().flatten().map(|r| r.1), &[0.0], 0.06);
    // A narrow axis (small effects) gets two decimals on its medians.
    let median_text = |v: f64| {
        if x1 - x0 < 2.0 && v.abs() >= 0.005 {
            format!("{v:+.2}")
        } else {
            signed_decimal1(v)
        }
    };
    let k = plans.len().max(1) as i32;
    let centres: Vec<i32> = (0..k).map(|p| p * 100 + 50).collect();
    let room = plot.dim_in_pixel().0 / 4;
    let names: Vec<String> = plans
        .iter()
        .map(|(p, _)| fit_text(&plot, p, 22.0, room).0)
        .collect();
    let label_width = names
        .iter()
        .map(|n| {
            plot.estimate_text_size(n, &font(22.0))
                .map_or(room, |(w, _)| w)
        })
        .max()
        .unwrap_or(100)
        + 24;
    let mut builder = chart_builder(&plot);
    builder.y_label_area_size(label_width);
    let mut chart = builder
        .build_cartesian_2d(x0..x1, (0..k * 100).with_key_points(centres))
        .map_err(draw_err)?;
    house_mesh(
        chart
            .configure_mesh()
            .disable_y_mesh()
            .y_label_formatter(&|y| {
                let p = (k - 1 - y / 100).clamp(0, k - 1) as usize;
                names.get(p).cloned().unwrap_or_default()
            })
            .x_label_formatter(&|v| signed_decimal1(*v))
            .x_labels(9)
            .x_desc("Extra patients over 18 weeks at the end per 1,000 on the list at the start"),
    )
    .draw()
    .map_err(draw_err)?;
    chart
        .draw_series(std::iter::once(PathElement::new(
            vec![(0.0, 0), (0.0, k * 100)],
            MUTED.stroke_width(2),
        )))
        .map_err(draw_err)?;
    let area = chart.plotting_area().strip_coord_spec();
    let (dx, dy) = chart.plotting_area().get_base_pixel();
    for (p, trusts) in rates.iter().enumerate() {
        let style = series_style(plans[p].1);
        let centre = (k - 1 - p as i32) * 100 + 50;
        chart
            .draw_series(trusts.iter().enumerate().map(|(i, (_, v))| {
                let y = centre + (jitter(i) * 30.0).round() as i32;
                Circle::new((*v, y), 6, style.colour.mix(0.55).filled())
            }))
            .map_err(draw_err)?;
        let values: Vec<f64> = trusts.iter().map(|t| t.1).collect();
        let mid = median(&values);
        chart
            .draw_series(std::iter::once(PathElement::new(
                vec![(mid, centre - 42), (mid, centre + 42)],
                BLACK.stroke_width(5),
            )))
            .map_err(draw_err)?;
        let (x, y) = chart.backend_coord(&(mid, centre + 42));
        area.draw(&Text::new(
            format!("median {}", median_text(mid)),
            (x - dx, y - dy - 4),
            bold(18.0).pos(Pos::new(HPos::Center, VPos::Bottom)),
        ))
        .map_err(draw_err)?;
    }
    let entries: Vec<(Swatch, String)> = plans
        .iter()
        .map(|(p, colour)| (Swatch::Bar(series_style(*colour)), p.to_string()))
        .collect();
    draw_legend(&legend, "Plan", &entries)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn medians_and_jitter() {
        assert_eq!(median(&[]), 0.0);
        assert_eq!(median(&[3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(&[4.0, 1.0, 2.0, 3.0]), 2.5);
        for i in 0..200 {
            assert!((-1.0..1.0).contains(&jitter(i)));
        }
        assert_eq!(jitter(7), jitter(7));
    }
}
