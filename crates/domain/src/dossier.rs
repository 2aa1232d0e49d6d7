//! The electronic dossier (电子卷宗), pure rules: the two volumes, the standard order of
//! document kinds, what an upload may be (PDF, JPEG, PNG, recognised from the bytes) and what
//! a filename may look like.

use crate::error::{DomainError, DomainResult};

/// 正卷 (the parties' lawyers may read it) or 副卷 (internal).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Volume {
    Main,
    Internal,
}

impl Volume {
    pub const ALL: [Volume; 2] = [Volume::Main, Volume::Internal];

    pub fn key(self) -> &'static str {
        match self {
            Volume::Main => "main",
            Volume::Internal => "internal",
        }
    }

    pub fn from_key(key: &str) -> DomainResult<Volume> {
        match key {
            "main" => Ok(Volume::Main),
            "internal" => Ok(Volume::Internal),
            _ => Err(DomainError::new(
                "dossier.volume_unknown",
                "请选择正卷或副卷",
                "choose the main or the internal volume",
            )),
        }
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            Volume::Main => "正卷",
            Volume::Internal => "副卷",
        }
    }

    pub fn name_en(self) -> &'static str {
        match self {
            Volume::Main => "main volume",
            Volume::Internal => "internal volume",
        }
    }
}

/// The standard order of a dossier's materials: (key, 中文, English).
pub const KINDS: &[(&str, &str, &str)] = &[
    ("filing", "立案材料", "filing materials"),
    ("basis", "执行依据", "enforcement basis"),
    (
        "notice",
        "执行通知书及送达",
        "enforcement notice and service",
    ),
    ("inquiry", "财产查控", "asset inquiry"),
    ("control", "控制措施", "control measures"),
    ("disposal", "处置", "disposal"),
    ("funds", "案款", "case funds"),
    ("coercion", "强制措施", "coercive measures"),
    ("settlement", "和解", "settlement"),
    ("closing", "结案文书", "closing documents"),
    ("other", "其他", "other"),
];

/// A document kind of the standard order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DocKind(usize);

impl DocKind {
    pub fn all() -> impl Iterator<Item = DocKind> {
        (0..KINDS.len()).map(DocKind)
    }

    pub fn from_key(key: &str) -> DomainResult<DocKind> {
        KINDS
            .iter()
            .position(|k| k.0 == key)
            .map(DocKind)
            .ok_or_else(|| {
                DomainError::new(
                    "dossier.kind_unknown",
                    format!("未知的材料类别：{key}"),
                    format!("unknown document kind: {key}"),
                )
            })
    }

    pub fn key(self) -> &'static str {
        KINDS[self.0].0
    }
    pub fn name_zh(self) -> &'static str {
        KINDS[self.0].1
    }
    pub fn name_en(self) -> &'static str {
        KINDS[self.0].2
    }
    /// The position of the kind in the standard order (0 first).
    pub fn rank(self) -> usize {
        self.0
    }
}

/// What an upload may be, recognised from its first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MediaType {
    Pdf,
    Jpeg,
    Png,
}

impl MediaType {
    pub fn mime(self) -> &'static str {
        match self {
            MediaType::Pdf => "application/pdf",
            MediaType::Jpeg => "image/jpeg",
            MediaType::Png => "image/png",
        }
    }

    pub fn from_mime(m: &str) -> Option<MediaType> {
        match m {
            "application/pdf" => Some(MediaType::Pdf),
            "image/jpeg" => Some(MediaType::Jpeg),
            "image/png" => Some(MediaType::Png),
            _ => None,
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            MediaType::Pdf => "pdf",
            MediaType::Jpeg => "jpg",
            MediaType::Png => "png",
        }
    }
}

/// How many leading bytes [`sniff`] needs.
pub const SNIFF_LEN: usize = 16;

fn refused_type(what_zh: &str, what_en: &str) -> DomainError {
    DomainError::new(
        "dossier.type_refused",
        format!("只能上传 PDF、JPEG 或 PNG 文件，该文件{what_zh}"),
        format!("only PDF, JPEG or PNG files may be uploaded; this file {what_en}"),
    )
}

/// The media type from the first bytes of a file (magic numbers), never from its name.
/// Executables, archives and everything else are refused, each with words for what it is.
pub fn sniff(head: &[u8]) -> DomainResult<MediaType> {
    if head.starts_with(b"%PDF-") {
        return Ok(MediaType::Pdf);
    }
    if head.starts_with(&[0xFF, 0xD8, 0xFF]) {
        return Ok(MediaType::Jpeg);
    }
    if head.starts_with(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A]) {
        return Ok(MediaType::Png);
    }
    if head.is_empty() {
        return Err(DomainError::new(
            "dossier.empty",
            "文件为空",
            "the file is empty",
        ));
    }
    if head.starts_with(b"\x7fELF") || head.starts_with(b"MZ") || head.starts_with(b"#!") {
        return Err(refused_type("是可执行程序", "is an executable program"));
    }
    if head.starts_with(b"PK\x03\x04") || head.starts_with(b"PK\x05\x06") {
        return Err(refused_type("是压缩包（zip）", "is a zip archive"));
    }
    if head.starts_with(&[0x1F, 0x8B])
        || head.starts_with(b"Rar!")
        || head.starts_with(b"7z\xBC\xAF")
    {
        return Err(refused_type("是压缩包", "is a compressed archive"));
    }
    Err(refused_type(
        "的内容不是这三种格式（不看文件名）",
        "is none of these (judged by its content, not its name)",
    ))
}

/// Checks a whole file's tail once it has been received: a PDF must end with `%%EOF` (within
/// its last kilobyte) and be more than a header, a JPEG must end with its end-of-image marker
/// (trailing padding allowed), a PNG with its IEND chunk. `tail` is the file's last bytes
/// (up to 1024).
pub fn check_complete(media: MediaType, size: u64, tail: &[u8]) -> DomainResult<()> {
    let broken = |zh: &str, en: &str| {
        DomainError::new(
            "dossier.file_broken",
            format!("文件不完整或已损坏：{zh}"),
            format!("the file is incomplete or damaged: {en}"),
        )
    };
    match media {
        MediaType::Pdf => {
            if size < 64 || !contains(tail, b"%%EOF") {
                return Err(broken(
                    "只有 PDF 文件头，没有完整的文档",
                    "it has a PDF header but no complete document",
                ));
            }
        }
        MediaType::Jpeg => {
            if size < 128 || !contains(tail, &[0xFF, 0xD9]) {
                return Err(broken("JPEG 图像不完整", "the JPEG image is truncated"));
            }
        }
        MediaType::Png => {
            if size < 64 || !contains(tail, b"IEND") {
                return Err(broken("PNG 图像不完整", "the PNG image is truncated"));
            }
        }
    }
    Ok(())
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

/// The filename as given, checked: no path separators or `..`, no control characters, not
/// empty, at most 120 characters. Refused with words for what is wrong, never silently
/// changed, so the catalogue shows what the clerk chose.
pub fn check_filename(name: &str) -> DomainResult<String> {
    let n = name.trim();
    if n.is_empty() {
        return Err(DomainError::new(
            "dossier.filename_required",
            "文件名不能为空",
            "the filename is empty",
        ));
    }
    if n.contains('/') || n.contains('\\') || n.contains("..") {
        return Err(DomainError::new(
            "dossier.filename_path",
            "文件名不能包含路径分隔符（/ 或 \\）或“..”，请只提交文件本身的名称",
            "the filename may not contain path separators (/ or \\) or \"..\"; give the file's own name only",
        ));
    }
    if n.chars().any(|c| c.is_control()) {
        return Err(DomainError::new(
            "dossier.filename_control",
            "文件名不能包含控制字符（如换行、制表符）",
            "the filename may not contain control characters (line breaks, tabs …)",
        ));
    }
    if n.chars().count() > 120 {
        return Err(DomainError::new(
            "dossier.filename_too_long",
            "文件名不能超过 120 个字",
            "the filename may not exceed 120 characters",
        ));
    }
    Ok(n.to_string())
}

/// The title of an item: the clerk's, else the filename without its extension.
pub fn title_or_filename(title: &str, filename: &str) -> DomainResult<String> {
    let t = title.trim();
    let t = if t.is_empty() {
        filename.rsplit_once('.').map_or(filename, |(stem, _)| stem)
    } else {
        t
    };
    if t.chars().any(|c| c.is_control()) {
        return Err(DomainError::new(
            "dossier.title_control",
            "材料名称不能包含控制字符",
            "the title may not contain control characters",
        ));
    }
    if t.chars().count() > 100 {
        return Err(DomainError::new(
            "dossier.title_too_long",
            "材料名称不能超过 100 个字",
            "the title may not exceed 100 characters",
        ));
    }
    Ok(t.to_string())
}

/// Where an item moves within its volume.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Move {
    Up,
    Down,
    /// To this position, 1 first.
    To(usize),
}

/// The new order of a volume's items (`ids` in their current order) after moving `id`;
/// `None` if `id` is not among them.
pub fn reorder(ids: &[i64], id: i64, mv: Move) -> Option<Vec<i64>> {
    let from = ids.iter().position(|&x| x == id)?;
    let mut out = ids.to_vec();
    let item = out.remove(from);
    let to = match mv {
        Move::Up => from.saturating_sub(1),
        Move::Down => (from + 1).min(out.len()),
        Move::To(p) => p.saturating_sub(1).min(out.len()),
    };
    out.insert(to, item);
    Some(out)
}

/// The refusal of a change to an archived case's dossier.
pub fn archived_refusal() -> DomainError {
    DomainError::new(
        "dossier.archived",
        "案件已归档，电子卷宗只读，不能再上传或调整材料",
        "the case is archived; its dossier is read-only",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_by_content() {
        assert_eq!(sniff(b"%PDF-1.7\n...").unwrap(), MediaType::Pdf);
        assert_eq!(sniff(&[0xFF, 0xD8, 0xFF, 0xE0]).unwrap(), MediaType::Jpeg);
        assert_eq!(
            sniff(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR").unwrap(),
            MediaType::Png
        );
        assert!(sniff(b"\x7fELF\x02\x01").unwrap_err().zh.contains("可执行"));
        assert!(sniff(b"PK\x03\x04").unwrap_err().zh.contains("zip"));
        assert_eq!(
            sniff(b"hello, this is text").unwrap_err().code,
            "dossier.type_refused"
        );
        assert!(check_complete(MediaType::Pdf, 9, b"%PDF-1.7\n").is_err());
    }

    #[test]
    fn filenames_and_order() {
        assert!(check_filename("判决书.pdf").is_ok());
        assert_eq!(
            check_filename("../etc/passwd").unwrap_err().code,
            "dossier.filename_path"
        );
        assert_eq!(
            check_filename("a\\b.pdf").unwrap_err().code,
            "dossier.filename_path"
        );
        assert_eq!(
            check_filename("a\nb.pdf").unwrap_err().code,
            "dossier.filename_control"
        );
        assert_eq!(title_or_filename("", "判决书.pdf").unwrap(), "判决书");
        assert_eq!(reorder(&[1, 2, 3], 3, Move::Up).unwrap(), vec![1, 3, 2]);
        assert_eq!(reorder(&[1, 2, 3], 1, Move::Up).unwrap(), vec![1, 2, 3]);
        assert_eq!(reorder(&[1, 2, 3], 1, Move::Down).unwrap(), vec![2, 1, 3]);
        assert_eq!(reorder(&[1, 2, 3], 1, Move::To(9)).unwrap(), vec![2, 3, 1]);
        assert_eq!(reorder(&[1, 2, 3], 4, Move::Up), None);
        assert_eq!(DocKind::from_key("basis").unwrap().name_zh(), "执行依据");
        assert!(DocKind::from_key("filing").unwrap() < DocKind::from_key("other").unwrap());
    }
}
