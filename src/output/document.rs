//! A small document model shared by the board report and comparisons:
//! headings, paragraphs of styled text, bullet lists, tables and images,
//! rendered to Markdown and to one self-contained HTML page.
//!
//! Text is kept as text until rendering, and each renderer escapes it for
//! its own format, so a plan named ``a*b `c` `` reads the same in both.
//! No I/O: images are handed in as bytes.

use std::fmt::{self, Write as _};

use base64::Engine as _;

/// A run of text and its style.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Span {
    Text(String),
    Strong(String),
    Code(String),
}

/// Styled text: a sequence of spans. Plain text can be appended with
/// `write!`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Inline(pub Vec<Span>);

impl Inline {
    pub fn text(mut self, s: impl Into<String>) -> Self {
        self.push_text(&s.into());
        self
    }

    pub fn strong(mut self, s: impl Into<String>) -> Self {
        self.0.push(Span::Strong(s.into()));
        self
    }

    pub fn code(mut self, s: impl Into<String>) -> Self {
        self.0.push(Span::Code(s.into()));
        self
    }

    fn push_text(&mut self, s: &str) {
        match self.0.last_mut() {
            Some(Span::Text(t)) => t.push_str(s),
            _ => self.0.push(Span::Text(s.to_string())),
        }
    }
}

impl fmt::Write for Inline {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.push_text(s);
        Ok(())
    }
}

impl From<String> for Inline {
    fn from(s: String) -> Self {
        Inline::default().text(s)
    }
}

impl From<&str> for Inline {
    fn from(s: &str) -> Self {
        Inline::default().text(s)
    }
}

/// A table with a header row; every row has the header's length. Cells are
/// plain text.
#[derive(Debug, Clone, Default)]
pub struct Table {
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

/// An image: its path relative to the document (where Markdown links it;
/// HTML embeds its bytes), its caption and size in pixels.
#[derive(Debug, Clone)]
pub struct Image {
    pub path: String,
    pub caption: String,
    pub width: u32,
    pub height: u32,
}

/// A piece of a document.
#[derive(Debug, Clone)]
pub enum Block {
    Heading(u8, String),
    Paragraph(Inline),
    Bullets(Vec<Inline>),
    Table(Table),
    Image(Image),
    /// Where a printed page ends: a page break in HTML, nothing in Markdown.
    PageBreak,
}

/// A titled list of blocks.
#[derive(Debug, Clone)]
pub struct Document {
    pub title: String,
    pub blocks: Vec<Block>,
}

/// Markdown text: backslash-escape what would otherwise start emphasis or
/// code.
fn markdown_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(c, '\\' | '*' | '`') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// A Markdown code span holding `s` literally: fenced with one more
/// backtick than the longest run inside it.
fn markdown_code(s: &str) -> String {
    let longest = s.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    if longest > 0 {
        format!("{fence} {s} {fence}")
    } else {
        format!("{fence}{s}{fence}")
    }
}

fn markdown_inline(text: &Inline) -> String {
    let mut out = String::new();
    for span in &text.0 {
        match span {
            Span::Text(t) => out.push_str(&markdown_text(t)),
            Span::Strong(t) => {
                let _ = write!(out, "**{}**", markdown_text(t));
            }
            Span::Code(t) => out.push_str(&markdown_code(t)),
        }
    }
    out
}

fn markdown_cell(s: &str) -> String {
    markdown_text(s).replace('|', "\\|").replace('\n', " ")
}

fn markdown_row(out: &mut String, cells: &[String]) {
    let cells: Vec<String> = cells.iter().map(|c| markdown_cell(c)).collect();
    let _ = writeln!(out, "| {} |", cells.join(" | "));
}

/// A table as Markdown.
pub fn markdown_table(t: &Table) -> String {
    let mut out = String::new();
    markdown_row(&mut out, &t.header);
    let _ = writeln!(out, "|{}|", vec![" --- "; t.header.len()].join("|"));
    for row in &t.rows {
        markdown_row(&mut out, row);
    }
    out
}

/// Text escaped for HTML content and attribute values.
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn html_inline(text: &Inline) -> String {
    let mut out = String::new();
    for span in &text.0 {
        match span {
            Span::Text(t) => out.push_str(&escape(t)),
            Span::Strong(t) => {
                let _ = write!(out, "<strong>{}</strong>", escape(t));
            }
            Span::Code(t) => {
                let _ = write!(out, "<code>{}</code>", escape(t));
            }
        }
    }
    out
}

fn html_table(out: &mut String, t: &Table) {
    out.push_str("<table>\n<thead><tr>");
    for h in &t.header {
        let _ = write!(out, "<th>{}</th>", escape(h));
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for row in &t.rows {
        out.push_str("<tr>");
        for c in row {
            let _ = write!(out, "<td>{}</td>", escape(c));
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n</table>\n");
}

fn html_image(out: &mut String, image: &Image, bytes: Option<&[u8]>) {
    let caption = escape(&image.caption);
    match bytes {
        Some(bytes) => {
            let _ = writeln!(
                out,
                "<figure><img alt=\"{caption}\" width=\"{}\" height=\"{}\" src=\"data:image/png;base64,{}\"><figcaption>{caption}</figcaption></figure>",
                image.width,
                image.height,
                base64::engine::general_purpose::STANDARD.encode(bytes),
            );
        }
        None => {
            let _ = writeln!(
                out,
                "<p class=\"missing\">Chart {caption} was not rendered (no {}).</p>",
                escape(&image.path)
            );
        }
    }
}

/// The page's style: for the screen, and for printing on A4 (the summary
/// alone on the first page, a new page where the document breaks one,
/// headings kept with what follows, table rows and figures never split,
/// the header of a table split across pages repeated, charts to the page
/// width and at most half a page high).
const CSS: &str = "body{font-family:'DejaVu Sans',Arial,Helvetica,sans-serif;max-width:60rem;margin:2rem auto;\
padding:0 1rem;color:#222;line-height:1.45}h1{font-size:1.6rem}h2{margin-top:2rem;border-bottom:1px solid #ccc}\
table{border-collapse:collapse;margin:1rem 0;font-size:.9rem}th,td{border:1px solid #bbb;padding:.25rem .5rem;\
text-align:left;vertical-align:top}th{background:#eee}figure{margin:1rem 0}img{max-width:100%;height:auto;\
border:1px solid #ddd}figcaption{font-size:.9rem;color:#555}code{font-size:.85rem;word-break:break-all}\
.missing{color:#a00}@page{size:A4;margin:14mm 14mm 16mm}@media print{body{max-width:none;margin:0;padding:0;\
font-size:9.5pt;line-height:1.35}h1{font-size:15pt;margin:0 0 .5rem}h2{font-size:12.5pt;margin-top:1rem}\
h3{font-size:10.5pt}h1,h2,h3{break-after:avoid}p,li{orphans:3;widows:3}table{font-size:8pt;width:100%;margin:.5rem 0}\
th,td{padding:.12rem .3rem}thead{display:table-header-group}tr,figure,img{break-inside:avoid}\
img{width:auto;max-height:105mm}figure{margin:.4rem 0 .8rem}figcaption{font-size:8.5pt}.page-break{break-after:page;height:0}\
th{background:#eee;-webkit-print-color-adjust:exact;print-color-adjust:exact}}";

impl Document {
    /// The document as Markdown; images are linked by their path.
    pub fn to_markdown(&self) -> String {
        let mut out = format!("# {}\n\n", markdown_text(&self.title));
        for block in &self.blocks {
            match block {
                Block::Heading(level, text) => {
                    let _ = writeln!(
                        out,
                        "{} {}\n",
                        "#".repeat(*level as usize),
                        markdown_text(text)
                    );
                }
                Block::Paragraph(text) => {
                    let _ = writeln!(out, "{}\n", markdown_inline(text));
                }
                Block::Bullets(items) => {
                    for item in items {
                        let _ = writeln!(out, "- {}", markdown_inline(item));
                    }
                    out.push('\n');
                }
                Block::Table(t) => {
                    out.push_str(&markdown_table(t));
                    out.push('\n');
                }
                Block::Image(image) => {
                    let _ = writeln!(
                        out,
                        "![{}]({})\n",
                        markdown_text(&image.caption),
                        image.path
                    );
                }
                Block::PageBreak => {}
            }
        }
        out
    }

    /// The document as one self-contained HTML page: each image's PNG
    /// bytes, as `image` finds them by path, are embedded; an image it does
    /// not find is named as missing.
    pub fn to_html<'i>(&self, image: impl Fn(&str) -> Option<&'i [u8]>) -> String {
        let title = escape(&self.title);
        let mut out = format!(
            "<!DOCTYPE html>\n<html lang=\"en-GB\">\n<head>\n<meta charset=\"utf-8\">\n\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
             <link rel=\"icon\" href=\"data:,\">\n<title>{title}</title>\n<style>{CSS}</style>\n</head>\n<body>\n<h1>{title}</h1>\n"
        );
        for block in &self.blocks {
            match block {
                Block::Heading(level, text) => {
                    let _ = writeln!(out, "<h{level}>{}</h{level}>", escape(text));
                }
                Block::Paragraph(text) => {
                    let _ = writeln!(out, "<p>{}</p>", html_inline(text));
                }
                Block::Bullets(items) => {
                    out.push_str("<ul>\n");
                    for item in items {
                        let _ = writeln!(out, "<li>{}</li>", html_inline(item));
                    }
                    out.push_str("</ul>\n");
                }
                Block::Table(t) => html_table(&mut out, t),
                Block::Image(i) => html_image(&mut out, i, image(&i.path)),
                Block::PageBreak => out.push_str("<div class=\"page-break\"></div>\n"),
            }
        }
        out.push_str("</body>\n</html>\n");
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stars_and_backticks_stay_literal() {
        let name = "a*b `c`";
        let doc = Document {
            title: name.into(),
            blocks: vec![
                Block::Paragraph(Inline::default().strong(name).text(" and ").code(name)),
                Block::Table(Table {
                    header: vec!["Plan".into()],
                    rows: vec![vec![name.into()]],
                }),
            ],
        };
        let html = doc.to_html(|_| None);
        assert!(html.contains("<strong>a*b `c`</strong> and <code>a*b `c`</code>"));
        assert!(html.contains("<td>a*b `c`</td>"));
        let md = doc.to_markdown();
        assert!(md.contains("**a\\*b \\`c\\`** and `` a*b `c` ``"), "{md}");
        assert!(md.contains("| a\\*b \\`c\\` |"), "{md}");
    }
}
