//! Reading a scenario's TOML into a [`ScenarioFile`] with every error the
//! reading finds, not only the first.
//!
//! serde stops at the first value it cannot read. So the text is parsed
//! once into a tree of values that keep their place in the text (a TOML
//! syntax error stops here: nothing after it can be read), and the tree is
//! then read again and again: each time serde stops, the error is kept and
//! the piece it is about is left out of the tree, until the rest reads.
//! The piece left out is the field (a bad value, an unknown name); when that
//! leaves its table without a required field, the whole table (one
//! `[[walkouts]]`, one `[[trusts.specialties]]`, one inline theatre list).
//! Every error keeps its place in the text, so it is named by its line,
//! column and field path whatever was left out before it.
//!
//! When only fields with defaults were left out, the rest of the file is
//! as written and its cross-field checks can run too ([`Read::intact`]).

use super::format::ScenarioFile;
use serde::Deserialize;
use std::collections::HashSet;
use std::ops::Range;
use toml::de::{DeArray, DeTable, DeValue, ValueDeserializer};
use toml::Spanned;

/// Errors past this many are not looked for: reading again after each one
/// costs a pass over the file.
pub const MAX_ERRORS: usize = 100;

/// What reading found.
#[derive(Debug)]
pub struct Read {
    /// The file with every bad piece left out, or None when the top level
    /// itself lacks a required field (or a bad one was left out).
    pub file: Option<ScenarioFile>,
    /// Each error: where in the text (a byte range) and what is wrong, in
    /// the order found.
    pub errors: Vec<(Option<Range<usize>>, String)>,
    /// Where each piece left out starts (a byte offset of its key or value),
    /// but for unknown fields: what stands in for each (a default) may
    /// upset cross-field checks around it.
    pub left_out: Vec<usize>,
    /// Only fields and tables with defaults were left out, no element of a
    /// list: `file` is the text as written but for those, with the same
    /// list positions, so cross-field checks on it name the right fields.
    pub intact: bool,
}

/// Parse `text` and read it as a scenario, collecting every error. Err is a
/// TOML syntax error: the first, since the text cannot be read past it.
pub fn read(text: &str) -> Result<Read, toml::de::Error> {
    let parsed = DeTable::parse(text)?;
    let root_span = parsed.span();
    let mut root = parsed.into_inner();
    let mut found = Read {
        file: None,
        errors: Vec::new(),
        left_out: Vec::new(),
        intact: true,
    };
    // (span of a table, key) for each entry left out of a table, so that
    // the "missing field" it then causes is known not to be the file's.
    let mut removed: HashSet<(Range<usize>, String)> = HashSet::new();
    // Each pass either reads the file or leaves a piece out; a tree of n
    // nodes cannot lose more than n pieces.
    for _ in 0..=count_nodes(&root) {
        let value = Spanned::new(root_span.clone(), DeValue::Table(root.clone()));
        let error = match ScenarioFile::deserialize(ValueDeserializer::from(value)) {
            Ok(file) => {
                found.file = Some(file);
                return Ok(found);
            }
            Err(e) => e,
        };
        let span = error.span();
        let mut message = error.message().trim().to_string();
        if let (Some(span), "wanted string or table") = (&span, message.as_str()) {
            if let Some(allowed) = allowed_names(&root, root_span.clone(), span) {
                let found = text.get(span.clone()).unwrap_or("this value").trim();
                message = format!("expected {allowed}, found {found}");
            }
        }
        let missing = missing_field(&message).map(str::to_string);
        let ours = match (&span, &missing) {
            (Some(s), Some(field)) => removed.contains(&(s.clone(), field.clone())),
            _ => false,
        };
        if !ours {
            if found.errors.len() == MAX_ERRORS {
                found.errors.push((
                    None,
                    format!("stopped after {MAX_ERRORS} errors; correct these and check again"),
                ));
                return Ok(found);
            }
            found.errors.push((span.clone(), message.clone()));
        }
        let Some(span) = span else {
            return Ok(found);
        };
        // A table without a required field goes as a whole; anything else,
        // the entry the error is about.
        let target = if missing.is_some() {
            table_at(&root, root_span.clone(), &span)
        } else {
            piece_at(&root, span.start)
        };
        let Some(steps) = target.filter(|s| !s.is_empty()) else {
            return Ok(found);
        };
        let Some(left_out) = leave_out(&mut root, root_span.clone(), &steps) else {
            return Ok(found);
        };
        // An unknown field left out changes nothing else: no stand-in.
        if !message.starts_with("unknown field `") {
            found.left_out.push(left_out.start);
        }
        match left_out.from_table {
            Some((table, key)) => {
                removed.insert((table, key));
            }
            None => found.intact = false,
        }
    }
    Ok(found)
}

/// Whether a cross-field check's finding at `field` may be about the
/// stand-in for the value left out at `left_out` (both field paths): a
/// finding anywhere in the same element of a list (`walkouts[0]`,
/// `trusts[0].specialties[1]`; a default rota stands against the floor
/// written beside it), or on a list holding it. Such findings are not
/// reported: they would be about the default, not the file. A field left
/// out at the top level stands for its whole table (`recovery`), or alone.
pub fn same_piece(field: &str, left_out: &str) -> bool {
    let piece = match left_out.rfind(']') {
        Some(end) => &left_out[..=end],
        None => left_out.split(['.', '[']).next().unwrap_or(left_out),
    };
    let within = |outer: &str, inner: &str| {
        inner == outer
            || inner
                .strip_prefix(outer)
                .is_some_and(|rest| rest.starts_with('.') || rest.starts_with('['))
    };
    within(piece, field) || within(field, piece)
}

/// The names allowed for the value at `span` where a name was expected
/// and something else written (toml says only "wanted string or table"):
/// read again with an empty name there, serde lists them.
fn allowed_names(root: &DeTable, root_span: Range<usize>, span: &Range<usize>) -> Option<String> {
    let steps = nodes(root)
        .into_iter()
        .find(|n| !n.is_key && n.span == *span)?
        .steps;
    let mut probe = root.clone();
    let value = value_mut(&mut probe, &steps)?;
    *value = Spanned::new(span.clone(), DeValue::String("".into()));
    let value = Spanned::new(root_span, DeValue::Table(probe));
    let error = ScenarioFile::deserialize(ValueDeserializer::from(value)).err()?;
    if error.span().as_ref() != Some(span) {
        return None;
    }
    error
        .message()
        .strip_prefix("unknown variant ``, expected ")
        .map(str::to_string)
}

/// The field named by serde's `missing field `x`` (and the participation
/// reader's `missing field `distribution`: ...`).
fn missing_field(message: &str) -> Option<&str> {
    message
        .strip_prefix("missing field `")
        .and_then(|rest| rest.split_once('`'))
        .map(|(field, _)| field)
}

/// One step from a table or list to what it holds.
#[derive(Debug, Clone, PartialEq)]
enum Step {
    Key(String),
    Index(usize),
}

/// A key or value of the tree: the steps to it from the top, its span,
/// and what it is.
struct Node {
    steps: Vec<Step>,
    span: Range<usize>,
    is_table: bool,
    /// A key (rather than the value it names).
    is_key: bool,
    /// An element of a list.
    in_list: bool,
}

/// Every key and value, parents before children.
fn nodes(root: &DeTable) -> Vec<Node> {
    let mut out = Vec::new();
    walk_table(root, &mut Vec::new(), &mut out);
    out
}

fn count_nodes(root: &DeTable) -> usize {
    nodes(root).len()
}

fn walk_table(table: &DeTable, at: &mut Vec<Step>, out: &mut Vec<Node>) {
    for (key, value) in table {
        at.push(Step::Key(key.get_ref().to_string()));
        out.push(Node {
            steps: at.clone(),
            span: key.span(),
            is_table: false,
            is_key: true,
            in_list: false,
        });
        walk_value(value, at, false, out);
        at.pop();
    }
}

fn walk_value(value: &Spanned<DeValue>, at: &mut Vec<Step>, in_list: bool, out: &mut Vec<Node>) {
    out.push(Node {
        steps: at.clone(),
        span: value.span(),
        is_table: matches!(value.get_ref(), DeValue::Table(_)),
        is_key: false,
        in_list,
    });
    match value.get_ref() {
        DeValue::Table(t) => walk_table(t, at, out),
        DeValue::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                at.push(Step::Index(i));
                walk_value(item, at, true, out);
                at.pop();
            }
        }
        _ => {}
    }
}

/// The piece to leave out for an error at byte `offset`: the narrowest key
/// or value there; if it is a table in a list, that element, else the
/// table entry holding it (a bad value in a list of numbers or names takes
/// its whole list with it, so that the list keeps its length rule).
fn piece_at(root: &DeTable, offset: usize) -> Option<Vec<Step>> {
    let all = nodes(root);
    let narrowest = all
        .iter()
        .filter(|n| n.span.contains(&offset) || (n.span.is_empty() && n.span.start == offset))
        .fold(None::<&Node>, |best, n| match best {
            Some(b) if b.span.len() < n.span.len() => Some(b),
            _ => Some(n),
        })?;
    let mut steps = narrowest.steps.clone();
    if narrowest.is_table && narrowest.in_list && !narrowest.is_key {
        return Some(steps);
    }
    while matches!(steps.last(), Some(Step::Index(_))) {
        steps.pop();
    }
    Some(steps)
}

/// The outermost table whose span is `span`: the one a "missing field"
/// error is about. Empty steps for the top level.
fn table_at(root: &DeTable, root_span: Range<usize>, span: &Range<usize>) -> Option<Vec<Step>> {
    if *span == root_span {
        return Some(Vec::new());
    }
    nodes(root)
        .into_iter()
        .find(|n| n.is_table && !n.is_key && n.span == *span)
        .map(|n| n.steps)
}

/// A piece left out of the tree.
struct LeftOut {
    /// Where its key or value starts.
    start: usize,
    /// The span of the table it was an entry of, and its key; None for an
    /// element of a list.
    from_table: Option<(Range<usize>, String)>,
}

/// Take the piece at `steps` out of the tree.
fn leave_out(root: &mut DeTable, root_span: Range<usize>, steps: &[Step]) -> Option<LeftOut> {
    let (last, parents) = steps.split_last()?;
    let (parent_span, parent) = if parents.is_empty() {
        (root_span, Parent::Table(root))
    } else {
        let value = value_mut(root, parents)?;
        let span = value.span();
        match value.get_mut() {
            DeValue::Table(t) => (span, Parent::Table(t)),
            DeValue::Array(a) => (span, Parent::List(a)),
            _ => return None,
        }
    };
    match (parent, last) {
        (Parent::Table(t), Step::Key(k)) => {
            let (key, _) = t.remove_entry(k.as_str())?;
            Some(LeftOut {
                start: key.span().start,
                from_table: Some((parent_span, k.clone())),
            })
        }
        (Parent::List(a), Step::Index(i)) => {
            let start = a.get(*i)?.span().start;
            let kept: Vec<_> = a
                .iter()
                .enumerate()
                .filter(|(j, _)| j != i)
                .map(|(_, v)| v.clone())
                .collect();
            *a = DeArray::new();
            for v in kept {
                a.push(v);
            }
            Some(LeftOut {
                start,
                from_table: None,
            })
        }
        _ => None,
    }
}

enum Parent<'a, 'i> {
    Table(&'a mut DeTable<'i>),
    List(&'a mut DeArray<'i>),
}

/// The value at `steps` (not empty) from the top.
fn value_mut<'a, 'i>(
    root: &'a mut DeTable<'i>,
    steps: &[Step],
) -> Option<&'a mut Spanned<DeValue<'i>>> {
    let (first, rest) = steps.split_first()?;
    let Step::Key(k) = first else { return None };
    let mut value = root.get_mut(k.as_str())?;
    for step in rest {
        value = match (step, value.get_mut()) {
            (Step::Key(k), DeValue::Table(t)) => t.get_mut(k.as_str())?,
            (Step::Index(i), DeValue::Array(a)) => a.get_mut(*i)?,
            _ => return None,
        };
    }
    Some(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    const DEFAULT: &str = include_str!("../../scenarios/default.toml");

    fn errors(text: &str) -> Vec<String> {
        read(text)
            .expect("parses")
            .errors
            .into_iter()
            .map(|(_, m)| m)
            .collect()
    }

    #[test]
    fn the_default_reads_whole() {
        let r = read(DEFAULT).expect("parses");
        assert!(r.errors.is_empty(), "{:?}", r.errors);
        assert!(r.file.is_some() && r.intact);
    }

    #[test]
    fn a_bad_field_with_a_default_keeps_the_file_intact() {
        let text = DEFAULT.replacen("dna_rate = 0.07", "dna_ratee = 0.07", 1);
        let r = read(&text).expect("parses");
        assert_eq!(r.errors.len(), 1, "{:?}", r.errors);
        assert!(r.file.is_some() && r.intact);
    }

    #[test]
    fn errors_in_separate_pieces_are_all_found() {
        let text = DEFAULT
            .replacen("dna_rate = 0.07", "dna_ratee = 0.07", 1)
            .replacen(
                r#"kind = "emergency_care_provided""#,
                r#"kind = "emergency_care_provide""#,
                1,
            )
            .replacen("cases = 5", "cases = -3", 1);
        let found = errors(&text);
        assert_eq!(found.len(), 3, "{found:?}");
        let r = read(&text).expect("parses");
        assert!(!r.intact, "a walkout without its kind is left out");
    }

    #[test]
    fn a_missing_required_field_is_reported_once() {
        let text = DEFAULT.replacen(r#"kind = "emergency_care_provided""#, "", 1);
        let found = errors(&text);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].contains("missing field `kind`"), "{found:?}");
    }

    #[test]
    fn a_bad_required_field_at_the_top_stops_cleanly() {
        let text = DEFAULT.replacen(r#"start = "2016-01-04""#, r#"start = "2016-13-04""#, 1);
        let r = read(&text).expect("parses");
        assert_eq!(r.errors.len(), 1, "{:?}", r.errors);
        assert!(r.file.is_none());
    }

    #[test]
    fn findings_on_a_piece_left_out_are_recognised() {
        assert!(same_piece("walkouts[0].hours", "walkouts[0].end"));
        assert!(same_piece("walkouts", "walkouts[0].end"));
        assert!(!same_piece("walkouts[10].hours", "walkouts[1].end"));
        assert!(!same_piece("walkouts[1].hours", "walkouts[0].end"));
        assert!(same_piece(
            "trusts[0].specialties[0].emergency_floor.night.core",
            "trusts[0].specialties[0].rota.night.core"
        ));
        assert!(!same_piece(
            "trusts[0].specialties[1].priority",
            "trusts[0].specialties[0].priority.urgent"
        ));
        assert!(same_piece(
            "recovery.share_of_peak",
            "recovery.tolerance_patients"
        ));
        assert!(same_piece("weeks_after", "weeks_after"));
        assert!(!same_piece("start", "weeks_after"));
    }

    #[test]
    fn a_number_for_a_name_lists_the_names() {
        let text = DEFAULT.replacen(r#"kind = "emergency_care_provided""#, "kind = 2", 1);
        let found = errors(&text);
        assert!(
            found[0].contains("expected `emergency_care_provided` or `full_walkout`, found 2"),
            "{found:?}"
        );
    }

    #[test]
    fn odd_input_never_panics() {
        for text in [
            "",
            "walkouts = 1",
            "walkouts = [1, 2]\ntrusts = [[1]]\nplans = [{}]",
            "[recovery]\nshare_of_peak = \"x\"\n[[walkouts]]\nparticipation = 3",
            "name = 1\nstart = 2\nseed = -1\nreplications = 1e400",
            "[[trusts]]\n[[trusts.specialties]]\nrota.night.core = -1",
        ] {
            let r = read(text).expect("parses");
            assert!(!r.errors.is_empty(), "{text}");
        }
    }
}
