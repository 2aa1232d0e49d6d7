//! The fill data of a document and the helpers that write it the way courts do.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use zhixing_domain::money::Fen;

/// Everything a template may refer to. Field names are the template's vocabulary: a template
/// that names a field not listed here is refused (strict undefined).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct DocData {
    pub court: CourtData,
    pub case_id: i64,
    pub case_number: String,
    /// The document's own number (文号): the case number for the first document of its kind
    /// in the case, 之一, 之二… for later ones. Given on approval; a draft shows the case number.
    #[serde(default)]
    pub number: String,
    /// Not yet approved: typeset with a line saying so at the top, whatever the template.
    #[serde(default)]
    pub draft: bool,
    /// 案由 or the kind of claim, as filed.
    pub cause: String,
    /// Filing date, written the Chinese way.
    pub filed_on: String,
    pub applicants: Vec<PartyData>,
    pub respondents: Vec<PartyData>,
    pub basis: BasisData,
    /// The amount to enforce.
    pub amount: AmountData,
    /// 申请执行费.
    pub fee: AmountData,
    pub payment: PaymentData,
    pub judge: String,
    pub clerk: String,
    /// Date of issue, written the Chinese way.
    pub issued_on: String,
    /// Assets named in rulings (freeze / seal / deduct); may be empty.
    pub assets: Vec<AssetData>,
    /// Free lines for records (接待笔录) and notes.
    pub notes: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct CourtData {
    pub name: String,
    pub code: String,
    pub address: String,
    pub phone: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct PartyData {
    pub name: String,
    /// "person" or "organisation".
    pub kind: String,
    /// 公民身份号码 / 统一社会信用代码.
    pub id_label: String,
    pub id_number: String,
    pub address: String,
    /// Legal representative of a legal person; empty for a natural person.
    pub representative: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct BasisData {
    pub court: String,
    pub number: String,
    /// e.g. 民事判决书.
    pub kind: String,
    pub date: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct AmountData {
    pub fen: i64,
    /// `1,380,000.00`
    pub figures: String,
    /// `人民币壹佰叁拾捌万元整`
    pub capital: String,
}

impl From<Fen> for AmountData {
    fn from(f: Fen) -> Self {
        AmountData {
            fen: f.0,
            figures: f.to_string(),
            capital: f.to_chinese_capital(),
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct PaymentData {
    pub bank: String,
    pub account_name: String,
    pub account_number: String,
    /// What the payer writes in the transfer's remark (附言).
    pub note: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct AssetData {
    pub description: String,
    pub holder: String,
    pub amount: String,
    pub period: String,
}

/// 申请执行费 under 《诉讼费用交纳办法》 art. 14: 50 yuan up to 10,000 yuan, then 1.5 % of the part
/// up to 500,000, 1 % up to 5 million, 0.5 % up to 10 million and 0.1 % above; rounded to the fen.
pub fn application_fee(amount: Fen) -> Fen {
    let a = amount.0.max(0) as i128;
    let bands: [(i128, i128, i128); 4] = [
        (1_000_000, 50_000_000, 150),
        (50_000_000, 500_000_000, 100),
        (500_000_000, 1_000_000_000, 50),
        (1_000_000_000, i128::MAX, 10),
    ];
    // In hundredths of a fen per band, then rounded half up once.
    let mut hundredths: i128 = 5_000 * 100;
    for (lo, hi, per_10k) in bands {
        if a > lo {
            hundredths += (a.min(hi) - lo) * per_10k / 100;
        }
    }
    Fen(((hundredths + 50) / 100) as i64)
}

/// The label of a party's identifier on documents.
pub fn id_label(kind: &str) -> &'static str {
    if kind == "person" {
        "公民身份号码"
    } else {
        "统一社会信用代码"
    }
}

/// A date as courts write it: `二〇二六年十一月二十七日`.
pub fn chinese_date(d: NaiveDate) -> String {
    const DIGITS: [char; 10] = ['〇', '一', '二', '三', '四', '五', '六', '七', '八', '九'];
    let mut s: String = d
        .year()
        .to_string()
        .chars()
        .map(|c| DIGITS[c.to_digit(10).unwrap_or(0) as usize])
        .collect();
    s.push('年');
    s.push_str(&small_number(d.month()));
    s.push('月');
    s.push_str(&small_number(d.day()));
    s.push('日');
    s
}

/// 1..=39 in Chinese: 一 … 十, 十一 … 十九, 二十, 二十一 … 三十一.
fn small_number(n: u32) -> String {
    const D: [&str; 10] = ["", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    let (tens, ones) = ((n / 10) as usize, (n % 10) as usize);
    match tens {
        0 => D[ones].to_string(),
        1 => format!("十{}", D[ones]),
        _ => format!("{}十{}", D[tens], D[ones]),
    }
}

/// The case's payment account (one virtual account per case, 一案一账号).
///
/// Until the funds issue lands there is no bank integration: the number is **derived**,
/// deterministically, from the court code and the case id, so that every document of a case
/// names the same account and two cases never share one: `8`, five digits of an FNV-1a hash
/// of the court code, the case id in eleven digits, and a Luhn check digit (18 digits). The
/// funds work will replace this with the account the bank actually opened.
pub fn virtual_account_number(court_code: &str, case_id: i64) -> String {
    let mut h: u32 = 0x811c_9dc5;
    for b in court_code.bytes() {
        h ^= u32::from(b);
        h = h.wrapping_mul(0x0100_0193);
    }
    let body = format!(
        "8{:05}{:011}",
        h % 100_000,
        case_id.rem_euclid(100_000_000_000)
    );
    let mut sum = 0;
    for (i, c) in body.chars().rev().enumerate() {
        let mut d = c.to_digit(10).unwrap_or(0);
        if i % 2 == 0 {
            d *= 2;
            if d > 9 {
                d -= 9;
            }
        }
        sum += d;
    }
    format!("{body}{}", (10 - sum % 10) % 10)
}

impl DocData {
    /// A realistic sample case, used for previews of templates, validation and tests.
    pub fn sample() -> DocData {
        DocData::sample_numbered(1)
    }

    /// The sample case with a different number (for batch benchmarks).
    pub fn sample_numbered(n: i64) -> DocData {
        let today = NaiveDate::from_ymd_opt(2026, 11, 27).expect("valid date");
        let filed = NaiveDate::from_ymd_opt(2026, 11, 20).expect("valid date");
        let court_code = "豫0883".to_string();
        let case_number = format!("（2026）豫0883执{n}号");
        DocData {
            court: CourtData {
                name: "河南省孟州市人民法院".into(),
                code: court_code.clone(),
                address: "河南省孟州市河阳街道韩愈大街".into(),
                phone: "0391-8161234".into(),
            },
            case_id: n,
            case_number: case_number.clone(),
            number: case_number.clone(),
            draft: false,
            cause: "买卖合同纠纷".into(),
            filed_on: chinese_date(filed),
            applicants: vec![PartyData {
                name: "焦作市恒达建材有限公司".into(),
                kind: "organisation".into(),
                id_label: "统一社会信用代码".into(),
                id_number: "91410800MA44XYZ12K".into(),
                address: "河南省焦作市解放区民主路18号".into(),
                representative: "王建国".into(),
            }],
            respondents: vec![PartyData {
                name: "李明".into(),
                kind: "person".into(),
                id_label: "公民身份号码".into(),
                id_number: "410883198501011234".into(),
                address: "河南省孟州市会昌街道西关村（二组）12号".into(),
                representative: String::new(),
            }],
            basis: BasisData {
                court: "河南省孟州市人民法院".into(),
                number: "（2026）豫0883民初456号".into(),
                kind: "民事判决书".into(),
                date: chinese_date(NaiveDate::from_ymd_opt(2026, 8, 10).expect("valid date")),
            },
            amount: Fen(138_000_050).into(),
            fee: application_fee(Fen(138_000_050)).into(),
            payment: PaymentData {
                bank: "中国工商银行孟州支行".into(),
                account_name: "孟州市人民法院执行款专户".into(),
                account_number: virtual_account_number(&court_code, n),
                note: case_number,
            },
            judge: "赵志刚".into(),
            clerk: "孙丽".into(),
            issued_on: chinese_date(today),
            assets: vec![
                AssetData {
                    description: "中国建设银行孟州支行账户6217000000001234567存款".into(),
                    holder: "李明".into(),
                    amount: "1,380,000.50".into(),
                    period: "一年".into(),
                },
                AssetData {
                    description: "孟州市河阳街道韩愈大街88号房产（不动产权证号：豫（2020）孟州市不动产权第0001234号）".into(),
                    holder: "李明".into(),
                    amount: String::new(),
                    period: "三年".into(),
                },
            ],
            notes: vec![
                "申请执行人称被执行人名下有车辆一辆，车牌号豫H12345。".into(),
                "已告知申请执行人执行风险及权利义务。".into(),
            ],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> String {
        chinese_date(NaiveDate::from_ymd_opt(y, m, day).unwrap())
    }

    #[test]
    fn chinese_dates() {
        assert_eq!(d(2026, 11, 27), "二〇二六年十一月二十七日");
        assert_eq!(d(2020, 1, 1), "二〇二〇年一月一日");
        assert_eq!(d(2008, 10, 10), "二〇〇八年十月十日");
        assert_eq!(d(2019, 12, 20), "二〇一九年十二月二十日");
        assert_eq!(d(2021, 3, 30), "二〇二一年三月三十日");
        assert_eq!(d(2021, 3, 31), "二〇二一年三月三十一日");
        assert_eq!(d(2000, 2, 19), "二〇〇〇年二月十九日");
    }

    #[test]
    fn application_fees_follow_article_14() {
        assert_eq!(application_fee(Fen::from_yuan(8_000)), Fen::from_yuan(50));
        assert_eq!(application_fee(Fen::from_yuan(10_000)), Fen::from_yuan(50));
        assert_eq!(application_fee(Fen::from_yuan(20_000)), Fen::from_yuan(200));
        assert_eq!(
            application_fee(Fen::from_yuan(500_000)),
            Fen::from_yuan(7_400)
        );
        assert_eq!(
            application_fee(Fen::from_yuan(5_000_000)),
            Fen::from_yuan(52_400)
        );
        assert_eq!(
            application_fee(Fen::from_yuan(20_000_000)),
            Fen::from_yuan(87_400)
        );
        assert_eq!(application_fee(Fen(138_000_050)), Fen(1_620_001));
    }

    #[test]
    fn virtual_accounts_are_deterministic_and_distinct() {
        let a = virtual_account_number("豫0883", 1);
        assert_eq!(a, virtual_account_number("豫0883", 1));
        assert_eq!(a.len(), 18);
        assert!(a.chars().all(|c| c.is_ascii_digit()));
        assert_ne!(a, virtual_account_number("豫0883", 2));
        assert_ne!(a, virtual_account_number("豫0811", 1));
    }

    #[test]
    fn amounts_have_figures_and_capitals() {
        let a: AmountData = Fen(138_000_050).into();
        assert_eq!(a.figures, "1,380,000.50");
        assert!(a.capital.starts_with("人民币壹佰叁拾捌万"), "{}", a.capital);
    }
}
