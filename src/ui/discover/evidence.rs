//! The "As-is evidence" window: the headline of the import, Compare with the log, and a tab
//! each for the variants, the activities (with their fitted work times), the owners found,
//! the handover network, the comparison's measures and the notes.

use egui::{RichText, Ui};
use egui_extras::{Column, TableBuilder};

use super::network::{self, Network};
use super::{DiscoverPanel, Evidence};
use crate::analysis::discover::{Fit, Verdict};
use crate::model::ProcessMap;
use crate::report::discover::{arrivals_text, fit_text, headline, hours_text};
use crate::report::format::{hours, percent};
use crate::ui::theme;

/// Resource pairs drawn in the people network (the most frequent).
pub const PEOPLE_PAIRS: usize = 24;
/// Height of a table row.
const ROW: f32 = 20.0;

/// The tabs of the evidence window.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum EvidenceTab {
    /// The most frequent variants.
    #[default]
    Variants,
    /// Per activity: frequency, work times and their fit.
    Activities,
    /// The owners (teams) found.
    Owners,
    /// Who passes work to whom.
    Handovers,
    /// The map simulated and compared with the log.
    Check,
    /// How things were read and estimated.
    Notes,
}

impl EvidenceTab {
    /// Every tab, in order.
    pub const ALL: [Self; 6] = [
        Self::Variants,
        Self::Activities,
        Self::Owners,
        Self::Handovers,
        Self::Check,
        Self::Notes,
    ];

    /// The tab's label.
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Self::Variants => "Variants",
            Self::Activities => "Activities",
            Self::Owners => "Owners",
            Self::Handovers => "Handovers",
            Self::Check => "Check against the log",
            Self::Notes => "Notes",
        }
    }
}

impl DiscoverPanel {
    /// The evidence window, when shown; `map` and `revision` are the current document's (for
    /// Compare with the log). Returns the step to select when the user clicks an activity.
    pub fn evidence_ui(
        &mut self,
        ctx: &egui::Context,
        map: &ProcessMap,
        revision: u64,
    ) -> Option<String> {
        if !self.show_evidence || self.evidence.is_none() {
            return None;
        }
        let mut open = true;
        let mut clicked = None;
        // Bottom right, over the inspector and the problems rather than the map's middle.
        let size = egui::vec2(840.0, 560.0);
        let corner = (ctx.content_rect().right_bottom() - size - egui::vec2(12.0, 40.0))
            .max(egui::pos2(0.0, 30.0));
        egui::Window::new("As-is evidence")
            .id(egui::Id::new("as-is-evidence"))
            .open(&mut open)
            .default_pos(corner)
            .default_size(size)
            .show(ctx, |ui| clicked = self.contents_ui(ui, map, revision));
        if !open {
            self.show_evidence = false;
        }
        clicked
    }

    fn contents_ui(&mut self, ui: &mut Ui, map: &ProcessMap, revision: u64) -> Option<String> {
        let evidence = self.evidence.as_ref()?;
        ui.label(headline(&evidence.discovery));
        let checked = evidence
            .checked
            .as_ref()
            .map(|c| (c.comparison.line.clone(), c.comparison.verdict, c.revision));
        ui.horizontal_wrapped(|ui| {
            if let Some((fraction, text)) = self.compare_progress() {
                ui.add(
                    egui::ProgressBar::new(fraction)
                        .text(text)
                        .desired_width(320.0),
                );
                if ui.button("Cancel").clicked() {
                    self.cancel_compare();
                }
            } else if ui
                .button(RichText::new("Compare with the log").strong())
                .on_hover_text(
                    "Simulate the current map (with your edits) for as many cases as the log \
                     has and compare cycle times, activity frequencies and arrivals",
                )
                .clicked()
            {
                self.start_compare(map, revision);
            }
            if let Some((line, verdict, checked_revision)) = &checked {
                ui.label(RichText::new(line).color(verdict_colour(*verdict)));
                if *checked_revision != revision {
                    ui.label(RichText::new("(the map changed since: compare again)").weak());
                }
            }
        });
        if let Some(message) = &self.compare_message {
            ui.label(RichText::new(message).color(theme::WARNING));
        }
        ui.separator();
        ui.horizontal(|ui| {
            for tab in EvidenceTab::ALL {
                if ui.selectable_label(self.tab == tab, tab.label()).clicked() {
                    self.tab = tab;
                }
            }
        });
        ui.separator();
        let evidence = self.evidence.as_ref()?;
        let mut clicked = None;
        let people = &mut self.people;
        egui::ScrollArea::vertical()
            .id_salt("evidence-scroll")
            .auto_shrink([false, false])
            .show(ui, |ui| match self.tab {
                EvidenceTab::Variants => variants_ui(ui, evidence),
                EvidenceTab::Activities => clicked = activities_ui(ui, evidence, map),
                EvidenceTab::Owners => owners_ui(ui, evidence),
                EvidenceTab::Handovers => handovers_ui(ui, evidence, map, people),
                EvidenceTab::Check => check_ui(ui, evidence, revision),
                EvidenceTab::Notes => notes_ui(ui, evidence),
            });
        clicked
    }
}

fn verdict_colour(verdict: Verdict) -> egui::Color32 {
    match verdict {
        Verdict::Matches => theme::GOOD,
        Verdict::Roughly => theme::WARNING,
        Verdict::Differs => theme::ERROR,
    }
}

fn table<'a>(ui: &'a mut Ui, id: &str) -> TableBuilder<'a> {
    TableBuilder::new(ui)
        .id_salt(id)
        .striped(true)
        .vscroll(false)
        .cell_layout(egui::Layout::left_to_right(egui::Align::Center))
}

fn head(ui: &mut Ui, text: &str) {
    ui.strong(text);
}

fn number(ui: &mut Ui, text: impl Into<String>) {
    ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
        ui.label(text.into());
    });
}

fn variants_ui(ui: &mut Ui, evidence: &Evidence) {
    let summary = &evidence.discovery.summary;
    let listed = evidence.discovery.variants.len();
    ui.label(format!(
        "{} variants; the {} most frequent ({} of the cases) shape the map.{}",
        summary.variants,
        summary.kept_variants,
        percent(fraction(summary.kept_cases, summary.cases)),
        if listed < summary.variants {
            format!(" The {listed} most frequent are listed.")
        } else {
            String::new()
        }
    ));
    ui.add_space(4.0);
    table(ui, "evidence-variants")
        .column(Column::exact(28.0))
        .column(Column::exact(64.0))
        .column(Column::exact(56.0))
        .column(Column::exact(84.0))
        .column(Column::exact(92.0))
        .column(Column::remainder().at_least(200.0).clip(true))
        .header(ROW, |mut row| {
            for label in ["#", "cases", "share", "mean cycle", "", "activities"] {
                row.col(|ui| head(ui, label));
            }
        })
        .body(|body| {
            body.rows(ROW, evidence.discovery.variants.len(), |mut row| {
                let k = row.index();
                let Some(v) = evidence.discovery.variants.get(k) else {
                    return;
                };
                row.col(|ui| number(ui, format!("{}", k + 1)));
                row.col(|ui| number(ui, v.cases.to_string()));
                row.col(|ui| number(ui, percent(v.share)));
                row.col(|ui| number(ui, hours(v.mean_cycle_hours)));
                row.col(|ui| {
                    if !v.kept {
                        ui.label(
                            RichText::new("not in the map")
                                .color(theme::WARNING)
                                .small(),
                        );
                    }
                });
                row.col(|ui| {
                    let chain = v.activities.join(" › ");
                    ui.add(egui::Label::new(&chain).truncate())
                        .on_hover_text(format!("{} activities: {chain}", v.activities.len()));
                });
            });
        });
    if !summary.left_out.is_empty() {
        ui.add_space(6.0);
        ui.label(
            RichText::new(format!(
                "Left out of the map (only in rarer variants): {}",
                summary.left_out.join(", ")
            ))
            .color(theme::WARNING),
        );
    }
}

fn candidates_text(fit: &Fit) -> String {
    let mut lines = vec![format!(
        "Fitted {} to {} work times (mean {}): {}",
        fit.dist.kind().label(),
        fit.n,
        hours(fit.mean_hours),
        fit.dist.summary()
    )];
    lines.push("Kolmogorov-Smirnov distance of each candidate (smaller fits better):".to_owned());
    let mut candidates = fit.candidates.clone();
    candidates.sort_by(|a, b| a.ks.total_cmp(&b.ks));
    for c in &candidates {
        let chosen = if c.dist.kind() == fit.dist.kind() {
            "  (chosen)"
        } else {
            ""
        };
        lines.push(format!(
            "  {:<12} {:.3}{chosen}",
            c.dist.kind().label(),
            c.ks
        ));
    }
    lines.join("\n")
}

fn activities_ui(ui: &mut Ui, evidence: &Evidence, map: &ProcessMap) -> Option<String> {
    ui.label(
        "Per activity, most frequent first. Hover a fit for the other candidates; click an \
         activity to find its step on the map.",
    );
    ui.add_space(4.0);
    let rows = &evidence.discovery.activities;
    let mut clicked = None;
    table(ui, "evidence-activities")
        .column(
            Column::initial(200.0)
                .at_least(120.0)
                .clip(true)
                .resizable(true),
        )
        .column(Column::exact(64.0))
        .column(Column::exact(64.0))
        .column(Column::exact(64.0))
        .column(Column::exact(64.0))
        .column(
            Column::initial(170.0)
                .at_least(120.0)
                .clip(true)
                .resizable(true),
        )
        .column(Column::remainder().at_least(100.0).clip(true))
        .header(ROW, |mut row| {
            for label in [
                "activity",
                "events",
                "per case",
                "median",
                "p90",
                "work time fit",
                "owner",
            ] {
                row.col(|ui| head(ui, label));
            }
        })
        .body(|body| {
            body.rows(ROW, rows.len(), |mut row| {
                let Some(a) = rows.get(row.index()) else {
                    return;
                };
                row.col(|ui| match &a.step {
                    Some(step) if map.nodes.contains_key(step) => {
                        if ui
                            .selectable_label(false, &a.name)
                            .on_hover_text("Show its step on the map")
                            .clicked()
                        {
                            clicked = Some(step.clone());
                        }
                    }
                    Some(_) => {
                        ui.label(&a.name);
                    }
                    None => {
                        ui.label(RichText::new(&a.name).color(theme::WARNING))
                            .on_hover_text("Not in the map (only in rarer variants)");
                    }
                });
                row.col(|ui| number(ui, a.events.to_string()));
                row.col(|ui| number(ui, format!("{:.3}", a.per_case)));
                let (p50, p90) = a
                    .work
                    .as_ref()
                    .map_or(("-".to_owned(), "-".to_owned()), |f| {
                        (hours(f.p50_hours), hours(f.p90_hours))
                    });
                row.col(|ui| number(ui, p50));
                row.col(|ui| number(ui, p90));
                row.col(|ui| {
                    let response = ui.add(egui::Label::new(fit_text(a.work.as_ref())).truncate());
                    if let Some(fit) = &a.work {
                        response.on_hover_text(RichText::new(candidates_text(fit)).monospace());
                    }
                });
                row.col(|ui| {
                    ui.label(a.owner.as_deref().unwrap_or("-"));
                });
            });
        });
    clicked
}

fn owners_ui(ui: &mut Ui, evidence: &Evidence) {
    let teams = &evidence.discovery.teams;
    if teams.is_empty() {
        ui.label("The log names no resources: no owners were found; every step is a pure delay.");
        return;
    }
    ui.label(
        "Resources that do the same activities form an owner. Capacity: the most people of the \
         owner at work at the same time; per week: people at work in a median week.",
    );
    ui.add_space(4.0);
    table(ui, "evidence-owners")
        .column(
            Column::initial(180.0)
                .at_least(120.0)
                .clip(true)
                .resizable(true),
        )
        .column(Column::exact(60.0))
        .column(Column::exact(64.0))
        .column(Column::exact(64.0))
        .column(Column::remainder().at_least(200.0).clip(true))
        .header(ROW, |mut row| {
            for label in ["owner", "people", "capacity", "per week", "hours"] {
                row.col(|ui| head(ui, label));
            }
        })
        .body(|body| {
            body.rows(ROW, teams.len(), |mut row| {
                let k = row.index();
                let Some((_, team)) = teams.get(k) else {
                    return;
                };
                row.col(|ui| {
                    ui.label(&team.name);
                });
                row.col(|ui| {
                    let names = evidence
                        .people
                        .get(k)
                        .map_or_else(String::new, |p| p.join(", "));
                    ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                        ui.label(team.resources.len().to_string())
                            .on_hover_text(names);
                    });
                });
                row.col(|ui| number(ui, team.capacity.to_string()));
                row.col(|ui| number(ui, team.per_week.to_string()));
                row.col(|ui| {
                    let text = hours_text(team);
                    ui.add(egui::Label::new(&text).truncate())
                        .on_hover_text(text);
                });
            });
        });
}

fn handovers_ui(ui: &mut Ui, evidence: &Evidence, map: &ProcessMap, people: &mut bool) {
    ui.horizontal(|ui| {
        ui.label("Who passes work to whom:");
        ui.radio_value(people, false, "Owners");
        ui.radio_value(
            people,
            true,
            format!("People (the {PEOPLE_PAIRS} most frequent pairs)"),
        );
    });
    let d = &evidence.discovery;
    let net = if *people {
        Network::of_people(
            &d.resource_handovers,
            PEOPLE_PAIRS,
            &d.teams,
            &evidence.people,
            map,
        )
    } else {
        Network::of_owners(&d.owner_handovers, &d.teams, map)
    };
    if net.edges.is_empty() {
        ui.label(RichText::new("No work passed between different owners or people.").weak());
        return;
    }
    let height: f32 = match net.nodes.len() {
        0..=3 => 260.0,
        4..=8 => 400.0,
        _ => 520.0,
    };
    // As tall as the visible part of the tab allows (the tables scroll below it).
    let visible = ui.clip_rect().bottom() - ui.cursor().top() - 8.0;
    network::draw(ui, &net, height.min(visible).max(240.0));
    ui.label(
        RichText::new(
            "Arrow width grows with the count; labels: how often, and the median wait from one's \
             completion to the other's start.",
        )
        .weak(),
    );
    ui.add_space(4.0);
    let rows = if *people {
        &d.resource_handovers
    } else {
        &d.owner_handovers
    };
    table(
        ui,
        if *people {
            "evidence-people-handovers"
        } else {
            "evidence-owner-handovers"
        },
    )
    .column(
        Column::initial(200.0)
            .at_least(120.0)
            .clip(true)
            .resizable(true),
    )
    .column(
        Column::initial(200.0)
            .at_least(120.0)
            .clip(true)
            .resizable(true),
    )
    .column(Column::exact(70.0))
    .column(Column::remainder().at_least(90.0))
    .header(ROW, |mut row| {
        for label in ["from", "to", "count", "median wait"] {
            row.col(|ui| head(ui, label));
        }
    })
    .body(|body| {
        body.rows(ROW, rows.len(), |mut row| {
            let Some(h) = rows.get(row.index()) else {
                return;
            };
            row.col(|ui| {
                ui.label(&h.from);
            });
            row.col(|ui| {
                ui.label(&h.to);
            });
            row.col(|ui| number(ui, h.count.to_string()));
            row.col(|ui| {
                ui.label(hours(h.median_delay_hours));
            });
        });
    });
}

fn check_ui(ui: &mut Ui, evidence: &Evidence, revision: u64) {
    let Some(checked) = &evidence.checked else {
        ui.label(
            RichText::new(
                "Compare with the log simulates the current map and compares its cycle times, \
                 activity frequencies per case and arrivals by hour of the week with the log's.",
            )
            .weak(),
        );
        return;
    };
    let c = &checked.comparison;
    ui.label(
        RichText::new(&c.line)
            .strong()
            .color(verdict_colour(c.verdict)),
    );
    if checked.revision != revision {
        ui.label(
            RichText::new("The map changed since this comparison: compare again.")
                .color(theme::WARNING),
        );
    }
    ui.label(format!(
        "Earth mover's distance between the cycle-time distributions: {}.",
        hours(c.emd_hours)
    ));
    ui.add_space(4.0);
    table(ui, "evidence-measures")
        .column(
            Column::initial(260.0)
                .at_least(160.0)
                .clip(true)
                .resizable(true),
        )
        .column(Column::exact(80.0))
        .column(Column::exact(80.0))
        .column(Column::exact(80.0))
        .column(Column::exact(80.0))
        .column(Column::remainder().at_least(40.0))
        .header(ROW, |mut row| {
            for label in ["measure", "log", "map", "distance", "tolerance", ""] {
                row.col(|ui| head(ui, label));
            }
        })
        .body(|body| {
            body.rows(ROW, c.measures.len(), |mut row| {
                let Some(m) = c.measures.get(row.index()) else {
                    return;
                };
                row.col(|ui| {
                    ui.label(&m.name);
                });
                row.col(|ui| number(ui, figure(m.log)));
                row.col(|ui| number(ui, figure(m.model)));
                row.col(|ui| number(ui, format!("{:.3}", m.distance)));
                row.col(|ui| number(ui, format!("{:.3}", m.tolerance)));
                row.col(|ui| {
                    if m.ok() {
                        ui.label(RichText::new("ok").color(theme::GOOD).strong());
                    } else {
                        ui.label(RichText::new("off").color(theme::ERROR).strong());
                    }
                });
            });
        });
}

fn notes_ui(ui: &mut Ui, evidence: &Evidence) {
    let r = &evidence.report;
    ui.strong("Reading");
    ui.label(format!(
        "{}: {} rows, {} events, {} bad rows left out. Timestamps: {}.",
        evidence.source.display(),
        r.rows,
        r.events,
        r.bad_rows,
        r.timestamp_format
    ));
    let columns: Vec<String> = super::Slot::ALL
        .iter()
        .filter_map(|s| {
            s.get(&r.columns)
                .as_deref()
                .filter(|n| !n.is_empty())
                .map(|n| format!("{} \"{n}\"", s.short()))
        })
        .collect();
    ui.label(format!("Columns used: {}.", columns.join(", ")));
    for line in evidence.warnings() {
        ui.label(RichText::new(line).color(theme::WARNING));
    }
    ui.add_space(6.0);
    ui.strong("Arrivals");
    ui.label(format!("{}.", arrivals_text(&evidence.discovery.arrivals)));
    if !evidence.discovery.notes.is_empty() {
        ui.add_space(6.0);
        ui.strong("How things were estimated");
        for note in &evidence.discovery.notes {
            ui.label(note);
        }
    }
}

/// A measured value: three significant decimals for small values.
fn figure(x: f64) -> String {
    if x.abs() >= 100.0 {
        format!("{x:.1}")
    } else {
        format!("{x:.3}")
    }
}

#[allow(clippy::cast_precision_loss, reason = "counts")]
fn fraction(a: usize, b: usize) -> f64 {
    a as f64 / b.max(1) as f64
}
