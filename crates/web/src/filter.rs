//! The case list's query string, parsed into a typed filter. An unknown value is an error the
//! user can read, never silently ignored.

use std::collections::HashMap;

use zhixing_app::views::CaseFilter;
use zhixing_app::AppError;
use zhixing_domain::case::{CaseType, Stage};

fn bad(name_zh: &str, name_en: &str, value: &str) -> AppError {
    AppError::invalid(
        "filter.invalid",
        format!("筛选条件“{name_zh}”的值无效：{value}"),
        format!("invalid value for filter '{name_en}': {value}"),
    )
}

fn id(params: &HashMap<String, String>, key: &str, zh: &str) -> Result<Option<i64>, AppError> {
    match params.get(key).map(|s| s.trim()).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(v) => v
            .parse::<i64>()
            .ok()
            .filter(|n| *n > 0)
            .map(Some)
            .ok_or_else(|| bad(zh, key, v)),
    }
}

pub fn parse_case_filter(params: &HashMap<String, String>) -> Result<CaseFilter, AppError> {
    let get = |k: &str| params.get(k).map(|s| s.trim()).filter(|s| !s.is_empty());
    let stage = get("stage")
        .map(|v| Stage::from_key(v).map_err(|_| bad("阶段", "stage", v)))
        .transpose()?;
    let case_type = get("type")
        .map(|v| CaseType::from_key(v).map_err(|_| bad("案件类型", "type", v)))
        .transpose()?;
    let year = match get("year") {
        None => None,
        Some(v) => Some(
            v.parse::<i64>()
                .ok()
                .filter(|y| (1990..=2100).contains(y))
                .ok_or_else(|| bad("年度", "year", v))?,
        ),
    };
    let page = match get("page") {
        None => 1,
        Some(v) => v
            .parse::<u32>()
            .ok()
            .filter(|p| (1..=100_000).contains(p))
            .ok_or_else(|| bad("页码", "page", v))?,
    };
    let per_page = match get("per_page") {
        None => 0,
        Some(v) => v
            .parse::<u32>()
            .ok()
            .filter(|p| (1..=100).contains(p))
            .ok_or_else(|| bad("每页条数", "per_page", v))?,
    };
    let q = get("q").map(|s| s.chars().take(50).collect::<String>());
    Ok(CaseFilter {
        court_id: id(params, "court", "法院")?,
        stage,
        team_id: id(params, "team", "团队")?,
        officer_id: id(params, "officer", "承办人")?,
        case_type,
        year,
        q,
        page,
        per_page,
    })
}

/// The filter as a query string without the page, for pager links.
pub fn query_without_page(f: &CaseFilter) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut add = |k: &str, v: String| parts.push(format!("{k}={}", crate::session::urlencode(&v)));
    if let Some(c) = f.court_id {
        add("court", c.to_string());
    }
    if let Some(s) = f.stage {
        add("stage", s.key().to_string());
    }
    if let Some(t) = f.team_id {
        add("team", t.to_string());
    }
    if let Some(o) = f.officer_id {
        add("officer", o.to_string());
    }
    if let Some(t) = f.case_type {
        add("type", t.key().to_string());
    }
    if let Some(y) = f.year {
        add("year", y.to_string());
    }
    if let Some(q) = &f.q {
        add("q", q.clone());
    }
    if f.per_page > 0 {
        add("per_page", f.per_page.to_string());
    }
    parts.join("&")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn parses_known_values_and_refuses_unknown_ones() {
        let f = parse_case_filter(&p(&[
            ("stage", "investigation"),
            ("type", "first"),
            ("year", "2024"),
            ("page", "2"),
        ]))
        .unwrap();
        assert_eq!(f.stage, Some(Stage::Investigation));
        assert_eq!(f.case_type, Some(CaseType::First));
        assert_eq!(f.page, 2);
        let e = parse_case_filter(&p(&[("stage", "flying")])).unwrap_err();
        assert!(e.message_zh().contains("阶段"));
        assert!(parse_case_filter(&p(&[("team", "-3")])).is_err());
        assert!(parse_case_filter(&p(&[("page", "0")])).is_err());
        assert!(parse_case_filter(&p(&[("year", "99999999999")])).is_err());
        assert_eq!(parse_case_filter(&p(&[("stage", "")])).unwrap().stage, None);
    }

    #[test]
    fn pager_query_keeps_filters() {
        let f = parse_case_filter(&p(&[("stage", "filed"), ("q", "张 三")])).unwrap();
        assert_eq!(
            query_without_page(&f),
            "stage=filed&q=%E5%BC%A0%20%E4%B8%89"
        );
    }
}
