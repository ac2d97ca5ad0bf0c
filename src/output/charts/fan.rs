//! The weekly fan charts: one line per plan (the median over replications)
//! over its 5-95% band, on a time axis with the walkouts shaded. Six
//! charts share this drawing: % within 18 weeks and its difference from the
//! no-strike world, the list, the extra waiters because of the walkouts,
//! the patients catch-up sessions took off the list, and 52-week waiters.
//!
//! A plan with catch-up sessions has its effect on the list split in two:
//! the walkouts' (the plan without its catch-up minus the no-strike world,
//! on the extra waiters chart, labelled so) and the catch-up's (on its own
//! chart), so that the catch-up's gain never reads as the walkouts
//! shortening the list.

use chrono::{Datelike, NaiveDate, NaiveDateTime};
use plotters::coord::ranged1d::Ranged;
use plotters::coord::types::RangedCoordf64;
use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::style::{
    bold, chart_builder, draw_err, draw_legend, draw_line, draw_marker, font, frame, house_mesh,
    padded_range, series_style, Area, Marker, SeriesStyle, Swatch, MUTED, TEXT, WALKOUT,
};
use super::{ChartError, ChartSet};
use crate::ensemble::metrics::{Unit, WeeklyMetric};
use crate::output::human;
use crate::output::rows::WeeklyRow;
use crate::output::run_data::{RunData, COUNTERFACTUAL};

/// The zero line's label on a difference from the no-strike world.
const SAME_AS_NO_STRIKE: &str = "same as no strike";

/// Week-by-week median with a 5-95% band, one series per plan.
#[derive(Debug)]
pub struct FanChart {
    pub name: &'static str,
    pub caption: &'static str,
    title: &'static str,
    y_desc: &'static str,
    metric: WeeklyMetric,
    /// A reference line (the 18-week standard), in the metric's unit.
    standard: Option<f64>,
    /// A difference between branches: draw its zero line, labelled so,
    /// and sign the axis labels ("+100") unless the chart is negated (it
    /// then counts patients taken off).
    zero_line: Option<&'static str>,
    /// Which plans it shows.
    plans: Plans,
    /// Draw minus the metric (its band and median flipped).
    negate: bool,
    /// The legend's note under a plan with catch-up sessions.
    catch_up_note: Option<&'static str>,
    /// What the chart says when no plan has a series on it.
    when_empty: Option<&'static str>,
}

/// The plans a fan chart shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Plans {
    /// The counterfactual and every plan.
    All,
    /// Every plan, not the counterfactual.
    Strike,
    /// The plans with catch-up sessions.
    CatchUp,
}

pub const WITHIN_18W: FanChart = FanChart {
    name: "rtt_within_18w",
    caption: "Share of the RTT waiting list within 18 weeks, with the 92% standard",
    title: "Share of the RTT waiting list within 18 weeks",
    y_desc: "Patients waiting under 18 weeks (% of list)",
    metric: WeeklyMetric::Within18wPct,
    standard: Some(92.0),
    zero_line: None,
    plans: Plans::All,
    negate: false,
    catch_up_note: None,
    when_empty: None,
};

pub const WITHIN_18W_DIFF: FanChart = FanChart {
    name: "rtt_within_18w_difference",
    caption: "Share within 18 weeks, plan minus no strike, in percentage points: above zero when the strike's extra waiters are recent referrals, which dilute the share of long waiters; not an improvement",
    title: "Share within 18 weeks, minus no strike: higher here is not better",
    y_desc: "Plan minus no-strike world (percentage points)",
    metric: WeeklyMetric::Within18wPctDiff,
    standard: None,
    zero_line: Some(SAME_AS_NO_STRIKE),
    plans: Plans::Strike,
    negate: false,
    catch_up_note: None,
    when_empty: None,
};

pub const WAITING_LIST: FanChart = FanChart {
    name: "waiting_list",
    caption: "RTT waiting list size",
    title: "RTT waiting list size",
    y_desc: "Patients on the RTT waiting list",
    metric: WeeklyMetric::WaitingList,
    standard: None,
    zero_line: None,
    plans: Plans::All,
    negate: false,
    catch_up_note: None,
    when_empty: None,
};

pub const EXTRA_WAITERS: FanChart = FanChart {
    name: "extra_waiters",
    caption: "Extra patients waiting because of the walkouts, compared with no strike; for a plan with catch-up sessions, the same plan without them (what the catch-up took off the list is in the next chart)",
    title: "Extra patients waiting because of the walkouts",
    y_desc: "Extra patients on the list (plan minus no-strike world)",
    metric: WeeklyMetric::WalkoutExtraWaiters,
    standard: None,
    zero_line: Some(SAME_AS_NO_STRIKE),
    plans: Plans::Strike,
    negate: false,
    catch_up_note: Some("without its catch-up sessions"),
    when_empty: None,
};

pub const CATCH_UP: FanChart = FanChart {
    name: "catch_up",
    caption: "Patients taken off the waiting list by catch-up sessions: the plan without its catch-up minus the plan, in the same replication",
    title: "Patients taken off the list by catch-up sessions",
    y_desc: "Patients (plan without catch-up minus plan)",
    metric: WeeklyMetric::CatchUpExtraWaiters,
    standard: None,
    zero_line: Some("none taken off"),
    plans: Plans::CatchUp,
    negate: true,
    catch_up_note: None,
    when_empty: Some("No plan in this run adds catch-up sessions."),
};

pub const OVER_52W: FanChart = FanChart {
    name: "over_52w",
    caption: "Patients waiting 52 weeks or more",
    title: "Patients waiting 52 weeks or more",
    y_desc: "Patients waiting 52+ weeks",
    metric: WeeklyMetric::Over52w,
    standard: None,
    zero_line: None,
    plans: Plans::All,
    negate: false,
    catch_up_note: None,
    when_empty: None,
};

/// One plan's weekly rows (as drawn: flipped for a negated chart) and how
/// it is drawn.
type FanSeries = (String, SeriesStyle, Vec<WeeklyRow>);

/// The time and value axes: weeks as hours since `origin`, values padded.
struct Axes {
    origin: NaiveDate,
    x_max: i64,
    y: (f64, f64),
}

impl FanChart {
    fn series(&self, set: &ChartSet) -> Vec<FanSeries> {
        set.series
            .iter()
            .filter(|s| match self.plans {
                Plans::All => true,
                Plans::Strike => s.plan != COUNTERFACTUAL,
                Plans::CatchUp => set.run_of(s).has_catch_up(&s.plan),
            })
            .map(|s| {
                let run = set.run_of(s);
                let label = match self.catch_up_note {
                    Some(note) if run.has_catch_up(&s.plan) => format!("{}\n{note}", s.label),
                    _ => s.label.clone(),
                };
                let rows = run
                    .weekly_series(&s.plan, self.metric)
                    .into_iter()
                    .map(|r| self.as_drawn(r))
                    .collect();
                (label, series_style(s.colour), rows)
            })
            .collect()
    }

    /// A weekly row as the chart draws it: flipped when negated (the 5th
    /// percentile of minus a value is minus its 95th).
    fn as_drawn(&self, r: &WeeklyRow) -> WeeklyRow {
        if !self.negate {
            return r.clone();
        }
        WeeklyRow {
            mean: -r.mean,
            p05: -r.p95,
            p50: -r.p50,
            p95: -r.p05,
            ..r.clone()
        }
    }

    fn axes(&self, set: &ChartSet, series: &[FanSeries]) -> Axes {
        let period = &set.first().manifest.period;
        let weeks = || series.iter().flat_map(|s| s.2.iter().map(|r| r.week_start));
        let origin = weeks().min().unwrap_or(period.start);
        let last = weeks().max().unwrap_or(period.end);
        let extra: Vec<f64> = self
            .standard
            .into_iter()
            .chain(self.zero_line.map(|_| 0.0))
            .collect();
        let y = padded_range(
            series
                .iter()
                .flat_map(|s| s.2.iter().flat_map(|r| [r.p05, r.p95])),
            &extra,
            0.16,
        );
        Axes {
            origin,
            x_max: hour_of(origin, last).max(7 * 24),
            y,
        }
    }

    pub(super) fn draw<DB: DrawingBackend>(
        &self,
        set: &ChartSet,
        root: &Area<DB>,
    ) -> Result<(), ChartError> {
        let series = self.series(set);
        let axes = self.axes(set, &series);
        let Axes { origin, x_max, y } = axes;
        let subtitle = format!(
            "Weekly, by week start. Line: median of {} replications; band: 5th to 95th percentile.",
            human::count(set.replications() as f64)
        );
        let (plot, legend) = frame(root, self.title, &subtitle, &set.source)?;
        let unit = self.metric.unit();
        let months = month_starts(origin, 0, x_max);
        let first_month = months.first().copied();
        // Over more than four months "1 Mar 2016" labels run into each
        // other: name the month alone, with the year on the first and on
        // each January.
        let long = months.len() > 4;
        let mut chart = chart_builder(&plot)
            .build_cartesian_2d((0..x_max).with_key_points(months), y.0..y.1)
            .map_err(draw_err)?;
        house_mesh(
            chart
                .configure_mesh()
                .x_label_formatter(&|d| {
                    let date = origin + chrono::Duration::hours(*d);
                    let format = if !long {
                        "%-d %b %Y"
                    } else if Some(*d) == first_month || date.month() == 1 {
                        "%b %Y"
                    } else {
                        "%b"
                    };
                    date.format(format).to_string()
                })
                .y_label_formatter(&|v| match unit {
                    Unit::Percent => human::percent(*v),
                    Unit::PercentagePoints => human::signed_points(*v),
                    _ if self.zero_line.is_some() && !self.negate => human::signed_count(*v),
                    _ => human::count(*v),
                })
                .y_labels(8)
                .x_desc("Week starting (Monday)")
                .y_desc(self.y_desc),
        )
        .draw()
        .map_err(draw_err)?;

        let walkouts = draw_walkouts(&mut chart, set.first(), &axes)?;
        if let Some(standard) = self.standard {
            draw_standard(&mut chart, standard, &axes)?;
        }
        if let Some(label) = self.zero_line {
            draw_zero_line(&mut chart, label, &axes)?;
        }
        draw_fans(&mut chart, &series, origin)?;
        if let (true, Some(text)) = (series.is_empty(), self.when_empty) {
            chart
                .draw_series(std::iter::once(Text::new(
                    text,
                    (x_max / 2, y.0 + (y.1 - y.0) * 0.6),
                    font(28.0)
                        .color(&MUTED)
                        .pos(Pos::new(HPos::Center, VPos::Center)),
                )))
                .map_err(draw_err)?;
        }

        let mut entries: Vec<(Swatch, String)> = series
            .iter()
            .map(|(label, style, _)| (Swatch::Series(*style, true), label.clone()))
            .collect();
        if walkouts > 0 {
            entries.push((Swatch::Shade(WALKOUT), "Walkout days".into()));
        }
        if let Some(standard) = self.standard {
            entries.push((Swatch::Reference(TEXT), format!("{standard}% standard")));
        }
        draw_legend(&legend, "Plan", &entries)
    }
}

/// A chart on the time axis.
type TimeChart<'a, 'b, DB, X> = ChartContext<'a, DB, Cartesian2d<X, RangedCoordf64>>;

/// The dashed reference line across the chart, labelled at its right end.
fn draw_standard<DB: DrawingBackend, X: Ranged<ValueType = i64>>(
    chart: &mut TimeChart<DB, X>,
    standard: f64,
    axes: &Axes,
) -> Result<(), ChartError> {
    let (y0, y1) = axes.y;
    chart
        .draw_series(std::iter::once(DashedPathElement::new(
            vec![(0, standard), (axes.x_max, standard)],
            14,
            8,
            TEXT.stroke_width(3),
        )))
        .map_err(draw_err)?;
    chart
        .draw_series(std::iter::once(Text::new(
            format!("{}% standard", standard),
            (axes.x_max, standard + (y1 - y0) * 0.012),
            bold(22.0).pos(Pos::new(HPos::Right, VPos::Bottom)),
        )))
        .map_err(draw_err)?;
    Ok(())
}

/// The solid line at zero difference, labelled `label` at its right end.
fn draw_zero_line<DB: DrawingBackend, X: Ranged<ValueType = i64>>(
    chart: &mut TimeChart<DB, X>,
    label: &'static str,
    axes: &Axes,
) -> Result<(), ChartError> {
    let (y0, y1) = axes.y;
    chart
        .draw_series(std::iter::once(PathElement::new(
            vec![(0, 0.0), (axes.x_max, 0.0)],
            TEXT.stroke_width(2),
        )))
        .map_err(draw_err)?;
    chart
        .draw_series(std::iter::once(Text::new(
            label,
            (axes.x_max, (y1 - y0) * 0.012),
            font(20.0)
                .color(&MUTED)
                .pos(Pos::new(HPos::Right, VPos::Bottom)),
        )))
        .map_err(draw_err)?;
    Ok(())
}

/// Every plan's band, then every plan's median line with its markers (bands
/// first, so no band covers another plan's line).
fn draw_fans<DB: DrawingBackend, X: Ranged<ValueType = i64>>(
    chart: &mut TimeChart<DB, X>,
    series: &[FanSeries],
    origin: NaiveDate,
) -> Result<(), ChartError> {
    for (_, style, rows) in series {
        let mut outline: Vec<(i64, f64)> = rows
            .iter()
            .map(|r| (hour_of(origin, r.week_start), r.p95))
            .collect();
        outline.extend(
            rows.iter()
                .rev()
                .map(|r| (hour_of(origin, r.week_start), r.p05)),
        );
        let alpha = if style.marker == Marker::None {
            0.2
        } else {
            0.13
        };
        chart
            .draw_series(std::iter::once(Polygon::new(
                outline,
                style.band.mix(alpha).filled(),
            )))
            .map_err(draw_err)?;
    }
    let area = chart.plotting_area().strip_coord_spec();
    let (dx, dy) = chart.plotting_area().get_base_pixel();
    for (k, (_, style, rows)) in series.iter().enumerate() {
        let px: Vec<(i32, i32)> = rows
            .iter()
            .map(|r| {
                let (x, y) = chart.backend_coord(&(hour_of(origin, r.week_start), r.p50));
                (x - dx, y - dy)
            })
            .collect();
        draw_line(&area, px.clone(), style)?;
        for p in px.iter().skip(1 + k % 4).step_by(4) {
            draw_marker(&area, *p, style)?;
        }
    }
    Ok(())
}

/// Shade each walkout and label it with its start date; returns how many
/// fell inside the axis.
fn draw_walkouts<DB: DrawingBackend, X: Ranged<ValueType = i64>>(
    chart: &mut TimeChart<DB, X>,
    data: &RunData,
    axes: &Axes,
) -> Result<usize, ChartError> {
    let Axes {
        origin,
        x_max,
        y: (y0, y1),
    } = *axes;
    let mut shown = 0;
    let mut last_label_x = i64::MIN / 2;
    let mut stagger = 0;
    for w in &data.manifest.walkouts {
        let a = hour_of_time(origin, w.start).max(0);
        let b = hour_of_time(origin, w.end).min(x_max);
        if b <= a {
            continue;
        }
        shown += 1;
        chart
            .draw_series(std::iter::once(Rectangle::new(
                [(a, y0), (b, y1)],
                WALKOUT.mix(0.45).filled(),
            )))
            .map_err(draw_err)?;
        // Labels closer than ~3 weeks would collide: step them down.
        stagger = if a - last_label_x < 21 * 24 {
            stagger + 1
        } else {
            0
        };
        last_label_x = a;
        let y = y1 - (y1 - y0) * (0.015 + 0.05 * stagger as f64);
        chart
            .draw_series(std::iter::once(Text::new(
                w.start.date().format("%-d %b").to_string(),
                (b + x_max / 250, y),
                font(20.0).color(&MUTED),
            )))
            .map_err(draw_err)?;
    }
    Ok(shown)
}

/// Dates on the time axis: whole hours since `origin` (integer, so walkouts
/// that start at 08:00 land exactly, and plotters formats the axis).
fn hour_of(origin: NaiveDate, d: NaiveDate) -> i64 {
    (d - origin).num_hours()
}

fn hour_of_time(origin: NaiveDate, t: NaiveDateTime) -> i64 {
    let start = origin.and_hms_opt(0, 0, 0).expect("midnight exists");
    (t - start).num_hours()
}

/// The first of each month inside `[from, to]`, as axis hours.
fn month_starts(origin: NaiveDate, from: i64, to: i64) -> Vec<i64> {
    let mut out = Vec::new();
    let mut d = NaiveDate::from_ymd_opt(origin.year(), origin.month(), 1).expect("valid month");
    loop {
        let x = hour_of(origin, d);
        if x > to {
            break;
        }
        if x >= from {
            out.push(x);
        }
        d = if d.month() == 12 {
            NaiveDate::from_ymd_opt(d.year() + 1, 1, 1)
        } else {
            NaiveDate::from_ymd_opt(d.year(), d.month() + 1, 1)
        }
        .expect("valid month");
    }
    out
}
