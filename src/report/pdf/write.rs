//! The PDF writer: turns the laid-out pages into a krilla document with embedded, subset
//! fonts, real (selectable, searchable) text, page labels, the links of the table of contents
//! and the outline. The only file that talks to krilla.

use std::num::{NonZeroU16, NonZeroU32};

use krilla::Document;
use krilla::annotation::{Annotation, LinkAnnotation, Target};
use krilla::color::rgb;
use krilla::destination::XyzDestination;
use krilla::geom::{Path, PathBuilder, Point, Rect};
use krilla::metadata::{DateTime, Metadata};
use krilla::num::NormalizedF32;
use krilla::outline::{Outline, OutlineNode};
use krilla::page::{NumberingStyle, PageLabel, PageSettings};
use krilla::paint::{Fill, FillRule, LineCap, Stroke, StrokeDash};
use krilla::tagging::{
    Artifact, ArtifactType, ContentTag, SpanTag, TableHeaderScope, Tag, TagGroup, TagTree,
};
use krilla::text::{Font, TextDirection};

use super::{BOLD, Op, PageOps, PdfError, REGULAR, Role};
use crate::palette::Rgb;
use crate::report::diagram::Area;
use crate::report::handbook::Handbook;

/// Writes the pages as a PDF: `links` are the table-of-contents rectangles on the title page
/// (area, target page index); `section_pages` give the outline.
pub(super) fn write(
    pages: &[PageOps],
    handbook: &Handbook<'_>,
    section_pages: &[usize],
    links: &[(Area, usize)],
) -> Result<Vec<u8>, PdfError> {
    let regular = Font::new(REGULAR.into(), 0).ok_or(PdfError::Font)?;
    let bold = Font::new(BOLD.into(), 0).ok_or(PdfError::Font)?;
    let mut document = Document::new();
    let mut metadata = Metadata::new()
        .title(handbook.map.title.clone())
        .creator("Procmap".to_owned());
    let mut date = handbook
        .date
        .split('-')
        .filter_map(|p| p.parse::<u32>().ok());
    if let (Some(y), Some(m), Some(d)) = (date.next(), date.next(), date.next()) {
        if let (Ok(y), Ok(m), Ok(d)) = (u16::try_from(y), u8::try_from(m), u8::try_from(d)) {
            metadata = metadata.creation_date(DateTime::new(y).month(m).day(d));
        }
    }
    document.set_metadata(metadata);
    let mut tags = Tags::default();
    for (index, page_ops) in pages.iter().enumerate() {
        let settings = PageSettings::from_wh(page_ops.width, page_ops.height)
            .ok_or_else(|| PdfError::Write("bad page size".into()))?
            .with_page_label(PageLabel::new(
                Some(NumberingStyle::Arabic),
                None,
                NonZeroU32::new(u32::try_from(index + 1).unwrap_or(1)),
            ));
        let mut page = document.start_page_with(settings);
        let mut surface = page.surface();
        let mut clips = 0_usize;
        for op in &page_ops.ops {
            // Structure first: roles open and close groups of the tag tree.
            match op {
                Op::Begin(role) => {
                    tags.begin(role);
                    continue;
                }
                Op::End => {
                    tags.end();
                    continue;
                }
                Op::Clip(_) | Op::Unclip => {}
                Op::Text { text, .. } if text.is_empty() => continue,
                _ => {
                    let content = if matches!(op, Op::Text { .. }) {
                        ContentTag::Span(SpanTag::empty())
                    } else {
                        ContentTag::Other
                    };
                    tags.start(&mut surface, content);
                }
            }
            match op {
                Op::Text {
                    x,
                    y,
                    size,
                    bold: is_bold,
                    colour,
                    text,
                } => {
                    surface.set_stroke(None);
                    surface.set_fill(Some(fill(*colour)));
                    let font = if *is_bold {
                        bold.clone()
                    } else {
                        regular.clone()
                    };
                    surface.draw_text(
                        Point::from_xy(*x, *y),
                        font,
                        *size,
                        text,
                        false,
                        TextDirection::Auto,
                    );
                }
                Op::Rect {
                    area,
                    radius,
                    fill: f,
                    stroke: s,
                } => {
                    if let Some(path) = rounded_rect(*area, *radius) {
                        surface.set_fill(f.map(fill));
                        surface.set_stroke(s.map(|(c, w)| stroke(c, w, false)));
                        surface.draw_path(&path);
                    }
                }
                Op::Line {
                    a,
                    b,
                    colour,
                    width,
                    dashed,
                } => {
                    let mut pb = PathBuilder::new();
                    pb.move_to(a.0, a.1);
                    pb.line_to(b.0, b.1);
                    if let Some(path) = pb.finish() {
                        surface.set_fill(None);
                        surface.set_stroke(Some(stroke(*colour, *width, *dashed)));
                        surface.draw_path(&path);
                    }
                }
                Op::Curve {
                    points,
                    colour,
                    width,
                    dashed,
                } => {
                    let [a, b, c, d] = *points;
                    let mut pb = PathBuilder::new();
                    pb.move_to(a.0, a.1);
                    pb.cubic_to(b.0, b.1, c.0, c.1, d.0, d.1);
                    if let Some(path) = pb.finish() {
                        surface.set_fill(None);
                        surface.set_stroke(Some(stroke(*colour, *width, *dashed)));
                        surface.draw_path(&path);
                    }
                }
                Op::Triangle { points, colour } => {
                    let mut pb = PathBuilder::new();
                    pb.move_to(points[0].0, points[0].1);
                    pb.line_to(points[1].0, points[1].1);
                    pb.line_to(points[2].0, points[2].1);
                    pb.close();
                    if let Some(path) = pb.finish() {
                        surface.set_stroke(None);
                        surface.set_fill(Some(fill(*colour)));
                        surface.draw_path(&path);
                    }
                }
                Op::Clip(area) => {
                    if let Some(path) = rounded_rect(*area, 0.0) {
                        surface.push_clip_path(&path, &FillRule::NonZero);
                        clips += 1;
                    }
                }
                Op::Unclip => {
                    if clips > 0 {
                        surface.pop();
                        clips -= 1;
                    }
                }
                Op::Begin(_) | Op::End => {}
            }
            // Every drawing op opened marked content above, even a degenerate shape that drew
            // nothing: close it (krilla panics on nested marked content).
            if !matches!(op, Op::Clip(_) | Op::Unclip) {
                surface.end_tagged();
            }
        }
        // Every clip must be closed before the surface ends (krilla panics otherwise).
        for _ in 0..clips {
            surface.pop();
        }
        surface.finish();
        if index == 0 {
            for (area, target) in links {
                if *target >= pages.len() {
                    continue;
                }
                let Some(rect) = Rect::from_xywh(area.x, area.y, area.w, area.h) else {
                    continue;
                };
                let destination = XyzDestination::new(*target, Point::from_xy(0.0, 0.0));
                page.add_annotation(Annotation::new_link(
                    LinkAnnotation::new(rect, Target::Destination(destination.into())),
                    None,
                ));
            }
        }
        page.finish();
    }
    let mut outline = Outline::new();
    for (section, &page_index) in handbook.sections.iter().zip(section_pages) {
        outline.push_child(OutlineNode::new(
            section.title.clone(),
            XyzDestination::new(page_index, Point::from_xy(0.0, 0.0)),
        ));
    }
    document.set_outline(outline);
    document.set_tag_tree(tags.finish());
    document
        .finish()
        .map_err(|e| PdfError::Write(format!("{e:?}")))
}

/// Builds the tag tree while the pages are written: open roles on a stack, content marked
/// as part of the innermost leaf role or as an artifact.
#[derive(Default)]
struct Tags {
    tree: TagTree,
    /// Open roles: their group (none for artifacts) and whether content goes into them.
    open: Vec<(Option<TagGroup>, bool)>,
}

impl Tags {
    fn begin(&mut self, role: &Role) {
        let group = match role {
            Role::Heading(level) => Some(TagGroup::new(Tag::Hn(
                NonZeroU16::new(*level).unwrap_or(NonZeroU16::MIN),
                None,
            ))),
            Role::Paragraph => Some(TagGroup::new(Tag::P)),
            Role::Figure(alt) => Some(TagGroup::new(Tag::Figure(Some(alt.clone())))),
            Role::Table => Some(TagGroup::new(Tag::Table)),
            Role::Row => Some(TagGroup::new(Tag::TR)),
            Role::HeaderCell => Some(TagGroup::new(Tag::TH(TableHeaderScope::Column))),
            Role::Cell => Some(TagGroup::new(Tag::TD)),
            Role::Artifact => None,
        };
        self.open.push((group, role.is_leaf()));
    }

    fn end(&mut self) {
        let Some((group, _)) = self.open.pop() else {
            return;
        };
        if let Some(group) = group {
            self.attach(group);
        }
    }

    /// Adds a finished group to the innermost open group, or to the root. Empty groups are
    /// left out (a role whose drawing was all empty text).
    fn attach(&mut self, group: TagGroup) {
        if group.children.is_empty() {
            return;
        }
        let parent = self.open.iter_mut().rev().find_map(|(g, _)| g.as_mut());
        match parent {
            Some(parent) => parent.push(group),
            None => self.tree.push(group),
        }
    }

    /// Starts marked content: part of the innermost leaf role, else an artifact.
    fn start(&mut self, surface: &mut krilla::surface::Surface<'_>, content: ContentTag<'_>) {
        let leaf = match self.open.last_mut() {
            Some((Some(group), true)) => Some(group),
            _ => None,
        };
        match leaf {
            Some(group) => {
                let id = surface.start_tagged(content);
                group.push(id);
            }
            None => {
                surface.start_tagged(ContentTag::Artifact(Artifact::with_kind(
                    ArtifactType::Other,
                )));
            }
        }
    }

    fn finish(mut self) -> TagTree {
        while !self.open.is_empty() {
            self.end();
        }
        self.tree
    }
}

fn fill(colour: Rgb) -> Fill {
    Fill {
        paint: rgb::Color::new(colour.0, colour.1, colour.2).into(),
        opacity: NormalizedF32::ONE,
        rule: FillRule::NonZero,
    }
}

fn stroke(colour: Rgb, width: f32, dashed: bool) -> Stroke {
    Stroke {
        paint: rgb::Color::new(colour.0, colour.1, colour.2).into(),
        width,
        line_cap: LineCap::Round,
        dash: dashed.then(|| StrokeDash {
            array: vec![4.0 * width.max(0.6), 3.0 * width.max(0.6)],
            offset: 0.0,
        }),
        ..Stroke::default()
    }
}

fn rounded_rect(area: Area, r: f32) -> Option<Path> {
    let Area { x, y, w, h } = area;
    let mut pb = PathBuilder::new();
    if r <= 0.1 {
        pb.push_rect(Rect::from_xywh(x, y, w.max(0.01), h.max(0.01))?);
        return pb.finish();
    }
    let r = r.min(w / 2.0).min(h / 2.0);
    let k = 0.552_284_8 * r;
    pb.move_to(x + r, y);
    pb.line_to(x + w - r, y);
    pb.cubic_to(x + w - r + k, y, x + w, y + r - k, x + w, y + r);
    pb.line_to(x + w, y + h - r);
    pb.cubic_to(x + w, y + h - r + k, x + w - r + k, y + h, x + w - r, y + h);
    pb.line_to(x + r, y + h);
    pb.cubic_to(x + r - k, y + h, x, y + h - r + k, x, y + h - r);
    pb.line_to(x, y + r);
    pb.cubic_to(x, y + r - k, x + r - k, y, x + r, y);
    pb.close();
    pb.finish()
}
