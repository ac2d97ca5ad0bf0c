//! Charts of a finished run, drawn with plotters from [`RunData`] alone.
//!
//! Each chart is drawn once per backend: SVG into a `String`, PNG into an
//! in-memory RGB buffer encoded with the `png` crate, and both are written
//! with [`write_atomic`]. Text uses the bundled DejaVu Sans (no system fonts).
//! Colours and line styles are fixed per plan (its index in the manifest's
//! `plans`), so a plan looks the same on every chart; the counterfactual is
//! always black or grey. Nothing here reads files or knows the simulation.

use std::path::{Path, PathBuf};
use std::sync::Once;

use chrono::{Datelike, NaiveDate, NaiveDateTime};
use plotters::coord::Shift;
use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::human;
use crate::ensemble::metrics::{Metric, WeeklyMetric};
use super::run_data::{RunData, COUNTERFACTUAL};
use super::{ensure_writable_dir, write_atomic, OutputError};

/// Width of every chart, px (PNG pixels, SVG user units).
pub const WIDTH: u32 = 1600;
/// Height of every chart, px.
pub const HEIGHT: u32 = 1000;

/// The charts [`render_charts`] writes, each as `NAME.png` and `NAME.svg`.
pub const CHART_NAMES: [&str; 6] = [
    "rtt_within_18w",
    "waiting_list",
    "extra_waiters",
    "over_52w",
    "cancellations",
    "recovery",
];

/// Okabe-Ito colours for the plans, in manifest order (black is kept for the
/// counterfactual).
const PLAN_COLOURS: [RGBColor; 7] = [
    RGBColor(0x00, 0x72, 0xB2), // blue
    RGBColor(0xD5, 0x5E, 0x00), // vermillion
    RGBColor(0x00, 0x9E, 0x73), // bluish green
    RGBColor(0xCC, 0x79, 0xA7), // reddish purple
    RGBColor(0xE6, 0x9F, 0x00), // orange
    RGBColor(0x56, 0xB4, 0xE9), // sky blue
    RGBColor(0xF0, 0xE4, 0x42), // yellow
];
const COUNTERFACTUAL_COLOUR: RGBColor = RGBColor(0x00, 0x00, 0x00);
const COUNTERFACTUAL_BAND: RGBColor = RGBColor(0x80, 0x80, 0x80);
const TEXT: RGBColor = RGBColor(0x22, 0x22, 0x22);
const MUTED: RGBColor = RGBColor(0x55, 0x55, 0x55);
const GRID: RGBColor = RGBColor(0xDD, 0xDD, 0xDD);
const WALKOUT: RGBColor = RGBColor(0xB0, 0xB0, 0xB0);

const FONT: &str = "sans-serif";
static REGULAR: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");
static BOLD: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans-Bold.ttf");

/// Register the bundled font with plotters, once per process.
fn register_fonts() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        // The bytes are a known-good TTF compiled in; failure is a build bug.
        let _ = plotters::style::register_font(FONT, FontStyle::Normal, REGULAR);
        let _ = plotters::style::register_font(FONT, FontStyle::Bold, BOLD);
    });
}

fn font(size: f64) -> TextStyle<'static> {
    (FONT, size).into_font().color(&TEXT)
}

fn bold(size: f64) -> TextStyle<'static> {
    (FONT, size, FontStyle::Bold).into_font().color(&TEXT)
}

/// Marker shapes, so series differ when printed in grey.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Marker {
    None,
    Circle,
    Triangle,
    Square,
    Diamond,
    Cross,
}

/// How one series is drawn: colour, dash pattern (dash, gap in px; `None`
/// for solid) and marker.
#[derive(Clone, Copy, Debug)]
struct SeriesStyle {
    colour: RGBColor,
    band: RGBColor,
    dash: Option<(u32, u32)>,
    marker: Marker,
}

/// The colour of a plan as `#RRGGBB`: `None` is the counterfactual, `Some(i)`
/// the i-th plan of the manifest. Tests use this to find series in SVGs.
pub fn plan_colour_hex(plan_index: Option<usize>) -> String {
    let c = series_style(plan_index).colour;
    format!("#{:02X}{:02X}{:02X}", c.0, c.1, c.2)
}

fn series_style(plan_index: Option<usize>) -> SeriesStyle {
    const DASHES: [Option<(u32, u32)>; 4] = [Some((22, 8)), Some((8, 7)), None, Some((3, 6))];
    const MARKERS: [Marker; 5] = [
        Marker::Circle,
        Marker::Triangle,
        Marker::Square,
        Marker::Diamond,
        Marker::Cross,
    ];
    match plan_index {
        None => SeriesStyle {
            colour: COUNTERFACTUAL_COLOUR,
            band: COUNTERFACTUAL_BAND,
            dash: None,
            marker: Marker::None,
        },
        Some(i) => {
            let colour = PLAN_COLOURS[i % PLAN_COLOURS.len()];
            SeriesStyle {
                colour,
                band: colour,
                dash: DASHES[i % DASHES.len()],
                marker: MARKERS[i % MARKERS.len()],
            }
        }
    }
}

fn draw_err<E: std::fmt::Display>(e: E) -> String {
    e.to_string()
}

/// One chart, drawable on any plotters backend.
trait Chart {
    fn name(&self) -> &'static str;
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), String>;
}

/// Draw `chart` as SVG and PNG into `dir`; return both paths.
fn render<C: Chart>(chart: &C, dir: &Path) -> Result<Vec<PathBuf>, OutputError> {
    let fail = |e: String| OutputError::Other(format!("drawing chart {}: {e}", chart.name()));

    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, HEIGHT)).into_drawing_area();
        chart.draw(&root).map_err(fail)?;
        root.present().map_err(|e| fail(e.to_string()))?;
    }
    let svg_path = dir.join(format!("{}.svg", chart.name()));
    write_atomic(&svg_path, svg.as_bytes())?;

    let mut rgb = vec![0u8; (WIDTH * HEIGHT * 3) as usize];
    {
        let root = BitMapBackend::with_buffer(&mut rgb, (WIDTH, HEIGHT)).into_drawing_area();
        chart.draw(&root).map_err(fail)?;
        root.present().map_err(|e| fail(e.to_string()))?;
    }
    let png_path = dir.join(format!("{}.png", chart.name()));
    write_atomic(&png_path, &encode_png(&rgb).map_err(fail)?)?;
    Ok(vec![png_path, svg_path])
}

/// Encode an RGB buffer of WIDTH x HEIGHT as PNG, deterministically.
fn encode_png(rgb: &[u8]) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut out, WIDTH, HEIGHT);
        encoder.set_color(png::ColorType::Rgb);
        encoder.set_depth(png::BitDepth::Eight);
        let mut writer = encoder.write_header().map_err(draw_err)?;
        writer.write_image_data(rgb).map_err(draw_err)?;
    }
    Ok(out)
}

/// Draw every chart of the run into `dir` (created if missing) as PNG and
/// SVG, and return the files written.
pub fn render_charts(data: &RunData, dir: &Path) -> Result<Vec<PathBuf>, OutputError> {
    render_chart_set(&ChartSet::from_run(data), dir)
}

/// What the charts show: the series to draw (one per plan, in colour order)
/// and the world they share. A single run is one set; a comparison merges
/// several runs into one.
pub(crate) struct ChartSet<'a> {
    pub runs: Vec<&'a RunData>,
    /// (label, run index, plan name in that run, colour index)
    pub series: Vec<(String, usize, String, Option<usize>)>,
    pub source: String,
}

impl<'a> ChartSet<'a> {
    pub fn from_run(data: &'a RunData) -> Self {
        let series = data
            .plans()
            .into_iter()
            .map(|p| (p.to_string(), 0, p.to_string(), data.plan_index(p)))
            .collect();
        ChartSet {
            runs: vec![data],
            series,
            source: data.source_line(),
        }
    }

    fn first(&self) -> &RunData {
        self.runs[0]
    }
}

pub(crate) fn render_chart_set(set: &ChartSet, dir: &Path) -> Result<Vec<PathBuf>, OutputError> {
    register_fonts();
    ensure_writable_dir(dir)?;
    let n = set.first().manifest.replications;
    let mut files = Vec::new();
    let fans = [
        FanChart {
            name: "rtt_within_18w",
            title: "Share of the RTT waiting list within 18 weeks",
            y_desc: "Patients waiting under 18 weeks (% of list)",
            metric: WeeklyMetric::Within18wPct,
            with_counterfactual: true,
            percent: true,
            standard: Some(92.0),
        },
        FanChart {
            name: "waiting_list",
            title: "RTT waiting list size",
            y_desc: "Patients on the RTT waiting list",
            metric: WeeklyMetric::WaitingList,
            with_counterfactual: true,
            percent: false,
            standard: None,
        },
        FanChart {
            name: "extra_waiters",
            title: "Extra patients waiting because of the walkouts",
            y_desc: "Extra patients on the list (plan minus no-strike world)",
            metric: WeeklyMetric::ExtraWaiters,
            with_counterfactual: false,
            percent: false,
            standard: None,
        },
        FanChart {
            name: "over_52w",
            title: "Patients waiting 52 weeks or more",
            y_desc: "Patients waiting 52+ weeks",
            metric: WeeklyMetric::Over52w,
            with_counterfactual: true,
            percent: false,
            standard: None,
        },
    ];
    for fan in &fans {
        files.extend(render(&Bound { set, chart: fan, n }, dir)?);
    }
    files.extend(render(
        &Bound {
            set,
            chart: &CancellationChart,
            n,
        },
        dir,
    )?);
    files.extend(render(
        &Bound {
            set,
            chart: &RecoveryChart,
            n,
        },
        dir,
    )?);
    Ok(files)
}

/// A chart kind bound to the data it draws.
struct Bound<'a, 'b, K> {
    set: &'a ChartSet<'b>,
    chart: &'a K,
    n: u64,
}

trait ChartKind {
    fn name(&self) -> &'static str;
    fn draw<DB: DrawingBackend>(
        &self,
        set: &ChartSet,
        n: u64,
        root: &DrawingArea<DB, Shift>,
    ) -> Result<(), String>;
}

impl<K: ChartKind> Chart for Bound<'_, '_, K> {
    fn name(&self) -> &'static str {
        self.chart.name()
    }
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), String> {
        self.chart.draw(self.set, self.n, root)
    }
}

/// A pixel-addressed drawing area.
type Area<DB> = DrawingArea<DB, Shift>;

/// Legend panel width, px.
const LEGEND_WIDTH: u32 = 380;

/// Title, subtitle and source line; returns (plot area, legend area).
fn frame<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    title: &str,
    subtitle: &str,
    source: &str,
) -> Result<(Area<DB>, Area<DB>), String> {
    root.fill(&WHITE).map_err(draw_err)?;
    // Measured in the regular face; bold runs about 10% wider.
    let (title, size) = fit_text(root, title, 40.0, (WIDTH - 80) * 9 / 10);
    root.draw_text(&title, &bold(size), (40, 22))
        .map_err(draw_err)?;
    let (subtitle, size) = fit_text(root, subtitle, 24.0, WIDTH - 80);
    root.draw_text(&subtitle, &font(size).color(&MUTED), (40, 76))
        .map_err(draw_err)?;
    root.draw_text(
        &format!("Source: {source}"),
        &font(21.0).color(&MUTED),
        (40, HEIGHT as i32 - 42),
    )
    .map_err(draw_err)?;
    let body = root.margin(120, 60, 20, 30);
    let (plot, legend) = body.split_horizontally(WIDTH - 50 - LEGEND_WIDTH);
    Ok((plot, legend.margin(30, 0, 20, 0)))
}

/// A legend entry: what the swatch shows, then its label.
enum Swatch {
    /// A series line over its band (band `None` for no band).
    Series(SeriesStyle, bool),
    /// A bar fill.
    Bar(SeriesStyle),
    /// A shaded span (walkout days).
    Shade(RGBColor),
    /// A plain dashed reference line.
    Reference(RGBColor),
}

fn draw_legend<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    heading: &str,
    entries: &[(Swatch, String)],
) -> Result<(), String> {
    area.draw_text(heading, &bold(24.0), (0, 0))
        .map_err(draw_err)?;
    let row = 52;
    for (k, (swatch, label)) in entries.iter().enumerate() {
        let y = 60 + k as i32 * row;
        match swatch {
            Swatch::Series(style, band) => {
                if *band {
                    area.draw(&Rectangle::new(
                        [(0, y - 14), (72, y + 14)],
                        style.band.mix(0.22).filled(),
                    ))
                    .map_err(draw_err)?;
                }
                draw_line(area, vec![(0, y), (72, y)], style)?;
                draw_marker(area, (36, y), style)?;
            }
            Swatch::Bar(style) => {
                area.draw(&Rectangle::new(
                    [(10, y - 16), (62, y + 16)],
                    bar_fill(style).filled(),
                ))
                .map_err(draw_err)?;
                area.draw(&Rectangle::new(
                    [(10, y - 16), (62, y + 16)],
                    BLACK.stroke_width(1),
                ))
                .map_err(draw_err)?;
                draw_marker(area, (36, y + 2), &on_bar(style))?;
            }
            Swatch::Shade(c) => {
                area.draw(&Rectangle::new(
                    [(20, y - 18), (52, y + 18)],
                    c.mix(0.45).filled(),
                ))
                .map_err(draw_err)?;
            }
            Swatch::Reference(c) => {
                area.draw(&DashedPathElement::new(
                    vec![(0, y), (72, y)],
                    10,
                    6,
                    c.stroke_width(3),
                ))
                .map_err(draw_err)?;
            }
        }
        // A second line (after '\n') is a smaller note under the label.
        let mut lines = label.splitn(2, '\n');
        let room = area.dim_in_pixel().0.saturating_sub(92);
        let (main, size) = fit_text(area, lines.next().unwrap_or(""), 22.0, room);
        match lines.next() {
            None => area.draw(&Text::new(
                main,
                (88, y),
                font(size).pos(Pos::new(HPos::Left, VPos::Center)),
            )),
            Some(note) => area
                .draw(&Text::new(
                    main,
                    (88, y - 2),
                    font(size).pos(Pos::new(HPos::Left, VPos::Bottom)),
                ))
                .and_then(|_| {
                    let (note, note_size) = fit_text(area, note, 18.0, room);
                    area.draw(&Text::new(
                        note,
                        (88, y + 2),
                        font(note_size)
                            .color(&MUTED)
                            .pos(Pos::new(HPos::Left, VPos::Top)),
                    ))
                }),
        }
        .map_err(draw_err)?;
    }
    Ok(())
}

/// The font size (down to 60% of `size`) at which `text` fits in `room`
/// pixels; past that, the text is cut with an ellipsis.
fn fit_text<DB: DrawingBackend>(
    area: &Area<DB>,
    text: &str,
    size: f64,
    room: u32,
) -> (String, f64) {
    let width = |t: &str, s: f64| {
        area.estimate_text_size(t, &font(s))
            .map(|(w, _)| w)
            .unwrap_or(u32::MAX)
    };
    let mut s = size;
    while s > size * 0.6 && width(text, s) > room {
        s -= 1.0;
    }
    let mut t: Vec<char> = text.chars().collect();
    while t.len() > 1 && width(&t.iter().collect::<String>(), s) > room {
        t.pop();
        if width(&format!("{}…", t.iter().collect::<String>()), s) <= room {
            return (format!("{}…", t.iter().collect::<String>()), s);
        }
    }
    (t.into_iter().collect(), s)
}

fn bar_fill(style: &SeriesStyle) -> RGBAColor {
    if style.marker == Marker::None {
        RGBColor(0xBB, 0xBB, 0xBB).mix(1.0)
    } else {
        style.colour.mix(0.85)
    }
}

/// A plan's marker drawn over its own bar: black, so it shows on the fill.
fn on_bar(style: &SeriesStyle) -> SeriesStyle {
    SeriesStyle {
        colour: BLACK,
        ..*style
    }
}

/// A series line in backend (pixel) coordinates, solid or dashed.
fn draw_line<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    points: Vec<(i32, i32)>,
    style: &SeriesStyle,
) -> Result<(), String> {
    let stroke = style.colour.stroke_width(4);
    match style.dash {
        None => area.draw(&PathElement::new(points, stroke)),
        Some((dash, gap)) => area.draw(&DashedPathElement::new(points, dash, gap, stroke)),
    }
    .map_err(draw_err)
}

/// A marker in backend (pixel) coordinates.
fn draw_marker<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    (x, y): (i32, i32),
    style: &SeriesStyle,
) -> Result<(), String> {
    let fill = style.colour.filled();
    let outline = WHITE.stroke_width(2);
    let r = 8;
    let result = match style.marker {
        Marker::None => return Ok(()),
        Marker::Circle => area
            .draw(&Circle::new((x, y), r, fill))
            .and_then(|_| area.draw(&Circle::new((x, y), r, outline))),
        Marker::Triangle => {
            let pts = vec![
                (x, y - r - 2),
                (x + r + 1, y + r - 1),
                (x - r - 1, y + r - 1),
            ];
            area.draw(&Polygon::new(pts, fill))
        }
        Marker::Square => area.draw(&Rectangle::new(
            [(x - r + 1, y - r + 1), (x + r - 1, y + r - 1)],
            fill,
        )),
        Marker::Diamond => {
            let pts = vec![
                (x, y - r - 2),
                (x + r + 2, y),
                (x, y + r + 2),
                (x - r - 2, y),
            ];
            area.draw(&Polygon::new(pts, fill))
        }
        Marker::Cross => area
            .draw(&PathElement::new(
                vec![(x - r, y - r), (x + r, y + r)],
                style.colour.stroke_width(4),
            ))
            .and_then(|_| {
                area.draw(&PathElement::new(
                    vec![(x - r, y + r), (x + r, y - r)],
                    style.colour.stroke_width(4),
                ))
            }),
    };
    result.map_err(draw_err)
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

/// Padded value range covering `values`, optionally forced to include `extra`.
fn padded_range(values: impl Iterator<Item = f64>, extra: &[f64], pad_top: f64) -> (f64, f64) {
    let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
    for v in values.chain(extra.iter().copied()) {
        lo = lo.min(v);
        hi = hi.max(v);
    }
    if !lo.is_finite() {
        return (0.0, 1.0);
    }
    let span = (hi - lo).max(hi.abs() * 0.01).max(1e-6);
    (lo - span * 0.06, hi + span * pad_top)
}

/// Week-by-week median with a 5-95% band, one series per plan.
struct FanChart {
    name: &'static str,
    title: &'static str,
    y_desc: &'static str,
    metric: WeeklyMetric,
    with_counterfactual: bool,
    percent: bool,
    standard: Option<f64>,
}

impl ChartKind for FanChart {
    fn name(&self) -> &'static str {
        self.name
    }

    fn draw<DB: DrawingBackend>(
        &self,
        set: &ChartSet,
        n: u64,
        root: &DrawingArea<DB, Shift>,
    ) -> Result<(), String> {
        let series: Vec<_> = set
            .series
            .iter()
            .filter(|(_, _, plan, _)| self.with_counterfactual || plan != COUNTERFACTUAL)
            .map(|(label, run, plan, colour)| {
                (
                    label.clone(),
                    series_style(*colour),
                    set.runs[*run].weekly_series(plan, self.metric),
                )
            })
            .collect();
        let first = set.first();
        let origin = series
            .iter()
            .flat_map(|s| s.2.iter().map(|r| r.week_start))
            .min()
            .unwrap_or(first.manifest.period.start);
        let last = series
            .iter()
            .flat_map(|s| s.2.iter().map(|r| r.week_start))
            .max()
            .unwrap_or(first.manifest.period.end);
        let x_max = hour_of(origin, last).max(7 * 24);
        let extra: Vec<f64> = self.standard.into_iter().collect();
        let (y0, y1) = padded_range(
            series
                .iter()
                .flat_map(|s| s.2.iter().flat_map(|r| [r.p05, r.p95])),
            &extra,
            0.16,
        );

        let subtitle = format!(
            "Weekly, by week start. Line: median of {} replications; band: 5th to 95th percentile.",
            human::count(n as f64)
        );
        let (plot, legend) = frame(root, self.title, &subtitle, &set.source)?;
        let percent = self.percent;
        let mut chart = ChartBuilder::on(&plot)
            .margin_right(20)
            .x_label_area_size(80)
            .y_label_area_size(130)
            .build_cartesian_2d(
                (0..x_max).with_key_points(month_starts(origin, 0, x_max)),
                y0..y1,
            )
            .map_err(draw_err)?;
        chart
            .configure_mesh()
            .x_label_formatter(&|d| {
                (origin + chrono::Duration::hours(*d))
                    .format("%-d %b %Y")
                    .to_string()
            })
            .y_label_formatter(&|v| {
                if percent {
                    human::percent(*v)
                } else {
                    human::count(*v)
                }
            })
            .y_labels(8)
            .x_desc("Week starting (Monday)")
            .y_desc(self.y_desc)
            .label_style(font(22.0))
            .axis_desc_style(font(24.0))
            .bold_line_style(GRID.stroke_width(1))
            .light_line_style(TRANSPARENT)
            .axis_style(MUTED.stroke_width(2))
            .draw()
            .map_err(draw_err)?;

        let walkouts = draw_walkouts(&mut chart, first, origin, x_max, (y0, y1))?;

        if let Some(standard) = self.standard {
            chart
                .draw_series(std::iter::once(DashedPathElement::new(
                    vec![(0, standard), (x_max, standard)],
                    14,
                    8,
                    TEXT.stroke_width(3),
                )))
                .map_err(draw_err)?;
            chart
                .draw_series(std::iter::once(Text::new(
                    format!("{}% standard", standard),
                    (x_max, standard + (y1 - y0) * 0.012),
                    bold(22.0).pos(Pos::new(HPos::Right, VPos::Bottom)),
                )))
                .map_err(draw_err)?;
        }

        // Bands first, all of them, so no band covers another plan's line.
        for (_, style, rows) in &series {
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

/// Shade each walkout and label it with its start date; returns how many
/// fell inside the axis.
fn draw_walkouts<DB: DrawingBackend, X: plotters::coord::ranged1d::Ranged<ValueType = i64>>(
    chart: &mut ChartContext<DB, Cartesian2d<X, plotters::coord::types::RangedCoordf64>>,
    data: &RunData,
    origin: NaiveDate,
    x_max: i64,
    (y0, y1): (f64, f64),
) -> Result<usize, String> {
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

/// Cancellations per plan: bars of the mean, whiskers p05..p95.
struct CancellationChart;

const CANCELLATION_GROUPS: [(Metric, &str); 3] = [
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

impl ChartKind for CancellationChart {
    fn name(&self) -> &'static str {
        "cancellations"
    }

    fn draw<DB: DrawingBackend>(
        &self,
        set: &ChartSet,
        n: u64,
        root: &DrawingArea<DB, Shift>,
    ) -> Result<(), String> {
        let rows: Vec<Vec<_>> = CANCELLATION_GROUPS
            .iter()
            .map(|(metric, _)| {
                set.series
                    .iter()
                    .map(|(_, run, plan, _)| set.runs[*run].summary_of(plan, *metric))
                    .collect()
            })
            .collect();
        let (_, y1) = padded_range(
            rows.iter().flatten().flat_map(|r| [r.p95, r.mean]),
            &[0.0],
            0.12,
        );
        let subtitle = format!(
            "From {} (first stand-down decision) to the day after the last walkout. Bar: mean of {} replications; whisker: 5th to 95th percentile (90% interval).",
            human::date(set.runs[0].manifest.period.branch),
            human::count(n as f64)
        );
        let (plot, legend) = frame(
            root,
            "Cancelled operations and outpatient appointments, by plan",
            &subtitle,
            &set.source,
        )?;
        let groups = CANCELLATION_GROUPS.len() as i32;
        let mut chart = ChartBuilder::on(&plot)
            .margin_right(20)
            .x_label_area_size(80)
            .y_label_area_size(130)
            .build_cartesian_2d(
                (0..groups * 100).with_key_points(vec![50, 150, 250]),
                0.0..y1,
            )
            .map_err(draw_err)?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_label_formatter(&|x| {
                let i = (x / 100).clamp(0, groups - 1) as usize;
                CANCELLATION_GROUPS[i].1.to_string()
            })
            .y_label_formatter(&|v| human::count(*v))
            .y_labels(8)
            .y_desc("Cancelled (operations or appointments)")
            .label_style(font(22.0))
            .axis_desc_style(font(24.0))
            .bold_line_style(GRID.stroke_width(1))
            .light_line_style(TRANSPARENT)
            .axis_style(MUTED.stroke_width(2))
            .draw()
            .map_err(draw_err)?;

        let k = set.series.len() as i32;
        let width = 80 / k.max(1);
        let area = chart.plotting_area().strip_coord_spec();
        let (dx, dy) = chart.plotting_area().get_base_pixel();
        for (g, group) in rows.iter().enumerate() {
            for (s, row) in group.iter().enumerate() {
                let style = series_style(set.series[s].3);
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
                chart
                    .draw_series(std::iter::once(Text::new(
                        human::count(row.mean),
                        (xm, row.p95 + y1 * 0.012),
                        font(19.0).pos(Pos::new(HPos::Center, VPos::Bottom)),
                    )))
                    .map_err(draw_err)?;
            }
        }
        let entries: Vec<(Swatch, String)> = set
            .series
            .iter()
            .map(|(label, _, _, colour)| (Swatch::Bar(series_style(*colour)), label.clone()))
            .collect();
        draw_legend(&legend, "Plan", &entries)
    }
}

/// Time to recover: an empirical CDF per plan, with censoring shown.
struct RecoveryChart;

impl ChartKind for RecoveryChart {
    fn name(&self) -> &'static str {
        "recovery"
    }

    fn draw<DB: DrawingBackend>(
        &self,
        set: &ChartSet,
        n: u64,
        root: &DrawingArea<DB, Shift>,
    ) -> Result<(), String> {
        let first = set.first();
        let period = &first.manifest.period;
        let series: Vec<_> = set
            .series
            .iter()
            .filter(|(_, _, plan, _)| plan != COUNTERFACTUAL)
            .map(|(label, run, plan, colour)| {
                let run = set.runs[*run];
                let days = run.replication_values(plan, Metric::RecoveryDays);
                let recovered = run.replication_values(plan, Metric::Recovered);
                (label.clone(), series_style(*colour), days, recovered)
            })
            .collect();
        let censored_at = series
            .iter()
            .flat_map(|s| {
                s.2.iter()
                    .zip(&s.3)
                    .filter(|(_, r)| **r < 0.5)
                    .map(|(d, _)| *d)
            })
            .fold(f64::NAN, f64::max);
        let horizon = if censored_at.is_finite() {
            censored_at
        } else {
            (period.end - period.branch).num_days() as f64
        };
        let x_max = series
            .iter()
            .flat_map(|s| s.2.iter().copied())
            .fold(horizon, f64::max)
            * 1.04;

        let subtitle = format!(
            "Share of {} replications back within tolerance of the no-strike world (list and 18-week share). Below 100% at the end: some never recovered.",
            human::count(n as f64)
        );
        let (plot, legend) = frame(
            root,
            "Time to recover from the walkouts",
            &subtitle,
            &set.source,
        )?;
        let mut chart = ChartBuilder::on(&plot)
            .margin_right(20)
            .x_label_area_size(80)
            .y_label_area_size(130)
            .build_cartesian_2d(0.0..x_max, 0.0..108.0)
            .map_err(draw_err)?;
        chart
            .configure_mesh()
            .x_label_formatter(&|v| human::count(*v))
            .y_label_formatter(&|v| format!("{v:.0}%"))
            .x_labels(10)
            .y_labels(6)
            .x_desc("Days to recover")
            .y_desc("Replications recovered (%)")
            .label_style(font(22.0))
            .axis_desc_style(font(24.0))
            .bold_line_style(GRID.stroke_width(1))
            .light_line_style(TRANSPARENT)
            .axis_style(MUTED.stroke_width(2))
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

        let area = chart.plotting_area().strip_coord_spec();
        let (dx, dy) = chart.plotting_area().get_base_pixel();
        let mut entries = Vec::new();
        for (k, (label, style, days, recovered)) in series.iter().enumerate() {
            let total = days.len().max(1) as f64;
            let mut done: Vec<f64> = days
                .iter()
                .zip(recovered)
                .filter(|(_, r)| **r >= 0.5)
                .map(|(d, _)| *d)
                .collect();
            done.sort_by(f64::total_cmp);
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
            let not_recovered = days.len() - done.len();
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
            entries.push((
                Swatch::Series(*style, false),
                format!("{label}\n{not_recovered} of {} not recovered", days.len()),
            ));
        }
        entries.push((Swatch::Reference(TEXT), "End of run (censoring)".into()));
        draw_legend(&legend, "Plan", &entries)
    }
}
