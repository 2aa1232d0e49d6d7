//! Quality metrics' aggregates (issue 7) and campaigns (专项行动).
//!
//! Figures are never stored: each is added up when asked, from index ranges only, and each
//! index carries every column its figures add up or group by (migration 0022), so no figure
//! looks up a case's table row:
//! - closed in a period: `cases_metric_closed` (court, type, closed_at, filed_at, then the
//!   closing facts, team and officer), grouped by unit and Beijing day;
//! - received in a period: `cases_court_type` (court, type, filed_at, team, officer);
//! - pending at an instant X is "open now" less "filed since X" plus "closed since X": the open
//!   cases (`cases_metric_open`) and the receipts and closings since X, so the work follows
//!   the open cases and the time since X, not the whole history; the old-case count is the open
//!   cases filed before the cutoff plus those closed since X that were.
//!
//! Times are UTC milliseconds; a Beijing day is `(ms + 8 h) / 1 day`, integer division on both
//! engines.

use sqlx::any::AnyArguments;

use crate::db::{Store, StoreResult};
use crate::rows::CaseListRow;
use crate::write::{bind, push_placeholders, WriteTx};

pub const BEIJING_OFFSET_MS: i64 = 8 * 3_600_000;
pub const DAY_MS: i64 = 86_400_000;

/// How rows are grouped: by court, team, officer, or not at all (unit 0).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MetricGroup {
    Court,
    Team,
    Officer,
    All,
}

impl MetricGroup {
    fn expr(self) -> &'static str {
        match self {
            MetricGroup::Court => "c.court_id",
            MetricGroup::Team => "COALESCE(c.team_id, 0)",
            MetricGroup::Officer => "COALESCE(c.officer_id, 0)",
            MetricGroup::All => "CAST(0 AS BIGINT)",
        }
    }

    /// `GROUP BY` the unit and `extra` (an integer 0 would name a column, so `All` groups by
    /// `extra` alone, or not at all).
    fn group_by(self, extra: Option<&str>) -> String {
        match (self, extra) {
            (MetricGroup::All, None) => String::new(),
            (MetricGroup::All, Some(e)) => format!(" GROUP BY {e}"),
            (g, None) => format!(" GROUP BY {}", g.expr()),
            (g, Some(e)) => format!(" GROUP BY {}, {e}", g.expr()),
        }
    }
}

/// Which cases a figure counts.
#[derive(Debug, Clone, Default)]
pub struct MetricScope {
    pub court_ids: Vec<i64>,
    /// Case type keys the court's definitions count.
    pub case_types: Vec<String>,
    pub team_id: Option<i64>,
    pub officer_id: Option<i64>,
    pub campaign_id: Option<i64>,
}

/// One unit's closings on one Beijing day (days since 1970-01-01).
#[derive(Debug, Clone, Default, PartialEq, Eq, sqlx::FromRow)]
pub struct ClosedDayRow {
    pub unit: i64,
    pub day: i64,
    pub closed: i64,
    pub completed: i64,
    pub dormant: i64,
    pub delivered: i64,
    pub in_time: i64,
    pub days: i64,
    pub claim_fen: i64,
    pub recovered_fen: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ReceivedDayRow {
    pub unit: i64,
    pub day: i64,
    pub received: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct UnitCountRow {
    pub unit: i64,
    pub n: i64,
}

/// A count `metric_counts` takes per unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CountProbe {
    /// Cases open now (filed before the bound, when given).
    Open { filed_before_ms: Option<i64> },
    /// Cases closed at or after `from_ms` (filed before the bound, when given).
    ClosedSince {
        from_ms: i64,
        filed_before_ms: Option<i64>,
    },
}

/// One unit's count for the probe at index `probe`.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ProbeCountRow {
    pub probe: i64,
    pub unit: i64,
    pub n: i64,
}

/// What the full recomputation reads of one case.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CaseFactsRow {
    pub id: i64,
    pub court_id: i64,
    pub team_id: Option<i64>,
    pub officer_id: Option<i64>,
    pub case_type: String,
    pub closing_mode: Option<String>,
    pub claim_fen: i64,
    pub recovered_fen: i64,
    pub suspended_days: i64,
    /// NULL until recorded (counted as not within the limit, as the aggregates do).
    pub closed_in_time: Option<i64>,
    pub filed_at: i64,
    pub closed_at: Option<i64>,
}

/// A closed case whose closing facts are not recorded yet.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct MissingFactsRow {
    pub id: i64,
    pub filed_at: i64,
    pub closed_at: i64,
}

/// The closing facts of one case (`metrics::closing_facts`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClosingFacts {
    pub case_id: i64,
    pub suspended_days: i64,
    pub in_time: bool,
}

/// Which list a drill-down opens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DrillSet {
    /// Filed in [from, to).
    Received,
    /// Closed in [from, to), optionally in one closing mode, or only those counted by a flag.
    Closed,
    ClosedCompleted,
    ClosedDormant,
    /// Closed as completed, or in a paid mode with money recovered.
    ClosedDelivered,
    ClosedInTime,
    ClosedLate,
    /// Pending at `from` (filed before it, not closed before it).
    PendingAt,
    /// Pending at `to` and filed before `from` (the old-case list: `from` is the cutoff).
    OldPendingAt,
}

/// A drill-down page: the set, its bounds in UTC ms, paid modes for `ClosedDelivered`.
#[derive(Debug, Clone)]
pub struct DrillQuery {
    pub set: DrillSet,
    pub from_ms: i64,
    pub to_ms: i64,
    pub paid_modes: Vec<String>,
    pub limit: i64,
    pub offset: i64,
}

/// A campaign as stored.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CampaignRow {
    pub id: i64,
    pub court_id: i64,
    pub name: String,
    pub starts_on: String,
    pub ends_on: String,
    pub goal: String,
    pub created_by: i64,
    pub created_by_name: String,
    pub created_at: i64,
    pub cases: i64,
}

#[derive(Debug, Clone)]
pub struct NewCampaign {
    pub court_id: i64,
    pub name: String,
    pub starts_on: String,
    pub ends_on: String,
    pub goal: String,
    pub created_by: i64,
    pub created_by_name: String,
}

/// Collects `$n` values for a statement built in steps.
struct Params {
    args: AnyArguments<'static>,
    n: usize,
}

impl Params {
    fn new() -> Params {
        Params {
            args: AnyArguments::default(),
            n: 0,
        }
    }

    fn int(&mut self, v: i64) -> StoreResult<String> {
        bind(&mut self.args, v)?;
        self.n += 1;
        Ok(format!("${}", self.n))
    }

    fn text(&mut self, v: &str) -> StoreResult<String> {
        bind(&mut self.args, v.to_string())?;
        self.n += 1;
        Ok(format!("${}", self.n))
    }

    fn ints(&mut self, vs: &[i64]) -> StoreResult<String> {
        let marks: Vec<String> = vs
            .iter()
            .map(|v| self.int(*v))
            .collect::<StoreResult<_>>()?;
        Ok(marks.join(", "))
    }

    fn texts(&mut self, vs: &[String]) -> StoreResult<String> {
        let marks: Vec<String> = vs
            .iter()
            .map(|v| self.text(v))
            .collect::<StoreResult<_>>()?;
        Ok(marks.join(", "))
    }
}

/// `c.court_id IN (…) AND c.case_type IN (…)` and the optional team, officer and campaign.
fn scope_sql(s: &MetricScope, p: &mut Params) -> StoreResult<String> {
    let mut sql = format!(
        "c.court_id IN ({}) AND c.case_type IN ({})",
        p.ints(&s.court_ids)?,
        p.texts(&s.case_types)?
    );
    if let Some(t) = s.team_id {
        sql.push_str(&format!(" AND c.team_id = {}", p.int(t)?));
    }
    if let Some(o) = s.officer_id {
        sql.push_str(&format!(" AND c.officer_id = {}", p.int(o)?));
    }
    if let Some(k) = s.campaign_id {
        sql.push_str(&format!(
            " AND c.id IN (SELECT case_id FROM campaign_cases WHERE campaign_id = {})",
            p.int(k)?
        ));
    }
    Ok(sql)
}

fn empty(s: &MetricScope) -> bool {
    s.court_ids.is_empty() || s.case_types.is_empty()
}

/// The Beijing day of a UTC-ms column, as days since 1970-01-01.
fn day_of(col: &str) -> String {
    format!("(({col} + {BEIJING_OFFSET_MS}) / {DAY_MS})")
}

/// "Actually enforced" (`Definitions::delivered`): completed, or closed in one of the paid
/// modes with money recovered. The one SQL form of the rule, for the figure and its list.
fn delivered_sql(paid_modes: &[String], p: &mut Params) -> StoreResult<String> {
    if paid_modes.is_empty() {
        return Ok("c.closing_mode = 'completed'".to_string());
    }
    Ok(format!(
        "(c.closing_mode = 'completed' OR (c.closing_mode IN ({}) AND c.recovered_fen > 0))",
        p.texts(paid_modes)?
    ))
}

/// The condition and order of a drill-down list.
fn drill_where(
    s: &MetricScope,
    q: &DrillQuery,
    p: &mut Params,
) -> StoreResult<(String, &'static str)> {
    let scope = scope_sql(s, p)?;
    let from = p.int(q.from_ms)?;
    let to = p.int(q.to_ms)?;
    let closed = format!("c.closed_at >= {from} AND c.closed_at < {to}");
    const BY_CLOSING: &str = "c.closed_at DESC, c.id DESC";
    let (cond, order) = match q.set {
        DrillSet::Received => (
            format!("c.filed_at >= {from} AND c.filed_at < {to}"),
            "c.filed_at DESC, c.id DESC",
        ),
        DrillSet::Closed => (closed, BY_CLOSING),
        DrillSet::ClosedCompleted => (
            format!("{closed} AND c.closing_mode = 'completed'"),
            BY_CLOSING,
        ),
        DrillSet::ClosedDormant => (
            format!("{closed} AND c.closing_mode = 'dormant'"),
            BY_CLOSING,
        ),
        DrillSet::ClosedDelivered => (
            format!("{closed} AND {}", delivered_sql(&q.paid_modes, p)?),
            BY_CLOSING,
        ),
        DrillSet::ClosedInTime => (format!("{closed} AND c.closed_in_time = 1"), BY_CLOSING),
        DrillSet::ClosedLate => (
            format!("{closed} AND COALESCE(c.closed_in_time, 0) = 0"),
            BY_CLOSING,
        ),
        DrillSet::PendingAt => (
            format!("c.filed_at < {from} AND (c.closed_at IS NULL OR c.closed_at >= {from})"),
            "c.filed_at, c.id",
        ),
        DrillSet::OldPendingAt => (
            format!("c.filed_at < {from} AND (c.closed_at IS NULL OR c.closed_at >= {to})"),
            "c.filed_at, c.id",
        ),
    };
    Ok((format!("{scope} AND {cond}"), order))
}

impl Store {
    /// Closings in [from_ms, to_ms) per unit and day: counts by mode, the closing facts, the
    /// days taken (less suspension when `deduct`), claims and recoveries.
    pub async fn metric_closed(
        &self,
        s: &MetricScope,
        group: MetricGroup,
        from_ms: i64,
        to_ms: i64,
        paid_modes: &[String],
        deduct_suspension: bool,
    ) -> StoreResult<Vec<ClosedDayRow>> {
        if empty(s) {
            return Ok(Vec::new());
        }
        let mut p = Params::new();
        let scope = scope_sql(s, &mut p)?;
        let from = p.int(from_ms)?;
        let to = p.int(to_ms)?;
        let delivered = delivered_sql(paid_modes, &mut p)?;
        let suspended = if deduct_suspension {
            " - c.suspended_days"
        } else {
            ""
        };
        let sql = format!(
            "SELECT {unit} AS unit, {day} AS day, COUNT(*) AS closed, \
             CAST(SUM(CASE WHEN c.closing_mode = 'completed' THEN 1 ELSE 0 END) AS BIGINT) AS completed, \
             CAST(SUM(CASE WHEN c.closing_mode = 'dormant' THEN 1 ELSE 0 END) AS BIGINT) AS dormant, \
             CAST(SUM(CASE WHEN {delivered} THEN 1 ELSE 0 END) AS BIGINT) AS delivered, \
             CAST(SUM(COALESCE(c.closed_in_time, 0)) AS BIGINT) AS in_time, \
             CAST(SUM({day} - {filed}{suspended}) AS BIGINT) AS days, \
             CAST(SUM(c.claim_fen) AS BIGINT) AS claim_fen, \
             CAST(SUM(c.recovered_fen) AS BIGINT) AS recovered_fen \
             FROM cases c WHERE {scope} AND c.closed_at >= {from} AND c.closed_at < {to} \
             {grouping} ORDER BY 1, 2",
            unit = group.expr(),
            day = day_of("c.closed_at"),
            filed = day_of("c.filed_at"),
            grouping = group.group_by(Some(&day_of("c.closed_at"))),
        );
        Ok(sqlx::query_as_with(&sql, p.args)
            .fetch_all(&self.read)
            .await?)
    }

    /// Cases filed in [from_ms, to_ms) per unit and day.
    pub async fn metric_received(
        &self,
        s: &MetricScope,
        group: MetricGroup,
        from_ms: i64,
        to_ms: i64,
    ) -> StoreResult<Vec<ReceivedDayRow>> {
        if empty(s) {
            return Ok(Vec::new());
        }
        let mut p = Params::new();
        let scope = scope_sql(s, &mut p)?;
        let from = p.int(from_ms)?;
        let to = p.int(to_ms)?;
        let sql = format!(
            "SELECT {unit} AS unit, {day} AS day, COUNT(*) AS received FROM cases c \
             WHERE {scope} AND c.filed_at >= {from} AND c.filed_at < {to} \
             {grouping} ORDER BY 1, 2",
            unit = group.expr(),
            day = day_of("c.filed_at"),
            grouping = group.group_by(Some(&day_of("c.filed_at"))),
        );
        Ok(sqlx::query_as_with(&sql, p.args)
            .fetch_all(&self.read)
            .await?)
    }

    /// One count per unit for each probe, in one statement (a `UNION ALL` of index ranges:
    /// open cases from `cases_metric_open`, later closings from `cases_metric_closed`).
    pub async fn metric_counts(
        &self,
        s: &MetricScope,
        group: MetricGroup,
        probes: &[CountProbe],
    ) -> StoreResult<Vec<ProbeCountRow>> {
        if empty(s) || probes.is_empty() {
            return Ok(Vec::new());
        }
        let mut p = Params::new();
        let mut parts = Vec::with_capacity(probes.len());
        for (i, probe) in probes.iter().enumerate() {
            let scope = scope_sql(s, &mut p)?;
            let (cond, filed_before) = match *probe {
                CountProbe::Open { filed_before_ms } => {
                    ("c.closed_at IS NULL".to_string(), filed_before_ms)
                }
                CountProbe::ClosedSince {
                    from_ms,
                    filed_before_ms,
                } => (
                    format!("c.closed_at >= {}", p.int(from_ms)?),
                    filed_before_ms,
                ),
            };
            let filed = match filed_before {
                Some(ms) => format!(" AND c.filed_at < {}", p.int(ms)?),
                None => String::new(),
            };
            parts.push(format!(
                "SELECT CAST({i} AS BIGINT) AS probe, {unit} AS unit, COUNT(*) AS n FROM cases c \
                 WHERE {scope} AND {cond}{filed}{grouping}",
                unit = group.expr(),
                grouping = group.group_by(None),
            ));
        }
        Ok(sqlx::query_as_with(&parts.join(" UNION ALL "), p.args)
            .fetch_all(&self.read)
            .await?)
    }

    /// Closed cases whose closing facts are not recorded yet (closed before migration 0020),
    /// by the partial index `cases_closing_facts_missing`.
    pub async fn cases_missing_closing_facts(
        &self,
        limit: i64,
    ) -> StoreResult<Vec<MissingFactsRow>> {
        Ok(sqlx::query_as(
            "SELECT id, filed_at, closed_at FROM cases \
             WHERE closed_at IS NOT NULL AND closed_in_time IS NULL ORDER BY id LIMIT $1",
        )
        .bind(limit)
        .fetch_all(&self.read)
        .await?)
    }

    /// Every case of the scope with what the metrics read: the full recomputation's input
    /// (tests and the consistency check), never a page's.
    pub async fn metric_case_facts(&self, s: &MetricScope) -> StoreResult<Vec<CaseFactsRow>> {
        if empty(s) {
            return Ok(Vec::new());
        }
        let mut p = Params::new();
        let scope = scope_sql(s, &mut p)?;
        let sql = format!(
            "SELECT c.id, c.court_id, c.team_id, c.officer_id, c.case_type, c.closing_mode, \
             c.claim_fen, c.recovered_fen, c.suspended_days, c.closed_in_time, c.filed_at, c.closed_at \
             FROM cases c WHERE {scope} ORDER BY c.id"
        );
        Ok(sqlx::query_as_with(&sql, p.args)
            .fetch_all(&self.read)
            .await?)
    }

    /// One page of the cases behind a figure, and how many there are.
    pub async fn metric_cases(
        &self,
        s: &MetricScope,
        q: &DrillQuery,
    ) -> StoreResult<(Vec<CaseListRow>, i64)> {
        if empty(s) {
            return Ok((Vec::new(), 0));
        }
        // The values are bound twice (count, then page), so the condition is built twice.
        let mut p = Params::new();
        let (where_sql, _) = drill_where(s, q, &mut p)?;
        let total: i64 = sqlx::query_scalar_with(
            &format!("SELECT COUNT(*) FROM cases c WHERE {where_sql}"),
            p.args,
        )
        .fetch_one(&self.read)
        .await?;
        let mut p = Params::new();
        let (where_sql, order) = drill_where(s, q, &mut p)?;
        let limit = p.int(q.limit)?;
        let offset = p.int(q.offset)?;
        // Deferred join: page over ids from the index, then fetch one page of wide rows.
        let sql = format!(
            "SELECT c.id, c.case_number, ct.name AS court_name, c.case_type, c.stage, c.suspended, c.locked, \
             c.claim_fen, c.applicant_names, c.debtor_names, t.name AS team_name, \
             u.display_name AS officer_name, c.filed_at \
             FROM cases c JOIN courts ct ON ct.id = c.court_id LEFT JOIN teams t ON t.id = c.team_id \
             LEFT JOIN users u ON u.id = c.officer_id \
             WHERE c.id IN (SELECT c.id FROM cases c WHERE {where_sql} ORDER BY {order} LIMIT {limit} OFFSET {offset}) \
             ORDER BY {order}"
        );
        let rows = sqlx::query_as_with(&sql, p.args)
            .fetch_all(&self.read)
            .await?;
        Ok((rows, total))
    }

    /// Of the cases filed in [from_ms, to_ms): how many, and how many had the network inquiry
    /// started on the day of filing (their `network_inquiry` node done the day it opened).
    pub async fn metric_same_day_inquiry(
        &self,
        s: &MetricScope,
        from_ms: i64,
        to_ms: i64,
    ) -> StoreResult<(i64, i64)> {
        if empty(s) {
            return Ok((0, 0));
        }
        let mut p = Params::new();
        let scope = scope_sql(s, &mut p)?;
        let from = p.int(from_ms)?;
        let to = p.int(to_ms)?;
        let sql = format!(
            "SELECT COUNT(*) AS unit, CAST(COALESCE(SUM(CASE WHEN EXISTS (SELECT 1 FROM node_instances n \
             WHERE n.case_id = c.id AND n.node_key = 'network_inquiry' AND n.completed_on = n.started_on) \
             THEN 1 ELSE 0 END), 0) AS BIGINT) AS n \
             FROM cases c WHERE {scope} AND c.filed_at >= {from} AND c.filed_at < {to}"
        );
        let row: UnitCountRow = sqlx::query_as_with(&sql, p.args)
            .fetch_one(&self.read)
            .await?;
        Ok((row.unit, row.n))
    }

    /// Money received and not yet paid out: (cases holding money, total fen), by the partial
    /// index of cases that hold funds.
    pub async fn metric_funds_held(&self, court_ids: &[i64]) -> StoreResult<(i64, i64)> {
        if court_ids.is_empty() {
            return Ok((0, 0));
        }
        let mut p = Params::new();
        let courts = p.ints(court_ids)?;
        let sql = format!(
            "SELECT COUNT(*) AS unit, CAST(COALESCE(SUM(held_fen), 0) AS BIGINT) AS n FROM cases \
             WHERE court_id IN ({courts}) AND held_fen <> 0"
        );
        let row: UnitCountRow = sqlx::query_as_with(&sql, p.args)
            .fetch_one(&self.read)
            .await?;
        Ok((row.unit, row.n))
    }

    /// Open cases (of every type) per team of the courts: the teams' loads.
    pub async fn metric_open_by_team(&self, court_ids: &[i64]) -> StoreResult<Vec<UnitCountRow>> {
        if court_ids.is_empty() {
            return Ok(Vec::new());
        }
        let mut p = Params::new();
        let courts = p.ints(court_ids)?;
        let sql = format!(
            "SELECT COALESCE(team_id, 0) AS unit, COUNT(*) AS n FROM cases \
             WHERE court_id IN ({courts}) AND closed_at IS NULL GROUP BY COALESCE(team_id, 0) ORDER BY 1"
        );
        Ok(sqlx::query_as_with(&sql, p.args)
            .fetch_all(&self.read)
            .await?)
    }

    /// Campaigns of the given courts, newest first, with how many cases each has.
    pub async fn campaigns(&self, court_ids: &[i64]) -> StoreResult<Vec<CampaignRow>> {
        if court_ids.is_empty() {
            return Ok(Vec::new());
        }
        let mut p = Params::new();
        let courts = p.ints(court_ids)?;
        let sql = format!(
            "SELECT k.id, k.court_id, k.name, k.starts_on, k.ends_on, k.goal, k.created_by, \
             k.created_by_name, k.created_at, \
             (SELECT COUNT(*) FROM campaign_cases cc WHERE cc.campaign_id = k.id) AS cases \
             FROM campaigns k WHERE k.court_id IN ({courts}) ORDER BY k.starts_on DESC, k.id DESC"
        );
        Ok(sqlx::query_as_with(&sql, p.args)
            .fetch_all(&self.read)
            .await?)
    }

    pub async fn campaign(&self, id: i64) -> StoreResult<Option<CampaignRow>> {
        Ok(sqlx::query_as(
            "SELECT k.id, k.court_id, k.name, k.starts_on, k.ends_on, k.goal, k.created_by, \
             k.created_by_name, k.created_at, \
             (SELECT COUNT(*) FROM campaign_cases cc WHERE cc.campaign_id = k.id) AS cases \
             FROM campaigns k WHERE k.id = $1",
        )
        .bind(id)
        .fetch_optional(&self.read)
        .await?)
    }

    /// One page of a campaign's cases, latest tagged first, and how many it has.
    pub async fn campaign_case_page(
        &self,
        campaign_id: i64,
        limit: i64,
        offset: i64,
    ) -> StoreResult<(Vec<CaseListRow>, i64)> {
        let total: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM campaign_cases WHERE campaign_id = $1")
                .bind(campaign_id)
                .fetch_one(&self.read)
                .await?;
        let rows = sqlx::query_as(
            "SELECT c.id, c.case_number, ct.name AS court_name, c.case_type, c.stage, c.suspended, c.locked, \
             c.claim_fen, c.applicant_names, c.debtor_names, t.name AS team_name, \
             u.display_name AS officer_name, c.filed_at \
             FROM campaign_cases cc JOIN cases c ON c.id = cc.case_id JOIN courts ct ON ct.id = c.court_id \
             LEFT JOIN teams t ON t.id = c.team_id LEFT JOIN users u ON u.id = c.officer_id \
             WHERE cc.campaign_id = $1 ORDER BY cc.tagged_at DESC, c.id DESC LIMIT $2 OFFSET $3",
        )
        .bind(campaign_id)
        .bind(limit)
        .bind(offset)
        .fetch_all(&self.read)
        .await?;
        Ok((rows, total))
    }

    /// The campaigns a case is tagged to: (id, name).
    pub async fn campaigns_of_case(&self, case_id: i64) -> StoreResult<Vec<(i64, String)>> {
        Ok(sqlx::query_as(
            "SELECT k.id, k.name FROM campaign_cases cc JOIN campaigns k ON k.id = cc.campaign_id \
             WHERE cc.case_id = $1 ORDER BY k.starts_on DESC, k.id",
        )
        .bind(case_id)
        .fetch_all(&self.read)
        .await?)
    }
}

impl WriteTx {
    /// Records the closing facts of closed cases (the demo's and the pipeline's one path).
    pub async fn set_closing_facts(&mut self, rows: &[ClosingFacts]) -> StoreResult<()> {
        const N: usize = 3;
        for chunk in rows.chunks(300) {
            let mut sql = String::from(
                "UPDATE cases SET suspended_days = v.column2, closed_in_time = v.column3 FROM (VALUES ",
            );
            let mut args = AnyArguments::default();
            for (i, r) in chunk.iter().enumerate() {
                if i > 0 {
                    sql.push(',');
                }
                push_placeholders(&mut sql, self.engine, i * N, N);
                bind(&mut args, r.case_id)?;
                bind(&mut args, r.suspended_days)?;
                bind(&mut args, i64::from(r.in_time))?;
            }
            // The id list lets PostgreSQL find the rows by the primary key.
            sql.push_str(") AS v WHERE cases.id IN ");
            push_placeholders(&mut sql, self.engine, chunk.len() * N, chunk.len());
            for r in chunk {
                bind(&mut args, r.case_id)?;
            }
            sql.push_str(" AND cases.id = v.column1");
            sqlx::query_with(&sql, args).execute(&mut *self.tx).await?;
        }
        Ok(())
    }

    pub async fn insert_campaign(&mut self, c: &NewCampaign) -> StoreResult<i64> {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO campaigns (court_id, name, starts_on, ends_on, goal, created_by, \
             created_by_name, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        )
        .bind(c.court_id)
        .bind(&c.name)
        .bind(&c.starts_on)
        .bind(&c.ends_on)
        .bind(&c.goal)
        .bind(c.created_by)
        .bind(&c.created_by_name)
        .bind(self.now)
        .fetch_one(&mut *self.tx)
        .await?;
        Ok(id)
    }

    /// Tags cases to a campaign; cases already tagged are left as they are. Returns the ids
    /// newly tagged.
    pub async fn tag_campaign_cases(
        &mut self,
        campaign_id: i64,
        cases: &[(i64, i64)],
        by: i64,
    ) -> StoreResult<Vec<i64>> {
        let mut ids: Vec<i64> = cases.iter().map(|c| c.0).collect();
        ids.sort_unstable();
        ids.dedup();
        let mut present = std::collections::HashSet::new();
        for chunk in ids.chunks(500) {
            let mut p = Params::new();
            let k = p.int(campaign_id)?;
            let list = p.ints(chunk)?;
            let sql = format!(
                "SELECT case_id FROM campaign_cases WHERE campaign_id = {k} AND case_id IN ({list})"
            );
            let rows: Vec<i64> = sqlx::query_scalar_with(&sql, p.args)
                .fetch_all(&mut *self.tx)
                .await?;
            present.extend(rows);
        }
        let mut new = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for (case_id, court_id) in cases {
            if present.contains(case_id) || !seen.insert(*case_id) {
                continue;
            }
            sqlx::query(
                "INSERT INTO campaign_cases (campaign_id, case_id, court_id, tagged_by, tagged_at) \
                 VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(campaign_id)
            .bind(*case_id)
            .bind(*court_id)
            .bind(by)
            .bind(self.now)
            .execute(&mut *self.tx)
            .await?;
            new.push(*case_id);
        }
        Ok(new)
    }

    /// Removes a case from a campaign; false when it was not tagged.
    pub async fn untag_campaign_case(
        &mut self,
        campaign_id: i64,
        case_id: i64,
    ) -> StoreResult<bool> {
        let n = sqlx::query("DELETE FROM campaign_cases WHERE campaign_id = $1 AND case_id = $2")
            .bind(campaign_id)
            .bind(case_id)
            .execute(&mut *self.tx)
            .await?
            .rows_affected();
        Ok(n > 0)
    }
}
