//! Court documents (文书) generated from per-court templates, as DOCX and PDF.
//!
//! The path: a template (minijinja, strict undefined) is rendered with a case's [`DocData`] into
//! a small block markup (`@title`, `@number`, `@para`, `@table`/`@row`, `@sign`, …; see
//! [`markup`]), parsed into a [`DocModel`], and typeset by [`docx::to_docx`] or
//! [`pdf::to_pdf`] with the layout of GB/T 9704. Pure: no database, no network; the one
//! file read is the CJK font, loaded once per process ([`font`]).
#![forbid(unsafe_code)]

pub mod data;
pub mod docx;
pub mod font;
pub mod kind;
pub mod layout;
pub mod markup;
pub mod pdf;

pub use data::{application_fee, chinese_date, virtual_account_number, DocData};
pub use kind::DocKind;
pub use markup::{Block, DocModel, TemplateError};

/// Why a document could not be produced. Every variant reads in Chinese and English.
#[derive(Debug, thiserror::Error)]
pub enum DocError {
    #[error("{0}")]
    Template(#[from] TemplateError),
    #[error("{zh} / {en}")]
    Font { zh: String, en: String },
    #[error("生成文件失败：{0} / Could not write the file: {0}")]
    Output(String),
}

impl DocError {
    pub fn code(&self) -> &'static str {
        match self {
            DocError::Template(_) => "bad_template",
            DocError::Font { .. } => "font_missing",
            DocError::Output(_) => "output_failed",
        }
    }
    pub fn message_zh(&self) -> String {
        match self {
            DocError::Template(e) => e.message_zh(),
            DocError::Font { zh, .. } => zh.clone(),
            DocError::Output(m) => format!("生成文件失败：{m}"),
        }
    }
    pub fn message_en(&self) -> String {
        match self {
            DocError::Template(e) => e.message_en(),
            DocError::Font { en, .. } => en.clone(),
            DocError::Output(m) => format!("Could not write the file: {m}"),
        }
    }
}

/// Output format of a generated document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    Pdf,
    Docx,
}

impl Format {
    pub fn from_ext(ext: &str) -> Option<Format> {
        match ext {
            "pdf" => Some(Format::Pdf),
            "docx" => Some(Format::Docx),
            _ => None,
        }
    }
    pub fn ext(self) -> &'static str {
        match self {
            Format::Pdf => "pdf",
            Format::Docx => "docx",
        }
    }
    pub fn content_type(self) -> &'static str {
        match self {
            Format::Pdf => "application/pdf",
            Format::Docx => {
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            }
        }
    }
}

/// The line that opens every unapproved document, so that a printed draft cannot pass for an
/// issued one.
pub const DRAFT_MARK: &str = "（草稿，未经审批）";

/// Renders `template` (or the kind's default when `None`) with `data` into a model. A draft
/// (`data.draft`) opens with [`DRAFT_MARK`] whatever the template says: a court's own
/// template cannot forget it.
pub fn build_model(
    kind: DocKind,
    template: Option<&str>,
    data: &DocData,
) -> Result<DocModel, TemplateError> {
    let mut model = markup::render(template.unwrap_or(kind.default_template()), data)?;
    if data.draft {
        model.blocks.insert(0, Block::Line(DRAFT_MARK.to_string()));
    }
    Ok(model)
}

/// One call from case data to file bytes.
pub fn generate(
    kind: DocKind,
    template: Option<&str>,
    data: &DocData,
    format: Format,
) -> Result<Vec<u8>, DocError> {
    let model = build_model(kind, template, data)?;
    match format {
        Format::Pdf => pdf::to_pdf(&model),
        Format::Docx => docx::to_docx(&model),
    }
}
