//! Staff pages: one askama template struct per page, filled by the handlers from the read models
//! in `zhixing_app::views`. Pages only present; they decide nothing.
//!
//! Every page extends `templates/base.html`, which needs what the [`Page`] trait gives: the
//! language, the signed-in user (if any), the CSRF token for the logout form and the path the
//! language switch returns to. Templates call `t("cases.title")` for every fixed text (see `i18n`),
//! `label(x)` for a domain enum's name in the page's language, and `date`/`datetime` for times.
//!
//! Render with [`render_page`] (or each struct's `render()`), which never fails: a template error
//! is logged and replaced by a short plain-text apology.

use std::borrow::Borrow;

use askama::Template;
use zhixing_app::views::{
    CaseDetail, CaseFilter, CasePage, CaseParty, CurrentUser, FilterOptions, TimelineEntry,
};
use zhixing_domain::basis::BasisKind;
use zhixing_domain::case::{CaseType, ClosingMode, Stage};
use zhixing_domain::event::EventKind;
use zhixing_domain::party::PartyRole;
use zhixing_domain::role::Role;

use crate::format;
use crate::i18n::{self, Lang};
use crate::intake::{FieldError, LoadedReception, PartyRequest, ReceptionRequest};
use zhixing_app::intake::ReceptionInput;
use zhixing_domain::party::{Party, PartyIdentity};
use zhixing_domain::reception::{AssetKind, NoticeItem};
use zhixing_domain::triage::CaseFlag;

/// What is shown when a template fails to render (a bug, never the user's fault).
pub const RENDER_FAILED: &str =
    "页面生成出错，请稍后重试；如仍不能打开，请联系系统管理员。(The page could not be displayed.)";

/// Renders any page; on a template error logs it and returns [`RENDER_FAILED`].
pub fn render_page<T: Template>(page: &T) -> String {
    page.render().unwrap_or_else(|e| {
        tracing::error!(error = %e, "page template failed to render");
        RENDER_FAILED.to_string()
    })
}

/// A domain enum's name in either language.
pub trait Label: Copy {
    fn zh(self) -> &'static str;
    fn en(self) -> &'static str;
    fn in_lang(self, lang: Lang) -> &'static str {
        match lang {
            Lang::Zh => self.zh(),
            Lang::En => self.en(),
        }
    }
}

macro_rules! label_by_name {
    ($($t:ty),* $(,)?) => {$(
        impl Label for $t {
            fn zh(self) -> &'static str { self.name_zh() }
            fn en(self) -> &'static str { self.name_en() }
        }
    )*};
}
label_by_name!(Stage, CaseType, ClosingMode, PartyRole, Role, BasisKind);

/// Templates pass arguments by reference.
impl<T: Label> Label for &T {
    fn zh(self) -> &'static str {
        (*self).zh()
    }
    fn en(self) -> &'static str {
        (*self).en()
    }
}

impl Label for EventKind {
    fn zh(self) -> &'static str {
        self.label_zh()
    }
    fn en(self) -> &'static str {
        self.label_en()
    }
}

/// `impl Page` for a signed-in staff page: its struct holds `lang`, `user` and `csrf` (directly,
/// or in the field named by `via`). `section` is its main-nav entry, `home` whether it is that
/// entry's own page, and `back` is the path the language switch returns to (a literal, or a
/// closure-like `|p| …` computing it from the page).
macro_rules! staff_page {
    ($ty:ty $(, via = $via:ident)?, section = $section:literal, home = $home:literal,
     back = $back:literal) => {
        staff_page!($ty $(, via = $via)?, section = $section, home = $home,
            back = |_page| $back.to_string());
    };
    ($ty:ty $(, via = $via:ident)?, section = $section:literal, home = $home:literal,
     back = |$p:ident| $back:expr) => {
        impl $crate::pages::Page for $ty {
            fn page_lang(&self) -> $crate::i18n::Lang {
                self.lang
            }
            fn nav_section(&self) -> &'static str {
                $section
            }
            fn is_section_home(&self) -> bool {
                $home
            }
            fn current_user(&self) -> Option<&zhixing_app::views::CurrentUser> {
                Some(&self$(.$via)?.user)
            }
            fn csrf_token(&self) -> Option<&str> {
                Some(&self$(.$via)?.csrf)
            }
            fn back_path(&self) -> String {
                let $p = self;
                $back
            }
        }
    };
}
pub(crate) use staff_page;

/// What the layout (`base.html`) and every page template may call on `self`.
pub trait Page {
    fn page_lang(&self) -> Lang;
    fn current_user(&self) -> Option<&CurrentUser> {
        None
    }
    /// The CSRF token for the logout form; `None` hides the form.
    fn csrf_token(&self) -> Option<&str> {
        None
    }
    /// Path and query of this page, where the language switch comes back to.
    fn back_path(&self) -> String;
    /// The main-nav entry this page belongs to ("cases"), or "" for none.
    fn nav_section(&self) -> &'static str {
        ""
    }
    /// Whether this page is the nav entry's own page (the list) rather than one inside it.
    fn is_section_home(&self) -> bool {
        false
    }

    fn t(&self, key: &str) -> &'static str {
        i18n::t(self.page_lang(), key)
    }
    fn label<L: Label>(&self, x: L) -> &'static str {
        x.in_lang(self.page_lang())
    }
    fn tf(&self, key: &str, a: impl std::fmt::Display) -> String {
        i18n::tf(self.page_lang(), key, &[&a])
    }
    fn tf2(&self, key: &str, a: impl std::fmt::Display, b: impl std::fmt::Display) -> String {
        i18n::tf(self.page_lang(), key, &[&a, &b])
    }
    fn date(&self, ms_utc: impl Borrow<i64>) -> String {
        format::date(*ms_utc.borrow())
    }
    fn datetime(&self, ms_utc: impl Borrow<i64>) -> String {
        format::datetime(*ms_utc.borrow())
    }
    fn iso(&self, ms_utc: impl Borrow<i64>) -> String {
        format::iso(*ms_utc.borrow())
    }
    /// `/lang?to=en&back=%2Fcases%3F…`: switches to the other language and returns here.
    fn lang_switch_href(&self) -> String {
        format!(
            "/lang?to={}&back={}",
            self.page_lang().other().code(),
            format::url_encode(&self.back_path())
        )
    }
}

/// `/cases?<filters>&page=n`, keeping the filters of the current list.
fn cases_href(query_string_without_page: &str, page: u32) -> String {
    let qs = query_string_without_page
        .trim_start_matches('?')
        .trim_matches('&');
    match (qs.is_empty(), page) {
        (true, 1) => "/cases".to_string(),
        (true, n) => format!("/cases?page={n}"),
        (false, 1) => format!("/cases?{qs}"),
        (false, n) => format!("/cases?{qs}&page={n}"),
    }
}

/// Whether the list is narrowed by anything but paging.
fn is_filtered(f: &CaseFilter) -> bool {
    f.court_id.is_some()
        || f.stage.is_some()
        || f.team_id.is_some()
        || f.officer_id.is_some()
        || f.case_type.is_some()
        || f.year.is_some()
        || f.q.as_deref().is_some_and(|q| !q.trim().is_empty())
}

// ---------------------------------------------------------------------------------------------
// Login

/// The sign-in form. Posts `username`, `password`, `csrf` and `next` to `/login`.
#[derive(Template, Debug, Clone)]
#[template(path = "login.html")]
pub struct LoginPage {
    pub lang: Lang,
    /// Shown above the form, already in the page's language (e.g. "用户名或密码不正确").
    pub error: Option<String>,
    /// Refilled after a failed attempt; never the password.
    pub username: String,
    pub csrf: String,
    /// Where to go after signing in (a local path; the handler must check it).
    pub next: String,
}

impl Page for LoginPage {
    fn page_lang(&self) -> Lang {
        self.lang
    }
    fn back_path(&self) -> String {
        if self.next.is_empty() {
            "/login".to_string()
        } else {
            format!("/login?next={}", format::url_encode(&self.next))
        }
    }
}

impl LoginPage {
    pub fn render(&self) -> String {
        render_page(self)
    }
}

// ---------------------------------------------------------------------------------------------
// Case list

/// The case list with its filter form; the results table is `case_results.html`, included here
/// and rendered alone by [`CaseListResults`] for htmx requests.
#[derive(Template, Debug, Clone)]
#[template(path = "cases.html")]
pub struct CaseListPage {
    pub lang: Lang,
    pub user: CurrentUser,
    pub csrf: String,
    pub page: CasePage,
    pub filter: CaseFilter,
    pub options: FilterOptions,
    /// The current filters as an encoded query string without `page` (e.g. `stage=filed&q=%E5%BC%A0`),
    /// or empty. Pager links append `&page=n` to it.
    pub query_string_without_page: String,
}

staff_page!(
    CaseListPage,
    section = "cases",
    home = true,
    back = |p| cases_href(&p.query_string_without_page, p.page.page.max(1))
);

impl CaseListPage {
    pub fn render(&self) -> String {
        render_page(self)
    }

    /// Only the results (count, table, pager): the response to an htmx request
    /// (`HX-Request` header present, `HX-History-Restore-Request` absent).
    pub fn results(&self) -> CaseListResults {
        CaseListResults {
            lang: self.lang,
            page: self.page.clone(),
            filter: self.filter.clone(),
            query_string_without_page: self.query_string_without_page.clone(),
        }
    }

    pub fn page_href(&self, n: impl Borrow<u32>) -> String {
        cases_href(&self.query_string_without_page, *n.borrow())
    }

    fn stages(&self) -> Vec<Stage> {
        Stage::ALL.to_vec()
    }
    fn case_types(&self) -> Vec<CaseType> {
        CaseType::ALL.to_vec()
    }
    fn court_selected(&self, id: impl Borrow<i64>) -> bool {
        self.filter.court_id == Some(*id.borrow())
    }
    fn team_selected(&self, id: impl Borrow<i64>) -> bool {
        self.filter.team_id == Some(*id.borrow())
    }
    fn officer_selected(&self, id: impl Borrow<i64>) -> bool {
        self.filter.officer_id == Some(*id.borrow())
    }
    fn year_selected(&self, year: impl Borrow<i64>) -> bool {
        self.filter.year == Some(*year.borrow())
    }
    fn stage_selected(&self, s: impl Borrow<Stage>) -> bool {
        self.filter.stage.map(Stage::key) == Some(s.borrow().key())
    }
    fn type_selected(&self, t: impl Borrow<CaseType>) -> bool {
        self.filter.case_type.map(CaseType::key) == Some(t.borrow().key())
    }
    fn q(&self) -> &str {
        self.filter.q.as_deref().unwrap_or("")
    }
    fn filtered(&self) -> bool {
        is_filtered(&self.filter)
    }
    /// How many of the folded choices (all but the text search) are in use.
    fn choices_active(&self) -> usize {
        let f = &self.filter;
        [
            f.court_id.is_some(),
            f.stage.is_some(),
            f.case_type.is_some(),
            f.team_id.is_some(),
            f.officer_id.is_some(),
            f.year.is_some(),
        ]
        .into_iter()
        .filter(|b| *b)
        .count()
    }
}

/// The results part of the case list on its own (`case_results.html`).
#[derive(Template, Debug, Clone)]
#[template(path = "case_results.html")]
pub struct CaseListResults {
    pub lang: Lang,
    pub page: CasePage,
    pub filter: CaseFilter,
    pub query_string_without_page: String,
}

impl Page for CaseListResults {
    fn page_lang(&self) -> Lang {
        self.lang
    }
    fn back_path(&self) -> String {
        cases_href(&self.query_string_without_page, self.page.page.max(1))
    }
}

impl CaseListResults {
    pub fn render(&self) -> String {
        render_page(self)
    }
    pub fn page_href(&self, n: impl Borrow<u32>) -> String {
        cases_href(&self.query_string_without_page, *n.borrow())
    }
    fn filtered(&self) -> bool {
        is_filtered(&self.filter)
    }
}

// ---------------------------------------------------------------------------------------------
// Case detail

/// One case: header, amounts, basis, handling, parties and the timeline (oldest first).
#[derive(Template, Debug, Clone)]
#[template(path = "case_detail.html")]
pub struct CaseDetailPage {
    pub lang: Lang,
    pub user: CurrentUser,
    pub csrf: String,
    pub case: CaseDetail,
    pub timeline: Vec<TimelineEntry>,
    /// The case's network-inquiry tasks (one per debtor from filing).
    pub inquiries: Vec<InquiryItem>,
    /// The assignment form, for a team leader or bureau chief of the case's court.
    pub assign: Option<zhixing_app::staffing::AssignOptions>,
    /// The process-node panel with the suspension forms (`case_nodes.html`).
    pub nodes: Option<crate::case_actions::NodesPanel>,
    /// The lock banner, unlock/extension forms and requests (`case_node_requests.html`).
    pub node_requests: Option<crate::unlock::NodeRequestsPanel>,
}

staff_page!(
    CaseDetailPage,
    section = "cases",
    home = false,
    back = |p| format!("/cases/{}", p.case.id)
);

impl CaseDetailPage {
    pub fn render(&self) -> String {
        render_page(self)
    }

    /// The basis kind's name; an unknown key is shown as stored rather than hidden.
    fn basis_kind_name(&self) -> String {
        BasisKind::ALL
            .iter()
            .find(|k| k.key() == self.case.basis_kind)
            .map_or_else(
                || self.case.basis_kind.clone(),
                |k| self.label(*k).to_string(),
            )
    }

    fn party_kind(&self, p: &CaseParty) -> &'static str {
        if p.kind == "organisation" {
            self.t("party.kind.organisation")
        } else {
            self.t("party.kind.person")
        }
    }

    fn id_label(&self, p: &CaseParty) -> &'static str {
        if p.kind == "organisation" {
            self.t("party.credit_code")
        } else {
            self.t("party.resident_id")
        }
    }

    fn masked_id(&self, p: &CaseParty) -> String {
        format::mask_id(&p.id_number)
    }

    fn timeline_sorted(&self) -> Vec<&TimelineEntry> {
        let mut v: Vec<&TimelineEntry> = self.timeline.iter().collect();
        v.sort_by_key(|e| (e.seq, e.occurred_at));
        v
    }

    fn entry_text<'a>(&self, e: &'a TimelineEntry) -> &'a str {
        match self.lang {
            Lang::En if !e.text_en.is_empty() => &e.text_en,
            _ => &e.text_zh,
        }
    }

    fn claim_capital(&self) -> String {
        self.case.claim.to_chinese_capital().to_string()
    }

    fn inquiry_status(&self, i: &InquiryItem) -> String {
        match i.status.as_str() {
            "pending" => self.t("inquiry.status.pending").to_string(),
            "done" | "completed" | "answered" => self.t("inquiry.status.done").to_string(),
            other => other.to_string(),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Reception window (初次接待)

/// The reception form, empty or refilled with what was typed and each field's error.
#[derive(Template, Debug, Clone)]
#[template(path = "reception_new.html")]
pub struct ReceptionFormPage {
    pub lang: Lang,
    pub user: CurrentUser,
    pub csrf: String,
    pub form: ReceptionRequest,
    /// Field errors (`field` empty for the whole record), shown at the top and by each field.
    pub errors: Vec<FieldError>,
    /// Whether the user may accept a credit code with a wrong check digit.
    pub may_override: bool,
}

staff_page!(
    ReceptionFormPage,
    section = "reception",
    home = true,
    back = "/reception/new"
);

/// An `id` attribute for a field name: `debtors[1].id_number` → `f-debtors-1-id_number`.
fn field_id(name: &str) -> String {
    let mut out = String::from("f-");
    let mut last_dash = true;
    for c in name.chars() {
        if c.is_ascii_alphanumeric() || c == '_' {
            out.push(c);
            last_dash = false;
        } else if !last_dash {
            out.push('-');
            last_dash = true;
        }
    }
    out.trim_end_matches('-').to_string()
}

/// A field's message in the page's language.
fn error_text(lang: Lang, e: &FieldError) -> String {
    match lang {
        Lang::Zh => e.zh.clone(),
        Lang::En => e.en.clone(),
    }
}

impl ReceptionFormPage {
    pub fn render(&self) -> String {
        render_page(self)
    }

    /// Where the field macros' row buttons post, and the form they replace (htmx).
    fn form_post(&self) -> &'static str {
        "/reception"
    }
    fn form_id(&self) -> &'static str {
        "reception-form"
    }

    fn applicant_prefix(&self) -> String {
        "applicant".to_string()
    }
    fn debtor_prefix(&self, i: impl Borrow<usize>) -> String {
        format!("debtors[{}]", i.borrow())
    }
    fn lead_prefix(&self, i: impl Borrow<usize>) -> String {
        format!("asset_leads[{}]", i.borrow())
    }
    /// `prefix.field`, the name a field posts under.
    fn fname(&self, prefix: impl AsRef<str>, field: &str) -> String {
        let p = prefix.as_ref();
        if p.is_empty() {
            field.to_string()
        } else {
            format!("{p}.{field}")
        }
    }
    fn fid(&self, prefix: impl AsRef<str>, field: &str) -> String {
        field_id(&self.fname(prefix, field))
    }
    /// The messages for a field, joined.
    fn err(&self, prefix: impl AsRef<str>, field: &str) -> Option<String> {
        let name = self.fname(prefix, field);
        let msgs: Vec<String> = self
            .errors
            .iter()
            .filter(|e| e.field == name)
            .map(|e| error_text(self.lang, e))
            .collect();
        (!msgs.is_empty()).then(|| msgs.join("；"))
    }
    fn has_err(&self, prefix: impl AsRef<str>, field: &str) -> bool {
        let name = self.fname(prefix, field);
        self.errors.iter().any(|e| e.field == name)
    }
    /// Every error, for the summary at the top: (link to the field or "", "label: message").
    fn summary(&self) -> Vec<(String, String)> {
        self.errors
            .iter()
            .map(|e| {
                let msg = error_text(self.lang, e);
                if e.field.is_empty() {
                    return (String::new(), msg);
                }
                let sep = match self.lang {
                    Lang::Zh => "：",
                    Lang::En => ": ",
                };
                (
                    format!("#{}", field_id(&e.field)),
                    format!("{}{sep}{msg}", self.field_label(&e.field)),
                )
            })
            .collect()
    }

    /// What a field is called on the form, e.g. `debtors[1].id_number` → "被执行人 2 · 身份证号码…".
    fn field_label(&self, field: &str) -> String {
        let (prefix, name) = field.rsplit_once('.').unwrap_or(("", field));
        let row = |p: &str| {
            p.split_once('[')
                .and_then(|(_, r)| r.trim_end_matches(']').parse::<usize>().ok())
                .map_or(1, |i| i + 1)
        };
        let whole = match prefix {
            "" => None,
            "applicant" => Some(self.t("col.applicants").to_string()),
            "agent" => Some(self.t("reception.agent").to_string()),
            "basis" => Some(self.t("reception.sec_basis").to_string()),
            p if p.starts_with("debtors[") => Some(self.tf("reception.debtor_n", row(p))),
            p if p.starts_with("asset_leads[") => Some(self.tf("reception.lead_n", row(p))),
            p => Some(p.to_string()),
        };
        let part = match name {
            "kind" if prefix == "basis" => self.t("detail.basis_kind"),
            "kind" if prefix.starts_with("asset_leads") => self.t("reception.asset_kind"),
            "kind" => self.t("reception.party_kind"),
            "name" if prefix == "agent" => self.t("reception.agent_name"),
            "name" => self.t("reception.party_name"),
            "id_number" => self.t("reception.id_number"),
            "phone" => self.t("party.phone"),
            "address" => self.t("party.address"),
            "override_reason" => self.t("reception.override_reason"),
            "lawyer_licence" => self.t("reception.lawyer_licence"),
            "issuing_court" => self.t("detail.basis_court"),
            "instrument_number" => self.t("detail.basis_number"),
            "effective_date" => self.t("reception.effective_date"),
            "description" => self.t("reception.asset_description"),
            "location" => self.t("reception.asset_location"),
            "case_type" => self.t("filter.case_type"),
            "debtors" => self.t("reception.sec_debtors"),
            "amount_awarded" => self.t("reception.amount_awarded"),
            "claim" => self.t("detail.claim"),
            "interest_terms" => self.t("reception.interest_terms"),
            "debtor_locatable" => self.t("reception.locatable"),
            "flags" => self.t("reception.flags"),
            "statement" => self.t("reception.statement"),
            "checklist" => self.t("reception.sec_notice"),
            "applicant_confirmed" => self.t("reception.sec_confirm"),
            "not_duplicate" => self.t("newcase.not_duplicate_label"),
            _ => "",
        };
        match (whole, part.is_empty()) {
            (Some(w), false) => format!("{w} · {part}"),
            (Some(w), true) => w,
            (None, false) => part.to_string(),
            (None, true) => field.to_string(),
        }
    }
    /// The override box shows once a credit code failed its check digit, and stays while ticked.
    fn show_override(&self, prefix: impl AsRef<str>, p: &PartyRequest) -> bool {
        let name = self.fname(&prefix, "id_number");
        self.may_override
            && (p.override_check_digit
                || self
                    .errors
                    .iter()
                    .any(|e| e.field == name && e.code == "credit_code.check_digit"))
    }
    fn applicant(&self) -> &PartyRequest {
        &self.form.applicant
    }
    fn case_types(&self) -> Vec<CaseType> {
        vec![CaseType::First, CaseType::Preservation, CaseType::Restored]
    }
    fn case_type_selected(&self, t: impl Borrow<CaseType>) -> bool {
        let t = *t.borrow();
        let v = self.form.case_type.trim();
        v == t.key() || v == t.code()
    }
    fn basis_kinds(&self) -> Vec<BasisKind> {
        BasisKind::ALL.to_vec()
    }
    fn asset_kinds(&self) -> Vec<AssetKind> {
        AssetKind::ALL.to_vec()
    }
    fn asset_kind_name(&self, k: impl Borrow<AssetKind>) -> &'static str {
        asset_kind_label(self.lang, *k.borrow())
    }
    fn flags(&self) -> Vec<CaseFlag> {
        CaseFlag::ALL.to_vec()
    }
    fn flag_name(&self, f: impl Borrow<CaseFlag>) -> &'static str {
        match self.lang {
            Lang::Zh => f.borrow().name_zh(),
            Lang::En => f.borrow().name_en(),
        }
    }
    fn flag_checked(&self, f: impl Borrow<CaseFlag>) -> bool {
        let key = f.borrow().key();
        self.form.flags.iter().any(|x| x.trim() == key)
    }
    fn notices(&self) -> Vec<NoticeItem> {
        NoticeItem::ALL.to_vec()
    }
    fn notice_checked(&self, n: impl Borrow<NoticeItem>) -> bool {
        let key = n.borrow().key();
        self.form.checklist.iter().any(|x| x.trim() == key)
    }
    fn locatable_is(&self, v: impl Borrow<bool>) -> bool {
        self.form.debtor_locatable == Some(*v.borrow())
    }
    fn can_remove_debtor(&self) -> bool {
        self.form.debtors.len() > 1
    }
}

/// A clerk's direct filing (`/cases/new`): the reception form's party, basis and triage fields
/// (shown by `reception_macros.html` through [`ReceptionFormPage`]'s helpers), then, once the
/// fields are right, the possible duplicates and the button that files the case.
#[derive(Template, Debug, Clone)]
#[template(path = "case_new.html")]
pub struct NewCasePage {
    pub lang: Lang,
    /// The fields, their errors and the user; `f.form` holds what was typed.
    pub f: ReceptionFormPage,
    /// The fields were checked and are right: show the duplicates and the file button.
    pub checked: bool,
    pub duplicates: Vec<DuplicateItem>,
    /// "已核对，确认不是重复立案" was ticked.
    pub not_duplicate: bool,
}

staff_page!(
    NewCasePage,
    via = f,
    section = "new_case",
    home = true,
    back = "/cases/new"
);

/// What the shared field macros call on `self`, answered by the reception form's helpers.
impl NewCasePage {
    pub fn render(&self) -> String {
        render_page(self)
    }
    fn form_post(&self) -> &'static str {
        "/cases/new"
    }
    fn form_id(&self) -> &'static str {
        "new-case-form"
    }
    fn fname(&self, prefix: impl AsRef<str>, field: &str) -> String {
        self.f.fname(prefix, field)
    }
    fn fid(&self, prefix: impl AsRef<str>, field: &str) -> String {
        self.f.fid(prefix, field)
    }
    fn err(&self, prefix: impl AsRef<str>, field: &str) -> Option<String> {
        self.f.err(prefix, field)
    }
    fn has_err(&self, prefix: impl AsRef<str>, field: &str) -> bool {
        self.f.has_err(prefix, field)
    }
    fn show_override(&self, prefix: impl AsRef<str>, p: &PartyRequest) -> bool {
        self.f.show_override(prefix, p)
    }
}

/// An asset kind's name; the domain has Chinese names only.
pub fn asset_kind_label(lang: Lang, k: AssetKind) -> &'static str {
    match lang {
        Lang::Zh => k.name_zh(),
        Lang::En => match k {
            AssetKind::BankDeposit => "Bank deposit",
            AssetKind::RealEstate => "Real estate",
            AssetKind::Vehicle => "Vehicle",
            AssetKind::Equity => "Equity",
            AssetKind::Receivable => "Receivable",
            AssetKind::Other => "Other",
        },
    }
}

/// A case that may be the same matter as the record about to be filed.
#[derive(Debug, Clone)]
pub struct DuplicateItem {
    pub id: i64,
    pub case_number: String,
    pub stage: Option<Stage>,
    pub applicants: String,
    pub debtors: String,
    pub filed_at: i64,
}

/// The printable reception record (接待笔录) with the binding code and its QR code; before
/// filing, the possible duplicates and the file button.
#[derive(Template, Debug, Clone)]
#[template(path = "reception_record.html")]
pub struct ReceptionRecordPage {
    pub lang: Lang,
    pub user: CurrentUser,
    pub csrf: String,
    pub rec: LoadedReception,
    /// The case filed from this record, if any (its number, when visible).
    pub case_number: Option<String>,
    pub duplicates: Vec<DuplicateItem>,
    /// The QR code of `ZHIXING-BIND:<code>` as inline SVG, made by our own code.
    pub qr_svg: String,
    /// Whether the user may file the case from this record.
    pub may_file: bool,
}

staff_page!(
    ReceptionRecordPage,
    section = "reception",
    home = false,
    back = |p| format!("/reception/{}", p.rec.id)
);

impl ReceptionRecordPage {
    pub fn render(&self) -> String {
        render_page(self)
    }
    fn r(&self) -> &ReceptionInput {
        &self.rec.record
    }
    fn party_kind(&self, p: &Party) -> &'static str {
        match p.identity {
            PartyIdentity::Organisation(_) => self.t("party.kind.organisation"),
            PartyIdentity::Person(_) => self.t("party.kind.person"),
        }
    }
    fn id_label(&self, p: &Party) -> &'static str {
        match p.identity {
            PartyIdentity::Organisation(_) => self.t("party.credit_code"),
            PartyIdentity::Person(_) => self.t("party.resident_id"),
        }
    }
    fn case_type_text(&self) -> String {
        let t = self.r().case_type;
        format!("{} · {}", t.code(), self.label(t))
    }
    fn basis_kind_text(&self) -> &'static str {
        self.label(self.r().basis.kind)
    }
    fn effective_date(&self) -> String {
        self.r().basis.effective_date.format("%Y-%m-%d").to_string()
    }
    fn award_capital(&self) -> String {
        self.r().amount_awarded.to_chinese_capital()
    }
    fn claim_capital(&self) -> String {
        self.r().claim.to_chinese_capital()
    }
    fn asset_kind_name(&self, k: impl Borrow<AssetKind>) -> &'static str {
        asset_kind_label(self.lang, *k.borrow())
    }
    fn flag_names(&self) -> String {
        let names: Vec<&str> = self
            .r()
            .flags
            .iter()
            .filter_map(|k| CaseFlag::from_key(k).ok())
            .map(|f| match self.lang {
                Lang::Zh => f.name_zh(),
                Lang::En => f.name_en(),
            })
            .collect();
        match self.lang {
            Lang::Zh => names.join("、"),
            Lang::En => names.join(", "),
        }
    }
    fn notices(&self) -> Vec<NoticeItem> {
        NoticeItem::ALL.to_vec()
    }
    fn notice_text(&self, n: impl Borrow<NoticeItem>) -> &'static str {
        match self.lang {
            Lang::Zh => n.borrow().text_zh(),
            Lang::En => n.borrow().text_en(),
        }
    }
    fn notice_given(&self, n: impl Borrow<NoticeItem>) -> bool {
        self.r().checklist.confirmed.contains(n.borrow())
    }
    /// The binding code in two groups of four, easier to read aloud and type.
    fn code_grouped(&self) -> String {
        let c = &self.rec.binding_code;
        if c.len() == 8 && c.is_ascii() {
            format!("{} {}", &c[..4], &c[4..])
        } else {
            c.clone()
        }
    }
    fn statement_lines(&self) -> Vec<&str> {
        self.r().statement.lines().collect()
    }
}

/// A network-inquiry task of a case, for the case page.
#[derive(Debug, Clone)]
pub struct InquiryItem {
    pub debtor_name: String,
    /// pending or done (as stored).
    pub status: String,
    /// YYYY-MM-DD
    pub due_on: String,
    pub completed_at: Option<i64>,
}

// ---------------------------------------------------------------------------------------------
// Errors

/// An error page (400, 401, 403, 404, 409, 500 …). `title` and `message` are in the page's
/// language; [`ErrorPage::new`] fills them with the standard wording for the status.
#[derive(Template, Debug, Clone)]
#[template(path = "error.html")]
pub struct ErrorPage {
    pub lang: Lang,
    pub status: u16,
    pub title: String,
    pub message: String,
    pub user: Option<CurrentUser>,
}

impl Page for ErrorPage {
    fn page_lang(&self) -> Lang {
        self.lang
    }
    fn current_user(&self) -> Option<&CurrentUser> {
        self.user.as_ref()
    }
    fn back_path(&self) -> String {
        self.home_href().to_string()
    }
}

impl ErrorPage {
    /// The standard title and message for `status` in `lang`.
    pub fn new(lang: Lang, status: u16, user: Option<CurrentUser>) -> ErrorPage {
        let (title, message) = Self::standard_keys(status);
        ErrorPage {
            lang,
            status,
            title: i18n::t(lang, title).to_string(),
            message: i18n::t(lang, message).to_string(),
            user,
        }
    }

    /// The standard title for `status` with a specific message (e.g. a domain error's text).
    pub fn with_message(
        lang: Lang,
        status: u16,
        message: impl Into<String>,
        user: Option<CurrentUser>,
    ) -> ErrorPage {
        ErrorPage {
            message: message.into(),
            ..ErrorPage::new(lang, status, user)
        }
    }

    /// The dictionary keys of the standard title and message for a status.
    pub fn standard_keys(status: u16) -> (&'static str, &'static str) {
        match status {
            401 => ("error.401.title", "error.401.message"),
            403 => ("error.403.title", "error.403.message"),
            404 => ("error.404.title", "error.404.message"),
            409 => ("error.409.title", "error.409.message"),
            423 => ("error.423.title", "error.423.message"),
            // 400 and any other client error
            400..=499 => ("error.400.title", "error.400.message"),
            _ => ("error.500.title", "error.500.message"),
        }
    }

    pub fn render(&self) -> String {
        render_page(self)
    }

    fn signed_in(&self) -> bool {
        self.user.is_some() && self.status != 401
    }

    fn home_href(&self) -> &'static str {
        if self.signed_in() {
            "/cases"
        } else {
            "/login"
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use zhixing_app::views::{CaseListItem, Named};
    use zhixing_domain::money::Fen;

    /// Text as askama's HTML escaper writes it.
    fn esc(s: &str) -> String {
        s.replace('&', "&#38;")
            .replace('<', "&#60;")
            .replace('>', "&#62;")
            .replace('"', "&#34;")
            .replace('\'', "&#39;")
    }

    fn user() -> CurrentUser {
        CurrentUser {
            id: 7,
            username: "li.shuji".into(),
            display_name: "李书记".into(),
            role: Role::ALL[0],
            court_id: 3,
            court_name: "孟州市人民法院".into(),
            court_code: "豫0883".into(),
        }
    }

    fn item(id: i64, number: &str, debtors: &str) -> CaseListItem {
        CaseListItem {
            id,
            case_number: number.into(),
            court_name: "孟州市人民法院".into(),
            case_type: CaseType::ALL[0],
            stage: Stage::ALL[1],
            suspended: true,
            locked: true,
            claim: Fen(138_000_000),
            applicants: "王某某".into(),
            debtors: debtors.into(),
            team_name: Some("速执团队".into()),
            officer_name: None,
            filed_at: 1_709_604_779_000,
        }
    }

    fn list_page(items: Vec<CaseListItem>, total: i64, page: u32, qs: &str) -> CaseListPage {
        CaseListPage {
            lang: Lang::Zh,
            user: user(),
            csrf: "tok-123".into(),
            page: CasePage {
                items,
                total,
                page,
                per_page: 20,
            },
            filter: CaseFilter {
                court_id: Some(4),
                stage: Some(Stage::ALL[1]),
                q: Some("张".into()),
                page,
                per_page: 20,
                ..CaseFilter::default()
            },
            options: FilterOptions {
                courts: vec![
                    Named {
                        id: 3,
                        name: "孟州市人民法院".into(),
                    },
                    Named {
                        id: 4,
                        name: "温县人民法院".into(),
                    },
                ],
                teams: vec![Named {
                    id: 11,
                    name: "速执团队".into(),
                }],
                officers: vec![Named {
                    id: 21,
                    name: "赵执行".into(),
                }],
                years: vec![2024, 2023],
            },
            query_string_without_page: qs.into(),
        }
    }

    fn party(role: PartyRole, name: &str, kind: &str, id: &str) -> CaseParty {
        CaseParty {
            role,
            name: name.into(),
            kind: kind.into(),
            id_number: id.into(),
            phone: Some("13800001234".into()),
            address: None,
        }
    }

    fn detail_page(lang: Lang) -> CaseDetailPage {
        CaseDetailPage {
            lang,
            user: user(),
            csrf: "tok-456".into(),
            inquiries: Vec::new(),
            assign: None,
            nodes: None,
            node_requests: None,
            case: CaseDetail {
                id: 42,
                case_number: "（2024）豫0883执1234号".into(),
                court_id: 3,
                court_name: "孟州市人民法院".into(),
                court_code: "豫0883".into(),
                case_type: CaseType::ALL[0],
                stage: Stage::ALL[1],
                suspended: false,
                locked: true,
                closing_mode: None,
                claim: Fen(138_000_000),
                recovered: Fen(2_000_000),
                basis_court: "孟州市人民法院".into(),
                basis_number: "（2023）豫0883民初567号".into(),
                basis_kind: BasisKind::ALL[0].key().into(),
                basis_date: "2023-11-20".into(),
                parties: vec![
                    party(PartyRole::ALL[0], "王某某", "person", "410102199003071234"),
                    party(
                        PartyRole::ALL[1],
                        "<script>alert(1)</script>&\"张\"公司",
                        "organisation",
                        "91410800MA44XXXX1Q",
                    ),
                ],
                team_name: Some("速执团队".into()),
                officer_name: Some("赵执行".into()),
                filed_at: 1_709_604_779_000,
                closed_at: None,
                version: 3,
            },
            timeline: vec![
                TimelineEntry {
                    seq: 9,
                    occurred_at: 1_709_700_000_000,
                    actor_name: "赵执行".into(),
                    actor_role: None,
                    kind: EventKind::NoticeIssued,
                    text_zh: "发出执行通知书、报告财产令".into(),
                    text_en: "issued the enforcement notice and asset-report order".into(),
                },
                TimelineEntry {
                    seq: 5,
                    occurred_at: 1_709_604_779_000,
                    actor_name: "李书记".into(),
                    actor_role: Some(Role::ALL[0]),
                    kind: EventKind::CaseFiled,
                    text_zh: "立案：（2024）豫0883执1234号".into(),
                    text_en: "filed the case".into(),
                },
            ],
        }
    }

    #[test]
    fn login_page_has_the_form_fields_and_escapes_the_error() {
        let html = LoginPage {
            lang: Lang::Zh,
            error: Some("用户名或密码不正确 <b>".into()),
            username: "wang\"x".into(),
            csrf: "csrf-abc".into(),
            next: "/cases/42".into(),
        }
        .render();
        assert!(html.contains(r#"<html lang="zh-CN">"#));
        assert!(html.contains(r#"action="/login""#));
        assert!(html.contains(r#"name="csrf" value="csrf-abc""#));
        assert!(html.contains(r#"name="next" value="/cases/42""#));
        assert!(html.contains(r#"name="password""#));
        assert!(html.contains("用户名或密码不正确 &#60;b&#62;"));
        assert!(!html.contains("wang\"x"));
        assert!(html.contains("/lang?to=en&#38;back=%2Flogin%3Fnext%3D%252Fcases%252F42"));
        // No user: no logout form, no nav.
        assert!(!html.contains(r#"action="/logout""#));
        assert!(html.contains(i18n::t(Lang::Zh, "login.submit")));
    }

    #[test]
    fn login_page_in_english() {
        let html = LoginPage {
            lang: Lang::En,
            error: None,
            username: String::new(),
            csrf: "c".into(),
            next: String::new(),
        }
        .render();
        assert!(html.contains(r#"<html lang="en">"#));
        assert!(html.contains("Sign in"));
        assert!(html.contains("/lang?to=zh&#38;back=%2Flogin"));
        assert!(!html.contains("role=\"alert\""));
    }

    #[test]
    fn case_list_shows_rows_badges_filters_and_pager() {
        let page = list_page(
            vec![item(42, "（2024）豫0883执1234号", "<b>某公司</b>")],
            45,
            2,
            "court=4&stage=filed&q=%E5%BC%A0",
        );
        let html = page.render();
        assert!(html.contains(r#"href="/cases/42""#));
        assert!(html.contains("（2024）豫0883执1234号"));
        assert!(html.contains("1,380,000.00"));
        assert!(html.contains(Stage::ALL[1].name_zh()));
        assert!(html.contains("badge-locked"));
        assert!(html.contains("badge-suspended"));
        assert!(html.contains("&#60;b&#62;某公司&#60;/b&#62;"));
        assert!(!html.contains("<b>某公司"));
        assert!(html.contains("2024-03-05"));
        // Filters: court select shown (two courts), current choices selected, q refilled.
        assert!(html.contains(r#"name="court""#));
        assert!(html.contains(r#"<option value="4" selected>"#));
        assert!(html.contains(&format!(
            r#"<option value="{}" selected>"#,
            Stage::ALL[1].key()
        )));
        assert!(html.contains(r#"value="张""#));
        assert!(html.contains(r#"<details class="more-filters" open>"#));
        assert!(html.contains("已选 2 项"));
        assert!(html.contains(r##"hx-target="#results""##));
        // Pager: page 2 of 3, both directions, filters kept.
        assert!(html.contains("/cases?court=4&#38;stage=filed&#38;q=%E5%BC%A0&#38;page=3"));
        assert!(html.contains(r#"href="/cases?court=4&#38;stage=filed&#38;q=%E5%BC%A0""#));
        assert!(html.contains("共 45 件"));
        assert!(html.contains("第 2 / 3 页"));
        // Layout: user, logout with csrf.
        assert!(html.contains("李书记"));
        assert!(html.contains(Role::ALL[0].name_zh()));
        assert!(html.contains(r#"action="/logout""#));
        assert!(html.contains(r#"name="csrf" value="tok-123""#));
        assert!(html.contains(r#"href="/api/docs""#));
    }

    #[test]
    fn case_list_hides_court_filter_for_one_court_and_shows_empty_state() {
        let mut page = list_page(vec![], 0, 1, "");
        page.options.courts.truncate(1);
        let html = page.render();
        assert!(!html.contains(r#"name="court""#));
        assert!(html.contains(i18n::t(Lang::Zh, "cases.empty")));
        assert!(!html.contains("<table"));
        assert!(!html.contains(r#"rel="next""#));
    }

    #[test]
    fn results_fragment_is_not_a_whole_page() {
        let page = list_page(vec![item(1, "（2024）豫0883执1号", "某")], 1, 1, "");
        let frag = page.results().render();
        assert!(!frag.contains("<html"));
        assert!(frag.contains("（2024）豫0883执1号"));
        assert!(frag.contains("<table"));
        // The full page includes the same fragment inside #results.
        let full = page.render();
        assert!(full.contains(r#"id="results""#));
        assert!(full.contains(frag.trim()));
    }

    #[test]
    fn case_detail_shows_parties_masked_amounts_and_timeline() {
        let html = detail_page(Lang::Zh).render();
        assert!(html.contains("（2024）豫0883执1234号"));
        assert!(html.contains(Stage::ALL[1].name_zh()));
        assert!(html.contains(CaseType::ALL[0].name_zh()));
        assert!(html.contains("badge-locked"));
        assert!(!html.contains("badge-suspended"));
        assert!(html.contains("4101**********1234"));
        assert!(!html.contains("410102199003071234"));
        assert!(html.contains("9141**********XX1Q"));
        assert!(html.contains("1,380,000.00"));
        assert!(html.contains(&Fen(138_000_000).to_chinese_capital().to_string()));
        assert!(html.contains("20,000.00"));
        assert!(html.contains(BasisKind::ALL[0].name_zh()));
        assert!(html.contains("（2023）豫0883民初567号"));
        assert!(html.contains("13800001234"));
        // Party names are escaped.
        assert!(!html.contains("<script>alert(1)</script>"));
        assert!(html.contains(&esc("<script>alert(1)</script>&\"张\"公司")));
        // Timeline: oldest first, with role and actor.
        let filed = html
            .find("立案：（2024）豫0883执1234号")
            .expect("filed entry");
        let notice = html
            .find("发出执行通知书、报告财产令")
            .expect("notice entry");
        assert!(filed < notice);
        assert!(html.contains("2024-03-05 10:12"));
        assert!(html.contains(&format!("{} 李书记", Role::ALL[0].name_zh())));
        assert!(html.contains(r#"name="csrf" value="tok-456""#));
        assert!(html.contains("/lang?to=en&#38;back=%2Fcases%2F42"));
    }

    #[test]
    fn case_detail_in_english_uses_english_texts() {
        let html = detail_page(Lang::En).render();
        assert!(html.contains("issued the enforcement notice and asset-report order"));
        assert!(html.contains(&format!("{} 李书记", Role::ALL[0].name_en())));
        assert!(html.contains(Stage::ALL[1].name_en()));
        assert!(html.contains("Parties"));
        // The capital amount is a Chinese legal form and stays Chinese.
        assert!(html.contains(&Fen(138_000_000).to_chinese_capital().to_string()));
    }

    #[test]
    fn unknown_basis_kind_is_shown_as_stored() {
        let mut page = detail_page(Lang::Zh);
        page.case.basis_kind = "not_a_kind".into();
        assert!(page.render().contains("not_a_kind"));
    }

    #[test]
    fn error_pages_have_standard_texts_and_a_way_back() {
        for status in [400u16, 401, 403, 404, 409, 423, 500, 418, 503] {
            for lang in [Lang::Zh, Lang::En] {
                let (tk, mk) = ErrorPage::standard_keys(status);
                assert!(i18n::has(tk) && i18n::has(mk), "{status}");
                let html = ErrorPage::new(lang, status, Some(user())).render();
                assert!(html.contains(&esc(i18n::t(lang, tk))), "{status} {lang:?}");
                assert!(html.contains(&esc(i18n::t(lang, mk))), "{status} {lang:?}");
                assert!(html.contains(&status.to_string()));
                if status == 401 {
                    assert!(html.contains(r#"href="/login""#));
                } else {
                    assert!(html.contains(r#"href="/cases""#));
                }
            }
        }
        let html = ErrorPage::with_message(Lang::Zh, 404, "案件 <42> 不存在", None).render();
        assert!(html.contains("案件 &#60;42&#62; 不存在"));
        assert!(html.contains(r#"href="/login""#));
        assert!(html.contains(i18n::t(Lang::Zh, "error.404.title")));
    }

    #[test]
    fn pager_links_keep_filters() {
        assert_eq!(cases_href("", 1), "/cases");
        assert_eq!(cases_href("", 3), "/cases?page=3");
        assert_eq!(cases_href("?stage=filed&", 1), "/cases?stage=filed");
        assert_eq!(cases_href("stage=filed", 2), "/cases?stage=filed&page=2");
    }

    #[test]
    fn every_label_has_both_languages() {
        for s in Stage::ALL {
            assert!(!s.zh().is_empty() && !s.en().is_empty());
        }
        for k in EventKind::ALL {
            assert!(!k.zh().is_empty() && !k.en().is_empty());
        }
    }

    #[test]
    fn reset_link_only_when_filtered() {
        let mut page = list_page(vec![], 0, 1, "per_page=20");
        assert!(page
            .render()
            .contains(i18n::t(Lang::Zh, "cases.empty_reset")));
        page.filter = CaseFilter {
            page: 1,
            per_page: 20,
            ..CaseFilter::default()
        };
        let html = page.render();
        assert!(html.contains(r#"<details class="more-filters">"#));
        assert!(!html.contains(i18n::t(Lang::Zh, "cases.empty_reset")));
        assert!(!html.contains(i18n::t(Lang::Zh, "filter.reset")));
    }

    /// `ZHIXING_WEB_DUMP=<dir> cargo test -p zhixing-web --lib dump` writes sample pages to
    /// `<dir>` for a look in a browser (serve `<dir>` with `static/` beside the pages).
    #[test]
    fn dump_sample_pages_when_asked() {
        let Ok(dir) = std::env::var("ZHIXING_WEB_DUMP") else {
            return;
        };
        let dir = std::path::Path::new(&dir);
        std::fs::create_dir_all(dir).expect("dump dir");
        let items: Vec<CaseListItem> = Stage::ALL
            .iter()
            .enumerate()
            .map(|(i, s)| {
                let mut it = item(
                    100 + i as i64,
                    &format!("（2024）豫0883执{}号", 1200 + i),
                    if i % 2 == 0 {
                        "孟州市某某建材有限公司"
                    } else {
                        "张某某"
                    },
                );
                it.stage = *s;
                it.suspended = i == 3;
                it.locked = i == 4;
                it.claim = Fen(1_234_567 * (i as i64 + 1) * 37);
                it.officer_name = (i % 3 != 0).then(|| "赵执行".to_string());
                it
            })
            .collect();
        for lang in [Lang::Zh, Lang::En] {
            let code = lang.code();
            let mut list = list_page(items.clone(), 45, 2, "stage=filed");
            list.lang = lang;
            let mut empty = list_page(vec![], 0, 1, "");
            empty.lang = lang;
            let login = LoginPage {
                lang,
                error: Some(i18n::t(lang, "login.failed").into()),
                username: "li.shuji".into(),
                csrf: "x".into(),
                next: "/cases".into(),
            };
            let pages = [
                ("login", login.render()),
                ("cases", list.render()),
                ("cases-empty", empty.render()),
                ("case", detail_page(lang).render()),
                ("error", ErrorPage::new(lang, 404, Some(user())).render()),
            ];
            for (name, html) in pages {
                std::fs::write(dir.join(format!("{name}-{code}.html")), html).expect("write");
            }
        }
    }
}
