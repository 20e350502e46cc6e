//! The page furniture: the title page with its facts and linked table of contents, and the
//! running header (map title, section) and footer (page number, date) of every other page.

use super::measure::Measure;
use super::{MARGIN, Op, PageOps, Role};
use crate::model::FORMAT_VERSION;
use crate::palette;
use crate::report::diagram::{Area, fit_text};
use crate::report::format::percent_whole;
use crate::report::handbook::{Handbook, counts};

/// The title page with its table of contents; returns the link rectangles (area, page index).
pub(super) fn title_page(
    pages: &mut [PageOps],
    handbook: &Handbook<'_>,
    section_pages: &[usize],
    measure: &Measure,
) -> Vec<(Area, usize)> {
    let Some(page) = pages.first_mut() else {
        return Vec::new();
    };
    let width = page.width - 2.0 * MARGIN;
    let map = handbook.map;
    let mut y = 120.0;
    page.ops.push(Op::Rect {
        area: Area {
            x: 0.0,
            y: 0.0,
            w: page.width,
            h: 14.0,
        },
        radius: 0.0,
        fill: Some(palette::PARALLEL),
        stroke: None,
    });
    page.ops.push(Op::Text {
        x: MARGIN,
        y: 90.0,
        size: 11.0,
        bold: true,
        colour: palette::PARALLEL,
        text: "PROCESS HANDBOOK".into(),
    });
    for line in measure.wrap(&map.title, width, 28.0, true) {
        page.ops.push(Op::Text {
            x: MARGIN,
            y: y + 22.0,
            size: 28.0,
            bold: true,
            colour: palette::INK,
            text: line,
        });
        y += 36.0;
    }
    y += 10.0;
    for line in measure.wrap(&map.description, width, 12.0, false) {
        page.ops.push(Op::Text {
            x: MARGIN,
            y: y + 12.0,
            size: 12.0,
            bold: false,
            colour: palette::INK,
            text: line,
        });
        y += 17.0;
    }
    y += 20.0;
    let (steps, owners, services) = counts(map);
    let mut facts = vec![
        ("Date", handbook.date.clone()),
        (
            "File format",
            format!("Procmap map format {FORMAT_VERSION}"),
        ),
        (
            "Contents",
            format!(
                "{steps} steps, {owners} owners, {services} services, {} flows",
                map.flows.len()
            ),
        ),
    ];
    if let Some(sla) = &map.sla {
        facts.push((
            "End-to-end SLA",
            format!("{} for {} of cases", sla.target, percent_whole(sla.within)),
        ));
    }
    if handbook.results.is_some() {
        facts.push((
            "Simulation",
            "results included (section Simulation results)".to_owned(),
        ));
    }
    for (label, value) in facts {
        page.ops.push(Op::Text {
            x: MARGIN,
            y: y + 10.0,
            size: 10.0,
            bold: true,
            colour: palette::MUTED,
            text: label.to_owned(),
        });
        page.ops.push(Op::Text {
            x: MARGIN + 110.0,
            y: y + 10.0,
            size: 10.0,
            bold: false,
            colour: palette::INK,
            text: value,
        });
        y += 16.0;
    }
    y += 30.0;
    page.ops.push(Op::Text {
        x: MARGIN,
        y: y + 16.0,
        size: 16.0,
        bold: true,
        colour: palette::INK,
        text: "Contents".into(),
    });
    y += 30.0;
    let mut links = Vec::new();
    for (i, section) in handbook.sections.iter().enumerate() {
        let target = section_pages.get(i).copied().unwrap_or(0);
        let label = format!("{}. {}", i + 1, section.title);
        let number = (target + 1).to_string();
        let nw = measure.width(&number, 11.0, false);
        let lw = measure.width(&label, 11.0, false);
        page.ops.push(Op::Text {
            x: MARGIN,
            y: y + 11.0,
            size: 11.0,
            bold: false,
            colour: palette::INK,
            text: label,
        });
        page.ops.push(Op::Line {
            a: (MARGIN + lw + 6.0, y + 10.0),
            b: (MARGIN + width - nw - 6.0, y + 10.0),
            colour: palette::RULE,
            width: 0.8,
            dashed: true,
        });
        page.ops.push(Op::Text {
            x: MARGIN + width - nw,
            y: y + 11.0,
            size: 11.0,
            bold: false,
            colour: palette::INK,
            text: number,
        });
        links.push((
            Area {
                x: MARGIN,
                y,
                w: width,
                h: 15.0,
            },
            target,
        ));
        y += 19.0;
    }
    page.ops = tag_title_page(std::mem::take(&mut page.ops));
    links
}

/// Adds the running header (map title, section) and footer (page number, date) to every page
/// but the title page.
pub(super) fn running_heads(pages: &mut [PageOps], handbook: &Handbook<'_>, measure: &Measure) {
    let total = pages.len();
    let title = handbook.map.title.clone();
    for (index, page) in pages.iter_mut().enumerate().skip(1) {
        let section = page
            .section
            .and_then(|s| handbook.sections.get(s))
            .map(|s| s.title.clone())
            .unwrap_or_default();
        let (w, h) = (page.width, page.height);
        // Page furniture, even when a paragraph or table runs on to the next page.
        page.ops.push(Op::Begin(Role::Artifact));
        let right = section.clone();
        let rw = measure.width(&right, 8.5, false);
        page.ops.push(Op::Text {
            x: MARGIN,
            y: MARGIN + 8.5,
            size: 8.5,
            bold: true,
            colour: palette::MUTED,
            text: fit_text(&title, w / 2.0, |t| measure.width(t, 8.5, true)),
        });
        page.ops.push(Op::Text {
            x: w - MARGIN - rw,
            y: MARGIN + 8.5,
            size: 8.5,
            bold: false,
            colour: palette::MUTED,
            text: right,
        });
        page.ops.push(Op::Line {
            a: (MARGIN, MARGIN + 14.0),
            b: (w - MARGIN, MARGIN + 14.0),
            colour: palette::RULE,
            width: 0.5,
            dashed: false,
        });
        let footer = format!("Page {} of {total}", index + 1);
        let fw = measure.width(&footer, 8.5, false);
        page.ops.push(Op::Text {
            x: (w - fw) / 2.0,
            y: h - MARGIN + 4.0,
            size: 8.5,
            bold: false,
            colour: palette::MUTED,
            text: footer,
        });
        let date_w = measure.width(&handbook.date, 8.5, false);
        page.ops.push(Op::Text {
            x: w - MARGIN - date_w,
            y: h - MARGIN + 4.0,
            size: 8.5,
            bold: false,
            colour: palette::MUTED,
            text: handbook.date.clone(),
        });
        page.ops.push(Op::End);
    }
}

/// Tags the title page for the accessible PDF: the title as the top heading, every other
/// line of text as a paragraph (in drawing order, which is reading order here); bands and
/// rules stay artifacts.
fn tag_title_page(ops: Vec<Op>) -> Vec<Op> {
    let mut tagged = Vec::with_capacity(ops.len() * 3);
    let mut in_title = false;
    for op in ops {
        let title_line = matches!(&op, Op::Text { size, .. } if *size >= 20.0);
        let text = matches!(&op, Op::Text { .. });
        if in_title && !title_line {
            tagged.push(Op::End);
            in_title = false;
        }
        if title_line {
            if !in_title {
                tagged.push(Op::Begin(Role::Heading(1)));
                in_title = true;
            }
            tagged.push(op);
        } else if text {
            tagged.push(Op::Begin(Role::Paragraph));
            tagged.push(op);
            tagged.push(Op::End);
        } else {
            tagged.push(op);
        }
    }
    if in_title {
        tagged.push(Op::End);
    }
    tagged
}
