//! Triage (繁简分流) and assignment at filing: the court's ordered rules pick the team, and the
//! team member with the least weighted load gets the case, each decision with its reason on the
//! timeline.

use zhixing_domain::assignment::{choose_assignee, LoadWeights, MemberLoad};
use zhixing_domain::case::CaseType;
use zhixing_domain::lifecycle::{self, CaseAction, CaseState, Happened};
use zhixing_domain::role::Role;
use zhixing_domain::team::TeamKind;
use zhixing_domain::triage::{RuleSet, TriageFacts};

use crate::error::{AppError, AppResult};
use crate::App;

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
    pub(crate) async fn route_and_assign(
        &self,
        court_id: i64,
        state: CaseState,
        facts: &TriageFacts,
    ) -> AppResult<(CaseState, Vec<Happened>)> {
        let (rules, _) = self.triage_rules(court_id).await?;
        let Some(routing) = rules.route(facts) else {
            return Ok((state, Vec::new()));
        };
        let teams = self.store.teams(&[court_id]).await?;
        let Some(team) = teams
            .iter()
            .find(|t| TeamKind::from_key(&t.kind).ok() == Some(routing.target))
        else {
            return Ok((state, Vec::new()));
        };
        let reason = format!(
            "按分流规则第 {} 条「{}」：{}",
            routing.rule_index + 1,
            routing.rule_name,
            routing.reason_zh
        );
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

        let users = self.store.users_of_courts(&[court_id]).await?;
        let mut members: Vec<MemberLoad> = users
            .iter()
            .filter(|u| u.team_id == Some(team.id))
            .filter_map(|u| {
                let role = Role::from_key(&u.role).ok()?;
                let mut m = MemberLoad::new(u.id, u.display_name.clone(), role);
                m.active = u.active == 1;
                Some(m)
            })
            .collect();
        let ids: Vec<i64> = members.iter().map(|m| m.user_id).collect();
        for (officer, case_type, count) in self.store.open_case_counts(&ids).await? {
            if let (Some(m), Ok(t)) = (
                members.iter_mut().find(|m| m.user_id == officer),
                CaseType::from_key(&case_type),
            ) {
                m.add(t, count.max(0) as u32, 0);
            }
        }
        let (weights, _) = self.load_weights(court_id).await?;
        let Ok(chosen) = choose_assignee(&members, &weights) else {
            return Ok((state, events));
        };
        let (state, mut happened) = lifecycle::decide(
            &state,
            &CaseAction::AssignOfficer {
                officer_id: chosen.user_id,
                officer_name: chosen.name.clone(),
            },
        )?;
        // The officer event carries the reason for the choice.
        for h in happened.iter_mut() {
            if h.kind == zhixing_domain::event::EventKind::OfficerAssigned {
                if let Some(obj) = h.payload.as_object_mut() {
                    obj.insert("reason".into(), chosen.reason_zh.clone().into());
                }
            }
        }
        events.append(&mut happened);
        Ok((state, events))
    }
}
