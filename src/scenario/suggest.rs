//! "Did you mean": the closest allowed name to a misspelt field, value or
//! code, by edit distance. A dozen lines of Levenshtein distance rather than
//! a crate: names here are short and few.

/// Edits (insertions, deletions, substitutions) turning `a` into `b`.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = (above + 1)
                .min(row[j] + 1)
                .min(diagonal + usize::from(ca != *cb));
            diagonal = above;
        }
    }
    row[b.len()]
}

/// The allowed name closest to `found`, if it is close enough to be a
/// likely typo: at most a third of its letters wrong (at least one), case
/// ignored. Ties go to the first in `allowed`.
pub fn closest<'a>(found: &str, allowed: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let found_lower = found.to_lowercase();
    let limit = (found.chars().count() / 3).max(1);
    allowed
        .into_iter()
        .filter(|a| *a != found)
        .map(|a| (edit_distance(&found_lower, &a.to_lowercase()), a))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, a)| a)
}

/// `; did you mean "110"?` when one of `allowed` is close to `found`, else
/// nothing: ready to put after a message about an unknown value.
pub fn did_you_mean<'a>(found: &str, allowed: impl IntoIterator<Item = &'a str>) -> String {
    let mut allowed: Vec<&str> = allowed.into_iter().collect();
    allowed.sort_unstable();
    closest(found, allowed).map_or_else(String::new, |a| format!(" (did you mean \"{a}\"?)"))
}

/// Add "did you mean" to serde's `unknown field `x`, expected one of `a`,
/// `b`` and `unknown variant `x`, expected `a` or `b`` messages.
pub fn explain_unknown(message: &str) -> String {
    let Some(rest) = message
        .strip_prefix("unknown field `")
        .or_else(|| message.strip_prefix("unknown variant `"))
    else {
        return message.to_string();
    };
    let Some((found, expected)) = rest.split_once('`') else {
        return message.to_string();
    };
    let allowed: Vec<&str> = expected.split('`').skip(1).step_by(2).collect();
    match closest(found, allowed) {
        Some(a) => format!("{message}; did you mean `{a}`?"),
        None => message.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances() {
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("weeks_afterr", "weeks_after"), 1);
    }

    #[test]
    fn suggests_only_close_names() {
        assert_eq!(
            closest("registar", ["foundation", "core", "registrar"]),
            Some("registrar")
        );
        assert_eq!(
            closest("sit_in", ["emergency_care_provided", "full_walkout"]),
            None
        );
        assert_eq!(closest("1100", ["100", "101", "110"]), Some("100"));
    }

    #[test]
    fn explains_serde_messages() {
        let m = "unknown field `dna_ratee`, expected one of `code`, `name`, `dna_rate`";
        assert!(explain_unknown(m).ends_with("; did you mean `dna_rate`?"));
        let v = "unknown variant `satt`, expected one of `mon`, `sat`, `sun`";
        assert!(explain_unknown(v).ends_with("did you mean `sat`?"));
        assert_eq!(explain_unknown("invalid type"), "invalid type");
    }
}
