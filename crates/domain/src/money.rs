//! Money as integer fen (分). Enforcement amounts are legal facts that get added, split and
//! printed on rulings, so floats are never used: one rounding slip is a wrong ruling.

use std::fmt;
use std::iter::Sum;
use std::ops::{Add, AddAssign, Sub, SubAssign};

use serde::{Deserialize, Serialize};

use crate::ids::half_width;
use crate::{DomainError, DomainResult};

/// The largest amount [`Fen::parse`] accepts: 10^15 fen (ten trillion yuan). No real claim comes
/// near it, so anything bigger is a typing slip (an extra group of zeros) and is refused.
pub const MAX_PARSED_FEN: i64 = 1_000_000_000_000_000;

/// An amount of money in fen (1 yuan = 100 fen). Serialises as a plain integer.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct Fen(pub i64);

#[derive(Clone, Copy)]
enum Unit {
    Yuan,
    Wan,
}

impl Unit {
    /// Fen per unit and the decimals a clerk may type: 万 with 6 decimals is still whole fen.
    fn scale_and_decimals(self) -> (u128, usize) {
        match self {
            Unit::Yuan => (100, 2),
            Unit::Wan => (1_000_000, 6),
        }
    }
}

impl Fen {
    pub const ZERO: Fen = Fen(0);

    /// Whole yuan to fen. Panics on overflow in debug builds, like any integer arithmetic.
    pub const fn from_yuan(yuan: i64) -> Fen {
        Fen(yuan * 100)
    }

    pub const fn is_positive(self) -> bool {
        self.0 > 0
    }

    pub const fn is_zero(self) -> bool {
        self.0 == 0
    }

    pub fn checked_add(self, other: Fen) -> Option<Fen> {
        self.0.checked_add(other.0).map(Fen)
    }

    pub fn checked_sub(self, other: Fen) -> Option<Fen> {
        self.0.checked_sub(other.0).map(Fen)
    }

    /// Parses an amount the way clerks write it: `1380000`, `1,380,000.00`, `¥1,380,000`,
    /// `1380000元`, `138万`, `1.5万元`; full-width digits and punctuation are accepted.
    /// Zero is accepted here; callers that need a positive amount check [`Fen::is_positive`].
    pub fn parse(input: &str) -> DomainResult<Fen> {
        let normalised = half_width(input).replace('￥', "¥");
        let shown = normalised.trim();
        if shown.is_empty() {
            return Err(DomainError::new(
                "money.empty",
                "金额不能为空",
                "the amount is empty",
            ));
        }
        let mut s = shown;
        if let Some(rest) = s.strip_prefix("人民币") {
            s = rest.trim_start();
        }
        if let Some(rest) = s.strip_prefix('¥') {
            s = rest.trim_start();
        }
        if s.starts_with('-') || s.starts_with('负') {
            return Err(DomainError::new(
                "money.negative",
                format!("金额不能为负数：“{shown}”"),
                format!("the amount cannot be negative: \"{shown}\""),
            ));
        }
        let (body, unit) = if let Some(b) = s.strip_suffix("万元") {
            (b, Unit::Wan)
        } else if let Some(b) = s.strip_suffix('万') {
            (b, Unit::Wan)
        } else if let Some(b) = s.strip_suffix('元') {
            (b, Unit::Yuan)
        } else {
            (s, Unit::Yuan)
        };
        let body = body.trim_end();
        let invalid = || {
            DomainError::new(
                "money.invalid",
                format!(
                    "金额格式错误：“{shown}”不是有效金额，可写作 1380000、1,380,000.00 或 138万"
                ),
                format!(
                    "\"{shown}\" is not a valid amount; write e.g. 1380000, 1,380,000.00 or 138万"
                ),
            )
        };

        let (int_part, frac_part) = match body.split_once('.') {
            Some((i, f)) => (i, Some(f)),
            None => (body, None),
        };
        if int_part.is_empty() || !int_part.chars().all(|c| c.is_ascii_digit() || c == ',') {
            return Err(invalid());
        }
        if int_part.contains(',') && !well_grouped(int_part) {
            return Err(DomainError::new(
                "money.grouping",
                format!("金额“{shown}”的千分位逗号位置不对，应每三位一个逗号，如 1,380,000"),
                format!(
                    "the thousands separators in \"{shown}\" are misplaced; \
                     use one comma every three digits, e.g. 1,380,000"
                ),
            ));
        }
        let (scale, max_decimals) = unit.scale_and_decimals();
        let frac = frac_part.unwrap_or("");
        if frac_part.is_some() && (frac.is_empty() || !frac.chars().all(|c| c.is_ascii_digit())) {
            return Err(invalid());
        }
        if frac.len() > max_decimals {
            let (zh, en) = match unit {
                Unit::Yuan => (
                    format!("金额“{shown}”最多保留两位小数（到分）"),
                    format!("\"{shown}\" has more than 2 decimals; amounts go down to the fen"),
                ),
                Unit::Wan => (
                    format!("以万元为单位的金额“{shown}”最多保留六位小数（到分）"),
                    format!(
                        "\"{shown}\" has more than 6 decimals; amounts in 万 go down to the fen"
                    ),
                ),
            };
            return Err(DomainError::new("money.decimals", zh, en));
        }

        let too_large = || {
            DomainError::new(
                "money.too_large",
                format!("金额“{shown}”过大，请核对是否多输了位数"),
                format!("\"{shown}\" is too large; please check for extra digits"),
            )
        };
        let digits: String = int_part.chars().filter(|c| *c != ',').collect();
        let digits = digits.trim_start_matches('0');
        // Bounding the length first keeps the u128 arithmetic below from overflowing.
        if digits.len() > 20 {
            return Err(too_large());
        }
        let whole: u128 = if digits.is_empty() {
            0
        } else {
            digits.parse().map_err(|_| invalid())?
        };
        let frac_fen: u128 = if frac.is_empty() {
            0
        } else {
            let padded = format!("{frac:0<max_decimals$}");
            padded.parse().map_err(|_| invalid())?
        };
        let total = whole * scale + frac_fen * (scale / 10u128.pow(max_decimals as u32));
        if total > MAX_PARSED_FEN as u128 {
            return Err(too_large());
        }
        Ok(Fen(total as i64))
    }

    /// The amount in Chinese capital numerals as written on rulings and payment orders, e.g.
    /// `人民币壹拾万零贰佰元整`. Follows the banking rules: one 零 for any run of zeros between
    /// digits, none at the end of a group, 零 between 元 and 分 when 角 is zero, 整 when no 分.
    pub fn to_chinese_capital(&self) -> String {
        let abs = self.0.unsigned_abs();
        let yuan = abs / 100;
        let jiao = (abs / 10 % 10) as usize;
        let fen = (abs % 10) as usize;
        let mut out = String::from("人民币");
        if self.0 < 0 {
            out.push('负');
        }
        if abs == 0 {
            out.push_str("零元整");
            return out;
        }
        if yuan > 0 {
            out.push_str(&integer_capital(yuan));
            out.push('元');
        }
        if jiao > 0 {
            out.push(CAPITAL_DIGITS[jiao]);
            out.push('角');
        } else if fen > 0 && yuan > 0 {
            out.push('零');
        }
        if fen > 0 {
            out.push(CAPITAL_DIGITS[fen]);
            out.push('分');
        } else {
            out.push('整');
        }
        out
    }
}

const CAPITAL_DIGITS: [char; 10] = ['零', '壹', '贰', '叁', '肆', '伍', '陆', '柒', '捌', '玖'];
const SMALL_UNITS: [&str; 4] = ["", "拾", "佰", "仟"];

/// Capital numerals for a positive whole number. Digits go in groups of four (万) inside groups
/// of eight (亿), so 1,2345,0000,0000 reads 壹万贰仟叁佰肆拾伍亿 and not 壹万亿贰仟…亿.
fn integer_capital(n: u64) -> String {
    let digits: Vec<usize> = n.to_string().bytes().map(|b| (b - b'0') as usize).collect();
    let len = digits.len();
    let mut out = String::new();
    let mut pending_zero = false;
    let mut wan_group_nonzero = false;
    let mut yi_group_nonzero = false;
    for (i, &d) in digits.iter().enumerate() {
        let pos = len - 1 - i;
        if d == 0 {
            pending_zero = !out.is_empty();
        } else {
            if pending_zero {
                out.push('零');
                pending_zero = false;
            }
            out.push(CAPITAL_DIGITS[d]);
            out.push_str(SMALL_UNITS[pos % 4]);
            wan_group_nonzero = true;
            yi_group_nonzero = true;
        }
        // (rem_euclid rather than `% n == 0`: clippy would suggest `is_multiple_of`, which is
        // newer than the workspace's minimum Rust version.)
        match (pos, pos.rem_euclid(8)) {
            (0, _) => {}
            (_, 4) => {
                if wan_group_nonzero {
                    out.push('万');
                }
                wan_group_nonzero = false;
            }
            (_, 0) => {
                if yi_group_nonzero {
                    for _ in 0..pos / 8 {
                        out.push('亿');
                    }
                }
                wan_group_nonzero = false;
                yi_group_nonzero = false;
            }
            _ => {}
        }
    }
    out
}

/// `1,380,000` style: a first group of 1–3 digits, then groups of exactly three.
fn well_grouped(int_part: &str) -> bool {
    let mut groups = int_part.split(',');
    let first_ok = groups.next().is_some_and(|g| (1..=3).contains(&g.len()));
    first_ok && groups.all(|g| g.len() == 3)
}

impl fmt::Display for Fen {
    /// `1,380,000.00`: thousands separators and always two decimals, as on court documents.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let abs = self.0.unsigned_abs();
        let yuan = (abs / 100).to_string();
        let mut s = String::with_capacity(yuan.len() + yuan.len() / 3 + 4);
        if self.0 < 0 {
            s.push('-');
        }
        for (i, c) in yuan.chars().enumerate() {
            if i > 0 && (yuan.len() - i).rem_euclid(3) == 0 {
                s.push(',');
            }
            s.push(c);
        }
        s.push('.');
        s.push_str(&format!("{:02}", abs % 100));
        f.pad(&s)
    }
}

impl std::str::FromStr for Fen {
    type Err = DomainError;
    fn from_str(s: &str) -> DomainResult<Fen> {
        Fen::parse(s)
    }
}

impl Add for Fen {
    type Output = Fen;
    fn add(self, rhs: Fen) -> Fen {
        Fen(self.0 + rhs.0)
    }
}

impl AddAssign for Fen {
    fn add_assign(&mut self, rhs: Fen) {
        self.0 += rhs.0;
    }
}

impl Sub for Fen {
    type Output = Fen;
    fn sub(self, rhs: Fen) -> Fen {
        Fen(self.0 - rhs.0)
    }
}

impl SubAssign for Fen {
    fn sub_assign(&mut self, rhs: Fen) {
        self.0 -= rhs.0;
    }
}

impl Sum for Fen {
    fn sum<I: Iterator<Item = Fen>>(iter: I) -> Fen {
        iter.fold(Fen::ZERO, Add::add)
    }
}

impl<'a> Sum<&'a Fen> for Fen {
    fn sum<I: Iterator<Item = &'a Fen>>(iter: I) -> Fen {
        iter.copied().sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn p(s: &str) -> i64 {
        Fen::parse(s).unwrap_or_else(|e| panic!("{s}: {e}")).0
    }

    fn err(s: &str) -> &'static str {
        Fen::parse(s).expect_err(s).code
    }

    #[test]
    fn parses_the_ways_clerks_write_amounts() {
        assert_eq!(p("1380000"), 138_000_000);
        assert_eq!(p("1,380,000.00"), 138_000_000);
        assert_eq!(p("1,380,000.5"), 138_000_050);
        assert_eq!(p("¥1,380,000"), 138_000_000);
        assert_eq!(p("￥1,380,000"), 138_000_000);
        assert_eq!(p("1380000元"), 138_000_000);
        assert_eq!(p("138万"), 138_000_000);
        assert_eq!(p("138万元"), 138_000_000);
        assert_eq!(p("1.5万"), 1_500_000);
        assert_eq!(p("0.35万"), 350_000);
        assert_eq!(p("0.000001万"), 1);
        assert_eq!(p("  12.34  "), 1234);
        assert_eq!(p("１，３８０，０００．００"), 138_000_000);
        assert_eq!(p("１３８万元"), 138_000_000);
        assert_eq!(p("人民币 1,000元"), 100_000);
        assert_eq!(p("0"), 0);
        assert_eq!(p("0.00"), 0);
        assert_eq!(p("007"), 700);
        assert_eq!(p("10000000000000"), MAX_PARSED_FEN);
    }

    #[test]
    fn refuses_bad_amounts_with_a_reason() {
        assert_eq!(err(""), "money.empty");
        assert_eq!(err("   "), "money.empty");
        assert_eq!(err("-5"), "money.negative");
        assert_eq!(err("¥-5"), "money.negative");
        assert_eq!(err("1.234"), "money.decimals");
        assert_eq!(err("1.2345678万"), "money.decimals");
        assert_eq!(err("abc"), "money.invalid");
        assert_eq!(err("12abc"), "money.invalid");
        assert_eq!(err("1.2.3"), "money.invalid");
        assert_eq!(err("1."), "money.invalid");
        assert_eq!(err(".5"), "money.invalid");
        assert_eq!(err("元"), "money.invalid");
        assert_eq!(err("万"), "money.invalid");
        assert_eq!(err("13,80,000"), "money.grouping");
        assert_eq!(err(",100"), "money.grouping");
        assert_eq!(err("1380,000"), "money.grouping");
        assert_eq!(err("10000000000000.01"), "money.too_large");
        assert_eq!(err("99999999999999999999999999999"), "money.too_large");
        assert_eq!(p("1000000000万"), MAX_PARSED_FEN);
        assert_eq!(err("1000000000.000001万"), "money.too_large");
        let e = Fen::parse("1.234").unwrap_err();
        assert!(e.zh.contains("两位小数"), "{}", e.zh);
    }

    #[test]
    fn displays_with_separators_and_two_decimals() {
        assert_eq!(Fen(138_000_000).to_string(), "1,380,000.00");
        assert_eq!(Fen(5).to_string(), "0.05");
        assert_eq!(Fen(0).to_string(), "0.00");
        assert_eq!(Fen(12_345).to_string(), "123.45");
        assert_eq!(Fen(100_000).to_string(), "1,000.00");
        assert_eq!(Fen(-123_456).to_string(), "-1,234.56");
        assert_eq!(format!("{:>8}", Fen(100)), "    1.00");
        assert_eq!(Fen::from_yuan(1_380_000), Fen(138_000_000));
    }

    #[test]
    fn chinese_capital_amounts() {
        let cap = |yuan_text: &str| Fen::parse(yuan_text).unwrap().to_chinese_capital();
        assert_eq!(cap("138万"), "人民币壹佰叁拾捌万元整");
        assert_eq!(cap("12345.67"), "人民币壹万贰仟叁佰肆拾伍元陆角柒分");
        assert_eq!(cap("1005"), "人民币壹仟零伍元整");
        assert_eq!(cap("100200"), "人民币壹拾万零贰佰元整");
        assert_eq!(cap("0"), "人民币零元整");
        assert_eq!(cap("16409.02"), "人民币壹万陆仟肆佰零玖元零贰分");
        assert_eq!(cap("325.04"), "人民币叁佰贰拾伍元零肆分");
        assert_eq!(cap("1680.32"), "人民币壹仟陆佰捌拾元叁角贰分");
        assert_eq!(cap("107000.53"), "人民币壹拾万零柒仟元伍角叁分");
        assert_eq!(cap("10"), "人民币壹拾元整");
        assert_eq!(cap("0.5"), "人民币伍角整");
        assert_eq!(cap("0.05"), "人民币伍分");
        assert_eq!(cap("1.5"), "人民币壹元伍角整");
        assert_eq!(cap("100000000"), "人民币壹亿元整");
        assert_eq!(cap("100010000"), "人民币壹亿零壹万元整");
        assert_eq!(cap("100001000"), "人民币壹亿零壹仟元整");
        assert_eq!(cap("100000001"), "人民币壹亿零壹元整");
        assert_eq!(cap("1000000000000"), "人民币壹万亿元整");
        assert_eq!(cap("1234500000000"), "人民币壹万贰仟叁佰肆拾伍亿元整");
        assert_eq!(cap("1000100000000"), "人民币壹万零壹亿元整");
        assert_eq!(Fen(-150).to_chinese_capital(), "人民币负壹元伍角整");
        assert_eq!(
            Fen(i64::MAX).to_chinese_capital(),
            "人民币玖亿亿贰仟贰佰叁拾叁万柒仟贰佰零叁亿陆仟捌佰伍拾肆万柒仟柒佰伍拾捌元零柒分"
        );
    }

    #[test]
    fn arithmetic_and_serde() {
        assert_eq!(Fen(100) + Fen(50), Fen(150));
        assert_eq!(Fen(100) - Fen(150), Fen(-50));
        let mut f = Fen(1);
        f += Fen(2);
        f -= Fen(1);
        assert_eq!(f, Fen(2));
        assert_eq!([Fen(1), Fen(2), Fen(3)].iter().sum::<Fen>(), Fen(6));
        assert_eq!(vec![Fen(1), Fen(2)].into_iter().sum::<Fen>(), Fen(3));
        assert_eq!(Fen(i64::MAX).checked_add(Fen(1)), None);
        assert_eq!(Fen(1).checked_add(Fen(1)), Some(Fen(2)));
        assert_eq!(Fen(i64::MIN).checked_sub(Fen(1)), None);
        assert!(Fen(1).is_positive() && !Fen(0).is_positive() && !Fen(-1).is_positive());
        assert!(Fen(0).is_zero() && !Fen(1).is_zero());
        assert_eq!(serde_json::to_string(&Fen(138)).unwrap(), "138");
        assert_eq!(serde_json::from_str::<Fen>("138").unwrap(), Fen(138));
        assert_eq!("1.5万".parse::<Fen>().unwrap(), Fen(1_500_000));
    }

    proptest! {
        #[test]
        fn display_then_parse_round_trips(x in 0i64..=MAX_PARSED_FEN) {
            prop_assert_eq!(Fen::parse(&Fen(x).to_string()).unwrap(), Fen(x));
        }

        #[test]
        fn wan_amounts_are_whole_fen(whole in 0u64..=999_999_999, frac in 0u32..1_000_000) {
            let text = format!("{whole}.{frac:06}万");
            prop_assert_eq!(
                Fen::parse(&text).unwrap(),
                Fen(whole as i64 * 1_000_000 + i64::from(frac))
            );
        }

        #[test]
        fn capital_amount_has_no_double_or_trailing_zero(x in 0i64..=MAX_PARSED_FEN) {
            let s = Fen(x).to_chinese_capital();
            prop_assert!(!s.contains("零零"), "{}", s);
            prop_assert!(!s.ends_with('零'), "{}", s);
            prop_assert!(s.starts_with("人民币"));
            prop_assert!(s.ends_with('整') || s.ends_with('分'), "{}", s);
        }
    }
}
