//! PDF output with krilla: A4, GB/T 9704 margins, the CJK font subset embedded, lines broken
//! by [`crate::layout`] with advances measured from the font.

use krilla::geom::{PathBuilder, Point};
use krilla::page::PageSettings;
use krilla::paint::{Fill, Stroke};
use krilla::text::{GlyphId, KrillaGlyph};
use krilla::Document;

use crate::font::{shared, FontFace};
use crate::layout::break_lines;
use crate::markup::{Block, DocModel};
use crate::DocError;

const MM: f32 = 72.0 / 25.4;
pub const PAGE_W: f32 = 210.0 * MM;
pub const PAGE_H: f32 = 297.0 * MM;
pub const TOP: f32 = 37.0 * MM;
pub const LEFT: f32 = 28.0 * MM;
pub const RIGHT: f32 = 26.0 * MM;
pub const BOTTOM: f32 = 35.0 * MM;
/// 三号: 16 pt body text on 28 pt lines.
pub const BODY: f32 = 16.0;
pub const LINE: f32 = 28.0;
const TITLE: f32 = 22.0;
const COURT: f32 = 18.0;
const TABLE: f32 = 14.0;
const TABLE_LINE: f32 = 22.0;
const NOTE: f32 = 12.0;
const CELL_PAD: f32 = 4.0;

enum Op {
    Text {
        x: f32,
        y: f32,
        size: f32,
        bold: bool,
        text: String,
    },
    Rule {
        x1: f32,
        y1: f32,
        x2: f32,
        y2: f32,
    },
}

struct Layout<'f> {
    face: &'f FontFace,
    pages: Vec<Vec<Op>>,
    /// Top of the next line on the current page.
    y: f32,
}

impl<'f> Layout<'f> {
    fn width(&self, text: &str, size: f32) -> f32 {
        text.chars().map(|c| self.face.advance(c)).sum::<f32>() * size
    }

    fn ensure(&mut self, h: f32) {
        if self.y + h > PAGE_H - BOTTOM && self.y > TOP + 0.1 {
            self.pages.push(Vec::new());
            self.y = TOP;
        }
    }

    fn push(&mut self, op: Op) {
        self.pages.last_mut().expect("a page").push(op);
    }

    /// One line of text placed by alignment: 0 left, 1 centre, 2 right.
    fn line(&mut self, text: &str, size: f32, lh: f32, bold: bool, align: u8, right_indent: f32) {
        self.ensure(lh);
        let avail = PAGE_W - LEFT - RIGHT - right_indent;
        let w = self.width(text, size);
        let x = match align {
            1 => LEFT + (avail - w).max(0.0) / 2.0,
            2 => LEFT + (avail - w).max(0.0),
            _ => LEFT,
        };
        let y = self.y + (lh + size * 0.7) / 2.0;
        self.push(Op::Text {
            x,
            y,
            size,
            bold,
            text: text.to_string(),
        });
        self.y += lh;
    }

    fn wrapped(&mut self, text: &str, size: f32, lh: f32, indent_em: f32, align: u8, bold: bool) {
        let width = PAGE_W - LEFT - RIGHT;
        let face = self.face;
        let lines = break_lines(text, width - indent_em * size, width, |c| {
            face.advance(c) * size
        });
        for (i, r) in lines.into_iter().enumerate() {
            let part = &text[r];
            if i == 0 && indent_em > 0.0 {
                self.ensure(lh);
                let y = self.y + (lh + size * 0.7) / 2.0;
                self.push(Op::Text {
                    x: LEFT + indent_em * size,
                    y,
                    size,
                    bold,
                    text: part.to_string(),
                });
                self.y += lh;
            } else {
                self.line(part, size, lh, bold, align, 0.0);
            }
        }
    }

    fn table(&mut self, header: &[String], rows: &[Vec<String>]) {
        let n = header.len().max(1);
        let width = PAGE_W - LEFT - RIGHT;
        let col = width / n as f32;
        let face = self.face;
        let all = std::iter::once((header, true)).chain(rows.iter().map(|r| (r.as_slice(), false)));
        for (cells, bold) in all {
            let wrapped: Vec<Vec<String>> = cells
                .iter()
                .map(|c| {
                    break_lines(c, col - 2.0 * CELL_PAD, col - 2.0 * CELL_PAD, |ch| {
                        face.advance(ch) * TABLE
                    })
                    .into_iter()
                    .map(|r| c[r].to_string())
                    .collect()
                })
                .collect();
            let n_lines = wrapped.iter().map(Vec::len).max().unwrap_or(1).max(1);
            // Rows are at least two lines tall: room to sign or write by hand.
            let h = (n_lines.max(if bold { 1 } else { 2 })) as f32 * TABLE_LINE + 2.0 * CELL_PAD;
            self.ensure(h);
            let top = self.y;
            for (i, lines) in wrapped.iter().enumerate() {
                let x = LEFT + i as f32 * col + CELL_PAD;
                for (j, l) in lines.iter().enumerate() {
                    self.push(Op::Text {
                        x,
                        y: top
                            + CELL_PAD
                            + j as f32 * TABLE_LINE
                            + (TABLE_LINE + TABLE * 0.7) / 2.0,
                        size: TABLE,
                        bold,
                        text: l.clone(),
                    });
                }
            }
            // Borders: top, bottom, and verticals.
            self.push(Op::Rule {
                x1: LEFT,
                y1: top,
                x2: LEFT + width,
                y2: top,
            });
            self.push(Op::Rule {
                x1: LEFT,
                y1: top + h,
                x2: LEFT + width,
                y2: top + h,
            });
            for i in 0..=n {
                let x = LEFT + i as f32 * col;
                self.push(Op::Rule {
                    x1: x,
                    y1: top,
                    x2: x,
                    y2: top + h,
                });
            }
            self.y += h;
        }
        self.y += LINE / 2.0;
    }
}

/// Lays the model out and writes the PDF with the process-wide font.
pub fn to_pdf(model: &DocModel) -> Result<Vec<u8>, DocError> {
    let face = shared()?;
    to_pdf_with(model, &face)
}

/// Lays the model out and writes the PDF with the given font.
pub fn to_pdf_with(model: &DocModel, face: &FontFace) -> Result<Vec<u8>, DocError> {
    let mut l = Layout {
        face,
        pages: vec![Vec::new()],
        y: TOP,
    };
    for b in &model.blocks {
        match b {
            Block::Court(t) => l.wrapped(t, COURT, 36.0, 0.0, 1, false),
            Block::Title(t) => {
                l.wrapped(t, TITLE, 40.0, 0.0, 1, true);
            }
            Block::Number(t) => l.line(t, BODY, LINE, false, 2, 0.0),
            Block::To(t) | Block::Line(t) => l.wrapped(t, BODY, LINE, 0.0, 0, false),
            Block::Para(t) => l.wrapped(t, BODY, LINE, 2.0, 0, false),
            Block::Table { header, rows } => l.table(header, rows),
            Block::Sign { court, date } => {
                l.y += LINE;
                l.line(court, BODY, LINE, false, 2, 2.0 * BODY);
                l.line(date, BODY, LINE, false, 2, 2.0 * BODY);
            }
            Block::Seal(t) => l.line(&format!("（{t}）"), BODY, LINE, false, 2, 4.0 * BODY),
            Block::Note(t) => l.wrapped(t, NOTE, 20.0, 0.0, 0, false),
            Block::Gap => l.y += LINE,
        }
    }
    let n_pages = l.pages.len();
    let mut doc = Document::new();
    for (i, ops) in l.pages.iter().enumerate() {
        let mut page = doc.start_page_with(PageSettings::new(PAGE_W, PAGE_H));
        let mut s = page.surface();
        for op in ops {
            match op {
                Op::Text {
                    x,
                    y,
                    size,
                    bold,
                    text,
                } => draw(&mut s, face, *x, *y, *size, *bold, text),
                Op::Rule { x1, y1, x2, y2 } => {
                    let mut pb = PathBuilder::new();
                    pb.move_to(*x1, *y1);
                    pb.line_to(*x2, *y2);
                    if let Some(path) = pb.finish() {
                        s.set_fill(None);
                        s.set_stroke(Some(Stroke {
                            width: 0.75,
                            ..Stroke::default()
                        }));
                        s.draw_path(&path);
                        s.set_stroke(None);
                        s.set_fill(Some(Fill::default()));
                    }
                }
            }
        }
        if n_pages > 1 {
            let folio = format!("— {} —", i + 1);
            let w: f32 = folio.chars().map(|c| face.advance(c)).sum::<f32>() * 14.0;
            draw(
                &mut s,
                face,
                (PAGE_W - w) / 2.0,
                PAGE_H - BOTTOM + 40.0,
                14.0,
                false,
                &folio,
            );
        }
        s.finish();
        page.finish();
    }
    doc.finish().map_err(|e| DocError::Output(format!("{e:?}")))
}

fn draw(
    s: &mut krilla::surface::Surface,
    face: &FontFace,
    x: f32,
    y: f32,
    size: f32,
    bold: bool,
    text: &str,
) {
    let glyphs: Vec<KrillaGlyph> = text
        .char_indices()
        .map(|(i, c)| {
            let (gid, adv) = face.glyph(c).unwrap_or((0, face.advance(c)));
            KrillaGlyph::new(
                GlyphId::new(gid),
                adv,
                0.0,
                0.0,
                0.0,
                i..i + c.len_utf8(),
                None,
            )
        })
        .collect();
    if bold {
        // The Ming font has no bold face: fill and stroke thinly (synthetic bold).
        s.set_fill(Some(Fill::default()));
        s.set_stroke(Some(Stroke {
            width: size / 30.0,
            ..Stroke::default()
        }));
    }
    s.draw_glyphs(
        Point::from_xy(x, y),
        &glyphs,
        face.font.clone(),
        text,
        size,
        false,
    );
    if bold {
        s.set_stroke(None);
    }
}
