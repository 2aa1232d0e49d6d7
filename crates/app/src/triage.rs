//! Triage (繁简分流) and assignment at filing: the court's ordered rules pick the team, and the
//! team member with the least weighted load gets the case, each decision with its reason on the
//! timeline.

use std::sync::Arc;
use std::time::{Duration, Instant};

use zhixing_domain::assignment::{choose_assignee, LoadWeights, MemberLoad};
use zhixing_domain::case::CaseType;
use zhixing_domain::lifecycle::{self, CaseAction, CaseState, Happened};
use zhixing_domain::role::Role;
use zhixing_domain::team::TeamKind;
use zhixing_domain::triage::{RuleSet, TriageFacts};

use crate::error::{AppError, AppResult};
use crate::App;

/// A court's routing and assignment inputs, cached by `App::court_directory`.
pub(crate) struct CourtDirectory {
    rules: RuleSet,
    weights: LoadWeights,
    teams: Vec<zhixing_store::rows::TeamRow>,
    users: Vec<zhixing_store::rows::UserRow>,
    on_leave: std::collections::HashSet<i64>,
    day: String,
    loaded_at: Instant,
}

pub const TRIAGE_SETTING: &str = "triage_rules";
pub const WEIGHTS_SETTING: &str = "load_weights";

/// The preset a court starts with until its administrator saves its own: 山阳区's six teams
/// for 豫0811, 孟州市's three-team rules elsewhere (RULES.md §6).
pub fn preset_for(court_code: &str) -> RuleSet {
    if court_code == "豫0811" {
        RuleSet::shanyang()
    } else {
        RuleSet::mengzhou()
    }
}

impl App {
    /// A court's rules and their version (0 = still the preset).
    pub async fn triage_rules(&self, court_id: i64) -> AppResult<(RuleSet, i64)> {
        match self.store.court_setting(court_id, TRIAGE_SETTING).await? {
            Some((json, version)) => Ok((RuleSet::from_json(&json)?, version)),
            None => {
                let code = self
                    .with_courts(|t| t.get(court_id).map(|c| c.code.clone()))
                    .ok_or(AppError::NotFound)?;
                Ok((preset_for(&code), 0))
            }
        }
    }

    pub async fn load_weights(&self, court_id: i64) -> AppResult<(LoadWeights, i64)> {
        match self.store.court_setting(court_id, WEIGHTS_SETTING).await? {
            Some((json, version)) => Ok((LoadWeights::from_json(&json)?, version)),
            None => Ok((LoadWeights::default(), 0)),
        }
    }

    /// Routes a case being filed and assigns it, returning the state it is filed in and what
    /// happened. A court without a team of the routed kind, or a team with nobody available,
    /// leaves the case for the team leader, and the timeline says why.
    /// The court's directory, from the cache when it is fresh: this instance's own changes
    /// clear it at once, another instance's show within a minute, and a new day reloads leave.
    pub(crate) async fn court_directory(&self, court_id: i64) -> AppResult<Arc<CourtDirectory>> {
        const FRESH: Duration = Duration::from_secs(60);
        let today = crate::intake::shanghai_date(zhixing_store::now_ms());
        if let Some(d) = self
            .directories
            .lock()
            .expect("directory cache poisoned")
            .get(&court_id)
        {
            if d.loaded_at.elapsed() < FRESH && d.day == today {
                return Ok(d.clone());
            }
        }
        let (rules, _) = self.triage_rules(court_id).await?;
        let (weights, _) = self.load_weights(court_id).await?;
        let teams = self.store.teams(&[court_id]).await?;
        let users = self.store.users_of_courts(&[court_id]).await?;
        let on_leave = self
            .store
            .leave_between(court_id, &today, &today)
            .await?
            .into_iter()
            .map(|l| l.user_id)
            .collect();
        let d = Arc::new(CourtDirectory {
            rules,
            weights,
            teams,
            users,
            on_leave,
            day: today,
            loaded_at: Instant::now(),
        });
        self.directories
            .lock()
            .expect("directory cache poisoned")
            .insert(court_id, d.clone());
        Ok(d)
    }

    pub(crate) async fn route_and_assign(
        &self,
        court_id: i64,
        state: CaseState,
        facts: &TriageFacts,
    ) -> AppResult<(CaseState, Vec<Happened>)> {
        let dir = self.court_directory(court_id).await?;
        let Some(routing) = dir.rules.route(facts) else {
            return Ok((state, Vec::new()));
        };
        let reason = format!(
            "按分流规则第 {} 条「{}」：{}",
            routing.rule_index + 1,
            routing.rule_name,
            routing.reason_zh
        );
        Ok(self
            .assign_in_team(&dir, state.clone(), routing.target, reason)
            .await?
            .unwrap_or((state, Vec::new())))
    }

    /// Sends a case to the court's team of `kind` when it has one (`None` otherwise), e.g. a
    /// restored case to the dormant-case team, which is assignment, not triage.
    pub(crate) async fn route_to_team_kind(
        &self,
        court_id: i64,
        state: CaseState,
        kind: TeamKind,
        reason: String,
    ) -> AppResult<Option<(CaseState, Vec<Happened>)>> {
        let dir = self.court_directory(court_id).await?;
        self.assign_in_team(&dir, state, kind, reason).await
    }

    /// The team of `kind` and, by load, its officer.
    async fn assign_in_team(
        &self,
        dir: &CourtDirectory,
        state: CaseState,
        kind: TeamKind,
        reason: String,
    ) -> AppResult<Option<(CaseState, Vec<Happened>)>> {
        let Some(team) = dir
            .teams
            .iter()
            .find(|t| TeamKind::from_key(&t.kind).ok() == Some(kind))
        else {
            return Ok(None);
        };
        let mut events = Vec::new();
        let (state, mut happened) = lifecycle::decide(
            &state,
            &CaseAction::AssignTeam {
                team_id: team.id,
                team_name: team.name.clone(),
                reason,
            },
        )?;
        events.append(&mut happened);

        let mut members: Vec<MemberLoad> = dir
            .users
            .iter()
            .filter(|u| u.team_id == Some(team.id))
            .filter_map(|u| {
                let role = Role::from_key(&u.role).ok()?;
                let mut m = MemberLoad::new(u.id, u.display_name.clone(), role);
                m.active = u.active == 1;
                m.on_leave = dir.on_leave.contains(&u.id);
                Some(m)
            })
            .collect();
        let ids: Vec<i64> = members
            .iter()
            .filter(|m| m.active && !m.on_leave)
            .map(|m| m.user_id)
            .collect();
        for (officer, case_type, count) in self.store.open_case_counts(&ids).await? {
            if let (Some(m), Ok(t)) = (
                members.iter_mut().find(|m| m.user_id == officer),
                CaseType::from_key(&case_type),
            ) {
                m.add(t, count.max(0) as u32, 0);
            }
        }
        let Ok(chosen) = choose_assignee(&members, &dir.weights) else {
            return Ok(Some((state, events)));
        };
        let (state, mut happened) = lifecycle::decide(
            &state,
            // The officer event carries the reason for the choice.
            &CaseAction::AssignOfficer {
                officer_id: chosen.user_id,
                officer_name: chosen.name.clone(),
                reason: Some(chosen.reason_zh.clone()),
            },
        )?;
        events.append(&mut happened);
        Ok(Some((state, events)))
    }
}

/// How a rule set would have routed a court's recent cases, against where they are today.
#[derive(Debug, Clone, serde::Serialize)]
pub struct TriageSimulation {
    pub months: u32,
    pub cases: usize,
    /// Cases the new rules would send to another team than the one they are with.
    pub changed: usize,
    pub teams: Vec<TeamLoad>,
    /// A few of the changed cases, for the administrator to check by eye.
    pub examples: Vec<SimulatedCase>,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct TeamLoad {
    pub team_id: Option<i64>,
    pub name: String,
    pub today: usize,
    pub simulated: usize,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct SimulatedCase {
    pub case_id: i64,
    pub case_number: String,
    pub today: String,
    pub simulated: String,
    pub reason_zh: String,
}

impl App {
    /// Routes the last `months` months of a court's cases with `rules`. Flags and locatability
    /// are not stored on old cases, so they count as ordinary, locatable and unrelated.
    pub async fn simulate_triage(
        &self,
        actor: &crate::Actor,
        court_id: i64,
        rules: &RuleSet,
        months: u32,
    ) -> AppResult<TriageSimulation> {
        if !actor.can_see_court(court_id) {
            return Err(AppError::NotFound);
        }
        let months = months.clamp(1, 36);
        let since = zhixing_store::now_ms() - i64::from(months) * 30 * 86_400_000;
        let teams = self.store.teams(&[court_id]).await?;
        let rows = self.store.cases_for_simulation(court_id, since).await?;
        let mut loads: Vec<TeamLoad> = teams
            .iter()
            .map(|t| TeamLoad {
                team_id: Some(t.id),
                name: t.name.clone(),
                today: 0,
                simulated: 0,
            })
            .collect();
        loads.push(TeamLoad {
            team_id: None,
            name: "未分流 / not routed".into(),
            today: 0,
            simulated: 0,
        });
        let slot = |loads: &[TeamLoad], team: Option<i64>| {
            loads
                .iter()
                .position(|l| l.team_id == team)
                .unwrap_or(loads.len() - 1)
        };
        let mut changed = 0;
        let mut examples = Vec::new();
        for r in &rows {
            let Ok(case_type) = CaseType::from_key(&r.case_type) else {
                continue;
            };
            let mut facts = TriageFacts::new(case_type, zhixing_domain::money::Fen(r.claim_fen));
            facts.applicants = r.applicants.max(1) as u32;
            facts.debtors = r.debtors.max(1) as u32;
            let routed = rules.route(&facts);
            let new_team = routed
                .as_ref()
                .and_then(|ro| {
                    teams
                        .iter()
                        .find(|t| TeamKind::from_key(&t.kind).ok() == Some(ro.target))
                })
                .map(|t| t.id);
            let today = slot(&loads, r.team_id);
            let sim = slot(&loads, new_team);
            loads[today].today += 1;
            loads[sim].simulated += 1;
            if today != sim {
                changed += 1;
                if examples.len() < 20 {
                    examples.push(SimulatedCase {
                        case_id: r.id,
                        case_number: r.case_number.clone(),
                        today: loads[today].name.clone(),
                        simulated: loads[sim].name.clone(),
                        reason_zh: routed.map(|ro| ro.reason_zh).unwrap_or_default(),
                    });
                }
            }
        }
        Ok(TriageSimulation {
            months,
            cases: rows.len(),
            changed,
            teams: loads,
            examples,
        })
    }

    /// Saves a court's triage rules after checking them against the teams it has.
    pub async fn save_triage_rules(
        &self,
        actor: &crate::Actor,
        court_id: i64,
        rules: &RuleSet,
        expected_version: i64,
    ) -> AppResult<i64> {
        let cmd = crate::commands::Command::SaveSetting {
            court_id,
            key: TRIAGE_SETTING.to_string(),
            value: rules.to_json(),
            expected_version,
        };
        Ok(self.execute(actor, cmd).await?.version.unwrap_or_default())
    }

    /// The team kinds a court has, which its rules may route to.
    pub async fn team_kinds(&self, court_id: i64) -> AppResult<Vec<TeamKind>> {
        Ok(self
            .store
            .teams(&[court_id])
            .await?
            .iter()
            .filter_map(|t| TeamKind::from_key(&t.kind).ok())
            .collect())
    }
}
