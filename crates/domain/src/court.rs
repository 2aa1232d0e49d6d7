//! Court codes (法院代字) and the court hierarchy. The code itself encodes the hierarchy
//! (豫 → 豫08 → 豫0811), which is what supervision and statistics roll up along.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::ids::half_width;
use crate::{DomainError, DomainResult};

/// The 31 mainland provincial abbreviations used in court codes, plus 兵 for the Xinjiang
/// Production and Construction Corps courts.
pub const PROVINCE_ABBREVIATIONS: [char; 32] = [
    '京', '津', '沪', '渝', '冀', '豫', '云', '辽', '黑', '湘', '皖', '鲁', '新', '苏', '浙', '赣',
    '鄂', '桂', '甘', '晋', '蒙', '陕', '吉', '闽', '贵', '粤', '青', '藏', '川', '宁', '琼', '兵',
];

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CourtLevel {
    High,
    Intermediate,
    Basic,
}

impl CourtLevel {
    pub const ALL: [CourtLevel; 3] = [
        CourtLevel::High,
        CourtLevel::Intermediate,
        CourtLevel::Basic,
    ];

    pub fn key(self) -> &'static str {
        match self {
            CourtLevel::High => "high",
            CourtLevel::Intermediate => "intermediate",
            CourtLevel::Basic => "basic",
        }
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            CourtLevel::High => "高级人民法院",
            CourtLevel::Intermediate => "中级人民法院",
            CourtLevel::Basic => "基层人民法院",
        }
    }

    pub fn name_en(self) -> &'static str {
        match self {
            CourtLevel::High => "High court",
            CourtLevel::Intermediate => "Intermediate court",
            CourtLevel::Basic => "Basic court",
        }
    }
}

/// A court code: `豫` (high court), `豫08` (intermediate), `豫0811` (basic).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CourtCode(String);

impl CourtCode {
    pub fn parse(input: &str) -> DomainResult<Self> {
        let s = half_width(input).trim().to_string();
        let mut chars = s.chars();
        let Some(province) = chars.next() else {
            return Err(DomainError::new(
                "court_code.empty",
                "法院代字不能为空",
                "the court code is empty",
            ));
        };
        if !PROVINCE_ABBREVIATIONS.contains(&province) {
            return Err(DomainError::new(
                "court_code.province",
                format!("法院代字“{s}”应以省级简称开头（如 豫），“{province}”不是省级简称"),
                format!(
                    "court code \"{s}\" must start with a province abbreviation such as 豫; \
                     '{province}' is not one"
                ),
            ));
        }
        let digits = chars.as_str();
        if !digits.chars().all(|c| c.is_ascii_digit()) || ![0, 2, 4].contains(&digits.len()) {
            return Err(DomainError::new(
                "court_code.format",
                format!(
                    "法院代字“{s}”格式错误：省级简称后应无数字（高级法院）、2位数字（中级法院，如 豫08）或4位数字（基层法院，如 豫0811）"
                ),
                format!(
                    "court code \"{s}\" is malformed: after the province abbreviation come no digits \
                     (high court), 2 digits (intermediate, e.g. 豫08) or 4 digits (basic, e.g. 豫0811)"
                ),
            ));
        }
        Ok(CourtCode(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    fn digit_count(&self) -> usize {
        // Every character after the province abbreviation is an ASCII digit.
        self.0.chars().count() - 1
    }

    pub fn level(&self) -> CourtLevel {
        match self.digit_count() {
            0 => CourtLevel::High,
            2 => CourtLevel::Intermediate,
            _ => CourtLevel::Basic,
        }
    }

    /// The court one level up: 豫0811 → 豫08 → 豫 → none.
    pub fn parent(&self) -> Option<CourtCode> {
        if self.level() == CourtLevel::High {
            return None;
        }
        // Each level down appends two ASCII digits (one byte each).
        Some(CourtCode(self.0[..self.0.len() - 2].to_string()))
    }

    /// True when `self` is `ancestor` or a court below it (豫0811 is within 豫08 and 豫).
    pub fn is_within(&self, ancestor: &CourtCode) -> bool {
        // Codes only grow by appending digits down the hierarchy, so a prefix is an ancestor.
        self.0.starts_with(&ancestor.0)
    }
}

impl fmt::Display for CourtCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for CourtCode {
    type Error = DomainError;
    fn try_from(s: String) -> DomainResult<Self> {
        CourtCode::parse(&s)
    }
}

impl From<CourtCode> for String {
    fn from(c: CourtCode) -> String {
        c.0
    }
}

impl std::str::FromStr for CourtCode {
    type Err = DomainError;
    fn from_str(s: &str) -> DomainResult<Self> {
        CourtCode::parse(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(s: &str) -> CourtCode {
        CourtCode::parse(s).unwrap()
    }

    #[test]
    fn parses_three_levels() {
        assert_eq!(c("豫").level(), CourtLevel::High);
        assert_eq!(c("豫08").level(), CourtLevel::Intermediate);
        assert_eq!(c(" 豫0811 ").level(), CourtLevel::Basic);
        assert_eq!(c("豫０８１１").as_str(), "豫0811");
        assert_eq!(c("兵0101").level(), CourtLevel::Basic);
        for p in PROVINCE_ABBREVIATIONS {
            assert!(CourtCode::parse(&p.to_string()).is_ok());
        }
        assert_eq!(CourtLevel::Basic.name_zh(), "基层人民法院");
        assert_eq!(CourtLevel::High.key(), "high");
    }

    #[test]
    fn refuses_malformed_codes() {
        assert_eq!(CourtCode::parse("").unwrap_err().code, "court_code.empty");
        let e = CourtCode::parse("港01").unwrap_err();
        assert_eq!(e.code, "court_code.province");
        assert!(e.zh.contains("“港”"), "{e}");
        assert_eq!(
            CourtCode::parse("08").unwrap_err().code,
            "court_code.province"
        );
        assert_eq!(
            CourtCode::parse("豫0").unwrap_err().code,
            "court_code.format"
        );
        assert_eq!(
            CourtCode::parse("豫081").unwrap_err().code,
            "court_code.format"
        );
        assert_eq!(
            CourtCode::parse("豫081100").unwrap_err().code,
            "court_code.format"
        );
        assert_eq!(
            CourtCode::parse("豫0A").unwrap_err().code,
            "court_code.format"
        );
        assert_eq!(
            CourtCode::parse("豫豫").unwrap_err().code,
            "court_code.format"
        );
    }

    #[test]
    fn hierarchy() {
        assert_eq!(c("豫0811").parent(), Some(c("豫08")));
        assert_eq!(c("豫08").parent(), Some(c("豫")));
        assert_eq!(c("豫").parent(), None);
        assert!(c("豫0811").is_within(&c("豫0811")));
        assert!(c("豫0811").is_within(&c("豫08")));
        assert!(c("豫0811").is_within(&c("豫")));
        assert!(c("豫08").is_within(&c("豫")));
        assert!(!c("豫08").is_within(&c("豫0811")));
        assert!(!c("豫0911").is_within(&c("豫08")));
        assert!(!c("豫0811").is_within(&c("京")));
        assert!(!c("豫").is_within(&c("豫08")));
    }

    #[test]
    fn serde_as_string() {
        let json = serde_json::to_string(&c("豫0811")).unwrap();
        assert_eq!(json, "\"豫0811\"");
        assert_eq!(
            serde_json::from_str::<CourtCode>(&json).unwrap(),
            c("豫0811")
        );
        assert!(serde_json::from_str::<CourtCode>("\"豫1\"").is_err());
        assert_eq!(
            serde_json::to_string(&CourtLevel::Intermediate).unwrap(),
            "\"intermediate\""
        );
    }
}
