//! Section "Appendix: validation": what the validator says about the map.

use super::{Block, Context, Section};
use crate::model::{self, Severity};

/// Section "Appendix: validation": every problem with its severity, or a line saying none.
pub(super) fn validation(cx: &Context<'_>) -> Section {
    let problems = model::validate(cx.map);
    let blocks = if problems.is_empty() {
        vec![Block::Paragraph(
            "The validator found no problems in this map.".into(),
        )]
    } else {
        vec![Block::Bullets(
            problems
                .iter()
                .map(|p| {
                    format!(
                        "{}{}",
                        if p.severity == Severity::Error {
                            "Error: "
                        } else {
                            "Warning: "
                        },
                        p
                    )
                })
                .collect(),
        )]
    };
    Section {
        title: "Appendix: validation".into(),
        blocks,
    }
}
