//! Supervision views (监管): counts of nodes due soon, overdue and locked cases by court, team
//! or officer, the lists behind each count, the bulletin (通报) of a period, and every user's
//! inbox (待办提醒). Reads are within the actor's courts, like every read: a court outside them
//! is "not found".

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{NaiveDate, TimeZone};
use serde::{Deserialize, Serialize};
use zhixing_domain::role::Role;
use zhixing_store::notifications::NotificationRow;
use zhixing_store::supervision::{GroupBy, SupervisedQuery};

use crate::error::{AppError, AppResult};
use crate::node_rules::NodeRules;
use crate::nodes::beijing_date;
use crate::{Actor, App};

/// Who may see the supervision pages and the bulletin.
pub const SUPERVISION_ROLES: &[Role] = &[Role::Supervisor, Role::BureauChief, Role::TeamLeader];
/// Lines per page of a supervision list.
pub const NODES_PER_PAGE: u32 = 50;
/// Entries per page of the bulletin on screen.
pub const BULLETIN_PER_PAGE: u32 = 100;
/// The most entries one export holds.
pub const BULLETIN_EXPORT_MAX: u32 = 50_000;
/// The longest bulletin period, in days.
pub const BULLETIN_MAX_DAYS: i64 = 366;
/// Read notifications per inbox page (unread ones are all shown first, up to
/// [`INBOX_UNREAD_MAX`]).
pub const INBOX_PER_PAGE: u32 = 50;
pub const INBOX_UNREAD_MAX: i64 = 500;

/// How the summary groups its counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Grouping {
    Court,
    Team,
    Officer,
}

impl Grouping {
    pub const ALL: [Grouping; 3] = [Grouping::Court, Grouping::Team, Grouping::Officer];

    pub fn key(self) -> &'static str {
        match self {
            Grouping::Court => "court",
            Grouping::Team => "team",
            Grouping::Officer => "officer",
        }
    }

    pub fn from_key(key: &str) -> AppResult<Grouping> {
        Self::ALL
            .into_iter()
            .find(|g| g.key() == key.trim())
            .ok_or_else(|| {
                AppError::invalid(
                    "supervision.group",
                    format!("分组方式「{key}」无效，应为 court（按法院）、team（按团队）或 officer（按承办人）"),
                    format!("grouping \"{key}\" is invalid; expected court, team or officer"),
                )
            })
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            Grouping::Court => "按法院",
            Grouping::Team => "按团队",
            Grouping::Officer => "按承办人",
        }
    }

    pub fn name_en(self) -> &'static str {
        match self {
            Grouping::Court => "By court",
            Grouping::Team => "By team",
            Grouping::Officer => "By officer",
        }
    }
}

/// Which lines a supervision list shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Watch {
    /// Open nodes in warning (due soon).
    Warning,
    /// Open nodes past their due date.
    Overdue,
    /// Locked open cases, each with the node whose overdue locked it.
    Locked,
}

impl Watch {
    pub const ALL: [Watch; 3] = [Watch::Warning, Watch::Overdue, Watch::Locked];

    pub fn key(self) -> &'static str {
        match self {
            Watch::Warning => "warning",
            Watch::Overdue => "overdue",
            Watch::Locked => "locked",
        }
    }

    pub fn from_key(key: &str) -> AppResult<Watch> {
        Self::ALL
            .into_iter()
            .find(|w| w.key() == key.trim())
            .ok_or_else(|| {
                AppError::invalid(
                    "supervision.status",
                    format!("状态「{key}」无效，应为 warning（临期预警）、overdue（已超期）或 locked（已锁定）"),
                    format!("status \"{key}\" is invalid; expected warning, overdue or locked"),
                )
            })
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            Watch::Warning => "临期预警",
            Watch::Overdue => "已超期",
            Watch::Locked => "已锁定",
        }
    }

    pub fn name_en(self) -> &'static str {
        match self {
            Watch::Warning => "Due soon",
            Watch::Overdue => "Overdue",
            Watch::Locked => "Locked",
        }
    }
}

/// The kind of a bulletin entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BulletinKind {
    Warning,
    Overdue,
    Locked,
}

impl BulletinKind {
    pub fn from_key(key: &str) -> Option<BulletinKind> {
        match key {
            "warning" => Some(BulletinKind::Warning),
            "overdue" => Some(BulletinKind::Overdue),
            "locked" => Some(BulletinKind::Locked),
            _ => None,
        }
    }

    pub fn key(self) -> &'static str {
        match self {
            BulletinKind::Warning => "warning",
            BulletinKind::Overdue => "overdue",
            BulletinKind::Locked => "locked",
        }
    }

    /// 预警 / 超期 / 锁定, as the bulletin prints it.
    pub fn name_zh(self) -> &'static str {
        match self {
            BulletinKind::Warning => "预警",
            BulletinKind::Overdue => "超期",
            BulletinKind::Locked => "锁定",
        }
    }

    pub fn name_en(self) -> &'static str {
        match self {
            BulletinKind::Warning => "Warning",
            BulletinKind::Overdue => "Overdue",
            BulletinKind::Locked => "Locked",
        }
    }
}

/// One group's counts. `group_id` is the court, team or officer (`None`: cases without a
/// team / officer); `name` is `None` for those.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SummaryRow {
    pub court_id: i64,
    pub court_name: String,
    pub group_id: Option<i64>,
    pub name: Option<String>,
    pub warning: i64,
    pub overdue: i64,
    pub locked: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SupervisionSummary {
    pub group: Grouping,
    pub today: NaiveDate,
    pub rows: Vec<SummaryRow>,
    pub warning: i64,
    pub overdue: i64,
    pub locked: i64,
}

/// What a supervision list shows. `team` / `officer`: `Some(None)` means cases without one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NodeListFilter {
    pub status: Watch,
    pub court_id: Option<i64>,
    pub team: Option<Option<i64>>,
    pub officer: Option<Option<i64>>,
    /// From 1.
    pub page: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NodeListItem {
    pub case_id: i64,
    pub case_number: String,
    pub court_id: i64,
    pub court_name: String,
    /// `None` for a case locked without an overdue node (locked by hand).
    pub node_key: Option<String>,
    pub node_name_zh: Option<String>,
    pub node_name_en: Option<String>,
    pub team_name: Option<String>,
    pub officer_name: Option<String>,
    pub due_on: Option<NaiveDate>,
    /// Days past the due date (overdue and locked lines).
    pub days_overdue: Option<i64>,
    /// Days until the due date, 0 on the day (warning lines).
    pub days_left: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NodeListPage {
    pub filter: NodeListFilter,
    pub today: NaiveDate,
    pub items: Vec<NodeListItem>,
    pub total: i64,
    pub page: u32,
    pub per_page: u32,
}

impl NodeListPage {
    pub fn pages(&self) -> u32 {
        pages(self.total, self.per_page)
    }
}

fn pages(total: i64, per_page: u32) -> u32 {
    let per = i64::from(per_page.max(1));
    u32::try_from(((total + per - 1) / per).max(1)).unwrap_or(u32::MAX)
}

/// The bulletin's period and scope.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BulletinQuery {
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// One court (and not those below it); `None`: all the actor's courts.
    pub court_id: Option<i64>,
    pub page: u32,
    pub per_page: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BulletinEntry {
    pub id: i64,
    pub case_id: i64,
    pub case_number: String,
    pub court_id: i64,
    pub court_name: String,
    /// The case's team and officer now.
    pub team_name: Option<String>,
    pub officer_name: Option<String>,
    pub node_key: String,
    pub node_name_zh: String,
    pub node_name_en: String,
    pub kind: BulletinKind,
    pub due_on: String,
    /// The Beijing date the entry was written.
    pub date: NaiveDate,
    /// UTC milliseconds.
    pub created_at: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BulletinView {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub court_id: Option<i64>,
    /// The court the bulletin is issued for: the one asked for, or the actor's own.
    pub court_name: String,
    pub entries: Vec<BulletinEntry>,
    pub total: i64,
    pub page: u32,
    pub per_page: u32,
    pub warnings: i64,
    pub overdue: i64,
    pub locked: i64,
}

impl BulletinView {
    pub fn pages(&self) -> u32 {
        pages(self.total, self.per_page)
    }
}

/// One notification in an inbox.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InboxItem {
    pub id: i64,
    pub case_id: Option<i64>,
    pub kind: String,
    pub title_zh: String,
    pub title_en: String,
    /// UTC milliseconds.
    pub created_at: i64,
    pub read: bool,
}

impl From<NotificationRow> for InboxItem {
    fn from(n: NotificationRow) -> Self {
        InboxItem {
            id: n.id,
            case_id: n.case_id,
            kind: n.kind,
            title_zh: n.title_zh,
            title_en: n.title_en,
            created_at: n.created_at,
            read: n.read_at.is_some(),
        }
    }
}

/// A user's inbox: every unread notification (newest first), then a page of read ones.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InboxView {
    pub unread: Vec<InboxItem>,
    pub unread_count: i64,
    pub read: Vec<InboxItem>,
    pub read_total: i64,
    pub page: u32,
    pub per_page: u32,
}

impl InboxView {
    pub fn pages(&self) -> u32 {
        pages(self.read_total, self.per_page)
    }
}

/// Refuses the roles outside [`SUPERVISION_ROLES`].
pub fn may_supervise(actor: &Actor) -> AppResult<()> {
    if SUPERVISION_ROLES.contains(&actor.role) {
        Ok(())
    } else {
        Err(AppError::forbidden(
            format!("{}无权查看流程监管与通报", actor.role.name_zh()),
            format!(
                "a {} may not see supervision and bulletins",
                actor.role.name_en()
            ),
        ))
    }
}

fn parse_date(field: &str, raw: &str) -> AppResult<NaiveDate> {
    let t = raw.trim();
    NaiveDate::parse_from_str(t, "%Y-%m-%d").map_err(|_| {
        AppError::invalid(
            "bulletin.date",
            format!("{field}「{t}」不是有效日期，应为 YYYY-MM-DD（如 2026-11-01）"),
            format!("{field} \"{t}\" is not a valid date; expected YYYY-MM-DD (e.g. 2026-11-01)"),
        )
    })
}

/// A bulletin period from its two typed dates: both must be dates, the end not before the
/// start, and at most [`BULLETIN_MAX_DAYS`] days long.
pub fn parse_period(from: &str, to: &str) -> AppResult<(NaiveDate, NaiveDate)> {
    let f = parse_date("开始日期 from", from)?;
    let t = parse_date("结束日期 to", to)?;
    if t < f {
        return Err(AppError::invalid(
            "bulletin.period_reversed",
            format!("通报期间的结束日期 {t} 早于开始日期 {f}，请检查后重新选择"),
            format!("the bulletin period ends ({t}) before it starts ({f}); check the dates"),
        ));
    }
    if (t - f).num_days() + 1 > BULLETIN_MAX_DAYS {
        return Err(AppError::invalid(
            "bulletin.period_too_long",
            format!("通报期间最长 {BULLETIN_MAX_DAYS} 天（{f} 至 {t} 超出），请分段导出"),
            format!(
                "a bulletin period is at most {BULLETIN_MAX_DAYS} days ({f} to {t} is longer); export it in parts"
            ),
        ));
    }
    Ok((f, t))
}

/// UTC milliseconds of 00:00 Beijing time on `d`.
fn beijing_midnight_ms(d: NaiveDate) -> i64 {
    chrono_tz::Asia::Shanghai
        .from_local_datetime(&d.and_time(chrono::NaiveTime::MIN))
        .earliest()
        .map(|t| t.timestamp_millis())
        .unwrap_or_default()
}

/// Node names per court, looked up once per court per read.
struct Names<'a> {
    app: &'a App,
    rules: HashMap<i64, Arc<NodeRules>>,
}

impl Names<'_> {
    async fn of(&mut self, court_id: i64, key: &str) -> AppResult<(String, String)> {
        if !self.rules.contains_key(&court_id) {
            let r = self.app.node_rules(court_id).await?;
            self.rules.insert(court_id, r);
        }
        let def = self.rules.get(&court_id).and_then(|r| r.set.get(key));
        Ok(match def {
            Some(d) => (d.name_zh.clone(), d.name_en.clone()),
            None => (key.to_string(), key.to_string()),
        })
    }
}

impl App {
    /// The courts a supervision read covers: `court` (which the actor must see) or all of
    /// theirs.
    fn supervised_courts(&self, actor: &Actor, court: Option<i64>) -> AppResult<Vec<i64>> {
        match court {
            Some(c) if actor.can_see_court(c) => Ok(vec![c]),
            Some(_) => Err(AppError::NotFound),
            None => Ok(actor.visible_courts.clone()),
        }
    }

    fn court_name(&self, court_id: i64) -> String {
        self.with_courts(|t| t.get(court_id).map(|c| c.name.clone()))
            .unwrap_or_default()
    }

    /// Counts of open nodes due soon and overdue, and of locked cases, in the actor's courts
    /// (or `court`), grouped by court, team or officer.
    pub async fn supervision_summary(
        &self,
        actor: &Actor,
        group: Grouping,
        court: Option<i64>,
    ) -> AppResult<SupervisionSummary> {
        may_supervise(actor)?;
        let courts = self.supervised_courts(actor, court)?;
        let by = match group {
            Grouping::Court => GroupBy::Court,
            Grouping::Team => GroupBy::Team,
            Grouping::Officer => GroupBy::Officer,
        };
        let counts = self.store.supervision_counts(&courts, by).await?;
        let mut rows: Vec<SummaryRow> = Vec::new();
        let mut at: HashMap<(i64, Option<i64>), usize> = HashMap::new();
        for c in counts {
            let i = *at.entry((c.court_id, c.group_id)).or_insert_with(|| {
                rows.push(SummaryRow {
                    court_id: c.court_id,
                    court_name: self.court_name(c.court_id),
                    group_id: c.group_id,
                    name: match group {
                        Grouping::Court => Some(self.court_name(c.court_id)),
                        _ => c.group_name.clone(),
                    },
                    warning: 0,
                    overdue: 0,
                    locked: 0,
                });
                rows.len() - 1
            });
            let r = &mut rows[i];
            match c.status.as_str() {
                "warning" => r.warning += c.n,
                "overdue" => r.overdue += c.n,
                _ => r.locked += c.n,
            }
        }
        // Courts in the order of the actor's tree (their own first), then by name, the
        // groups without a name last.
        let order: HashMap<i64, usize> = actor
            .visible_courts
            .iter()
            .enumerate()
            .map(|(i, c)| (*c, i))
            .collect();
        rows.sort_by(|a, b| {
            (
                order.get(&a.court_id),
                a.name.is_none(),
                &a.name,
                a.group_id,
            )
                .cmp(&(
                    order.get(&b.court_id),
                    b.name.is_none(),
                    &b.name,
                    b.group_id,
                ))
        });
        Ok(SupervisionSummary {
            group,
            today: beijing_date(zhixing_store::now_ms()),
            warning: rows.iter().map(|r| r.warning).sum(),
            overdue: rows.iter().map(|r| r.overdue).sum(),
            locked: rows.iter().map(|r| r.locked).sum(),
            rows,
        })
    }

    /// The lines behind a count: open nodes in warning or overdue (oldest due date first), or
    /// locked cases with the node whose overdue locked them; a page of [`NODES_PER_PAGE`].
    pub async fn supervision_nodes(
        &self,
        actor: &Actor,
        f: &NodeListFilter,
    ) -> AppResult<NodeListPage> {
        may_supervise(actor)?;
        let courts = self.supervised_courts(actor, f.court_id)?;
        let page = f.page.max(1);
        let q = SupervisedQuery {
            court_ids: courts,
            status: f.status.key().to_string(),
            team_id: f.team,
            officer_id: f.officer,
            limit: i64::from(NODES_PER_PAGE),
            offset: i64::from(page - 1) * i64::from(NODES_PER_PAGE),
        };
        let (rows, total) = self.store.supervised_nodes(&q).await?;
        let today = beijing_date(zhixing_store::now_ms());
        let mut names = Names {
            app: self,
            rules: HashMap::new(),
        };
        let mut items = Vec::with_capacity(rows.len());
        for r in rows {
            let (name_zh, name_en) = match &r.node_key {
                Some(k) => {
                    let (zh, en) = names.of(r.court_id, k).await?;
                    (Some(zh), Some(en))
                }
                None => (None, None),
            };
            let due_on = r
                .due_on
                .as_deref()
                .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok());
            let days = due_on.map(|d| (today - d).num_days());
            items.push(NodeListItem {
                case_id: r.case_id,
                case_number: r.case_number,
                court_id: r.court_id,
                court_name: self.court_name(r.court_id),
                node_key: r.node_key,
                node_name_zh: name_zh,
                node_name_en: name_en,
                team_name: r.team_name,
                officer_name: r.officer_name,
                due_on,
                days_overdue: days.filter(|d| *d > 0 && f.status != Watch::Warning),
                days_left: days
                    .filter(|d| *d <= 0 && f.status == Watch::Warning)
                    .map(|d| -d),
            });
        }
        Ok(NodeListPage {
            filter: NodeListFilter { page, ..f.clone() },
            today,
            items,
            total,
            page,
            per_page: NODES_PER_PAGE,
        })
    }

    /// The bulletin (通报) of a period: every warning, overdue and lock entry the scheduler
    /// wrote from `from` to `to` (Beijing dates, both included) in the actor's courts (or one
    /// of them), in the order written.
    pub async fn bulletin(&self, actor: &Actor, q: &BulletinQuery) -> AppResult<BulletinView> {
        may_supervise(actor)?;
        if q.to < q.from {
            return Err(parse_period(&q.from.to_string(), &q.to.to_string()).unwrap_err());
        }
        let courts = self.supervised_courts(actor, q.court_id)?;
        let per_page = match q.per_page {
            0 => BULLETIN_PER_PAGE,
            n => n.min(BULLETIN_EXPORT_MAX),
        };
        let page = q.page.max(1);
        let from_ms = beijing_midnight_ms(q.from);
        let to_ms = beijing_midnight_ms(q.to.succ_opt().unwrap_or(q.to));
        let (rows, total) = self
            .store
            .bulletin_entries(
                &courts,
                from_ms,
                to_ms,
                i64::from(per_page),
                i64::from(page - 1) * i64::from(per_page),
            )
            .await?;
        let kinds = self
            .store
            .bulletin_kind_counts(&courts, from_ms, to_ms)
            .await?;
        let count = |k: &str| kinds.iter().filter(|(x, _)| x == k).map(|(_, n)| *n).sum();
        let mut names = Names {
            app: self,
            rules: HashMap::new(),
        };
        let mut entries = Vec::with_capacity(rows.len());
        for r in rows {
            let (node_name_zh, node_name_en) = names.of(r.court_id, &r.node_key).await?;
            entries.push(BulletinEntry {
                id: r.id,
                case_id: r.case_id,
                case_number: r.case_number,
                court_id: r.court_id,
                court_name: self.court_name(r.court_id),
                team_name: r.team_name,
                officer_name: r.officer_name,
                node_key: r.node_key,
                node_name_zh,
                node_name_en,
                kind: BulletinKind::from_key(&r.kind).unwrap_or(BulletinKind::Overdue),
                due_on: r.due_on,
                date: beijing_date(r.created_at),
                created_at: r.created_at,
            });
        }
        Ok(BulletinView {
            from: q.from,
            to: q.to,
            court_id: q.court_id,
            court_name: self.court_name(q.court_id.unwrap_or(actor.court_id)),
            entries,
            total,
            page,
            per_page,
            warnings: count("warning"),
            overdue: count("overdue"),
            locked: count("locked"),
        })
    }

    fn inbox_user(actor: &Actor) -> AppResult<i64> {
        actor.user_id.ok_or(AppError::Unauthenticated)
    }

    /// The actor's inbox: unread notifications first (all of them, newest first, up to
    /// [`INBOX_UNREAD_MAX`]), then page `page` of the read ones.
    pub async fn inbox(&self, actor: &Actor, page: u32) -> AppResult<InboxView> {
        let user = Self::inbox_user(actor)?;
        let page = page.max(1);
        let (unread, unread_count, all, read) = tokio::try_join!(
            self.store.notifications(user, true, INBOX_UNREAD_MAX, 0),
            self.store.unread_notifications(user),
            self.store.count_notifications(user),
            self.store.read_notifications(
                user,
                i64::from(INBOX_PER_PAGE),
                i64::from(page - 1) * i64::from(INBOX_PER_PAGE)
            ),
        )?;
        Ok(InboxView {
            unread: unread.into_iter().map(InboxItem::from).collect(),
            unread_count,
            read: read.into_iter().map(InboxItem::from).collect(),
            read_total: (all - unread_count).max(0),
            page,
            per_page: INBOX_PER_PAGE,
        })
    }

    /// How many of the actor's notifications are unread (the nav badge: one indexed count).
    pub async fn unread_count(&self, actor: &Actor) -> AppResult<i64> {
        let user = Self::inbox_user(actor)?;
        Ok(self.store.unread_notifications(user).await?)
    }

    /// Marks the actor's own notifications read (`ids` empty: all); returns how many changed.
    /// Not case history, so not an audited command (like sign-in sessions).
    pub async fn mark_notifications_read(&self, actor: &Actor, ids: &[i64]) -> AppResult<u64> {
        let user = Self::inbox_user(actor)?;
        if ids.len() > 1000 {
            return Err(AppError::invalid(
                "inbox.too_many",
                "一次最多标记 1000 条提醒",
                "at most 1000 notifications may be marked at once",
            ));
        }
        let mut tx = self.store.begin_write().await?;
        let n = tx.mark_notifications_read(user, ids).await?;
        tx.commit().await?;
        Ok(n)
    }
}
