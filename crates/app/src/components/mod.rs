//! Shared UI pieces, written once and used by every scene: controls, chart, event log, live region, layout, sharing.

mod announcer;
mod caption_strip;
mod chart;
pub mod chart_model;
mod collapsible;
mod diagram_text;
mod embed_title;
mod event_log;
mod fork_panel;
mod layout;
mod measured_width;
mod message_inspector;
mod player_controls;
mod preset_picker;
mod refused_notice;
mod setting_field;
mod share_panel;
mod stats_grid;
mod timeline;
pub mod token_layer;
mod why_panel;

use std::sync::atomic::{AtomicU32, Ordering};

pub use announcer::Announcer;
pub use caption_strip::CaptionStrip;
pub use chart::{Series, TimeSeriesChart};
pub use collapsible::Collapsible;
pub use diagram_text::{pace_of, paced, parts_line, Pace};
pub use embed_title::EmbedTitle;
pub use event_log::{log_entries, log_entries_by, EventLog, LogEntry};
pub use fork_panel::{ForkChoice, ForkPanel};
pub use layout::{LayoutControls, LayoutDiagram, LayoutHeader, LayoutMetrics, PlaygroundLayout};
pub use measured_width::{measured_width, Stage, NARROWEST};
pub use message_inspector::{HistoryStep, InspectorHint, MessageInspector};
pub use player_controls::{PlayerControls, PlayerState};
pub use preset_picker::PresetPicker;
pub use refused_notice::RefusedNotice;
pub use setting_field::{CheckField, SelectField, SettingField};
pub use share_panel::{LinkNotices, ScenarioFile, ShareLinks, SharePanel};
pub use stats_grid::StatsGrid;
pub use timeline::{Timeline, TimelineView};
pub use token_layer::{token_group, Token};
pub use why_panel::{WhyPanel, WhyView};

/// Text safe in markup, as element content or inside a double-quoted attribute. Parts of the
/// page written as markup (charts, the SNS columns) show names the reader typed.
pub fn escape_markup(text: &str) -> String {
    text.replace('&', "&amp;").replace('"', "&quot;").replace('<', "&lt;").replace('>', "&gt;")
}

/// A document-unique element id such as `seed-3`, for `for=`/`aria-describedby` pairs in reusable components.
pub fn unique_id(prefix: &str) -> String {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    format!("{prefix}-{}", NEXT.fetch_add(1, Ordering::Relaxed))
}
