//! Scenario files: parsing, validation, schema.
//!
//! A scenario goes from TOML text to a [`ScenarioFile`] (serde, unknown
//! fields rejected, each value checked as it is read) and then to a
//! validated [`Scenario`] (cross-field checks: references, the horizon, a
//! rota that can staff its own template). Errors say which file, which
//! field, where (line and column when known), the value and what is allowed;
//! a file's errors, from reading (`read.rs`) and from the checks, are
//! reported in one go.
//! [`Scenario::world`] (in `build.rs`) turns it into the model's
//! [`crate::model::World`].
//!
//! The domain vocabulary (grades, walkout kinds, session times, settings,
//! weekdays) and the value types (`Probability` and friends) belong to the
//! model and are re-exported here for the file format: `scenario` depends
//! on `model`, never the other way round.

mod balance;
mod build;
pub mod bundled;
pub mod echo;
pub mod format;
mod initial_lists;
mod locate;
mod participation;
mod read;
pub mod rtt_csv;
mod schema;
pub mod size;
mod suggest;
pub mod turnout;
mod validate;
pub use validate::{Bound, Entries, Length, BOUNDS, ENTRIES, LENGTHS};
pub mod values;

pub use echo::clip;
pub use format::*;
pub use schema::json_schema;
pub use size::RunSize;
pub use values::{Count, Date, DateTime, NonNegative, Percent, PositiveCount, Probability};

use crate::model::random::{scenario_identity, sha256_hex, InputDigest};
use initial_lists::{load_initial_lists, Files};
use std::fmt;
use std::path::Path;

/// The bundled default scenario: West Hertfordshire Hospitals facing the
/// 48-hour walkout of 26 January 2016.
pub const DEFAULT_SCENARIO: &str = include_str!("../../scenarios/default.toml");
/// How the bundled default is named in errors and the manifest.
pub const DEFAULT_SCENARIO_SOURCE: &str = "<bundled default scenario>";

/// A scenario file that is wrong, and where.
#[derive(Debug, Clone, PartialEq)]
pub struct ScenarioError {
    /// The file (or `<bundled default scenario>`).
    pub file: String,
    /// Dotted path of the field, e.g. `walkouts[0].participation.mean`.
    pub field: Option<String>,
    /// 1-based line and column, where known.
    pub position: Option<(usize, usize)>,
    /// What is wrong, the value found and what is allowed.
    pub message: String,
    /// The other problems found in the same file, in the order checked:
    /// a file's errors are reported in one go.
    pub more: Vec<ScenarioError>,
}

/// A value that looks wrong or a run that is large, in a scenario that can
/// still run: placed and worded like an error, printed as `warning: ...`.
pub type ScenarioWarning = ScenarioError;

impl ScenarioError {
    /// One problem, placed in `text` (when there is one) by its field.
    fn located(source: &str, text: Option<&str>, (field, message): validate::Failure) -> Self {
        ScenarioError {
            file: source.to_string(),
            position: text.and_then(|t| locate::field_position(t, &field)),
            field: Some(field),
            message,
            more: Vec::new(),
        }
    }

    /// Every problem as one error (the first, with the rest in `more`), or
    /// None when there is none.
    fn all(mut errors: Vec<ScenarioError>) -> Option<ScenarioError> {
        if errors.is_empty() {
            return None;
        }
        let mut first = errors.remove(0);
        first.more.extend(errors);
        Some(first)
    }

    /// This problem and the others, one line each.
    pub fn each(&self) -> impl Iterator<Item = &ScenarioError> {
        std::iter::once(self).chain(&self.more)
    }

    fn fmt_one(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some((line, col)) = self.position {
            write!(f, ":{line}:{col}")?;
        }
        write!(f, ": ")?;
        if let Some(field) = &self.field {
            write!(f, "field `{}`: ", echo::clip_words(field))?;
        }
        write!(f, "{}", echo::clip_words(&self.message))
    }
}

/// The most problems a message lists; the rest are counted.
pub const MAX_ERRORS_SHOWN: usize = 50;

/// The first problem, then each of the others on a line of its own
/// starting `error: ` (the caller prints the first line's prefix), then how
/// many there were.
impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.fmt_one(f)?;
        for other in self.more.iter().take(MAX_ERRORS_SHOWN - 1) {
            write!(f, "\nerror: ")?;
            other.fmt_one(f)?;
        }
        if self.more.len() >= MAX_ERRORS_SHOWN {
            let left = self.more.len() + 1 - MAX_ERRORS_SHOWN;
            write!(f, "\n... and {left} more problem(s) not shown")?;
        }
        if !self.more.is_empty() {
            write!(f, "\n{} problems in {}", self.more.len() + 1, self.file)?;
        }
        Ok(())
    }
}

impl std::error::Error for ScenarioError {}

/// A checked scenario, ready to simulate. Only [`Scenario::from_file`],
/// [`Scenario::from_toml`] and [`Scenario::new`] make one, and they
/// validate.
#[derive(Debug, Clone)]
pub struct Scenario {
    file: ScenarioFile,
    source: String,
    /// The identity: [`scenario_identity`] of the text and `inputs`.
    sha256: String,
    /// SHA-256 of the text alone.
    text_sha256: String,
    /// The RTT files it read, each once, in the order it names them.
    inputs: Vec<InputDigest>,
    /// Per trust, the RTT snapshot its list starts from, if it names one.
    initial_lists: Vec<Option<rtt_csv::RttListSnapshot>>,
    /// What looks wrong but does not stop a run, in the order checked.
    warnings: Vec<ScenarioWarning>,
}

impl Scenario {
    /// Read and validate a scenario file.
    pub fn from_file(path: &Path) -> Result<Scenario, ScenarioError> {
        Scenario::from_file_with_text(path).map(|(s, _)| s)
    }

    /// Read and validate a scenario file, keeping its text (a shard file
    /// carries it so that a merge can rebuild the scenario exactly).
    pub fn from_file_with_text(path: &Path) -> Result<(Scenario, String), ScenarioError> {
        let (text, source) = read_file(path)?;
        Scenario::from_toml(&text, &source).map(|s| (s, text))
    }

    /// The bundled default scenario.
    pub fn bundled_default() -> Scenario {
        Scenario::from_toml(DEFAULT_SCENARIO, DEFAULT_SCENARIO_SOURCE)
            .expect("the bundled default scenario is valid (tested)")
    }

    /// Parse and validate TOML text; `source` names it in errors. Every
    /// error is reported at once: those found reading the file (in the
    /// order of the text), then, when the rest of the file reads as
    /// written, those of the cross-field checks. A TOML syntax error stops
    /// at the first: the text cannot be read past it.
    pub fn from_toml(text: &str, source: &str) -> Result<Scenario, ScenarioError> {
        let base = Path::new(source)
            .parent()
            .filter(|_| !source.starts_with('<'));
        Scenario::from_toml_reading(text, source, Files::Beside(base))
    }

    /// As [`Scenario::from_toml`], but an `initial_list_from` file must be
    /// a plain file name (no folder) and is read from `dir` only: for text
    /// from elsewhere (the workbench), whose file names must not reach the
    /// rest of the machine.
    pub fn from_toml_confined(
        text: &str,
        source: &str,
        dir: &Path,
    ) -> Result<Scenario, ScenarioError> {
        Scenario::from_toml_reading(text, source, Files::Confined(dir))
    }

    /// As [`Scenario::from_file_with_text`], its RTT files confined to the
    /// scenario's own folder as in [`Scenario::from_toml_confined`].
    pub fn from_file_confined(path: &Path) -> Result<(Scenario, String), ScenarioError> {
        let (text, source) = read_file(path)?;
        let dir = path.parent().unwrap_or(Path::new("."));
        Scenario::from_toml_confined(&text, &source, dir).map(|s| (s, text))
    }

    fn from_toml_reading(
        text: &str,
        source: &str,
        files: Files,
    ) -> Result<Scenario, ScenarioError> {
        let found = read::read(text).map_err(|e| ScenarioError {
            file: source.to_string(),
            field: e.span().and_then(|s| locate::path_at(text, s.start)),
            position: e.span().map(|s| locate::line_col(text, s.start)),
            message: e.message().trim().to_string(),
            more: Vec::new(),
        })?;
        let mut errors: Vec<ScenarioError> = found
            .errors
            .iter()
            .map(|(span, message)| ScenarioError {
                file: source.to_string(),
                // A value that failed its own check (e.g. `cases = -3`) is
                // reported by position only: name its field as well.
                field: span.as_ref().and_then(|s| locate::path_at(text, s.start)),
                position: span.as_ref().map(|s| locate::line_col(text, s.start)),
                message: suggest::explain_unknown(message),
                more: Vec::new(),
            })
            .collect();
        errors.sort_by_key(|e| e.position.unwrap_or((usize::MAX, usize::MAX)));
        let file = match found.file {
            Some(file) if errors.is_empty() || found.intact => file,
            _ => return Err(ScenarioError::all(errors).unwrap_or_else(|| unreadable(source))),
        };
        let mut findings = validate::check(&file);
        // Findings about a piece left out would be about its stand-in.
        let left_out: Vec<String> = found
            .left_out
            .iter()
            .filter_map(|&at| locate::path_at(text, at))
            .collect();
        findings
            .errors
            .retain(|(field, _)| !left_out.iter().any(|l| read::same_piece(field, l)));
        let (semantic, warnings) = findings.located(source, Some(text));
        errors.extend(semantic);
        if let Some(e) = ScenarioError::all(errors) {
            return Err(e);
        }
        let (initial_lists, inputs) =
            load_initial_lists(&file, files).map_err(|(field, message)| ScenarioError {
                file: source.to_string(),
                position: locate::field_position(text, &field),
                field: Some(field),
                message,
                more: Vec::new(),
            })?;
        Ok(Scenario::checked(
            file,
            source,
            text,
            initial_lists,
            inputs,
            warnings,
        ))
    }

    /// Validate a scenario built in code (no file, so no line numbers).
    pub fn new(file: ScenarioFile) -> Result<Scenario, ScenarioError> {
        let text = toml::to_string(&file).map_err(|e| ScenarioError {
            file: "<in code>".into(),
            field: None,
            position: None,
            message: e.to_string(),
            more: Vec::new(),
        })?;
        let (errors, warnings) = validate::check(&file).located("<in code>", None);
        if let Some(e) = ScenarioError::all(errors) {
            return Err(e);
        }
        let (initial_lists, inputs) =
            load_initial_lists(&file, Files::Beside(None)).map_err(|(field, message)| {
                ScenarioError {
                    file: "<in code>".into(),
                    field: Some(field),
                    position: None,
                    message,
                    more: Vec::new(),
                }
            })?;
        Ok(Scenario::checked(
            file,
            "<in code>",
            &text,
            initial_lists,
            inputs,
            warnings,
        ))
    }

    /// A scenario whose checks have passed, with its identity.
    fn checked(
        file: ScenarioFile,
        source: &str,
        text: &str,
        initial_lists: Vec<Option<rtt_csv::RttListSnapshot>>,
        inputs: Vec<InputDigest>,
        warnings: Vec<ScenarioWarning>,
    ) -> Scenario {
        let text_sha256 = sha256_hex(text.as_bytes());
        let mut scenario = Scenario {
            file,
            source: source.to_string(),
            sha256: scenario_identity(&text_sha256, &inputs),
            text_sha256,
            inputs,
            initial_lists,
            warnings,
        };
        let text = Some(text).filter(|_| !source.starts_with('<'));
        let mut findings = validate::Findings::default();
        balance::check_balance(&scenario, &mut findings);
        let (_, balance_warnings) = findings.located(source, text);
        scenario.warnings.extend(balance_warnings);
        scenario
    }

    /// The initial list of trust `trust`, specialty `specialty` by weekly
    /// band, when the trust starts from an RTT file.
    pub fn initial_bands(&self, trust: usize, specialty: usize) -> Option<&rtt_csv::FunctionWaits> {
        let snapshot = self.initial_lists.get(trust)?.as_ref()?;
        let code = &self.file.trusts[trust].specialties[specialty].code;
        snapshot.functions.iter().find(|f| &f.code == code)
    }

    pub fn file(&self) -> &ScenarioFile {
        &self.file
    }

    /// What looks wrong in the file but does not stop a run.
    pub fn warnings(&self) -> &[ScenarioWarning] {
        &self.warnings
    }

    /// Where it came from (a path, or `<bundled default scenario>`).
    pub fn source(&self) -> &str {
        &self.source
    }

    /// The scenario's identity, hex: the SHA-256 of its text when it reads
    /// no other file, else of the text's hash and each RTT file's path and
    /// content hash ([`scenario_identity`]). Two runs with the same
    /// identity started from the same text and the same lists.
    pub fn sha256(&self) -> &str {
        &self.sha256
    }

    /// SHA-256 of the scenario text alone, hex.
    pub fn text_sha256(&self) -> &str {
        &self.text_sha256
    }

    /// The RTT files it read (path as written, SHA-256 of the bytes), each
    /// once, in the order the scenario first names them.
    pub fn inputs(&self) -> &[InputDigest] {
        &self.inputs
    }

    pub fn name(&self) -> &str {
        &self.file.name
    }
}

/// A file that could not be read, when reading found no error to say why
/// (which should not happen).
fn unreadable(source: &str) -> ScenarioError {
    ScenarioError {
        file: source.to_string(),
        field: None,
        position: None,
        message: "cannot be read as a scenario".into(),
        more: Vec::new(),
    }
}

/// A scenario file's text and its name in errors.
fn read_file(path: &Path) -> Result<(String, String), ScenarioError> {
    let source = path.display().to_string();
    match std::fs::read_to_string(path) {
        Ok(text) => Ok((text, source)),
        Err(e) => Err(ScenarioError {
            file: source,
            field: None,
            position: None,
            message: format!("cannot read the file: {e}"),
            more: Vec::new(),
        }),
    }
}

impl Walkout {
    /// End of the walkout, from `end` or `start + hours` (validated: exactly
    /// one is given and the end is after the start).
    pub fn end_time(&self) -> chrono::NaiveDateTime {
        match (self.end, self.hours) {
            (Some(end), _) => end.0,
            (None, Some(h)) => self
                .start
                .0
                .checked_add_signed(chrono::Duration::hours(i64::from(h.get())))
                .unwrap_or(chrono::NaiveDateTime::MAX),
            (None, None) => self.start.0,
        }
    }
}

impl PriorityMix {
    /// Shares of P1..P4. The 2016 split maps urgent to P2 and routine to P4;
    /// an empty mix is 15% urgent.
    pub fn shares(&self) -> [f64; 4] {
        let g = |p: Option<Probability>| p.map_or(0.0, Probability::get);
        if self.is_empty() {
            [0.0, 0.15, 0.0, 0.85]
        } else {
            [
                g(self.p1),
                g(self.p2) + g(self.urgent),
                g(self.p3),
                g(self.p4) + g(self.routine),
            ]
        }
    }

    pub fn is_empty(&self) -> bool {
        [
            self.urgent,
            self.routine,
            self.p1,
            self.p2,
            self.p3,
            self.p4,
        ]
        .iter()
        .all(Option::is_none)
    }
}

impl Protect {
    /// Highest priority index (0 = P1) protected, if any.
    pub fn up_to(self) -> Option<u8> {
        match self {
            Protect::None => None,
            Protect::P1 => Some(0),
            Protect::Urgent => Some(1),
            Protect::P3 => Some(2),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bundled_default_is_valid() {
        let s = Scenario::bundled_default();
        assert!(s.file().plans.len() >= 3);
        assert_eq!(s.sha256().len(), 64);
    }

    #[test]
    fn the_schema_names_the_top_level_fields() {
        let schema = json_schema();
        for field in [
            "walkouts",
            "trusts",
            "plans",
            "participation",
            "theatre_lists",
        ] {
            assert!(schema.contains(field), "schema lacks {field}");
        }
    }
}
