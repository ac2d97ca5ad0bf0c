//! Values echoed back in messages, cut to a readable length: a scenario
//! name of 65,536 characters or a damaged CSV's 2 MB cell gives a short
//! message that says how long the value was, not a message as long.

/// The most characters of a value a message repeats.
pub const MAX_ECHO_CHARS: usize = 60;

/// `value` as echoed in a message: cut after [`MAX_ECHO_CHARS`] characters
/// with its full length said.
pub fn clip(value: &str) -> String {
    let n = value.chars().count();
    if n <= MAX_ECHO_CHARS {
        value.to_string()
    } else {
        let head: String = value.chars().take(MAX_ECHO_CHARS).collect();
        format!("{head}... ({n} characters)")
    }
}

/// A message with every run of more than [`LONG_WORD_CHARS`] characters
/// without a space cut by [`clip`], and the whole cut after
/// [`MAX_MESSAGE_CHARS`]: a net under messages that quote what they were
/// given (a parser's unknown key, a serde variant).
pub fn clip_words(message: &str) -> std::borrow::Cow<'_, str> {
    let long_word = message
        .split(char::is_whitespace)
        .any(|w| w.len() > LONG_WORD_CHARS && w.chars().count() > LONG_WORD_CHARS);
    if !long_word && message.len() <= MAX_MESSAGE_CHARS {
        return message.into();
    }
    let mut out = String::new();
    for (i, word) in message.split(' ').enumerate() {
        if i > 0 {
            out.push(' ');
        }
        if word.chars().count() > LONG_WORD_CHARS {
            out.push_str(&clip(word));
        } else {
            out.push_str(word);
        }
        if out.len() > MAX_MESSAGE_CHARS {
            let n = message.chars().count();
            let head: String = out.chars().take(MAX_MESSAGE_CHARS).collect();
            return format!("{head}... (a message of {n} characters, cut)").into();
        }
    }
    out.into()
}

/// A run of characters without a space longer than this is a value
/// quoted whole, not a word or a field path (the longest path of a
/// scenario is under 100 characters).
pub const LONG_WORD_CHARS: usize = 200;

/// The longest message shown whole.
pub const MAX_MESSAGE_CHARS: usize = 2_000;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_values_are_kept_and_long_ones_cut_with_their_length() {
        assert_eq!(clip("keep-booked"), "keep-booked");
        let long = "é".repeat(70_000);
        let c = clip(&long);
        assert!(c.starts_with(&"é".repeat(MAX_ECHO_CHARS)));
        assert!(c.ends_with("... (70000 characters)"), "{c}");
        assert!(c.chars().count() < 100);
    }

    #[test]
    fn messages_keep_short_words_and_cut_long_ones_and_long_messages() {
        let m = "unknown variant `abc`, expected one of `a`, `b`";
        assert_eq!(clip_words(m), m);
        let long = format!("unknown field `{}`, expected `name`", "x".repeat(70_000));
        let c = clip_words(&long);
        assert!(c.contains("(70003 characters)"), "{c}");
        assert!(c.ends_with(" expected `name`"), "{c}");
        let path = "trusts[0].specialties[0].emergency_floor.weekday_day.foundation";
        assert_eq!(clip_words(path), path);
        let many = "word ".repeat(10_000);
        let c = clip_words(&many);
        assert!(c.len() < MAX_MESSAGE_CHARS + 100, "{}", c.len());
        assert!(c.ends_with("(a message of 50000 characters, cut)"), "{c}");
    }
}
