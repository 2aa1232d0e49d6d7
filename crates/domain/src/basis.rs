//! The enforcement basis (执行依据): the effective legal instrument a case enforces.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::{DomainError, DomainResult};

const MAX_FIELD_CHARS: usize = 100;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BasisKind {
    Judgment,
    Ruling,
    Mediation,
    ArbitralAward,
    #[serde(rename = "notarised")]
    NotarisedInstrument,
    Other,
}

impl BasisKind {
    pub const ALL: [BasisKind; 6] = [
        BasisKind::Judgment,
        BasisKind::Ruling,
        BasisKind::Mediation,
        BasisKind::ArbitralAward,
        BasisKind::NotarisedInstrument,
        BasisKind::Other,
    ];

    pub fn key(self) -> &'static str {
        match self {
            BasisKind::Judgment => "judgment",
            BasisKind::Ruling => "ruling",
            BasisKind::Mediation => "mediation",
            BasisKind::ArbitralAward => "arbitral_award",
            BasisKind::NotarisedInstrument => "notarised",
            BasisKind::Other => "other",
        }
    }

    pub fn from_key(key: &str) -> DomainResult<BasisKind> {
        Self::ALL
            .into_iter()
            .find(|k| k.key() == key)
            .ok_or_else(|| {
                DomainError::new(
                    "basis_kind.unknown",
                    format!("未知的执行依据类型“{key}”"),
                    format!("unknown kind of enforcement basis \"{key}\""),
                )
            })
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            BasisKind::Judgment => "民事判决书",
            BasisKind::Ruling => "民事裁定书",
            BasisKind::Mediation => "民事调解书",
            BasisKind::ArbitralAward => "仲裁裁决书",
            BasisKind::NotarisedInstrument => "公证债权文书",
            BasisKind::Other => "其他",
        }
    }

    pub fn name_en(self) -> &'static str {
        match self {
            BasisKind::Judgment => "Civil judgment",
            BasisKind::Ruling => "Civil ruling",
            BasisKind::Mediation => "Civil mediation statement",
            BasisKind::ArbitralAward => "Arbitral award",
            BasisKind::NotarisedInstrument => "Notarised debt instrument",
            BasisKind::Other => "Other",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Basis {
    /// The court, arbitration commission or notary office that issued the instrument.
    pub issuing_court: String,
    /// The instrument's own number, e.g. （2023）豫0811民初456号; free text because arbitral
    /// and notarial numbers follow no common format.
    pub instrument_number: String,
    pub kind: BasisKind,
    pub effective_date: NaiveDate,
}

impl Basis {
    /// `today` is passed in (not read from the clock) so the rule stays pure and testable.
    pub fn new(
        issuing_court: &str,
        instrument_number: &str,
        kind: BasisKind,
        effective_date: NaiveDate,
        today: NaiveDate,
    ) -> DomainResult<Basis> {
        let issuing_court = required(
            issuing_court,
            "basis.issuing_court",
            "作出执行依据的机构",
            "issuing court or body",
        )?;
        let instrument_number = required(
            instrument_number,
            "basis.instrument_number",
            "执行依据文书编号",
            "instrument number",
        )?;
        if effective_date > today {
            return Err(DomainError::new(
                "basis.effective_date_future",
                format!("执行依据生效日期{effective_date}晚于今天（{today}），尚未生效的文书不能申请执行，请核对日期"),
                format!("the effective date {effective_date} is after today ({today}); an instrument not yet in force cannot be enforced — please check the date"),
            ));
        }
        Ok(Basis {
            issuing_court,
            instrument_number,
            kind,
            effective_date,
        })
    }
}

fn required(value: &str, code: &'static str, what_zh: &str, what_en: &str) -> DomainResult<String> {
    let v = value.trim();
    if v.is_empty() {
        return Err(DomainError::new(
            code,
            format!("{what_zh}不能为空"),
            format!("the {what_en} is empty"),
        ));
    }
    let len = v.chars().count();
    if len > MAX_FIELD_CHARS {
        return Err(DomainError::new(
            code,
            format!("{what_zh}过长：最多{MAX_FIELD_CHARS}个字，输入了{len}个字"),
            format!("the {what_en} is too long: at most {MAX_FIELD_CHARS} characters, {len} given"),
        ));
    }
    Ok(v.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn kinds() {
        let keys: Vec<&str> = BasisKind::ALL.iter().map(|k| k.key()).collect();
        assert_eq!(
            keys,
            [
                "judgment",
                "ruling",
                "mediation",
                "arbitral_award",
                "notarised",
                "other"
            ]
        );
        for k in BasisKind::ALL {
            assert_eq!(BasisKind::from_key(k.key()).unwrap(), k);
            assert_eq!(
                serde_json::to_string(&k).unwrap(),
                format!("\"{}\"", k.key())
            );
        }
        assert_eq!(BasisKind::NotarisedInstrument.name_zh(), "公证债权文书");
        assert_eq!(
            BasisKind::from_key("notarized").unwrap_err().code,
            "basis_kind.unknown"
        );
    }

    #[test]
    fn valid_basis_is_trimmed() {
        let b = Basis::new(
            " 孟州市人民法院 ",
            "（2023）豫0883民初456号",
            BasisKind::Judgment,
            d(2024, 1, 15),
            d(2024, 3, 1),
        )
        .unwrap();
        assert_eq!(b.issuing_court, "孟州市人民法院");
        assert_eq!(b.instrument_number, "（2023）豫0883民初456号");
        // Effective today is fine.
        assert!(Basis::new("a", "b", BasisKind::Ruling, d(2024, 3, 1), d(2024, 3, 1)).is_ok());
    }

    #[test]
    fn refuses_empty_fields_and_future_dates() {
        let today = d(2024, 3, 1);
        let e = Basis::new(" ", "x", BasisKind::Judgment, today, today).unwrap_err();
        assert_eq!(e.code, "basis.issuing_court");
        let e = Basis::new("x", "", BasisKind::Judgment, today, today).unwrap_err();
        assert_eq!(e.code, "basis.instrument_number");
        let long = "字".repeat(101);
        let e = Basis::new("x", &long, BasisKind::Judgment, today, today).unwrap_err();
        assert_eq!(e.code, "basis.instrument_number");
        let e = Basis::new("x", "y", BasisKind::Judgment, d(2024, 3, 2), today).unwrap_err();
        assert_eq!(e.code, "basis.effective_date_future");
        assert!(
            e.zh.contains("2024-03-02") && e.zh.contains("2024-03-01"),
            "{e}"
        );
    }
}
