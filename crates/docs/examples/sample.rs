//! Writes every default document for the sample case to a folder:
//! `cargo run -p zhixing-docs --example sample -- /tmp/docs`.
fn main() {
    let dir = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "target/sample-docs".into());
    std::fs::create_dir_all(&dir).expect("create folder");
    let data = zhixing_docs::DocData::sample();
    for kind in zhixing_docs::DocKind::ALL {
        for format in [zhixing_docs::Format::Pdf, zhixing_docs::Format::Docx] {
            let bytes = zhixing_docs::generate(kind, None, &data, format).expect("generate");
            let path = format!("{dir}/{}.{}", kind.key(), format.ext());
            std::fs::write(&path, bytes).expect("write");
            println!("{path}");
        }
    }
}
