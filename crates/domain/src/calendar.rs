//! The working calendar (工作日历): which days are working days for a court.
//!
//! A day is a rest day when it is a Saturday or Sunday, or a public holiday announced by the
//! State Council; a weekend day announced as a make-up working day (调休上班) is a working day
//! unless the court chooses [`MakeupTreatment::Rest`]. The official schedule ships embedded
//! (`data/cn_calendar.txt`, converted from PyPI `chinesecalendar` 1.11.0, years 2004–2026) and is
//! parsed once; an administrator may override single days with [`WorkingCalendar::set`].
//! Years not covered by the data fall back to the plain week (Monday–Friday working).

use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

use chrono::{Datelike, NaiveDate, Weekday};
use serde::Serialize;

use crate::error::{DomainError, DomainResult};

/// The embedded official schedule: one line per date, `YYYY-MM-DD holiday|workday name`.
pub const OFFICIAL_DATA: &str = include_str!("../data/cn_calendar.txt");

/// What the schedule says about one date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DayKind {
    /// A public holiday (法定节假日 or 调休放假): a rest day whatever the weekday.
    Holiday,
    /// A make-up working day (调休上班), normally a Saturday or Sunday.
    Workday,
    /// No entry: the plain week decides. Setting this removes an entry.
    Ordinary,
}

impl DayKind {
    pub fn key(self) -> &'static str {
        match self {
            DayKind::Holiday => "holiday",
            DayKind::Workday => "workday",
            DayKind::Ordinary => "ordinary",
        }
    }

    pub fn from_key(s: &str) -> DomainResult<Self> {
        match s.trim() {
            "holiday" | "节假日" => Ok(DayKind::Holiday),
            "workday" | "调休上班" | "工作日" => Ok(DayKind::Workday),
            "ordinary" | "普通" => Ok(DayKind::Ordinary),
            other => Err(DomainError::new(
                "calendar.kind",
                format!("未知的日期类型「{other}」，应为 holiday、workday 或 ordinary"),
                format!("unknown day kind \"{other}\"; expected holiday, workday or ordinary"),
            )),
        }
    }
}

/// How make-up working days on a weekend (调休上班) are treated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MakeupTreatment {
    /// As the State Council notices say: a make-up day is a working day (default).
    #[default]
    Working,
    /// The court keeps the weekend: a make-up Saturday/Sunday stays a rest day.
    Rest,
}

/// Why a day is or is not a working day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum DayReason {
    /// Monday–Friday with no entry.
    Weekday,
    /// Saturday or Sunday with no entry.
    Weekend,
    /// A public holiday.
    Holiday { name: String },
    /// A make-up working day on a weekend, counted as working.
    Makeup { name: String },
    /// A make-up working day on a weekend that the court treats as rest.
    MakeupIgnored { name: String },
    /// A `workday` entry that falls on a weekday anyway.
    WorkdayEntry { name: String },
}

/// The verdict on one date, with its reason in both languages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DayInfo {
    pub date: NaiveDate,
    pub working: bool,
    pub weekday_zh: &'static str,
    #[serde(flatten)]
    pub reason: DayReason,
    /// Whether the holiday data covers this date's year; if not only weekends are known.
    pub year_covered: bool,
    pub zh: String,
    pub en: String,
}

/// `星期一` … `星期日`.
pub fn weekday_zh(d: NaiveDate) -> &'static str {
    match d.weekday() {
        Weekday::Mon => "星期一",
        Weekday::Tue => "星期二",
        Weekday::Wed => "星期三",
        Weekday::Thu => "星期四",
        Weekday::Fri => "星期五",
        Weekday::Sat => "星期六",
        Weekday::Sun => "星期日",
    }
}

fn is_weekend(d: NaiveDate) -> bool {
    matches!(d.weekday(), Weekday::Sat | Weekday::Sun)
}

/// A court's working calendar: the official schedule plus administrator overrides.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkingCalendar {
    holidays: BTreeMap<NaiveDate, String>,
    workdays: BTreeMap<NaiveDate, String>,
    makeup: MakeupTreatment,
}

static OFFICIAL: OnceLock<WorkingCalendar> = OnceLock::new();

impl Default for WorkingCalendar {
    fn default() -> Self {
        Self::official()
    }
}

impl WorkingCalendar {
    /// The embedded State Council schedule, parsed once per process.
    pub fn official() -> Self {
        Self::official_ref().clone()
    }

    /// A shared reference to the parsed official schedule.
    pub fn official_ref() -> &'static WorkingCalendar {
        OFFICIAL.get_or_init(|| {
            // The embedded file is checked by the tests below; a failure here is a build defect.
            Self::parse(OFFICIAL_DATA).expect("embedded data/cn_calendar.txt is valid")
        })
    }

    /// A calendar with no holidays at all: only weekends rest.
    pub fn weekends_only() -> Self {
        Self {
            holidays: BTreeMap::new(),
            workdays: BTreeMap::new(),
            makeup: MakeupTreatment::Working,
        }
    }

    /// Parses the line format of `data/cn_calendar.txt`. `#` starts a comment; blank lines are
    /// ignored. A date listed as both holiday and working day is refused.
    pub fn parse(text: &str) -> DomainResult<Self> {
        let mut entries = Vec::new();
        for (i, raw) in text.lines().enumerate() {
            let line_no = i + 1;
            let line = raw.split('#').next().unwrap_or("").trim();
            if line.is_empty() {
                continue;
            }
            let mut parts = line.splitn(3, char::is_whitespace);
            let date_s = parts.next().unwrap_or("");
            let kind_s = parts.next().unwrap_or("");
            let name = parts.next().unwrap_or("").trim().to_string();
            let date = NaiveDate::parse_from_str(date_s, "%Y-%m-%d").map_err(|_| {
                DomainError::new(
                    "calendar.date",
                    format!("第 {line_no} 行：「{date_s}」不是有效日期（应为 YYYY-MM-DD）"),
                    format!("line {line_no}: \"{date_s}\" is not a valid date (YYYY-MM-DD)"),
                )
            })?;
            let kind = DayKind::from_key(kind_s).map_err(|e| {
                DomainError::new(
                    e.code,
                    format!("第 {line_no} 行：{}", e.zh),
                    format!("line {line_no}: {}", e.en),
                )
            })?;
            if kind == DayKind::Ordinary {
                return Err(DomainError::new(
                    "calendar.kind",
                    format!("第 {line_no} 行：数据文件只能列出 holiday 或 workday"),
                    format!("line {line_no}: a data file lists only holiday or workday days"),
                ));
            }
            entries.push((date, kind, name));
        }
        Self::from_entries(entries)
    }

    /// Builds a calendar from `(date, kind, name)` entries, refusing a date marked both holiday
    /// and working day. The same entry repeated is accepted.
    pub fn from_entries(
        entries: impl IntoIterator<Item = (NaiveDate, DayKind, String)>,
    ) -> DomainResult<Self> {
        let mut cal = Self::weekends_only();
        for (date, kind, name) in entries {
            let clash = match kind {
                DayKind::Holiday => cal.workdays.contains_key(&date),
                DayKind::Workday => cal.holidays.contains_key(&date),
                DayKind::Ordinary => false,
            };
            if clash {
                return Err(conflict(date));
            }
            match kind {
                DayKind::Holiday => cal.holidays.insert(date, name),
                DayKind::Workday => cal.workdays.insert(date, name),
                DayKind::Ordinary => None,
            };
        }
        cal.validate()?;
        Ok(cal)
    }

    /// Checks the calendar's consistency: no date is both a holiday and a working day.
    pub fn validate(&self) -> DomainResult<()> {
        match self.holidays.keys().find(|d| self.workdays.contains_key(d)) {
            Some(d) => Err(conflict(*d)),
            None => Ok(()),
        }
    }

    /// Administrator override of one date: `Holiday` or `Workday` replaces whatever the date was,
    /// `Ordinary` removes the entry so the plain week decides.
    pub fn set(&mut self, date: NaiveDate, kind: DayKind) {
        let name = match kind {
            DayKind::Holiday => "管理员设定的休息日",
            DayKind::Workday => "管理员设定的工作日",
            DayKind::Ordinary => "",
        };
        self.set_named(date, kind, name);
    }

    /// Like [`set`](Self::set), with the name shown as the reason (e.g. `国庆节`).
    pub fn set_named(&mut self, date: NaiveDate, kind: DayKind, name: impl Into<String>) {
        self.holidays.remove(&date);
        self.workdays.remove(&date);
        match kind {
            DayKind::Holiday => {
                self.holidays.insert(date, name.into());
            }
            DayKind::Workday => {
                self.workdays.insert(date, name.into());
            }
            DayKind::Ordinary => {}
        }
    }

    pub fn makeup_treatment(&self) -> MakeupTreatment {
        self.makeup
    }

    pub fn set_makeup_treatment(&mut self, t: MakeupTreatment) {
        self.makeup = t;
    }

    /// Builder form of [`set_makeup_treatment`](Self::set_makeup_treatment).
    pub fn with_makeup_treatment(mut self, t: MakeupTreatment) -> Self {
        self.makeup = t;
        self
    }

    /// The entry for a date, if any.
    pub fn entry(&self, date: NaiveDate) -> Option<(DayKind, &str)> {
        if let Some(n) = self.holidays.get(&date) {
            return Some((DayKind::Holiday, n));
        }
        self.workdays
            .get(&date)
            .map(|n| (DayKind::Workday, n.as_str()))
    }

    /// All entries in date order.
    pub fn entries(&self) -> impl Iterator<Item = (NaiveDate, DayKind, &str)> {
        let mut all: Vec<_> = self
            .holidays
            .iter()
            .map(|(d, n)| (*d, DayKind::Holiday, n.as_str()))
            .chain(
                self.workdays
                    .iter()
                    .map(|(d, n)| (*d, DayKind::Workday, n.as_str())),
            )
            .collect();
        all.sort_by_key(|e| e.0);
        all.into_iter()
    }

    /// Years with at least one holiday or make-up entry, ascending.
    pub fn years_covered(&self) -> Vec<i32> {
        self.holidays
            .keys()
            .chain(self.workdays.keys())
            .map(|d| d.year())
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect()
    }

    pub fn covers_year(&self, year: i32) -> bool {
        let (Some(first), Some(last)) = (
            NaiveDate::from_ymd_opt(year, 1, 1),
            NaiveDate::from_ymd_opt(year, 12, 31),
        ) else {
            return false;
        };
        self.holidays.range(first..=last).next().is_some()
            || self.workdays.range(first..=last).next().is_some()
    }

    pub fn is_working_day(&self, date: NaiveDate) -> bool {
        if self.holidays.contains_key(&date) {
            return false;
        }
        if self.workdays.contains_key(&date) {
            return !is_weekend(date) || self.makeup == MakeupTreatment::Working;
        }
        !is_weekend(date)
    }

    pub fn is_rest_day(&self, date: NaiveDate) -> bool {
        !self.is_working_day(date)
    }

    /// The first working day strictly after `date` (None only at the end of representable dates).
    pub fn next_working_day(&self, date: NaiveDate) -> Option<NaiveDate> {
        self.working_day_on_or_after(date.succ_opt()?)
    }

    /// `date` itself if it is a working day, otherwise the first working day after it.
    pub fn working_day_on_or_after(&self, date: NaiveDate) -> Option<NaiveDate> {
        let mut d = date;
        // Terminates: the entries are finite and at most two weekend days follow each other.
        while !self.is_working_day(d) {
            d = d.succ_opt()?;
        }
        Some(d)
    }

    /// Working days in `(from, to]` — after `from`, up to and including `to`.
    pub fn working_days_between(&self, from: NaiveDate, to: NaiveDate) -> u32 {
        from.iter_days()
            .skip(1)
            .take_while(|d| *d <= to)
            .filter(|d| self.is_working_day(*d))
            .count() as u32
    }

    /// Whether the day is working, and why.
    pub fn day_info(&self, date: NaiveDate) -> DayInfo {
        let weekend = is_weekend(date);
        let reason = if let Some(name) = self.holidays.get(&date) {
            DayReason::Holiday { name: name.clone() }
        } else if let Some(name) = self.workdays.get(&date) {
            let name = name.clone();
            if !weekend {
                DayReason::WorkdayEntry { name }
            } else if self.makeup == MakeupTreatment::Working {
                DayReason::Makeup { name }
            } else {
                DayReason::MakeupIgnored { name }
            }
        } else if weekend {
            DayReason::Weekend
        } else {
            DayReason::Weekday
        };
        let wd = weekday_zh(date);
        let (zh, en) = match &reason {
            DayReason::Weekday => ("工作日".to_string(), "working day (weekday)".to_string()),
            DayReason::Weekend => (
                "休息日（周末）".to_string(),
                "rest day (weekend)".to_string(),
            ),
            DayReason::Holiday { name } => (
                format!("法定节假日（{name}）"),
                format!("public holiday ({name})"),
            ),
            DayReason::Makeup { name } => (
                format!("调休上班日（{name}），计为工作日"),
                format!("make-up working day ({name}), counted as a working day"),
            ),
            DayReason::MakeupIgnored { name } => (
                format!("调休上班日（{name}），本院设置为不计入工作日，按休息日计算"),
                format!("make-up working day ({name}); this court counts it as a rest day"),
            ),
            DayReason::WorkdayEntry { name } => {
                (format!("工作日（{name}）"), format!("working day ({name})"))
            }
        };
        DayInfo {
            date,
            working: self.is_working_day(date),
            weekday_zh: wd,
            reason,
            year_covered: self.covers_year(date.year()),
            zh,
            en,
        }
    }

    /// Serialises back to the data-file line format (entries only, no header).
    pub fn to_data_lines(&self) -> String {
        let mut s = String::new();
        for (d, k, n) in self.entries() {
            s.push_str(&format!("{d} {} {n}\n", k.key()));
        }
        s
    }
}

/// The earliest and latest years a court may override: anything else is a typing mistake.
pub const OVERRIDE_YEARS: std::ops::RangeInclusive<i32> = 2000..=2100;
/// The most override days one court keeps.
pub const MAX_OVERRIDE_DAYS: usize = 3_000;
const MAX_OVERRIDE_NAME: usize = 40;

/// One date a court changes on top of the official schedule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OverrideDay {
    pub date: NaiveDate,
    /// `holiday` (a rest day), `workday` (a working day) or `ordinary` (the plain week decides,
    /// removing an official entry).
    pub kind: DayKind,
    /// Shown as the reason, e.g. `元旦`; empty for a generic name.
    pub name: String,
}

impl OverrideDay {
    /// The name shown for the day: its own, or a generic one.
    pub fn shown_name(&self) -> &str {
        if !self.name.trim().is_empty() {
            return self.name.trim();
        }
        match self.kind {
            DayKind::Holiday => "本院设定的休息日",
            DayKind::Workday => "本院设定的工作日",
            DayKind::Ordinary => "",
        }
    }
}

/// A court's changes to the official State Council schedule, stored as its `working_calendar`
/// setting: `{"makeup": "working"|"rest", "days": [{"date": "2027-01-01", "kind":
/// "holiday"|"workday"|"ordinary", "name": "元旦"}]}`. Both fields may be left out (make-up
/// days count as working, no days changed).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct CalendarOverrides {
    pub makeup: MakeupTreatment,
    /// One entry per date, in date order (after [`CalendarOverrides::from_json`]).
    pub days: Vec<OverrideDay>,
}

fn overrides_json_error(detail: impl std::fmt::Display) -> DomainError {
    DomainError::new(
        "calendar.json",
        format!("工作日历设置格式错误：{detail}"),
        format!("the working-calendar setting is malformed: {detail}"),
    )
}

impl MakeupTreatment {
    pub fn key(self) -> &'static str {
        match self {
            MakeupTreatment::Working => "working",
            MakeupTreatment::Rest => "rest",
        }
    }

    pub fn from_key(s: &str) -> DomainResult<Self> {
        match s.trim() {
            "working" => Ok(MakeupTreatment::Working),
            "rest" => Ok(MakeupTreatment::Rest),
            other => Err(DomainError::new(
                "calendar.makeup",
                format!("调休上班日的计算方式「{other}」无效，应为 working（计为工作日）或 rest（按休息日）"),
                format!("make-up treatment \"{other}\" is invalid; expected working or rest"),
            )),
        }
    }
}

/// Reads a date typed by an administrator, naming it when it does not exist ("2027-02-30").
pub fn parse_override_date(raw: &str) -> DomainResult<NaiveDate> {
    let t = raw.trim();
    let date = NaiveDate::parse_from_str(t, "%Y-%m-%d").map_err(|_| {
        DomainError::new(
            "calendar.date",
            format!("「{t}」不是有效日期（应为 YYYY-MM-DD，且该日须存在，如 2027-01-01）"),
            format!(
                "\"{t}\" is not a valid date (YYYY-MM-DD, and the day must exist, e.g. 2027-01-01)"
            ),
        )
    })?;
    if !OVERRIDE_YEARS.contains(&date.year()) {
        return Err(DomainError::new(
            "calendar.year_range",
            format!(
                "{date} 超出可设置的年份范围（{}–{} 年）",
                OVERRIDE_YEARS.start(),
                OVERRIDE_YEARS.end()
            ),
            format!(
                "{date} is outside the years that may be set ({}–{})",
                OVERRIDE_YEARS.start(),
                OVERRIDE_YEARS.end()
            ),
        ));
    }
    Ok(date)
}

impl CalendarOverrides {
    /// Parses and validates the stored or uploaded JSON; the result is sorted by date with
    /// repeats of the same entry merged.
    pub fn from_json(text: &str) -> DomainResult<Self> {
        use serde_json::Value;
        let v: Value = serde_json::from_str(text).map_err(overrides_json_error)?;
        let Value::Object(map) = v else {
            return Err(overrides_json_error(
                "应为 JSON 对象 / expected a JSON object",
            ));
        };
        let mut out = CalendarOverrides::default();
        for (k, val) in &map {
            match k.as_str() {
                "makeup" => {
                    let s = val.as_str().ok_or_else(|| {
                        overrides_json_error("makeup 应为字符串 / makeup must be a string")
                    })?;
                    out.makeup = MakeupTreatment::from_key(s)?;
                }
                "days" => {
                    let list = val.as_array().ok_or_else(|| {
                        overrides_json_error("days 应为数组 / days must be an array")
                    })?;
                    if list.len() > MAX_OVERRIDE_DAYS {
                        return Err(DomainError::new(
                            "calendar.too_many",
                            format!("最多设置 {MAX_OVERRIDE_DAYS} 个日期，现有 {} 个", list.len()),
                            format!(
                                "at most {MAX_OVERRIDE_DAYS} days may be set; got {}",
                                list.len()
                            ),
                        ));
                    }
                    for (i, item) in list.iter().enumerate() {
                        out.days.push(Self::day_of_json(i, item)?);
                    }
                }
                other => {
                    return Err(overrides_json_error(format!(
                        "未知字段「{other}」（只允许 makeup、days） / unknown field \"{other}\" (only makeup and days)"
                    )))
                }
            }
        }
        out.validate()?;
        Ok(out.normalized())
    }

    fn day_of_json(i: usize, item: &serde_json::Value) -> DomainResult<OverrideDay> {
        let n = i + 1;
        let obj = item.as_object().ok_or_else(|| {
            overrides_json_error(format!(
                "days 第 {n} 项应为对象 / days item {n} must be an object"
            ))
        })?;
        let text = |key: &str| obj.get(key).and_then(|v| v.as_str());
        if let Some(other) = obj
            .keys()
            .find(|k| !matches!(k.as_str(), "date" | "kind" | "name"))
        {
            return Err(overrides_json_error(format!(
                "days 第 {n} 项有未知字段「{other}」 / days item {n} has an unknown field \"{other}\""
            )));
        }
        let date = parse_override_date(text("date").ok_or_else(|| {
            overrides_json_error(format!(
                "days 第 {n} 项缺少日期 date / days item {n} has no date"
            ))
        })?)?;
        let kind = DayKind::from_key(text("kind").unwrap_or("")).map_err(|e| {
            DomainError::new(
                e.code,
                format!("{date}：{}", e.zh),
                format!("{date}: {}", e.en),
            )
        })?;
        let name = text("name").unwrap_or("").trim().to_string();
        if name.chars().count() > MAX_OVERRIDE_NAME {
            return Err(DomainError::new(
                "calendar.name_too_long",
                format!("{date} 的名称不能超过 {MAX_OVERRIDE_NAME} 个字"),
                format!("the name of {date} may not exceed {MAX_OVERRIDE_NAME} characters"),
            ));
        }
        Ok(OverrideDay { date, kind, name })
    }

    /// Refuses a date given twice with different kinds (both holiday and working day above
    /// all), naming the date.
    pub fn validate(&self) -> DomainResult<()> {
        let mut seen: BTreeMap<NaiveDate, DayKind> = BTreeMap::new();
        for d in &self.days {
            if !OVERRIDE_YEARS.contains(&d.date.year()) {
                return Err(parse_override_date(&d.date.to_string()).unwrap_err());
            }
            match seen.insert(d.date, d.kind) {
                Some(k) if k == d.kind => {}
                Some(k) => {
                    let pair = [k, d.kind];
                    if pair.contains(&DayKind::Holiday) && pair.contains(&DayKind::Workday) {
                        return Err(conflict(d.date));
                    }
                    return Err(DomainError::new(
                        "calendar.duplicate",
                        format!(
                            "{} 重复设置且类型不同（{} 与 {}），请只保留一项",
                            d.date,
                            k.key(),
                            d.kind.key()
                        ),
                        format!(
                            "{} is given twice with different kinds ({} and {}); keep one",
                            d.date,
                            k.key(),
                            d.kind.key()
                        ),
                    ));
                }
                None => {}
            }
        }
        Ok(())
    }

    /// Sorted by date, one entry per date (the last name of a repeated entry wins).
    pub fn normalized(mut self) -> Self {
        let mut by_date: BTreeMap<NaiveDate, OverrideDay> = BTreeMap::new();
        for d in self.days.drain(..) {
            by_date.insert(d.date, d);
        }
        self.days = by_date.into_values().collect();
        self
    }

    /// Pretty JSON, as stored per court.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("calendar overrides always serialize")
    }

    /// `base` (normally the official schedule) with these changes.
    pub fn apply(&self, base: &WorkingCalendar) -> WorkingCalendar {
        let mut cal = base.clone();
        cal.set_makeup_treatment(self.makeup);
        for d in &self.days {
            cal.set_named(d.date, d.kind, d.shown_name());
        }
        cal
    }

    /// The entry for `date`, if the court set one.
    pub fn day(&self, date: NaiveDate) -> Option<&OverrideDay> {
        self.days.iter().find(|d| d.date == date)
    }

    /// These overrides with `date` set to `kind` (replacing what the court had set for it).
    pub fn with_day(mut self, date: NaiveDate, kind: DayKind, name: impl Into<String>) -> Self {
        self.days.retain(|d| d.date != date);
        self.days.push(OverrideDay {
            date,
            kind,
            name: name.into().trim().to_string(),
        });
        self.normalized()
    }

    /// These overrides without the court's entry for `date`.
    pub fn without_day(mut self, date: NaiveDate) -> Self {
        self.days.retain(|d| d.date != date);
        self
    }
}

fn conflict(date: NaiveDate) -> DomainError {
    DomainError::new(
        "calendar.conflict",
        format!("{date} 不能同时标记为节假日和工作日"),
        format!("{date} cannot be marked both a holiday and a working day"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn calendar_embedded_data_parses_and_covers_2004_to_2026() {
        let cal = WorkingCalendar::official();
        assert_eq!(cal.years_covered(), (2004..=2026).collect::<Vec<_>>());
        assert!(cal.validate().is_ok());
        assert!(cal.covers_year(2025));
        assert!(!cal.covers_year(2027));
        // Round trip through the line format.
        let again = WorkingCalendar::parse(&cal.to_data_lines()).unwrap();
        assert_eq!(again, cal);
        assert_eq!(WorkingCalendar::default(), cal);
    }

    /// A sample of days checked against the State Council notices (国办发明电).
    #[test]
    fn calendar_sample_matches_official_notices() {
        let cal = WorkingCalendar::official();
        // 2025 国庆节、中秋节: 10月1日至8日放假调休，共8天；9月28日（周日）、10月11日（周六）上班。
        for day in 1..=8 {
            assert!(!cal.is_working_day(d(2025, 10, day)), "2025-10-{day}");
        }
        assert!(cal.is_working_day(d(2025, 9, 28)));
        assert!(cal.is_working_day(d(2025, 10, 11)));
        assert!(cal.is_working_day(d(2025, 10, 9)));
        // 2025 春节: 1月28日至2月4日放假，1月26日（周日）、2月8日（周六）上班。
        assert!(!cal.is_working_day(d(2025, 1, 28)));
        assert!(!cal.is_working_day(d(2025, 2, 4)));
        assert!(cal.is_working_day(d(2025, 1, 26)));
        assert!(cal.is_working_day(d(2025, 2, 8)));
        // 2024 春节: 2月10日至17日放假，2月4日（周日）、2月18日（周日）上班；除夕2月9日照常上班。
        assert!(cal.is_working_day(d(2024, 2, 9)));
        assert!(!cal.is_working_day(d(2024, 2, 17)));
        assert!(cal.is_working_day(d(2024, 2, 4)));
        assert!(cal.is_working_day(d(2024, 2, 18)));
        // 2024 国庆节: 10月1日至7日放假，9月29日（周日）、10月12日（周六）上班。
        assert!(!cal.is_working_day(d(2024, 10, 7)));
        assert!(cal.is_working_day(d(2024, 9, 29)));
        assert!(cal.is_working_day(d(2024, 10, 12)));
        // 2026 春节: 2月15日至23日放假，2月14日（周六）、2月28日（周六）上班。
        assert!(!cal.is_working_day(d(2026, 2, 15)));
        assert!(!cal.is_working_day(d(2026, 2, 23)));
        assert!(cal.is_working_day(d(2026, 2, 14)));
        assert!(cal.is_working_day(d(2026, 2, 28)));
        // 2026 国庆节: 10月1日至7日放假，9月20日（周日）、10月10日（周六）上班。
        assert!(!cal.is_working_day(d(2026, 10, 7)));
        assert!(cal.is_working_day(d(2026, 9, 20)));
        assert!(cal.is_working_day(d(2026, 10, 10)));
        // 2015 抗战胜利70周年纪念日 9月3日 放假。
        assert!(!cal.is_working_day(d(2015, 9, 3)));
        // Plain weeks.
        assert!(cal.is_working_day(d(2025, 3, 3)));
        assert!(!cal.is_working_day(d(2025, 3, 1)));
    }

    #[test]
    fn calendar_makeup_treatment_rest_keeps_weekend() {
        let mut cal = WorkingCalendar::official();
        assert_eq!(cal.makeup_treatment(), MakeupTreatment::Working);
        cal.set_makeup_treatment(MakeupTreatment::Rest);
        assert!(!cal.is_working_day(d(2025, 9, 28)));
        assert!(!cal.is_working_day(d(2025, 10, 11)));
        assert!(cal.is_working_day(d(2025, 10, 9)));
        assert!(matches!(
            cal.day_info(d(2025, 9, 28)).reason,
            DayReason::MakeupIgnored { .. }
        ));
    }

    #[test]
    fn calendar_next_working_day() {
        let cal = WorkingCalendar::official();
        assert_eq!(cal.next_working_day(d(2025, 9, 30)), Some(d(2025, 10, 9)));
        assert_eq!(cal.next_working_day(d(2025, 10, 9)), Some(d(2025, 10, 10)));
        assert_eq!(cal.next_working_day(d(2025, 10, 10)), Some(d(2025, 10, 11)));
        assert_eq!(
            cal.working_day_on_or_after(d(2025, 10, 9)),
            Some(d(2025, 10, 9))
        );
        assert_eq!(cal.next_working_day(d(2025, 3, 7)), Some(d(2025, 3, 10)));
    }

    #[test]
    fn calendar_admin_overrides() {
        let mut cal = WorkingCalendar::official();
        // A local holiday on an ordinary Monday.
        cal.set(d(2025, 3, 3), DayKind::Holiday);
        assert!(!cal.is_working_day(d(2025, 3, 3)));
        // Turning a holiday into a working day replaces it; never both.
        cal.set(d(2025, 10, 8), DayKind::Workday);
        assert!(cal.is_working_day(d(2025, 10, 8)));
        assert_eq!(cal.entry(d(2025, 10, 8)).unwrap().0, DayKind::Workday);
        assert!(cal.validate().is_ok());
        // Ordinary removes the entry.
        cal.set(d(2025, 9, 28), DayKind::Ordinary);
        assert!(!cal.is_working_day(d(2025, 9, 28)));
        assert_eq!(cal.entry(d(2025, 9, 28)), None);
        // A new year becomes covered.
        cal.set_named(d(2027, 1, 1), DayKind::Holiday, "元旦");
        assert!(cal.years_covered().contains(&2027));
    }

    #[test]
    fn calendar_refuses_day_both_holiday_and_workday() {
        let err = WorkingCalendar::parse("2025-10-01 holiday 国庆节\n2025-10-01 workday 调休\n")
            .unwrap_err();
        assert_eq!(err.code, "calendar.conflict");
        assert!(err.zh.contains("2025-10-01"), "{err}");
        assert!(err.en.contains("both"), "{err}");
        let err = WorkingCalendar::from_entries([
            (d(2026, 2, 14), DayKind::Workday, "春节调休".into()),
            (d(2026, 2, 14), DayKind::Holiday, "春节".into()),
        ])
        .unwrap_err();
        assert_eq!(err.code, "calendar.conflict");
    }

    #[test]
    fn calendar_refuses_bad_lines() {
        let err = WorkingCalendar::parse("# c\n2025-02-30 holiday x\n").unwrap_err();
        assert_eq!(err.code, "calendar.date");
        assert!(err.zh.contains("第 2 行"), "{err}");
        let err = WorkingCalendar::parse("2025-02-03 vacation x\n").unwrap_err();
        assert_eq!(err.code, "calendar.kind");
    }

    #[test]
    fn calendar_day_info_explains() {
        let cal = WorkingCalendar::official();
        let i = cal.day_info(d(2025, 10, 1));
        assert!(!i.working);
        assert_eq!(i.zh, "法定节假日（国庆节）");
        let i = cal.day_info(d(2025, 9, 28));
        assert!(i.working);
        assert!(i.zh.contains("调休上班"));
        let i = cal.day_info(d(2027, 6, 5));
        assert!(!i.working);
        assert!(!i.year_covered);
        assert_eq!(i.reason, DayReason::Weekend);
    }
}

#[cfg(test)]
mod override_tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn overrides_parse_apply_and_round_trip() {
        let o = CalendarOverrides::from_json(
            r#"{"makeup":"rest","days":[
                {"date":"2027-01-01","kind":"holiday","name":"元旦"},
                {"date":"2025-03-03","kind":"holiday"},
                {"date":"2025-10-08","kind":"workday","name":"本院值班"},
                {"date":"2025-09-28","kind":"ordinary"},
                {"date":"2027-01-01","kind":"holiday","name":"元旦"}]}"#,
        )
        .unwrap();
        assert_eq!(o.makeup, MakeupTreatment::Rest);
        assert_eq!(o.days.len(), 4, "repeats merged");
        assert_eq!(o.days[0].date, d(2025, 3, 3), "sorted");
        let cal = o.apply(WorkingCalendar::official_ref());
        assert!(!cal.is_working_day(d(2027, 1, 1)));
        assert!(!cal.is_working_day(d(2025, 3, 3)));
        assert_eq!(cal.entry(d(2025, 3, 3)).unwrap().1, "本院设定的休息日");
        assert!(cal.is_working_day(d(2025, 10, 8)));
        // The make-up Sunday became ordinary: a rest day.
        assert!(!cal.is_working_day(d(2025, 9, 28)));
        // Make-up days the court keeps as rest.
        assert!(!cal.is_working_day(d(2025, 10, 11)));
        assert_eq!(CalendarOverrides::from_json(&o.to_json()).unwrap(), o);
        // Empty and defaults.
        let none = CalendarOverrides::from_json("{}").unwrap();
        assert_eq!(none, CalendarOverrides::default());
        assert_eq!(
            none.apply(WorkingCalendar::official_ref()),
            WorkingCalendar::official()
        );
        let o = o
            .with_day(d(2025, 3, 3), DayKind::Workday, " x ")
            .without_day(d(2027, 1, 1));
        assert_eq!(o.day(d(2025, 3, 3)).unwrap().kind, DayKind::Workday);
        assert!(o.day(d(2027, 1, 1)).is_none());
    }

    #[test]
    fn overrides_refuse_bad_input_naming_the_date() {
        let e =
            CalendarOverrides::from_json(r#"{"days":[{"date":"2027-02-30","kind":"holiday"}]}"#)
                .unwrap_err();
        assert_eq!(e.code, "calendar.date");
        assert!(
            e.zh.contains("2027-02-30") && e.en.contains("2027-02-30"),
            "{e}"
        );
        let e = CalendarOverrides::from_json(
            r#"{"days":[{"date":"2027-01-01","kind":"holiday"},{"date":"2027-01-01","kind":"workday"}]}"#,
        )
        .unwrap_err();
        assert_eq!(e.code, "calendar.conflict");
        assert!(
            e.zh.contains("2027-01-01") && e.en.contains("2027-01-01"),
            "{e}"
        );
        let e = CalendarOverrides::from_json(
            r#"{"days":[{"date":"2027-01-01","kind":"holiday"},{"date":"2027-01-01","kind":"ordinary"}]}"#,
        )
        .unwrap_err();
        assert_eq!(e.code, "calendar.duplicate");
        let e =
            CalendarOverrides::from_json(r#"{"days":[{"date":"2027-01-04","kind":"vacation"}]}"#)
                .unwrap_err();
        assert_eq!(e.code, "calendar.kind");
        assert!(e.zh.contains("2027-01-04"), "{e}");
        for bad in [
            "[]",
            "not json",
            r#"{"makeup":"sometimes"}"#,
            r#"{"day":[]}"#,
            r#"{"days":[{"date":"1900-01-01","kind":"holiday"}]}"#,
            r#"{"days":[{"kind":"holiday"}]}"#,
        ] {
            assert!(CalendarOverrides::from_json(bad).is_err(), "{bad}");
        }
    }
}
