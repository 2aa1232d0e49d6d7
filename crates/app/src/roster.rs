//! The reception window's weekly duty roster (值班表) and staff leave.
//!
//! Who is on the roster: every active member of the court except administrators, supervisors
//! and the bureau chief (`zhixing_store::roster::ROSTER_EXCLUDED_ROLES`) — the seed's rule is
//! that every 干警 takes at least one reception slot a week. Who manages it: the court's own
//! bureau chief, team leaders and administrator ([`ROSTER_MANAGERS`]); they also record leave.
//!
//! A generated roster is only a proposal; it is saved (after the hand-edit checks of
//! `zhixing_domain::roster::edit_problems`) by `Command::SaveRoster`. Until the court calendar
//! exists the window is open Monday to Friday.

use std::collections::{BTreeMap, HashMap};

use chrono::{Days, NaiveDate, TimeZone};
use serde::Serialize;
use serde_json::json;
use zhixing_domain::event::EventKind;
use zhixing_domain::role::Role;
use zhixing_domain::roster::{
    self, monday_of, weekdays_except, Roster, RosterEntry, RosterOfficer, RosterRequest,
};
use zhixing_domain::DomainError;
use zhixing_store::roster::RosterEntryRow;

use crate::actor::Actor;
use crate::commands::{court_event, Command, Outcome};
use crate::error::{AppError, AppResult};
use crate::App;

/// Who manages the roster and records leave, in their own court.
pub const ROSTER_MANAGERS: &[Role] = &[Role::BureauChief, Role::TeamLeader, Role::Administrator];

/// Slots per day offered when a week was never saved: two (morning and afternoon), or more
/// when the court has more people than two slots a day can give one each.
pub fn suggested_slots(officers: usize, days: usize) -> u32 {
    let days = days.max(1);
    let needed = officers.div_ceil(days) as u32;
    needed.clamp(2, roster::MAX_SLOTS_PER_DAY)
}

/// Today in Asia/Shanghai.
pub fn shanghai_today() -> NaiveDate {
    chrono_tz::Asia::Shanghai
        .timestamp_millis_opt(zhixing_store::now_ms())
        .single()
        .map(|d| d.date_naive())
        .unwrap_or_default()
}

fn ymd(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

fn parse_ymd(s: &str) -> AppResult<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map_err(|_| AppError::Internal(format!("bad stored date {s}")))
}

/// One day of leave.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LeaveDay {
    pub user_id: i64,
    pub name: String,
    pub date: NaiveDate,
    pub reason: String,
}

/// A week's roster as saved (or empty if never saved): what the lobby shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RosterWeek {
    pub court_id: i64,
    pub court_code: String,
    pub court_name: String,
    pub week_start: NaiveDate,
    /// The days the window is open.
    pub days: Vec<NaiveDate>,
    pub slots_per_day: u32,
    /// The 24-hour duty phone: the week's, or the latest saved week's if this one is not saved.
    pub duty_phone: String,
    /// 0 = never saved.
    pub version: i64,
    pub updated_at: Option<i64>,
    pub roster: Roster,
}

impl RosterWeek {
    pub fn saved(&self) -> bool {
        self.version > 0
    }
}

/// What a manager's page needs: the week, who can be on it, their leave and previous counts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RosterBoard {
    pub week: RosterWeek,
    pub officers: Vec<RosterOfficer>,
    /// Leave on the days of this week.
    pub leave: Vec<LeaveDay>,
    /// Slots per person in the saved roster of this week.
    pub counts: BTreeMap<i64, u32>,
    /// Slots per day to offer for generation.
    pub suggested_slots: u32,
}

fn not_manager(actor: &Actor) -> AppError {
    AppError::forbidden(
        format!("{}无权管理值班表", actor.role.name_zh()),
        format!("a {} may not manage the duty roster", actor.role.name_en()),
    )
}

impl App {
    /// Managers only, and only for their own court (another court they can see is forbidden,
    /// one they cannot see is not found).
    fn roster_access(&self, actor: &Actor, court_id: i64) -> AppResult<()> {
        if !ROSTER_MANAGERS.contains(&actor.role) {
            return Err(not_manager(actor));
        }
        if self.with_courts(|t| t.get(court_id).is_none()) || !actor.can_see_court(court_id) {
            return Err(AppError::NotFound);
        }
        if actor.court_id != court_id {
            return Err(AppError::forbidden(
                "您只能管理本院的值班表",
                "you may only manage your own court's roster",
            ));
        }
        Ok(())
    }

    /// The saved roster of the week starting `week_start` (any day of it is accepted). Public:
    /// names only.
    pub async fn roster_week(&self, court_id: i64, week_start: NaiveDate) -> AppResult<RosterWeek> {
        let court = self
            .with_courts(|t| t.get(court_id).cloned())
            .ok_or(AppError::NotFound)?;
        let ws = monday_of(week_start);
        let saved = self.store.roster_week(court_id, &ymd(ws)).await?;
        let (slots_per_day, duty_phone, version, updated_at, entries) = match saved {
            Some((w, rows)) => {
                let mut entries = Vec::with_capacity(rows.len());
                for r in rows {
                    entries.push(RosterEntry {
                        date: parse_ymd(&r.duty_date)?,
                        slot: r.slot as u32,
                        user_id: r.user_id,
                        name: r.name,
                    });
                }
                (
                    w.slots_per_day as u32,
                    w.duty_phone,
                    w.version,
                    Some(w.updated_at),
                    entries,
                )
            }
            None => (
                2,
                self.store
                    .latest_duty_phone(court_id, &ymd(ws))
                    .await?
                    .unwrap_or_default(),
                0,
                None,
                Vec::new(),
            ),
        };
        Ok(RosterWeek {
            court_id,
            court_code: court.code,
            court_name: court.name,
            week_start: ws,
            days: weekdays_except(ws, &[]),
            slots_per_day,
            duty_phone,
            version,
            updated_at,
            roster: Roster {
                week_start: ws,
                entries,
            },
        })
    }

    /// This week's roster of the court with this code, for the public lobby screen.
    pub async fn lobby_roster(&self, court_code: &str) -> AppResult<RosterWeek> {
        let court_id = self
            .with_courts(|t| t.by_code(court_code.trim()).map(|c| c.id))
            .ok_or(AppError::NotFound)?;
        self.roster_week(court_id, shanghai_today()).await
    }

    /// The manager's view of a week.
    pub async fn roster_board(
        &self,
        actor: &Actor,
        court_id: i64,
        week_start: NaiveDate,
    ) -> AppResult<RosterBoard> {
        self.roster_access(actor, court_id)?;
        let week = self.roster_week(court_id, week_start).await?;
        let ws = week.week_start;
        let officers = self.roster_officers(court_id).await?;
        let leave = self.leave_between(court_id, ws, ws + Days::new(6)).await?;
        let counts = week.roster.counts();
        let suggested = if week.saved() {
            week.slots_per_day
        } else {
            suggested_slots(officers.len(), week.days.len())
        };
        Ok(RosterBoard {
            week,
            officers,
            leave,
            counts,
            suggested_slots: suggested,
        })
    }

    /// The court's leave from `from` to `to` (inclusive), for managers.
    pub async fn court_leave(
        &self,
        actor: &Actor,
        court_id: i64,
        from: NaiveDate,
        to: NaiveDate,
    ) -> AppResult<Vec<LeaveDay>> {
        self.roster_access(actor, court_id)?;
        self.leave_between(court_id, from, to).await
    }

    async fn leave_between(
        &self,
        court_id: i64,
        from: NaiveDate,
        to: NaiveDate,
    ) -> AppResult<Vec<LeaveDay>> {
        let rows = self
            .store
            .leave_between(court_id, &ymd(from), &ymd(to))
            .await?;
        rows.into_iter()
            .map(|r| {
                Ok(LeaveDay {
                    user_id: r.user_id,
                    name: r.display_name,
                    date: parse_ymd(&r.leave_date)?,
                    reason: r.reason,
                })
            })
            .collect()
    }

    async fn roster_officers(&self, court_id: i64) -> AppResult<Vec<RosterOfficer>> {
        Ok(self
            .store
            .roster_officers(court_id)
            .await?
            .into_iter()
            .map(|u| RosterOfficer {
                user_id: u.id,
                name: u.display_name,
            })
            .collect())
    }

    /// What generation and the edit checks work from: the court's officers, the week's open
    /// days, leave, and each person's slots in the four weeks before.
    async fn roster_request(
        &self,
        court_id: i64,
        week_start: NaiveDate,
        slots_per_day: u32,
    ) -> AppResult<RosterRequest> {
        let ws = week_start;
        let officers = self.roster_officers(court_id).await?;
        let leave = self
            .leave_between(court_id, ws, ws + Days::new(6))
            .await?
            .into_iter()
            .map(|l| (l.user_id, l.date))
            .collect();
        let previous_counts = self
            .store
            .roster_counts_between(court_id, &ymd(ws - Days::new(28)), &ymd(ws))
            .await?
            .into_iter()
            .map(|(u, n)| (u, n as u32))
            .collect();
        Ok(RosterRequest {
            week_start: ws,
            days: weekdays_except(ws, &[]),
            slots_per_day,
            officers,
            leave,
            previous_counts,
        })
    }

    /// A proposed roster for the week (not saved): leave respected, everyone at least one
    /// slot, extra slots to whoever had fewest in the four weeks before.
    pub async fn generate_roster(
        &self,
        actor: &Actor,
        court_id: i64,
        week_start: NaiveDate,
        slots_per_day: u32,
    ) -> AppResult<Roster> {
        self.roster_access(actor, court_id)?;
        let req = self
            .roster_request(court_id, week_start, slots_per_day)
            .await?;
        Ok(roster::generate(&req)?)
    }

    /// Every problem of a hand-edited roster (empty = it may be saved), with names filled in
    /// from the court's staff. The outer error is for a request that cannot describe a week.
    pub async fn roster_edit_problems(
        &self,
        actor: &Actor,
        court_id: i64,
        week_start: NaiveDate,
        slots_per_day: u32,
        entries: &[RosterEntry],
    ) -> AppResult<Vec<DomainError>> {
        self.roster_access(actor, court_id)?;
        let req = self
            .roster_request(court_id, week_start, slots_per_day)
            .await?;
        let roster = named_roster(&req, week_start, entries);
        Ok(roster::edit_problems(&req, &roster)?)
    }

    pub(crate) async fn roster_command(&self, actor: &Actor, cmd: &Command) -> AppResult<Outcome> {
        match cmd.clone() {
            Command::RecordLeave {
                court_id,
                user_id,
                date,
                reason,
            } => {
                self.court_scope(actor, court_id, cmd)?;
                let reason = leave_reason(&reason)?;
                let today = shanghai_today();
                if date < today - Days::new(366) || date > today + Days::new(366) {
                    return Err(AppError::invalid(
                        "leave.date_out_of_range",
                        format!("请假日期 {date} 应在今天前后一年之内"),
                        format!("the leave date {date} must be within a year of today"),
                    ));
                }
                let user = self
                    .store
                    .user_by_id(user_id)
                    .await?
                    .filter(|u| u.court_id == court_id && u.active == 1)
                    .ok_or_else(|| {
                        AppError::invalid(
                            "leave.unknown_user",
                            "请假人员不属于本院或已停用",
                            "the person on leave is not an active member of this court",
                        )
                    })?;
                let mut tx = self.store.begin_write().await?;
                if !tx
                    .insert_leave(court_id, user_id, &ymd(date), &reason, actor.user_id)
                    .await?
                {
                    return Err(AppError::invalid(
                        "leave.exists",
                        format!(
                            "{} 在 {} 已登记请假",
                            user.display_name,
                            roster::date_zh(date)
                        ),
                        format!(
                            "{} already has leave on {}",
                            user.display_name,
                            roster::date_en(date)
                        ),
                    ));
                }
                let ev = court_event(
                    actor,
                    court_id,
                    tx.now,
                    EventKind::LeaveRecorded,
                    json!({"user_id": user_id, "name": user.display_name, "date": ymd(date), "reason": reason}),
                );
                tx.append_events(&[ev]).await?;
                tx.commit().await?;
                Ok(Outcome::default())
            }
            Command::CancelLeave {
                court_id,
                user_id,
                date,
            } => {
                self.court_scope(actor, court_id, cmd)?;
                let name = self
                    .store
                    .user_by_id(user_id)
                    .await?
                    .filter(|u| u.court_id == court_id)
                    .map(|u| u.display_name)
                    .ok_or(AppError::NotFound)?;
                let mut tx = self.store.begin_write().await?;
                if !tx.delete_leave(court_id, user_id, &ymd(date)).await? {
                    return Err(AppError::NotFound);
                }
                let ev = court_event(
                    actor,
                    court_id,
                    tx.now,
                    EventKind::LeaveCancelled,
                    json!({"user_id": user_id, "name": name, "date": ymd(date)}),
                );
                tx.append_events(&[ev]).await?;
                tx.commit().await?;
                Ok(Outcome::default())
            }
            Command::SaveRoster {
                court_id,
                week_start,
                slots_per_day,
                duty_phone,
                entries,
                expected_version,
            } => {
                self.court_scope(actor, court_id, cmd)?;
                let phone = duty_phone_rules(&duty_phone)?;
                let req = self
                    .roster_request(court_id, week_start, slots_per_day)
                    .await?;
                let roster = named_roster(&req, week_start, &entries);
                let problems = roster::edit_problems(&req, &roster)?;
                if let Some(err) = all_problems(&problems) {
                    return Err(AppError::Invalid(err));
                }
                let rows: Vec<RosterEntryRow> = roster
                    .entries
                    .iter()
                    .map(|e| RosterEntryRow {
                        duty_date: ymd(e.date),
                        slot: i64::from(e.slot),
                        user_id: e.user_id,
                        name: e.name.clone(),
                    })
                    .collect();
                let mut tx = self.store.begin_write().await?;
                let version = tx
                    .save_roster_week(
                        court_id,
                        &ymd(week_start),
                        i64::from(slots_per_day),
                        &phone,
                        &rows,
                        expected_version,
                        actor.user_id,
                    )
                    .await?;
                let listed: Vec<String> = roster
                    .entries
                    .iter()
                    .map(|e| format!("{} {} {}", ymd(e.date), e.slot, e.name))
                    .collect();
                let ev = court_event(
                    actor,
                    court_id,
                    tx.now,
                    EventKind::RosterSaved,
                    json!({"week_start": ymd(week_start), "version": version, "slots_per_day": slots_per_day,
                           "duty_phone": phone, "entries": listed}),
                );
                tx.append_events(&[ev]).await?;
                tx.commit().await?;
                Ok(Outcome {
                    version: Some(version),
                    ..Default::default()
                })
            }
            _ => Err(AppError::Internal("not a roster command".into())),
        }
    }
}

/// The roster as posted, sorted, with each known person's name taken from the court's staff
/// (an unknown id keeps the name it came with, so the problem can name it).
fn named_roster(req: &RosterRequest, week_start: NaiveDate, entries: &[RosterEntry]) -> Roster {
    let names: HashMap<i64, &str> = req
        .officers
        .iter()
        .map(|o| (o.user_id, o.name.as_str()))
        .collect();
    let mut entries: Vec<RosterEntry> = entries
        .iter()
        .map(|e| RosterEntry {
            name: names
                .get(&e.user_id)
                .map(|n| n.to_string())
                .unwrap_or_else(|| e.name.clone()),
            ..e.clone()
        })
        .collect();
    entries.sort_by_key(|e| (e.date, e.slot, e.user_id));
    Roster {
        week_start,
        entries,
    }
}

/// One refusal carrying every problem: the first one's code, all the messages.
pub fn all_problems(problems: &[DomainError]) -> Option<DomainError> {
    let first = problems.first()?;
    if problems.len() == 1 {
        return Some(first.clone());
    }
    Some(DomainError::new(
        first.code,
        problems
            .iter()
            .map(|p| p.zh.as_str())
            .collect::<Vec<_>>()
            .join("；"),
        problems
            .iter()
            .map(|p| p.en.as_str())
            .collect::<Vec<_>>()
            .join("; "),
    ))
}

fn leave_reason(s: &str) -> AppResult<String> {
    let t = s.trim();
    if t.is_empty() {
        return Err(AppError::invalid(
            "leave.reason_required",
            "请填写请假事由",
            "the reason for the leave is required",
        ));
    }
    if t.chars().count() > 100 {
        return Err(AppError::invalid(
            "leave.reason_too_long",
            "请假事由不能超过 100 个字",
            "the reason may not exceed 100 characters",
        ));
    }
    Ok(t.to_string())
}

/// A phone number as a lobby shows it: digits with dashes, spaces, brackets or a leading +,
/// 3 to 30 characters.
pub fn duty_phone_rules(s: &str) -> AppResult<String> {
    let t = s.trim();
    let ok = (3..=30).contains(&t.chars().count())
        && t.chars().any(|c| c.is_ascii_digit())
        && t.chars()
            .all(|c| c.is_ascii_digit() || " -()+（）转".contains(c));
    if !ok {
        return Err(AppError::invalid(
            "roster.duty_phone",
            "请填写 24 小时值班电话（数字，可含“-”、空格和括号）",
            "enter the 24-hour duty phone (digits, optionally with '-', spaces and brackets)",
        ));
    }
    Ok(t.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_suggested_fit_everyone() {
        assert_eq!(suggested_slots(3, 5), 2);
        assert_eq!(suggested_slots(10, 5), 2);
        assert_eq!(suggested_slots(18, 5), 4);
        assert_eq!(suggested_slots(100, 5), roster::MAX_SLOTS_PER_DAY);
    }

    #[test]
    fn duty_phones() {
        assert_eq!(duty_phone_rules(" 0391-8123456 ").unwrap(), "0391-8123456");
        assert!(duty_phone_rules("(0391) 812 3456").is_ok());
        assert!(duty_phone_rules("").is_err());
        assert!(duty_phone_rules("call me").is_err());
    }

    #[test]
    fn problems_are_combined() {
        let a = DomainError::new("a", "甲", "A");
        let b = DomainError::new("b", "乙", "B");
        let e = all_problems(&[a.clone(), b]).unwrap();
        assert_eq!(
            (e.code, e.zh.as_str(), e.en.as_str()),
            ("a", "甲；乙", "A; B")
        );
        assert_eq!(all_problems(std::slice::from_ref(&a)), Some(a));
        assert_eq!(all_problems(&[]), None);
    }
}
