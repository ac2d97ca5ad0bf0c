//! Charts of the fixture run: every chart exists as PNG and SVG of the stated
//! size, and every plan's series is drawn (in its own colour) and named in
//! the legend.

use std::path::{Path, PathBuf};

use strikesim::output::charts::{chart_names, plan_colour_hex, Charts, HEIGHT, WIDTH};
use strikesim::output::run_data::{RunData, COUNTERFACTUAL};
use strikesim::output::{write_files, Exporter};

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/run_small")
}

fn rendered() -> (tempfile::TempDir, RunData, Vec<PathBuf>) {
    let data = RunData::load(&fixture()).expect("fixture loads");
    let tmp = tempfile::tempdir().unwrap();
    let charts = Charts.files(&data).expect("charts render");
    let files = write_files(tmp.path(), charts).expect("charts written");
    (tmp, data, files)
}

#[test]
fn every_chart_is_a_png_and_an_svg_of_the_stated_size() {
    let (_tmp, _data, files) = rendered();
    assert_eq!(files.len(), chart_names().count() * 2);
    for name in chart_names() {
        let png_path = files
            .iter()
            .find(|f| f.file_name().unwrap() == format!("{name}.png").as_str())
            .unwrap_or_else(|| panic!("{name}.png written"));
        let decoder = png::Decoder::new(std::fs::File::open(png_path).unwrap());
        let mut reader = decoder.read_info().expect("valid PNG header");
        let mut buf = vec![0; reader.output_buffer_size()];
        let info = reader.next_frame(&mut buf).expect("PNG decodes");
        assert_eq!(
            (info.width, info.height),
            (WIDTH, HEIGHT),
            "{name}.png size"
        );
        let first = &buf[..3];
        assert!(
            buf.chunks(3).any(|px| px != first),
            "{name}.png is a single colour"
        );

        let svg = std::fs::read_to_string(png_path.with_extension("svg")).unwrap();
        let doc = roxmltree::Document::parse(&svg).expect("SVG is XML");
        let root = doc.root_element();
        assert_eq!(root.tag_name().name(), "svg");
        assert_eq!(root.attribute("width"), Some(WIDTH.to_string().as_str()));
        assert_eq!(root.attribute("height"), Some(HEIGHT.to_string().as_str()));
    }
}

/// The stroke colours of the SVG's polylines (the series lines, solid or
/// dashed), upper case.
fn line_colours(svg: &str) -> Vec<String> {
    let doc = roxmltree::Document::parse(svg).unwrap();
    doc.descendants()
        .filter(|n| n.has_tag_name("polyline"))
        .filter_map(|n| n.attribute("stroke"))
        .map(|c| c.to_uppercase())
        .collect()
}

fn texts(svg: &str) -> Vec<String> {
    let doc = roxmltree::Document::parse(svg).unwrap();
    doc.descendants()
        .filter(|n| n.has_tag_name("text"))
        .filter_map(|n| n.text())
        .map(|t| t.trim().to_string())
        .collect()
}

#[test]
fn every_plan_has_its_line_and_legend_entry() {
    let (tmp, data, _) = rendered();
    let dir = tmp.path().join("charts");
    for (chart, with_counterfactual) in [
        ("rtt_within_18w", true),
        ("rtt_within_18w_difference", false),
        ("waiting_list", true),
        ("over_52w", true),
        ("extra_waiters", false),
        ("recovery", false),
    ] {
        let svg = std::fs::read_to_string(dir.join(format!("{chart}.svg"))).unwrap();
        let colours = line_colours(&svg);
        let labels = texts(&svg);
        for plan in data.plans() {
            let colour = plan_colour_hex(data.plan_index(plan));
            let drawn = colours.iter().filter(|c| **c == colour).count();
            let named = labels.iter().filter(|t| t.as_str() == plan).count();
            if plan == COUNTERFACTUAL && !with_counterfactual {
                assert_eq!(named, 0, "{chart}: the counterfactual is left out");
                continue;
            }
            // Plot line plus legend sample at the least.
            assert!(drawn >= 2, "{chart}: no line for {plan} ({colour})");
            assert_eq!(named, 1, "{chart}: legend entry for {plan}");
        }
    }
}

/// The catch-up chart draws the plans with catch-up sessions alone; the
/// extra waiters chart names them as run without their catch-up.
#[test]
fn the_catch_up_chart_shows_only_catch_up_plans() {
    let (tmp, data, _) = rendered();
    let dir = tmp.path().join("charts");
    let svg = std::fs::read_to_string(dir.join("catch_up.svg")).unwrap();
    let (colours, labels) = (line_colours(&svg), texts(&svg));
    assert!(labels
        .iter()
        .any(|t| t == "Patients taken off the list by catch-up sessions"));
    for plan in data.plans() {
        let colour = plan_colour_hex(data.plan_index(plan));
        let named = labels.iter().filter(|t| t.as_str() == plan).count();
        if data.has_catch_up(plan) {
            assert!(
                colours.iter().filter(|c| **c == colour).count() >= 2,
                "{plan}"
            );
            assert_eq!(named, 1, "legend entry for {plan}");
        } else {
            assert_eq!(named, 0, "{plan} has no catch-up");
        }
    }
    let extra = texts(&std::fs::read_to_string(dir.join("extra_waiters.svg")).unwrap());
    assert!(extra.iter().any(|t| t == "without its catch-up sessions"));
}

#[test]
fn cancellation_bars_for_every_plan_and_group() {
    let (tmp, data, _) = rendered();
    let svg = std::fs::read_to_string(tmp.path().join("charts/cancellations.svg")).unwrap();
    let doc = roxmltree::Document::parse(&svg).unwrap();
    for plan in data.plans() {
        let index = data.plan_index(plan);
        // Bars are filled rects; the counterfactual's are grey.
        let fill = match index {
            None => "#BBBBBB".to_string(),
            Some(_) => plan_colour_hex(index),
        };
        let bars = doc
            .descendants()
            .filter(|n| n.has_tag_name("rect"))
            .filter(|n| n.attribute("fill").map(str::to_uppercase) == Some(fill.clone()))
            // Wider than a marker (a square marker is a rect too).
            .filter(|n| n.attribute("width").and_then(|w| w.parse::<f64>().ok()) > Some(30.0))
            .count();
        // Three groups plus the legend swatch.
        assert_eq!(bars, 4, "cancellations: bars for {plan} ({fill})");
        assert!(texts(&svg).iter().any(|t| t == plan), "legend names {plan}");
    }
}

#[test]
fn charts_are_deterministic() {
    let (a, _, files_a) = rendered();
    let (b, _, _) = rendered();
    for f in files_a {
        let name = f.file_name().unwrap();
        assert_eq!(
            std::fs::read(a.path().join("charts").join(name)).unwrap(),
            std::fs::read(b.path().join("charts").join(name)).unwrap(),
            "{name:?} differs between two renders"
        );
    }
}

/// Not a test: renders the fixture's charts into target/ to look at them.
#[test]
#[ignore]
fn render_fixture_charts_for_viewing() {
    let data = RunData::load(&fixture()).unwrap();
    let out = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/fixture-charts");
    write_files(&out, Charts.files(&data).unwrap()).unwrap();
}
