//! Comparisons in the workbench: the runs' folders handed to the same
//! library call as `strikesim compare` (so the same refusals), written
//! into `.web/compare/ID/`, and shown as a headline table of the labelled
//! plans with the charts and files of the comparison.

use super::api::{blocking, body, file_response, Param, Shared};
use super::results::{self, ChartLink, FileLink, TableJson};
use super::store::{self, Store};
use super::WebError;
use crate::app;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::State;
use axum::response::Response;
use axum::Json;
use serde::Deserialize;
use std::collections::HashMap;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CompareBody {
    runs: Vec<String>,
}

pub(super) async fn compare(
    State(s): Shared,
    bytes: Result<Bytes, BytesRejection>,
) -> Result<Json<serde_json::Value>, WebError> {
    let b: CompareBody = body(bytes)?;
    blocking(move || {
        if b.runs.len() < 2 {
            return Err(WebError::Invalid {
                message: format!("runs: {} given; allowed: two or more runs to compare", b.runs.len()),
                findings: Vec::new(),
            });
        }
        let dirs = b
            .runs
            .iter()
            .map(|id| results::find_run(&s.jobs, &s.store, id).and_then(|r| results::finished_dir(&s.jobs, &r)))
            .collect::<Result<Vec<_>, _>>()?;
        let (id, out) = store::claim(&s.store.compare_dir(), "c")
            .map_err(|e| WebError::Internal(format!("cannot make the comparison's folder: {e}")))?;
        // The refusal names runs by id, not by where the server keeps them.
        let root = format!("{}/", s.store.root().display());
        app::compare(&dirs, &out).map_err(|e| {
            let _ = std::fs::remove_dir(&out);
            WebError::Invalid {
                message: e.to_string().replace(&root, ""),
                findings: Vec::new(),
            }
        })?;
        let base = format!("/compare/{id}/files");
        let table = compare_table(&out.join("compare.csv"))?;
        let files = results::folder_files(&out);
        // In the report's order, as on a run's page.
        let charts: Vec<ChartLink> = crate::output::charts::captioned_charts()
            .filter(|(stem, _)| files.iter().any(|(n, _)| *n == format!("charts/{stem}.svg")))
            .map(|(stem, caption)| ChartLink {
                name: stem.to_string(),
                title: caption.to_string(),
                svg: format!("{base}/charts/{stem}.svg"),
            })
            .collect();
        let files: Vec<FileLink> = files
            .into_iter()
            .map(|(name, bytes)| FileLink { url: format!("{base}/{name}"), name, bytes })
            .collect();
        Ok(Json(serde_json::json!({ "id": id, "runs": b.runs, "table": table, "charts": charts, "files": files })))
    })
    .await
}

/// A comparison's headline table, as a run's: the measures as rows, the
/// no-strike world then each labelled plan as columns (from its
/// `compare.csv`, whose long form is the download).
fn compare_table(path: &std::path::Path) -> Result<TableJson, WebError> {
    let bad = |e: &dyn std::fmt::Display| {
        WebError::Internal(format!("cannot read {}: {e}", path.display()))
    };
    let mut reader = csv::Reader::from_path(path).map_err(|e| bad(&e))?;
    let header = reader.headers().map_err(|e| bad(&e))?.clone();
    let at = |name: &str| {
        header
            .iter()
            .position(|h| h == name)
            .ok_or_else(|| bad(&format!("no column {name}")))
    };
    let (label, metric) = (at("label")?, at("metric")?);
    let own = [at("mean")?, at("ci95_low")?, at("ci95_high")?];
    let effect = [
        at("effect_mean")?,
        at("effect_ci95_low")?,
        at("effect_ci95_high")?,
    ];
    let mut columns: Vec<(String, bool)> = Vec::new();
    let mut cells: HashMap<(String, String), csv::StringRecord> = HashMap::new();
    for record in reader.records() {
        let record = record.map_err(|e| bad(&e))?;
        let l = record.get(label).unwrap_or_default().to_string();
        if !columns.iter().any(|(c, _)| *c == l) {
            let counterfactual = l == crate::output::run_data::COUNTERFACTUAL;
            columns.push((l.clone(), counterfactual));
        }
        cells.insert(
            (l, record.get(metric).unwrap_or_default().to_string()),
            record,
        );
    }
    columns.sort_by_key(|(_, own)| !own);
    let table = crate::output::report::headline_from(&columns, |i, m| {
        let (name, is_own) = &columns[i];
        let r = cells.get(&(name.clone(), m.name().to_string()))?;
        let f = |k: usize| r.get(k).and_then(|v| v.parse::<f64>().ok());
        let k = if *is_own { own } else { effect };
        Some((f(k[0])?, f(k[1])?, f(k[2])?))
    });
    Ok(TableJson {
        header: table.header,
        rows: table.rows,
    })
}

pub(super) async fn compare_file(
    State(s): Shared,
    Param((id, path)): Param<(String, String)>,
) -> Result<Response, WebError> {
    blocking(move || {
        let dir = Store::entry(&s.store.compare_dir(), &id).ok_or_else(|| {
            WebError::NotFound(format!("no comparison \"{}\"", crate::scenario::clip(&id)))
        })?;
        let listed = results::folder_files(&dir)
            .into_iter()
            .any(|(n, _)| n == path);
        let bytes = listed
            .then(|| std::fs::read(dir.join(&path)).ok())
            .flatten()
            .ok_or_else(|| {
                WebError::NotFound(format!(
                    "comparison {id} has no file \"{}\"",
                    crate::scenario::clip(&path)
                ))
            })?;
        Ok(file_response(&path, bytes))
    })
    .await
}
