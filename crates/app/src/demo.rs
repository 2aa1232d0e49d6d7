//! `zhixing demo`: a realistic, reproducible city of cases. Every case's history is walked with
//! the domain's own `lifecycle::decide`, so demo data obeys the rules the pipeline enforces; rows
//! are then written with multi-row inserts and the events chained by the store's one chain writer.

use std::collections::HashMap;
use std::time::Instant;

use chrono::{Datelike, NaiveDate, TimeZone};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::json;
use zhixing_domain::audit::canonical_payload;
use zhixing_domain::basis::BasisKind;
use zhixing_domain::case::{CaseType, ClosingMode, DormantChecklist, Stage};
use zhixing_domain::case_number::{CaseNumber, SequenceKey};
use zhixing_domain::court::CourtCode;
use zhixing_domain::event::EventKind;
use zhixing_domain::ids::{credit_check_char, resident_check_char};
use zhixing_domain::lifecycle::{
    check_not_locked, decide_allowing, CaseAction, CaseState, Happened,
};
use zhixing_domain::money::Fen;
use zhixing_domain::node::{self, NodeChangeKind, NodeInstance};
use zhixing_domain::role::Role;
use zhixing_domain::team::TeamKind;
use zhixing_domain::triage::{CaseFlag, TriageFacts};
use zhixing_store::rows::CaseRow;
use zhixing_store::supervision::NewBulletin;
use zhixing_store::{NewEvent, NewParty};

use crate::error::{AppError, AppResult};
use crate::nodes::{beijing_date, calendar, node_set, to_row};
use crate::setup::{ensure_city, CityCourt, Staff};
use crate::{Actor, App};

const DAY: i64 = 86_400_000;
const BATCH: usize = 2_000;
/// When the scheduler's daily tick runs in demo histories: five minutes after midnight, Beijing
/// time, before the day's work.
const TICK_AFTER_MIDNIGHT: i64 = 5 * 60_000;

#[derive(Debug, Clone, Copy)]
pub struct DemoOptions {
    pub cases: usize,
    pub seed: u64,
}

#[derive(Debug, Clone, Default)]
pub struct DemoSummary {
    pub cases: usize,
    pub events: usize,
    pub seconds: f64,
}

impl DemoSummary {
    pub fn cases_per_second(&self) -> f64 {
        self.cases as f64 / self.seconds.max(1e-9)
    }
}

const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "胡", "朱", "高", "林",
    "何", "郭", "马", "罗", "梁", "宋", "郑", "谢", "韩", "唐", "冯", "于", "董", "萧", "程", "曹",
    "袁", "邓", "许", "傅", "沈", "曾", "彭", "吕",
];
const GIVEN: &[&str] = &[
    "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明",
    "超", "秀英", "霞", "平", "刚", "桂英", "建国", "建华", "国强", "志强", "海燕", "晓东", "红梅",
    "文博", "子涵", "浩然", "雪", "鹏", "辉", "玉兰",
];
const FIRMS: &[&str] = &[
    "鑫源", "华通", "宏达", "中原", "太行", "怀府", "豫丰", "恒信", "盛世", "金桥", "瑞德", "新河",
];
const TRADES: &[&str] = &[
    "商贸",
    "建材",
    "置业",
    "机械制造",
    "食品",
    "物流",
    "化工",
    "建筑工程",
    "农业科技",
    "汽车销售",
    "铝业",
    "纺织",
];
const STREETS: &[&str] = &[
    "人民路",
    "解放路",
    "建设路",
    "塔南路",
    "民主路",
    "丰收路",
    "山阳路",
    "太行路",
    "迎宾路",
];
const REGIONS: &[(&str, &str)] = &[
    ("410802", "解放区"),
    ("410803", "中站区"),
    ("410804", "马村区"),
    ("410811", "山阳区"),
    ("410821", "修武县"),
    ("410822", "博爱县"),
    ("410823", "武陟县"),
    ("410825", "温县"),
    ("410882", "沁阳市"),
    ("410883", "孟州市"),
];

/// Staff names for the demo city.
pub const STAFF_NAMES: &[&str] = &[
    "张建军",
    "李红霞",
    "王志刚",
    "刘晓燕",
    "陈国庆",
    "杨丽娟",
    "赵永强",
    "黄海涛",
    "周雪梅",
    "吴俊峰",
    "徐立新",
    "孙亚楠",
    "胡文斌",
    "朱晓光",
    "高玉洁",
    "林振华",
    "何佳琪",
    "郭明亮",
    "马春燕",
    "罗志勇",
    "梁晓东",
    "宋丽萍",
    "郑卫东",
    "谢晓静",
    "韩冬梅",
    "唐建平",
    "冯少华",
    "于海波",
    "董晓红",
    "程志远",
    "曹丽华",
    "袁国栋",
    "邓晓峰",
    "许文静",
    "傅建伟",
    "沈玉梅",
];

struct Skeleton {
    court: usize,
    case_type: CaseType,
    filed_at: i64,
    seq: i64,
    year: u16,
}

impl App {
    /// Creates the demo city (if missing) and `opts.cases` cases with their histories.
    pub async fn generate_demo(
        &self,
        opts: DemoOptions,
        mut progress: impl FnMut(usize),
    ) -> AppResult<DemoSummary> {
        let started = Instant::now();
        let city = ensure_city(self, STAFF_NAMES).await?;
        let mut rng = StdRng::seed_from_u64(opts.seed);
        // Locks for overdue nodes are the scheduler's, under its name.
        let supervision = crate::nodes::supervision_actor(self);
        // Histories run up to the start of today (Beijing time), so the same seed gives the same
        // city all day long.
        let now = start_of_today(zhixing_store::now_ms());
        let span = 3 * 365 * DAY;
        let total_weight: u32 = city.iter().map(|c| c.weight).sum();

        let mut skeletons: Vec<Skeleton> = (0..opts.cases)
            .map(|_| {
                let mut w = rng.gen_range(0..total_weight);
                let court = city
                    .iter()
                    .position(|c| {
                        if w < c.weight {
                            true
                        } else {
                            w -= c.weight;
                            false
                        }
                    })
                    .unwrap_or(0);
                let case_type = match rng.gen_range(0..100) {
                    0..=77 => CaseType::First,
                    78..=87 => CaseType::Preservation,
                    88..=95 => CaseType::Restored,
                    96..=97 => CaseType::Objection,
                    _ => CaseType::Review,
                };
                let offset = rng.gen_range(0..span);
                let filed_at = working_time(&mut rng, now - span + offset);
                Skeleton {
                    court,
                    case_type,
                    filed_at: filed_at.min(now - 60_000),
                    seq: 0,
                    year: 0,
                }
            })
            .collect();
        skeletons.sort_by_key(|s| s.filed_at);

        // Case numbers continue each court + type + year sequence in filing order.
        let mut seqs: HashMap<String, i64> = HashMap::new();
        {
            let mut tx = self.store.begin_write().await?;
            for s in skeletons.iter_mut() {
                s.year = crate::commands::shanghai_year(s.filed_at);
                let key = seq_key(&city[s.court], s.case_type, s.year)?;
                let next = match seqs.get(&key) {
                    Some(v) => v + 1,
                    None => tx.case_seq(&key).await? + 1,
                };
                seqs.insert(key, next);
                s.seq = next;
            }
            tx.commit().await?;
        }

        let mut summary = DemoSummary::default();
        for chunk in skeletons.chunks(BATCH) {
            let mut tx = self.store.begin_write().await?;
            let mut next_case = tx.max_id("cases").await?;
            let mut next_party = tx.max_id("parties").await?;
            let mut cases = Vec::with_capacity(chunk.len());
            let mut parties = Vec::with_capacity(chunk.len() * 3);
            let mut links = Vec::with_capacity(chunk.len() * 3);
            let mut events = Vec::with_capacity(chunk.len() * 10);
            let mut nodes = Vec::with_capacity(chunk.len() * 6);
            let mut bulletins = Vec::with_capacity(chunk.len());
            let mut closing = Vec::new();
            let mut accounts = Vec::with_capacity(chunk.len());
            let mut fund_entries = Vec::new();
            for s in chunk {
                next_case += 1;
                let court = &city[s.court];
                let g = generate_case(&mut rng, court, s, next_case, now, &supervision)?;
                // The case's account and the ledger of its receipts and payouts (to the first
                // applicant), as the funds commands would have written them.
                let payee = g
                    .parties
                    .iter()
                    .position(|(role, _)| *role == "applicant")
                    .map(|i| (next_party + 1 + i as i64, g.parties[i].1.name.as_str()));
                let (account, ledger) = crate::funds::bulk_ledger(
                    &court.code,
                    &zhixing_domain::funds::FundSettings::default_for(&court.name),
                    next_case,
                    court.court_id,
                    s.filed_at,
                    &g.events,
                    payee,
                );
                accounts.push(account);
                fund_entries.extend(ledger);
                for (role, p) in g.parties {
                    next_party += 1;
                    links.push((
                        next_case,
                        next_party,
                        role.to_string(),
                        links_pos(&links, next_case, role),
                    ));
                    parties.push((next_party, p));
                }
                events.extend(g.events);
                if let Some(closed_at) = g.row.closed_at {
                    closing.push(crate::metrics::closing_facts_of(
                        next_case,
                        g.row.filed_at,
                        closed_at,
                        &g.nodes,
                    )?);
                }
                nodes.extend(g.nodes);
                bulletins.extend(g.bulletins);
                cases.push(g.row);
            }
            tx.insert_cases_with_ids(&cases).await?;
            tx.set_closing_facts(&closing).await?;
            tx.insert_parties_with_ids(&parties).await?;
            tx.link_parties(&links).await?;
            tx.append_events(&events).await?;
            tx.insert_nodes_bulk(&nodes).await?;
            tx.insert_bulletins_at(&bulletins).await?;
            tx.insert_case_accounts_bulk(&accounts).await?;
            tx.insert_fund_entries_bulk(&fund_entries).await?;
            for s in chunk {
                let key = seq_key(&city[s.court], s.case_type, s.year)?;
                if let Some(last) = seqs.remove(&key) {
                    tx.raise_case_seq(&key, last).await?;
                }
            }
            tx.commit().await?;
            summary.cases += chunk.len();
            summary.events += events.len();
            progress(chunk.len());
        }
        let engine = self.store.engine();
        let mut tx = self.store.begin_write().await?;
        for t in ["cases", "parties"] {
            tx.sync_identity(engine, t).await?;
        }
        tx.rebuild_officer_loads().await?;
        tx.commit().await?;
        // The demo's 终本 cases in the dormant-case library, as closing would have entered them.
        self.enter_unlisted_dormant(zhixing_store::now_ms()).await?;
        self.store.analyze().await?;
        summary.seconds = started.elapsed().as_secs_f64();
        Ok(summary)
    }
}

fn links_pos(links: &[(i64, i64, String, i64)], case_id: i64, role: &str) -> i64 {
    links
        .iter()
        .rev()
        .take_while(|l| l.0 == case_id)
        .filter(|l| l.2 == role)
        .count() as i64
}

fn seq_key(court: &CityCourt, t: CaseType, year: u16) -> AppResult<String> {
    Ok(SequenceKey {
        court: CourtCode::parse(&court.code)?,
        case_type: t,
        year,
    }
    .key_string())
}

/// A moment between 08:30 and 17:30 Beijing time on the same day.
fn working_time(rng: &mut StdRng, ms: i64) -> i64 {
    let tz = chrono_tz::Asia::Shanghai;
    let Some(t) = tz.timestamp_millis_opt(ms).single() else {
        return ms;
    };
    let mut day = t.date_naive();
    // Courts do not file on Sundays; move to Monday.
    if day.weekday() == chrono::Weekday::Sun {
        day = day.succ_opt().unwrap_or(day);
    }
    let minutes = rng.gen_range(510..1050);
    let local = day
        .and_hms_opt(minutes / 60, minutes % 60, rng.gen_range(0..60))
        .unwrap_or(t.naive_local());
    tz.from_local_datetime(&local)
        .single()
        .map(|d| d.timestamp_millis())
        .unwrap_or(ms)
}

struct Generated {
    row: CaseRow,
    parties: Vec<(&'static str, NewParty)>,
    events: Vec<NewEvent>,
    nodes: Vec<zhixing_store::nodes::NodeRow>,
    /// The bulletin entries the scheduler wrote for the case, each with its moment.
    bulletins: Vec<(NewBulletin, i64)>,
}

fn person(rng: &mut StdRng) -> NewParty {
    let (region, district) = REGIONS[rng.gen_range(0..REGIONS.len())];
    let birth = chrono::NaiveDate::from_ymd_opt(
        rng.gen_range(1955..2001),
        rng.gen_range(1..13),
        rng.gen_range(1..29),
    )
    .unwrap_or_default();
    let body = format!(
        "{region}{}{:03}",
        birth.format("%Y%m%d"),
        rng.gen_range(0..1000)
    );
    let id = format!("{body}{}", resident_check_char(&body));
    let name = format!(
        "{}{}",
        SURNAMES[rng.gen_range(0..SURNAMES.len())],
        GIVEN[rng.gen_range(0..GIVEN.len())]
    );
    NewParty {
        kind: "person".into(),
        name,
        id_number: id,
        phone: Some(format!(
            "1{}{:09}",
            rng.gen_range(3..10),
            rng.gen_range(0..1_000_000_000u32)
        )),
        address: Some(address(rng, district)),
    }
}

fn organisation(rng: &mut StdRng) -> NewParty {
    const ALPHABET: &[u8] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
    let (region, district) = REGIONS[rng.gen_range(0..REGIONS.len())];
    let org: String = (0..9)
        .map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char)
        .collect();
    let body = format!("91{region}{org}");
    let code = format!("{body}{}", credit_check_char(&body));
    let name = format!(
        "焦作市{}{}有限公司",
        FIRMS[rng.gen_range(0..FIRMS.len())],
        TRADES[rng.gen_range(0..TRADES.len())]
    );
    NewParty {
        kind: "organisation".into(),
        name,
        id_number: code,
        phone: Some(format!("0391-{}", rng.gen_range(2_000_000..9_000_000))),
        address: Some(address(rng, district)),
    }
}

fn address(rng: &mut StdRng, district: &str) -> String {
    format!(
        "河南省焦作市{district}{}{}号",
        STREETS[rng.gen_range(0..STREETS.len())],
        rng.gen_range(1..400)
    )
}

/// Long-tailed claims: most under 50,000 yuan, a few in the millions.
fn claim(rng: &mut StdRng) -> Fen {
    let u1: f64 = rng.gen_range(1e-9..1.0);
    let u2: f64 = rng.gen_range(0.0..1.0);
    let normal = (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos();
    let yuan = (30_000f64.ln() + 1.4 * normal)
        .exp()
        .clamp(800.0, 80_000_000.0);
    // Amounts owed are usually whole yuan, often with interest making cents.
    let fen = (yuan * 100.0) as i64;
    Fen(if rng.gen_bool(0.6) {
        fen / 100 * 100
    } else {
        fen
    })
}

enum Plan {
    Completed,
    Dormant,
    Terminated,
    Withdrawn,
}

/// The case row, its parties and its events, walked through `decide` from filing to wherever
/// it would be today.
fn generate_case(
    rng: &mut StdRng,
    court: &CityCourt,
    s: &Skeleton,
    case_id: i64,
    now: i64,
    supervision: &Actor,
) -> AppResult<Generated> {
    let claim = claim(rng);
    let applicants = if rng.gen_bool(0.1) { 2 } else { 1 };
    let debtors = match rng.gen_range(0..10) {
        0..=6 => 1,
        7..=8 => 2,
        _ => 3,
    };
    let mut parties = Vec::new();
    for _ in 0..applicants {
        parties.push((
            "applicant",
            if rng.gen_bool(0.45) {
                organisation(rng)
            } else {
                person(rng)
            },
        ));
    }
    for _ in 0..debtors {
        parties.push((
            "debtor",
            if rng.gen_bool(0.35) {
                organisation(rng)
            } else {
                person(rng)
            },
        ));
    }
    let name_list = |role: &str| {
        parties
            .iter()
            .filter(|p| p.0 == role)
            .map(|p| p.1.name.as_str())
            .collect::<Vec<_>>()
            .join("、")
    };
    let number = CaseNumber::new(
        &SequenceKey {
            court: CourtCode::parse(&court.code)?,
            case_type: s.case_type,
            year: s.year,
        },
        s.seq as u32,
    )?
    .to_string();
    let mut search = number.clone();
    for (_, p) in &parties {
        search.push(' ');
        search.push_str(&p.name);
        search.push(' ');
        search.push_str(&p.id_number);
    }
    let basis_kind = match rng.gen_range(0..20) {
        0..=9 => BasisKind::Judgment,
        10..=15 => BasisKind::Mediation,
        16 => BasisKind::Ruling,
        17..=18 => BasisKind::ArbitralAward,
        _ => BasisKind::NotarisedInstrument,
    };
    let basis_year = crate::commands::shanghai_year(s.filed_at - 60 * DAY);
    let (basis_court, basis_number) = match basis_kind {
        BasisKind::ArbitralAward => (
            "焦作仲裁委员会".to_string(),
            format!("焦仲裁字〔{basis_year}〕第{}号", rng.gen_range(1..900)),
        ),
        BasisKind::NotarisedInstrument => (
            "焦作市公证处".to_string(),
            format!("（{basis_year}）焦证民字第{}号", rng.gen_range(1..3000)),
        ),
        _ if rng.gen_bool(0.85) => (
            court.name.clone(),
            format!(
                "（{basis_year}）{}民初{}号",
                court.code,
                rng.gen_range(1..6000)
            ),
        ),
        _ => (
            "焦作市中级人民法院".to_string(),
            format!("（{basis_year}）豫08民终{}号", rng.gen_range(1..3000)),
        ),
    };
    let basis_date = shanghai_date(s.filed_at - rng.gen_range(15..240) * DAY);

    let mut row = CaseRow {
        id: case_id,
        court_id: court.court_id,
        case_number: number.clone(),
        year: i64::from(s.year),
        case_type: s.case_type.key().to_string(),
        seq: s.seq,
        stage: Stage::Filed.key().to_string(),
        suspended: 0,
        locked: 0,
        closing_mode: None,
        claim_fen: claim.0,
        recovered_fen: 0,
        held_fen: 0,
        basis_court,
        basis_number,
        basis_kind: basis_kind.key().to_string(),
        basis_date,
        team_id: None,
        officer_id: None,
        applicant_names: name_list("applicant"),
        debtor_names: name_list("debtor"),
        search_text: search,
        filed_at: s.filed_at,
        closed_at: None,
        version: 1,
    };

    let mut h = History {
        events: Vec::new(),
        state: CaseState {
            stage: Stage::Filed,
            held: Fen(0),
            recovered: Fen(0),
            suspended: false,
            locked: false,
            closing_mode: None,
            team_id: None,
            officer_id: None,
        },
        court_id: court.court_id,
        case_id,
        now,
        t: s.filed_at,
        last_at: s.filed_at,
        versions: 0,
        nodes: Vec::new(),
        next_check: Vec::new(),
        bulletins: Vec::new(),
        supervision,
        ended: false,
    };
    let clerk = &court.clerks[rng.gen_range(0..court.clerks.len())];
    h.record(clerk, s.filed_at, Happened {
        kind: EventKind::CaseFiled,
        payload: json!({"case_number": number, "case_type": s.case_type.key(), "claim_fen": claim.0}),
    })?;
    // Same-day network inquiry for every debtor (the Jiaozuo practice).
    for p in parties.iter().filter(|p| p.0 == "debtor") {
        h.record(
            clerk,
            s.filed_at + 60_000,
            Happened {
                kind: EventKind::InquiryStarted,
                payload: json!({"summary": format!("对被执行人{}发起网络查控", p.1.name)}),
            },
        )?;
    }

    walk(rng, &mut h, court, s, claim, debtors, clerk)?;
    // The scheduler's ticks up to yesterday's; today's tick has today's work.
    h.supervise(beijing_date(now - DAY), now)?;

    row.stage = h.state.stage.key().to_string();
    row.suspended = i64::from(h.state.suspended);
    row.locked = i64::from(h.state.locked);
    row.closing_mode = h.state.closing_mode.map(|m| m.key().to_string());
    row.team_id = h.state.team_id;
    row.officer_id = h.state.officer_id;
    row.recovered_fen = h.state.recovered.0;
    row.held_fen = h.state.held.0;
    row.version = 1 + h.versions;
    row.closed_at = h
        .events
        .iter()
        .rev()
        .find(|e| e.kind == EventKind::CaseClosed.key())
        .map(|e| e.occurred_at);
    let nodes = h
        .nodes
        .iter()
        .zip(&h.next_check)
        .map(|(i, next)| to_row(0, court.court_id, i, *next))
        .collect();
    Ok(Generated {
        row,
        parties,
        events: h.events,
        nodes,
        bulletins: h.bulletins,
    })
}

fn start_of_today(ms: i64) -> i64 {
    start_of_day(beijing_date(ms))
}

/// Midnight at the start of a Beijing date, as UTC milliseconds.
fn start_of_day(d: NaiveDate) -> i64 {
    let tz = chrono_tz::Asia::Shanghai;
    d.and_hms_opt(0, 0, 0)
        .and_then(|d| tz.from_local_datetime(&d).single())
        .map(|d| d.timestamp_millis())
        .unwrap_or_default()
}

fn shanghai_date(ms: i64) -> String {
    chrono_tz::Asia::Shanghai
        .timestamp_millis_opt(ms)
        .single()
        .map(|d| d.format("%Y-%m-%d").to_string())
        .unwrap_or_default()
}

/// A case's story as it is walked: its events, its state, and its process nodes as the pipeline
/// and the scheduler keep them — each event `react`s on the nodes on its Beijing date, and
/// between events the scheduler's daily ticks send warnings and overdue bulletins and lock the
/// case when a locking node is overdue, as `App::supervise_once` would have.
struct History<'a> {
    events: Vec<NewEvent>,
    state: CaseState,
    court_id: i64,
    case_id: i64,
    now: i64,
    /// When the last action happened (the next is paced from it).
    t: i64,
    /// When the last event happened (an action's, or a lock by the scheduler).
    last_at: i64,
    versions: i64,
    nodes: Vec<NodeInstance>,
    /// Each node's next check, as stored (`next_check_on`).
    next_check: Vec<Option<NaiveDate>>,
    bulletins: Vec<(NewBulletin, i64)>,
    /// The scheduler, which locks cases.
    supervision: &'a Actor,
    /// The story ended at a lock for an overdue node: later actions are refused.
    ended: bool,
}

impl History<'_> {
    fn record(&mut self, who: &Staff, at: i64, h: Happened) -> AppResult<()> {
        self.record_as(Some(who.user_id), &who.name, who.role, at, h)
    }

    fn record_as(
        &mut self,
        actor_id: Option<i64>,
        name: &str,
        role: Role,
        at: i64,
        h: Happened,
    ) -> AppResult<()> {
        let kind = h.kind;
        self.events.push(NewEvent {
            court_id: self.court_id,
            case_id: Some(self.case_id),
            occurred_at: at,
            actor_id,
            actor_name: name.to_string(),
            actor_role: role.key().to_string(),
            kind: kind.key().to_string(),
            payload: canonical_payload(&h.payload),
        });
        self.last_at = at;
        self.react(kind, beijing_date(at))
    }

    /// What the pipeline does with each case event (`nodes::react_in_tx`): the nodes react; a
    /// pausing node opened while the case is suspended starts paused; a changed node left in
    /// warning or overdue is recorded as running and due for a check that day, so that the
    /// scheduler sends its bulletin.
    fn react(&mut self, kind: EventKind, date: NaiveDate) -> AppResult<()> {
        let defs = node_set();
        let changes = node::react(defs, &self.nodes, kind, date, self.case_id, calendar())?;
        for mut c in changes {
            if c.kind == NodeChangeKind::Opened
                && self.state.suspended
                && defs
                    .get(&c.instance.node_key)
                    .is_some_and(|d| d.pauses_on_suspension)
            {
                c.instance = c.instance.pause(date)?;
            }
            let (inst, next) = c.instance.settle(date);
            match c.existing {
                Some(i) => {
                    self.nodes[i] = inst;
                    self.next_check[i] = next;
                }
                None => {
                    self.nodes.push(inst);
                    self.next_check.push(next);
                }
            }
        }
        Ok(())
    }

    /// The scheduler's ticks on every day up to `until` on which a node is due for a check
    /// (`App::supervise_once`): warning and overdue bulletins once each, and the case locked —
    /// through `decide`, as the system — when a locking node of an open, unlocked case becomes
    /// overdue. A tick runs just after midnight, after the case's last event and before
    /// `before` (the moment of the action that waits for it).
    fn supervise(&mut self, until: NaiveDate, before: i64) -> AppResult<()> {
        let defs = node_set();
        while let Some(day) = self
            .next_check
            .iter()
            .flatten()
            .min()
            .copied()
            .filter(|d| *d <= until)
        {
            let at = (start_of_day(day) + TICK_AFTER_MIDNIGHT)
                .max(self.last_at + 1_000)
                .min(before - 1_000);
            let mut lock: Option<usize> = None;
            for i in 0..self.nodes.len() {
                if self.next_check[i] != Some(day) {
                    continue;
                }
                let tick = self.nodes[i].tick(day);
                let (warning, overdue) = (tick.warning, tick.overdue);
                self.nodes[i] = tick.instance;
                self.next_check[i] = tick.next_check_on;
                if warning {
                    self.bulletin(i, "warning", at);
                }
                if overdue {
                    self.bulletin(i, "overdue", at);
                    if lock.is_none()
                        && !self.state.locked
                        && self.state.stage.is_open()
                        && defs
                            .get(&self.nodes[i].node_key)
                            .is_some_and(|d| d.lock_on_overdue)
                    {
                        lock = Some(i);
                    }
                }
            }
            if let Some(i) = lock {
                self.lock_for_node(i, at)?;
            }
        }
        Ok(())
    }

    /// The scheduler's lock for an overdue node, with its reason (`App::lock_for_nodes`).
    fn lock_for_node(&mut self, i: usize, at: i64) -> AppResult<()> {
        let inst = &self.nodes[i];
        let Some(def) = node_set().get(&inst.node_key) else {
            return Ok(());
        };
        let reason = node::overdue_lock_reason(
            &def.name_zh,
            &inst.due_on.to_string(),
            def.unlock_level.name_zh(),
        );
        let (next, happened) = decide_allowing(&self.state, &CaseAction::Lock { reason }, &[])
            .map_err(|e| AppError::Internal(format!("demo lock broke a rule: {e}")))?;
        self.state = next;
        self.versions += 1;
        let who = self.supervision;
        for h in happened {
            self.record_as(who.user_id, &who.display_name, who.role, at, h)?;
        }
        self.bulletin(i, "locked", at);
        Ok(())
    }

    /// A bulletin entry for node `i`, written at `at`.
    fn bulletin(&mut self, i: usize, kind: &str, at: i64) {
        let inst = &self.nodes[i];
        self.bulletins.push((
            NewBulletin {
                court_id: self.court_id,
                case_id: self.case_id,
                node_key: inst.node_key.clone(),
                kind: kind.to_string(),
                due_on: inst.due_on.to_string(),
            },
            at,
        ));
    }

    /// Applies an action `days` after the previous one, unless that moment is still to come
    /// (returns false: the story has reached today) or the scheduler has locked the case by
    /// then for an overdue node and the action is not on the lock whitelist. From such a lock
    /// on the case's story has ended: nothing more is recorded, but the walk goes on drawing
    /// the same random numbers as if it had not, so that the cases after it are the same as
    /// without supervision.
    fn act(
        &mut self,
        rng: &mut StdRng,
        who: &Staff,
        days: (i64, i64),
        action: CaseAction,
    ) -> AppResult<bool> {
        let at = self.t + rng.gen_range(days.0 * DAY..=days.1 * DAY).max(60_000);
        if at >= self.now {
            return Ok(false);
        }
        if !self.ended {
            self.supervise(beijing_date(at), at)?;
        }
        let whitelist = &node_set().lock_whitelist;
        if self.ended || check_not_locked(&self.state, &action, whitelist).is_err() {
            self.ended = true;
            self.t = at;
            return Ok(true);
        }
        let (next, happened) = decide_allowing(&self.state, &action, whitelist).map_err(|e| {
            AppError::Internal(format!("demo history broke a rule: {e} ({})", action.key()))
        })?;
        // Nodes opened by the action see the case as the action leaves it (suspended or not).
        self.state = next;
        for h in happened {
            self.record(who, at, h)?;
        }
        self.t = at;
        self.versions += 1;
        Ok(true)
    }
}

fn walk(
    rng: &mut StdRng,
    h: &mut History,
    court: &CityCourt,
    s: &Skeleton,
    claim: Fen,
    debtors: u32,
    clerk: &Staff,
) -> AppResult<()> {
    // Triage with the court's own preset rules (RULES.md §6), exactly as filing does.
    let mut facts = TriageFacts::new(s.case_type, claim);
    facts.debtors = debtors;
    facts.debtor_locatable = rng.gen_bool(0.92);
    if claim.0 >= Fen::from_yuan(5_000_000).0 && rng.gen_bool(0.3) {
        facts.flags.insert(CaseFlag::MajorDifficult);
    }
    let rules = crate::triage::preset_for(&court.code);
    let routing = rules
        .route(&facts)
        .ok_or_else(|| AppError::Internal("demo preset left a case unrouted".into()))?;
    let team = court
        .teams
        .iter()
        .find(|t| t.kind == routing.target)
        .or_else(|| court.teams.iter().find(|t| t.kind == TeamKind::Ordinary))
        .ok_or_else(|| AppError::Internal("demo court has no ordinary team".into()))?;
    let reason = format!(
        "按分流规则第 {} 条「{}」：{}",
        routing.rule_index + 1,
        routing.rule_name,
        routing.reason_zh
    );
    let chief = &court.chief;
    let fast = team.kind == TeamKind::Fast;
    if !h.act(
        rng,
        chief,
        (0, 1),
        CaseAction::AssignTeam {
            team_id: team.id,
            team_name: team.name.clone(),
            reason,
        },
    )? {
        return Ok(());
    }
    let leader = team
        .members
        .iter()
        .find(|m| m.role == Role::TeamLeader)
        .unwrap_or(chief);
    let officers: Vec<&Staff> = team
        .members
        .iter()
        .filter(|m| m.role == Role::Officer)
        .collect();
    let officer = if officers.is_empty() {
        leader
    } else {
        officers[rng.gen_range(0..officers.len())]
    };
    let judge = team
        .members
        .iter()
        .find(|m| m.role == Role::Judge)
        .unwrap_or(chief);
    if !h.act(
        rng,
        leader,
        (0, 2),
        CaseAction::AssignOfficer {
            officer_id: officer.user_id,
            officer_name: officer.name.clone(),
            reason: None,
        },
    )? {
        return Ok(());
    }
    if !h.act(rng, clerk, (0, 3), CaseAction::IssueNotice)? {
        return Ok(());
    }
    if !h.act(
        rng,
        officer,
        (0, 1),
        CaseAction::MoveStage {
            to: Stage::Investigation,
        },
    )? {
        return Ok(());
    }
    let plan = match rng.gen_range(0..100) {
        0..=47 => Plan::Completed,
        48..=79 => Plan::Dormant,
        80..=89 => Plan::Terminated,
        _ => Plan::Withdrawn,
    };
    let found = match plan {
        Plan::Completed => claim,
        Plan::Dormant if rng.gen_bool(0.4) => Fen(claim.0 * rng.gen_range(5..60) / 100),
        _ => Fen(0),
    };
    let summary = if found.is_positive() {
        format!("查询到被执行人银行存款 {found} 元")
    } else {
        "未查询到可供执行的财产".to_string()
    };
    let pace = if fast { (3, 12) } else { (7, 40) };
    if !h.act(rng, officer, pace, CaseAction::RecordInquiry { summary })? {
        return Ok(());
    }
    if found.is_positive() {
        if !h.act(
            rng,
            officer,
            pace,
            CaseAction::ReceiveFunds { amount: found },
        )? {
            return Ok(());
        }
        if !h.act(
            rng,
            officer,
            (0, 2),
            CaseAction::MoveStage {
                to: Stage::Distribution,
            },
        )? {
            return Ok(());
        }
        if !h.act(
            rng,
            officer,
            (1, 20),
            CaseAction::DisburseFunds { amount: found },
        )? {
            return Ok(());
        }
    }
    // A few open cases are suspended or locked for running over their time limits.
    if rng.gen_bool(0.03) {
        h.act(
            rng,
            judge,
            pace,
            CaseAction::Suspend {
                reason: "被执行人申请破产，依法中止执行".into(),
            },
        )?;
        return Ok(());
    }
    let dormant = matches!(plan, Plan::Dormant);
    let wait = if dormant { (95, 150) } else { pace };
    if !h.act(
        rng,
        officer,
        wait,
        CaseAction::MoveStage { to: Stage::Closing },
    )? {
        return Ok(());
    }
    if rng.gen_bool(0.01) {
        h.act(
            rng,
            chief,
            (3, 10),
            CaseAction::Lock {
                reason: "结案审查超期，流程节点锁定".into(),
            },
        )?;
        return Ok(());
    }
    let (mode, checklist) = match plan {
        Plan::Completed => (ClosingMode::Completed, None),
        Plan::Dormant => (
            ClosingMode::Dormant,
            Some(DormantChecklist {
                notice_and_report_order_issued: true,
                restriction_order_issued: true,
                blacklisted_where_eligible: true,
                investigation_exhausted: true,
                months_since_filing_over_3: true,
                missing_debtor_searched: true,
                applicant_heard: true,
            }),
        ),
        Plan::Terminated => (ClosingMode::Terminated, None),
        Plan::Withdrawn => (ClosingMode::Withdrawn, None),
    };
    if !h.act(
        rng,
        judge,
        (1, 7),
        CaseAction::Close {
            mode,
            dormant: checklist,
        },
    )? {
        return Ok(());
    }
    h.act(rng, clerk, (20, 60), CaseAction::Archive)?;
    Ok(())
}
