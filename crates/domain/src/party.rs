//! Parties (当事人): who the case is between, identified by ID number or credit code so that
//! restriction orders and blacklisting hit the right person.

use serde::{Deserialize, Serialize};

use crate::ids::{half_width, CreditCode, ResidentId};
use crate::{DomainError, DomainResult};

const MAX_NAME_CHARS: usize = 100;
const MAX_ADDRESS_CHARS: usize = 200;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PartyRole {
    Applicant,
    Debtor,
    Third,
}

impl PartyRole {
    pub const ALL: [PartyRole; 3] = [PartyRole::Applicant, PartyRole::Debtor, PartyRole::Third];

    pub fn key(self) -> &'static str {
        match self {
            PartyRole::Applicant => "applicant",
            PartyRole::Debtor => "debtor",
            PartyRole::Third => "third",
        }
    }

    pub fn from_key(key: &str) -> DomainResult<PartyRole> {
        Self::ALL
            .into_iter()
            .find(|r| r.key() == key)
            .ok_or_else(|| {
                DomainError::new(
                    "party_role.unknown",
                    format!("未知的当事人身份“{key}”"),
                    format!("unknown party role \"{key}\""),
                )
            })
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            PartyRole::Applicant => "申请执行人",
            PartyRole::Debtor => "被执行人",
            PartyRole::Third => "案外人",
        }
    }

    pub fn name_en(self) -> &'static str {
        match self {
            PartyRole::Applicant => "Applicant",
            PartyRole::Debtor => "Debtor",
            PartyRole::Third => "Third party",
        }
    }
}

/// A natural person by resident ID, or an organisation by unified social credit code.
/// Serialises as `{"kind": "person", "number": "..."}`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", content = "number", rename_all = "snake_case")]
pub enum PartyIdentity {
    Person(ResidentId),
    Organisation(CreditCode),
}

impl PartyIdentity {
    pub fn kind_key(&self) -> &'static str {
        match self {
            PartyIdentity::Person(_) => "person",
            PartyIdentity::Organisation(_) => "organisation",
        }
    }

    pub fn number(&self) -> &str {
        match self {
            PartyIdentity::Person(id) => id.as_str(),
            PartyIdentity::Organisation(code) => code.as_str(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Party {
    pub name: String,
    pub identity: PartyIdentity,
    pub phone: Option<String>,
    pub address: Option<String>,
}

impl Party {
    /// Validates and normalises a party as entered: trims everything, treats blank phone or
    /// address as absent, and stores the phone number in a canonical form.
    pub fn new(
        name: &str,
        identity: PartyIdentity,
        phone: Option<&str>,
        address: Option<&str>,
    ) -> DomainResult<Party> {
        let name = name.trim();
        if name.is_empty() {
            return Err(DomainError::new(
                "party.name_empty",
                "当事人名称不能为空",
                "the party's name is empty",
            ));
        }
        let name_len = name.chars().count();
        if name_len > MAX_NAME_CHARS {
            return Err(DomainError::new(
                "party.name_too_long",
                format!("当事人名称过长：最多{MAX_NAME_CHARS}个字，输入了{name_len}个字"),
                format!("the party's name is too long: at most {MAX_NAME_CHARS} characters, {name_len} given"),
            ));
        }
        let phone = match phone.map(str::trim).filter(|p| !p.is_empty()) {
            Some(p) => Some(normalise_phone(p)?),
            None => None,
        };
        let address = address.map(str::trim).filter(|a| !a.is_empty());
        if let Some(a) = address {
            let len = a.chars().count();
            if len > MAX_ADDRESS_CHARS {
                return Err(DomainError::new(
                    "party.address_too_long",
                    format!("地址过长：最多{MAX_ADDRESS_CHARS}个字，输入了{len}个字"),
                    format!("the address is too long: at most {MAX_ADDRESS_CHARS} characters, {len} given"),
                ));
            }
        }
        Ok(Party {
            name: name.to_string(),
            identity,
            phone,
            address: address.map(str::to_string),
        })
    }
}

/// Accepts a mainland mobile (11 digits, 1[3-9]…) or a landline such as `0391-1234567`
/// (digits with at most one hyphen, 7–13 digits). Spaces and full-width digits are tolerated
/// and removed; a `+86` prefix is dropped.
fn normalise_phone(input: &str) -> DomainResult<String> {
    let compact: String = half_width(input)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    let s = compact.strip_prefix("+86").unwrap_or(&compact);
    let invalid = || {
        DomainError::new(
            "party.phone",
            format!(
                "电话号码“{}”格式错误：手机号应为1开头的11位数字，固定电话如 0391-1234567",
                input.trim()
            ),
            format!(
                "phone number \"{}\" is not valid: a mobile has 11 digits starting with 13–19, \
                 a landline looks like 0391-1234567",
                input.trim()
            ),
        )
    };
    if !s.chars().all(|c| c.is_ascii_digit() || c == '-') {
        return Err(invalid());
    }
    let hyphens = s.matches('-').count();
    let digits = s.len() - hyphens;
    let b = s.as_bytes();
    if hyphens == 0 && b.first() == Some(&b'1') {
        // Anything starting with 1 must be a mobile number: 1 is not a landline prefix.
        let mobile = digits == 11 && matches!(b[1], b'3'..=b'9');
        return if mobile {
            Ok(s.to_string())
        } else {
            Err(invalid())
        };
    }
    let landline = hyphens <= 1
        && !s.starts_with('-')
        && !s.ends_with('-')
        && (7..=13).contains(&digits)
        && !s.starts_with('1');
    if landline {
        Ok(s.to_string())
    } else {
        Err(invalid())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn person() -> PartyIdentity {
        PartyIdentity::Person(ResidentId::parse("11010519491231002X").unwrap())
    }

    fn org() -> PartyIdentity {
        PartyIdentity::Organisation(CreditCode::parse("91350100M000100Y43").unwrap())
    }

    #[test]
    fn roles() {
        for r in PartyRole::ALL {
            assert_eq!(PartyRole::from_key(r.key()).unwrap(), r);
            assert_eq!(
                serde_json::to_string(&r).unwrap(),
                format!("\"{}\"", r.key())
            );
        }
        assert_eq!(PartyRole::Applicant.name_zh(), "申请执行人");
        assert_eq!(PartyRole::Debtor.name_zh(), "被执行人");
        assert_eq!(PartyRole::Third.name_zh(), "案外人");
        assert_eq!(
            PartyRole::from_key("judge").unwrap_err().code,
            "party_role.unknown"
        );
    }

    #[test]
    fn identity() {
        assert_eq!(person().kind_key(), "person");
        assert_eq!(person().number(), "11010519491231002X");
        assert_eq!(org().kind_key(), "organisation");
        assert_eq!(org().number(), "91350100M000100Y43");
        let json = serde_json::to_string(&org()).unwrap();
        assert_eq!(
            json,
            r#"{"kind":"organisation","number":"91350100M000100Y43"}"#
        );
        assert_eq!(serde_json::from_str::<PartyIdentity>(&json).unwrap(), org());
        let bad = r#"{"kind":"person","number":"110105194912310021"}"#;
        assert!(serde_json::from_str::<PartyIdentity>(bad).is_err());
    }

    #[test]
    fn new_party_normalises_input() {
        let p = Party::new(
            "  张三 ",
            person(),
            Some(" 139 1234 5678 "),
            Some(" 河南省焦作市解放区 "),
        )
        .unwrap();
        assert_eq!(p.name, "张三");
        assert_eq!(p.phone.as_deref(), Some("13912345678"));
        assert_eq!(p.address.as_deref(), Some("河南省焦作市解放区"));

        let p = Party::new("某某有限公司", org(), Some(""), Some("  ")).unwrap();
        assert_eq!(p.phone, None);
        assert_eq!(p.address, None);
        let p = Party::new("某某有限公司", org(), None, None).unwrap();
        assert_eq!(p.phone, None);
    }

    #[test]
    fn phone_numbers() {
        let ok = |s: &str| normalise_phone(s).unwrap_or_else(|e| panic!("{s}: {e}"));
        assert_eq!(ok("13912345678"), "13912345678");
        assert_eq!(ok("19912345678"), "19912345678");
        assert_eq!(ok("+86 139 1234 5678"), "13912345678");
        assert_eq!(ok("１３９１２３４５６７８"), "13912345678");
        assert_eq!(ok("0391-1234567"), "0391-1234567");
        assert_eq!(ok("010-12345678"), "010-12345678");
        assert_eq!(ok("03911234567"), "03911234567");
        assert_eq!(ok("3912345"), "3912345");
        for bad in [
            "12912345678",
            "1391234567",
            "139123456789",
            "0391-123-4567",
            "-03911234567",
            "0391-",
            "039112",
            "03911234567890",
            "abc",
            "139l2345678",
            "1234567",
        ] {
            let e = normalise_phone(bad).unwrap_err();
            assert_eq!(e.code, "party.phone", "{bad}");
        }
        let e = Party::new("张三", person(), Some("12345"), None).unwrap_err();
        assert!(
            e.zh.contains("“12345”") && e.zh.contains("0391-1234567"),
            "{e}"
        );
    }

    #[test]
    fn name_and_address_limits() {
        assert_eq!(
            Party::new("  ", person(), None, None).unwrap_err().code,
            "party.name_empty"
        );
        let hundred = "张".repeat(100);
        assert!(Party::new(&hundred, person(), None, None).is_ok());
        let e = Party::new(&format!("{hundred}三"), person(), None, None).unwrap_err();
        assert_eq!(e.code, "party.name_too_long");
        assert!(e.zh.contains("101"), "{e}");
        let addr = "路".repeat(200);
        assert!(Party::new("张三", person(), None, Some(&addr)).is_ok());
        let e = Party::new("张三", person(), None, Some(&format!("{addr}号"))).unwrap_err();
        assert_eq!(e.code, "party.address_too_long");
    }
}
