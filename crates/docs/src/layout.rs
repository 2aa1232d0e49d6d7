//! Line breaking for Chinese text (禁则): a line may break between any two CJK characters, but
//! closing punctuation never starts a line and opening punctuation never ends one. Runs of
//! ASCII letters and digits (case numbers, ID numbers, amounts) stay together unless a run is
//! wider than the line.

/// Characters that must not begin a line.
pub fn is_closing(c: char) -> bool {
    matches!(
        c,
        '，' | '。'
            | '、'
            | '；'
            | '：'
            | '？'
            | '！'
            | '）'
            | '」'
            | '』'
            | '》'
            | '〉'
            | '】'
            | '〕'
            | '”'
            | '’'
            | '…'
            | '·'
            | '%'
            | '％'
            | ','
            | '.'
            | ';'
            | ':'
            | '?'
            | '!'
            | ')'
            | ']'
    )
}

/// Characters that must not end a line.
pub fn is_opening(c: char) -> bool {
    matches!(
        c,
        '（' | '「' | '『' | '《' | '〈' | '【' | '〔' | '“' | '‘' | '(' | '['
    )
}

fn is_word(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '-' || c == '_'
}

/// Splits `text` into lines no wider than `max` (the first line no wider than `first_max`),
/// measuring each character with `advance`. Returns byte ranges into `text`.
pub fn break_lines(
    text: &str,
    first_max: f32,
    max: f32,
    advance: impl Fn(char) -> f32,
) -> Vec<std::ops::Range<usize>> {
    // Unbreakable units: a word, or one character with the closing punctuation that follows
    // it and the opening punctuation that precedes it.
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut units: Vec<(usize, usize, f32)> = Vec::new(); // (start, end, width)
    let mut i = 0;
    while i < chars.len() {
        let start = chars[i].0;
        let mut w = 0.0;
        // Opening punctuation sticks to what follows.
        while i < chars.len() && is_opening(chars[i].1) {
            w += advance(chars[i].1);
            i += 1;
        }
        if i < chars.len() {
            if is_word(chars[i].1) {
                while i < chars.len() && is_word(chars[i].1) {
                    w += advance(chars[i].1);
                    i += 1;
                }
            } else {
                w += advance(chars[i].1);
                i += 1;
            }
        }
        // Closing punctuation sticks to what precedes.
        while i < chars.len() && is_closing(chars[i].1) {
            w += advance(chars[i].1);
            i += 1;
        }
        let end = chars.get(i).map(|c| c.0).unwrap_or(text.len());
        units.push((start, end, w));
    }

    let mut lines = Vec::new();
    let mut line_start = 0usize;
    let mut width = 0.0f32;
    let mut limit = first_max;
    for (start, end, w) in units {
        if width > 0.0 && width + w > limit + 0.01 {
            lines.push(line_start..start);
            line_start = start;
            width = 0.0;
            limit = max;
        }
        if width == 0.0 && w > limit + 0.01 {
            // A unit wider than a line (a very long number): break it by characters.
            let mut acc = 0.0;
            for (pos, c) in text[start..end].char_indices() {
                let a = advance(c);
                if acc > 0.0 && acc + a > limit + 0.01 {
                    lines.push(line_start..start + pos);
                    line_start = start + pos;
                    acc = 0.0;
                    limit = max;
                }
                acc += a;
            }
            width = acc;
            continue;
        }
        width += w;
    }
    if line_start < text.len() || lines.is_empty() {
        lines.push(line_start..text.len());
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    fn em(c: char) -> f32 {
        if c.is_ascii() {
            0.5
        } else {
            1.0
        }
    }

    fn lines(text: &str, max: f32) -> Vec<&str> {
        break_lines(text, max, max, em)
            .into_iter()
            .map(|r| &text[r])
            .collect()
    }

    #[test]
    fn breaks_between_cjk_characters() {
        assert_eq!(lines("一二三四五六七", 3.0), ["一二三", "四五六", "七"]);
    }

    #[test]
    fn closing_punctuation_never_starts_a_line() {
        let l = lines("一二三，四五六。七八", 3.0);
        for line in &l {
            assert!(!line.starts_with(is_closing), "{l:?}");
        }
        assert_eq!(l, ["一二", "三，四", "五六。", "七八"]);
        let l = lines("甲乙（丙）丁、戊己", 3.0);
        for line in &l {
            assert!(!line.starts_with(is_closing), "{l:?}");
            assert!(!line.ends_with(is_opening), "{l:?}");
        }
    }

    #[test]
    fn opening_punctuation_never_ends_a_line() {
        let l = lines("一二（三四", 3.0);
        assert_eq!(l, ["一二", "（三四"]);
    }

    #[test]
    fn numbers_stay_together_unless_too_long() {
        let l = lines("号码410883198501011234", 10.0);
        assert_eq!(l, ["号码", "410883198501011234"]);
        let l = lines("410883198501011234", 4.0);
        assert!(l.iter().all(|s| s.len() <= 8), "{l:?}");
        assert_eq!(l.concat(), "410883198501011234");
    }

    #[test]
    fn nothing_is_lost() {
        let t = "本院于二〇二六年十一月二十日立案执行（2026）豫0883执1号案件，现通知如下：";
        for max in [2.0, 3.0, 5.0, 10.0, 40.0] {
            assert_eq!(lines(t, max).concat(), t);
        }
        assert_eq!(lines("", 3.0), [""]);
    }
}
