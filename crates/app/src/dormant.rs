//! The dormant-case library (终本案件库) and restoration (恢复执行).
//!
//! A case closed as 终本 enters the library (`closing.rs`) with its first re-inquiry six months
//! on. [`App::run_dormant_library`] — the inquiry loop of `zhixing serve` — schedules every
//! due row in batches: one network inquiry task per debtor, marked with its round, and the row
//! advanced to the next date (`closing::next_round_after`), or ended after five years. The
//! tasks then go through the ordinary inquiry run (`assets.rs`), which for a round's task also
//! counts what was found on the library row and, when the task is complete, writes the
//! applicant's message to the outbox; [`App::send_applicant_outbox`] hands the SMS ones to the
//! gateway. A batch is a few multi-row statements whatever its size, so 200,000 cases are a
//! few hundred transactions (`benches/dormant.rs`).
//!
//! Restoration files a linked 执恢 case through the same in-transaction filing as a new case
//! (`App::file_case_in_tx`), for what is still owed, with the original parties, routed to the
//! court's dormant-case team when it has one (else by its triage rules), and marks the library
//! row restored, all in one transaction. It is refused, naming the rule, for a case that is not
//! closed as 终本, one already restored, property found with nothing found since closing, or
//! nothing left owed.

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;
use serde::Serialize;
use serde_json::json;
use zhixing_domain::asset::{self as asset_rules, AssetKind};
use zhixing_domain::case::{CaseType, ClosingMode, Stage};
use zhixing_domain::closing::{self as rules, RestorationReason};
use zhixing_domain::court::CourtCode;
use zhixing_domain::event::EventKind;
use zhixing_domain::lifecycle::{CaseState, Happened};
use zhixing_domain::money::Fen;
use zhixing_domain::role::Role;
use zhixing_domain::team::TeamKind;
use zhixing_store::assets::{ApplicantMessageRow, InquiryTarget};
pub use zhixing_store::closing::DormantRow;
pub use zhixing_store::dormant::{DormantFilter, DormantListRow};
use zhixing_store::dormant::{NewRoundTask, RoundProgress, RoundStart};
use zhixing_store::rows::CaseRow;

use crate::assets::parse_day;
use crate::commands::{case_event, CaseToFile, Command, FilingParty, Outcome};
use crate::error::{AppError, AppResult};
use crate::messenger::{Channel, DeliveryOutcome, OutgoingMessage};
use crate::nodes::beijing_date;
use crate::{Actor, App};

use Role::*;

/// Who restores a case: the filing staff, and the judges and team leaders who run the
/// dormant-case team.
pub const RESTORERS: &[Role] = &[ReceptionOfficer, Clerk, Judge, TeamLeader];

/// Library rows scheduled per transaction.
pub const LIBRARY_BATCH: i64 = 2_000;

/// Messages handed to the SMS gateway per outbox step.
pub const OUTBOX_BATCH: i64 = 200;

/// An outbox message is left to the command that wrote it for this long (it sends at once
/// after its commit); after that the outbox step sends it.
pub const OUTBOX_GRACE_MS: i64 = 60_000;

/// A restoration (恢复执行) as the officer records it.
#[derive(Debug, Clone)]
pub struct RestoreInput {
    pub case_id: i64,
    pub reason: RestorationReason,
    /// The applicant's application or what was found, in the officer's words.
    pub note: String,
}

/// Due library rows and, by case, the debtors each round's tasks ask about.
type DueRounds = (Vec<DormantRow>, HashMap<i64, Vec<InquiryTarget>>);

/// What one scheduling run did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct RoundReport {
    /// Library rows whose round was scheduled.
    pub cases: usize,
    /// Inquiry tasks written (one per debtor).
    pub tasks: usize,
    /// Rows whose five years ended with this round.
    pub ended: usize,
}

impl std::ops::AddAssign for RoundReport {
    fn add_assign(&mut self, b: Self) {
        self.cases += b.cases;
        self.tasks += b.tasks;
        self.ended += b.ended;
    }
}

/// A task of a library round answered in an inquiry batch (`assets.rs`).
#[derive(Debug, Clone)]
pub(crate) struct RoundAnswer {
    pub task_id: i64,
    pub court_id: i64,
    pub case_id: i64,
    pub case_number: String,
    pub debtor_name: String,
    pub round: i64,
    pub complete: bool,
    /// What the task has found so far, this poll included: on completion, the round's counts
    /// and the applicant's message.
    pub found_all: Vec<(AssetKind, Option<Fen>)>,
}

/// A library row as the pages show it.
#[derive(Debug, Clone)]
pub struct LibraryEntry {
    pub row: DormantListRow,
    /// Re-inquiries left in the five years after this one.
    pub rounds_left: usize,
    pub reason: Option<RestorationReason>,
}

/// The court's library page.
#[derive(Debug, Clone)]
pub struct LibraryPage {
    pub court_id: i64,
    pub filter: DormantFilter,
    pub entries: Vec<LibraryEntry>,
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
    /// The viewer may restore cases of this court.
    pub may_restore: bool,
}

/// A case's place in the library, for its page and the restore form.
#[derive(Debug, Clone)]
pub struct CaseLibraryView {
    pub case: CaseRow,
    pub entry: Option<DormantRow>,
    pub schedule: Vec<NaiveDate>,
    pub restored_number: Option<String>,
    /// The 终本 case this 执恢 case continues.
    pub restored_from: Option<(i64, String)>,
    /// Findings since closing.
    pub found_since_closing: i64,
    /// Restorable now (and the viewer may).
    pub may_restore: bool,
    /// Why it cannot be restored, when it cannot.
    pub refusal: Option<(String, String)>,
}

fn library_actor(app: &App) -> Actor {
    Actor {
        display_name: "系统（终本案件库）".into(),
        ..Actor::system(app)
    }
}

impl App {
    /// Enters every closed 终本 case that has no library row yet (closed before the library
    /// existed, or through a plain case action): the next round from today's date. Returns
    /// how many were entered.
    pub async fn enter_unlisted_dormant(&self, now: i64) -> AppResult<usize> {
        let today = beijing_date(now);
        let mut entered = 0;
        loop {
            let rows = self.store.unlisted_dormant_cases(5_000).await?;
            if rows.is_empty() {
                return Ok(entered);
            }
            let entries: Vec<_> = rows
                .iter()
                .map(|r| {
                    let closed_on = beijing_date(r.closed_at.unwrap_or(r.filed_at));
                    let next = rules::next_round_after(closed_on, today);
                    // Rounds whose date has passed count as done: the library does not run
                    // five years of missed rounds at once.
                    let past = rules::reinquiry_schedule(closed_on)
                        .iter()
                        .filter(|d| **d <= today)
                        .count() as i64;
                    (
                        r.id,
                        r.court_id,
                        closed_on.to_string(),
                        next.map(|(_, d)| d.to_string()),
                        past,
                    )
                })
                .collect();
            let mut tx = self.store.begin_write().await?;
            tx.insert_dormant_many(&entries).await?;
            tx.commit().await?;
            entered += entries.len();
        }
    }

    /// Schedules every library row due at `now` (UTC ms), batch after batch.
    pub async fn run_dormant_library(&self, now: i64) -> AppResult<RoundReport> {
        self.schedule_due_rounds(now, LIBRARY_BATCH).await
    }

    /// [`Self::run_dormant_library`] in batches of `batch` rows: each next batch (its rows and
    /// their debtors) is read, past the last row of the one before, while that one is written.
    pub async fn schedule_due_rounds(&self, now: i64, batch: i64) -> AppResult<RoundReport> {
        let today = beijing_date(now);
        let day = today.to_string();
        let mut total = RoundReport::default();
        let mut due = self.due_rounds(&day, None, batch).await?;
        while !due.0.is_empty() {
            // A short batch was the last one.
            let full = due.0.len() as i64 == batch;
            let after = (due.0.last())
                .filter(|_| full)
                .map(|d| (d.next_on.clone().unwrap_or_default(), d.case_id));
            let read_next = async {
                match &after {
                    Some((on, case_id)) => self.due_rounds(&day, Some((on, *case_id)), batch).await,
                    None => Ok((Vec::new(), HashMap::new())),
                }
            };
            let (r, next) = tokio::try_join!(self.schedule_rounds(today, due), read_next)?;
            total += r;
            due = next;
        }
        Ok(total)
    }

    /// A batch of due library rows (from `after`) and the debtors of their cases.
    async fn due_rounds(
        &self,
        day: &str,
        after: Option<(&str, i64)>,
        batch: i64,
    ) -> AppResult<DueRounds> {
        let due = self.store.due_dormant(day, after, batch).await?;
        let mut debtors: HashMap<i64, Vec<InquiryTarget>> = HashMap::new();
        if due.is_empty() {
            return Ok((due, debtors));
        }
        let ids: Vec<i64> = due.iter().map(|d| d.case_id).collect();
        for p in self.store.parties_of_cases(&ids, "debtor").await? {
            debtors.entry(p.case_id).or_default().push(InquiryTarget {
                court_id: p.court_id,
                case_id: p.case_id,
                case_number: p.case_number,
                party_id: p.party_id,
                debtor_name: p.name,
                id_number: p.id_number,
            });
        }
        Ok((due, debtors))
    }

    /// Schedules a batch of due library rows: a task per debtor for the provider, the row's
    /// next date (or its end), and an `InquiryStarted` event per case. Written in up to
    /// [`crate::assets::WRITERS`] parts side by side on PostgreSQL, each in its own transaction,
    /// as the inquiry batches are ([`crate::assets::split_for_writers`]).
    async fn schedule_rounds(
        &self,
        today: NaiveDate,
        (due, mut debtors): DueRounds,
    ) -> AppResult<RoundReport> {
        let parts =
            crate::assets::split_for_writers(due, self.writers(), |d| (d.court_id, d.case_id));
        let rounds: Vec<_> = parts
            .into_iter()
            .map(|part| {
                let mine: HashMap<i64, Vec<InquiryTarget>> = part
                    .iter()
                    .filter_map(|d| debtors.remove_entry(&d.case_id))
                    .collect();
                self.start_rounds(today, part, mine)
            })
            .collect();
        let mut total = RoundReport::default();
        for r in futures::future::try_join_all(rounds).await? {
            total += r;
        }
        Ok(total)
    }

    /// One transaction's share of [`Self::schedule_rounds`].
    async fn start_rounds(
        &self,
        today: NaiveDate,
        due: Vec<DormantRow>,
        mut debtors: HashMap<i64, Vec<InquiryTarget>>,
    ) -> AppResult<RoundReport> {
        let mut report = RoundReport::default();
        if due.is_empty() {
            return Ok(report);
        }
        let actor = library_actor(self);
        let mut tasks = Vec::new();
        let mut starts = Vec::with_capacity(due.len());
        let mut events = Vec::with_capacity(due.len());
        let mut tx = self.store.begin_write().await?;
        for d in &due {
            let closed_on = parse_day(&d.closed_on)?;
            let round = d.rounds_done + 1;
            let next = rules::next_round_after(closed_on, today);
            let list = debtors.remove(&d.case_id).unwrap_or_default();
            let names: Vec<String> = list.iter().map(|t| t.debtor_name.clone()).collect();
            let round_open = list.len() as i64;
            tasks.extend(
                list.into_iter()
                    .map(|target| NewRoundTask { target, round }),
            );
            if next.is_none() {
                report.ended += 1;
            }
            let (next_zh, next_en) = match next {
                Some((_, on)) => (format!("下次复查 {on}"), format!("next re-inquiry {on}")),
                None => (
                    "五年复查期届满，此为最后一次".to_string(),
                    "the last one of the five years".to_string(),
                ),
            };
            let h = Happened {
                kind: EventKind::InquiryStarted,
                payload: json!({
                    "dormant_round": round,
                    "summary": format!("终本案件第 {round} 次定期复查：对被执行人{}发起网络查控（{next_zh}）", names.join("、")),
                    "summary_en": format!("dormant case re-inquiry no. {round}: network inquiry for {} ({next_en})", names.join(", ")),
                }),
            };
            events.push(case_event(&actor, d.court_id, d.case_id, tx.now, &h));
            starts.push(RoundStart {
                case_id: d.case_id,
                rounds_done: round,
                next_on: next.map(|(_, on)| on.to_string()),
                round_open,
            });
        }
        tx.insert_round_tasks(&tasks, &today.to_string()).await?;
        tx.start_rounds(&starts, &today.to_string()).await?;
        tx.append_events(&events).await?;
        tx.commit().await?;
        report.cases = due.len();
        report.tasks = tasks.len();
        Ok(report)
    }

    /// For the inquiry batch's write: what the round's completed tasks add to each library
    /// row (everything each found, earlier polls included: a row changes once per debtor, not
    /// per poll), and the applicant's message for each of them.
    pub(crate) async fn round_results(
        &self,
        answers: &[RoundAnswer],
        actor: &Actor,
    ) -> AppResult<(Vec<RoundProgress>, Vec<ApplicantMessageRow>)> {
        let done: Vec<&RoundAnswer> = answers.iter().filter(|a| a.complete).collect();
        if done.is_empty() {
            return Ok((Vec::new(), Vec::new()));
        }
        let mut progress: BTreeMap<i64, RoundProgress> = BTreeMap::new();
        for a in &done {
            let p = progress.entry(a.case_id).or_insert(RoundProgress {
                case_id: a.case_id,
                completed: 0,
                found: 0,
                found_fen: 0,
            });
            p.completed += 1;
            p.found += a.found_all.len() as i64;
            p.found_fen += a
                .found_all
                .iter()
                .filter_map(|f| f.1)
                .map(|f| f.0)
                .sum::<i64>();
        }
        let mut case_ids: Vec<i64> = done.iter().map(|a| a.case_id).collect();
        case_ids.sort_unstable();
        case_ids.dedup();
        let mut applicants: HashMap<i64, Vec<(i64, String, Option<String>)>> = HashMap::new();
        for p in self.store.parties_of_cases(&case_ids, "applicant").await? {
            applicants
                .entry(p.case_id)
                .or_default()
                .push((p.party_id, p.name, p.phone));
        }
        let courts: HashMap<i64, String> = self.with_courts(|t| {
            done.iter()
                .filter_map(|a| t.get(a.court_id).map(|c| (a.court_id, c.name.clone())))
                .collect()
        });
        let mut messages = Vec::new();
        for a in done {
            let found = &a.found_all;
            let (zh, _) = asset_rules::applicant_summary(found, &AssetKind::ALL);
            let court = courts.get(&a.court_id).map_or("", String::as_str);
            let next = if found.is_empty() {
                "本院将继续每六个月查询一次。"
            } else {
                "如需恢复执行，可向本院提出申请或提供财产线索。"
            };
            let body = format!(
                "【{court}】您申请执行的{}案件已终结本次执行程序。本院第{}次定期查询被执行人{}的财产：{zh}{next}",
                a.case_number, a.round, a.debtor_name
            );
            for (party_id, _, phone) in applicants.get(&a.case_id).into_iter().flatten() {
                let phone = phone.as_deref().map(str::trim).filter(|s| !s.is_empty());
                messages.push(ApplicantMessageRow {
                    id: 0,
                    court_id: a.court_id,
                    case_id: a.case_id,
                    party_id: *party_id,
                    channel: if phone.is_some() { "sms" } else { "platform" }.into(),
                    address: phone.unwrap_or("").into(),
                    subject: format!("{} 终本案件定期复查结果", a.case_number),
                    text: body.clone(),
                    status: if phone.is_some() {
                        "pending"
                    } else {
                        "recorded"
                    }
                    .into(),
                    provider: None,
                    provider_ref: None,
                    failure_reason: None,
                    sent_at: None,
                    created_by: actor.user_id,
                    created_by_name: actor.display_name.clone(),
                    created_at: 0,
                });
            }
        }
        Ok((progress.into_values().collect(), messages))
    }

    /// Hands SMS messages left in the outbox to the gateway, and records each outcome. Returns
    /// how many were handed over.
    pub async fn send_applicant_outbox(&self, now: i64, limit: i64) -> AppResult<usize> {
        let rows = self
            .store
            .outbox_messages(now - OUTBOX_GRACE_MS, limit)
            .await?;
        let messenger = self.messenger();
        for m in &rows {
            let d = messenger
                .send(&OutgoingMessage {
                    channel: Channel::Sms,
                    to: m.address.clone(),
                    subject: m.subject.clone(),
                    body: m.text.clone(),
                    reference: format!("applicant-message-{}", m.id),
                })
                .await;
            let (status, reason) = match &d.outcome {
                DeliveryOutcome::Delivered => ("sent", None),
                DeliveryOutcome::Failed { reason_zh, .. } => ("failed", Some(reason_zh.clone())),
            };
            self.store
                .finish_applicant_message(
                    m.id,
                    status,
                    Some(d.provider.as_str()),
                    d.provider_ref.as_deref(),
                    reason.as_deref(),
                    Some(zhixing_store::now_ms()),
                )
                .await?;
        }
        Ok(rows.len())
    }

    /// The court's library list, a page at a time.
    pub async fn library_page(
        &self,
        actor: &Actor,
        court_id: i64,
        filter: DormantFilter,
        page: i64,
    ) -> AppResult<LibraryPage> {
        if !actor.can_see_court(court_id) || self.with_courts(|t| t.get(court_id).is_none()) {
            return Err(AppError::NotFound);
        }
        let per_page = 50;
        let page = page.max(1);
        let (rows, total) = self
            .store
            .dormant_list(&[court_id], filter, (page - 1) * per_page, per_page)
            .await?;
        let mut entries = Vec::with_capacity(rows.len());
        for row in rows {
            let closed_on = parse_day(&row.entry.closed_on)?;
            let rounds_left = match row.entry.next_on.as_deref() {
                Some(next) => {
                    let next = parse_day(next)?;
                    rules::reinquiry_schedule(closed_on)
                        .iter()
                        .filter(|d| **d >= next)
                        .count()
                }
                None => 0,
            };
            let reason = row
                .entry
                .restoration_reason
                .as_deref()
                .and_then(|k| RestorationReason::from_key(k).ok());
            entries.push(LibraryEntry {
                row,
                rounds_left,
                reason,
            });
        }
        Ok(LibraryPage {
            court_id,
            filter,
            entries,
            total,
            page,
            per_page,
            may_restore: RESTORERS.contains(&actor.role) && actor.court_id == court_id,
        })
    }

    /// A case's place in the library and whether it can be restored now.
    pub async fn case_library(&self, actor: &Actor, case_id: i64) -> AppResult<CaseLibraryView> {
        let case = self
            .store
            .case_by_id(case_id)
            .await?
            .ok_or(AppError::NotFound)?;
        if !actor.can_see_court(case.court_id) {
            return Err(AppError::NotFound);
        }
        let entry = self.store.dormant_entry(case_id).await?;
        let restored_number = match entry.as_ref().and_then(|e| e.restored_case_id) {
            Some(id) => self.store.case_by_id(id).await?.map(|c| c.case_number),
            None => None,
        };
        let restored_from = match self.store.dormant_restored_from(case_id).await? {
            Some(e) => self
                .store
                .case_by_id(e.case_id)
                .await?
                .map(|c| (c.id, c.case_number)),
            None => None,
        };
        let found_since_closing = match case.closed_at {
            Some(at) => self.store.findings_since(case_id, at).await?,
            None => 0,
        };
        let schedule = entry
            .as_ref()
            .map(|e| parse_day(&e.closed_on).map(rules::reinquiry_schedule))
            .transpose()?
            .unwrap_or_default();
        let refusal = restorable(&case, restored_number.as_deref())
            .err()
            .map(|e| (e.message_zh(), e.message_en()));
        let may_restore =
            refusal.is_none() && RESTORERS.contains(&actor.role) && actor.court_id == case.court_id;
        Ok(CaseLibraryView {
            case,
            entry,
            schedule,
            restored_number,
            restored_from,
            found_since_closing,
            may_restore,
            refusal,
        })
    }

    pub(crate) async fn restore_case(
        &self,
        actor: &Actor,
        cmd: &Command,
        input: &RestoreInput,
    ) -> AppResult<Outcome> {
        let case = self
            .store
            .case_by_id(input.case_id)
            .await?
            .ok_or(AppError::NotFound)?;
        if !actor.can_see_court(case.court_id) {
            return Err(AppError::NotFound);
        }
        self.court_scope(actor, case.court_id, cmd)?;
        let entry = self.store.dormant_entry(case.id).await?;
        let restored_number = match entry.as_ref().and_then(|e| e.restored_case_id) {
            Some(id) => self.store.case_by_id(id).await?.map(|c| c.case_number),
            None => None,
        };
        restorable(&case, restored_number.as_deref())?;
        let found = match case.closed_at {
            Some(at) => self.store.findings_since(case.id, at).await?,
            None => 0,
        };
        rules::check_restoration_reason(input.reason, found.max(0) as usize)?;
        let note = input.note.trim();
        if note.is_empty() || note.chars().count() > 500 {
            return Err(AppError::invalid(
                "restoration.note_required",
                "请填写恢复执行的依据（申请人的申请或发现的财产），不超过 500 字",
                "state the ground for restoring (the applicant's application or the property found), at most 500 characters",
            ));
        }
        let owed = Fen(case.claim_fen - case.recovered_fen);
        if owed.0 <= 0 {
            return Err(AppError::invalid(
                "restoration.nothing_owed",
                "原案已无未执行到位的金额，无需恢复执行",
                "nothing is left owed under the original case, so there is nothing to restore",
            ));
        }
        let court = self
            .with_courts(|t| t.get(case.court_id).cloned())
            .ok_or(AppError::NotFound)?;
        let court_code = CourtCode::parse(&court.code)?;
        let mut applicants = Vec::new();
        let mut debtors = Vec::new();
        for p in self.store.case_parties(case.id).await? {
            let party = FilingParty {
                party_id: p.party_id,
                name: p.name.clone(),
                id_number: p.id_number.clone(),
            };
            match p.role.as_str() {
                "applicant" => applicants.push(party),
                "debtor" => debtors.push(party),
                _ => {}
            }
        }
        let filed = CaseState {
            stage: Stage::Filed,
            held: Fen(0),
            recovered: Fen(0),
            suspended: false,
            locked: false,
            closing_mode: None,
            team_id: None,
            officer_id: None,
        };
        let reason_zh = format!(
            "恢复执行案件由终本案件管理团队办理（原案{}）",
            case.case_number
        );
        let (state, routed) = match self
            .route_to_team_kind(case.court_id, filed.clone(), TeamKind::Dormant, reason_zh)
            .await?
        {
            Some(r) => r,
            None => {
                // No dormant-case team at this court: its triage rules decide.
                let numbers: Vec<String> = debtors.iter().map(|d| d.id_number.clone()).collect();
                let facts = zhixing_domain::triage::TriageFacts {
                    case_type: CaseType::Restored,
                    claim: owed,
                    applicants: applicants.len() as u32,
                    debtors: debtors.len() as u32,
                    debtor_locatable: true,
                    debtor_has_open_cases: self
                        .store
                        .debtor_has_open_cases(&[case.court_id], &numbers)
                        .await?,
                    flags: Default::default(),
                };
                self.route_and_assign(case.court_id, filed, &facts).await?
            }
        };
        let fund_settings = self.fund_settings(case.court_id).await?;
        let new = CaseToFile {
            court_id: case.court_id,
            court_code,
            case_type: CaseType::Restored,
            claim: owed,
            basis_court: case.basis_court.clone(),
            basis_number: case.basis_number.clone(),
            basis_kind: case.basis_kind.clone(),
            basis_date: case.basis_date.clone(),
            applicants,
            debtors,
            reception_id: None,
            state,
            routed,
            filed_extra: json!({
                "restored_from": case.id,
                "restored_from_number": case.case_number,
                "restoration_reason": input.reason.key(),
                "note": format!("恢复执行：{}；{note}", input.reason.name_zh()),
            }),
        };
        let mut tx = self.store.begin_write().await?;
        let current = tx.dormant_for_update(case.id).await?;
        if current.is_none() {
            // Closed as 终本 before the library existed: entered now, as restored.
            let closed_on = beijing_date(case.closed_at.unwrap_or(case.filed_at));
            tx.insert_dormant(case.id, case.court_id, &closed_on.to_string(), None)
                .await?;
        }
        let (new_id, number) = self
            .file_case_in_tx(&mut tx, actor, &new, &fund_settings)
            .await?;
        if !tx
            .restore_dormant(case.id, new_id, input.reason.key())
            .await?
        {
            return Err(AppError::Conflict(
                "本案刚刚已被他人恢复执行，请刷新 / the case was restored by someone else a moment ago; reload".into(),
            ));
        }
        let h = Happened {
            kind: EventKind::CaseRestored,
            payload: json!({
                "restored_case_id": new_id,
                "restored_number": number,
                "reason": input.reason.key(),
                "note": note,
                "summary": format!("{}，恢复执行，立案{}（未执行到位金额 {} 元）", input.reason.name_zh(), number, owed),
                "summary_en": format!("{}; restored as {number} (outstanding {} yuan)", input.reason.name_en(), owed),
            }),
        };
        tx.append_events(&[case_event(actor, case.court_id, case.id, tx.now, &h)])
            .await?;
        tx.commit().await?;
        Ok(Outcome {
            id: Some(new_id),
            version: Some(1),
            case_number: Some(number),
            ..Default::default()
        })
    }
}

/// The domain's check on a stored case.
fn restorable(case: &CaseRow, restored_number: Option<&str>) -> AppResult<()> {
    let stage = Stage::from_key(&case.stage)?;
    let mode = case
        .closing_mode
        .as_deref()
        .map(ClosingMode::from_key)
        .transpose()?;
    rules::check_restorable(stage, mode, restored_number)?;
    Ok(())
}
