//! The CJK font for PDF output: AR PL UMing (a Ming/Song serif) from the Debian package
//! `fonts-arphic-uming`, or the file named by `ZHIXING_FONT`. Loaded and indexed once per
//! process; every PDF shares it (krilla embeds only the glyphs a document uses).

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use skrifa::instance::{LocationRef, Size};
use skrifa::raw::TableProvider;
use skrifa::{FontRef, MetadataProvider};

use crate::DocError;

pub const DEFAULT_FONT_PATH: &str = "/usr/share/fonts/truetype/arphic/uming.ttc";
pub const FONT_PACKAGE: &str = "fonts-arphic-uming";

/// A loaded font with its character map and advances (in em) resolved once.
pub struct FontFace {
    pub font: krilla::text::Font,
    pub path: String,
    glyphs: HashMap<char, (u32, f32)>,
}

impl FontFace {
    /// Glyph id and advance (in em) of a character; `None` when the font lacks it.
    pub fn glyph(&self, c: char) -> Option<(u32, f32)> {
        self.glyphs.get(&c).copied()
    }

    /// Advance of a character in em; characters the font lacks count as a full (CJK) or half
    /// (ASCII) em so that layout stays stable.
    pub fn advance(&self, c: char) -> f32 {
        match self.glyphs.get(&c) {
            Some((_, a)) => *a,
            None if c.is_ascii() => 0.5,
            None => 1.0,
        }
    }

    pub fn load(path: &str) -> Result<FontFace, DocError> {
        let bytes = std::fs::read(path).map_err(|e| missing(path, &e.to_string()))?;
        let data = Arc::new(bytes);
        let glyphs = {
            let fr = FontRef::from_index(data.as_slice(), 0)
                .map_err(|e| missing(path, &format!("not a font: {e}")))?;
            let metrics = fr.glyph_metrics(Size::unscaled(), LocationRef::default());
            let upem = f32::from(fr.head().map(|h| h.units_per_em()).unwrap_or(1000));
            fr.charmap()
                .mappings()
                .filter_map(|(cp, gid)| {
                    let c = char::from_u32(cp)?;
                    let adv = metrics.advance_width(gid).unwrap_or(upem) / upem;
                    Some((c, (gid.to_u32(), adv)))
                })
                .collect()
        };
        let font = krilla::text::Font::new(krilla::Data::from(data), 0)
            .ok_or_else(|| missing(path, "krilla cannot read the font"))?;
        Ok(FontFace {
            font,
            path: path.to_string(),
            glyphs,
        })
    }
}

fn missing(path: &str, why: &str) -> DocError {
    DocError::Font {
        zh: format!(
            "找不到用于 PDF 的中文字体 {path}（{why}）。请安装软件包 {FONT_PACKAGE}（sudo apt-get install {FONT_PACKAGE}，或运行 scripts/setup.sh），或用环境变量 ZHIXING_FONT 指定字体文件。Word 文档不受影响。"
        ),
        en: format!(
            "The Chinese font for PDF output is missing: {path} ({why}). Install the package {FONT_PACKAGE} (sudo apt-get install {FONT_PACKAGE}, or run scripts/setup.sh), or set ZHIXING_FONT to a font file. DOCX output still works."
        ),
    }
}

/// The process-wide font (path from `ZHIXING_FONT`, else [`DEFAULT_FONT_PATH`]).
pub fn shared() -> Result<Arc<FontFace>, DocError> {
    static FONT: OnceLock<Result<Arc<FontFace>, (String, String)>> = OnceLock::new();
    let r = FONT.get_or_init(|| {
        let path = std::env::var("ZHIXING_FONT").unwrap_or_else(|_| DEFAULT_FONT_PATH.into());
        FontFace::load(&path).map(Arc::new).map_err(|e| match e {
            DocError::Font { zh, en } => (zh, en),
            other => (other.message_zh(), other.message_en()),
        })
    });
    match r {
        Ok(f) => Ok(f.clone()),
        Err((zh, en)) => Err(DocError::Font {
            zh: zh.clone(),
            en: en.clone(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_font_names_the_package() {
        let Err(e) = FontFace::load("/nonexistent/font.ttc") else {
            panic!("loaded a missing font")
        };
        assert_eq!(e.code(), "font_missing");
        assert!(e.message_zh().contains(FONT_PACKAGE));
        assert!(e
            .message_en()
            .contains("apt-get install fonts-arphic-uming"));
    }
}
