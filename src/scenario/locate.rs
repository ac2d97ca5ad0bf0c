//! Finding where a field stands in the TOML text, so that errors found after
//! parsing (cross-field checks) can still point at a line and column.

use toml::de::{DeTable, DeValue};
use toml::Spanned;

/// 1-based line and column of a byte offset.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

enum Segment<'a> {
    Key(&'a str),
    Index(usize),
}

/// Split `walkouts[0].participation.mean` into keys and indices.
fn segments(path: &str) -> Vec<Segment<'_>> {
    let mut out = Vec::new();
    for part in path.split('.') {
        let (key, rest) = part.split_once('[').unwrap_or((part, ""));
        if !key.is_empty() {
            out.push(Segment::Key(key));
        }
        for idx in rest.split('[') {
            if let Ok(i) = idx.trim_end_matches(']').parse() {
                out.push(Segment::Index(i));
            }
        }
    }
    out
}

/// Position of the field at `path`, or of the nearest enclosing table or
/// array element that is written in the file (a defaulted field is not).
pub fn field_position(text: &str, path: &str) -> Option<(usize, usize)> {
    let root = DeTable::parse(text).ok()?;
    let mut span = None;
    let mut table = root.get_ref();
    let mut value: Option<&DeValue> = None;
    for seg in segments(path) {
        let next = match (seg, value) {
            (Segment::Key(k), None) => table.get(k),
            (Segment::Key(k), Some(v)) => v.get(k),
            (Segment::Index(i), Some(v)) => v.get(i),
            (Segment::Index(_), None) => None,
        };
        match next {
            Some(v) => {
                span = Some(v.span());
                value = Some(v.get_ref());
                if let DeValue::Table(t) = v.get_ref() {
                    table = t;
                }
            }
            None => break,
        }
    }
    span.map(|s| line_col(text, s.start))
}

/// Dotted path of the innermost key or value written at byte `offset`, e.g.
/// `trusts[0].specialties[0].theatre_lists[0].cases`, so that errors the
/// parser reports by position alone can also name their field.
pub fn path_at(text: &str, offset: usize) -> Option<String> {
    let root = DeTable::parse(text).ok()?;
    let mut best = None;
    walk_table(root.get_ref(), "", offset, &mut best);
    best.map(|(path, _)| path)
}

/// The narrowest span holding the offset wins: a value inside a table
/// inside an array element is found rather than the element.
type Best = Option<(String, usize)>;

fn consider(span: std::ops::Range<usize>, path: &str, offset: usize, best: &mut Best) {
    if span.contains(&offset) && best.as_ref().is_none_or(|(_, w)| span.len() <= *w) {
        *best = Some((path.to_string(), span.len()));
    }
}

fn walk_table(table: &DeTable, at: &str, offset: usize, best: &mut Best) {
    for (key, value) in table {
        let path = if at.is_empty() {
            key.get_ref().to_string()
        } else {
            format!("{at}.{}", key.get_ref())
        };
        consider(key.span(), &path, offset, best);
        walk_value(value, &path, offset, best);
    }
}

fn walk_value(value: &Spanned<DeValue>, at: &str, offset: usize, best: &mut Best) {
    consider(value.span(), at, offset, best);
    match value.get_ref() {
        DeValue::Table(t) => walk_table(t, at, offset, best),
        DeValue::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                walk_value(item, &format!("{at}[{i}]"), offset, best);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_nested_fields_and_array_elements() {
        let text = "name = \"x\"\n[[walkouts]]\nname = \"a\"\n[[walkouts]]\nname = \"b\"\nparticipation = { distribution = \"fixed\", value = 2.0 }\n";
        assert_eq!(field_position(text, "name"), Some((1, 8)));
        assert_eq!(field_position(text, "walkouts[1].name"), Some((5, 8)));
        assert_eq!(
            field_position(text, "walkouts[1].participation.value"),
            Some((6, 51))
        );
        // A missing field points at its enclosing element.
        assert!(field_position(text, "walkouts[1].grades").is_some());
        assert_eq!(line_col("ab\ncd", 4), (2, 2));
    }

    #[test]
    fn names_the_field_at_a_position() {
        let text = "name = \"x\"\n[[trusts]]\ncode = \"A\"\n[[trusts.specialties]]\ncases = -3\nrota.night = { core = 2 }\n";
        let at = |needle: &str| path_at(text, text.find(needle).expect("in text"));
        assert_eq!(at("-3").as_deref(), Some("trusts[0].specialties[0].cases"));
        assert_eq!(
            at("core").as_deref(),
            Some("trusts[0].specialties[0].rota.night.core")
        );
        assert_eq!(at("\"A\"").as_deref(), Some("trusts[0].code"));
    }
}
