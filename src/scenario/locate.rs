//! Finding where a field stands in the TOML text, so that errors found after
//! parsing (cross-field checks) can still point at a line and column.

use toml::de::{DeTable, DeValue};

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
}
