//! Teams and assignment (分案): the team page with each member's weighted load, hand assignment
//! and reassignment (改派) from the case page, an officer leaving (离岗) with their cases handed
//! on by least load — 终本 cases to the dormant-case team — and the court's load weights.
//!
//! Every change here is a `Command` through `App::execute`; this module only reads and plans.

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;
use serde_json::json;
use zhixing_domain::assignment::{
    choose_assignee, officer_leaving, ranking, HeldCase, LoadWeights, MemberLoad, Ranked,
};
use zhixing_domain::case::{CaseType, ClosingMode, Stage};
use zhixing_domain::event::EventKind;
use zhixing_domain::lifecycle::CaseAction;
use zhixing_domain::role::Role;
use zhixing_domain::team::TeamKind;
use zhixing_domain::DomainError;
use zhixing_store::rows::{TeamRow, UserRow};

use crate::commands::{court_event, Command, Outcome};
use crate::error::{AppError, AppResult};
use crate::triage::WEIGHTS_SETTING;
use crate::{Actor, App};

use Role::*;

/// Who sees the team page.
pub const TEAM_VIEWERS: &[Role] = &[TeamLeader, Judge, BureauChief, Administrator];
/// Who gets the assignment form on the case page (the command table also lets judges assign).
pub const CASE_ASSIGNERS: &[Role] = &[TeamLeader, BureauChief];
/// Who sees an officer's leaving page.
pub const LEAVING_VIEWERS: &[Role] = &[TeamLeader, BureauChief, Administrator];

#[derive(Debug, Clone, Serialize)]
pub struct MemberView {
    pub user_id: i64,
    pub username: String,
    pub name: String,
    pub role: Role,
    pub role_zh: &'static str,
    pub role_en: &'static str,
    pub open_cases: u32,
    /// Weighted load (负荷分) with the court's weights.
    pub load: u64,
    pub on_leave: bool,
    pub active: bool,
    /// Place in the team's assignment order (1 = next case goes here), if they take cases now.
    pub rank: Option<usize>,
}

#[derive(Debug, Clone, Serialize)]
pub struct TeamView {
    pub id: i64,
    pub name: String,
    pub kind: TeamKind,
    pub kind_zh: &'static str,
    pub kind_en: &'static str,
    pub open_cases: u32,
    pub load: u64,
    pub members: Vec<MemberView>,
}

#[derive(Debug, Clone, Serialize)]
pub struct TeamsView {
    pub court_id: i64,
    pub court_name: String,
    /// Asia/Shanghai, YYYY-MM-DD: the day "on leave" refers to.
    pub today: String,
    pub weights: LoadWeights,
    pub teams: Vec<TeamView>,
    /// Staff not in any team (administrators, reception, the chief).
    pub others: Vec<MemberView>,
}

/// The case page's assignment form: the case's team in assignment order, and the other teams.
#[derive(Debug, Clone, Serialize)]
pub struct AssignOptions {
    pub case_id: i64,
    pub version: i64,
    pub team_id: Option<i64>,
    pub officer_id: Option<i64>,
    pub ranking: Vec<Ranked>,
    pub teams: Vec<TeamChoice>,
}

#[derive(Debug, Clone, Serialize)]
pub struct TeamChoice {
    pub id: i64,
    pub name: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct LeavingUser {
    pub id: i64,
    pub court_id: i64,
    pub username: String,
    pub name: String,
    pub role_zh: &'static str,
    pub role_en: &'static str,
    pub active: bool,
    pub team_id: Option<i64>,
    pub team_name: Option<String>,
}

/// One case of a leaving officer and where it goes.
#[derive(Debug, Clone, Serialize)]
pub struct LeavingCase {
    pub case_id: i64,
    pub case_number: String,
    pub version: i64,
    pub case_type: CaseType,
    pub stage: Stage,
    /// 终本: goes to the dormant-case team where the court has one.
    pub dormant: bool,
    /// The team the case ends up in, and whether that is a change of team.
    pub team_id: Option<i64>,
    pub team_name: Option<String>,
    pub team_changes: bool,
    pub suggested_id: Option<i64>,
    pub suggested_name: Option<String>,
    /// The suggested member's load before this case.
    pub suggested_load: Option<u64>,
    /// Why no suggestion could be made (nobody available), in Chinese.
    pub problem_zh: Option<String>,
    pub problem_en: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct LeavingView {
    pub user: LeavingUser,
    pub cases: Vec<LeavingCase>,
    pub dormant_team: Option<TeamChoice>,
    pub default_reason: String,
    /// The actor may run the reassignment (team leader or bureau chief of the court).
    pub can_reassign: bool,
    /// The actor may deactivate the account (administrator or bureau chief).
    pub can_deactivate: bool,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct ReassignReport {
    pub reassigned: Vec<ReassignedCase>,
    pub failed: Vec<FailedCase>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ReassignedCase {
    pub case_id: i64,
    pub case_number: String,
    pub officer_name: String,
    pub team_name: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct FailedCase {
    pub case_id: i64,
    pub case_number: String,
    pub code: String,
    pub message_zh: String,
    pub message_en: String,
}

fn today() -> String {
    crate::intake::shanghai_date(zhixing_store::now_ms())
}

fn refuse_role(actor: &Actor) -> AppError {
    AppError::forbidden(
        format!("{}无权查看此页面", actor.role.name_zh()),
        format!("a {} may not see this page", actor.role.name_en()),
    )
}

fn is_dormant(stage: &str, closing_mode: Option<&str>) -> bool {
    stage == Stage::Closed.key() && closing_mode == Some(ClosingMode::Dormant.key())
}

impl App {
    /// Every user of a court as a `MemberLoad` (open cases per type, active, on leave today).
    async fn court_loads(&self, court_id: i64) -> AppResult<(Vec<UserRow>, Vec<MemberLoad>)> {
        let users = self.store.users_of_courts(&[court_id]).await?;
        let on_leave = self.store.users_on_leave(court_id, &today()).await?;
        let mut loads: Vec<MemberLoad> = users
            .iter()
            .filter_map(|u| {
                let role = Role::from_key(&u.role).ok()?;
                let mut m = MemberLoad::new(u.id, u.display_name.clone(), role);
                m.active = u.active == 1;
                m.on_leave = on_leave.contains(&u.id);
                Some(m)
            })
            .collect();
        let ids: Vec<i64> = loads.iter().map(|m| m.user_id).collect();
        for (officer, case_type, count) in self.store.open_case_counts(&ids).await? {
            if let (Some(m), Ok(t)) = (
                loads.iter_mut().find(|m| m.user_id == officer),
                CaseType::from_key(&case_type),
            ) {
                m.add(t, count.max(0) as u32, 0);
            }
        }
        Ok((users, loads))
    }

    /// The members of one team with their loads.
    async fn team_loads(&self, court_id: i64, team_id: i64) -> AppResult<Vec<MemberLoad>> {
        let (users, loads) = self.court_loads(court_id).await?;
        Ok(loads
            .into_iter()
            .filter(|m| {
                users
                    .iter()
                    .any(|u| u.id == m.user_id && u.team_id == Some(team_id))
            })
            .collect())
    }

    /// One user as a candidate for a case (active, on leave today, role), for `check_manual`.
    pub(crate) async fn member_load_of(&self, user: &UserRow) -> AppResult<MemberLoad> {
        let role = Role::from_key(&user.role)?;
        let mut m = MemberLoad::new(user.id, user.display_name.clone(), role);
        m.active = user.active == 1;
        m.on_leave = self
            .store
            .users_on_leave(user.court_id, &today())
            .await?
            .contains(&user.id);
        Ok(m)
    }

    /// A team's members in the order automatic assignment would pick them.
    pub async fn team_ranking(&self, court_id: i64, team_id: i64) -> AppResult<Vec<Ranked>> {
        let (weights, _) = self.load_weights(court_id).await?;
        Ok(ranking(
            &self.team_loads(court_id, team_id).await?,
            &weights,
        )?)
    }

    /// The team page: the actor's court, or `court` if the actor may see it.
    pub async fn teams_overview(&self, actor: &Actor, court: Option<i64>) -> AppResult<TeamsView> {
        if !TEAM_VIEWERS.contains(&actor.role) {
            return Err(refuse_role(actor));
        }
        let court_id = court.unwrap_or(actor.court_id);
        if !actor.can_see_court(court_id) {
            return Err(AppError::NotFound);
        }
        let court_name = self
            .with_courts(|t| t.get(court_id).map(|c| c.name.clone()))
            .ok_or(AppError::NotFound)?;
        let (weights, _) = self.load_weights(court_id).await?;
        let teams = self.store.teams(&[court_id]).await?;
        let (users, loads) = self.court_loads(court_id).await?;
        let view = |m: &MemberLoad, rank: Option<usize>| MemberView {
            user_id: m.user_id,
            username: users
                .iter()
                .find(|u| u.id == m.user_id)
                .map(|u| u.username.clone())
                .unwrap_or_default(),
            name: m.name.clone(),
            role: m.role,
            role_zh: m.role.name_zh(),
            role_en: m.role.name_en(),
            open_cases: m.open_cases(),
            load: weights.load_of(m),
            on_leave: m.on_leave,
            active: m.active,
            rank,
        };
        let team_of: HashMap<i64, Option<i64>> = users.iter().map(|u| (u.id, u.team_id)).collect();
        let mut out = Vec::new();
        for t in &teams {
            let Ok(kind) = TeamKind::from_key(&t.kind) else {
                continue;
            };
            let members: Vec<MemberLoad> = loads
                .iter()
                .filter(|m| team_of.get(&m.user_id) == Some(&Some(t.id)))
                .cloned()
                .collect();
            let order = ranking(&members, &weights)?;
            let members: Vec<MemberView> = members
                .iter()
                .map(|m| {
                    let rank = order
                        .iter()
                        .position(|r| r.user_id == m.user_id)
                        .map(|p| p + 1);
                    view(m, rank)
                })
                .collect();
            out.push(TeamView {
                id: t.id,
                name: t.name.clone(),
                kind,
                kind_zh: kind.name_zh(),
                kind_en: kind.name_en(),
                open_cases: members.iter().map(|m| m.open_cases).sum(),
                load: members.iter().map(|m| m.load).sum(),
                members,
            });
        }
        let others = loads
            .iter()
            .filter(|m| {
                let team = team_of.get(&m.user_id).copied().flatten();
                team.is_none() || !teams.iter().any(|t| Some(t.id) == team)
            })
            .map(|m| view(m, None))
            .collect();
        Ok(TeamsView {
            court_id,
            court_name,
            today: today(),
            weights,
            teams: out,
            others,
        })
    }

    /// The case page's assignment form, for a team leader or bureau chief of the case's court
    /// while the case can still change hands; `None` for everyone else.
    pub async fn assign_options(
        &self,
        actor: &Actor,
        case_id: i64,
    ) -> AppResult<Option<AssignOptions>> {
        let row = self
            .store
            .case_by_id(case_id)
            .await?
            .filter(|r| actor.can_see_court(r.court_id))
            .ok_or(AppError::NotFound)?;
        let open = Stage::from_key(&row.stage)?.is_open() && row.stage != Stage::Reception.key();
        if !CASE_ASSIGNERS.contains(&actor.role)
            || actor.court_id != row.court_id
            || row.locked != 0
            || !(open || is_dormant(&row.stage, row.closing_mode.as_deref()))
        {
            return Ok(None);
        }
        let ranking = match row.team_id {
            Some(team) => self.team_ranking(row.court_id, team).await?,
            None => Vec::new(),
        };
        let teams = self
            .store
            .teams(&[row.court_id])
            .await?
            .into_iter()
            .filter(|t| Some(t.id) != row.team_id)
            .map(|t| TeamChoice {
                id: t.id,
                name: t.name,
            })
            .collect();
        Ok(Some(AssignOptions {
            case_id: row.id,
            version: row.version,
            team_id: row.team_id,
            officer_id: row.officer_id,
            ranking,
            teams,
        }))
    }

    /// A user as the leaving page shows them, after the role and court checks.
    async fn leaving_user(
        &self,
        actor: &Actor,
        user_id: i64,
    ) -> AppResult<(UserRow, Vec<TeamRow>)> {
        if !LEAVING_VIEWERS.contains(&actor.role) {
            return Err(refuse_role(actor));
        }
        let user = self
            .store
            .user_by_id(user_id)
            .await?
            .filter(|u| actor.can_see_court(u.court_id))
            .ok_or(AppError::NotFound)?;
        let teams = self.store.teams(&[user.court_id]).await?;
        Ok((user, teams))
    }

    /// An officer's cases and, for each, who would take it: the least-loaded member of the
    /// case's team (loads updated as cases are handed out, so they spread), or — for a 终本
    /// case, where the court has a dormant-case team — that team's least-loaded member.
    pub async fn leaving_plan(&self, actor: &Actor, user_id: i64) -> AppResult<LeavingView> {
        let (user, teams) = self.leaving_user(actor, user_id).await?;
        let held = self.store.cases_held_by(user.id).await?;
        let own_team = user
            .team_id
            .and_then(|id| teams.iter().find(|t| t.id == id));
        let own_kind = own_team
            .and_then(|t| TeamKind::from_key(&t.kind).ok())
            .unwrap_or(TeamKind::Ordinary);
        let dormant_team = teams
            .iter()
            .find(|t| TeamKind::from_key(&t.kind).ok() == Some(TeamKind::Dormant));
        let plan = officer_leaving(
            &held
                .iter()
                .map(|c| HeldCase {
                    case_id: c.id,
                    dormant: is_dormant(&c.stage, c.closing_mode.as_deref()),
                })
                .collect::<Vec<_>>(),
            own_kind,
        );
        let (weights, _) = self.load_weights(user.court_id).await?;
        let (users, mut loads) = self.court_loads(user.court_id).await?;
        // The leaving officer takes nothing.
        for m in loads.iter_mut().filter(|m| m.user_id == user.id) {
            m.active = false;
        }
        let team_of: HashMap<i64, Option<i64>> = users.iter().map(|u| (u.id, u.team_id)).collect();
        let mut cases = Vec::new();
        for c in &held {
            let to_dormant = plan.to_dormant_team.contains(&c.id) && dormant_team.is_some();
            let target = if to_dormant {
                dormant_team.map(|t| t.id)
            } else {
                c.team_id.or(user.team_id)
            };
            let case_type = CaseType::from_key(&c.case_type)?;
            let mut suggestion = None;
            let mut problem = None;
            if let Some(team) = target {
                let pool: Vec<MemberLoad> = loads
                    .iter()
                    .filter(|m| team_of.get(&m.user_id) == Some(&Some(team)))
                    .cloned()
                    .collect();
                match choose_assignee(&pool, &weights) {
                    Ok(a) => {
                        if let Some(m) = loads.iter_mut().find(|m| m.user_id == a.user_id) {
                            m.add(case_type, 1, 0);
                        }
                        suggestion = Some(a);
                    }
                    Err(e) => problem = Some(e),
                }
            } else {
                problem = Some(DomainError::new(
                    "assignment.no_team",
                    "案件和承办人都不属于任何团队，请先为案件指定团队",
                    "neither the case nor the officer belongs to a team; route the case first",
                ));
            }
            cases.push(LeavingCase {
                case_id: c.id,
                case_number: c.case_number.clone(),
                version: c.version,
                case_type,
                stage: Stage::from_key(&c.stage)?,
                dormant: is_dormant(&c.stage, c.closing_mode.as_deref()),
                team_id: target,
                team_name: target
                    .and_then(|id| teams.iter().find(|t| t.id == id))
                    .map(|t| t.name.clone()),
                team_changes: target.is_some() && target != c.team_id,
                suggested_id: suggestion.as_ref().map(|a| a.user_id),
                suggested_name: suggestion.as_ref().map(|a| a.name.clone()),
                suggested_load: suggestion.as_ref().map(|a| a.load_before),
                problem_zh: problem.as_ref().map(|e| e.zh.clone()),
                problem_en: problem.as_ref().map(|e| e.en.clone()),
            });
        }
        let role = Role::from_key(&user.role)?;
        Ok(LeavingView {
            default_reason: format!("原承办人{}离岗，按加权最少负荷改派", user.display_name),
            can_reassign: CASE_ASSIGNERS.contains(&actor.role) && actor.court_id == user.court_id,
            can_deactivate: (actor.role == Administrator
                || (actor.role == BureauChief && actor.court_id == user.court_id))
                && user.active == 1,
            dormant_team: dormant_team.map(|t| TeamChoice {
                id: t.id,
                name: t.name.clone(),
            }),
            user: LeavingUser {
                id: user.id,
                court_id: user.court_id,
                username: user.username.clone(),
                name: user.display_name.clone(),
                role_zh: role.name_zh(),
                role_en: role.name_en(),
                active: user.active == 1,
                team_id: user.team_id,
                team_name: own_team.map(|t| t.name.clone()),
            },
            cases,
        })
    }

    /// Hands every case of a leaving officer on as `leaving_plan` suggests: one audited
    /// `Command::Case` per change (the team first where a 终本 case moves to the dormant-case
    /// team, then the officer). A case that cannot be moved is reported and the rest go on.
    pub async fn reassign_leaving(
        &self,
        actor: &Actor,
        user_id: i64,
        reason: &str,
    ) -> AppResult<ReassignReport> {
        let plan = self.leaving_plan(actor, user_id).await?;
        if !plan.can_reassign {
            return Err(AppError::forbidden(
                "只有本院团队长或执行局长可以改派案件",
                "only a team leader or the bureau chief of the court may reassign cases",
            ));
        }
        let reason = if reason.trim().is_empty() {
            plan.default_reason.clone()
        } else {
            reason.trim().to_string()
        };
        let mut report = ReassignReport::default();
        for c in &plan.cases {
            let fail = |e: AppError| FailedCase {
                case_id: c.case_id,
                case_number: c.case_number.clone(),
                code: e.code().to_string(),
                message_zh: e.message_zh(),
                message_en: e.message_en(),
            };
            let Some(officer_id) = c.suggested_id else {
                report.failed.push(FailedCase {
                    case_id: c.case_id,
                    case_number: c.case_number.clone(),
                    code: "assignment.no_one_available".into(),
                    message_zh: c.problem_zh.clone().unwrap_or_default(),
                    message_en: c.problem_en.clone().unwrap_or_default(),
                });
                continue;
            };
            let mut version = c.version;
            if let (true, Some(team_id)) = (c.team_changes, c.team_id) {
                let cmd = Command::Case {
                    case_id: c.case_id,
                    version,
                    action: CaseAction::AssignTeam {
                        team_id,
                        team_name: String::new(),
                        reason: reason.clone(),
                    },
                };
                match self.execute(actor, cmd).await {
                    Ok(o) => version = o.version.unwrap_or(version),
                    Err(e) => {
                        report.failed.push(fail(e));
                        continue;
                    }
                }
            }
            let cmd = Command::Case {
                case_id: c.case_id,
                version,
                action: CaseAction::AssignOfficer {
                    officer_id,
                    officer_name: String::new(),
                    reason: Some(reason.clone()),
                },
            };
            match self.execute(actor, cmd).await {
                Ok(_) => report.reassigned.push(ReassignedCase {
                    case_id: c.case_id,
                    case_number: c.case_number.clone(),
                    officer_name: c.suggested_name.clone().unwrap_or_default(),
                    team_name: c.team_changes.then(|| c.team_name.clone()).flatten(),
                }),
                Err(e) => report.failed.push(fail(e)),
            }
        }
        Ok(report)
    }

    /// `Command::DeactivateUser`: refuses an unknown or already deactivated account and the
    /// actor's own; the reason goes on the court's record.
    pub(crate) async fn deactivate_user(
        &self,
        actor: &Actor,
        cmd: &Command,
        user_id: i64,
        reason: &str,
    ) -> AppResult<Outcome> {
        let user = self
            .store
            .user_by_id(user_id)
            .await?
            .filter(|u| actor.can_see_court(u.court_id))
            .ok_or(AppError::NotFound)?;
        self.court_scope(actor, user.court_id, cmd)?;
        if actor.user_id == Some(user.id) {
            return Err(AppError::invalid(
                "user.deactivate_self",
                "不能停用自己的账号",
                "you cannot deactivate your own account",
            ));
        }
        if user.active == 0 {
            return Err(AppError::invalid(
                "user.already_inactive",
                format!("{}的账号已停用，无需再次停用", user.display_name),
                format!("{}'s account is already deactivated", user.display_name),
            ));
        }
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(AppError::invalid(
                "user.reason_required",
                "请填写停用理由（如调离、退休）",
                "a reason is required (e.g. transferred, retired)",
            ));
        }
        if reason.chars().count() > 500 {
            return Err(AppError::invalid(
                "user.reason_too_long",
                "停用理由不能超过 500 字",
                "the reason may not exceed 500 characters",
            ));
        }
        let mut tx = self.store.begin_write().await?;
        tx.deactivate_user(user.id).await?;
        let ev = court_event(
            actor,
            user.court_id,
            tx.now,
            EventKind::UserDeactivated,
            json!({"user_id": user.id, "username": user.username, "display_name": user.display_name, "reason": reason}),
        );
        tx.append_events(&[ev]).await?;
        tx.commit().await?;
        Ok(Outcome {
            id: Some(user.id),
            ..Default::default()
        })
    }

    /// Saves a court's load weights (versioned, 0 = never saved) through `SaveSetting`.
    pub async fn save_load_weights(
        &self,
        actor: &Actor,
        court_id: i64,
        weights: &LoadWeights,
        expected_version: i64,
    ) -> AppResult<i64> {
        let cmd = Command::SaveSetting {
            court_id,
            key: WEIGHTS_SETTING.to_string(),
            value: weights.to_json(),
            expected_version,
        };
        Ok(self.execute(actor, cmd).await?.version.unwrap_or_default())
    }
}

/// Every problem of a weights document at once (the domain's `validate` stops at the first),
/// so that an editor can mark each field.
pub fn weight_problems(weights: &LoadWeights) -> Vec<(String, DomainError)> {
    let mut out = Vec::new();
    for (&t, &w) in &weights.by_type {
        let one = LoadWeights {
            by_type: BTreeMap::from([(t, w)]),
            complex_extra: 1,
        };
        if let Err(e) = one.validate() {
            out.push((t.key().to_string(), e));
        }
    }
    let extra = LoadWeights {
        by_type: BTreeMap::new(),
        complex_extra: weights.complex_extra,
    };
    if let Err(e) = extra.validate() {
        out.push(("complex_extra".to_string(), e));
    }
    out
}
