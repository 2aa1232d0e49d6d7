//! Asset inquiry and control (财产查控, 控制措施) through the pipeline.
//!
//! The network inquiry: filing starts one task per debtor; [`App::process_inquiries`] (the
//! supervision loop of `zhixing serve`) and `Command::RunInquiry` (the 立即查询 button), both
//! under the lease `INQUIRY_LEASE`, submit due tasks to the provider (`crate::inquiry`) and poll them, storing every answer per kind —
//! "nothing found" included — and the assets found, with one `InquiryAnswered` event per case.
//! The provider is called before the write transaction, so a slow network never holds the
//! writer, and a batch is a few multi-row statements whatever its size.
//!
//! Staff commands: a result from another channel (`RecordFinding`), the applicant's asset lead
//! (`FileAssetLead`, due in 7 days or 3 when urgent) and its verification, control measures on
//! a finding (`PlaceControl`, with the term caps of CPL interpretation art. 485), renewal,
//! lifting, the carry-over of a preservation measure, and telling the applicant the summary
//! (`InformApplicant`: the outbox `applicant_messages`, SMS through `App::messenger()` when the
//! applicant has a phone). Each writes its rows and its case event in one transaction, after
//! the checks: staff of the case's own court, the case open, the lock whitelist
//! (`record_inquiry` for findings and leads, `control_asset` for measures), only a debtor.
//!
//! The process node `renew_control` gets its deadline from the earliest expiry of the case's
//! measures in force (`NodeInstance::with_deadline`), so the scheduler warns 15 days ahead and
//! bulletins a measure left to lapse.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::NaiveDate;
use serde_json::json;
use zhixing_domain::asset::{self as rules, AssetKind, ControlKind, ControlStatus, LeadOutcome};
use zhixing_domain::event::EventKind;
use zhixing_domain::lifecycle::Happened;
use zhixing_domain::money::Fen;
use zhixing_domain::node::NodeInstance;
use zhixing_domain::role::Role;
use zhixing_store::assets::{
    ApplicantMessageRow, DueInquiryRow, FindingRow, InquiryAnswerRow, InquiryTarget,
    InquiryTaskRow, InquiryTaskUpdate, LeadRow, MeasureRow, NewFinding, RenewalRow,
};
use zhixing_store::rows::{CasePartyRow, CaseRow};
use zhixing_store::WriteTx;

use crate::commands::{case_event, Command, Outcome};
use crate::error::{AppError, AppResult};
use crate::inquiry::InquiryRequest;
use crate::messenger::{Channel, DeliveryOutcome, OutgoingMessage};
use crate::nodes::beijing_date;
use crate::{Actor, App};

use Role::*;

/// Staff of the case's court who inquire, control and tell the applicant.
pub const ASSET_STAFF: &[Role] = &[Clerk, Officer, Judge, TeamLeader];

/// The lock whitelist's key for findings, leads and inquiry results (as for recorded results).
pub const INQUIRY_LOCK_KEY: &str = "record_inquiry";
/// The lock whitelist's key for control measures.
pub const CONTROL_LOCK_KEY: &str = "control_asset";

/// How long after a poll with kinds still awaited the task is polled again.
pub const POLL_INTERVAL_MS: i64 = 10 * 60 * 1000;

/// The node the earliest expiry drives.
pub const RENEW_NODE: &str = "renew_control";

/// A result from another channel (点对点, a visit to the registry, the debtor's report).
#[derive(Debug, Clone)]
pub struct FindingInput {
    pub case_id: i64,
    pub party_id: i64,
    pub details: FindingDetails,
    pub found_on: NaiveDate,
}

/// What was found.
#[derive(Debug, Clone)]
pub struct FindingDetails {
    pub kind: AssetKind,
    pub institution: String,
    pub description: String,
    pub identifier: String,
    pub amount: Option<Fen>,
}

/// The applicant's asset lead (财产线索).
#[derive(Debug, Clone)]
pub struct LeadInput {
    pub case_id: i64,
    pub party_id: i64,
    pub kind: Option<AssetKind>,
    pub description: String,
    pub urgent: bool,
    pub received_on: NaiveDate,
}

/// The verification of a lead; a found asset becomes a finding.
#[derive(Debug, Clone)]
pub struct VerifyInput {
    pub lead_id: i64,
    pub version: i64,
    pub outcome: LeadOutcome,
    pub note: String,
    pub finding: Option<FindingDetails>,
}

/// A control measure on a finding.
#[derive(Debug, Clone)]
pub struct ControlInput {
    pub finding_id: i64,
    pub control: ControlKind,
    pub amount: Option<Fen>,
    /// The term in months (ignored for a deduction).
    pub months: u32,
    pub start_on: NaiveDate,
}

/// A preservation measure of a 执保 case of the same debtor, carried into this case with its
/// dates.
#[derive(Debug, Clone)]
pub struct CarryInput {
    pub finding_id: i64,
    pub control: ControlKind,
    pub amount: Option<Fen>,
    pub start_on: NaiveDate,
    pub end_on: NaiveDate,
    /// The preservation case's number, e.g. （2025）豫0883执保12号.
    pub from_case_number: String,
}

/// What one inquiry run did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct InquiryReport {
    pub submitted: usize,
    pub polled: usize,
    /// Tasks with every kind answered.
    pub completed: usize,
    pub findings: usize,
    pub cases: usize,
}

impl std::ops::AddAssign for InquiryReport {
    fn add_assign(&mut self, b: Self) {
        self.submitted += b.submitted;
        self.polled += b.polled;
        self.completed += b.completed;
        self.findings += b.findings;
        self.cases += b.cases;
    }
}

/// A finding as the page shows it.
#[derive(Debug, Clone)]
pub struct FindingView {
    pub row: FindingRow,
    pub kind: AssetKind,
    pub debtor_name: String,
    /// Measures that fit it.
    pub controls: Vec<ControlKind>,
}

#[derive(Debug, Clone)]
pub struct MeasureView {
    pub row: MeasureRow,
    pub asset: AssetKind,
    pub control: ControlKind,
    /// As of today (an in-force measure past its end date has lapsed).
    pub status: ControlStatus,
    pub end_on: Option<NaiveDate>,
    pub days_left: Option<i64>,
    pub renewals: Vec<RenewalRow>,
    pub finding: String,
    pub debtor_name: String,
}

#[derive(Debug, Clone)]
pub struct LeadView {
    pub row: LeadRow,
    pub debtor_name: String,
    pub overdue: bool,
}

#[derive(Debug, Clone)]
pub struct PartyBrief {
    pub party_id: i64,
    pub name: String,
    pub has_phone: bool,
}

/// A case's assets page.
#[derive(Debug, Clone)]
pub struct AssetsView {
    pub case: CaseRow,
    pub today: NaiveDate,
    pub debtors: Vec<PartyBrief>,
    pub applicants: Vec<PartyBrief>,
    pub tasks: Vec<InquiryTaskRow>,
    pub answers: Vec<InquiryAnswerRow>,
    pub findings: Vec<FindingView>,
    pub measures: Vec<MeasureView>,
    pub leads: Vec<LeadView>,
    pub messages: Vec<ApplicantMessageRow>,
    /// The applicant summary (no account numbers).
    pub summary_zh: String,
    pub summary_en: String,
    /// The viewer may change things (staff of the court, the case open).
    pub may_edit: bool,
    pub closed: bool,
    /// Some inquiry task is still waiting for the provider or to be submitted.
    pub inquiry_open: bool,
}

fn today_of(now: i64) -> NaiveDate {
    beijing_date(now)
}

pub(crate) fn parse_day(s: &str) -> AppResult<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map_err(|_| AppError::Internal(format!("stored date \"{s}\" is not YYYY-MM-DD")))
}

fn stored_kind(k: &str) -> AppResult<AssetKind> {
    AssetKind::from_key(k).map_err(|_| AppError::Internal(format!("stored asset kind \"{k}\"")))
}

fn stored_control(k: &str) -> AppResult<ControlKind> {
    ControlKind::from_key(k).map_err(|_| AppError::Internal(format!("stored control kind \"{k}\"")))
}

fn stored_status(k: &str) -> AppResult<ControlStatus> {
    ControlStatus::from_key(k)
        .ok_or_else(|| AppError::Internal(format!("stored control status \"{k}\"")))
}

fn is_closed(case: &CaseRow) -> bool {
    case.stage == "closed" || case.stage == "archived"
}

fn check_open(case: &CaseRow) -> AppResult<()> {
    if is_closed(case) {
        return Err(AppError::invalid(
            "asset.case_closed",
            "案件已结案或归档，不能再办理财产查控和控制措施",
            "the case is closed or archived; asset inquiry and control measures can no longer be recorded",
        ));
    }
    Ok(())
}

fn text(raw: &str, max: usize, code: &'static str, zh: &str, en: &str) -> AppResult<String> {
    let t = raw.trim();
    if t.is_empty() {
        return Err(AppError::invalid(
            code,
            format!("请填写{zh}"),
            format!("{en} is required"),
        ));
    }
    if t.chars().count() > max {
        return Err(AppError::invalid(
            code,
            format!("{zh}不能超过 {max} 字"),
            format!("{en} is longer than {max} characters"),
        ));
    }
    Ok(t.to_string())
}

fn not_future(d: NaiveDate, today: NaiveDate, zh: &str, en: &str) -> AppResult<()> {
    if d > today {
        return Err(AppError::invalid(
            "asset.date_in_future",
            format!("{zh} {d} 晚于今天"),
            format!("the {en} {d} is in the future"),
        ));
    }
    Ok(())
}

fn stale(what_zh: &str, what_en: &str) -> AppError {
    AppError::Conflict(format!(
        "{what_zh}已被他人更新，请刷新后重试 / the {what_en} was changed by someone else; reload and try again"
    ))
}

fn check_details(d: &FindingDetails) -> AppResult<FindingDetails> {
    if let Some(a) = d.amount {
        if a.0 < 0 {
            return Err(AppError::invalid(
                "asset.amount_negative",
                "金额不能为负数",
                "the amount cannot be negative",
            ));
        }
    }
    Ok(FindingDetails {
        kind: d.kind,
        institution: text(
            &d.institution,
            100,
            "asset.institution_required",
            "协助单位（银行、登记机关等）",
            "the institution",
        )?,
        description: text(
            &d.description,
            500,
            "asset.description_required",
            "财产情况",
            "the description",
        )?,
        identifier: d.identifier.trim().chars().take(100).collect(),
        amount: d.amount,
    })
}

/// `李四：银行存款2项…` for the event of one debtor's answers.
fn answer_summary(
    debtor: &str,
    found: &[(AssetKind, Option<Fen>)],
    kinds: &[AssetKind],
    pending: &[AssetKind],
) -> (String, String) {
    let (zh, en) = rules::applicant_summary(found, kinds);
    let mut zh = format!("{debtor}：{}", zh.trim_start_matches("经查询，"));
    let mut en = format!("{debtor}: {en}");
    if !pending.is_empty() {
        let names: Vec<&str> = pending.iter().map(|k| k.name_zh()).collect();
        let names_en: Vec<&str> = pending.iter().map(|k| k.name_en()).collect();
        zh.push_str(&format!("（{}待反馈）", names.join("、")));
        en.push_str(&format!(" ({} still awaited)", names_en.join(", ")));
    }
    (zh, en)
}

/// One task's new answers for the case event: task id, summary in Chinese and English, the
/// number of assets found.
type TaskSummary = (i64, String, String, usize);

/// Transactions a batch of the inquiry loop or the library is written in, side by side, on
/// PostgreSQL. SQLite has one writer connection, so there parts would only queue for it and
/// commit more often: a batch is one transaction (measured 48 s against 52 s for the library
/// benchmark's 200,000 cases).
pub const WRITERS: usize = 8;

impl App {
    /// How many parts a batch is written in ([`WRITERS`] on PostgreSQL, one on SQLite).
    pub(crate) fn writers(&self) -> usize {
        match self.store.engine() {
            zhixing_store::Engine::Postgres => WRITERS,
            zhixing_store::Engine::Sqlite => 1,
        }
    }
}

/// Splits a batch (`key`: court and case of an item) into `parts` for transactions written side
/// by side. They never share a case, and where possible not a court either: a court's events
/// form one hash chain, so a transaction appending to it waits for the one before to commit.
/// Whole courts go to the lightest part, the biggest first; when that leaves a part with more
/// than twice its share (one court, or one far bigger than the rest) the batch is split by
/// case instead. Empty parts are left out.
pub(crate) fn split_for_writers<T>(
    items: Vec<T>,
    parts: usize,
    key: impl Fn(&T) -> (i64, i64),
) -> Vec<Vec<T>> {
    let parts = parts.max(1);
    let mut per_court: BTreeMap<i64, usize> = BTreeMap::new();
    for item in &items {
        *per_court.entry(key(item).0).or_default() += 1;
    }
    let mut courts: Vec<(i64, usize)> = per_court.into_iter().collect();
    courts.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let mut sizes = vec![0usize; parts];
    let mut part_of: HashMap<i64, usize> = HashMap::new();
    for (court, n) in courts {
        let lightest = (0..parts).min_by_key(|i| sizes[*i]).unwrap_or(0);
        sizes[lightest] += n;
        part_of.insert(court, lightest);
    }
    let by_court = sizes.iter().max().copied().unwrap_or(0) * parts <= items.len() * 2;
    let mut out: Vec<Vec<T>> = (0..parts).map(|_| Vec::new()).collect();
    for item in items {
        let (court, case) = key(&item);
        let i = if by_court {
            part_of[&court]
        } else {
            case.rem_euclid(parts as i64) as usize
        };
        out[i].push(item);
    }
    out.retain(|p| !p.is_empty());
    out
}

/// The system acting on inquiry results arriving from the network.
fn inquiry_actor(app: &App) -> Actor {
    Actor {
        display_name: "系统（网络查控）".into(),
        ..Actor::system(app)
    }
}

impl App {
    /// The inquiry provider as configured now.
    pub fn inquiry_provider(&self) -> std::sync::Arc<dyn crate::inquiry::InquiryProvider> {
        self.inquiry
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    pub fn set_inquiry_provider(&self, p: std::sync::Arc<dyn crate::inquiry::InquiryProvider>) {
        *self.inquiry.write().unwrap_or_else(|e| e.into_inner()) = p;
    }

    /// Submits and polls up to `limit` inquiry tasks due at `now` (UTC ms), as the system:
    /// the supervision loop's step.
    pub async fn process_inquiries(&self, now: i64, limit: i64) -> AppResult<InquiryReport> {
        self.run_inquiries(&inquiry_actor(self), now, None, limit)
            .await
    }

    /// Batches of due tasks (`batch` each) until none is left: each next batch is read, past
    /// the last task of the one before, while that one is written, so neither the server nor
    /// the loop waits for the other between batches. With a lease `holder` it is renewed
    /// before every batch, and the run stops if another process holds it. The batches' writes
    /// follow one another, so a case's tasks in two batches are never written side by side.
    pub async fn drain_inquiries(
        &self,
        now: i64,
        batch: i64,
        holder: Option<&str>,
    ) -> AppResult<InquiryReport> {
        let actor = inquiry_actor(self);
        let mut total = InquiryReport::default();
        let mut due = self.store.due_inquiry_tasks(now, None, None, batch).await?;
        while !due.is_empty() {
            if let Some(holder) = holder {
                let ttl = crate::scheduler::LEASE_TTL_MS;
                if !self.store.acquire_lease(INQUIRY_LEASE, holder, ttl).await? {
                    break;
                }
            }
            // A short batch was the last one.
            let full = due.len() as i64 == batch;
            let after = (due.last())
                .filter(|_| full)
                .map(|d| (d.task.next_poll_at.unwrap_or(now), d.task.id));
            let read_next = async {
                match after {
                    Some(after) => Ok(self
                        .store
                        .due_inquiry_tasks(now, None, Some(after), batch)
                        .await?),
                    None => Ok(Vec::new()),
                }
            };
            let (r, next) = tokio::try_join!(self.answer_batch(&actor, now, due), read_next)?;
            tracing::info!(
                submitted = r.submitted,
                polled = r.polled,
                completed = r.completed,
                findings = r.findings,
                "network inquiry batch"
            );
            total += r;
            due = next;
        }
        Ok(total)
    }

    /// Submits the due tasks never submitted, polls every due ticket, and stores the new
    /// answers of the tasks still open: one batch of up to `limit` tasks.
    async fn run_inquiries(
        &self,
        actor: &Actor,
        now: i64,
        case_id: Option<i64>,
        limit: i64,
    ) -> AppResult<InquiryReport> {
        let due = self
            .store
            .due_inquiry_tasks(now, case_id, None, limit)
            .await?;
        self.answer_batch(actor, now, due).await
    }

    /// Writes a batch in up to [`WRITERS`] parts on PostgreSQL ([`split_for_writers`]), each in
    /// its own transaction, side by side on their own connections, so the server works on all of
    /// them at once, and no case, library row or node is written by two.
    async fn answer_batch(
        &self,
        actor: &Actor,
        now: i64,
        due: Vec<DueInquiryRow>,
    ) -> AppResult<InquiryReport> {
        let parts = split_for_writers(due, self.writers(), |d| (d.task.court_id, d.task.case_id));
        let reports = futures::future::try_join_all(
            parts
                .into_iter()
                .map(|part| self.answer_inquiries(actor, now, part)),
        )
        .await?;
        let mut total = InquiryReport::default();
        for r in reports {
            total += r;
        }
        Ok(total)
    }

    /// One transaction's share of [`Self::answer_batch`].
    async fn answer_inquiries(
        &self,
        actor: &Actor,
        now: i64,
        due: Vec<DueInquiryRow>,
    ) -> AppResult<InquiryReport> {
        let mut report = InquiryReport::default();
        if due.is_empty() {
            return Ok(report);
        }
        let provider = self.inquiry_provider();
        let fresh: Vec<usize> = (0..due.len())
            .filter(|i| due[*i].task.provider_ticket.is_none())
            .collect();
        let requests: Vec<InquiryRequest> = fresh
            .iter()
            .map(|i| InquiryRequest {
                reference: due[*i].task.id.to_string(),
                debtor_name: due[*i].task.debtor_name.clone(),
                id_number: due[*i].id_number.clone(),
                kinds: AssetKind::ALL.to_vec(),
            })
            .collect();
        let mut tickets: Vec<Option<String>> =
            due.iter().map(|d| d.task.provider_ticket.clone()).collect();
        let mut submitted_at: Vec<Option<i64>> = due.iter().map(|d| d.task.submitted_at).collect();
        if !requests.is_empty() {
            let new = provider.submit(&requests, now).await?;
            if new.len() != requests.len() {
                return Err(AppError::Internal(format!(
                    "the inquiry provider answered {} tickets for {} requests",
                    new.len(),
                    requests.len()
                )));
            }
            for (i, t) in fresh.iter().zip(new) {
                tickets[*i] = Some(t);
                submitted_at[*i] = Some(now);
            }
            report.submitted = requests.len();
        }
        let all: Vec<String> = tickets
            .iter()
            .map(|t| t.clone().unwrap_or_default())
            .collect();
        let polled = provider.poll(&all, now).await?;
        if polled.len() != all.len() {
            return Err(AppError::Internal(
                "the inquiry provider skipped tickets".into(),
            ));
        }
        report.polled = polled.len();
        let today = today_of(now).to_string();
        let mut updates = Vec::with_capacity(due.len());
        // Per task: new findings and the event's summary. The kinds answered are kept on the
        // task (`answered_kinds`); "nothing found" is an answered kind without a finding.
        let mut findings: HashMap<i64, Vec<NewFinding>> = HashMap::new();
        let mut summaries: HashMap<i64, (String, String, usize)> = HashMap::new();
        // Tasks of the dormant-case library's rounds (`crate::dormant`).
        let mut rounds: Vec<crate::dormant::RoundAnswer> = Vec::new();
        for ((d, r), (ticket, sub)) in due
            .iter()
            .zip(&polled)
            .zip(tickets.iter().zip(&submitted_at))
        {
            let t = &d.task;
            let mut answered: Vec<String> = t
                .answered_kinds
                .split(',')
                .filter(|k| !k.is_empty())
                .map(str::to_string)
                .collect();
            let new: Vec<_> = r
                .answers
                .iter()
                .filter(|a| !answered.iter().any(|k| k == a.kind.key()))
                .collect();
            let mut found = Vec::new();
            for a in &new {
                answered.push(a.kind.key().to_string());
                for asset in &a.assets {
                    found.push((a.kind, asset.amount));
                    findings.entry(t.id).or_default().push(NewFinding {
                        court_id: t.court_id,
                        case_id: t.case_id,
                        party_id: t.party_id,
                        kind: a.kind.key().into(),
                        institution: asset.institution.clone(),
                        description: asset.description.clone(),
                        identifier: asset.identifier.clone(),
                        amount_fen: asset.amount.map(|f| f.0),
                        source: "network".into(),
                        found_on: today.clone(),
                        inquiry_task_id: Some(t.id),
                        lead_id: None,
                        recorded_by: actor.user_id,
                        recorded_by_name: actor.display_name.clone(),
                    });
                }
            }
            if !new.is_empty() {
                let kinds: Vec<AssetKind> = new.iter().map(|a| a.kind).collect();
                let (zh, en) = answer_summary(&t.debtor_name, &found, &kinds, &r.pending);
                summaries.insert(t.id, (zh, en, found.len()));
            }
            let complete = r.is_complete();
            if complete {
                report.completed += 1;
            }
            let mut found_all = rules::decode_found(&t.found);
            found_all.extend(found.iter().copied());
            if let Some(round) = t.dormant_round {
                rounds.push(crate::dormant::RoundAnswer {
                    task_id: t.id,
                    court_id: t.court_id,
                    case_id: t.case_id,
                    case_number: d.case_number.clone(),
                    debtor_name: t.debtor_name.clone(),
                    round,
                    complete,
                    found_all: found_all.clone(),
                });
            }
            updates.push(InquiryTaskUpdate {
                id: t.id,
                status: if complete { "done" } else { "submitted" }.into(),
                provider_ticket: ticket.clone(),
                next_poll_at: (!complete).then_some(now + POLL_INTERVAL_MS),
                attempts: t.attempts + 1,
                submitted_at: *sub,
                answered_kinds: answered.join(","),
                completed_at: complete.then_some(now),
                found: rules::encode_found(&found_all),
            });
        }
        let mut tx = self.store.begin_write().await?;
        let changed = tx.update_inquiry_tasks(&updates).await?;
        let mut new_findings = Vec::new();
        // Events per case, in task order.
        let mut per_case: BTreeMap<(i64, i64), Vec<TaskSummary>> = BTreeMap::new();
        let task_of: HashMap<i64, &InquiryTaskRow> =
            due.iter().map(|d| (d.task.id, &d.task)).collect();
        for id in &changed {
            new_findings.extend(findings.remove(id).unwrap_or_default());
            if let (Some((zh, en, n)), Some(t)) = (summaries.remove(id), task_of.get(id)) {
                per_case
                    .entry((t.court_id, t.case_id))
                    .or_default()
                    .push((*id, zh, en, n));
            }
        }
        report.findings = new_findings.len();
        tx.insert_findings(&new_findings).await?;
        // A library round's answers: counted on its row, and the applicant told per debtor.
        let changed_set: HashSet<i64> = changed.iter().copied().collect();
        rounds.retain(|a| changed_set.contains(&a.task_id));
        let mut dormant_cases = HashSet::new();
        if !rounds.is_empty() {
            dormant_cases.extend(rounds.iter().map(|a| a.case_id));
            let (progress, messages) = self.round_results(&rounds, actor).await?;
            tx.progress_rounds(&progress, &today).await?;
            tx.insert_applicant_messages(&messages).await?;
        }
        let mut events = Vec::with_capacity(per_case.len());
        for ((court_id, case_id), items) in &per_case {
            let h = Happened {
                kind: EventKind::InquiryAnswered,
                payload: json!({
                    "task_ids": items.iter().map(|i| i.0).collect::<Vec<_>>(),
                    "findings": items.iter().map(|i| i.3).sum::<usize>(),
                    "summary": items.iter().map(|i| i.1.as_str()).collect::<Vec<_>>().join("；"),
                    "summary_en": items.iter().map(|i| i.2.as_str()).collect::<Vec<_>>().join("; "),
                }),
            };
            // A closed case in the library has no open nodes to react.
            if !dormant_cases.contains(case_id) {
                crate::nodes::react_in_tx(self, &mut tx, *court_id, *case_id, &[h.kind], false)
                    .await?;
            }
            events.push(case_event(actor, *court_id, *case_id, tx.now, &h));
        }
        report.cases = events.len();
        tx.append_events(&events).await?;
        tx.commit().await?;
        Ok(report)
    }

    pub(crate) async fn asset_command(&self, actor: &Actor, cmd: &Command) -> AppResult<Outcome> {
        match cmd {
            Command::RunInquiry { case_id } => self.run_inquiry_now(actor, cmd, *case_id).await,
            Command::RecordFinding(i) => self.record_finding(actor, cmd, i).await,
            Command::FileAssetLead(i) => self.file_lead(actor, cmd, i).await,
            Command::VerifyAssetLead(i) => self.verify_lead(actor, cmd, i).await,
            Command::PlaceControl(i) => self.place_control(actor, cmd, i).await,
            Command::RenewControl {
                measure_id,
                version,
                months,
            } => {
                self.renew_control(actor, cmd, *measure_id, *version, *months)
                    .await
            }
            Command::LiftControl {
                measure_id,
                version,
                reason,
            } => {
                self.lift_control(actor, cmd, *measure_id, *version, reason)
                    .await
            }
            Command::CarryOverControl(i) => self.carry_over(actor, cmd, i).await,
            Command::InformApplicant { case_id } => {
                self.inform_applicant(actor, cmd, *case_id).await
            }
            _ => Err(AppError::Internal("not an asset command".into())),
        }
    }

    /// The case an asset command acts on: visible (else not found), of the actor's own court,
    /// open.
    async fn asset_case(&self, actor: &Actor, cmd: &Command, case_id: i64) -> AppResult<CaseRow> {
        let case = self
            .store
            .case_by_id(case_id)
            .await?
            .ok_or(AppError::NotFound)?;
        if !actor.can_see_court(case.court_id) {
            return Err(AppError::NotFound);
        }
        self.court_scope(actor, case.court_id, cmd)?;
        check_open(&case)?;
        Ok(case)
    }

    /// In the write: the case as it is now, still open, and its lock by `key`.
    async fn lock_case_in_tx(
        &self,
        tx: &mut WriteTx,
        case_id: i64,
        key: &str,
    ) -> AppResult<CaseRow> {
        let case = tx
            .case_for_update(case_id)
            .await?
            .ok_or(AppError::NotFound)?;
        check_open(&case)?;
        self.check_locked_key_in_tx(tx, &case, key).await?;
        Ok(case)
    }

    /// The party of the case, refused unless a debtor.
    async fn debtor_of(&self, case_id: i64, party_id: i64) -> AppResult<CasePartyRow> {
        let parties = self.store.case_parties(case_id).await?;
        let p = parties
            .into_iter()
            .find(|p| p.party_id == party_id)
            .ok_or_else(|| AppError::Invalid(rules::check_debtor("", "该当事人").unwrap_err()))?;
        rules::check_debtor(&p.role, &p.name)?;
        Ok(p)
    }

    /// Node reactions, the renewal node's deadline when measures changed, and the events.
    async fn write_events_in_tx(
        &self,
        tx: &mut WriteTx,
        actor: &Actor,
        case: &CaseRow,
        happened: &[Happened],
        measures_changed: bool,
    ) -> AppResult<()> {
        let kinds: Vec<EventKind> = happened.iter().map(|h| h.kind).collect();
        crate::nodes::react_in_tx(
            self,
            tx,
            case.court_id,
            case.id,
            &kinds,
            case.suspended != 0,
        )
        .await?;
        if measures_changed {
            self.sync_renew_node_in_tx(tx, case).await?;
        }
        let events: Vec<_> = happened
            .iter()
            .map(|h| case_event(actor, case.court_id, case.id, tx.now, h))
            .collect();
        tx.append_events(&events).await?;
        Ok(())
    }

    /// Points the case's `renew_control` node at the earliest expiry of its measures in force:
    /// the open instance gets that deadline; with measures in force and no open instance (the
    /// last renewal completed it) a new one opens; with none left in force the open one is
    /// done.
    async fn sync_renew_node_in_tx(&self, tx: &mut WriteTx, case: &CaseRow) -> AppResult<()> {
        let rules = self.node_rules_in_tx(tx, case.court_id).await?;
        let Some(def) = rules.set.get(RENEW_NODE) else {
            return Ok(());
        };
        let today = today_of(tx.now);
        let earliest = tx
            .earliest_control_end(case.id, &today.to_string())
            .await?
            .map(|s| parse_day(&s))
            .transpose()?;
        let rows = tx.case_nodes(case.id).await?;
        let open = rows.iter().find(|r| {
            r.node_key == RENEW_NODE && r.completed_on.is_none() && r.cancelled_on.is_none()
        });
        let (id, inst) = match (open, earliest) {
            (Some(row), Some(end)) => {
                let inst = crate::nodes::from_row(row)?;
                if inst.deadline_override == Some(end) || end <= today {
                    return Ok(());
                }
                (row.id, inst.with_deadline(end, def, today)?)
            }
            (None, Some(end)) if end > today => {
                let inst = NodeInstance::open(def, case.id, today, &rules.calendar)?;
                (0, inst.with_deadline(end, def, today)?)
            }
            (Some(row), None) => (row.id, crate::nodes::from_row(row)?.complete(today)?),
            _ => return Ok(()),
        };
        let (inst, next) = inst.settle(today);
        tx.save_node(&crate::nodes::to_row(id, case.court_id, &inst, next))
            .await?;
        Ok(())
    }

    async fn run_inquiry_now(
        &self,
        actor: &Actor,
        cmd: &Command,
        case_id: i64,
    ) -> AppResult<Outcome> {
        let case = self.asset_case(actor, cmd, case_id).await?;
        let tasks = self.store.case_inquiry_tasks(case_id).await?;
        // Everything answered: a new round for every debtor (re-inquiry).
        if tasks.iter().all(|t| t.status == "done") {
            let debtors: Vec<CasePartyRow> = self
                .store
                .case_parties(case_id)
                .await?
                .into_iter()
                .filter(|p| p.role == "debtor")
                .collect();
            let mut tx = self.store.begin_write().await?;
            let row = self
                .lock_case_in_tx(&mut tx, case_id, INQUIRY_LOCK_KEY)
                .await?;
            let today = today_of(tx.now).to_string();
            let mut happened = Vec::new();
            for p in &debtors {
                let task = tx
                    .insert_inquiry_task(&InquiryTarget::of(&case, p), &today)
                    .await?;
                happened.push(Happened {
                    kind: EventKind::InquiryStarted,
                    payload: json!({"task_id": task, "summary": format!("对被执行人{}再次发起网络查控", p.name),
                        "summary_en": format!("network inquiry again for the debtor {}", p.name)}),
                });
            }
            self.write_events_in_tx(&mut tx, actor, &row, &happened, false)
                .await?;
            tx.commit().await?;
        }
        // Under the loop's lease, so the provider never sees a task from two places at once.
        // While the loop holds it, the case's tasks are due now and its current tick takes
        // them; the page shows them as waiting.
        let holder = crate::scheduler::holder_token();
        if self
            .store
            .acquire_lease(INQUIRY_LEASE, &holder, crate::scheduler::LEASE_TTL_MS)
            .await?
        {
            let ran = self
                .run_inquiries(actor, zhixing_store::now_ms(), Some(case_id), 1_000)
                .await;
            self.store.release_lease(INQUIRY_LEASE, &holder).await?;
            ran?;
        }
        Ok(Outcome {
            id: Some(case_id),
            ..Default::default()
        })
    }

    async fn record_finding(
        &self,
        actor: &Actor,
        cmd: &Command,
        i: &FindingInput,
    ) -> AppResult<Outcome> {
        let case = self.asset_case(actor, cmd, i.case_id).await?;
        let debtor = self.debtor_of(case.id, i.party_id).await?;
        let d = check_details(&i.details)?;
        not_future(
            i.found_on,
            today_of(zhixing_store::now_ms()),
            "查询日期",
            "date found",
        )?;
        let mut tx = self.store.begin_write().await?;
        let row = self
            .lock_case_in_tx(&mut tx, case.id, INQUIRY_LOCK_KEY)
            .await?;
        let id = tx
            .insert_finding(&NewFinding {
                court_id: case.court_id,
                case_id: case.id,
                party_id: debtor.party_id,
                kind: d.kind.key().into(),
                institution: d.institution.clone(),
                description: d.description.clone(),
                identifier: d.identifier.clone(),
                amount_fen: d.amount.map(|f| f.0),
                source: "manual".into(),
                found_on: i.found_on.to_string(),
                inquiry_task_id: None,
                lead_id: None,
                recorded_by: actor.user_id,
                recorded_by_name: actor.display_name.clone(),
            })
            .await?;
        let h = Happened {
            kind: EventKind::AssetFound,
            payload: json!({"finding_id": id, "party_id": debtor.party_id, "kind": d.kind.key(),
                "summary": format!("{}名下{}（{}）", debtor.name, d.kind.name_zh(), d.institution),
                "summary_en": format!("{} of {} ({})", d.kind.name_en(), debtor.name, d.institution)}),
        };
        self.write_events_in_tx(&mut tx, actor, &row, &[h], false)
            .await?;
        tx.commit().await?;
        Ok(Outcome {
            id: Some(id),
            ..Default::default()
        })
    }

    async fn file_lead(&self, actor: &Actor, cmd: &Command, i: &LeadInput) -> AppResult<Outcome> {
        let case = self.asset_case(actor, cmd, i.case_id).await?;
        let debtor = self.debtor_of(case.id, i.party_id).await?;
        let description = rules::check_lead_text(&i.description)?;
        not_future(
            i.received_on,
            today_of(zhixing_store::now_ms()),
            "收到线索日期",
            "date received",
        )?;
        let cal = self.node_rules(case.court_id).await?;
        let due = rules::lead_due(i.received_on, i.urgent, &cal.calendar)?;
        let mut tx = self.store.begin_write().await?;
        let row = self
            .lock_case_in_tx(&mut tx, case.id, INQUIRY_LOCK_KEY)
            .await?;
        let id = tx
            .insert_asset_lead(&LeadRow {
                id: 0,
                court_id: case.court_id,
                case_id: case.id,
                party_id: debtor.party_id,
                kind: i.kind.map(|k| k.key().to_string()),
                description: description.clone(),
                urgent: i64::from(i.urgent),
                received_on: i.received_on.to_string(),
                due_on: due.to_string(),
                status: "pending".into(),
                outcome_note: None,
                verified_on: None,
                finding_id: None,
                version: 1,
                created_by: actor.user_id,
                created_by_name: actor.display_name.clone(),
                created_at: 0,
            })
            .await?;
        let h = Happened {
            kind: if i.urgent {
                EventKind::UrgentAssetLeadFiled
            } else {
                EventKind::AssetLeadFiled
            },
            payload: json!({"lead_id": id, "party_id": debtor.party_id, "urgent": i.urgent, "due_on": due.to_string(),
                "summary": format!("被执行人{}：{}；应于 {due} 前核查", debtor.name, description),
                "summary_en": format!("debtor {}: {}; to be verified by {due}", debtor.name, description)}),
        };
        self.write_events_in_tx(&mut tx, actor, &row, &[h], false)
            .await?;
        tx.commit().await?;
        Ok(Outcome {
            id: Some(id),
            version: Some(1),
            ..Default::default()
        })
    }

    async fn verify_lead(
        &self,
        actor: &Actor,
        cmd: &Command,
        i: &VerifyInput,
    ) -> AppResult<Outcome> {
        let lead = self
            .store
            .asset_lead(i.lead_id)
            .await?
            .ok_or(AppError::NotFound)?;
        let case = self.asset_case(actor, cmd, lead.case_id).await?;
        if lead.status != "pending" {
            return Err(AppError::invalid(
                "lead.verified",
                "该财产线索已核查",
                "this lead was verified already",
            ));
        }
        if lead.version != i.version {
            return Err(stale("财产线索", "lead"));
        }
        let note = i.note.trim().chars().take(500).collect::<String>();
        let details = match i.outcome {
            LeadOutcome::Found => Some(check_details(i.finding.as_ref().ok_or_else(|| {
                AppError::invalid(
                    "lead.finding_required",
                    "核实有财产的，请填写查找到的财产情况",
                    "describe the asset found",
                )
            })?)?),
            LeadOutcome::NotFound => None,
        };
        let parties = self.store.case_parties(case.id).await?;
        let debtor = parties
            .iter()
            .find(|p| p.party_id == lead.party_id)
            .map_or(String::new(), |p| p.name.clone());
        let mut tx = self.store.begin_write().await?;
        let row = self
            .lock_case_in_tx(&mut tx, case.id, INQUIRY_LOCK_KEY)
            .await?;
        let today = today_of(tx.now).to_string();
        let finding_id = match &details {
            Some(d) => Some(
                tx.insert_finding(&NewFinding {
                    court_id: case.court_id,
                    case_id: case.id,
                    party_id: lead.party_id,
                    kind: d.kind.key().into(),
                    institution: d.institution.clone(),
                    description: d.description.clone(),
                    identifier: d.identifier.clone(),
                    amount_fen: d.amount.map(|f| f.0),
                    source: "lead".into(),
                    found_on: today.clone(),
                    inquiry_task_id: None,
                    lead_id: Some(lead.id),
                    recorded_by: actor.user_id,
                    recorded_by_name: actor.display_name.clone(),
                })
                .await?,
            ),
            None => None,
        };
        if !tx
            .verify_asset_lead(
                lead.id,
                i.version,
                i.outcome.key(),
                &note,
                &today,
                finding_id,
            )
            .await?
        {
            return Err(stale("财产线索", "lead"));
        }
        let late = today > lead.due_on;
        let h = Happened {
            kind: EventKind::AssetLeadVerified,
            payload: json!({"lead_id": lead.id, "outcome": i.outcome.key(), "finding_id": finding_id, "late": late,
                "summary": format!("被执行人{debtor}的线索：{}{}", i.outcome.name_zh(), if note.is_empty() { String::new() } else { format!("（{note}）") }),
                "summary_en": format!("lead on the debtor {debtor}: {}", i.outcome.name_en())}),
        };
        self.write_events_in_tx(&mut tx, actor, &row, &[h], false)
            .await?;
        tx.commit().await?;
        Ok(Outcome {
            id: finding_id.or(Some(lead.id)),
            version: Some(i.version + 1),
            ..Default::default()
        })
    }

    async fn finding_target(
        &self,
        actor: &Actor,
        cmd: &Command,
        finding_id: i64,
    ) -> AppResult<(CaseRow, FindingRow, CasePartyRow, AssetKind)> {
        let f = self
            .store
            .asset_finding(finding_id)
            .await?
            .ok_or(AppError::NotFound)?;
        let case = self.asset_case(actor, cmd, f.case_id).await?;
        let debtor = self.debtor_of(case.id, f.party_id).await?;
        let kind = stored_kind(&f.kind)?;
        Ok((case, f, debtor, kind))
    }

    async fn place_control(
        &self,
        actor: &Actor,
        cmd: &Command,
        i: &ControlInput,
    ) -> AppResult<Outcome> {
        let (case, f, debtor, asset) = self.finding_target(actor, cmd, i.finding_id).await?;
        let cal = self.node_rules(case.court_id).await?;
        let today = today_of(zhixing_store::now_ms());
        not_future(i.start_on, today, "措施起始日", "start date")?;
        let end = rules::place_term(asset, i.control, i.start_on, i.months, &cal.calendar)?;
        if end.is_some_and(|e| e < today) {
            return Err(AppError::invalid(
                "control.expired",
                "按该起始日和期限，措施已经期满，请核对日期",
                "with this start date and term the measure has already lapsed; check the dates",
            ));
        }
        rules::check_amount(i.control, i.amount, f.amount_fen.map(Fen))?;
        let status = if i.control.has_term() {
            ControlStatus::InForce
        } else {
            ControlStatus::Deducted
        };
        self.insert_measure(
            actor, &case, &f, &debtor, asset, i.control, i.amount, i.start_on, end, status, None,
        )
        .await
    }

    #[allow(clippy::too_many_arguments)]
    async fn insert_measure(
        &self,
        actor: &Actor,
        case: &CaseRow,
        f: &FindingRow,
        debtor: &CasePartyRow,
        asset: AssetKind,
        control: ControlKind,
        amount: Option<Fen>,
        start: NaiveDate,
        end: Option<NaiveDate>,
        status: ControlStatus,
        carried_from: Option<(i64, String)>,
    ) -> AppResult<Outcome> {
        let mut tx = self.store.begin_write().await?;
        let row = self
            .lock_case_in_tx(&mut tx, case.id, CONTROL_LOCK_KEY)
            .await?;
        let id = tx
            .insert_control_measure(&MeasureRow {
                id: 0,
                court_id: case.court_id,
                case_id: case.id,
                party_id: debtor.party_id,
                finding_id: f.id,
                asset_kind: asset.key().into(),
                control_kind: control.key().into(),
                amount_fen: amount.map(|a| a.0),
                start_on: start.to_string(),
                end_on: end.map(|e| e.to_string()),
                status: status.key().into(),
                carried_from_case_id: carried_from.as_ref().map(|c| c.0),
                carried_from_ref: carried_from.as_ref().map(|c| c.1.clone()),
                lift_reason: None,
                lifted_on: None,
                version: 1,
                created_by: actor.user_id,
                created_by_name: actor.display_name.clone(),
                created_at: 0,
                updated_at: 0,
            })
            .await?;
        let term_zh = match end {
            Some(e) => format!("，期限 {start} 至 {e}"),
            None => String::new(),
        };
        let term_en = match end {
            Some(e) => format!(", from {start} to {e}"),
            None => String::new(),
        };
        let amount_zh = amount.map_or(String::new(), |a| format!("，金额 {a} 元"));
        let amount_en = amount.map_or(String::new(), |a| format!(", {a} yuan"));
        let carried_zh = carried_from.as_ref().map_or(String::new(), |c| {
            format!("（由保全案件{}转入，期限连续计算）", c.1)
        });
        let carried_en = carried_from.as_ref().map_or(String::new(), |c| {
            format!(
                " (carried over from the preservation case {}, its term running on)",
                c.1
            )
        });
        let h = Happened {
            kind: EventKind::AssetControlled,
            payload: json!({"measure_id": id, "finding_id": f.id, "party_id": debtor.party_id,
                "asset_kind": asset.key(), "control_kind": control.key(), "amount_fen": amount.map(|a| a.0),
                "start_on": start.to_string(), "end_on": end.map(|e| e.to_string()),
                "carried_from_case_id": carried_from.as_ref().map(|c| c.0),
                "summary": format!("{}被执行人{}名下{}（{}）{amount_zh}{term_zh}{carried_zh}", control.name_zh(), debtor.name, asset.name_zh(), f.institution),
                "summary_en": format!("{} of the {} of {} ({}){amount_en}{term_en}{carried_en}", control.name_en(), asset.name_en(), debtor.name, f.institution)}),
        };
        // A seal or detention (placed, or carried over) is a seizure: it opens the disposal
        // nodes (decide within 30 days, finish within 90; `disposal.rs`).
        let mut happened = vec![h];
        if matches!(control, ControlKind::Seal | ControlKind::Detain) {
            happened.push(Happened {
                kind: EventKind::PropertySeized,
                payload: json!({"measure_id": id, "finding_id": f.id, "asset_kind": asset.key(),
                    "control_kind": control.key(), "seized_on": start.to_string(),
                    "summary": format!("{}{}（{}），{start} 起", control.name_zh(), asset.name_zh(), f.institution),
                    "summary_en": format!("{} of the {} ({}) from {start}", control.name_en(), asset.name_en(), f.institution)}),
            });
        }
        self.write_events_in_tx(&mut tx, actor, &row, &happened, true)
            .await?;
        tx.commit().await?;
        Ok(Outcome {
            id: Some(id),
            version: Some(1),
            ..Default::default()
        })
    }

    async fn measure_target(
        &self,
        actor: &Actor,
        cmd: &Command,
        measure_id: i64,
        version: i64,
    ) -> AppResult<(CaseRow, MeasureRow)> {
        let m = self
            .store
            .control_measure(measure_id)
            .await?
            .ok_or(AppError::NotFound)?;
        let case = self.asset_case(actor, cmd, m.case_id).await?;
        if m.version != version {
            return Err(stale("控制措施", "measure"));
        }
        Ok((case, m))
    }

    async fn renew_control(
        &self,
        actor: &Actor,
        cmd: &Command,
        measure_id: i64,
        version: i64,
        months: u32,
    ) -> AppResult<Outcome> {
        let (case, m) = self.measure_target(actor, cmd, measure_id, version).await?;
        let asset = stored_kind(&m.asset_kind)?;
        let control = stored_control(&m.control_kind)?;
        let cal = self.node_rules(case.court_id).await?;
        let mut tx = self.store.begin_write().await?;
        let row = self
            .lock_case_in_tx(&mut tx, case.id, CONTROL_LOCK_KEY)
            .await?;
        let current = tx
            .control_measure_for_update(measure_id)
            .await?
            .ok_or(AppError::NotFound)?;
        if current.version != version {
            return Err(stale("控制措施", "measure"));
        }
        let today = today_of(tx.now);
        let old_end = current.end_on.as_deref().map(parse_day).transpose()?;
        let new_end = rules::renewal_end(
            asset,
            control,
            stored_status(&current.status)?,
            old_end,
            today,
            months,
            &cal.calendar,
        )?;
        let old_end = old_end.unwrap_or(today);
        let saved = MeasureRow {
            end_on: Some(new_end.to_string()),
            ..current.clone()
        };
        if !tx.save_control_measure(&saved).await? {
            return Err(stale("控制措施", "measure"));
        }
        tx.insert_control_renewal(&RenewalRow {
            id: 0,
            measure_id,
            case_id: case.id,
            previous_end_on: old_end.to_string(),
            new_end_on: new_end.to_string(),
            months: i64::from(months),
            renewed_on: today.to_string(),
            renewed_by: actor.user_id,
            renewed_by_name: actor.display_name.clone(),
            created_at: 0,
        })
        .await?;
        let h = Happened {
            kind: EventKind::ControlRenewed,
            payload: json!({"measure_id": measure_id, "previous_end_on": old_end.to_string(), "end_on": new_end.to_string(), "months": months,
                "summary": format!("{}{}，期限由 {old_end} 延至 {new_end}", control.renewal_zh(), asset.name_zh()),
                "summary_en": format!("renewed the {} of {} from {old_end} to {new_end}", control.name_en(), asset.name_en())}),
        };
        self.write_events_in_tx(&mut tx, actor, &row, &[h], true)
            .await?;
        tx.commit().await?;
        Ok(Outcome {
            id: Some(measure_id),
            version: Some(version + 1),
            ..Default::default()
        })
    }

    async fn lift_control(
        &self,
        actor: &Actor,
        cmd: &Command,
        measure_id: i64,
        version: i64,
        reason: &str,
    ) -> AppResult<Outcome> {
        let (case, _) = self.measure_target(actor, cmd, measure_id, version).await?;
        let mut tx = self.store.begin_write().await?;
        let row = self
            .lock_case_in_tx(&mut tx, case.id, CONTROL_LOCK_KEY)
            .await?;
        let current = tx
            .control_measure_for_update(measure_id)
            .await?
            .ok_or(AppError::NotFound)?;
        if current.version != version {
            return Err(stale("控制措施", "measure"));
        }
        let today = today_of(tx.now);
        let end = current.end_on.as_deref().map(parse_day).transpose()?;
        let reason = rules::check_lift(stored_status(&current.status)?, end, today, reason)?;
        let asset = stored_kind(&current.asset_kind)?;
        let control = stored_control(&current.control_kind)?;
        let saved = MeasureRow {
            status: ControlStatus::Lifted.key().into(),
            lift_reason: Some(reason.clone()),
            lifted_on: Some(today.to_string()),
            ..current.clone()
        };
        if !tx.save_control_measure(&saved).await? {
            return Err(stale("控制措施", "measure"));
        }
        let h = Happened {
            kind: EventKind::ControlLifted,
            payload: json!({"measure_id": measure_id, "reason": reason,
                "summary": format!("解除对{}的{}；理由：{reason}", asset.name_zh(), control.name_zh()),
                "summary_en": format!("lifted the {} of {}; reason: {reason}", control.name_en(), asset.name_en())}),
        };
        self.write_events_in_tx(&mut tx, actor, &row, &[h], true)
            .await?;
        tx.commit().await?;
        Ok(Outcome {
            id: Some(measure_id),
            version: Some(version + 1),
            ..Default::default()
        })
    }

    async fn carry_over(&self, actor: &Actor, cmd: &Command, i: &CarryInput) -> AppResult<Outcome> {
        let (case, f, debtor, asset) = self.finding_target(actor, cmd, i.finding_id).await?;
        let number = i.from_case_number.trim();
        let from = self.store.case_by_number(number).await?;
        let from = match from {
            Some(c) if actor.can_see_court(c.court_id) && c.case_type == "preservation" => c,
            _ => {
                return Err(AppError::invalid(
                    "control.carry_source",
                    format!("找不到本院可见的财产保全执行案件“{number}”"),
                    format!("no preservation case \"{number}\" visible to you"),
                ))
            }
        };
        let same_debtor = self
            .store
            .case_parties(from.id)
            .await?
            .iter()
            .any(|p| p.role == "debtor" && p.id_number == debtor.id_number);
        if !same_debtor {
            return Err(AppError::invalid(
                "control.carry_other_debtor",
                format!("保全案件{number}的被执行人中没有{}", debtor.name),
                format!(
                    "{} is not a debtor of the preservation case {number}",
                    debtor.name
                ),
            ));
        }
        let cal = self.node_rules(case.court_id).await?;
        let today = today_of(zhixing_store::now_ms());
        rules::check_carry_over(asset, i.control, i.start_on, i.end_on, today, &cal.calendar)?;
        rules::check_amount(i.control, i.amount, f.amount_fen.map(Fen))?;
        self.insert_measure(
            actor,
            &case,
            &f,
            &debtor,
            asset,
            i.control,
            i.amount,
            i.start_on,
            Some(i.end_on),
            ControlStatus::InForce,
            Some((from.id, from.case_number.clone())),
        )
        .await
    }

    /// The summary of a case's findings for the applicant.
    async fn summary_of(&self, case_id: i64) -> AppResult<(String, String)> {
        let findings = self.store.asset_findings(case_id).await?;
        let tasks = self.store.case_inquiry_tasks(case_id).await?;
        let answers = answers_of(&tasks, &findings);
        let found: Vec<(AssetKind, Option<Fen>)> = findings
            .iter()
            .filter_map(|f| Some((AssetKind::from_key(&f.kind).ok()?, f.amount_fen.map(Fen))))
            .collect();
        let mut inquired: Vec<AssetKind> = answers
            .iter()
            .filter_map(|a| AssetKind::from_key(&a.kind).ok())
            .collect();
        inquired.extend(found.iter().map(|f| f.0));
        Ok(rules::applicant_summary(&found, &inquired))
    }

    async fn inform_applicant(
        &self,
        actor: &Actor,
        cmd: &Command,
        case_id: i64,
    ) -> AppResult<Outcome> {
        let case = self.asset_case(actor, cmd, case_id).await?;
        let (zh, en) = self.summary_of(case_id).await?;
        let applicants: Vec<CasePartyRow> = self
            .store
            .case_parties(case_id)
            .await?
            .into_iter()
            .filter(|p| p.role == "applicant")
            .collect();
        let court_name = self
            .with_courts(|t| t.get(case.court_id).map(|c| c.name.clone()))
            .unwrap_or_default();
        let body = format!("【{court_name}】您申请执行的{}案件财产查控情况：{zh}如有财产线索，请及时向承办人提供。", case.case_number);
        let mut tx = self.store.begin_write().await?;
        let row = self
            .lock_case_in_tx(&mut tx, case_id, INQUIRY_LOCK_KEY)
            .await?;
        let mut sends = Vec::new();
        let mut first = None;
        for p in &applicants {
            let phone = p.phone.as_deref().map(str::trim).filter(|s| !s.is_empty());
            let (channel, status) = match phone {
                Some(_) => ("sms", "pending"),
                None => ("platform", "recorded"),
            };
            let id = tx
                .insert_applicant_message(&ApplicantMessageRow {
                    id: 0,
                    court_id: case.court_id,
                    case_id,
                    party_id: p.party_id,
                    channel: channel.into(),
                    address: phone.unwrap_or("").into(),
                    subject: format!("{} 财产查控情况", case.case_number),
                    text: body.clone(),
                    status: status.into(),
                    provider: None,
                    provider_ref: None,
                    failure_reason: None,
                    sent_at: None,
                    created_by: actor.user_id,
                    created_by_name: actor.display_name.clone(),
                    created_at: 0,
                })
                .await?;
            first.get_or_insert(id);
            if let Some(phone) = phone {
                sends.push((id, phone.to_string(), p.name.clone()));
            }
        }
        let names: Vec<&str> = applicants.iter().map(|p| p.name.as_str()).collect();
        let h = Happened {
            kind: EventKind::ApplicantInformed,
            payload: json!({"message_ids": first.map(|f| vec![f]).unwrap_or_default(),
                "summary": format!("告知申请执行人{}：{zh}", names.join("、")),
                "summary_en": format!("told the applicant(s) {}: {en}", names.join(", "))}),
        };
        self.write_events_in_tx(&mut tx, actor, &row, &[h], false)
            .await?;
        tx.commit().await?;
        // Sent after the commit, so a slow gateway never holds the writer; the outcome is
        // recorded on the message.
        let messenger = self.messenger();
        for (id, phone, _) in sends {
            let d = messenger
                .send(&OutgoingMessage {
                    channel: Channel::Sms,
                    to: phone,
                    subject: format!("{} 财产查控情况", case.case_number),
                    body: body.clone(),
                    reference: format!("applicant-message-{id}"),
                })
                .await;
            let (status, reason) = match &d.outcome {
                DeliveryOutcome::Delivered => ("sent", None),
                DeliveryOutcome::Failed { reason_zh, .. } => ("failed", Some(reason_zh.clone())),
            };
            self.store
                .finish_applicant_message(
                    id,
                    status,
                    Some(&d.provider),
                    d.provider_ref.as_deref(),
                    reason.as_deref(),
                    Some(d.at_ms),
                )
                .await?;
        }
        Ok(Outcome {
            id: first,
            ..Default::default()
        })
    }

    /// A case's assets page, for a case within the actor's courts.
    pub async fn case_assets(&self, actor: &Actor, case_id: i64) -> AppResult<AssetsView> {
        let case = self
            .store
            .case_by_id(case_id)
            .await?
            .ok_or(AppError::NotFound)?;
        if !actor.can_see_court(case.court_id) {
            return Err(AppError::NotFound);
        }
        let today = today_of(zhixing_store::now_ms());
        let parties = self.store.case_parties(case_id).await?;
        let name_of: HashMap<i64, String> = parties
            .iter()
            .map(|p| (p.party_id, p.name.clone()))
            .collect();
        let brief = |role: &str| -> Vec<PartyBrief> {
            parties
                .iter()
                .filter(|p| p.role == role)
                .map(|p| PartyBrief {
                    party_id: p.party_id,
                    name: p.name.clone(),
                    has_phone: p.phone.as_deref().is_some_and(|s| !s.trim().is_empty()),
                })
                .collect()
        };
        let tasks = self.store.case_inquiry_tasks(case_id).await?;
        let rows = self.store.asset_findings(case_id).await?;
        let answers = answers_of(&tasks, &rows);
        let mut findings = Vec::with_capacity(rows.len());
        for r in rows {
            let kind = stored_kind(&r.kind)?;
            findings.push(FindingView {
                debtor_name: name_of.get(&r.party_id).cloned().unwrap_or_default(),
                kind,
                controls: ControlKind::fitting(kind),
                row: r,
            });
        }
        let desc: HashMap<i64, String> = findings
            .iter()
            .map(|f| {
                (
                    f.row.id,
                    format!("{}（{}）", f.row.description, f.row.institution),
                )
            })
            .collect();
        let mut renewals: HashMap<i64, Vec<RenewalRow>> = HashMap::new();
        for r in self.store.control_renewals(case_id).await? {
            renewals.entry(r.measure_id).or_default().push(r);
        }
        let mut measures = Vec::new();
        for m in self.store.control_measures(case_id).await? {
            let end_on = m.end_on.as_deref().map(parse_day).transpose()?;
            measures.push(MeasureView {
                asset: stored_kind(&m.asset_kind)?,
                control: stored_control(&m.control_kind)?,
                status: stored_status(&m.status)?.on(end_on, today),
                end_on,
                days_left: end_on.map(|e| rules::days_left(e, today)),
                renewals: renewals.remove(&m.id).unwrap_or_default(),
                finding: desc.get(&m.finding_id).cloned().unwrap_or_default(),
                debtor_name: name_of.get(&m.party_id).cloned().unwrap_or_default(),
                row: m,
            });
        }
        let leads = self
            .store
            .asset_leads(case_id)
            .await?
            .into_iter()
            .map(|l| LeadView {
                debtor_name: name_of.get(&l.party_id).cloned().unwrap_or_default(),
                overdue: l.status == "pending" && l.due_on < today.to_string(),
                row: l,
            })
            .collect();
        let messages = self.store.applicant_messages(case_id).await?;
        let (summary_zh, summary_en) = self.summary_of(case_id).await?;
        let closed = is_closed(&case);
        let inquiry_open = tasks.iter().any(|t| t.status != "done");
        Ok(AssetsView {
            may_edit: ASSET_STAFF.contains(&actor.role)
                && actor.court_id == case.court_id
                && !closed,
            closed,
            inquiry_open,
            debtors: brief("debtor"),
            applicants: brief("applicant"),
            case,
            today,
            tasks,
            answers,
            findings,
            measures,
            leads,
            messages,
            summary_zh,
            summary_en,
        })
    }
}

impl App {
    /// Each network answer of a case's tasks, one per task and kind, found or not.
    pub async fn inquiry_answers(&self, case_id: i64) -> AppResult<Vec<InquiryAnswerRow>> {
        let tasks = self.store.case_inquiry_tasks(case_id).await?;
        let findings = self.store.asset_findings(case_id).await?;
        Ok(answers_of(&tasks, &findings))
    }
}

/// The answers of tasks from what each task keeps (the kinds answered) and the findings the
/// network returned for it: a kind answered without a finding is "nothing found". No row per
/// kind is written, which halves what a network round stores.
pub fn answers_of(tasks: &[InquiryTaskRow], findings: &[FindingRow]) -> Vec<InquiryAnswerRow> {
    let found: HashSet<(i64, &str)> = findings
        .iter()
        .filter_map(|f| Some((f.inquiry_task_id?, f.kind.as_str())))
        .collect();
    let mut out = Vec::new();
    for t in tasks {
        for kind in t.answered_kinds.split(',').filter(|k| !k.is_empty()) {
            out.push(InquiryAnswerRow {
                task_id: t.id,
                case_id: t.case_id,
                kind: kind.to_string(),
                found: i64::from(found.contains(&(t.id, kind))),
                answered_at: t.completed_at.or(t.submitted_at).unwrap_or(t.created_at),
            });
        }
    }
    out.sort_by(|a, b| (a.task_id, &a.kind).cmp(&(b.task_id, &b.kind)));
    out
}

/// Kinds answered without result per task (for the page: "nothing found" is explicit).
pub fn nothing_found(answers: &[InquiryAnswerRow]) -> HashSet<(i64, String)> {
    answers
        .iter()
        .filter(|a| a.found == 0)
        .map(|a| (a.task_id, a.kind.clone()))
        .collect()
}

/// The lease of the inquiry loop: of several processes serving one database, one at a time
/// schedules the library's rounds, talks to the provider and sends the outbox, so no task is
/// submitted or polled by two processes at once.
pub const INQUIRY_LEASE: &str = "inquiries";

/// Tasks the inquiry loop submits or polls in one batch (up to [`WRITERS`] transactions side
/// by side).
pub const INQUIRY_BATCH: i64 = 1_000;

/// What one tick of the inquiry loop did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct InquiryTick {
    /// Library rows whose round was scheduled.
    pub scheduled: usize,
    /// Tasks submitted or polled.
    pub polled: usize,
    /// Applicants' SMS handed to the gateway.
    pub sent: usize,
}

impl App {
    /// One tick of the inquiry loop under the lease `inquiries`: `None` when another process
    /// holds it (that process is running the tick). Each step logs its failure and the tick
    /// goes on; the lease is renewed before every batch and released at the end.
    pub async fn inquiry_tick(&self, now: i64) -> AppResult<Option<InquiryTick>> {
        use crate::scheduler::{holder_token, LEASE_TTL_MS};
        let holder = holder_token();
        if !self
            .store
            .acquire_lease(INQUIRY_LEASE, &holder, LEASE_TTL_MS)
            .await?
        {
            return Ok(None);
        }
        let mut tick = InquiryTick::default();
        match self.run_dormant_library(now).await {
            Ok(r) => {
                tick.scheduled = r.cases;
                if r.cases > 0 {
                    tracing::info!(
                        cases = r.cases,
                        tasks = r.tasks,
                        ended = r.ended,
                        "dormant-case library re-inquiry scheduled"
                    );
                }
            }
            Err(e) => tracing::error!(error = %e, "dormant-case library run failed"),
        }
        match self
            .drain_inquiries(now, INQUIRY_BATCH, Some(&holder))
            .await
        {
            Ok(r) => tick.polled = r.polled,
            Err(e) => tracing::error!(error = %e, "network inquiry batch failed"),
        }
        while self
            .store
            .acquire_lease(INQUIRY_LEASE, &holder, LEASE_TTL_MS)
            .await?
        {
            match self
                .send_applicant_outbox(now, crate::dormant::OUTBOX_BATCH)
                .await
            {
                Ok(n) => {
                    tick.sent += n;
                    if n as i64 != crate::dormant::OUTBOX_BATCH {
                        break;
                    }
                }
                Err(e) => {
                    tracing::error!(error = %e, "sending the applicants' messages failed");
                    break;
                }
            }
        }
        if let Err(e) = self.store.release_lease(INQUIRY_LEASE, &holder).await {
            tracing::warn!(error = %e, "could not release the inquiry lease");
        }
        Ok(Some(tick))
    }
}

/// The inquiry loop `zhixing serve` runs beside supervision: every `every`, under the lease
/// `inquiries` (`App::inquiry_tick`), the dormant-case library's due rounds are scheduled,
/// then batches of due inquiry tasks until none is left, then the applicants' SMS left in the
/// outbox are sent; and the measures whose term ended are marked expired. At start, 终本
/// cases closed before the library existed are entered.
pub async fn run_inquiry_loop(app: App, every: std::time::Duration) {
    match app.backfill_closing_facts().await {
        Ok(0) => {}
        Ok(n) => tracing::info!(cases = n, "closing facts recorded for cases closed earlier"),
        Err(e) => tracing::warn!(error = %e, "recording earlier cases' closing facts failed"),
    }
    match app.enter_unlisted_dormant(zhixing_store::now_ms()).await {
        Ok(0) => {}
        Ok(n) => tracing::info!(cases = n, "entered closed dormant cases in the library"),
        Err(e) => tracing::error!(error = %e, "entering dormant cases in the library failed"),
    }
    let mut interval = tokio::time::interval(every);
    interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        interval.tick().await;
        if let Err(e) = app.inquiry_tick(zhixing_store::now_ms()).await {
            tracing::error!(error = %e, "the inquiry loop's lease could not be read");
        }
        let today = beijing_date(zhixing_store::now_ms()).to_string();
        for court in app.court_tree().courts {
            if let Err(e) = app.store.expire_control_measures(court.id, &today).await {
                tracing::error!(error = %e, "expiring control measures failed");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::split_for_writers;
    use std::collections::{HashMap, HashSet};

    /// Which part each (court, case) item landed in.
    fn parts_of(parts: &[Vec<(i64, i64)>]) -> HashMap<(i64, i64), usize> {
        let mut at = HashMap::new();
        for (i, part) in parts.iter().enumerate() {
            for item in part {
                assert!(at.insert(*item, i).is_none(), "{item:?} in two parts");
            }
        }
        at
    }

    #[test]
    fn several_courts_are_kept_whole_and_balanced() {
        // Ten courts of 30..=39 cases, split eight ways.
        let items: Vec<(i64, i64)> = (0..10i64)
            .flat_map(|court| (0..30 + court).map(move |k| (court, court * 1000 + k)))
            .collect();
        let parts = split_for_writers(items.clone(), 8, |x| *x);
        assert_eq!(parts.len(), 8);
        let at = parts_of(&parts);
        assert_eq!(at.len(), items.len(), "nothing lost");
        for court in 0..10 {
            let used: HashSet<usize> = at
                .iter()
                .filter(|((c, _), _)| *c == court)
                .map(|(_, p)| *p)
                .collect();
            assert_eq!(used.len(), 1, "court {court} split across parts");
        }
        let biggest = parts.iter().map(Vec::len).max().unwrap();
        assert!(biggest * 8 <= items.len() * 2, "biggest part {biggest}");
    }

    #[test]
    fn one_court_is_split_by_case() {
        let items: Vec<(i64, i64)> = (1..=100).map(|case| (7, case)).collect();
        let parts = split_for_writers(items, 4, |x| *x);
        assert_eq!(parts.len(), 4);
        let at = parts_of(&parts);
        assert_eq!(at.len(), 100);
        for ((_, case), part) in at {
            assert_eq!(case as usize % 4, part);
        }
    }

    #[test]
    fn one_dominant_court_falls_back_to_cases() {
        // 90 cases in one court and 10 in another cannot be kept whole in four balanced parts.
        let items: Vec<(i64, i64)> = (0..100)
            .map(|case| (if case < 90 { 1 } else { 2 }, case))
            .collect();
        let parts = split_for_writers(items, 4, |x| *x);
        assert_eq!(parts.len(), 4);
        assert!(parts.iter().all(|p| p.len() == 25));
        parts_of(&parts);
    }

    #[test]
    fn empty_parts_are_left_out() {
        assert!(split_for_writers(Vec::<(i64, i64)>::new(), 8, |x| *x).is_empty());
        let parts = split_for_writers(vec![(1, 1), (2, 2)], 8, |x| *x);
        assert_eq!(parts.len(), 2);
        let parts = split_for_writers(vec![(1, 1), (1, 2)], 0, |x| *x);
        assert_eq!(parts, vec![vec![(1, 1), (1, 2)]]);
    }
}
