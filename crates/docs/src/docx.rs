//! DOCX output with docx-rs, editable in Word and WPS: A4 with the GB/T 9704 margins, body in
//! 仿宋 (FangSong as the Latin-named fallback for systems without the Chinese name) at 三号 on
//! fixed 28 pt lines, the title centred in bold 宋体 at 二号, the case number right-aligned.

use docx_rs::{
    AlignmentType, Docx, LineSpacing, LineSpacingType, PageMargin, Paragraph, Run, RunFonts,
    SpecialIndentType, Table, TableCell, TableRow, WidthType,
};

use crate::markup::{Block, DocModel};
use crate::DocError;

/// Twentieths of a point per millimetre.
const TW_MM: f32 = 1440.0 / 25.4;
const BODY_HALF_PT: usize = 32;
const LINE_TW: i32 = 560;

fn mm(v: f32) -> i32 {
    (v * TW_MM).round() as i32
}

fn body_fonts() -> RunFonts {
    RunFonts::new()
        .east_asia("仿宋")
        .ascii("FangSong")
        .hi_ansi("FangSong")
        .cs("FangSong")
        .hint("eastAsia")
}

fn title_fonts() -> RunFonts {
    RunFonts::new()
        .east_asia("方正小标宋简体")
        .ascii("SimSun")
        .hi_ansi("SimSun")
        .hint("eastAsia")
}

fn spacing(line: i32) -> LineSpacing {
    LineSpacing::new()
        .line_rule(LineSpacingType::Exact)
        .line(line)
        .before(0)
        .after(0)
}

fn para(text: &str, align: AlignmentType, size: usize, bold: bool, line: i32) -> Paragraph {
    let mut run =
        Run::new()
            .add_text(text)
            .size(size)
            .fonts(if bold { title_fonts() } else { body_fonts() });
    if bold {
        run = run.bold();
    }
    Paragraph::new()
        .add_run(run)
        .align(align)
        .line_spacing(spacing(line))
}

/// Writes the model as a .docx file.
pub fn to_docx(model: &DocModel) -> Result<Vec<u8>, DocError> {
    let mut doc = Docx::new()
        .page_size(11906, 16838)
        .page_margin(
            PageMargin::new()
                .top(mm(37.0))
                .left(mm(28.0))
                .right(mm(26.0))
                .bottom(mm(35.0)),
        )
        .default_fonts(body_fonts())
        .default_size(BODY_HALF_PT)
        .default_line_spacing(spacing(LINE_TW));
    let text_width = mm(156.0) as usize;
    for b in &model.blocks {
        doc = match b {
            Block::Court(t) => doc.add_paragraph(para(t, AlignmentType::Center, 36, false, 720)),
            Block::Title(t) => doc.add_paragraph(para(t, AlignmentType::Center, 44, true, 800)),
            Block::Number(t) => {
                doc.add_paragraph(para(t, AlignmentType::Right, BODY_HALF_PT, false, LINE_TW))
            }
            Block::To(t) | Block::Line(t) => {
                doc.add_paragraph(para(t, AlignmentType::Both, BODY_HALF_PT, false, LINE_TW))
            }
            Block::Para(t) => doc.add_paragraph(
                para(t, AlignmentType::Both, BODY_HALF_PT, false, LINE_TW).indent(
                    None,
                    Some(SpecialIndentType::FirstLine(640)),
                    None,
                    Some(200),
                ),
            ),
            Block::Table { header, rows } => {
                let n = header.len().max(1);
                let col = text_width / n;
                let cell = |t: &str, bold: bool| {
                    TableCell::new()
                        .width(col, WidthType::Dxa)
                        .add_paragraph(para(t, AlignmentType::Left, 28, bold, 440))
                };
                let mut trs = vec![TableRow::new(
                    header.iter().map(|h| cell(h, true)).collect(),
                )];
                for r in rows {
                    trs.push(
                        TableRow::new(r.iter().map(|c| cell(c, false)).collect()).row_height(900.0),
                    );
                }
                doc.add_table(
                    Table::new(trs)
                        .set_grid(vec![col; n])
                        .width(text_width, WidthType::Dxa),
                )
                .add_paragraph(Paragraph::new())
            }
            Block::Sign { court, date } => doc
                .add_paragraph(Paragraph::new().line_spacing(spacing(LINE_TW)))
                .add_paragraph(
                    para(court, AlignmentType::Right, BODY_HALF_PT, false, LINE_TW).indent(
                        None,
                        None,
                        Some(640),
                        None,
                    ),
                )
                .add_paragraph(
                    para(date, AlignmentType::Right, BODY_HALF_PT, false, LINE_TW).indent(
                        None,
                        None,
                        Some(640),
                        None,
                    ),
                ),
            Block::Seal(t) => doc.add_paragraph(
                para(
                    &format!("（{t}）"),
                    AlignmentType::Right,
                    BODY_HALF_PT,
                    false,
                    LINE_TW,
                )
                .indent(None, None, Some(1280), None),
            ),
            Block::Note(t) => doc.add_paragraph(para(t, AlignmentType::Left, 24, false, 400)),
            Block::Gap => doc.add_paragraph(Paragraph::new().line_spacing(spacing(LINE_TW))),
        };
    }
    let mut buf = std::io::Cursor::new(Vec::new());
    doc.build()
        .pack(&mut buf)
        .map_err(|e| DocError::Output(e.to_string()))?;
    Ok(buf.into_inner())
}
