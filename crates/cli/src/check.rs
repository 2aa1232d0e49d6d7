//! `zhixing check`: counter helpers that say whether an ID number, credit code or case number is
//! valid and, if not, what is wrong. No database is needed.
//!
//! `check id` decides the kind by content: 17 digits followed by a digit or X is read as a
//! resident ID number (and, since such a string is also well-formed as a credit code, checked
//! as one too, the resident-ID result reported first); anything else is a credit code.

use std::process::ExitCode;

use clap::Subcommand;
use serde_json::{json, Map, Value};
use zhixing_domain::case_number::CaseNumber;
use zhixing_domain::ids::{CreditCode, ResidentId};
use zhixing_domain::DomainError;

#[derive(Subcommand)]
pub enum CheckCmd {
    /// 校验身份证号码或统一社会信用代码 / check a resident ID number or unified social credit code.
    Id {
        /// The number; spaces inside it are ignored.
        #[arg(required = true, num_args = 1..)]
        number: Vec<String>,
        /// Print a JSON object instead of text.
        #[arg(long)]
        json: bool,
    },
    /// 解析案号 / parse a case number such as （2024）豫0811执1234号.
    CaseNumber {
        /// The case number; full-width or ASCII brackets.
        #[arg(required = true, num_args = 1..)]
        text: Vec<String>,
        /// Print a JSON object instead of text.
        #[arg(long)]
        json: bool,
    },
}

/// Runs the check: exit code 0 when valid, 1 when not.
pub fn run(cmd: CheckCmd) -> ExitCode {
    let (report, json) = match cmd {
        CheckCmd::Id { number, json } => (check_id(&number.join("")), json),
        CheckCmd::CaseNumber { text, json } => (check_case_number(&text.join(" ")), json),
    };
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(&report.to_json()).expect("JSON values serialise")
        );
    } else {
        print!("{}", report.to_text());
    }
    if report.valid() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    ResidentId,
    CreditCode,
    CaseNumber,
}

impl Kind {
    fn key(self) -> &'static str {
        match self {
            Kind::ResidentId => "resident_id",
            Kind::CreditCode => "credit_code",
            Kind::CaseNumber => "case_number",
        }
    }

    fn name_zh(self) -> &'static str {
        match self {
            Kind::ResidentId => "居民身份证号码",
            Kind::CreditCode => "统一社会信用代码",
            Kind::CaseNumber => "案号",
        }
    }

    fn name_en(self) -> &'static str {
        match self {
            Kind::ResidentId => "resident ID number",
            Kind::CreditCode => "unified social credit code",
            Kind::CaseNumber => "case number",
        }
    }
}

/// One parsed part: JSON key, Chinese and English labels (empty for parts shown only in JSON),
/// the value for JSON and for text.
struct Part {
    key: &'static str,
    zh: &'static str,
    en: &'static str,
    json: Value,
    text: String,
}

fn part(key: &'static str, zh: &'static str, en: &'static str, value: impl Into<String>) -> Part {
    let text = value.into();
    Part {
        key,
        zh,
        en,
        json: Value::String(text.clone()),
        text,
    }
}

/// The result of reading the input as one kind.
struct Outcome {
    kind: Kind,
    result: Result<Vec<Part>, DomainError>,
}

impl Outcome {
    fn is_valid(&self) -> bool {
        self.result.is_ok()
    }

    fn json(&self, input: &str) -> Map<String, Value> {
        let mut m = Map::new();
        m.insert("valid".into(), Value::Bool(self.is_valid()));
        m.insert("kind".into(), Value::String(self.kind.key().into()));
        m.insert("input".into(), Value::String(input.into()));
        match &self.result {
            Ok(parts) => {
                for p in parts {
                    m.insert(p.key.into(), p.json.clone());
                }
            }
            Err(e) => {
                m.insert(
                    "error".into(),
                    json!({ "code": e.code, "zh": e.zh, "en": e.en }),
                );
            }
        }
        m
    }

    fn text(&self, input: &str) -> String {
        let (zh, en) = (self.kind.name_zh(), self.kind.name_en());
        match &self.result {
            Ok(parts) => {
                let mut s = format!("有效的{zh} / valid {en}\n");
                for p in parts.iter().filter(|p| !p.zh.is_empty()) {
                    s.push_str(&format!("  {} {}: {}\n", p.zh, p.en, p.text));
                }
                s
            }
            Err(e) => format!(
                "无效的{zh} / invalid {en}: {input}\n  {}\n  {}\n",
                e.zh, e.en
            ),
        }
    }
}

/// What the command reports: the primary reading, and for digit-only input also the credit-code
/// reading.
struct Report {
    input: String,
    primary: Outcome,
    secondary: Option<Outcome>,
}

impl Report {
    fn valid(&self) -> bool {
        self.primary.is_valid() || self.secondary.as_ref().is_some_and(Outcome::is_valid)
    }

    /// The valid reading if there is one (the resident ID first), else the primary's error.
    fn to_json(&self) -> Value {
        let (main, other) = match &self.secondary {
            Some(s) if !self.primary.is_valid() && s.is_valid() => (s, Some(&self.primary)),
            Some(s) => (&self.primary, Some(s)),
            None => (&self.primary, None),
        };
        let mut m = main.json(&self.input);
        if let Some(o) = other {
            let mut alt = o.json(&self.input);
            alt.remove("input");
            m.insert("also_checked_as".into(), Value::Object(alt));
        }
        Value::Object(m)
    }

    fn to_text(&self) -> String {
        let mut s = self.primary.text(&self.input);
        if let Some(sec) = self.secondary.as_ref().filter(|o| o.is_valid()) {
            if self.primary.is_valid() {
                s.push_str(
                    "提示：该号码同时符合统一社会信用代码的校验规则 / note: it also passes the unified social credit code check\n",
                );
            }
            s.push_str(&sec.text(&self.input));
        }
        s
    }
}

/// Full-width ASCII to plain, spaces removed, upper case: what a counter clerk may paste.
fn normalise_id(input: &str) -> String {
    input
        .chars()
        .filter_map(|c| {
            let c = match c {
                '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
                _ => c,
            };
            (!c.is_whitespace()).then(|| c.to_ascii_uppercase())
        })
        .collect()
}

fn looks_like_resident_id(s: &str) -> bool {
    let n = s.chars().count();
    s.chars()
        .enumerate()
        .all(|(i, c)| c.is_ascii_digit() || (c == 'X' && i + 1 == n))
}

fn check_id(input: &str) -> Report {
    let s = normalise_id(input);
    if looks_like_resident_id(&s) {
        let primary = resident(&s);
        // 18 digits (or 17 and X) are also well-formed as a credit code; report that reading
        // only when the length fits, after the resident-ID one.
        let secondary = (s.len() == 18).then(|| credit(&s));
        Report {
            input: input.trim().to_string(),
            primary,
            secondary,
        }
    } else {
        Report {
            input: input.trim().to_string(),
            primary: credit(&s),
            secondary: None,
        }
    }
}

fn resident(s: &str) -> Outcome {
    let result = ResidentId::parse(s).map(|id| {
        let male = id.is_male();
        vec![
            part("number", "号码", "number", id.as_str()),
            part("region_code", "行政区划代码", "region code", id.region()),
            part(
                "birth_date",
                "出生日期",
                "birth date",
                id.birth_date().format("%Y-%m-%d").to_string(),
            ),
            Part {
                key: "sex",
                zh: "性别",
                en: "sex",
                json: Value::String(if male { "male" } else { "female" }.into()),
                text: if male { "男 male" } else { "女 female" }.into(),
            },
        ]
    });
    Outcome {
        kind: Kind::ResidentId,
        result,
    }
}

/// GB 32100-2015 registration authorities (登记管理部门, character 1).
fn authority_name(c: char) -> Option<(&'static str, &'static str)> {
    Some(match c {
        '1' => ("机构编制", "institutional establishment"),
        '2' => ("外交", "foreign affairs"),
        '3' => ("司法行政", "judicial administration"),
        '4' => ("文化", "culture"),
        '5' => ("民政", "civil affairs"),
        '6' => ("旅游", "tourism"),
        '7' => ("宗教", "religious affairs"),
        '8' => ("工会", "trade unions"),
        '9' => ("工商/市场监督管理", "market regulation"),
        'A' => (
            "中央军委改革和编制办公室",
            "CMC reform and establishment office",
        ),
        'N' => ("农业", "agriculture"),
        'Y' => ("其他", "other"),
        _ => return None,
    })
}

/// Organisation types (机构类别, character 2) of the most common authorities.
fn org_type_name(authority: char, t: char) -> Option<(&'static str, &'static str)> {
    Some(match (authority, t) {
        ('1', '1') => ("机关", "government organ"),
        ('1', '2') => ("事业单位", "public institution"),
        ('1', '3') => (
            "中央编办直接管理机构编制的群众团体",
            "mass organisation under the central establishment office",
        ),
        ('5', '1') => ("社会团体", "social organisation"),
        ('5', '2') => ("民办非企业单位", "private non-enterprise unit"),
        ('5', '3') => ("基金会", "foundation"),
        ('9', '1') => ("企业", "enterprise"),
        ('9', '2') => ("个体工商户", "individual business"),
        ('9', '3') => ("农民专业合作社", "farmers' cooperative"),
        (_, '9') => ("其他", "other"),
        _ => return None,
    })
}

fn credit(s: &str) -> Outcome {
    let result = CreditCode::parse(s).map(|code| {
        // A parsed code is 18 ASCII characters.
        let text = code.as_str();
        let chars: Vec<char> = text.chars().collect();
        let (authority, org_type) = (chars[0], chars[1]);
        let named = |n: Option<(&str, &str)>, c: char| match n {
            Some((zh, en)) => format!("{c}（{zh} {en}）"),
            None => c.to_string(),
        };
        let mut parts = vec![
            part("code", "代码", "code", text),
            part(
                "registration_authority",
                "登记管理部门",
                "registration authority",
                authority.to_string(),
            ),
        ];
        parts[1].text = named(authority_name(authority), authority);
        if let Some((zh, en)) = authority_name(authority) {
            parts.push(part("registration_authority_zh", "", "", zh));
            parts.push(part("registration_authority_en", "", "", en));
        }
        let mut type_part = part(
            "org_type",
            "机构类别",
            "organisation type",
            org_type.to_string(),
        );
        type_part.text = named(org_type_name(authority, org_type), org_type);
        parts.push(type_part);
        if let Some((zh, en)) = org_type_name(authority, org_type) {
            parts.push(part("org_type_zh", "", "", zh));
            parts.push(part("org_type_en", "", "", en));
        }
        parts.push(part(
            "region_code",
            "行政区划代码",
            "region code",
            &text[2..8],
        ));
        parts.push(part(
            "organisation_code",
            "主体标识码（组织机构代码）",
            "organisation code",
            &text[8..17],
        ));
        parts.push(part("check_char", "校验码", "check character", &text[17..]));
        parts
    });
    Outcome {
        kind: Kind::CreditCode,
        result,
    }
}

fn check_case_number(input: &str) -> Report {
    let result = CaseNumber::parse(input).map(|n| {
        let level = n.court.level();
        vec![
            part("canonical", "规范写法", "canonical form", n.to_string()),
            Part {
                key: "year",
                zh: "年度",
                en: "year",
                json: json!(n.year),
                text: n.year.to_string(),
            },
            part("court_code", "法院代字", "court code", n.court.as_str()),
            Part {
                key: "court_level",
                zh: "法院层级",
                en: "court level",
                json: json!(level.key()),
                text: format!("{} {}", level.name_zh(), level.name_en()),
            },
            part("case_type", "", "", n.case_type.key()),
            Part {
                key: "case_type_code",
                zh: "类型代字",
                en: "type code",
                json: json!(n.case_type.code()),
                text: format!(
                    "{}（{} {}）",
                    n.case_type.code(),
                    n.case_type.name_zh(),
                    n.case_type.name_en()
                ),
            },
            part("case_type_zh", "", "", n.case_type.name_zh()),
            part("case_type_en", "", "", n.case_type.name_en()),
            Part {
                key: "seq",
                zh: "序号",
                en: "sequence",
                json: json!(n.seq),
                text: n.seq.to_string(),
            },
        ]
    });
    Report {
        input: input.trim().to_string(),
        primary: Outcome {
            kind: Kind::CaseNumber,
            result,
        },
        secondary: None,
    }
}
