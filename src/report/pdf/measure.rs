//! Text measuring for the layout: widths and word wrap, shaped with rustybuzz from the same
//! bundled fonts that krilla embeds, so what the layout measures is what the PDF prints.

use super::{BOLD, PdfError, REGULAR};

/// Text measuring with the same shaping krilla uses.
pub(super) struct Measure {
    regular: rustybuzz::Face<'static>,
    bold: rustybuzz::Face<'static>,
}

impl Measure {
    pub(super) fn new() -> Result<Self, PdfError> {
        Ok(Self {
            regular: rustybuzz::Face::from_slice(REGULAR, 0).ok_or(PdfError::Font)?,
            bold: rustybuzz::Face::from_slice(BOLD, 0).ok_or(PdfError::Font)?,
        })
    }

    #[allow(
        clippy::cast_precision_loss,
        reason = "glyph advances are small integers"
    )]
    pub(super) fn width(&self, text: &str, size: f32, bold: bool) -> f32 {
        let face = if bold { &self.bold } else { &self.regular };
        let mut buffer = rustybuzz::UnicodeBuffer::new();
        buffer.push_str(text);
        buffer.guess_segment_properties();
        let advance: i32 = rustybuzz::shape(face, &[], buffer)
            .glyph_positions()
            .iter()
            .map(|p| p.x_advance)
            .sum();
        advance as f32 / face.units_per_em() as f32 * size
    }

    /// Greedy word wrap to `width`; words longer than a line are broken by characters.
    pub(super) fn wrap(&self, text: &str, width: f32, size: f32, bold: bool) -> Vec<String> {
        let mut lines = Vec::new();
        for paragraph in text.split('\n') {
            let mut line = String::new();
            for word in paragraph.split_whitespace() {
                let candidate = if line.is_empty() {
                    word.to_owned()
                } else {
                    format!("{line} {word}")
                };
                if self.width(&candidate, size, bold) <= width {
                    line = candidate;
                    continue;
                }
                if !line.is_empty() {
                    lines.push(std::mem::take(&mut line));
                }
                if self.width(word, size, bold) <= width {
                    word.clone_into(&mut line);
                } else {
                    let mut piece = String::new();
                    for c in word.chars() {
                        piece.push(c);
                        if self.width(&piece, size, bold) > width && piece.chars().count() > 1 {
                            piece.pop();
                            lines.push(std::mem::take(&mut piece));
                            piece.push(c);
                        }
                    }
                    line = piece;
                }
            }
            lines.push(line);
        }
        lines
    }
}
