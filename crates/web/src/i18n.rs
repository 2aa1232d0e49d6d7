//! The pages' two languages: Chinese first, English on request.
//!
//! The language comes from a cookie ("zh" or "en", set by `/lang?to=…`) and otherwise
//! from the browser's `Accept-Language`; Chinese when neither says. Every fixed text on a page is
//! looked up by key with [`t`] (or [`tf`] when it holds a number); domain names (stages, roles …)
//! come from the domain enums' `name_zh`/`name_en`.

/// A page language.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub enum Lang {
    #[default]
    Zh,
    En,
}

impl Lang {
    /// The cookie's value ("zh"/"en", case and surrounding space ignored) wins; then the first
    /// Chinese or English range of `Accept-Language` by quality; then Chinese.
    pub fn from_cookie_or_header(cookie: Option<&str>, accept_language: Option<&str>) -> Lang {
        if let Some(lang) = cookie.and_then(Lang::from_code) {
            return lang;
        }
        accept_language
            .and_then(Lang::from_accept_language)
            .unwrap_or_default()
    }

    /// "zh" or "en" (also "zh-CN", "en-US" …); anything else is `None`.
    pub fn from_code(code: &str) -> Option<Lang> {
        let code = code.trim();
        let primary = code.split(['-', '_']).next().unwrap_or("");
        if primary.eq_ignore_ascii_case("zh") {
            Some(Lang::Zh)
        } else if primary.eq_ignore_ascii_case("en") {
            Some(Lang::En)
        } else {
            None
        }
    }

    /// Picks the best of Chinese and English from an `Accept-Language` header, or `None` if it
    /// names neither (or only with q=0).
    fn from_accept_language(header: &str) -> Option<Lang> {
        let mut best: Option<(u16, Lang)> = None;
        for range in header.split(',') {
            let mut parts = range.split(';');
            let Some(lang) = parts.next().and_then(Lang::from_code) else {
                continue;
            };
            let q = parts
                .find_map(|p| {
                    let (k, v) = p.split_once('=')?;
                    k.trim()
                        .eq_ignore_ascii_case("q")
                        .then(|| parse_q(v.trim()))
                })
                .unwrap_or(Some(1000));
            let Some(q) = q else { continue };
            if q > 0 && best.is_none_or(|(b, _)| q > b) {
                best = Some((q, lang));
            }
        }
        best.map(|(_, l)| l)
    }

    /// The cookie value and `/lang?to=` value: "zh" or "en".
    pub fn code(self) -> &'static str {
        match self {
            Lang::Zh => "zh",
            Lang::En => "en",
        }
    }

    /// The HTML `lang` attribute: "zh-CN" or "en".
    pub fn html_lang(self) -> &'static str {
        match self {
            Lang::Zh => "zh-CN",
            Lang::En => "en",
        }
    }

    /// The language the switch offers.
    pub fn other(self) -> Lang {
        match self {
            Lang::Zh => Lang::En,
            Lang::En => Lang::Zh,
        }
    }
}

/// An HTTP quality value ("1", "0.8", "0.125") in thousandths; `None` if malformed.
fn parse_q(v: &str) -> Option<u16> {
    let (int, frac) = v.split_once('.').unwrap_or((v, ""));
    if frac.len() > 3 || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let frac_val = format!("{frac:0<3}").parse::<u16>().ok()?;
    match int {
        "0" => Some(frac_val),
        "1" if frac_val == 0 => Some(1000),
        _ => None,
    }
}

macro_rules! dictionary {
    ($( $key:literal => $zh:literal, $en:literal; )*) => {
        /// Every key with its Chinese and English text.
        pub const ENTRIES: &[(&str, &str, &str)] = &[ $( ($key, $zh, $en), )* ];

        fn lookup(key: &str) -> Option<(&'static str, &'static str)> {
            match key {
                $( $key => Some(($zh, $en)), )*
                _ => None,
            }
        }
    };
}

/// What [`t`] returns for a key that is not in the dictionary (a bug the tests catch).
pub const MISSING: &str = "[?]";

/// Text built at run time (names, amounts) in the page's language.
pub fn msg(lang: Lang, zh: impl Into<String>, en: impl Into<String>) -> String {
    match lang {
        Lang::Zh => zh.into(),
        Lang::En => en.into(),
    }
}

/// The text of `key` in `lang`.
pub fn t(lang: Lang, key: &str) -> &'static str {
    match (lookup(key), lang) {
        (Some((zh, _)), Lang::Zh) => zh,
        (Some((_, en)), Lang::En) => en,
        (None, _) => MISSING,
    }
}

/// The text of `key` with each `{}` replaced by the next argument, e.g.
/// `tf(Zh, "cases.total", &[&45])` → "共 45 件".
pub fn tf(lang: Lang, key: &str, args: &[&dyn std::fmt::Display]) -> String {
    let text = t(lang, key);
    let mut out = String::with_capacity(text.len() + 8);
    let mut args = args.iter();
    let mut rest = text;
    while let Some(i) = rest.find("{}") {
        out.push_str(&rest[..i]);
        if let Some(a) = args.next() {
            out.push_str(&a.to_string());
        }
        rest = &rest[i + 2..];
    }
    out.push_str(rest);
    out
}

/// Whether `key` is in the dictionary.
pub fn has(key: &str) -> bool {
    lookup(key).is_some()
}

dictionary! {
    // Layout
    "app.name" => "执行 Zhixing", "Zhixing";
    "nav.skip" => "跳到正文", "Skip to content";
    "nav.label" => "主导航", "Main";
    "nav.cases" => "案件", "Cases";
    "nav.api_docs" => "API 文档", "API docs";
    "nav.logout" => "退出登录", "Sign out";
    "lang.switch" => "English", "中文";
    "footer.text" => "执行 Zhixing · 执行案件办理与监督 · 仅限法院工作人员使用", "Zhixing · enforcement case handling and supervision · court staff only";

    // Sign-in
    "login.title" => "登录", "Sign in";
    "login.heading" => "工作人员登录", "Staff sign-in";
    "login.subtitle" => "执行案件办理与监督平台", "Enforcement case handling and supervision";
    "login.username" => "用户名", "Username";
    "login.password" => "密码", "Password";
    "login.submit" => "登录", "Sign in";
    "login.hint" => "忘记密码请联系本院系统管理员。", "Forgotten your password? Ask your court's system administrator.";
    "login.failed" => "用户名或密码不正确。", "Wrong username or password.";
    "login.expired" => "页面已过期，请重新登录。", "The page has expired. Please sign in again.";
    "login.too_many" => "登录尝试次数过多，请稍后再试。", "Too many attempts. Please wait a while and try again.";

    // Case list
    "cases.title" => "案件列表", "Cases";
    "cases.heading" => "执行案件", "Enforcement cases";
    "cases.caption" => "执行案件列表", "List of enforcement cases";
    "cases.total" => "共 {} 件", "Total: {}";
    "cases.empty" => "没有符合条件的案件。", "No cases match.";
    "cases.empty_reset" => "清除筛选条件", "Clear the filters";
    "filter.label" => "筛选案件", "Filter cases";
    "filter.q" => "案号或当事人", "Case number or party";
    "filter.q_placeholder" => "输入案号或当事人名称", "Case number or party name";
    "filter.court" => "法院", "Court";
    "filter.stage" => "办理阶段", "Stage";
    "filter.case_type" => "案件类型", "Case type";
    "filter.team" => "团队", "Team";
    "filter.officer" => "承办人", "Officer";
    "filter.year" => "立案年度", "Year filed";
    "filter.all" => "全部", "All";
    "filter.apply" => "查询", "Search";
    "filter.reset" => "清除筛选", "Clear filters";
    "filter.more" => "筛选条件", "Filters";
    "filter.active" => "已选 {} 项", "{} in use";
    "col.case_number" => "案号", "Case number";
    "col.applicants" => "申请执行人", "Applicant";
    "col.debtors" => "被执行人", "Debtor";
    "col.claim" => "标的额（元）", "Claim (yuan)";
    "col.stage" => "阶段", "Stage";
    "col.team" => "团队", "Team";
    "col.officer" => "承办人", "Officer";
    "col.filed_at" => "立案日期", "Filed";
    "pager.label" => "分页", "Pages";
    "pager.prev" => "上一页", "Previous";
    "pager.next" => "下一页", "Next";
    "pager.position" => "第 {} / {} 页", "Page {} of {}";

    // Shared bits
    "badge.suspended" => "中止", "Suspended";
    "badge.locked" => "锁定", "Locked";
    "common.none" => "—", "—";
    "common.unassigned" => "未分案", "Unassigned";
    "common.yuan" => "元", "yuan";

    // Case detail
    "detail.back" => "← 返回案件列表", "← Back to cases";

    // Electronic dossier (电子卷宗)
    "dossier.title" => "电子卷宗", "E-dossier";
    "dossier.link" => "电子卷宗 →", "E-dossier →";
    "dossier.back" => "← 返回案件", "← Back to the case";
    "dossier.archived" => "案件已归档：电子卷宗只读，可导出卷宗包。", "The case is archived: the dossier is read-only and can be exported.";
    "dossier.empty" => "本卷暂无材料。", "No documents in this volume.";
    "dossier.col.pos" => "序号", "No.";
    "dossier.col.kind" => "类别", "Kind";
    "dossier.col.title" => "材料名称", "Title";
    "dossier.col.size" => "大小", "Size";
    "dossier.col.uploaded" => "上传", "Uploaded";
    "dossier.col.actions" => "操作", "Actions";
    "dossier.view" => "查看", "View";
    "dossier.download" => "下载", "Download";
    "dossier.up" => "上移", "Up";
    "dossier.down" => "下移", "Down";
    "dossier.upload" => "上传材料", "Upload a document";
    "dossier.upload_hint" => "仅限 PDF、JPEG、PNG（按文件内容识别），单个文件不超过 {} MB。", "PDF, JPEG or PNG only (judged by content), at most {} MB per file.";
    "dossier.volume" => "卷别", "Volume";
    "dossier.kind" => "材料类别", "Kind";
    "dossier.doc_title" => "材料名称（可不填，默认为文件名）", "Title (optional; the filename by default)";
    "dossier.file" => "文件", "File";
    "dossier.submit" => "上传", "Upload";
    "dossier.export" => "导出卷宗包（ZIP）", "Export the dossier (ZIP)";
    "dossier.access_log" => "查阅记录（卷宗保密）", "Access log";
    "dossier.access_empty" => "暂无查阅记录。", "No views or downloads yet.";
    "dossier.col.who" => "查阅人", "Who";
    "dossier.col.when" => "时间", "When";
    "dossier.col.action" => "操作", "Action";
    "dossier.action.view" => "查看", "viewed";
    "dossier.action.download" => "下载", "downloaded";
    "dossier.action.export" => "导出", "exported";
    "dossier.added" => "材料已上传。", "The document was uploaded.";
    "nav.service" => "送达", "Service";
    "service.queue.title" => "送达工作台", "Service desk";
    "service.queue.intro" => "已签发文书的送达任务：待送达的选择方式送达；送达中的登记结果；送达失败的改用其他方式。", "Service tasks of issued documents: serve the pending ones, record the result of those in progress, and try another method where service failed.";
    "service.queue.tabs" => "送达任务状态", "Task status";
    "service.queue.empty" => "这里没有送达任务。", "No service task here.";
    "service.tab.pending" => "待送达", "To serve";
    "service.tab.in_progress" => "送达中", "In progress";
    "service.tab.failed" => "送达失败", "Failed";
    "service.col.case" => "案号", "Case";
    "service.col.document" => "文书", "Document";
    "service.col.recipient" => "受送达人", "Recipient";
    "service.col.status" => "状态", "Status";
    "service.col.next" => "办理", "Action";
    "service.col.served_on" => "送达日期", "Served on";
    "service.issued_on" => "签发日期", "Issued";
    "service.reason" => "原因", "Reason";
    "service.try_other" => "改用其他方式", "Try another method";
    "service.record_result" => "登记送达结果", "Record the result";
    "service.serve" => "送达", "Serve";
    "service.first_page" => "第一页", "First page";
    "service.next_page" => "下一页", "Next page";
    "service.case.title" => "送达情况", "Service";
    "service.case.link" => "送达情况", "Service of documents";
    "service.case.empty" => "本案还没有需要送达的文书。", "No document of this case needs serving yet.";
    // Asset inquiry and control (财产查控, 控制措施).
    "assets.link" => "财产查控", "Asset inquiry and control";
    "assets.brief" => "查到财产 {} 项，控制中措施 {} 项，待核查线索 {} 条", "{} assets found, {} measures in force, {} leads to verify";
    "assets.title" => "财产查控", "Asset inquiry and control";
    "assets.done" => "已办理。", "Done.";
    "assets.closed" => "案件已结案或归档，只能查看。", "The case is closed or archived; read only.";
    "assets.inquiry" => "网络查控", "Network inquiry";
    "assets.inquiry.none" => "本案还没有网络查控任务。", "No network inquiry for this case yet.";
    "assets.inquire_now" => "立即查询", "Inquire now";
    "assets.inquire_again" => "本轮查询已全部反馈，再次点击将重新发起查询", "Every answer is in; inquiring again starts a new round";
    "assets.nothing_found" => "未查询到", "Nothing found";
    "assets.task.pending" => "待提交", "Not yet submitted";
    "assets.task.submitted" => "查询中", "Awaiting answers";
    "assets.task.done" => "已反馈", "Answered";
    "assets.col.debtor" => "被执行人", "Debtor";
    "assets.col.status" => "状态", "Status";
    "assets.col.submitted" => "提交时间", "Submitted";
    "assets.col.answered" => "已反馈类型", "Kinds answered";
    "assets.col.next_poll" => "下次查询", "Next poll";
    "assets.col.kind" => "财产类型", "Kind";
    "assets.col.institution" => "协助单位", "Institution";
    "assets.col.description" => "财产情况", "Description";
    "assets.col.amount" => "余额/估值（元）", "Balance / value (yuan)";
    "assets.col.source" => "来源", "Source";
    "assets.col.control" => "控制措施", "Measure";
    "assets.col.term" => "期限", "Term";
    "assets.col.days_left" => "剩余天数", "Days left";
    "assets.col.due_on" => "核查期限", "Verify by";
    "assets.source.network" => "网络查控", "Network";
    "assets.source.manual" => "其他途径", "Other channel";
    "assets.source.lead" => "申请人线索", "Applicant's lead";
    "assets.findings" => "查控结果", "Findings";
    "assets.findings.none" => "暂未查询到财产。", "No assets found yet.";
    "assets.manual" => "录入其他途径查询结果", "Record a result from another channel";
    "assets.identifier" => "账号/权证号（仅内部可见）", "Account / registration no. (staff only)";
    "assets.amount" => "金额（元）", "Amount (yuan)";
    "assets.found_on" => "查询日期", "Date found";
    "assets.record" => "录入", "Record";
    "assets.months" => "期限（月）", "Term (months)";
    "assets.cap" => "法定上限（月）：", "Legal cap (months):";
    "assets.start_on" => "起始日", "Start date";
    "assets.end_on" => "届满日", "End date";
    "assets.place" => "采取措施", "Place the measure";
    "assets.carry" => "保全措施转为执行措施", "Carry over a preservation measure";
    "assets.from_case" => "保全案号", "Preservation case no.";
    "assets.carried_from" => "由保全案件转入：", "Carried over from:";
    "assets.measures" => "控制措施", "Control measures";
    "assets.measures.none" => "尚未采取控制措施。", "No control measure yet.";
    "assets.renewed" => "续行", "Renewed";
    "assets.renew" => "续行（续冻/续封）", "Renew";
    "assets.reason" => "解除理由", "Reason for lifting";
    "assets.lift" => "解除", "Lift";
    "assets.leads" => "财产线索", "Asset leads";
    "assets.leads.none" => "申请执行人尚未提供财产线索。", "The applicant has not given any asset lead.";
    "assets.urgent" => "紧急", "Urgent";
    "assets.urgent_hint" => "紧急线索（3日内核查）", "Urgent (verify within 3 days)";
    "assets.received_on" => "收到日期", "Received on";
    "assets.overdue" => "已超期", "Overdue";
    "assets.outcome" => "核查结果", "Outcome";
    "assets.note" => "说明", "Note";
    "assets.verify" => "提交核查结果", "Record the verification";
    "assets.lead.pending" => "待核查", "To verify";
    "assets.lead.found" => "核实有财产", "Asset found";
    "assets.lead.not_found" => "未发现财产", "Nothing found";
    "assets.lead.new" => "登记申请执行人提供的财产线索", "Record a lead from the applicant";
    "assets.lead.file" => "登记线索", "Record the lead";
    "assets.applicant" => "告知申请执行人", "Telling the applicant";
    "assets.inform" => "发送查控情况", "Send the summary";
    "assets.inform.sms" => "将以短信发送，不含账号等信息", "Sent by SMS, without account numbers";
    "assets.inform.platform" => "申请人未留手机号，结果将在平台上留存", "The applicant left no phone; the summary is kept for the portal";
    "assets.msg.sms" => "短信", "SMS";
    "assets.msg.platform" => "平台", "Portal";
    "assets.msg.sent" => "已发送", "Sent";
    "assets.msg.failed" => "发送失败", "Failed";
    "assets.msg.pending" => "发送中", "Sending";
    "assets.msg.recorded" => "已留存", "Kept";
    "service.announcement_running" => "公告期内，期满视为送达", "announcement running: served when it ends";
    "service.task.title" => "送达", "Service";
    "service.task.saved" => "已保存。", "Saved.";
    "service.task.locked" => "案件已锁定：本院未允许锁定期间办理送达的，送达记录将被拒绝，请先申请解锁。", "The case is locked: unless the court allows service while locked, recording it is refused; ask for the unlock first.";
    "service.attempts" => "送达记录", "Attempts";
    "service.attempts_none" => "尚未送达。", "Nothing tried yet.";
    "service.address" => "送达地址", "Address";
    "service.tracking_number" => "邮件单号", "Tracking number";
    "service.medium" => "公告媒体或场所", "Published in";
    "service.medium_example" => "如：人民法院公告网", "e.g. the People's Court announcement site";
    "service.received_by" => "签收人", "Signed by";
    "service.witness" => "见证人", "Witness";
    "service.witness_hint" => "受送达人拒绝签收的，填写见证人（留置送达）", "If the recipient refused to sign: the witness (service by leaving)";
    "service.provider" => "发送渠道", "Provider";
    "service.link_opened" => "受送达人打开链接于", "Link opened";
    "service.link_not_opened" => "受送达人尚未打开链接", "The recipient has not opened the link";
    "service.link_confirmed" => "确认签收于", "confirmed";
    "service.link_expired" => "链接已过期，请改用其他方式", "the link expired: try another method";
    "service.proof_view" => "查看送达凭证", "View the proof";
    "service.outcome" => "送达结果", "Outcome";
    "service.outcome.served" => "已送达（已签收）", "Served (signed for)";
    "service.outcome.failed" => "送达不成功", "Failed";
    "service.outcome.posted" => "已交邮（在途）", "Posted (in transit)";
    "service.outcome.returned" => "被退回", "Returned";
    "service.result_date" => "签收或退回日期", "Date signed for or returned";
    "service.failure_reason" => "未送达原因（送达不成功时必填）", "Why it failed (required when it failed)";
    "service.reason_examples" => "如：查无此人、拒收、地址不详", "e.g. unknown at the address, refused";
    "service.proof" => "送达凭证扫描件（可选，PDF、JPG 或 PNG）", "Scan of the proof (optional: PDF, JPG or PNG)";
    "service.proof_hint" => "送达凭证将归入电子卷宗正卷“执行通知书及送达”，单个文件不超过 {} MB。", "Proof scans are filed in the dossier's main volume under \"enforcement notice and service\", at most {} MB each.";
    "service.save" => "保存送达记录", "Save";
    "service.form.electronic" => "电子送达", "Electronic service";
    "service.method" => "送达方式", "Method";
    "service.electronic_address" => "手机号码或电子邮箱", "Mobile number or e-mail address";
    "service.consent" => "受送达人已签署送达地址确认书，同意电子送达", "The recipient signed the address confirmation and agreed to electronic service";
    "service.send" => "发送", "Send";
    "service.form.post" => "邮寄送达（法院专递）", "Service by post";
    "service.post_date" => "交邮日期", "Posted on";
    "service.postal_address" => "邮寄地址", "Postal address";
    "service.form.in_person" => "直接送达 / 留置送达", "Service in person";
    "service.date" => "送达日期", "Date";
    "service.form.announcement" => "公告送达", "Service by announcement";
    "service.announcement_hint" => "自公告发出之日起经过三十日即视为送达（民事诉讼法第九十五条）；今天发出的，视为 {} 送达。仅在受送达人下落不明或其他方式无法送达时使用。", "Served 30 days after publication (CPL art. 95): published today, it counts as served on {}. Only when the recipient cannot be found or other methods failed.";
    "service.published_on" => "公告发出日期", "Published on";
    "service.link.title" => "电子送达", "Electronic service";
    "service.link.recipient" => "受送达人", "Recipient";
    "service.link.number" => "文书编号", "Number";
    "service.link.method" => "送达方式", "Method";
    "service.link.download" => "下载文书（PDF）", "Download the document (PDF)";
    "service.link.served_on" => "本文书已送达，送达日期：", "This document was served on";
    "service.link.confirm_hint" => "请先下载并阅读文书，然后点击“确认签收”。确认后即视为本文书已送达您。", "Download and read the document first, then confirm receipt. Once confirmed, the document counts as served on you.";
    "service.link.confirm" => "确认签收", "Confirm receipt";
    "service.link.confirmed" => "已确认签收，谢谢。", "Receipt confirmed. Thank you.";
    "service.link.expires" => "本链接有效期至", "This link is valid until";
    "service.link.missing_title" => "链接无效", "Link not valid";
    "service.link.missing" => "该送达链接不存在或已过期。如需查看文书，请联系承办法院。", "This link does not exist or has expired. Please contact the court handling the case.";
    "detail.filed_at" => "立案日期", "Filed";
    "detail.closed_at" => "结案日期", "Closed";
    "detail.locked_notice" => "本案因流程节点超期已被锁定，经提级审批解锁前不能办理。", "This case is locked because a process deadline passed. Nothing can be done on it until a higher level approves unlocking.";
    "detail.suspended_notice" => "本案已中止执行，中止期间不计入办理期限。", "Enforcement is suspended; the time limits are paused.";
    "detail.amounts" => "执行标的", "Amounts";
    "detail.claim" => "申请执行标的额", "Claim";
    "detail.capital" => "大写", "In words";
    "detail.recovered" => "执行到位金额", "Recovered";
    "detail.basis" => "执行依据", "Basis for enforcement";
    "detail.basis_court" => "作出法院", "Issuing court";
    "detail.basis_number" => "文书字号", "Instrument number";
    "detail.basis_kind" => "文书类型", "Instrument type";
    "detail.basis_date" => "文书日期", "Instrument date";
    "detail.handling" => "承办信息", "Handling";
    "detail.court" => "执行法院", "Enforcing court";
    "detail.parties" => "当事人", "Parties";
    "detail.no_parties" => "暂无当事人信息。", "No parties recorded.";
    "detail.timeline" => "办理记录", "Timeline";
    "detail.no_timeline" => "暂无办理记录。", "Nothing recorded yet.";
    "party.name" => "当事人", "Party";
    "party.kind" => "类型", "Type";
    "party.kind.person" => "自然人", "Natural person";
    "party.kind.organisation" => "法人或其他组织", "Organisation";
    "party.id_number" => "证件号码", "ID number";
    "party.resident_id" => "身份证号码", "Resident ID";
    "party.credit_code" => "统一社会信用代码", "Credit code";
    "party.phone" => "联系电话", "Phone";
    "party.address" => "地址", "Address";

    // Reception window (初次接待)
    "nav.reception" => "接待登记", "Reception";
    "reception.title" => "初次接待登记", "Reception visit";
    "reception.heading" => "初次接待登记", "Record a reception visit";
    "reception.intro" => "一次登记，当场立案：请逐项填写并向申请执行人逐条告知，保存后打印笔录交申请执行人签字。", "One visit does everything: fill in each part, explain every notice item to the applicant, then print the record for signature.";
    "reception.error_summary" => "有 {} 处需要修改，请按提示更正后再保存（已填写的内容均已保留）：", "{} things need correcting before the record can be saved (everything you typed is kept):";
    "reception.save" => "保存接待笔录", "Save the reception record";
    "reception.choose" => "请选择", "Choose";
    "reception.sec_type" => "案件类型", "Case type";
    "reception.sec_applicant" => "申请执行人及代理人", "Applicant and agent";
    "reception.party_kind" => "当事人类型", "Kind of party";
    "reception.party_name" => "姓名或名称", "Name";
    "reception.id_number" => "身份证号码或统一社会信用代码", "Resident ID or credit code";
    "reception.id_number_hint" => "18 位，可直接输入，全角字符会自动转换", "18 characters; full-width input is converted";
    "reception.override_label" => "已核对证照原件，代码无误，校验位不符仍予登记", "I checked the original licence: the code is right although its check digit fails";
    "reception.override_reason" => "放行理由", "Reason for accepting it";
    "reception.override_hint" => "理由将写入接待笔录", "The reason is written into the record";
    "reception.agent" => "委托代理人", "Agent";
    "reception.agent_hint" => "没有代理人的，此处留空。", "Leave empty if the applicant came without an agent.";
    "reception.agent_name" => "代理人姓名", "Agent's name";
    "reception.lawyer_licence" => "律师执业证号", "Lawyer's licence no.";
    "reception.lawyer_licence_hint" => "律师代理的填写，17 位数字", "For a lawyer: 17 digits";
    "reception.sec_debtors" => "被执行人", "Debtors";
    "reception.debtor_n" => "被执行人 {}", "Debtor {}";
    "reception.add_debtor" => "添加被执行人", "Add another debtor";
    "reception.remove_debtor" => "删除此被执行人", "Remove this debtor";
    "reception.sec_basis" => "执行依据", "Basis for enforcement";
    "reception.issuing_court_hint" => "作出生效法律文书的法院、仲裁委员会或公证机构", "The court, arbitration commission or notary that issued it";
    "reception.instrument_number_hint" => "如（2025）豫0883民初456号", "e.g. （2025）豫0883民初456号";
    "reception.effective_date" => "生效日期", "Date it took effect";
    "reception.sec_amounts" => "金额", "Amounts";
    "reception.amount_awarded" => "文书确定的金额", "Amount awarded";
    "reception.amount_hint" => "单位：元，可写 38000、38,000.00 或 3.8万", "In yuan: 38000, 38,000.00 or 3.8万";
    "reception.interest_terms" => "利息计算方式", "Interest terms";
    "reception.interest_hint" => "按文书写明的方式填写，没有可留空", "As the instrument states; may be left empty";
    "reception.sec_leads" => "财产线索", "Asset leads";
    "reception.leads_hint" => "申请执行人知道的被执行人财产；没有可留空，以后也可随时提供。", "Assets of the debtor the applicant knows of; may be left empty and given later.";
    "reception.lead_n" => "线索 {}", "Lead {}";
    "reception.asset_kind" => "财产类型", "Kind of asset";
    "reception.asset_description" => "线索说明", "Description";
    "reception.asset_location" => "所在地", "Location";
    "reception.add_lead" => "添加财产线索", "Add an asset lead";
    "reception.remove_lead" => "删除此线索", "Remove this lead";
    "reception.sec_triage" => "分流信息", "For triage";
    "reception.locatable" => "被执行人下落是否明确、能够找到", "Can the debtor be found easily?";
    "reception.locatable_yes" => "能找到", "Yes";
    "reception.locatable_no" => "下落不明或难以找到", "No, or hard to find";
    "reception.flags" => "特殊情形", "Special circumstances";
    "reception.sec_statement" => "接待笔录", "Record of the visit";
    "reception.statement" => "笔录内容", "What was said";
    "reception.statement_hint" => "记录申请执行人陈述的主要内容，不超过 5000 字。", "The main points the applicant made; at most 5,000 characters.";
    "reception.sec_notice" => "权利义务及风险告知", "Rights, duties and risks explained";
    "reception.notice_hint" => "请逐条向申请执行人告知，告知一条勾选一条；全部告知后才能保存。", "Explain each item to the applicant and tick it; all must be ticked before saving.";
    "reception.sec_confirm" => "申请执行人确认", "Applicant's confirmation";
    "reception.confirmed" => "申请执行人已阅看笔录并确认无误", "The applicant has read the record and confirms it";

    // Reception record (接待笔录)
    "record.title" => "接待笔录", "Reception record";
    "record.heading" => "执行案件初次接待笔录", "Record of the first reception";
    "record.back" => "← 登记新的接待", "← Record another visit";
    "record.print" => "打印笔录", "Print the record";
    "record.filed" => "已立案：", "Filed:";
    "record.open_case" => "查看案件", "Open the case";
    "record.no" => "笔录编号", "Record no.";
    "record.time" => "接待时间", "Time";
    "record.officer" => "接待人", "Officer";
    "record.binding" => "阳光执行平台绑定码", "Applicant portal binding code";
    "record.binding_hint" => "申请执行人可扫描二维码或输入绑定码，在阳光执行平台随时查询案件进展。", "Scan the QR code or type the code on the applicant portal to follow the case.";
    "record.qr_label" => "绑定码二维码", "QR code of the binding code";
    "record.sec_case" => "案件", "Case";
    "record.no_leads" => "申请执行人暂未提供财产线索。", "The applicant gave no asset leads.";
    "record.no_flags" => "无", "None";
    "record.told" => "已告知 ✓", "Explained ✓";
    "record.colon" => "：", ": ";
    "record.lead_location" => "（所在地：{}）", " (location: {})";
    "record.applicant_sign" => "申请执行人（签名）：", "Applicant (signature):";
    "record.date_sign" => "日期：", "Date:";
    "record.officer_sign" => "接待人：", "Officer:";

    // Filing (立案)
    "filing.heading" => "立案", "Filing";
    "filing.submit" => "立案 File the case", "File the case 立案";
    "filing.hint" => "立案后自动编排案号，并当日对每名被执行人发起网络查控。", "Filing gives the case its number and starts the network asset inquiry for every debtor today.";
    "filing.not_allowed" => "立案由接待员或书记员办理。", "Cases are filed by reception officers and clerks.";
    "filing.no_duplicates" => "未发现同一执行依据、同一当事人的已立案件。", "No case on the same instrument with the same parties was found.";
    "filing.duplicates_warning" => "注意：发现 {} 件可能重复的案件（同一执行依据、同一当事人）", "Warning: {} possibly duplicate cases (same instrument, same party)";
    "filing.duplicates_hint" => "请先核对下列案件，确认不是重复申请后再立案。", "Check these cases first, and file only if this is not a repeat application.";

    // Direct filing by a clerk (/cases/new)
    "nav.new_case" => "立案", "File a case";
    "cases.new" => "＋ 立案", "＋ File a case";
    "newcase.title" => "立案", "File a case";
    "newcase.heading" => "立案（移送执行）", "File a case (transferred for enforcement)";
    "newcase.intro" => "审判庭移送执行等无需接待登记的案件在此直接立案：填写当事人和执行依据，先核对有无重复立案，再确认立案。", "Cases transferred from the trial divisions are filed here without a reception visit: fill in the parties and the basis, check for duplicates, then file.";
    "newcase.error_summary" => "有 {} 处需要修改，请按提示更正后再核对（已填写的内容均已保留）：", "{} things need correcting before the case can be filed (everything you typed is kept):";
    "newcase.check" => "核对查重", "Check for duplicates";
    "newcase.check_hint" => "先核对：系统检查各项内容，并查找同一执行依据、同一当事人的已立案件。", "Check first: every field is checked and cases on the same instrument with the same parties are looked up.";
    "newcase.recheck" => "修改后重新核对", "Check again after changes";
    "newcase.file" => "确认立案", "File the case";
    "newcase.not_duplicate" => "已核对，确认不是重复立案", "Checked: this is not a duplicate filing";
    "newcase.not_duplicate_label" => "重复立案核对", "Duplicate check";

    // Inquiry tasks on the case page
    "inquiry.heading" => "网络查控", "Network asset inquiry";
    "inquiry.none" => "暂无查控任务。", "No inquiry tasks.";
    "inquiry.status" => "状态", "Status";
    "inquiry.due_on" => "应办日期", "Due";
    "inquiry.completed_at" => "完成时间", "Completed";
    "inquiry.status.pending" => "待查控", "Pending";
    "inquiry.status.done" => "已完成", "Done";

    // Triage rules administration (分流规则)
    "nav.triage" => "分流规则", "Triage rules";
    // Teams and assignment (分案).
    "nav.teams" => "团队", "Teams";
    "nav.weights" => "分案权重", "Assignment weights";
    "nav.templates" => "文书模板", "Document templates";
    "teams.title" => "执行团队", "Enforcement teams";
    "teams.today" => "请假情况按今日：", "Leave as of today:";
    "teams.col_name" => "姓名", "Name";
    "teams.col_role" => "角色", "Role";
    "teams.col_open" => "在办案件", "Open cases";
    "teams.col_load" => "加权负荷", "Weighted load";
    "teams.col_rank" => "分案顺位", "Assignment order";
    "teams.col_status" => "状态", "Status";
    "teams.next" => "下一件", "next";
    "teams.active" => "在岗", "At work";
    "teams.on_leave" => "今日请假", "On leave today";
    "teams.inactive" => "已停用", "Deactivated";
    "teams.others" => "未编入团队的人员", "Staff outside the teams";
    "teams.leaving_link" => "离岗交接", "Leaving";
    "leaving.title" => "离岗交接", "Officer leaving";
    "leaving.cases" => "名下案件 {} 件", "{} cases held";
    "leaving.none" => "名下没有在办或终本案件", "No open or 终本 cases held";
    "leaving.col_case" => "案号", "Case number";
    "leaving.col_to_team" => "交由团队", "To team";
    "leaving.col_suggested" => "建议承办人（当前负荷）", "Suggested officer (current load)";
    "leaving.dormant" => "终本", "Dormant (终本)";
    "leaving.team_changes" => "变更团队", "team changes";
    "leaving.reason" => "改派理由", "Reason for reassignment";
    "leaving.reassign_all" => "按建议全部改派", "Reassign all as suggested";
    "leaving.reassigned" => "已改派 {} 件", "{} cases reassigned";
    "leaving.deactivate_reason" => "停用理由（如调离、退休）", "Reason for deactivation (e.g. transferred, retired)";
    "leaving.deactivate" => "停用账号", "Deactivate the account";
    "leaving.deactivated" => "账号已停用，该用户不能再登录", "The account is deactivated; the user can no longer sign in";
    "assign.title" => "分案与改派", "Assignment";
    "assign.officer" => "承办人（负荷分，在办件数）", "Officer (load points, open cases)";
    "assign.recommended" => "推荐", "suggested";
    "assign.fallback" => "法官/团队长", "judge/team leader";
    "assign.reason" => "理由（改派必填）", "Reason (required to reassign)";
    "assign.submit" => "分案/改派", "Assign";
    "assign.team" => "变更团队", "Change team";
    "assign.team_submit" => "变更团队", "Change team";
    "nodes.title" => "流程节点", "Process nodes";
    "nodes.none" => "本案尚无流程节点。", "No process nodes yet.";
    "nodes.as_of" => "按北京时间 {} 计算", "As of {} (Beijing time)";
    "nodes.caption" => "本案流程节点及期限", "The case's process nodes and their time limits";
    "nodes.col.name" => "节点", "Node";
    "nodes.col.status" => "状态", "Status";
    "nodes.col.started" => "起算日", "Started";
    "nodes.col.due" => "届满日", "Due";
    "nodes.col.remaining" => "剩余/超期", "Left / overdue";
    "nodes.col.paused" => "中止扣除", "Suspension deducted";
    "nodes.col.finished" => "完成日期", "Completed";
    "nodes.col.lock" => "超期锁定", "Locks when overdue";
    "nodes.due_today" => "今日到期", "Due today";
    "nodes.days_left" => "剩余 {} 日", "{} day(s) left";
    "nodes.days_overdue" => "超期 {} 日", "{} day(s) overdue";
    "nodes.paused_deducted" => "已扣除 {} 日", "{} day(s) deducted";
    "nodes.pausing" => "自 {} 起中止，已 {} 日（恢复时扣除）", "suspended since {}, {} day(s) so far (deducted on resumption)";
    "nodes.completed_late" => "{}（逾期完成）", "{} (late)";
    "nodes.cancelled_on" => "{} 结案撤销", "{} (case closed)";
    "nodes.locks" => "锁定案件，需{}审批解锁", "Locks the case; unlocked by {}";
    "nodes.no_lock" => "否", "No";
    "suspend.state" => "已中止", "Suspended";
    "suspend.since" => "中止时间", "Since";
    "suspend.reason_label" => "中止事由", "Reason";
    "suspend.by" => "决定人", "By";
    "suspend.title" => "中止执行", "Suspend enforcement";
    "suspend.reason" => "中止事由（必填）", "Reason (required)";
    "suspend.submit" => "中止执行", "Suspend";
    "suspend.hint" => "中止期间，相关流程节点暂停计算期限；恢复后扣除中止天数。", "While the case is suspended the affected nodes stop counting; the days are deducted on resumption.";
    "resume.submit" => "恢复执行", "Resume enforcement";
    "weights.title" => "分案负荷权重", "Assignment load weights";
    "weights.help" => "每件在办案件按类型计入承办人的负荷分；复杂案件另加附加分。取值 1–1000。", "Each open case counts towards its officer's load by type; complex cases add an extra. Values 1–1000.";
    "weights.type" => "案件类型", "Case type";
    "weights.weight" => "负荷分", "Load points";
    "weights.complex_extra" => "复杂案件附加", "Complex-case extra";
    "weights.save" => "保存", "Save";
    "weights.saved" => "已保存", "Saved";
    "weights.has_problems" => "有填写错误，未保存，请按提示修改", "Nothing was saved; please correct the marked fields";
    "weights.not_a_number" => "请填写整数", "enter a whole number";
    "triage.title" => "分流规则", "Triage rules";
    "triage.heading" => "繁简分流规则", "Triage rules (繁简分流)";
    "triage.court" => "法院", "Court";
    "triage.switch_court" => "查看", "Show";
    "triage.current" => "现行规则", "Rules in force";
    "triage.preset_badge" => "预设规则", "Preset";
    "triage.preset_note" => "本院尚未保存自己的规则，目前按系统预设规则分流。", "This court has not saved its own rules yet; cases are routed by the preset rules.";
    "triage.version" => "第 {} 版", "Version {}";
    "triage.own_note" => "本院保存的规则。", "Rules saved by this court.";
    "triage.intro" => "新立案件按下列规则从上到下依次比对，第一条符合的规则决定分至哪个团队。", "Each newly filed case is checked against the rules from top to bottom; the first rule it meets decides its team.";
    "triage.col.no" => "序号", "No.";
    "triage.col.name" => "规则名称", "Rule";
    "triage.col.conditions" => "条件", "Conditions";
    "triage.col.target" => "分至团队", "Team";
    "triage.team_missing" => "本院未设立", "no such team here";
    "triage.editor" => "修改规则", "Edit the rules";
    "triage.unsaved" => "有未保存的修改", "Unsaved changes";
    "triage.reload" => "重新加载最新规则", "Reload the latest rules";
    "triage.fix_fields" => "有 {} 处填写有误，请更正：", "{} entries need correcting:";
    "triage.problems" => "规则有 {} 个问题，须修改后才能保存：", "The rules have {} problem(s) to fix before they can be saved:";
    "triage.editor_hint" => "修改后先点“模拟”查看对各团队的影响，确认无误再点“保存”。保存前，修改不会生效。", "After changing the rules, press Simulate to see the effect on each team, then Save. Nothing takes effect until you save.";
    "triage.rule_n" => "第 {} 条", "Rule {}";
    "triage.catch_all_badge" => "兜底：其余案件", "Catch-all: every other case";
    "triage.name" => "规则名称", "Rule name";
    "triage.target" => "分至团队", "Send to team";
    "triage.choose_team" => "请选择团队", "Choose a team";
    "triage.claim_from" => "标的额从（含，元）", "Claim from (inclusive, yuan)";
    "triage.claim_to" => "标的额至（不含，元）", "Claim below (exclusive, yuan)";
    "triage.no_limit" => "不限", "any";
    "triage.claim_hint" => "留空表示不限；可写 50000、5万 或 50,000。", "Leave empty for no limit; 50000, 5万 and 50,000 all work.";
    "triage.locatable" => "被执行人下落", "Debtor's whereabouts";
    "triage.any" => "不限", "Any";
    "triage.locatable_yes" => "下落明确", "Can be found";
    "triage.locatable_no" => "下落不明", "Cannot be found";
    "triage.open_cases" => "被执行人有其他未结案件", "Debtor has other open cases";
    "triage.yes" => "是", "Yes";
    "triage.no" => "否", "No";
    "triage.applicants" => "申请执行人不少于（人）", "Applicants at least";
    "triage.debtors" => "被执行人不少于（人）", "Debtors at least";
    "triage.types" => "案件类型", "Case type";
    "triage.none_is_any" => "（不勾选表示不限）", "(tick none for any)";
    "triage.any_flags" => "有下列任一标记", "Has any of these flags";
    "triage.no_flags" => "没有下列任何标记", "Has none of these flags";
    "triage.extra" => "其他条件（通过接口设置，保持不变）：", "Other conditions (set through the API, kept as they are):";
    "triage.move_up" => "上移", "Up";
    "triage.move_down" => "下移", "Down";
    "triage.delete" => "删除", "Delete";
    "triage.move_up_n" => "上移第 {} 条规则", "Move rule {} up";
    "triage.move_down_n" => "下移第 {} 条规则", "Move rule {} down";
    "triage.delete_n" => "删除第 {} 条规则", "Delete rule {}";
    "triage.no_rules" => "还没有规则。请添加规则，或载入预设规则。", "No rules yet. Add a rule or load a preset.";
    "triage.add" => "添加规则", "Add a rule";
    "triage.preset" => "载入预设规则", "Load a preset";
    "triage.choose_preset" => "请选择", "Choose";
    "triage.preset_mengzhou" => "孟州市模式（三个团队）", "Mengzhou model (three teams)";
    "triage.preset_shanyang" => "山阳区模式（六个团队）", "Shanyang model (six teams)";
    "triage.load" => "载入", "Load";
    "triage.months" => "模拟范围", "Simulate over";
    "triage.months_n" => "近 {} 个月", "the last {} months";
    "triage.simulate" => "模拟", "Simulate";
    "triage.save" => "保存", "Save";
    "triage.discard" => "放弃修改", "Discard changes";
    "triage.sim.heading" => "模拟结果", "Simulation";
    "triage.sim.problems_above" => "注意：规则还有 {} 个问题（见上方），修改前不能保存。", "Note: the rules still have {} problem(s) (listed above) and cannot be saved yet.";
    "triage.sim.cases" => "近 {} 个月立案 {} 件", "Filed in the last {} months: {} cases";
    "triage.sim.changed" => "按新规则将改分团队 {} 件", "Would go to another team: {}";
    "triage.sim.note" => "旧案件没有记录特殊标记和被执行人下落，模拟时一律按无标记、下落明确、无其他未结案件计算。", "Older cases have no flags or whereabouts recorded; the simulation treats them as unflagged, locatable and without other open cases.";
    "triage.sim.loads" => "各团队案件数：现状与按新规则对比", "Cases per team: today and with these rules";
    "triage.sim.team" => "团队", "Team";
    "triage.sim.today" => "现状", "Today";
    "triage.sim.simulated" => "按新规则", "With these rules";
    "triage.sim.diff" => "增减", "Change";
    "triage.sim.none_changed" => "按新规则，没有案件会改分团队。", "With these rules no case would change team.";
    "triage.sim.examples" => "将改分团队的案件（最多 20 件）", "Cases that would change team (up to 20)";
    "triage.sim.reason" => "新规则的分流理由", "Reason under these rules";

    // Duty roster (值班表) and the lobby screen
    "nav.roster" => "值班表", "Duty roster";
    "roster.title" => "值班表", "Duty roster";
    "roster.heading" => "接待窗口值班表", "Reception window duty roster";
    "roster.weeks" => "选择周次", "Choose the week";
    "roster.prev_week" => "上一周", "Previous week";
    "roster.this_week" => "本周", "This week";
    "roster.next_week" => "下一周", "Next week";
    "roster.lobby_link" => "大厅公示屏", "Lobby screen";
    "roster.problems" => "值班表有 {} 处问题，未保存：", "The roster has {} problems and was not saved:";
    "roster.saved_heading" => "已发布的值班表", "Published roster";
    "roster.version" => "第 {} 版", "Version {}";
    "roster.not_saved" => "本周值班表尚未保存。请生成建议后调整并保存。", "This week's roster is not saved yet. Generate a proposal, adjust it and save.";
    "roster.col.day" => "日期", "Day";
    "roster.col.name" => "姓名", "Name";
    "roster.col.count" => "本周班次", "Slots this week";
    "roster.col.leave_days" => "请假天数", "Days on leave";
    "roster.generate_heading" => "生成值班表", "Generate the roster";
    "roster.slots_per_day" => "每天班次数", "Slots per day";
    "roster.generate" => "生成本周值班表", "Generate this week's roster";
    "roster.generate_note" => "按请假情况和前四周值班次数自动排班：每人每周至少一次，班次尽量平均。生成的只是建议，保存后才生效。", "Rosters everyone at least once, as evenly as leave allows, rotating extra slots by the last four weeks. It is only a proposal until saved.";
    "roster.proposal_heading" => "值班表建议（未保存）", "Proposed roster (not saved)";
    "roster.edit_heading" => "调整值班表", "Edit the roster";
    "roster.empty_slot" => "（无人）", "(nobody)";
    "roster.on_leave_mark" => "（请假）", " (on leave)";
    "roster.duty_phone" => "24 小时值班电话", "24-hour duty phone";
    "roster.save" => "保存并发布", "Save and publish";
    "roster.counts_heading" => "每人值班次数", "Slots per person";
    "roster.leave_heading" => "本周请假", "Leave this week";
    "roster.leave.none" => "本周无人请假。", "Nobody is on leave this week.";
    "roster.leave.person" => "请假人员", "Person";
    "roster.leave.date" => "请假日期", "Date";
    "roster.leave.reason" => "事由", "Reason";
    "roster.leave.add" => "登记请假", "Record leave";
    "roster.leave.cancel" => "取消请假", "Cancel leave";
    "lobby.title" => "值班公示", "Duty roster";
    "lobby.heading" => "执行局接待窗口本周值班表", "This week's reception window roster";
    "lobby.duty_phone" => "24 小时值班电话", "24-hour duty phone";
    "lobby.today" => "今日", "Today";
    "lobby.today_is" => "今天是", "Today: ";
    "lobby.not_published" => "本周值班表尚未公布，请拨打值班电话咨询。", "This week's roster is not published yet; please call the duty phone.";
    "lobby.refresh_note" => "本页每 10 分钟自动刷新", "This page refreshes every 10 minutes";

    // Supervision (流程监管), the bulletin (通报) and the inbox (待办提醒)
    "nav.supervision" => "流程监管", "Supervision";
    "nav.inbox" => "提醒", "Inbox";
    "supervision.title" => "流程监管", "Supervision";
    "supervision.heading" => "流程节点监管", "Process-node supervision";
    "supervision.bulletin_link" => "通报", "Bulletin";
    "supervision.group_label" => "统计方式", "Group";
    "supervision.court" => "法院", "Court";
    "supervision.as_of" => "统计日期：{}（北京时间）", "As of {} (Beijing time)";
    "supervision.nothing" => "没有需要关注的节点。", "Nothing needs attention.";
    "supervision.col.court" => "法院", "Court";
    "supervision.col.team" => "团队", "Team";
    "supervision.col.officer" => "承办人", "Officer";
    "supervision.col.warning" => "临期预警", "Due soon";
    "supervision.col.overdue" => "已超期", "Overdue";
    "supervision.col.locked" => "已锁定案件", "Locked cases";
    "supervision.col.node" => "流程节点", "Process node";
    "supervision.col.due_on" => "应完成日", "Due on";
    "supervision.col.days_left" => "剩余天数", "Days left";
    "supervision.col.days_overdue" => "超期天数", "Days overdue";
    "supervision.total" => "合计", "Total";
    "supervision.back" => "返回监管统计", "Back to the counts";
    "supervision.no_team" => "未分团队", "No team";
    "supervision.no_officer" => "未分配承办人", "No officer";
    "supervision.locked_by_hand" => "（人工锁定）", "(locked by hand)";
    "bulletin.title" => "通报", "Bulletin";
    "bulletin.heading" => "流程节点通报", "Process-node bulletin";
    "bulletin.period" => "通报期间", "Bulletin period";
    "bulletin.from" => "开始日期", "From";
    "bulletin.to" => "结束日期", "To";
    "bulletin.show" => "查看通报", "Show the bulletin";
    "bulletin.export" => "导出 Excel", "Export to Excel";
    "bulletin.period_title" => "{} 通报（{}）", "{} bulletin ({})";
    "bulletin.kind.warning" => "预警", "Warning";
    "bulletin.kind.overdue" => "超期", "Overdue";
    "bulletin.kind.locked" => "锁定", "Locked";
    "bulletin.total" => "共 {} 条", "{} entries";
    "bulletin.empty" => "本期间没有通报。", "No bulletin entries in this period.";
    "bulletin.col.no" => "序号", "No.";
    "bulletin.col.kind" => "类型", "Kind";
    "bulletin.col.date" => "通报日期", "Date";
    "inbox.title" => "提醒", "Inbox";
    "inbox.heading" => "待办提醒", "Inbox";
    "inbox.mark_all" => "全部标为已读", "Mark all read";
    "inbox.mark_one" => "标为已读", "Mark read";
    "inbox.unread" => "未读（{} 条）", "Unread ({})";
    "inbox.none_unread" => "没有未读提醒。", "No unread notifications.";
    "inbox.read" => "已读", "Read";
    "inbox.none_read" => "没有已读提醒。", "No read notifications.";
    "inbox.unread_badge" => "{} 条未读提醒", "{} unread notifications";

    // Process-node limits, working calendar, period calculator (node_admin.rs)
    "nav.node_defs" => "流程节点", "Process nodes";
    "nav.work_calendar" => "工作日历", "Working calendar";
    "nav.period" => "期间计算", "Period calculator";
    "nodesettings.court" => "法院", "Court";
    "nodesettings.switch_court" => "查看", "Show";
    "nodesettings.own_badge" => "本院设置", "Own setting";
    "nodesettings.inherited_badge" => "沿用", "Inherited";
    "nodesettings.unsaved" => "有未保存的修改", "Unsaved changes";
    "nodesettings.preview" => "预览影响", "Preview the effect";
    "nodesettings.save" => "保存", "Save";
    "nodesettings.read_only" => "只有系统管理员可以修改；您可以查看。", "Only administrators change this; you may look.";
    "nodedefs.title" => "流程节点期限", "Process-node limits";
    "nodedefs.heading" => "流程节点期限设置", "Process-node limits";
    "nodedefs.intro" => "每个流程节点在触发事件发生后开始计时，按期限计算届满日（节假日顺延，中止期间扣除），提前预警，超期通报，必要时锁定案件。修改后，本院及沿用本院设置的下级法院的在办节点将重新计算。", "Each process node starts when its trigger happens; its due date follows the limit (moved off rest days, suspension deducted); a warning goes out ahead, overdue nodes are reported and may lock the case. Saving recomputes the open nodes of this court and of the courts below that inherit its setting.";
    "nodedefs.editor" => "修改期限", "Edit the limits";
    "nodedefs.col.name" => "节点", "Node";
    "nodedefs.col.trigger" => "触发事件", "Trigger";
    "nodedefs.col.completions" => "完成事件", "Completed by";
    "nodedefs.col.limit" => "期限", "Limit";
    "nodedefs.col.warn" => "提前预警（日）", "Warn (days ahead)";
    "nodedefs.col.lock" => "超期锁定", "Lock when overdue";
    "nodedefs.col.unlock" => "解锁审批层级", "Unlocked by";
    "nodedefs.col.pause" => "中止时暂停", "Pause on suspension";
    "nodedefs.unit" => "单位", "Unit";
    "nodedefs.unit.days" => "日", "days";
    "nodedefs.unit.working_days" => "工作日", "working days";
    "nodedefs.unit.months" => "个月", "months";
    "nodedefs.lock_yes" => "锁定", "Lock";
    "nodedefs.pause_yes" => "暂停", "Pause";
    "nodedefs.yes" => "是", "Yes";
    "nodedefs.no" => "否", "No";
    "nodedefs.warn_days" => "{} 日", "{} day(s)";
    "nodedefs.hint" => "先点“预览影响”查看在办节点的变化，确认无误再点“保存”。保存前，修改不会生效。", "Press Preview to see the effect on open nodes, then Save. Nothing takes effect until you save.";
    "nodedefs.advanced" => "高级：直接编辑 JSON", "Advanced: edit the JSON";
    "nodedefs.advanced_hint" => "可增删节点、修改触发和完成事件。保存前会检查：完成事件不能与触发事件相同，也不能是触发之后不可能发生的事件。", "Add or remove nodes, change triggers and completions. Checked before saving: a completion may not be its own trigger, nor an event that can never follow it.";
    "nodedefs.defaults_hint" => "恢复为系统默认期限（最高人民法院规定及本地规则）。载入后须预览并保存才生效。", "Restore the system defaults (SPC rules and local practice). They take effect once previewed and saved.";
    "nodedefs.defaults" => "恢复默认期限", "Restore the defaults";
    "nodepreview.heading" => "影响预览（尚未保存）", "Effect preview (not saved)";
    "nodepreview.courts" => "涉及法院：{}", "Courts affected: {}";
    "nodepreview.examined" => "在办流程节点 {} 个", "Open process nodes: {}";
    "nodepreview.changed" => "期限将变化 {} 个", "Due date changes: {}";
    "nodepreview.status_changes" => "状态将变化 {} 个", "Status changes: {}";
    "nodepreview.newly_overdue" => "将新变为超期 {} 个", "Newly overdue: {}";
    "nodepreview.none" => "没有在办节点的期限会变化。", "No open node's due date changes.";
    "nodepreview.examples" => "将变化的节点（最多 20 个）", "Nodes that change (up to 20)";
    "nodepreview.col.case" => "案号", "Case";
    "nodepreview.col.node" => "节点", "Node";
    "nodepreview.col.old_due" => "原届满日", "Due now";
    "nodepreview.col.new_due" => "新届满日", "New due date";
    "nodepreview.col.status" => "新状态", "New status";
    "nodepreview.note" => "保存后，新变为预警或超期的节点由定时任务发出预警、通报并按规定锁定案件。", "After saving, the scheduler sends the warnings and bulletins of nodes that become due soon or overdue, and locks cases as configured.";
    "workcal.title" => "工作日历", "Working calendar";
    "workcal.heading" => "{} 年工作日历", "Working calendar {}";
    "workcal.year" => "年份", "Year";
    "workcal.source" => "日历来源", "Source";
    "workcal.covered" => "系统内置 {} 年的官方节假日数据：{}。", "Official holiday data shipped for {}: {}.";
    "workcal.not_covered" => "{} 年不在内置官方数据范围（{}）内：除本院设置的日期外，只按周六、周日休息计算。请在国务院公布安排后补充设置。", "{} is outside the shipped official data ({}): apart from the court's own entries only weekends rest. Add the year's days once the State Council publishes them.";
    "workcal.makeup_working" => "调休上班日计为工作日（与国务院通知一致）", "Make-up working days count as working days (as the State Council notices say)";
    "workcal.makeup_rest" => "调休上班日按休息日计算", "Make-up working days count as rest days";
    "workcal.days_heading" => "{} 年节假日与调休上班日", "Holidays and make-up working days, {}";
    "workcal.no_days" => "本年度没有节假日或调休记录。", "No holidays or make-up days this year.";
    "workcal.col.date" => "日期", "Date";
    "workcal.col.weekday" => "星期", "Weekday";
    "workcal.col.kind" => "类型", "Kind";
    "workcal.col.name" => "名称", "Name";
    "workcal.col.working" => "是否工作日", "Working?";
    "workcal.override_badge" => "本院设置", "court setting";
    "workcal.working" => "工作日", "working";
    "workcal.rest" => "休息日", "rest";
    "workcal.editor" => "调整工作日历", "Adjust the calendar";
    "workcal.add" => "设置某一日", "Set a day";
    "workcal.kind.holiday" => "节假日（休息）", "Holiday (rest)";
    "workcal.kind.workday" => "调休上班（工作日）", "Make-up working day";
    "workcal.kind.ordinary" => "恢复为普通日（按星期计算）", "Ordinary (the weekday decides)";
    "workcal.name_hint" => "如：元旦", "e.g. New Year";
    "workcal.add_button" => "加入", "Add";
    "workcal.makeup" => "调休上班日的计算方式", "Make-up working days";
    "workcal.makeup_button" => "更改", "Change";
    "workcal.overrides" => "本院设置的日期", "Days set by the court";
    "workcal.no_overrides" => "尚未设置任何日期，完全按国务院公布的安排。", "No days set: the official schedule applies as it is.";
    "workcal.remove" => "删除", "Remove";
    "workcal.hint" => "以上调整在保存前不生效。先点“预览影响”查看在办节点的变化，再点“保存”。", "Nothing above takes effect until saved. Preview the effect on open nodes, then save.";
    "workcal.defaults" => "恢复为官方安排", "Restore the official schedule";
    "period.title" => "期间计算器", "Period calculator";
    "period.intro" => "按民事诉讼法第八十五条计算期间：事件发生当日不计入，自次日起算；期间届满日为节假日的，顺延至节假日后的第一个工作日；中止期间予以扣除。", "Periods are counted under CPL art. 85: the event day is not counted; counting starts the next day; a period ending on a rest day ends on the next working day; suspended time is deducted.";
    "period.from" => "事件发生日", "Event day";
    "period.from_hint" => "格式：2025-09-28", "Format: 2025-09-28";
    "period.length" => "期间长度", "Length";
    "period.unit" => "单位", "Unit";
    "period.unit.days" => "日", "days";
    "period.unit.working_days" => "工作日", "working days";
    "period.unit.months" => "个月", "months";
    "period.suspended" => "扣除中止天数", "Suspended days to deduct";
    "period.compute" => "计算", "Compute";
    "period.result" => "计算结果", "Result";
    "period.due_on" => "期间届满日：{}", "The period ends on {}";
    "period.suspended_n" => "扣除中止 {} 日", "{} suspended day(s) deducted";
    "period.steps" => "计算过程", "How it was reached";
    "period.uncovered" => "注意：下列年份没有官方节假日数据，只按周末计算：", "Note: no official holiday data for these years; only weekends were counted:";
    "period.calendar_note" => "按{}的工作日历计算：{}", "Counted with the working calendar of {}: {}";

    // Unlock and extension requests (解锁申请、延长执行期限申请) and their approvals (unlock.rs)
    "nav.approvals" => "审批", "Approvals";
    "unlock.title" => "解锁与延期申请", "Unlock and extension requests";
    "unlock.reason" => "解锁理由", "Reason for unlocking";
    "unlock.reason_hint" => "说明超期原因和预计完成时间", "Why the deadline passed and when the work will be done";
    "unlock.preset.disposal" => "查封财产正在评估拍卖，尚需时间处置", "Seized assets are being valued and auctioned";
    "unlock.preset.funds" => "执行款已到账，待发放后结案", "Funds have arrived; the case closes after the payout";
    "unlock.preset.settlement" => "双方当事人正在履行执行和解协议", "The parties are carrying out a settlement agreement";
    "unlock.preset.closing" => "已具备结案条件，正在办理结案手续", "The case is ready to close; closing is under way";
    "unlock.submit" => "提出解锁申请（由{}审批）", "Request unlocking (decided by {})";
    "unlock.col.kind" => "申请", "Request";
    "unlock.col.status" => "状态", "Status";
    "unlock.col.node" => "流程节点", "Process node";
    "unlock.col.level" => "审批", "Decided by";
    "unlock.col.reason" => "理由", "Reason";
    "unlock.col.requested" => "申请人", "Requested by";
    "unlock.col.decision" => "审批结果", "Decision";
    "unlock.waiting" => "待审批", "Waiting for a decision";
    "unlock.days_overdue" => "已超期 {} 日", "overdue {} day(s)";
    "unlock.days_left" => "距期限届满 {} 日", "{} day(s) left";
    "unlock.new_due" => "新的期限 {}", "new deadline {}";
    "extension.reason" => "延期理由", "Reason for the extension";
    "extension.submit" => "申请延长执行期限", "Request an extension";
    "approvals.title" => "解锁与延期审批", "Unlock and extension approvals";
    "approvals.intro" => "本页列出由您审批的解锁申请和延长执行期限申请。批准解锁须确定新的办理期限；不予批准须说明理由。", "The requests you decide: unlocking a locked case and extending the time limit. Approving an unlock sets a new deadline; a refusal needs a reason.";
    "approvals.filter" => "按状态筛选", "Filter by status";
    "approvals.pending" => "待审批", "Pending";
    "approvals.approved" => "已批准", "Approved";
    "approvals.refused" => "未批准", "Refused";
    "approvals.all" => "全部", "All";
    "approvals.none" => "没有需要您审批的申请", "No requests here";
    "approvals.court" => "法院", "Court";
    "approvals.due_on" => "节点期限", "Node due";
    "approvals.new_due" => "新的办理期限", "New deadline";
    "approvals.extension_months" => "批准后执行期限延长 3 个月", "Approving adds 3 months to the time limit";
    "approvals.approve_reason" => "审批意见（可不填）", "Comment (optional)";
    "approvals.refuse_reason" => "不予批准的理由", "Reason for refusing";
    "approvals.approve" => "批准", "Approve";
    "approvals.refuse" => "不予批准", "Refuse";
    "approvals.done_approved" => "已批准。", "Approved.";
    "approvals.done_refused" => "已决定不予批准。", "Refused.";
    // Document approval (文书审批)
    "nav.reviews" => "文书审批", "Document approval";
    "docs.link" => "文书起草与审批", "Documents: drafting and approval";
    "docs.title" => "案件文书", "Case documents";
    "docs.intro" => "文书由书记员或法官助理起草，提交有签发权限的人员审批；批准即签发：确定文号、固定内容、归入电子卷宗，并可送达。未经批准的文书只能预览草稿，不能送达。", "A clerk or assistant drafts; those with the authority approve. Approval issues the document: it gets its number, its content is fixed, it is filed in the dossier and may be served. An unapproved document can only be previewed as a draft and cannot be served.";
    "docs.back_case" => "返回案件", "Back to the case";
    "docs.back_list" => "本案文书", "This case's documents";
    "docs.back_reviews" => "文书审批", "Document approval";
    "docs.list" => "已有文书", "Documents";
    "docs.none" => "本案还没有文书。", "No documents yet.";
    "docs.drafted_by" => "起草人", "Drafted by";
    "docs.reviewed_by" => "审批人", "Reviewer";
    "docs.level" => "审批权限", "Approved by";
    "docs.submitted_at" => "提交于", "Submitted";
    "docs.draft" => "起草文书", "Draft a document";
    "docs.kind" => "文书类别", "Kind of document";
    "docs.choose_kind" => "请选择", "Choose";
    "docs.kind_option" => "{}（审批：{}）", "{} (approved by {})";
    "docs.cause" => "案由", "Cause";
    "docs.cause_hint" => "如：买卖合同纠纷", "e.g. sales contract dispute";
    "docs.notes" => "说明", "Notes";
    "docs.notes_hint" => "每行一条；笔录等文书的正文在此填写。", "One note a line; the body of records goes here.";
    "docs.assets" => "财产", "Assets";
    "docs.assets_hint" => "冻结、查封、扣划裁定须列明至少一项财产；空行不计。", "Freezing, sealing and deduction rulings need at least one asset; empty lines are ignored.";
    "docs.asset_description" => "财产名称", "Asset";
    "docs.asset_holder" => "所有人", "Holder";
    "docs.asset_amount" => "金额", "Amount";
    "docs.asset_period" => "期限", "Period";
    "docs.save_draft" => "保存草稿", "Save draft";
    "docs.submit" => "提交审批", "Submit for approval";
    "docs.save_submit" => "保存并提交审批", "Save and submit";
    "docs.closed" => "案件已结案或归档，不能再起草文书。", "The case is closed or archived; no more documents can be drafted.";
    "docs.comment_from" => "退回意见", "Returned by";
    "docs.content" => "文书内容", "Content";
    "docs.number" => "文号", "Number";
    "docs.issued_on" => "签发日期", "Issued on";
    "docs.approved_by_label" => "签发人", "Approved by";
    "docs.hash" => "内容校验值（SHA-256）", "Content hash (SHA-256)";
    "docs.open_pdf" => "查看签发文书（PDF）", "Open the issued PDF";
    "docs.download_docx" => "下载 Word", "Download Word";
    "docs.in_dossier" => "电子卷宗中的文书", "In the dossier";
    "docs.preview_pdf" => "预览草稿（PDF）", "Preview draft (PDF)";
    "docs.preview_docx" => "草稿 Word", "Draft as Word";
    "docs.preview_hint" => "草稿首行标注“草稿，未经审批”，不能用于送达。", "A draft says \"draft, not approved\" at the top and cannot be served.";
    "docs.service" => "送达任务", "Service tasks";
    "docs.decide" => "审批", "Decide";
    "docs.approve_hint" => "批准即签发：确定文号、固定内容、归入电子卷宗并生成送达任务，签发后不能修改。请先预览文书。", "Approving issues it: number given, content fixed, filed in the dossier, service tasks created; it cannot be changed afterwards. Preview it first.";
    "docs.approve" => "批准签发", "Approve and issue";
    "docs.comment" => "修改意见（退回时必填）", "What to change (required to return)";
    "docs.return" => "退回修改", "Return for changes";
    "docs.edit" => "修改文书", "Change the document";
    "docs.steps" => "办理", "Actions";
    "docs.withdraw" => "撤回文书", "Withdraw";
    "docs.history" => "审批记录", "History";
    "docs.step.draft" => "起草", "drafted";
    "docs.step.edit" => "修改", "changed";
    "docs.step.submit" => "提交审批", "submitted for approval";
    "docs.step.return" => "退回", "returned";
    "docs.step.approve" => "批准签发", "approved and issued";
    "docs.step.withdraw" => "撤回", "withdrawn";
    "docs.step.other" => "其他", "other";
    "docs.done.saved" => "草稿已保存。", "Draft saved.";
    "docs.done.submitted" => "已提交审批。", "Submitted for approval.";
    "docs.done.returned" => "已退回起草人修改。", "Returned to the drafter.";
    "docs.done.approved" => "已批准签发，文书已归入电子卷宗。", "Approved and issued; filed in the dossier.";
    "docs.done.withdrawn" => "文书已撤回。", "Document withdrawn.";
    "docs.draft_pdf" => "PDF（草稿）", "PDF (draft)";
    "docs.draft_docx" => "Word（草稿）", "Word (draft)";
    "reviews.title" => "文书审批", "Document approval";
    "reviews.intro" => "本页列出提交给您审批的文书（按提交先后）。打开文书预览后批准签发，或写明意见退回。", "Documents submitted for your approval, oldest first. Open one, preview it, then approve it or return it with comments.";
    "reviews.none" => "没有待您审批的文书。", "Nothing waits for your approval.";
    "reviews.not_reviewer" => "您的岗位不审批文书。", "Your post does not approve documents.";
    "reviews.open" => "查看并审批", "Open and decide";
    "reviews.next" => "下一页", "Next page";

    // Errors
    "error.code" => "错误代码", "Error";
    "error.back_to_cases" => "返回案件列表", "Back to cases";
    "error.to_login" => "前往登录", "Go to sign-in";
    "error.400.title" => "请求有误", "Bad request";
    "error.400.message" => "提交的内容不完整或格式不正确，请检查后重试。", "What was sent is incomplete or malformed. Please check it and try again.";
    "error.401.title" => "请先登录", "Please sign in";
    "error.401.message" => "您尚未登录或登录已过期，请重新登录。", "You are not signed in, or your session has ended. Please sign in again.";
    "error.403.title" => "无权访问", "Access denied";
    "error.403.message" => "您没有查看或办理此项内容的权限。如有疑问，请联系本院执行局管理员。", "You are not permitted to see or act on this. If you think this is wrong, ask your bureau's administrator.";
    "error.404.title" => "未找到", "Not found";
    "error.404.message" => "您要找的案件或页面不存在，或不在您的权限范围内。", "The case or page does not exist, or is outside what you may see.";
    "error.409.title" => "内容已被他人修改", "Changed by someone else";
    "error.409.message" => "您打开页面后，此案件已被他人更新。请刷新页面查看最新内容后再操作。", "This case was updated after you opened it. Reload the page to see the latest version, then try again.";
    "error.423.title" => "案件已锁定", "Case locked";
    "error.423.message" => "本案因流程节点超期已被锁定，须经提级审批解锁后方可办理。", "This case is locked because a process deadline passed. It can be handled again once a higher level approves unlocking.";
    "error.500.title" => "系统出错", "Something went wrong";
    "error.500.message" => "系统暂时无法完成您的请求，请稍后重试；如问题持续，请联系系统管理员。", "The system could not complete your request. Please try again later; if it keeps happening, contact the system administrator.";
    // Routine work (事务集约)
    "nav.routine" => "事务集约", "Routine work";
    "routine.title" => "事务集约工作台", "Routine-work queue";
    "routine.intro" => "新收案件在此集中制作执行通知书、报告财产令等文书：勾选案件，一次生成并提交审批；批准签发后自动归入电子卷宗，并生成送达任务。按通知节点期限排序，最紧急的在前。", "New cases get their enforcement notice and asset-report order here: tick the cases, make the documents in one go and submit them for approval; once approved they are filed in each dossier and their service tasks created. Most urgent first.";
    "routine.kinds" => "制作文书", "Documents to make";
    "routine.queue_total" => "待制作文书的新收案件：共 {} 件", "New cases waiting for their documents: {}";
    "routine.queue_empty" => "没有待制作文书的案件。", "No case is waiting for its documents.";
    "routine.select_all" => "选择队列中的全部 {} 件（不止本页）", "Select all {} cases in the queue (not just this page)";
    "routine.col.pick" => "选择", "Select";
    "routine.col.case" => "案号", "Case";
    "routine.col.parties" => "当事人", "Parties";
    "routine.col.claim" => "标的额（元）", "Claim (yuan)";
    "routine.col.officer" => "承办人", "Officer";
    "routine.col.due" => "通知期限", "Notice due";
    "routine.col.batch" => "批次", "Batch";
    "routine.col.status" => "状态", "Status";
    "routine.col.progress" => "进度", "Progress";
    "routine.col.by" => "发起人", "Started by";
    "routine.versus" => "对", "v.";
    "routine.locked" => "已锁定", "locked";
    "routine.overdue" => "已超期", "overdue";
    "routine.due_soon" => "即将到期", "due soon";
    "routine.next_page" => "下一页", "Next page";
    "routine.start" => "批量生成并提交审批", "Make and submit for approval";
    "routine.batches" => "最近的批次", "Recent batches";
    "routine.no_batches" => "还没有批次。", "No batches yet.";
    "routine.failed_n" => "{} 件未完成", "{} failed";
    "routine.action.draft" => "批量制作文书", "Drafting";
    "routine.action.approve" => "批量审批签发", "Approving";
    "routine.status.running" => "进行中", "running";
    "routine.status.stalled" => "已中断", "stopped";
    "routine.status.done" => "已完成", "done";
    "routine.batch_title" => "批次", "Batch";
    "routine.source_batch" => "审批第 {} 批制作的文书", "approving batch {}";
    "routine.progress_done" => "已完成", "Done";
    "routine.progress_failed" => "未完成", "failed";
    "routine.progress_running" => "正在处理，页面会自动更新。", "Working; this page updates by itself.";
    "routine.refresh" => "刷新", "Refresh";
    "routine.stalled_hint" => "该批次处理中断（如系统重启）。继续办理将从中断处接着处理，已完成的不会重复。", "This batch stopped (for example, the system restarted). Resuming carries on where it stopped; nothing done is done twice.";
    "routine.resume" => "继续办理", "Resume";
    "routine.approvable" => "本批有 {} 份文书待您审批。", "{} documents of this batch wait for your approval.";
    "routine.approve_hint" => "批准即签发：确定文号、固定内容、归入电子卷宗并生成送达任务。请先在文书审批中抽查内容。", "Approving issues them: numbers given, content fixed, filed in the dossiers, service tasks created. Check a sample in the review queue first.";
    "routine.approve_all" => "全部批准签发", "Approve and issue all";
    "routine.after_draft" => "文书已提交审批，由有签发权限的人员审批。", "The documents are submitted; those with the authority approve them.";
    "routine.to_reviews" => "前往文书审批", "Go to document approval";
    "routine.after_approve" => "已签发的文书已生成送达任务。", "The issued documents have their service tasks.";
    "routine.to_service" => "前往送达工作台", "Go to the service queue";
    "routine.failures" => "未完成的案件", "What failed";
    "routine.no_failures" => "没有未完成的案件。", "Nothing failed.";
    // Case funds (案款).
    "nav.funds" => "案款", "Funds";
    "funds.link" => "案款台账", "Case funds";
    "funds.case.title" => "案款", "Case funds";
    "funds.locked" => "案件已锁定：只有本院锁定白名单允许的案款事项可以办理。", "The case is locked: only the funds actions the court's lock whitelist allows can go on.";
    "funds.account" => "案款账户（一案一账号）", "Case account";
    "funds.account_number" => "账号", "Account number";
    "funds.account_name" => "户名", "Account name";
    "funds.bank" => "开户行", "Bank";
    "funds.balance" => "案款余额", "Balance";
    "funds.ledger" => "案款台账", "Ledger";
    "funds.ledger_empty" => "尚无案款收付记录。", "No money has been received or paid out.";
    "funds.col.date" => "日期", "Date";
    "funds.col.what" => "摘要", "Entry";
    "funds.col.amount" => "金额（元）", "Amount (yuan)";
    "funds.col.balance" => "余额（元）", "Balance (yuan)";
    "funds.col.party" => "缴款人/收款人", "Payer / payee";
    "funds.col.reference" => "凭证号", "Reference";
    "funds.col.recorded_by" => "登记人", "Recorded by";
    "funds.receipt" => "收款", "Receipt";
    "funds.payout" => "发放", "Payout";
    "funds.proposals" => "发放方案", "Payout plans";
    "funds.record_receipt" => "登记到账案款", "Record a receipt";
    "funds.amount" => "金额（元）", "Amount (yuan)";
    "funds.source" => "来源", "Source";
    "funds.payer" => "缴款人", "Payer";
    "funds.reference" => "银行回单/扣划裁定/收款凭证号", "Bank slip, deduction ruling or voucher no.";
    "funds.received_on" => "到账日期", "Date received";
    "funds.second_officer" => "共同清点人（现金）", "Second officer (cash)";
    "funds.cash_hint" => "现金收款须由两名干警当日共同清点并登记。", "Cash is counted and recorded by two officers the same day.";
    "funds.propose" => "提出发放方案", "Propose a payout";
    "funds.claims" => "各申请执行人债权额（分配依据）", "Each applicant's claim (basis of the plan)";
    "funds.claims_hint" => "本案有多名申请执行人。登记每人的债权额（合计须等于申请执行标的 {} 元）后，发放建议按每人尚未受偿的数额按比例计算，且任何发放不得超过该数额。", "This case has several applicants. Once each one's claim is stated (together they must equal the case's claim of {} yuan), payouts are suggested in proportion to what each is still owed, and no payout may exceed it.";
    "funds.applicant" => "申请执行人", "Applicant";
    "funds.claim" => "债权额（元）", "Claim (yuan)";
    "funds.paid" => "已发放（元）", "Paid (yuan)";
    "funds.owed" => "尚未受偿（元）", "Still owed (yuan)";
    "funds.claim_unstated" => "未登记", "not stated";
    "funds.claims_save" => "保存债权额", "Save the claims";
    "funds.suggestion_by_claims" => "已按各申请执行人尚未受偿的债权额按比例预填（精确到分，不超过其尚未受偿数额），可按法院分配方案修改；留空者不发放。", "Prefilled in proportion to what each applicant is still owed (to the fen, never more than that); change it to the court's plan; blank means no payment.";
    "funds.approval_hint" => "单笔方案超过 {} 元须由{}审批；未超过的由承办法官或团队长决定。", "Plans above {} yuan are approved by {}; smaller ones by the judge or team leader.";
    "funds.suggestion_hint" => "已按申请执行人人数等额预填余额（精确到分，合计等于余额），可按法院分配方案修改；留空者不发放。", "Prefilled with the balance split equally among the applicants (to the fen, summing exactly); change it to the court's plan; blank means no payment.";
    "funds.note" => "说明", "Note";
    "funds.level" => "审批层级", "Approved by";
    "funds.proposed_by" => "提出人", "Proposed by";
    "funds.decided_by" => "审批人", "Decided by";
    "funds.reason" => "理由", "Reason";
    "funds.approve" => "批准并发放", "Approve and pay";
    "funds.refuse" => "不予发放", "Refuse";
    "funds.approvals.title" => "案款发放审批", "Payout approvals";
    "funds.approvals.empty" => "没有待审批的发放方案。", "No payout waits for approval.";
    "funds.approvals.not_yours" => "此方案须由更高层级审批，或是您本人提出的。", "This plan needs a higher level, or you proposed it.";
    "funds.recon.title" => "案款对账", "Funds reconciliation";
    "funds.recon.from" => "起始日期", "From";
    "funds.recon.to" => "截止日期", "To";
    "funds.recon.show" => "查询", "Show";
    "funds.recon.xlsx" => "导出 Excel", "Export to Excel";
    "funds.recon.balanced" => "账实相符：每件案件的台账余额均等于其在账金额。", "Balanced: every case's ledger equals what it holds.";
    "funds.recon.differences" => "发现 {} 件案件账实不符，见下表。", "{} cases do not balance; see below.";
    "funds.recon.totals" => "汇总", "Totals";
    "funds.recon.court" => "法院", "Court";
    "funds.recon.opening" => "期初余额", "Opening";
    "funds.recon.receipts" => "本期收款", "Receipts";
    "funds.recon.disbursements" => "本期发放", "Payouts";
    "funds.recon.closing" => "期末余额", "Closing";
    "funds.recon.cases" => "案件数", "Cases";
    "funds.recon.total" => "合计", "Total";
    "funds.recon.by_source" => "收款来源", "Receipts by source";
    "funds.recon.lines" => "案件明细", "Cases";
    "funds.recon.held" => "在账金额", "Held";
    "funds.recon.difference" => "差异", "Difference";
    "funds.recon.more" => "另有 {} 件，见 Excel 导出。", "{} more in the Excel export.";
    "funds.settings.title" => "案款账户与发放审批", "Fund account and payout approval";
    "metric_settings.title" => "质效指标口径", "Metric definitions";
    "metric_settings.link" => "质效指标口径", "Metric definitions";
    "metric_settings.intro" => "本院统计质效指标的口径。上级法院排名时使用上级法院的口径；修改只影响计算方式，不改动任何案件。", "How this court counts its quality figures. Rankings by a higher court use the higher court's definitions. A change alters the counting only, never a case.";
    "metric_settings.saved" => "已保存，指标已按新口径计算。", "Saved: the figures now follow the new definitions.";
    "metric_settings.case_types" => "统计的案件类型（默认仅首次执行案件，执保、执恢不计）", "Case types counted (by default first enforcement only; preservation and restored cases are left out)";
    "metric_settings.base" => "结案率的分母", "What the closure rate divides by";
    "metric_settings.base.both" => "旧存未结数 + 期内收案数", "Pending at start + received";
    "metric_settings.base.received" => "期内收案数", "Received only";
    "metric_settings.paid" => "有执行到位款时计入实际执结的其他结案方式（执行完毕始终计入）", "Other closing modes counted as actual enforcement when money was recovered (completed always counts)";
    "metric_settings.deduct" => "平均执行天数扣除中止期间", "Deduct suspension from the average days";
    "metric_settings.old" => "未结超过多少个月计为长期未结", "Months after which a pending case counts as old";
    "metric_settings.assess" => "{}考核的指标", "Metrics the {} is assessed on";
    "metric_settings.save" => "保存口径", "Save the definitions";
    "metric_settings.now" => "当前各指标的定义", "Each metric as now defined";
    "funds.settings.saved" => "已保存。新立案件按此开户；已开户案件保留原账户。", "Saved. New cases open their accounts with it; existing accounts keep theirs.";
    "funds.settings.above" => "须上级审批的金额界限（元）", "Approval needed above (yuan)";
    "funds.settings.hint" => "默认：超过 10 万元由执行局长审批（RULES §8，各院可调整）。", "Default: above 100,000 yuan the bureau chief approves (RULES §8; courts may change it).";
    "funds.level.team_leader" => "团队长", "Team leader";
    "funds.level.bureau_chief" => "执行局长", "Bureau chief";
    "funds.level.president" => "院长", "President";
    "funds.save" => "保存", "Save";
    // Coercive measures (强制措施) and settlement (执行和解)
    "measures.title" => "强制措施与执行和解", "Coercive measures and settlement";
    "measures.link" => "强制措施与和解", "Measures and settlement";
    "measures.heading" => "强制措施", "Coercive measures";
    "measures.none" => "尚未采取强制措施。", "No coercive measure yet.";
    "measures.col.kind" => "措施", "Measure";
    "measures.col.party" => "被执行人", "Debtor";
    "measures.col.period" => "期间", "Period";
    "measures.col.detail" => "内容", "Details";
    "measures.col.status" => "状态", "Status";
    "measures.in_force" => "生效中", "In force";
    "measures.revoked" => "已撤销", "Revoked";
    "measures.public" => "依法公开", "Published";
    "measures.document" => "查看文书", "Document";
    "measures.revoke" => "撤销", "Revoke";
    "measures.revoke_reason" => "撤销理由（如已履行完毕）", "Reason (e.g. the debt was paid)";
    "measures.issue" => "采取强制措施", "Take a measure";
    "measures.issue_hint" => "限制高消费、纳入失信名单须先经审批签发限制消费令、失信决定书，再在此登记；罚款、拘留、移送拒执罪由法官或院领导决定。只能对本案被执行人采取措施。", "The restriction and the dishonest list need their approved, issued order or decision first; fines, detention and referral are decided by a judge or above. Measures fall only on a debtor of this case.";
    "measures.document_field" => "所依据的文书（限高、失信必选）", "Document it rests on (restriction, dishonest list)";
    "measures.no_document" => "无", "None";
    "measures.grounds" => "失信情形（纳入失信名单时选择）", "Grounds (dishonest list)";
    "measures.extension_years" => "延长年数（情节严重或多项失信行为，0–3 年）", "Years added (serious or several grounds, 0–3)";
    "measures.sufficient_security" => "已提供充分有效担保", "Sufficient security given";
    "measures.controlled_property_sufficient" => "已控制的财产足以清偿债务", "Property under control covers the debt";
    "measures.amount" => "金额（罚款、悬赏，元）", "Amount (fine, reward; yuan)";
    "measures.amount_hint" => "如 5000 或 1.5万", "e.g. 5000 or 1.5万";
    "measures.days" => "天数（拘留不超过 15 日；调查令有效期）", "Days (detention up to 15; order validity)";
    "measures.holder" => "被调查人（律师调查令）", "Addressed to (investigation order)";
    "measures.facts" => "事实和理由", "Facts and reasons";
    "measures.start_on" => "决定日期", "Date of decision";
    "measures.issue_button" => "登记措施", "Record the measure";
    "settlement.heading" => "执行和解", "Settlement agreements";
    "settlement.none" => "没有和解协议。", "No settlement agreement.";
    "settlement.signed" => "{} 签订", "Signed {}";
    "settlement.superseded" => "已被新协议取代", "Superseded";
    "settlement.defaulted_hint" => "申请执行人可申请恢复执行原生效法律文书", "the applicant may ask to resume enforcement";
    "settlement.total" => "约定合计", "Total agreed";
    "settlement.paid" => "已履行", "Paid";
    "settlement.outstanding" => "尚欠", "Outstanding";
    "settlement.grace" => "宽限 {} 日", "{} days' grace";
    "settlement.col.due" => "履行期限", "Due";
    "settlement.col.amount" => "金额（元）", "Amount (yuan)";
    "settlement.col.paid" => "已付（元）", "Paid (yuan)";
    "settlement.col.status" => "状态", "Status";
    "settlement.payments" => "履行记录", "Payments";
    "settlement.record_payment" => "登记履行", "Record a payment";
    "settlement.paid_on" => "履行日期", "Paid on";
    "settlement.note" => "备注（如付款方式、申请人确认）", "Note (how paid, applicant's confirmation)";
    "settlement.save_payment" => "保存", "Save";
    "settlement.new" => "登记和解协议", "Record an agreement";
    "settlement.new_hint" => "每行一期：履行日期 金额（元），如“2026-12-31 10000”。合计不得超过申请执行标的 {} 元；新协议将取代原协议。", "One instalment per line: date amount (yuan), e.g. \"2026-12-31 10000\". The total may not exceed the claim of {} yuan; a new agreement supersedes the old one.";
    "settlement.signed_on" => "签订日期", "Signed on";
    "settlement.instalments" => "分期履行计划", "Instalments";
    "settlement.grace_days" => "宽限天数", "Grace days";
    "settlement.terms" => "其他条款", "Other terms";
    "settlement.save" => "保存协议", "Save the agreement";
    "public_measures.title" => "失信被执行人、限制消费及悬赏公告", "Dishonest debtors, consumption restrictions and reward offers";
    "public_measures.intro" => "依法公开的信息：正在生效的限制高消费、失信被执行人名单及悬赏执行公告。", "Published by law: consumption restrictions, the dishonest-debtor list and reward offers in force.";
    "public_measures.none" => "目前没有公开的信息。", "Nothing is published at present.";
    "public_measures.case" => "案号", "Case";
    // Disposal of seized property (财产处置)
    "disposal.title" => "财产处置", "Disposal of seized property";
    "disposal.link" => "财产处置", "Disposal";
    "disposal.intro" => "查封、扣押的财产应在查封后30日内启动处置、90日内处置完毕。一拍起拍价不得低于参考价的70%，二拍降价幅度不得超过前次起拍价的20%，变卖、以物抵债不得低于上一次拍卖的保留价。拍卖、变卖价款到账后在案款中登记。", "Seized property must be put to disposal within 30 days of the seizure and disposed of within 90. The first reserve is at least 70% of the reference price, the second at most 20% below the first, and a sale or a transfer in satisfaction is not below the last auction's reserve. Proceeds are recorded in the case funds when received.";
    "disposal.none" => "本案没有查封、扣押的财产。", "No property is sealed or detained in this case.";
    "disposal.seized_on" => "查封、扣押日期", "Seized on";
    "disposal.days_since" => "已查封 {} 日", "{} days since seizure";
    "disposal.decide_by" => "应于 {} 前启动处置", "Decide on disposal by {}";
    "disposal.finish_by" => "应于 {} 前处置完毕", "Finish by {}";
    "disposal.decide_overdue" => "启动处置已超期", "Late to decide";
    "disposal.finish_overdue" => "处置完毕已超期", "Late to finish";
    "disposal.state" => "处置状态", "Disposal";
    "disposal.seal_status" => "控制状态", "Seizure";
    "disposal.started" => "{} 决定处置", "Decided on {}";
    "disposal.steps" => "处置经过", "Steps";
    "disposal.no_steps" => "尚未登记处置环节。", "No step recorded yet.";
    "disposal.reserve" => "起拍价", "Reserve";
    "disposal.next" => "下一步可以进行", "What may come next";
    "disposal.finished_at" => "处置完毕：{}", "Finished: {}";
    "disposal.withdrawn_at" => "已撤回：{}", "Withdrawn: {}";
    "disposal.start" => "启动处置", "Start the disposal";
    "disposal.started_on" => "决定处置日期", "Date of the decision";
    "disposal.note" => "说明", "Note";
    "disposal.record" => "登记处置环节", "Record a step";
    "disposal.kind" => "环节", "Step";
    "disposal.method" => "定价方式（确定参考价时）", "Pricing method (pricing only)";
    "disposal.reserve_field" => "起拍价（一拍、二拍，元）", "Reserve (auctions; yuan)";
    "disposal.outcome" => "结果", "Outcome";
    "disposal.outcome.sold" => "成交 / 申请人接受抵债", "Sold / transfer accepted";
    "disposal.outcome.unsold" => "流拍 / 未成交 / 不接受", "Unsold / declined";
    "disposal.price" => "价格（参考价或成交价、抵债价，元）", "Price (reference, sale or transfer price; yuan)";
    "disposal.step_started_on" => "开始日期", "Started on";
    "disposal.step_ended_on" => "结束日期", "Ended on";
    "disposal.save_step" => "保存", "Save";
    "disposal.withdraw" => "撤回处置", "Withdraw the disposal";
    "disposal.withdraw_reason" => "撤回理由（如已履行、和解、解除查封）", "Reason (e.g. paid, settled, seal lifted)";
    "disposal.list.title" => "查封不动产监管台账", "Seized real estate";
    "disposal.list.link" => "查封不动产", "Seized real estate";
    "disposal.list.intro" => "本院（及下级法院）查封的不动产：查封日期、已查封天数、处置进展，以及是否超过查封后30日启动处置、90日处置完毕的期限（按本院流程节点设置计算）。", "Real estate sealed by the court (and the courts below): the seizure date, days since, the disposal's progress, and whether it is late against the 30 days to decide and 90 days to finish (the court's node settings).";
    "disposal.list.court" => "法院", "Court";
    "disposal.list.state" => "处置状态", "Disposal";
    "disposal.list.overdue" => "只看超期", "Overdue only";
    "disposal.list.none" => "没有符合条件的查封不动产。", "No seized real estate matches.";
    "disposal.list.asset" => "不动产", "Property";
    "disposal.list.officer" => "承办人", "Officer";
    "disposal.list.progress" => "进展", "Progress";
    "disposal.list.limits" => "期限", "Limits";
    // Closing (结案)
    "closing.title" => "结案审查", "Closing";
    "closing.link" => "结案审查", "Closing";
    "closing.modes" => "结案方式", "Closing modes";
    "closing.conditions" => "以“{}”结案的条件", "Conditions of closing as \"{}\"";
    "closing.met" => "已满足", "Met";
    "closing.unmet" => "未满足", "Not met";
    "closing.evidence" => "查看依据", "Evidence";
    "closing.ground_hint" => "终结执行的法定事由、其他结案方式的裁定或理由，在下方结案时填写。", "The ground of termination, or the ruling or reason of the other modes, is given below when closing.";
    "closing.records" => "结案材料", "Closing records";
    "closing.no_records" => "尚未登记结案材料（如约谈申请执行人、查找被执行人）。", "No closing record yet (e.g. the interview with the applicant, the search for a debtor).";
    "closing.record_kind" => "材料类型", "Kind";
    "closing.record_date" => "日期", "Date";
    "closing.record_summary" => "经过", "What happened";
    "closing.record_save" => "登记", "Record";
    "closing.close_as" => "以“{}”结案", "Close as \"{}\"";
    "closing.ground" => "终结执行的法定事由", "Statutory ground";
    "closing.reason" => "依据和理由", "Evidence and reasons";
    "closing.not_ready" => "尚有条件未满足，提交后系统将逐项说明。", "Some conditions are not met; submitting lists each of them.";
    "closing.close" => "结案", "Close the case";
    "closing.request_dormant" => "报请终本，提交终本裁定审批", "Ask to close as 终本: submit the ruling for approval";
    "closing.dormant_by_ruling" => "终本以裁定结案：提交后终本裁定送审批，批准签发时系统再次核对条件并结案、纳入终本案件库；裁定被退回或撤回的，案件不结。", "终本 closes by its ruling: the ruling goes for approval, and when it is approved and issued the conditions are checked again, the case closes and enters the dormant-case library. If the ruling is returned or withdrawn, the case stays open.";
    "closing.ruling_pending" => "终本裁定审批中", "终本 ruling awaiting approval";
    "closing.ruling_status" => "终本裁定：{}", "The 终本 ruling: {}";
    "closing.ruling_open" => "打开裁定", "Open the ruling";
    "closing.ruling_hint" => "裁定批准签发时即结案；如需修改，请在裁定页面修改后重新提交，或撤回后重新报请。", "The case closes when the ruling is approved and issued. To change it, edit and resubmit it on its page, or withdraw it and ask again.";
    "dormant.title" => "终本案件库", "Dormant-case library";
    "dormant.link" => "终本案件库与恢复执行", "Dormant-case library and restoration";
    "dormant.intro" => "以终结本次执行程序结案的案件，每六个月自动网络查控一次，持续五年，结果告知申请执行人；发现财产或申请执行人申请的，可恢复执行。", "Cases closed as dormant (终本) are re-inquired through the network every six months for five years and the applicant is told the results; when property is found, or the applicant asks, the case is restored.";
    "dormant.filters" => "筛选", "Filter";
    "dormant.total" => "共 {} 件", "{} case(s)";
    "dormant.empty" => "没有符合条件的案件。", "No case matches.";
    "dormant.col.parties" => "申请执行人 / 被执行人", "Applicants / debtors";
    "dormant.col.claim" => "申请执行标的（元）", "Claim (yuan)";
    "dormant.col.closed_on" => "终本日期", "Closed as dormant on";
    "dormant.col.rounds" => "复查次数", "Re-inquiries";
    "dormant.col.next_on" => "下次复查 / 恢复案件", "Next re-inquiry / restored case";
    "dormant.col.found" => "最近一次复查发现", "Found by the last re-inquiry";
    "dormant.rounds" => "已查 {} 次，余 {} 次", "{} done, {} left";
    "dormant.running" => "查询中", "in progress";
    "dormant.pages" => "分页", "Pages";
    "dormant.prev" => "上一页", "Previous";
    "dormant.next" => "下一页", "Next";
    "dormant.page" => "第 {} 页", "Page {}";
    "dormant.case.title" => "终本案件库与恢复执行", "Dormant-case library and restoration";
    "dormant.case.continues" => "本案为恢复执行案件，原终本案件：", "This case restores the dormant case";
    "dormant.case.restored_as" => "本案已恢复执行，恢复执行案件：", "This case was restored as";
    "dormant.case.library" => "定期复查", "Periodic re-inquiry";
    "dormant.case.status" => "状态", "Status";
    "dormant.case.last_run" => "最近一次复查", "Last re-inquiry";
    "dormant.case.see_assets" => "查看查控结果", "See the inquiry results";
    "dormant.case.schedule" => "五年复查计划", "The five years' re-inquiries";
    "dormant.case.round" => "第 {} 次：{}", "No. {}: {}";
    "dormant.case.not_listed" => "本案不在终本案件库中。", "This case is not in the dormant-case library.";
    "dormant.restore.title" => "恢复执行", "Restore enforcement";
    "dormant.restore.intro" => "恢复执行将另立执恢案件，执行标的为未执行到位的 {} 元，当事人与原案相同，当日发起网络查控，由终本案件管理团队办理。结案后已发现财产 {} 项。", "Restoring files a new 执恢 case for the {} yuan still owed, with the same parties and a same-day network inquiry, handled by the dormant-case team. Property found since closing: {} item(s).";
    "dormant.restore.reason" => "恢复执行原因", "Reason";
    "dormant.restore.note" => "依据（申请人的申请或发现的财产）", "Ground (the applicant's application or the property found)";
    "dormant.restore.submit" => "立案恢复执行", "File the restored case";
    "dormant.restore.not_yours" => "恢复执行由本院立案人员、终本团队的法官或团队长办理。", "Restoration is filed by this court's filing staff, or a judge or team leader.";
    "nav.dormant" => "终本案件库", "Dormant cases";
    // Command centre, quality metrics and campaigns (metrics.rs)
    "nav.command_centre" => "指挥中心", "Command centre";
    "nav.metrics" => "质效指标", "Quality metrics";
    "metrics.title" => "质效指标", "Quality metrics";
    "metrics.figures" => "指标", "Figures";
    "metrics.period" => "统计期间", "Period";
    "metrics.from" => "自定义开始日", "Custom: first day";
    "metrics.to" => "自定义结束日", "Custom: last day";
    "metrics.custom_hint" => "选择“自定义期间”时，按开始日和结束日统计（均含当日）。", "With \"Custom dates\", the figures cover the first to the last day, both included.";
    "metrics.unit" => "统计对象", "Unit";
    "metrics.show" => "查看", "Show";
    "metrics.period_line" => "统计期间：{}；对比期间：{}", "Period: {}; compared with: {}";
    "metrics.previous" => "上期", "Previous:";
    "metrics.definition" => "口径：", "Definition: ";
    "metrics.drill" => "查看构成该数字的案件", "See the cases behind this figure";
    "metrics.trend" => "月度趋势", "Month by month";
    "metrics.trend_chart" => "月度收案、结案（柱）与结案率（线）", "Cases received and closed (bars) and the closure rate (line) by month";
    "metrics.teams" => "团队考核（繁简分类）", "Team assessment by kind";
    "metrics.teams_intro" => "速执团队与普通团队分别考核，各按其考核指标在同类团队中排名。", "Fast and ordinary teams are assessed separately, each ranked among teams of its kind on the metrics of its kind.";
    "metrics.export_xlsx" => "导出 Excel", "Export to Excel";
    "metrics.report_docx" => "本月月报（Word）", "Monthly report (Word)";
    "metrics.ranking" => "辖区排名", "Ranking of the courts below";
    "metrics.ranking_court" => "排名范围", "Courts below";
    "metrics.metric" => "排名指标", "Metric";
    "metrics.back" => "返回质效指标", "Back to the figures";
    "metrics.cases" => "案件清单", "Cases";
    "metrics.no_cases" => "没有构成该数字的案件。", "No case is behind this figure.";
    "metrics.col.month" => "月份", "Month";
    "metrics.col.received" => "收案", "Received";
    "metrics.col.closed" => "结案", "Closed";
    "metrics.col.closure_rate" => "结案率", "Closure rate";
    "metrics.col.actual_rate" => "实际执结率", "Actual-enforcement rate";
    "metrics.col.recovery_rate" => "执行到位率", "Recovery rate";
    "metrics.col.average_days" => "平均执行天数", "Average days";
    "metrics.col.rank_in_kind" => "同类排名", "Rank in kind";
    "metrics.col.rank" => "名次", "Rank";
    "metrics.col.court" => "法院", "Court";
    "metrics.col.previous_rank" => "上期名次", "Previous rank";
    "metrics.col.moved" => "名次变化", "Places moved";
    "metrics.col.parties" => "申请执行人 / 被执行人", "Applicants / debtors";
    "metrics.col.claim" => "申请执行标的（元）", "Claim (yuan)";
    "metrics.col.filed_on" => "立案日期", "Filed on";
    "metrics.col.stage" => "阶段", "Stage";
    "cc.title" => "指挥中心", "Command centre";
    "cc.wall" => "大屏模式", "Wall screen";
    "cc.leave_wall" => "退出大屏", "Leave the wall screen";
    "cc.refresh" => "每分钟自动刷新", "refreshes every minute";
    "cc.as_of" => "今日 {}；指标期间：{}", "Today {}; figures for {}";
    "cc.intake_today" => "今日收案", "Filed today";
    "cc.same_day_today" => "今日当日查控率", "Same-day inquiry today";
    "cc.same_day_period" => "期内当日查控率", "Same-day inquiry in the period";
    "cc.nodes_warning" => "节点预警", "Nodes due soon";
    "cc.nodes_overdue" => "节点超期", "Nodes overdue";
    "cc.locked" => "锁定案件", "Locked cases";
    "cc.funds_held" => "在账未发放案款（元）", "Funds received, not paid out (yuan)";
    "cc.funds_cases" => "涉及 {} 件案件", "in {} case(s)";
    "cc.key_figures" => "主要指标", "Key figures";
    "cc.team_loads" => "团队在办案件", "Open cases by team";
    "cc.kind" => "类别", "Kind";
    "cc.open_cases" => "未结案件", "Open cases";
    "cc.no_teams" => "本院没有办案团队。", "The court has no teams.";
    "campaign.title" => "专项行动", "Campaigns";
    "campaign.intro" => "把案件纳入专项行动（如“春季攻坚”），跟踪其在行动期间的指标。", "Tag cases to a campaign (such as 春季攻坚) and follow their figures over the campaign's dates.";
    "campaign.none" => "还没有专项行动。", "No campaign yet.";
    "campaign.name" => "名称", "Name";
    "campaign.name_hint" => "如：春季攻坚", "e.g. 春季攻坚";
    "campaign.dates" => "起止日期", "Dates";
    "campaign.starts_on" => "开始日", "First day";
    "campaign.ends_on" => "结束日", "Last day";
    "campaign.goal" => "工作目标", "Goal";
    "campaign.cases" => "案件数", "Cases";
    "campaign.created_by" => "设立人", "Set up by";
    "campaign.create" => "设立专项行动", "Set up a campaign";
    "campaign.create_for" => "专项行动属于 {}，可纳入本院及辖区法院的案件。", "The campaign belongs to {}; cases of this court and the courts below may be tagged.";
    "campaign.create_submit" => "设立", "Set up";
    "campaign.full_metrics" => "在质效指标页查看", "Open in the metrics page";
    "campaign.case_count" => "已纳入 {} 件", "{} case(s) tagged";
    "campaign.figures" => "行动期间指标", "Figures over the campaign's dates";
    "campaign.case_list" => "纳入的案件", "Tagged cases";
    "campaign.no_cases" => "尚未纳入案件。", "No case tagged yet.";
    "campaign.untag" => "移出", "Take out";
    "campaign.tag" => "纳入案件", "Tag cases";
    "campaign.numbers" => "案号（每行一个）", "Case numbers (one a line)";
    "campaign.numbers_hint" => "须为本专项行动所属法院或其辖区法院的案件；有一个案号不符则全部不纳入。", "They must be cases of the campaign's court or the courts below; if one is not, none is tagged.";
    "campaign.tag_submit" => "纳入", "Tag";
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;
    use std::path::Path;

    #[test]
    fn cookie_wins_then_header_then_chinese() {
        use Lang::*;
        assert_eq!(Lang::from_cookie_or_header(None, None), Zh);
        assert_eq!(Lang::from_cookie_or_header(Some("en"), Some("zh-CN")), En);
        assert_eq!(Lang::from_cookie_or_header(Some(" ZH "), Some("en-US")), Zh);
        assert_eq!(
            Lang::from_cookie_or_header(Some("fr"), Some("en-US,en;q=0.9")),
            En
        );
        assert_eq!(Lang::from_cookie_or_header(Some(""), None), Zh);
        assert_eq!(
            Lang::from_cookie_or_header(None, Some("fr-FR,de;q=0.5")),
            Zh
        );
    }

    #[test]
    fn accept_language_is_read_by_quality() {
        let pick = |h| Lang::from_cookie_or_header(None, Some(h));
        assert_eq!(pick("zh-CN,zh;q=0.9,en;q=0.8"), Lang::Zh);
        assert_eq!(pick("en-GB,en;q=0.9,zh-CN;q=0.8"), Lang::En);
        assert_eq!(pick("fr;q=1, zh-TW;q=0.3, en;q=0.7"), Lang::En);
        assert_eq!(pick("en;q=0, zh;q=0.1"), Lang::Zh);
        assert_eq!(pick("en;q=0"), Lang::Zh);
        assert_eq!(pick("en;q=abc"), Lang::Zh);
        assert_eq!(pick("*"), Lang::Zh);
        assert_eq!(pick("EN-us"), Lang::En);
        assert_eq!(pick("en_US"), Lang::En);
        assert_eq!(pick(""), Lang::Zh);
    }

    #[test]
    fn quality_values_parse() {
        assert_eq!(parse_q("1"), Some(1000));
        assert_eq!(parse_q("1.000"), Some(1000));
        assert_eq!(parse_q("0.8"), Some(800));
        assert_eq!(parse_q("0.125"), Some(125));
        assert_eq!(parse_q("0"), Some(0));
        assert_eq!(parse_q("1.5"), None);
        assert_eq!(parse_q("0.1234"), None);
        assert_eq!(parse_q("2"), None);
    }

    #[test]
    fn codes() {
        assert_eq!(Lang::Zh.code(), "zh");
        assert_eq!(Lang::En.code(), "en");
        assert_eq!(Lang::Zh.html_lang(), "zh-CN");
        assert_eq!(Lang::Zh.other(), Lang::En);
        assert_eq!(Lang::from_code(Lang::En.code()), Some(Lang::En));
    }

    #[test]
    fn every_key_has_both_languages_and_matching_placeholders() {
        let mut seen = BTreeSet::new();
        for (key, zh, en) in ENTRIES {
            assert!(seen.insert(*key), "duplicate key {key}");
            assert!(!zh.trim().is_empty(), "{key} has no Chinese text");
            assert!(!en.trim().is_empty(), "{key} has no English text");
            assert_eq!(zh.matches("{}").count(), en.matches("{}").count(), "{key}");
            assert_eq!(t(Lang::Zh, key), *zh);
            assert_eq!(t(Lang::En, key), *en);
        }
        assert_eq!(t(Lang::Zh, "no.such.key"), MISSING);
    }

    #[test]
    fn tf_fills_placeholders() {
        assert_eq!(tf(Lang::Zh, "cases.total", &[&45]), "共 45 件");
        assert_eq!(tf(Lang::En, "cases.total", &[&1]), "Total: 1");
        assert_eq!(tf(Lang::En, "pager.position", &[&2, &3]), "Page 2 of 3");
        assert_eq!(tf(Lang::Zh, "pager.position", &[&2]), "第 2 /  页");
    }

    /// Keys used as `t("…")`, `tf("…"` or `tf2("…"` in a text: the call's name must end right
    /// before `("` and not be part of a longer identifier.
    fn keys_used(text: &str) -> Vec<String> {
        let mut keys = Vec::new();
        for (i, _) in text.match_indices("(\"") {
            let before = &text[..i];
            let ident_start = before
                .rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .map_or(0, |p| p + 1);
            if !matches!(&before[ident_start..], "t" | "tf" | "tf2") {
                continue;
            }
            let rest = &text[i + 2..];
            if let Some(end) = rest.find('"') {
                keys.push(rest[..end].to_string());
            }
        }
        keys
    }

    /// Every key the templates and the page code use is in the dictionary.
    #[test]
    fn every_key_used_exists() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut files = Vec::new();
        let mut dirs = vec![root.join("templates")];
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(&dir).expect("templates dir") {
                let path = entry.expect("dir entry").path();
                if path.is_dir() {
                    dirs.push(path);
                } else {
                    files.push(path);
                }
            }
        }
        assert!(
            files.len() >= 5,
            "templates not found under {}",
            root.display()
        );
        files.push(root.join("src/pages.rs"));
        let mut used = 0;
        for file in files {
            let text = std::fs::read_to_string(&file).expect("readable file");
            for key in keys_used(&text) {
                used += 1;
                assert!(has(&key), "{} uses unknown key {key:?}", file.display());
            }
        }
        assert!(used > 50, "suspiciously few keys found: {used}");
    }

    #[test]
    fn key_scanner_finds_calls_only() {
        let found = keys_used(
            r#"{{ t("a.b") }} {{ self.t("c.d") }} {{ tf("e", x) }} format!("no") at("no")"#,
        );
        assert_eq!(found, vec!["a.b", "c.d", "e"]);
    }
}
