//! Users' free-text notes (Markdown-lite: paragraphs and "- " lists) turned into blocks, so
//! that every writer renders notes the same way.

use super::Block;

/// Splits Markdown-lite notes into paragraphs and bullet lists (emphasis markers removed).
#[must_use]
pub fn notes_blocks(notes: &str) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut paragraph = String::new();
    let mut bullets: Vec<String> = Vec::new();
    let clean = |s: &str| s.replace("**", "").replace('`', "");
    let flush = |paragraph: &mut String, bullets: &mut Vec<String>, blocks: &mut Vec<Block>| {
        if !paragraph.trim().is_empty() {
            blocks.push(Block::Paragraph(paragraph.trim().to_owned()));
        }
        paragraph.clear();
        if !bullets.is_empty() {
            blocks.push(Block::Bullets(std::mem::take(bullets)));
        }
    };
    for line in notes.lines() {
        let trimmed = line.trim();
        if let Some(item) = trimmed
            .strip_prefix("- ")
            .or_else(|| trimmed.strip_prefix("* "))
        {
            if !paragraph.trim().is_empty() {
                blocks.push(Block::Paragraph(paragraph.trim().to_owned()));
                paragraph.clear();
            }
            bullets.push(clean(item));
        } else if trimmed.is_empty() {
            flush(&mut paragraph, &mut bullets, &mut blocks);
        } else {
            if !bullets.is_empty() {
                blocks.push(Block::Bullets(std::mem::take(&mut bullets)));
            }
            if !paragraph.is_empty() {
                paragraph.push(' ');
            }
            paragraph.push_str(&clean(trimmed.trim_start_matches('#').trim()));
        }
    }
    flush(&mut paragraph, &mut bullets, &mut blocks);
    blocks
}
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notes_become_paragraphs_and_lists() {
        let blocks =
            notes_blocks("Key the order:\n- check **master** data\n- confirm prices\n\nThen save.");
        assert_eq!(
            blocks,
            vec![
                Block::Paragraph("Key the order:".into()),
                Block::Bullets(vec!["check master data".into(), "confirm prices".into()]),
                Block::Paragraph("Then save.".into()),
            ]
        );
    }
}
