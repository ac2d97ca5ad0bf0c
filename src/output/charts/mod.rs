//! Charts of a run, drawn with plotters from [`RunData`] alone.
//!
//! Each chart is drawn once per backend: SVG into a `String`, PNG into an
//! in-memory RGB buffer encoded with the `png` crate; the [`Charts`]
//! exporter returns both as bytes under `charts/`. Text uses the bundled
//! DejaVu Sans (no system fonts). Colours and line styles are fixed per
//! plan (its index in the manifest's `plans`), so a plan looks the same on
//! every chart; the counterfactual is always black or grey. The look is in
//! [`style`]; each chart (or family) has its own file. Nothing here reads
//! or writes files or knows the simulation.

mod cancellations;
mod fan;
mod recovery;
mod series;
mod specialties;
mod style;
mod tornado;
mod waterfall;

use plotters::prelude::*;

use super::run_data::RunData;
use super::{Exporter, OutputError, OutputFile};
use style::{register_fonts, Area};

pub(crate) use series::series_chart_files;
pub(crate) use specialties::signed_decimal1;
pub use specialties::BreakdownChart;
pub use style::{plan_colour_hex, HEIGHT, WIDTH};
pub(crate) use tornado::tornado_chart_files;

/// A failure drawing a chart.
#[derive(Debug, thiserror::Error)]
pub enum ChartError {
    /// A plotters backend error, as text (its type depends on the backend).
    #[error("{0}")]
    Draw(String),
    #[error("cannot encode PNG: {0}")]
    Png(#[from] png::EncodingError),
}

/// One series of the charts: a plan of one of the runs.
#[derive(Debug, Clone)]
pub(crate) struct Series {
    /// The name in the legend.
    pub label: String,
    /// Index of its run in [`ChartSet::runs`].
    pub run: usize,
    /// The plan's name in that run.
    pub plan: String,
    /// Its colour and style: `None` for the counterfactual, else the plan's
    /// position.
    pub colour: Option<usize>,
}

/// What the charts show: the series to draw (one per plan, in colour order)
/// and the world they share. A single run is one set; a comparison merges
/// several runs into one.
pub(crate) struct ChartSet<'a> {
    pub runs: Vec<&'a RunData>,
    pub series: Vec<Series>,
    /// The line under every chart.
    pub source: String,
}

impl<'a> ChartSet<'a> {
    pub fn from_run(data: &'a RunData) -> Self {
        let series = data
            .plans()
            .into_iter()
            .map(|p| Series {
                label: p.to_string(),
                run: 0,
                plan: p.to_string(),
                colour: data.plan_index(p),
            })
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

    /// The run a series comes from.
    fn run_of(&self, s: &Series) -> &RunData {
        self.runs[s.run]
    }

    /// Replications of the runs (they share them).
    fn replications(&self) -> u64 {
        self.first().manifest.replications
    }
}

/// Every chart, in the order the report shows them.
#[derive(Debug, Clone, Copy)]
pub enum Chart {
    /// A weekly fan chart.
    Fan(&'static fan::FanChart),
    Cancellations,
    Recovery,
    Waterfall,
}

impl Chart {
    pub const ALL: [Chart; 9] = [
        Chart::Fan(&fan::WITHIN_18W),
        Chart::Fan(&fan::WITHIN_18W_DIFF),
        Chart::Fan(&fan::WAITING_LIST),
        Chart::Fan(&fan::EXTRA_WAITERS),
        Chart::Fan(&fan::CATCH_UP),
        Chart::Fan(&fan::OVER_52W),
        Chart::Cancellations,
        Chart::Recovery,
        Chart::Waterfall,
    ];

    /// The file stem under `charts/`.
    pub fn name(self) -> &'static str {
        match self {
            Chart::Fan(f) => f.name,
            Chart::Cancellations => "cancellations",
            Chart::Recovery => "recovery",
            Chart::Waterfall => "waterfall",
        }
    }

    /// What the report says under it.
    pub fn caption(self) -> &'static str {
        match self {
            Chart::Fan(f) => f.caption,
            Chart::Cancellations => {
                "All cancelled operations and outpatient appointments, by plan, background cancellations included"
            }
            Chart::Recovery => "Time to recover, by plan",
            Chart::Waterfall => {
                "What moved the waiting list from the first walkout day to the end, each plan against no strike"
            }
        }
    }

    fn draw<DB: DrawingBackend>(self, set: &ChartSet, root: &Area<DB>) -> Result<(), ChartError> {
        match self {
            Chart::Fan(f) => f.draw(set, root),
            Chart::Cancellations => cancellations::draw(set, root),
            Chart::Recovery => recovery::draw(set, root),
            Chart::Waterfall => waterfall::draw(set, root),
        }
    }

    /// The chart as PNG and SVG files under `charts/`.
    fn render(self, set: &ChartSet) -> Result<[OutputFile<'static>; 2], ChartError> {
        render(self.name(), &Drawn(self, set))
    }
}

/// Anything drawn onto a chart canvas, whatever the backend.
pub(crate) trait Drawing {
    fn draw<DB: DrawingBackend>(&self, root: &Area<DB>) -> Result<(), ChartError>;
}

/// A run's chart drawn from its set.
struct Drawn<'s, 'a>(Chart, &'s ChartSet<'a>);

impl Drawing for Drawn<'_, '_> {
    fn draw<DB: DrawingBackend>(&self, root: &Area<DB>) -> Result<(), ChartError> {
        self.0.draw(self.1, root)
    }
}

/// `drawing` as `charts/NAME.png` and `charts/NAME.svg`.
fn render(name: &str, drawing: &impl Drawing) -> Result<[OutputFile<'static>; 2], ChartError> {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, HEIGHT)).into_drawing_area();
        drawing.draw(&root)?;
        root.present().map_err(style::draw_err)?;
    }
    let mut rgb = vec![0u8; (WIDTH * HEIGHT * 3) as usize];
    {
        let root = BitMapBackend::with_buffer(&mut rgb, (WIDTH, HEIGHT)).into_drawing_area();
        drawing.draw(&root)?;
        root.present().map_err(style::draw_err)?;
    }
    let path = |ext: &str| format!("charts/{name}.{ext}");
    Ok([
        OutputFile::bytes(path("png"), encode_png(&rgb)?),
        OutputFile::bytes(path("svg"), svg.into_bytes()),
    ])
}

/// The file stems of every chart, in order.
pub fn chart_names() -> impl Iterator<Item = &'static str> {
    Chart::ALL.into_iter().map(Chart::name)
}

/// Encode an RGB buffer of WIDTH x HEIGHT as PNG, deterministically.
fn encode_png(rgb: &[u8]) -> Result<Vec<u8>, ChartError> {
    let mut out = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut out, WIDTH, HEIGHT);
        encoder.set_color(png::ColorType::Rgb);
        encoder.set_depth(png::BitDepth::Eight);
        let mut writer = encoder.write_header()?;
        writer.write_image_data(rgb)?;
    }
    Ok(out)
}

/// Every chart of `set` as PNG and SVG files under `charts/`.
pub(crate) fn chart_files(set: &ChartSet) -> Result<Vec<OutputFile<'static>>, OutputError> {
    register_fonts();
    let mut files = Vec::new();
    for chart in Chart::ALL {
        let pair = chart.render(set).map_err(|source| OutputError::Chart {
            chart: chart.name(),
            source,
        })?;
        files.extend(pair);
    }
    Ok(files)
}

/// The charts of a run: `charts/NAME.png` and `charts/NAME.svg`, those
/// of [`Chart::ALL`] and then the run's [`BreakdownChart`]s.
pub struct Charts;

impl Exporter for Charts {
    fn files<'a>(&self, run: &'a RunData) -> Result<Vec<OutputFile<'a>>, OutputError> {
        let mut files = chart_files(&ChartSet::from_run(run))?;
        for chart in BreakdownChart::of_run(run) {
            let pair = render(chart.name(), &specialties::Drawn(chart, run)).map_err(|source| {
                OutputError::Chart {
                    chart: chart.name(),
                    source,
                }
            })?;
            files.extend(pair);
        }
        Ok(files)
    }
}

/// Every chart a run can have, as (file stem, caption), in the report's
/// order: [`Chart::ALL`], then [`BreakdownChart::ALL`].
pub fn captioned_charts() -> impl Iterator<Item = (&'static str, &'static str)> {
    let main = Chart::ALL.into_iter().map(|c| (c.name(), c.caption()));
    main.chain(
        BreakdownChart::ALL
            .into_iter()
            .map(|c| (c.name(), c.caption())),
    )
}
