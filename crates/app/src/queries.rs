//! Reads for pages and the API, always within the actor's courts.

use zhixing_domain::case::{CaseType, ClosingMode, Stage};
use zhixing_domain::event::EventKind;
use zhixing_domain::money::Fen;
use zhixing_domain::party::PartyRole;
use zhixing_domain::role::Role;
use zhixing_store::rows::{CaseQuery, CaseRow};

use crate::actor::Actor;
use crate::error::{AppError, AppResult};
use crate::views::*;
use crate::App;

pub const MAX_PER_PAGE: u32 = 100;
pub const DEFAULT_PER_PAGE: u32 = 20;

impl App {
    pub async fn list_cases(&self, actor: &Actor, f: &CaseFilter) -> AppResult<CasePage> {
        let court_ids = match f.court_id {
            Some(c) if actor.can_see_court(c) => vec![c],
            Some(_) => Vec::new(),
            None => actor.visible_courts.clone(),
        };
        let per_page = match f.per_page {
            0 => DEFAULT_PER_PAGE,
            n => n.min(MAX_PER_PAGE),
        };
        let page = f.page.max(1);
        let text =
            f.q.as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(normalise_search);
        let q = CaseQuery {
            court_ids,
            stage: f.stage.map(|s| s.key().to_string()),
            team_id: f.team_id,
            officer_id: f.officer_id,
            case_type: f.case_type.map(|t| t.key().to_string()),
            year: f.year,
            text,
            limit: i64::from(per_page),
            offset: i64::from(page - 1) * i64::from(per_page),
        };
        let (rows, total) = self.store.list_cases(&q).await?;
        let items = rows
            .into_iter()
            .map(|r| {
                Ok(CaseListItem {
                    id: r.id,
                    case_number: r.case_number,
                    court_name: r.court_name,
                    case_type: CaseType::from_key(&r.case_type)?,
                    stage: Stage::from_key(&r.stage)?,
                    suspended: r.suspended != 0,
                    locked: r.locked != 0,
                    claim: Fen(r.claim_fen),
                    applicants: r.applicant_names,
                    debtors: r.debtor_names,
                    team_name: r.team_name,
                    officer_name: r.officer_name,
                    filed_at: r.filed_at,
                })
            })
            .collect::<Result<Vec<_>, zhixing_domain::DomainError>>()?;
        Ok(CasePage {
            items,
            total,
            page,
            per_page,
        })
    }

    /// A case the actor may see; anything else is `NotFound`, whether it exists or not.
    async fn visible_case(&self, actor: &Actor, id: i64) -> AppResult<CaseRow> {
        match self.store.case_by_id(id).await? {
            Some(row) if actor.can_see_court(row.court_id) => Ok(row),
            _ => Err(AppError::NotFound),
        }
    }

    pub async fn case_id_by_number(&self, actor: &Actor, number: &str) -> AppResult<i64> {
        match self.store.case_by_number(number).await? {
            Some(row) if actor.can_see_court(row.court_id) => Ok(row.id),
            _ => Err(AppError::NotFound),
        }
    }

    pub async fn case_detail(&self, actor: &Actor, id: i64) -> AppResult<CaseDetail> {
        let (view, parties) =
            tokio::try_join!(self.store.case_view(id), self.store.case_parties(id))?;
        let view = view
            .filter(|v| actor.can_see_court(v.case.court_id))
            .ok_or(AppError::NotFound)?;
        let row = view.case;
        let parties = parties
            .into_iter()
            .map(|p| {
                Ok(CaseParty {
                    role: PartyRole::from_key(&p.role)?,
                    name: p.name,
                    kind: p.kind,
                    id_number: p.id_number,
                    phone: p.phone,
                    address: p.address,
                })
            })
            .collect::<Result<Vec<_>, zhixing_domain::DomainError>>()?;
        let court = self
            .with_courts(|t| t.get(row.court_id).cloned())
            .ok_or(AppError::NotFound)?;
        Ok(CaseDetail {
            id: row.id,
            case_number: row.case_number,
            court_id: court.id,
            court_name: court.name,
            court_code: court.code,
            case_type: CaseType::from_key(&row.case_type)?,
            stage: Stage::from_key(&row.stage)?,
            suspended: row.suspended != 0,
            locked: row.locked != 0,
            closing_mode: row
                .closing_mode
                .as_deref()
                .map(ClosingMode::from_key)
                .transpose()?,
            claim: Fen(row.claim_fen),
            recovered: Fen(row.recovered_fen),
            basis_court: row.basis_court,
            basis_number: row.basis_number,
            basis_kind: row.basis_kind,
            basis_date: row.basis_date,
            parties,
            team_name: view.team_name,
            officer_name: view.officer_name,
            filed_at: row.filed_at,
            closed_at: row.closed_at,
            version: row.version,
        })
    }

    pub async fn case_timeline(&self, actor: &Actor, id: i64) -> AppResult<Vec<TimelineEntry>> {
        let rows = self.store.case_events(id).await?;
        // Every event carries its court, so the scope check needs no second query.
        match rows.first() {
            Some(e) if actor.can_see_court(e.court_id) => {}
            Some(_) => return Err(AppError::NotFound),
            None => {
                self.visible_case(actor, id).await?;
            }
        }
        Ok(rows
            .into_iter()
            .filter_map(|e| {
                let kind = EventKind::from_key(&e.kind)?;
                let payload: serde_json::Value =
                    serde_json::from_str(&e.payload).unwrap_or_default();
                Some(TimelineEntry {
                    seq: e.seq,
                    occurred_at: e.occurred_at,
                    actor_name: e.actor_name,
                    actor_role: Role::from_key(&e.actor_role).ok(),
                    kind,
                    text_zh: kind.describe_zh(&payload),
                    text_en: kind.describe_en(&payload),
                })
            })
            .collect())
    }

    pub async fn filter_options(&self, actor: &Actor) -> AppResult<FilterOptions> {
        // Another instance's change shows within a minute; this instance's at once.
        const FRESH: std::time::Duration = std::time::Duration::from_secs(60);
        if let Some((at, opts)) = self
            .filter_options
            .lock()
            .expect("filter cache poisoned")
            .get(&actor.court_id)
        {
            if at.elapsed() < FRESH {
                return Ok(opts.clone());
            }
        }
        let opts = self.load_filter_options(actor).await?;
        self.filter_options
            .lock()
            .expect("filter cache poisoned")
            .insert(actor.court_id, (std::time::Instant::now(), opts.clone()));
        Ok(opts)
    }

    async fn load_filter_options(&self, actor: &Actor) -> AppResult<FilterOptions> {
        let courts = self.with_courts(|t| {
            actor
                .visible_courts
                .iter()
                .filter_map(|id| t.get(*id))
                .map(|c| Named {
                    id: c.id,
                    name: c.name.clone(),
                })
                .collect::<Vec<_>>()
        });
        let teams = self
            .store
            .teams(&actor.visible_courts)
            .await?
            .into_iter()
            .map(|t| Named {
                id: t.id,
                name: self.prefixed(actor, t.court_id, &t.name),
            })
            .collect();
        let officers = self
            .store
            .users_of_courts(&actor.visible_courts)
            .await?
            .into_iter()
            .filter(|u| matches!(u.role.as_str(), "officer" | "judge" | "team_leader"))
            .map(|u| Named {
                id: u.id,
                name: self.prefixed(actor, u.court_id, &u.display_name),
            })
            .collect();
        let this_year = i64::from(crate::commands::shanghai_year(zhixing_store::now_ms()));
        Ok(FilterOptions {
            courts,
            teams,
            officers,
            years: (this_year - 4..=this_year).rev().collect(),
        })
    }

    /// In a multi-court view, names carry their court so that two 速执团队 can be told apart.
    fn prefixed(&self, actor: &Actor, court_id: i64, name: &str) -> String {
        if actor.visible_courts.len() <= 1 {
            return name.to_string();
        }
        let court = self.with_courts(|t| t.get(court_id).map(|c| short_court_name(&c.name)));
        match court {
            Some(c) => format!("{c}·{name}"),
            None => name.to_string(),
        }
    }
}

fn short_court_name(name: &str) -> String {
    name.trim_end_matches("人民法院").to_string()
}

/// Case numbers are stored with full-width brackets; users type either.
fn normalise_search(s: &str) -> String {
    s.replace('(', "（").replace(')', "）")
}
