//! How every chart looks: size, colours, fonts, per-plan series styles
//! (colour, dash, marker), the frame (title, subtitle, source line), the
//! legend, the axis style, markers and lines in pixel coordinates, and
//! fitting text into a width. The charts themselves are in the sibling
//! files; nothing here knows a metric.

use std::sync::Once;

use plotters::chart::{ChartBuilder, MeshStyle};
use plotters::coord::ranged1d::Ranged;
use plotters::coord::Shift;
use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::ChartError;

/// Width of every chart, px (PNG pixels, SVG user units).
pub const WIDTH: u32 = 1600;
/// Height of every chart, px.
pub const HEIGHT: u32 = 1000;

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
pub(super) const TEXT: RGBColor = RGBColor(0x22, 0x22, 0x22);
pub(super) const MUTED: RGBColor = RGBColor(0x55, 0x55, 0x55);
const GRID: RGBColor = RGBColor(0xDD, 0xDD, 0xDD);
pub(super) const WALKOUT: RGBColor = RGBColor(0xB0, 0xB0, 0xB0);

const FONT: &str = "sans-serif";
static REGULAR: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSans.ttf");
static BOLD: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSans-Bold.ttf");

/// Register the bundled font with plotters, once per process.
pub(super) fn register_fonts() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        // The bytes are a known-good TTF compiled in; failure is a build bug.
        let _ = plotters::style::register_font(FONT, FontStyle::Normal, REGULAR);
        let _ = plotters::style::register_font(FONT, FontStyle::Bold, BOLD);
    });
}

pub(super) fn font(size: f64) -> TextStyle<'static> {
    (FONT, size).into_font().color(&TEXT)
}

pub(super) fn bold(size: f64) -> TextStyle<'static> {
    (FONT, size, FontStyle::Bold).into_font().color(&TEXT)
}

/// Marker shapes, so series differ when printed in grey.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Marker {
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
pub(super) struct SeriesStyle {
    pub colour: RGBColor,
    pub band: RGBColor,
    pub dash: Option<(u32, u32)>,
    pub marker: Marker,
}

/// The colour of a plan as `#RRGGBB`: `None` is the counterfactual, `Some(i)`
/// the i-th plan of the manifest. Tests use this to find series in SVGs.
pub fn plan_colour_hex(plan_index: Option<usize>) -> String {
    let c = series_style(plan_index).colour;
    format!("#{:02X}{:02X}{:02X}", c.0, c.1, c.2)
}

pub(super) fn series_style(plan_index: Option<usize>) -> SeriesStyle {
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

/// A plotters error as a [`ChartError`] (its type depends on the backend).
pub(super) fn draw_err<E: std::fmt::Display>(e: E) -> ChartError {
    ChartError::Draw(e.to_string())
}

/// A pixel-addressed drawing area.
pub(super) type Area<DB> = DrawingArea<DB, Shift>;

/// Legend panel width, px.
const LEGEND_WIDTH: u32 = 380;

/// Title, subtitle and source line; returns (plot area, legend area).
pub(super) fn frame<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    title: &str,
    subtitle: &str,
    source: &str,
) -> Result<(Area<DB>, Area<DB>), ChartError> {
    root.fill(&WHITE).map_err(draw_err)?;
    // Measured in the regular face; bold runs about 10% wider.
    let (title, size) = fit_text(root, title, 40.0, (WIDTH - 80) * 9 / 10);
    root.draw_text(&title, &bold(size), (40, 22))
        .map_err(draw_err)?;
    let (subtitle, size) = fit_text(root, subtitle, 24.0, WIDTH - 80);
    root.draw_text(&subtitle, &font(size).color(&MUTED), (40, 76))
        .map_err(draw_err)?;
    // A long list of scenarios is shrunk, then cut, to fit the width.
    let (source, size) = fit_text(root, &format!("Source: {source}"), 21.0, WIDTH - 80);
    root.draw_text(&source, &font(size).color(&MUTED), (40, HEIGHT as i32 - 42))
        .map_err(draw_err)?;
    let body = root.margin(120, 60, 20, 30);
    let (plot, legend) = body.split_horizontally(WIDTH - 50 - LEGEND_WIDTH);
    Ok((plot, legend.margin(30, 0, 20, 0)))
}

/// A legend entry: what the swatch shows, then its label.
pub(super) enum Swatch {
    /// A series line over its band (band `None` for no band).
    Series(SeriesStyle, bool),
    /// A bar fill.
    Bar(SeriesStyle),
    /// A shaded span (walkout days).
    Shade(RGBColor),
    /// A plain dashed reference line.
    Reference(RGBColor),
}

pub(super) fn draw_legend<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    heading: &str,
    entries: &[(Swatch, String)],
) -> Result<(), ChartError> {
    area.draw_text(heading, &bold(24.0), (0, 0))
        .map_err(draw_err)?;
    let row = 52;
    for (k, (swatch, label)) in entries.iter().enumerate() {
        let y = 60 + k as i32 * row;
        draw_swatch(area, swatch, y)?;
        draw_legend_label(area, label, y)?;
    }
    Ok(())
}

/// A legend entry's swatch, centred on row `y`.
fn draw_swatch<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    swatch: &Swatch,
    y: i32,
) -> Result<(), ChartError> {
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
    Ok(())
}

/// A legend entry's label on row `y`; a second line (after '\n') is a
/// smaller note under it.
fn draw_legend_label<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    label: &str,
    y: i32,
) -> Result<(), ChartError> {
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
    .map_err(draw_err)
}

/// The font size (down to 60% of `size`) at which `text` fits in `room`
/// pixels; past that, the text is cut with an ellipsis.
pub(super) fn fit_text<DB: DrawingBackend>(
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
    if width(text, s) <= room {
        return (text.to_string(), s);
    }
    // The longest start of the text that fits with an ellipsis, found by
    // halving (one character at a time took minutes on a long name).
    let chars: Vec<char> = text.chars().collect();
    let cut = |k: usize| format!("{}…", chars[..k].iter().collect::<String>());
    let (mut fits, mut too_long) = (0, chars.len());
    while too_long - fits > 1 {
        let mid = (fits + too_long) / 2;
        if width(&cut(mid), s) <= room {
            fits = mid;
        } else {
            too_long = mid;
        }
    }
    if fits == 0 {
        // Not even one character and the ellipsis: the first character.
        return (chars.first().map(|c| c.to_string()).unwrap_or_default(), s);
    }
    (cut(fits), s)
}

pub(super) fn bar_fill(style: &SeriesStyle) -> RGBAColor {
    if style.marker == Marker::None {
        RGBColor(0xBB, 0xBB, 0xBB).mix(1.0)
    } else {
        style.colour.mix(0.85)
    }
}

/// A plan's marker drawn over its own bar: black, so it shows on the fill.
pub(super) fn on_bar(style: &SeriesStyle) -> SeriesStyle {
    SeriesStyle {
        colour: BLACK,
        ..*style
    }
}

/// 45-degree hatching in `colour` over the pixel rectangle from `(x0, y0)`
/// (top left) to `(x1, y1)`.
pub(super) fn hatch<DB: DrawingBackend>(
    area: &Area<DB>,
    (x0, y0): (i32, i32),
    (x1, y1): (i32, i32),
    colour: RGBAColor,
) -> Result<(), ChartError> {
    let h = y1 - y0;
    let mut c = x0 - h;
    while c < x1 {
        let (xs, xe) = (c.max(x0), (c + h).min(x1));
        if xs < xe {
            area.draw(&PathElement::new(
                vec![(xs, y1 - (xs - c)), (xe, y1 - (xe - c))],
                colour.stroke_width(2),
            ))
            .map_err(draw_err)?;
        }
        c += 12;
    }
    Ok(())
}

/// A series line in backend (pixel) coordinates, solid or dashed.
pub(super) fn draw_line<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    points: Vec<(i32, i32)>,
    style: &SeriesStyle,
) -> Result<(), ChartError> {
    let stroke = style.colour.stroke_width(4);
    match style.dash {
        None => area.draw(&PathElement::new(points, stroke)),
        Some((dash, gap)) => area.draw(&DashedPathElement::new(points, dash, gap, stroke)),
    }
    .map_err(draw_err)
}

/// A marker in backend (pixel) coordinates.
pub(super) fn draw_marker<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    (x, y): (i32, i32),
    style: &SeriesStyle,
) -> Result<(), ChartError> {
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

/// Padded value range covering `values`, optionally forced to include `extra`.
pub(super) fn padded_range(
    values: impl Iterator<Item = f64>,
    extra: &[f64],
    pad_top: f64,
) -> (f64, f64) {
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

/// A chart builder with the house margins and axis label room.
pub(super) fn chart_builder<'a, 'b, DB: DrawingBackend>(
    plot: &'a Area<DB>,
) -> ChartBuilder<'a, 'b, DB> {
    let mut builder = ChartBuilder::on(plot);
    builder
        .margin_right(20)
        .x_label_area_size(80)
        .y_label_area_size(130);
    builder
}

/// The house style of axes and grid: label fonts, light grid, muted axes.
pub(super) fn house_mesh<'m, 'a, 'b, X: Ranged, Y: Ranged, DB: DrawingBackend>(
    mesh: &'m mut MeshStyle<'a, 'b, X, Y, DB>,
) -> &'m mut MeshStyle<'a, 'b, X, Y, DB> {
    mesh.label_style(font(22.0))
        .axis_desc_style(font(24.0))
        .bold_line_style(GRID.stroke_width(1))
        .light_line_style(TRANSPARENT)
        .axis_style(MUTED.stroke_width(2))
}

#[cfg(test)]
mod tests {
    use super::*;
    use plotters::prelude::{BitMapBackend, IntoDrawingArea};

    #[test]
    fn a_long_name_is_cut_to_the_longest_start_that_fits() {
        register_fonts();
        let mut buffer = vec![0u8; 400 * 100 * 3];
        let area = BitMapBackend::with_buffer(&mut buffer, (400, 100)).into_drawing_area();
        let width = |t: &str, s: f64| area.estimate_text_size(t, &font(s)).unwrap().0;
        let name = "k".repeat(8000);
        let (cut, size) = fit_text(&area, &name, 20.0, 300);
        assert!(cut.ends_with('…'), "{cut}");
        assert!(width(&cut, size) <= 300);
        // One character more would not fit.
        let longer = format!("{}…", "k".repeat(cut.chars().count()));
        assert!(width(&longer, size) > 300);
        // A short name is left alone.
        assert_eq!(fit_text(&area, "keep-booked", 20.0, 300).0, "keep-booked");
    }
}
