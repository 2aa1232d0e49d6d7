//! The look every Excel export shares: a bold centred title, shaded bordered headings,
//! bordered cells, and bordered cells that wrap long text (definitions, reasons).

use rust_xlsxwriter::{Color, Format, FormatAlign, FormatBorder};

pub struct SheetFormats {
    pub title: Format,
    pub head: Format,
    pub cell: Format,
    pub wrap: Format,
}

impl SheetFormats {
    pub fn new() -> SheetFormats {
        SheetFormats {
            title: Format::new()
                .set_bold()
                .set_font_size(14)
                .set_align(FormatAlign::Center)
                .set_align(FormatAlign::VerticalCenter),
            head: Format::new()
                .set_bold()
                .set_border(FormatBorder::Thin)
                .set_background_color(Color::RGB(0x00DD_E4EC))
                .set_align(FormatAlign::Center),
            cell: Format::new().set_border(FormatBorder::Thin),
            wrap: Format::new().set_border(FormatBorder::Thin).set_text_wrap(),
        }
    }
}

impl Default for SheetFormats {
    fn default() -> SheetFormats {
        SheetFormats::new()
    }
}
