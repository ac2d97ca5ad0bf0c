//! The RTT snapshots a scenario's trusts start their lists from
//! (`initial_list_from`): each file read once, hashed from the very bytes
//! parsed, every specialty's treatment function checked against it. Files
//! are read beside the scenario file, or, for text from elsewhere (the
//! workbench), only by plain name from one folder.

use super::format::ScenarioFile;
use super::{echo, rtt_csv, validate};
use crate::model::random::{sha256_hex, InputDigest};
use std::path::Path;

/// Per trust, the RTT snapshot its list starts from (if it names a file),
/// and the files read.
pub(super) type InitialLists = (Vec<Option<rtt_csv::RttListSnapshot>>, Vec<InputDigest>);

/// Read each trust's RTT file, if it names one, and check that every
/// specialty's treatment function is in it. Relative paths are taken from
/// `base` (the scenario file's folder). Each file is read once, however
/// many trusts name it, and its snapshots are parsed from the very bytes
/// that are hashed.
/// Where a scenario's RTT files are read from.
#[derive(Debug, Clone, Copy)]
pub(super) enum Files<'a> {
    /// Relative paths from this folder (the scenario file's), absolute
    /// paths as they are.
    Beside(Option<&'a Path>),
    /// Plain file names only, from this folder only.
    Confined(&'a Path),
}

pub(super) fn load_initial_lists(
    file: &ScenarioFile,
    files: Files,
) -> Result<InitialLists, (String, String)> {
    let mut inputs: Vec<InputDigest> = Vec::new();
    let mut contents: Vec<Vec<u8>> = Vec::new();
    let mut lists = Vec::with_capacity(file.trusts.len());
    for (i, t) in file.trusts.iter().enumerate() {
        let Some(src) = &t.initial_list_from else {
            lists.push(None);
            continue;
        };
        let field = || format!("trusts[{i}].initial_list_from");
        let path = match files {
            Files::Beside(Some(b)) if Path::new(&src.file).is_relative() => b.join(&src.file),
            Files::Beside(_) => Path::new(&src.file).to_path_buf(),
            Files::Confined(dir) => {
                let plain = !src.file.is_empty()
                    && !src.file.starts_with('.')
                    && src
                        .file
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
                if !plain {
                    return Err((
                        format!("{}.file", field()),
                        format!(
                            "\"{}\" is not allowed here: name a CSV uploaded beside this scenario by its plain file name (letters, digits, '-', '_', '.'; no folder), e.g. \"rtt-2015-12.csv\"",
                            echo::clip(&src.file)
                        ),
                    ));
                }
                let path = dir.join(&src.file);
                if !path.is_file() {
                    return Err((
                        format!("{}.file", field()),
                        format!(
                            "no file \"{}\" has been uploaded beside this scenario; upload the RTT CSV and name it here",
                            src.file
                        ),
                    ));
                }
                path
            }
        };
        let read = match inputs.iter().position(|d| d.file == src.file) {
            Some(k) => k,
            None => {
                let bytes = std::fs::read(&path).map_err(|source| {
                    let e = rtt_csv::RttCsvError::Io {
                        file: path.display().to_string(),
                        source,
                    };
                    (field(), e.to_string())
                })?;
                inputs.push(InputDigest {
                    file: src.file.clone(),
                    sha256: sha256_hex(&bytes),
                });
                contents.push(bytes);
                contents.len() - 1
            }
        };
        let snapshot = rtt_csv::parse_part2(
            contents[read].as_slice(),
            &path.display().to_string(),
            &src.provider,
        )
        .map_err(|e| (field(), e.to_string()))?;
        for (j, sp) in t.specialties.iter().enumerate() {
            let largest = validate::largest_waiting_list();
            let listed = snapshot
                .function(&sp.code)
                .map(rtt_csv::FunctionWaits::total);
            if let Some(n) = listed.filter(|&n| n as f64 > largest) {
                return Err((
                    field(),
                    format!(
                        "{} lists {n} patients for {} in treatment function \"{}\"; a specialty's list may hold at most {largest:.0} (as for `waiting_list`): is this the right file and provider?",
                        path.display(),
                        snapshot.provider_code,
                        sp.code
                    ),
                ));
            }
            if listed.is_none() {
                let codes: Vec<&str> = snapshot.functions.iter().map(|f| f.code.as_str()).collect();
                return Err((
                    format!("trusts[{i}].specialties[{j}].code"),
                    format!(
                        "treatment function \"{}\" has no incomplete pathways for {} in {}; the file has: {}",
                        sp.code,
                        snapshot.provider_code,
                        path.display(),
                        codes.join(", ")
                    ),
                ));
            }
        }
        lists.push(Some(snapshot));
    }
    Ok((lists, inputs))
}
