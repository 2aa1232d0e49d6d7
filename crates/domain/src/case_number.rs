//! Case numbers (案号), SPC 2015 rules as amended in 2018: `（年度）法院代字类型代字序号号`.
//! Sequence numbers run per court + type + year from 1 with no gaps and no reuse; the store
//! keeps one counter per [`SequenceKey`] and hands out the next number inside the filing
//! transaction.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::case::CaseType;
use crate::court::CourtCode;
use crate::ids::half_width;
use crate::{DomainError, DomainResult};

pub const MIN_YEAR: u16 = 1990;
pub const MAX_YEAR: u16 = 2100;

/// Characters that may follow 执 in an enforcement type code (执恢, 执保, …).
const TYPE_SUFFIXES: &str = "恢保异复监协他";

/// Which counter a case number's sequence comes from.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct SequenceKey {
    pub court: CourtCode,
    pub case_type: CaseType,
    pub year: u16,
}

impl SequenceKey {
    /// The counter's key as stored in the database, e.g. `豫0811|执|2024`.
    pub fn key_string(&self) -> String {
        format!("{}|{}|{}", self.court, self.case_type.code(), self.year)
    }

    /// Reads back what [`SequenceKey::key_string`] wrote.
    pub fn parse_key_string(s: &str) -> DomainResult<SequenceKey> {
        let bad = || {
            DomainError::new(
                "sequence_key.format",
                format!("序号计数键“{s}”格式错误，应如 豫0811|执|2024"),
                format!("sequence key \"{s}\" is malformed; expected e.g. 豫0811|执|2024"),
            )
        };
        let mut parts = s.split('|');
        let (Some(court), Some(code), Some(year), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(bad());
        };
        Ok(SequenceKey {
            court: CourtCode::parse(court)?,
            case_type: CaseType::from_code(code)?,
            year: check_year(year.parse().map_err(|_| bad())?)?,
        })
    }
}

/// A case number such as `（2024）豫0811执1234号`. Serialises as that string.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CaseNumber {
    pub year: u16,
    pub court: CourtCode,
    pub case_type: CaseType,
    pub seq: u32,
}

fn check_year(year: u16) -> DomainResult<u16> {
    if (MIN_YEAR..=MAX_YEAR).contains(&year) {
        Ok(year)
    } else {
        Err(DomainError::new(
            "case_number.year",
            format!("案号年度{year}超出范围（{MIN_YEAR}—{MAX_YEAR}）"),
            format!("case number year {year} is out of range ({MIN_YEAR}–{MAX_YEAR})"),
        ))
    }
}

fn format_error(code: &'static str, what_zh: &str, what_en: &str, input: &str) -> DomainError {
    DomainError::new(
        code,
        format!("案号格式错误：{what_zh}（输入：“{input}”，正确格式如 （2024）豫0811执1234号）"),
        format!("malformed case number: {what_en} (got \"{input}\"; expected e.g. （2024）豫0811执1234号)"),
    )
}

impl CaseNumber {
    /// Builds the number handed out by the sequence counter for `key`.
    pub fn new(key: &SequenceKey, seq: u32) -> DomainResult<CaseNumber> {
        check_year(key.year)?;
        if seq == 0 {
            return Err(DomainError::new(
                "case_number.seq",
                "案号序号从1开始，不能为0",
                "case number sequences start at 1, not 0",
            ));
        }
        Ok(CaseNumber {
            year: key.year,
            court: key.court.clone(),
            case_type: key.case_type,
            seq,
        })
    }

    pub fn sequence_key(&self) -> SequenceKey {
        SequenceKey {
            court: self.court.clone(),
            case_type: self.case_type,
            year: self.year,
        }
    }

    /// Accepts full-width or ASCII brackets and digits, and stray spaces; requires the final 号.
    pub fn parse(input: &str) -> DomainResult<CaseNumber> {
        let shown = input.trim();
        let s: String = half_width(input)
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        if s.is_empty() {
            return Err(DomainError::new(
                "case_number.empty",
                "案号不能为空",
                "the case number is empty",
            ));
        }
        let Some(rest) = s.strip_prefix('(') else {
            return Err(format_error(
                "case_number.missing_year",
                "缺少年度，案号应以“（年度）”开头",
                "it must start with the year in brackets",
                shown,
            ));
        };
        let Some((year_text, rest)) = rest.split_once(')') else {
            return Err(format_error(
                "case_number.year",
                "年度后缺少右括号“）”",
                "the closing bracket after the year is missing",
                shown,
            ));
        };
        if year_text.len() != 4 || !year_text.chars().all(|c| c.is_ascii_digit()) {
            return Err(format_error(
                "case_number.year",
                "年度应为四位数字",
                "the year must be four digits",
                shown,
            ));
        }
        let year = check_year(year_text.parse().expect("four ASCII digits"))?;

        let Some(rest) = rest.strip_suffix('号') else {
            return Err(format_error(
                "case_number.missing_hao",
                "末尾缺少“号”字",
                "it must end with 号",
                shown,
            ));
        };
        let Some((court_text, rest)) = rest.split_once('执') else {
            return Err(format_error(
                "case_number.case_type",
                "缺少执行案件类型代字（执、执恢、执保等）",
                "the enforcement type code (执, 执恢, 执保 …) is missing",
                shown,
            ));
        };
        if court_text.is_empty() {
            return Err(format_error(
                "case_number.court",
                "缺少法院代字",
                "the court code is missing",
                shown,
            ));
        }
        let court = CourtCode::parse(court_text)?;

        // Longest match: 执恢12 is type 执恢 with sequence 12, never type 执 with sequence 恢12.
        let (type_code, seq_text) = match rest.chars().next() {
            Some(c) if TYPE_SUFFIXES.contains(c) => (format!("执{c}"), &rest[c.len_utf8()..]),
            _ => ("执".to_string(), rest),
        };
        let case_type = CaseType::from_code(&type_code)?;

        if seq_text.is_empty() {
            return Err(format_error(
                "case_number.seq",
                "缺少序号",
                "the sequence number is missing",
                shown,
            ));
        }
        if !seq_text.chars().all(|c| c.is_ascii_digit()) {
            return Err(format_error(
                "case_number.seq",
                &format!("序号“{seq_text}”应为数字"),
                &format!("the sequence number \"{seq_text}\" must be digits"),
                shown,
            ));
        }
        let seq: u32 = seq_text.parse().map_err(|_| {
            format_error(
                "case_number.seq",
                "序号过大",
                "the sequence number is too large",
                shown,
            )
        })?;
        if seq == 0 {
            return Err(format_error(
                "case_number.seq",
                "序号从1开始，不能为0",
                "the sequence number starts at 1",
                shown,
            ));
        }
        Ok(CaseNumber {
            year,
            court,
            case_type,
            seq,
        })
    }
}

impl fmt::Display for CaseNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "（{}）{}{}{}号",
            self.year,
            self.court,
            self.case_type.code(),
            self.seq
        )
    }
}

impl FromStr for CaseNumber {
    type Err = DomainError;
    fn from_str(s: &str) -> DomainResult<CaseNumber> {
        CaseNumber::parse(s)
    }
}

impl TryFrom<String> for CaseNumber {
    type Error = DomainError;
    fn try_from(s: String) -> DomainResult<CaseNumber> {
        CaseNumber::parse(&s)
    }
}

impl From<CaseNumber> for String {
    fn from(n: CaseNumber) -> String {
        n.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::court::PROVINCE_ABBREVIATIONS;
    use proptest::prelude::*;

    fn n(s: &str) -> CaseNumber {
        CaseNumber::parse(s).unwrap_or_else(|e| panic!("{s}: {e}"))
    }

    fn code(s: &str) -> &'static str {
        CaseNumber::parse(s).expect_err(s).code
    }

    #[test]
    fn parses_examples() {
        let a = n("（2024）豫0811执1234号");
        assert_eq!(a.year, 2024);
        assert_eq!(a.court.as_str(), "豫0811");
        assert_eq!(a.case_type, CaseType::First);
        assert_eq!(a.seq, 1234);
        assert_eq!(a.to_string(), "（2024）豫0811执1234号");

        let b = n("(2024)豫0811执恢12号");
        assert_eq!(b.case_type, CaseType::Restored);
        assert_eq!(b.seq, 12);
        assert_eq!(b.to_string(), "（2024）豫0811执恢12号");

        let c = n("（2023）豫08执异5号");
        assert_eq!(c.court.as_str(), "豫08");
        assert_eq!(c.case_type, CaseType::Objection);

        assert_eq!(
            n("  （２０２４）豫０８１１执保３号 ").to_string(),
            "（2024）豫0811执保3号"
        );
        assert_eq!(n("(2024) 豫 0811 执 1234 号"), a);
        assert_eq!(n("（2024）豫执监1号").court.as_str(), "豫");
        assert_eq!("（2024）豫0811执1234号".parse::<CaseNumber>().unwrap(), a);
        for t in CaseType::ALL {
            assert_eq!(n(&format!("（2024）豫0811{}7号", t.code())).case_type, t);
        }
    }

    #[test]
    fn clear_errors() {
        assert_eq!(code(""), "case_number.empty");
        assert_eq!(code("2024豫0811执1234号"), "case_number.missing_year");
        let e = CaseNumber::parse("豫0811执1234号").unwrap_err();
        assert!(e.zh.starts_with("案号格式错误：缺少年度"), "{e}");
        assert_eq!(code("（2024豫0811执1234号"), "case_number.year");
        assert_eq!(code("（24）豫0811执1234号"), "case_number.year");
        assert_eq!(code("（1989）豫0811执1234号"), "case_number.year");
        assert_eq!(code("（2101）豫0811执1234号"), "case_number.year");
        assert_eq!(code("（2024）豫0811执1234"), "case_number.missing_hao");
        assert_eq!(code("（2024）豫0811民初1234号"), "case_number.case_type");
        assert_eq!(code("（2024）执1234号"), "case_number.court");
        assert_eq!(code("（2024）港0811执1234号"), "court_code.province");
        assert_eq!(code("（2024）豫081执1234号"), "court_code.format");
        assert_eq!(code("（2024）豫0811执号"), "case_number.seq");
        assert_eq!(code("（2024）豫0811执恢号"), "case_number.seq");
        assert_eq!(code("（2024）豫0811执0号"), "case_number.seq");
        assert_eq!(code("（2024）豫0811执字第12号"), "case_number.seq");
        assert_eq!(code("（2024）豫0811执99999999999号"), "case_number.seq");
        assert_eq!(code("（2024）豫0811执12号号"), "case_number.seq");
    }

    #[test]
    fn sequence_keys() {
        let key = SequenceKey {
            court: CourtCode::parse("豫0811").unwrap(),
            case_type: CaseType::First,
            year: 2024,
        };
        assert_eq!(key.key_string(), "豫0811|执|2024");
        assert_eq!(
            SequenceKey::parse_key_string("豫0811|执|2024").unwrap(),
            key
        );
        assert_eq!(
            SequenceKey::parse_key_string("豫0811|执").unwrap_err().code,
            "sequence_key.format"
        );
        assert_eq!(
            SequenceKey::parse_key_string("豫0811|执|2024|x")
                .unwrap_err()
                .code,
            "sequence_key.format"
        );
        let num = CaseNumber::new(&key, 1234).unwrap();
        assert_eq!(num.to_string(), "（2024）豫0811执1234号");
        assert_eq!(num.sequence_key(), key);
        assert_eq!(
            CaseNumber::new(&key, 0).unwrap_err().code,
            "case_number.seq"
        );
        let bad_year = SequenceKey { year: 1900, ..key };
        assert_eq!(
            CaseNumber::new(&bad_year, 1).unwrap_err().code,
            "case_number.year"
        );
    }

    #[test]
    fn serde_as_display_string() {
        let a = n("(2024)豫0811执恢12号");
        let json = serde_json::to_string(&a).unwrap();
        assert_eq!(json, "\"（2024）豫0811执恢12号\"");
        assert_eq!(serde_json::from_str::<CaseNumber>(&json).unwrap(), a);
        assert!(serde_json::from_str::<CaseNumber>("\"2024执1号\"").is_err());
    }

    fn court_strategy() -> impl Strategy<Value = CourtCode> {
        (
            0..PROVINCE_ABBREVIATIONS.len(),
            prop_oneof![Just(0usize), Just(2), Just(4)],
            0u32..10_000,
        )
            .prop_map(|(p, digits, value)| {
                let suffix = match digits {
                    0 => String::new(),
                    2 => format!("{:02}", value % 100),
                    _ => format!("{value:04}"),
                };
                CourtCode::parse(&format!("{}{suffix}", PROVINCE_ABBREVIATIONS[p])).unwrap()
            })
    }

    proptest! {
        #[test]
        fn display_parse_round_trip(
            court in court_strategy(),
            t in 0..CaseType::ALL.len(),
            year in MIN_YEAR..=MAX_YEAR,
            seq in 1u32..=u32::MAX,
        ) {
            let key = SequenceKey { court, case_type: CaseType::ALL[t], year };
            let num = CaseNumber::new(&key, seq).unwrap();
            let text = num.to_string();
            prop_assert_eq!(CaseNumber::parse(&text).unwrap(), num.clone());
            let ascii = text.replace('（', "(").replace('）', ")");
            prop_assert_eq!(CaseNumber::parse(&ascii).unwrap(), num.clone());
            prop_assert_eq!(SequenceKey::parse_key_string(&key.key_string()).unwrap(), key);
        }
    }
}
