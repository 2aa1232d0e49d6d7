//! Every default template renders for a sample case, and both outputs are well-formed.

use std::collections::BTreeSet;
use std::io::Read;

use zhixing_docs::{build_model, generate, DocData, DocKind, Format};

fn font_available() -> bool {
    zhixing_docs::font::shared().is_ok()
}

#[test]
fn every_default_template_renders_for_a_sample_case() {
    let data = DocData::sample();
    for kind in DocKind::ALL {
        let model = build_model(kind, None, &data).unwrap_or_else(|e| panic!("{kind:?}: {e}"));
        let text = model.text();
        assert!(text.contains(&data.court.name), "{kind:?}");
        assert!(
            text.contains(&data.case_number) || kind == DocKind::ReceptionRecord,
            "{kind:?}"
        );
        assert_eq!(DocKind::from_key(kind.key()), Some(kind));
    }
    let notice = build_model(DocKind::Notice, None, &data).unwrap().text();
    assert!(notice.contains("加倍支付迟延履行期间的债务利息"));
    assert!(notice.contains(&data.amount.capital));
    assert!(notice.contains(&data.payment.account_number));
    let order = build_model(DocKind::AssetReportOrder, None, &data).unwrap();
    assert!(order.text().contains("财产调查表"));
}

#[test]
fn docx_is_a_zip_with_the_case_number() {
    let data = DocData::sample();
    for kind in DocKind::ALL {
        let bytes = generate(kind, None, &data, Format::Docx).unwrap();
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        let mut xml = String::new();
        zip.by_name("word/document.xml")
            .unwrap()
            .read_to_string(&mut xml)
            .unwrap();
        assert!(xml.contains(&data.court.name), "{kind:?}");
        if kind != DocKind::ReceptionRecord {
            assert!(xml.contains(&data.case_number), "{kind:?}");
        }
        assert!(xml.contains("仿宋"), "{kind:?}");
    }
}

/// Streams of a PDF, inflated where compressed.
fn streams(pdf: &[u8]) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    let mut rest = pdf;
    while let Some(p) = find(rest, b"stream") {
        let mut start = p + 6;
        if rest.get(start) == Some(&b'\r') {
            start += 1;
        }
        if rest.get(start) == Some(&b'\n') {
            start += 1;
        }
        let Some(len) = find(&rest[start..], b"endstream") else {
            break;
        };
        let raw = &rest[start..start + len];
        let mut inflated = Vec::new();
        if flate2::read::ZlibDecoder::new(raw)
            .read_to_end(&mut inflated)
            .is_ok()
        {
            out.push(inflated);
        } else {
            out.push(raw.to_vec());
        }
        rest = &rest[start + len + 9..];
    }
    out
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// Characters mapped by the ToUnicode CMaps (each bfchar/bfrange destination).
fn mapped_chars(pdf: &[u8]) -> BTreeSet<char> {
    let mut set = BTreeSet::new();
    for s in streams(pdf) {
        let Ok(text) = String::from_utf8(s) else {
            continue;
        };
        if !text.contains("beginbfchar") && !text.contains("beginbfrange") {
            continue;
        }
        for line in text.lines() {
            let hexes: Vec<&str> = line
                .split(['<', '>'])
                .enumerate()
                .filter(|(i, _)| i % 2 == 1)
                .map(|(_, h)| h)
                .collect();
            if let Some(dst) = hexes.last().filter(|_| hexes.len() >= 2) {
                let units: Vec<u16> = (0..dst.len() / 4)
                    .filter_map(|i| u16::from_str_radix(&dst[i * 4..i * 4 + 4], 16).ok())
                    .collect();
                set.extend(char::decode_utf16(units).filter_map(Result::ok));
            }
        }
    }
    set
}

#[test]
fn pdf_embeds_a_font_subset_with_the_glyphs_used() {
    if !font_available() {
        eprintln!("skipped: fonts-arphic-uming is not installed (scripts/setup.sh)");
        return;
    }
    let data = DocData::sample();
    for kind in DocKind::ALL {
        let model = build_model(kind, None, &data).unwrap();
        let pdf = zhixing_docs::pdf::to_pdf(&model).unwrap();
        assert!(pdf.starts_with(b"%PDF"), "{kind:?}");
        assert!(find(&pdf, b"/FontFile2").is_some() || find(&pdf, b"/FontFile3").is_some());
        // The subset is a font far smaller than the 20 MB collection.
        assert!(pdf.len() < 2_000_000, "{kind:?}: {} bytes", pdf.len());
        let mapped = mapped_chars(&pdf);
        assert!(
            mapped.len() > 50,
            "{kind:?}: ToUnicode maps only {}",
            mapped.len()
        );
        let face = zhixing_docs::font::shared().unwrap();
        for c in model.text().chars().filter(|c| !c.is_whitespace()) {
            if face.glyph(c).is_some() {
                assert!(
                    mapped.contains(&c),
                    "{kind:?}: glyph for {c:?} not in the subset"
                );
            }
        }
    }
}

#[test]
fn the_sample_font_covers_the_documents() {
    if !font_available() {
        return;
    }
    let face = zhixing_docs::font::shared().unwrap();
    let data = DocData::sample();
    for kind in DocKind::ALL {
        let text = build_model(kind, None, &data).unwrap().text();
        let missing: String = text
            .chars()
            .filter(|c| !c.is_whitespace() && face.glyph(*c).is_none())
            .collect();
        assert!(missing.is_empty(), "{kind:?}: font lacks {missing}");
    }
}

#[test]
fn a_court_override_is_used() {
    let data = DocData::sample();
    let t = "@title 自定义通知\n@para {{ case_number }} 特别提示\n";
    let model = build_model(DocKind::Notice, Some(t), &data).unwrap();
    assert!(model.text().contains("特别提示"));
    let e = build_model(
        DocKind::Notice,
        Some("@title x\n\n@para {{ nope }}\n"),
        &data,
    )
    .unwrap_err();
    assert_eq!(e.line, 3);
}

#[test]
fn the_number_is_printed_and_a_draft_says_so() {
    let mut data = DocData::sample();
    data.number = format!("{}之一", data.case_number);
    let text = build_model(DocKind::Notice, None, &data).unwrap().text();
    assert!(text.contains("号之一"), "{text}");
    assert!(!text.contains(zhixing_docs::DRAFT_MARK));
    data.draft = true;
    let model = build_model(DocKind::RulingFreeze, None, &data).unwrap();
    assert_eq!(
        model.blocks[0],
        zhixing_docs::Block::Line(zhixing_docs::DRAFT_MARK.to_string())
    );
    // Also under a court's own template, which does not mention it.
    let own = build_model(
        DocKind::Notice,
        Some("@title 通知\n@para {{ number }}\n"),
        &data,
    )
    .unwrap()
    .text();
    assert!(own.starts_with(zhixing_docs::DRAFT_MARK), "{own}");
}
