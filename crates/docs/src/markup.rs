//! The block markup templates render into, and the model it parses to.
//!
//! A template is minijinja text whose output is one block per line:
//!
//! | line                     | block                                                       |
//! |--------------------------|-------------------------------------------------------------|
//! | `@court 河南省…人民法院`   | court name, centred                                         |
//! | `@title 执行通知书`        | document title, centred, bold                               |
//! | `@number （2026）…号`      | case number, right-aligned                                  |
//! | `@to 李明：`              | addressee, no indent                                        |
//! | `@para …`                | paragraph, first line indented two characters               |
//! | `@line …`                | a line without indent                                       |
//! | `@table 甲\|乙\|丙`       | a table with this header row                                |
//! | `@row a\|b\|c`           | a row of the table above (same number of cells)             |
//! | `@sign 法院\|日期`         | signature block: court and date, right-aligned              |
//! | `@seal 院印`             | seal placeholder, right-aligned                             |
//! | `@note …`                | small print at the end                                      |
//! | `@gap`                   | an empty line                                               |
//!
//! A line that does not start with `@` continues the text of the block above it (so a long
//! paragraph may span several template lines). Blank lines are ignored. Jinja statements
//! (`{% … %}`) and comments (`{# … #}`) may stand on their own lines.
//!
//! Errors name the line of the **template** at fault: before rendering, every `@block` line is
//! tagged with its source line (`@para#12 …`), so a block produced inside a loop still points
//! at the template line that wrote it.

use std::fmt;

use minijinja::{Environment, UndefinedBehavior};

use crate::data::DocData;

pub const BLOCKS: [&str; 12] = [
    "court", "title", "number", "to", "para", "line", "table", "row", "sign", "seal", "note", "gap",
];

/// One typeset block.
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    Court(String),
    Title(String),
    Number(String),
    To(String),
    Para(String),
    Line(String),
    Table {
        header: Vec<String>,
        rows: Vec<Vec<String>>,
    },
    Sign {
        court: String,
        date: String,
    },
    Seal(String),
    Note(String),
    Gap,
}

/// A parsed document, ready to typeset.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct DocModel {
    pub blocks: Vec<Block>,
}

impl DocModel {
    /// All text of the document (for glyph subsets and tests).
    pub fn text(&self) -> String {
        let mut s = String::new();
        for b in &self.blocks {
            match b {
                Block::Court(t)
                | Block::Title(t)
                | Block::Number(t)
                | Block::To(t)
                | Block::Para(t)
                | Block::Line(t)
                | Block::Seal(t)
                | Block::Note(t) => s.push_str(t),
                Block::Table { header, rows } => {
                    for c in header.iter().chain(rows.iter().flatten()) {
                        s.push_str(c);
                    }
                }
                Block::Sign { court, date } => {
                    s.push_str(court);
                    s.push_str(date);
                }
                Block::Gap => {}
            }
            s.push('\n');
        }
        s
    }
}

/// A template that cannot be used, with the line at fault (1-based; 0 when unknown).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateError {
    pub line: usize,
    pub code: &'static str,
    pub detail_zh: String,
    pub detail_en: String,
}

impl TemplateError {
    fn new(line: usize, code: &'static str, zh: impl Into<String>, en: impl Into<String>) -> Self {
        TemplateError {
            line,
            code,
            detail_zh: zh.into(),
            detail_en: en.into(),
        }
    }
    pub fn message_zh(&self) -> String {
        format!("模板第 {} 行有误：{}", self.line, self.detail_zh)
    }
    pub fn message_en(&self) -> String {
        format!("Template error at line {}: {}", self.line, self.detail_en)
    }
}

impl fmt::Display for TemplateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} / {}", self.message_zh(), self.message_en())
    }
}

impl std::error::Error for TemplateError {}

/// Renders a template with the data and parses the result.
pub fn render(template: &str, data: &DocData) -> Result<DocModel, TemplateError> {
    let tagged = tag_lines(template)?;
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.set_keep_trailing_newline(true);
    env.set_trim_blocks(true);
    env.set_lstrip_blocks(true);
    let out = env
        .render_str(&tagged, data)
        .map_err(|e| jinja_error(&e, &tagged))?;
    parse(&out)
}

/// Checks the block keywords of the source and tags each with its line number.
fn tag_lines(template: &str) -> Result<String, TemplateError> {
    let mut out = String::with_capacity(template.len() + template.len() / 8);
    for (i, line) in template.split_inclusive('\n').enumerate() {
        let trimmed = line.trim_start();
        if let Some(rest) = trimmed.strip_prefix('@') {
            let end = rest
                .find(|c: char| !c.is_ascii_alphanumeric() && c != '_')
                .unwrap_or(rest.len());
            let kw = &rest[..end];
            if !BLOCKS.contains(&kw) {
                return Err(unknown_block(i + 1, kw));
            }
            let indent = &line[..line.len() - trimmed.len()];
            out.push_str(indent);
            out.push('@');
            out.push_str(kw);
            out.push('#');
            out.push_str(&(i + 1).to_string());
            out.push_str(&rest[end..]);
        } else {
            out.push_str(line);
        }
    }
    Ok(out)
}

fn unknown_block(line: usize, kw: &str) -> TemplateError {
    TemplateError::new(
        line,
        "unknown_block",
        format!(
            "未知的块“@{kw}”，可用：{}",
            BLOCKS.map(|b| format!("@{b}")).join(" ")
        ),
        format!(
            "unknown block \"@{kw}\"; known: {}",
            BLOCKS.map(|b| format!("@{b}")).join(" ")
        ),
    )
}

fn jinja_error(e: &minijinja::Error, source: &str) -> TemplateError {
    use minijinja::ErrorKind;
    let line = e.line().unwrap_or(0);
    let snippet = e
        .range()
        .and_then(|r| source.get(r))
        .map(|s| s.trim().to_string())
        .unwrap_or_default();
    let detail = e.detail().unwrap_or("").to_string();
    match e.kind() {
        ErrorKind::UndefinedError => TemplateError::new(
            line,
            "unknown_field",
            format!("字段不存在：{snippet}"),
            format!("no such field: {snippet}"),
        ),
        ErrorKind::SyntaxError => TemplateError::new(
            line,
            "syntax",
            format!("模板语法错误：{detail}"),
            format!("syntax error: {detail}"),
        ),
        _ => TemplateError::new(
            line,
            "render",
            format!("无法填充模板：{e}"),
            format!("cannot render the template: {e}"),
        ),
    }
}

/// Parses rendered markup (with `#line` tags from [`tag_lines`], or without).
pub fn parse(out: &str) -> Result<DocModel, TemplateError> {
    let mut blocks: Vec<Block> = Vec::new();
    // Source line of the last block, for continuation lines and table rows.
    let mut last_line = 0usize;
    for raw in out.lines() {
        let line = raw.trim();
        if line.is_empty() {
            continue;
        }
        let Some(rest) = line.strip_prefix('@') else {
            // Continuation of the previous text block.
            match blocks.last_mut() {
                Some(
                    Block::Court(t)
                    | Block::Title(t)
                    | Block::Number(t)
                    | Block::To(t)
                    | Block::Para(t)
                    | Block::Line(t)
                    | Block::Seal(t)
                    | Block::Note(t),
                ) => {
                    t.push_str(line);
                    continue;
                }
                _ => {
                    return Err(TemplateError::new(
                        last_line + 1,
                        "stray_text",
                        format!("文字“{}”不属于任何块，行首应为 @para 等", short(line)),
                        format!(
                            "text \"{}\" belongs to no block; start the line with @para or another block",
                            short(line)
                        ),
                    ))
                }
            }
        };
        let end = rest
            .find(|c: char| !c.is_ascii_alphanumeric() && c != '_')
            .unwrap_or(rest.len());
        let kw = &rest[..end];
        let mut body = &rest[end..];
        let mut src_line = last_line;
        if let Some(tagged) = body.strip_prefix('#') {
            let digits = tagged
                .find(|c: char| !c.is_ascii_digit())
                .unwrap_or(tagged.len());
            src_line = tagged[..digits].parse().unwrap_or(last_line);
            body = &tagged[digits..];
        }
        last_line = src_line;
        let text = body.trim().to_string();
        let cells = || {
            text.split('|')
                .map(|c| c.trim().to_string())
                .collect::<Vec<_>>()
        };
        let block = match kw {
            "court" => Block::Court(text),
            "title" => Block::Title(text),
            "number" => Block::Number(text),
            "to" => Block::To(text),
            "para" => Block::Para(text),
            "line" => Block::Line(text),
            "seal" => Block::Seal(text),
            "note" => Block::Note(text),
            "gap" => Block::Gap,
            "table" => Block::Table {
                header: cells(),
                rows: Vec::new(),
            },
            "row" => {
                let row = cells();
                match blocks.last_mut() {
                    Some(Block::Table { header, rows }) => {
                        if row.len() != header.len() {
                            return Err(TemplateError::new(
                                src_line,
                                "row_cells",
                                format!("此行有 {} 格，表头有 {} 格", row.len(), header.len()),
                                format!(
                                    "the row has {} cells but the table header has {}",
                                    row.len(),
                                    header.len()
                                ),
                            ));
                        }
                        rows.push(row);
                        continue;
                    }
                    _ => {
                        return Err(TemplateError::new(
                            src_line,
                            "row_outside_table",
                            "@row 之前没有 @table",
                            "@row must follow a @table (or another @row)",
                        ))
                    }
                }
            }
            "sign" => {
                let (court, date) = text.split_once('|').ok_or_else(|| {
                    TemplateError::new(
                        src_line,
                        "sign_format",
                        "@sign 的格式为“法院|日期”",
                        "@sign takes \"court|date\"",
                    )
                })?;
                Block::Sign {
                    court: court.trim().to_string(),
                    date: date.trim().to_string(),
                }
            }
            other => return Err(unknown_block(src_line, other)),
        };
        blocks.push(block);
    }
    if !blocks.iter().any(|b| matches!(b, Block::Title(_))) {
        return Err(TemplateError::new(
            1,
            "no_title",
            "模板没有 @title（文书标题）",
            "the template has no @title",
        ));
    }
    Ok(DocModel { blocks })
}

fn short(s: &str) -> String {
    let mut t: String = s.chars().take(20).collect();
    if s.chars().count() > 20 {
        t.push('…');
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_blocks_and_continuations() {
        let m = parse(
            "@title 执行通知书\n@para 第一段\n续写\n@table 甲|乙\n@row 1|2\n@sign 某法院|某日\n",
        )
        .unwrap();
        assert_eq!(m.blocks[0], Block::Title("执行通知书".into()));
        assert_eq!(m.blocks[1], Block::Para("第一段续写".into()));
        assert_eq!(
            m.blocks[2],
            Block::Table {
                header: vec!["甲".into(), "乙".into()],
                rows: vec![vec!["1".into(), "2".into()]]
            }
        );
    }

    fn err(t: &str) -> TemplateError {
        render(t, &DocData::sample()).unwrap_err()
    }

    #[test]
    fn unknown_field_names_its_line() {
        let e = err("@title 通知\n@para {{ case_number }}\n\n@para {{ debtor_name }}\n");
        assert_eq!(e.line, 4, "{e}");
        assert_eq!(e.code, "unknown_field");
        assert!(e.message_zh().contains("第 4 行"), "{}", e.message_zh());
        assert!(e.message_en().contains("line 4"));
        assert!(e.detail_zh.contains("debtor_name"), "{}", e.detail_zh);
    }

    #[test]
    fn unknown_nested_field_names_its_line() {
        let e = err("@title 通知\n@para {{ court.name }}\n@para {{ court.fax }}\n");
        assert_eq!((e.line, e.code), (3, "unknown_field"), "{e}");
    }

    #[test]
    fn syntax_error_names_its_line() {
        let e = err("@title 通知\n@para a\n@para b\n{% for p in applicants %}\n@para {{ p.name }\n{% endfor %}\n");
        assert_eq!((e.line, e.code), (5, "syntax"), "{e}");
        let e = err("@title 通知\n{% if amount.fen > 0 %}\n@para x\n");
        assert_eq!(e.code, "syntax", "{e}");
        assert!(e.line >= 2, "{e}");
    }

    #[test]
    fn unknown_block_names_its_line() {
        let e = err("@title 通知\n@para a\n@paragraph b\n");
        assert_eq!((e.line, e.code), (3, "unknown_block"), "{e}");
    }

    #[test]
    fn row_errors_point_at_the_template_line_inside_loops() {
        let t =
            "@title 通知\n@table 甲|乙\n{% for a in assets %}\n@row {{ a.holder }}\n{% endfor %}\n";
        let e = err(t);
        assert_eq!((e.line, e.code), (4, "row_cells"), "{e}");
        let e = err("@title 通知\n@para x\n@row 1|2\n");
        assert_eq!((e.line, e.code), (3, "row_outside_table"), "{e}");
    }

    #[test]
    fn stray_text_and_missing_title() {
        let e = err("@title 通知\n@table 甲\n孤立文字\n");
        assert_eq!(e.code, "stray_text", "{e}");
        let e = err("@para 没有标题\n");
        assert_eq!(e.code, "no_title");
    }
}
