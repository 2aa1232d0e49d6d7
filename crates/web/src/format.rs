//! How values read on a page: times in Beijing time, masked identity numbers, URL pieces.
//! Pure functions, no I/O; the templates call them through the page structs in `pages`.

use chrono::{DateTime, Utc};
use chrono_tz::Asia::Shanghai;

fn local(ms_utc: i64) -> Option<DateTime<chrono_tz::Tz>> {
    DateTime::<Utc>::from_timestamp_millis(ms_utc).map(|t| t.with_timezone(&Shanghai))
}

/// UTC milliseconds as Beijing time, e.g. "2024-03-05 10:12". Out-of-range input gives "—".
pub fn datetime(ms_utc: i64) -> String {
    local(ms_utc).map_or_else(
        || "—".to_string(),
        |t| t.format("%Y-%m-%d %H:%M").to_string(),
    )
}

/// UTC milliseconds as the Beijing calendar date, e.g. "2024-03-05". Out-of-range input gives "—".
pub fn date(ms_utc: i64) -> String {
    local(ms_utc).map_or_else(|| "—".to_string(), |t| t.format("%Y-%m-%d").to_string())
}

/// UTC milliseconds as an RFC 3339 timestamp with the +08:00 offset, for `<time datetime>`.
pub fn iso(ms_utc: i64) -> String {
    local(ms_utc).map_or_else(String::new, |t| t.format("%Y-%m-%dT%H:%M%:z").to_string())
}

/// Masks the middle of an identity number (resident ID or credit code) for display:
/// `410102199003071234` → `4101**********1234`. Numbers of 9 characters or more keep 4 at each
/// end, shorter ones keep 1 at each end, and 1–2 characters are masked entirely. Counts
/// characters, not bytes, so stray full-width input cannot split a character.
pub fn mask_id(id: &str) -> String {
    let chars: Vec<char> = id.trim().chars().collect();
    let n = chars.len();
    let keep = match n {
        0 => return String::new(),
        1 | 2 => 0,
        3..=8 => 1,
        _ => 4,
    };
    chars
        .iter()
        .enumerate()
        .map(|(i, &c)| if i < keep || i >= n - keep { c } else { '*' })
        .collect()
}

/// Percent-encodes a string for use as one query-string value (RFC 3986 unreserved characters
/// are kept; everything else, including `/`, `&`, `=` and non-ASCII, is encoded as UTF-8 bytes).
/// `Content-Disposition` (RFC 6266): `inline` to show in the browser or `attachment` to save,
/// with an ASCII fallback name for old clients and the real (Chinese) name in UTF-8 (RFC 5987).
pub fn content_disposition(inline: bool, filename: &str, fallback: &str) -> String {
    let fallback: String = fallback
        .chars()
        .map(|c| {
            if (c.is_ascii_graphic() || c == ' ') && !matches!(c, '"' | '\\' | ';') {
                c
            } else {
                '_'
            }
        })
        .collect();
    let kind = if inline { "inline" } else { "attachment" };
    format!(
        "{kind}; filename=\"{fallback}\"; filename*=UTF-8''{}",
        url_encode(filename)
    )
}

pub fn url_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(char::from(b))
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn epoch_is_eight_in_the_morning_in_beijing() {
        assert_eq!(datetime(0), "1970-01-01 08:00");
        assert_eq!(date(0), "1970-01-01");
        assert_eq!(iso(0), "1970-01-01T08:00+08:00");
    }

    #[test]
    fn late_utc_evening_is_the_next_day_in_beijing() {
        // 2024-03-04 16:30:00 UTC = 2024-03-05 00:30 in Beijing.
        let ms = 1_709_569_800_000;
        assert_eq!(datetime(ms), "2024-03-05 00:30");
        assert_eq!(date(ms), "2024-03-05");
        // 2024-03-05 02:12:59 UTC = 10:12 in Beijing; seconds are dropped, not rounded.
        assert_eq!(datetime(1_709_604_779_000), "2024-03-05 10:12");
    }

    #[test]
    fn out_of_range_times_do_not_panic() {
        assert_eq!(datetime(i64::MAX), "—");
        assert_eq!(date(i64::MIN), "—");
        assert_eq!(iso(i64::MAX), "");
    }

    #[test]
    fn resident_id_keeps_region_and_last_four() {
        assert_eq!(mask_id("410102199003071234"), "4101**********1234");
        assert_eq!(mask_id("11010519491231002X"), "1101**********002X");
        assert_eq!(mask_id(" 91410800MA44XXXX1Q "), "9141**********XX1Q");
    }

    #[test]
    fn short_ids_are_still_masked() {
        assert_eq!(mask_id(""), "");
        assert_eq!(mask_id("7"), "*");
        assert_eq!(mask_id("12"), "**");
        assert_eq!(mask_id("123"), "1*3");
        assert_eq!(mask_id("12345678"), "1******8");
        assert_eq!(mask_id("123456789"), "1234*6789");
        assert_eq!(mask_id("证件号码一二三四五"), "证件号码*二三四五");
    }

    #[test]
    fn url_encode_escapes_everything_but_unreserved() {
        assert_eq!(
            url_encode("/cases?stage=filed&q=a b"),
            "%2Fcases%3Fstage%3Dfiled%26q%3Da%20b"
        );
        assert_eq!(url_encode("豫"), "%E8%B1%AB");
        assert_eq!(url_encode("A-z_0.9~"), "A-z_0.9~");
    }
}
