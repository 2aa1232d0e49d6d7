//! Personal and organisation identifiers with their check digits (RULES §1). A wrong digit in
//! an ID number sends a restriction order to the wrong person, so these are checked on entry.

use std::fmt;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::{DomainError, DomainResult};

/// Turns full-width ASCII (what a Chinese input method produces: `１２３`, `（`, `，`) and the
/// ideographic space into their plain forms, so users need not switch input modes.
pub(crate) fn half_width(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            '\u{3000}' => ' ',
            _ => c,
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Resident identity card number (GB 11643-1999)
// ---------------------------------------------------------------------------------------------

const RESIDENT_WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const RESIDENT_CHECK_CHARS: &[u8; 11] = b"10X98765432";
/// Old records carry people born in the 19th century (see the `1880` example in RULES §1).
const RESIDENT_MIN_BIRTH_YEAR: i32 = 1800;

/// The check character (`0`–`9` or `X`) for the first 17 digits of a resident ID number.
/// Panics unless `first17` starts with 17 ASCII digits: it is meant for generating numbers,
/// user input goes through [`ResidentId::parse`].
pub fn resident_check_char(first17: &str) -> char {
    let bytes = first17.as_bytes();
    assert!(
        bytes.len() >= 17 && bytes[..17].iter().all(u8::is_ascii_digit),
        "resident_check_char needs 17 ASCII digits, got {first17:?}"
    );
    let sum: u32 = bytes[..17]
        .iter()
        .zip(RESIDENT_WEIGHTS)
        .map(|(d, w)| u32::from(d - b'0') * w)
        .sum();
    RESIDENT_CHECK_CHARS[(sum % 11) as usize] as char
}

/// An 18-character resident identity number, valid by construction (stored with upper-case X).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ResidentId(String);

impl ResidentId {
    pub fn parse(input: &str) -> DomainResult<Self> {
        let s = half_width(input).trim().to_uppercase();
        let count = s.chars().count();
        if count == 0 {
            return Err(DomainError::new(
                "resident_id.empty",
                "身份证号码不能为空",
                "the ID number is empty",
            ));
        }
        if count != 18 {
            return Err(DomainError::new(
                "resident_id.length",
                format!("身份证号码应为18位，实际输入了{count}位"),
                format!("an ID number has 18 characters; {count} given"),
            ));
        }
        for (i, c) in s.chars().enumerate() {
            if i < 17 && !c.is_ascii_digit() {
                return Err(DomainError::new(
                    "resident_id.character",
                    format!("身份证号码第{}位“{c}”不是数字", i + 1),
                    format!(
                        "character {} ('{c}') of the ID number is not a digit",
                        i + 1
                    ),
                ));
            }
            if i == 17 && !(c.is_ascii_digit() || c == 'X') {
                return Err(DomainError::new(
                    "resident_id.character",
                    format!("身份证号码最后一位只能是数字或X，输入的是“{c}”"),
                    format!("the last character of an ID number is a digit or X, not '{c}'"),
                ));
            }
        }
        // All 18 characters are ASCII from here on, so byte slicing is safe.
        let (y, m, d) = (&s[6..10], &s[10..12], &s[12..14]);
        let year: i32 = y.parse().unwrap_or(0);
        let month: u32 = m.parse().unwrap_or(0);
        let day: u32 = d.parse().unwrap_or(0);
        if year < RESIDENT_MIN_BIRTH_YEAR || NaiveDate::from_ymd_opt(year, month, day).is_none() {
            return Err(DomainError::new(
                "resident_id.birth_date",
                format!("身份证号码中的出生日期“{y}{m}{d}”不是有效日期（第7–14位）"),
                format!("the birth date in the ID number ({y}-{m}-{d}, characters 7–14) is not a real date"),
            ));
        }
        let expected = resident_check_char(&s);
        let actual = s.as_bytes()[17] as char;
        if actual != expected {
            return Err(DomainError::new(
                "resident_id.check_digit",
                format!("身份证号码校验位错误：应为 {expected}，输入的是 {actual}，请核对号码"),
                format!(
                    "wrong check digit: expected {expected}, got {actual}; please check the number"
                ),
            ));
        }
        Ok(ResidentId(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn birth_date(&self) -> NaiveDate {
        let n = |r: std::ops::Range<usize>| self.0[r].parse::<u32>().unwrap_or(1);
        NaiveDate::from_ymd_opt(n(6..10) as i32, n(10..12), n(12..14))
            .expect("birth date validated by parse")
    }

    /// Whether the holder is under 18 on `on` (a minor may not be put on the dishonest-debtor
    /// list). Born on 29 February: of age on 1 March of the eighteenth year.
    pub fn is_minor_on(&self, on: NaiveDate) -> bool {
        let born = self.birth_date();
        let adult_on = NaiveDate::from_ymd_opt(born.year() + 18, born.month(), born.day())
            .or_else(|| NaiveDate::from_ymd_opt(born.year() + 18, 3, 1))
            .unwrap_or(NaiveDate::MAX);
        on < adult_on
    }

    /// The 17th digit is odd for men and even for women.
    pub fn is_male(&self) -> bool {
        (self.0.as_bytes()[16] - b'0') % 2 == 1
    }

    /// The six-digit administrative region code of the place of first registration.
    pub fn region(&self) -> &str {
        &self.0[..6]
    }

    /// The number with the birth date hidden, for lists and logs that must not expose it.
    pub fn masked(&self) -> String {
        format!("{}********{}", &self.0[..6], &self.0[14..])
    }
}

impl fmt::Display for ResidentId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for ResidentId {
    type Error = DomainError;
    fn try_from(s: String) -> DomainResult<Self> {
        ResidentId::parse(&s)
    }
}

impl From<ResidentId> for String {
    fn from(id: ResidentId) -> String {
        id.0
    }
}

impl std::str::FromStr for ResidentId {
    type Err = DomainError;
    fn from_str(s: &str) -> DomainResult<Self> {
        ResidentId::parse(s)
    }
}

// ---------------------------------------------------------------------------------------------
// Unified social credit code (GB 32100-2015)
// ---------------------------------------------------------------------------------------------

const CREDIT_ALPHABET: &str = "0123456789ABCDEFGHJKLMNPQRTUWXY";
const CREDIT_WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];

fn credit_value(c: char) -> Option<u32> {
    // The alphabet is ASCII, so the byte index is the character's value.
    CREDIT_ALPHABET.find(c).map(|i| i as u32)
}

/// The check character for the first 17 characters of a credit code. Panics unless `first17`
/// starts with 17 characters of the GB 32100 alphabet (upper or lower case): it is meant for
/// generating codes, user input goes through [`CreditCode::parse`].
pub fn credit_check_char(first17: &str) -> char {
    let values: Vec<u32> = first17
        .chars()
        .take(17)
        .map(|c| {
            credit_value(c.to_ascii_uppercase()).unwrap_or_else(|| {
                panic!("credit_check_char: {c:?} is not in the GB 32100 alphabet")
            })
        })
        .collect();
    assert!(
        values.len() == 17,
        "credit_check_char needs 17 characters, got {first17:?}"
    );
    let sum: u32 = values.iter().zip(CREDIT_WEIGHTS).map(|(v, w)| v * w).sum();
    let check = (31 - sum % 31) % 31;
    CREDIT_ALPHABET.as_bytes()[check as usize] as char
}

/// An 18-character unified social credit code. Well-formed by construction; the check digit is
/// valid unless an authorised user overrode a mismatch (some genuine codes fail the check).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CreditCode(String);

impl CreditCode {
    pub fn parse(input: &str) -> DomainResult<Self> {
        Self::parse_inner(input, false)
    }

    /// Accepts a code whose only fault is its check digit. For an authorised override: the
    /// caller must record who overrode it and why. Malformed codes are still refused.
    pub fn parse_allow_check_mismatch(input: &str) -> DomainResult<Self> {
        Self::parse_inner(input, true)
    }

    fn parse_inner(input: &str, allow_mismatch: bool) -> DomainResult<Self> {
        let s = half_width(input).trim().to_uppercase();
        let count = s.chars().count();
        if count == 0 {
            return Err(DomainError::new(
                "credit_code.empty",
                "统一社会信用代码不能为空",
                "the credit code is empty",
            ));
        }
        if count != 18 {
            return Err(DomainError::new(
                "credit_code.length",
                format!("统一社会信用代码应为18位，实际输入了{count}位"),
                format!("a unified social credit code has 18 characters; {count} given"),
            ));
        }
        if let Some((i, c)) = s
            .chars()
            .enumerate()
            .find(|(_, c)| credit_value(*c).is_none())
        {
            return Err(DomainError::new(
                "credit_code.character",
                format!(
                    "统一社会信用代码第{}位“{c}”不是允许的字符（只用数字和大写字母，不用 I、O、S、V、Z）",
                    i + 1
                ),
                format!(
                    "character {} ('{c}') is not allowed in a credit code \
                     (digits and capitals only; I, O, S, V and Z are never used)",
                    i + 1
                ),
            ));
        }
        let expected = credit_check_char(&s);
        let actual = s.as_bytes()[17] as char;
        if actual != expected && !allow_mismatch {
            return Err(DomainError::new(
                "credit_code.check_digit",
                format!("统一社会信用代码校验位错误：应为 {expected}，输入的是 {actual}，请核对；如确认代码无误，可由有权限的人员登记理由后放行"),
                format!("wrong check digit: expected {expected}, got {actual}; please check — if the code is genuine, an authorised user can override with a reason"),
            ));
        }
        Ok(CreditCode(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// False only for codes admitted through [`CreditCode::parse_allow_check_mismatch`].
    pub fn has_valid_check_digit(&self) -> bool {
        credit_check_char(&self.0) == self.0.as_bytes()[17] as char
    }
}

impl fmt::Display for CreditCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Stored codes may be overridden mismatches, so loading accepts those; malformed data is
/// still refused.
impl TryFrom<String> for CreditCode {
    type Error = DomainError;
    fn try_from(s: String) -> DomainResult<Self> {
        CreditCode::parse_allow_check_mismatch(&s)
    }
}

impl From<CreditCode> for String {
    fn from(code: CreditCode) -> String {
        code.0
    }
}

impl std::str::FromStr for CreditCode {
    type Err = DomainError;
    fn from_str(s: &str) -> DomainResult<Self> {
        CreditCode::parse(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn half_width_converts_ime_input() {
        assert_eq!(half_width("（２０２４）１，２．５　ｘ"), "(2024)1,2.5 x");
        assert_eq!(half_width("豫０８"), "豫08");
    }

    #[test]
    fn resident_id_examples() {
        let id = ResidentId::parse("11010519491231002X").unwrap();
        assert_eq!(id.as_str(), "11010519491231002X");
        assert_eq!(
            id.birth_date(),
            NaiveDate::from_ymd_opt(1949, 12, 31).unwrap()
        );
        assert!(!id.is_male());
        assert_eq!(id.region(), "110105");
        assert_eq!(id.masked(), "110105********002X");

        let old = ResidentId::parse(" 440524188001010014 ").unwrap();
        assert_eq!(
            old.birth_date(),
            NaiveDate::from_ymd_opt(1880, 1, 1).unwrap()
        );
        assert!(old.is_male());

        let lower = ResidentId::parse("11010519491231002x").unwrap();
        assert_eq!(lower.as_str(), "11010519491231002X");
        assert_eq!(
            ResidentId::parse("１１０１０５１９４９１２３１００２ｘ").unwrap(),
            lower
        );
        assert_eq!(resident_check_char("11010519491231002"), 'X');
        assert_eq!(resident_check_char("440524188001010014"), '4');
    }

    #[test]
    fn resident_id_errors_say_what_is_wrong() {
        let e = ResidentId::parse("1101051949123100").unwrap_err();
        assert_eq!(e.code, "resident_id.length");
        assert!(e.zh.contains("16位") && e.en.contains("16 given"), "{e}");
        assert_eq!(ResidentId::parse("").unwrap_err().code, "resident_id.empty");

        let e = ResidentId::parse("1101051949123A002X").unwrap_err();
        assert_eq!(e.code, "resident_id.character");
        assert!(e.zh.contains("第14位“A”"), "{e}");
        assert_eq!(
            ResidentId::parse("11010519491231002Y").unwrap_err().code,
            "resident_id.character"
        );

        // 1949-02-30 does not exist; the check digit is made valid so only the date is wrong.
        let body = "11010519490230002";
        let id = format!("{body}{}", resident_check_char(body));
        let e = ResidentId::parse(&id).unwrap_err();
        assert_eq!(e.code, "resident_id.birth_date");
        let body = "11010517991231002";
        let id = format!("{body}{}", resident_check_char(body));
        assert_eq!(
            ResidentId::parse(&id).unwrap_err().code,
            "resident_id.birth_date"
        );

        let e = ResidentId::parse("110105194912310021").unwrap_err();
        assert_eq!(e.code, "resident_id.check_digit");
        assert!(
            e.zh.contains("应为 X") && e.en.contains("expected X"),
            "{e}"
        );
    }

    #[test]
    fn resident_id_serde_validates() {
        let id = ResidentId::parse("11010519491231002X").unwrap();
        let json = serde_json::to_string(&id).unwrap();
        assert_eq!(json, "\"11010519491231002X\"");
        assert_eq!(serde_json::from_str::<ResidentId>(&json).unwrap(), id);
        assert!(serde_json::from_str::<ResidentId>("\"110105194912310021\"").is_err());
    }

    #[test]
    fn credit_code_examples() {
        let c = CreditCode::parse("91350100M000100Y43").unwrap();
        assert_eq!(c.as_str(), "91350100M000100Y43");
        assert!(c.has_valid_check_digit());
        assert_eq!(
            CreditCode::parse(" 91350100m000100y43 ").unwrap(),
            c,
            "lower case and spaces are tolerated"
        );
        assert!(CreditCode::parse("91440300708461136T").is_ok());
        assert_eq!(credit_check_char("91350100M000100Y4"), '3');
    }

    #[test]
    fn credit_code_errors_say_what_is_wrong() {
        let e = CreditCode::parse("91350100M000100Y4").unwrap_err();
        assert_eq!(e.code, "credit_code.length");
        assert!(e.zh.contains("17位"), "{e}");
        assert_eq!(
            CreditCode::parse(" ").unwrap_err().code,
            "credit_code.empty"
        );

        let e = CreditCode::parse("91350100MO00100Y43").unwrap_err();
        assert_eq!(e.code, "credit_code.character");
        assert!(e.zh.contains("第10位“O”"), "{e}");
        assert!(e.en.contains("character 10 ('O')"), "{e}");

        let e = CreditCode::parse("91350100M000100Y44").unwrap_err();
        assert_eq!(e.code, "credit_code.check_digit");
        assert!(
            e.zh.contains("应为 3") && e.en.contains("expected 3"),
            "{e}"
        );
    }

    #[test]
    fn credit_code_override_accepts_only_a_check_mismatch() {
        let c = CreditCode::parse_allow_check_mismatch("91350100M000100Y44").unwrap();
        assert!(!c.has_valid_check_digit());
        assert_eq!(
            CreditCode::parse_allow_check_mismatch("91350100MO00100Y44")
                .unwrap_err()
                .code,
            "credit_code.character"
        );
        assert_eq!(
            CreditCode::parse_allow_check_mismatch("9135")
                .unwrap_err()
                .code,
            "credit_code.length"
        );
        // An overridden code must survive a round trip through storage.
        let json = serde_json::to_string(&c).unwrap();
        assert_eq!(serde_json::from_str::<CreditCode>(&json).unwrap(), c);
        assert!(serde_json::from_str::<CreditCode>("\"91350100MO00100Y44\"").is_err());
    }

    fn resident_body() -> impl Strategy<Value = String> {
        let min = NaiveDate::from_ymd_opt(1800, 1, 1).unwrap();
        ("[0-9]{6}", 0i64..110_000, "[0-9]{3}").prop_map(move |(region, days, seq)| {
            let birth = min + chrono::Duration::days(days);
            format!("{region}{}{seq}", birth.format("%Y%m%d"))
        })
    }

    proptest! {
        #[test]
        fn resident_id_with_computed_check_parses(body in resident_body()) {
            let check = resident_check_char(&body);
            let id = ResidentId::parse(&format!("{body}{check}")).unwrap();
            prop_assert_eq!(&id.as_str()[..17], body.as_str());
        }

        #[test]
        fn resident_id_with_changed_check_fails(body in resident_body(), pick in 0usize..10) {
            let check = resident_check_char(&body);
            let others: Vec<char> = "0123456789X".chars().filter(|c| *c != check).collect();
            let e = ResidentId::parse(&format!("{body}{}", others[pick])).unwrap_err();
            prop_assert_eq!(e.code, "resident_id.check_digit");
        }

        #[test]
        fn credit_code_with_computed_check_parses(body in "[0-9A-HJ-NPQRTUWXY]{17}") {
            let check = credit_check_char(&body);
            let code = CreditCode::parse(&format!("{body}{check}")).unwrap();
            prop_assert!(code.has_valid_check_digit());
        }

        #[test]
        fn credit_code_with_changed_check_fails(body in "[0-9A-HJ-NPQRTUWXY]{17}", pick in 0usize..30) {
            let check = credit_check_char(&body);
            let others: Vec<char> = CREDIT_ALPHABET.chars().filter(|c| *c != check).collect();
            let wrong = format!("{body}{}", others[pick]);
            prop_assert_eq!(CreditCode::parse(&wrong).unwrap_err().code, "credit_code.check_digit");
            prop_assert!(CreditCode::parse_allow_check_mismatch(&wrong).is_ok());
        }
    }

    #[test]
    fn minors_by_birth_date() {
        let body = "41088320100101001";
        let id = ResidentId::parse(&format!("{body}{}", resident_check_char(body))).unwrap();
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        assert!(id.is_minor_on(d("2027-12-31")));
        assert!(!id.is_minor_on(d("2028-01-01")));
        let body = "41088320080229002";
        let leap = ResidentId::parse(&format!("{body}{}", resident_check_char(body))).unwrap();
        assert!(leap.is_minor_on(d("2026-02-28")));
        assert!(!leap.is_minor_on(d("2026-03-01")));
    }
}
