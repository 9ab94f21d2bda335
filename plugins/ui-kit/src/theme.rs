//! The dark Vernis look: a palette and [`apply`], which installs it on an egui context.

use egui::{Color32, CornerRadius, Stroke, Theme, Vec2};

/// Window background.
pub const BG: Color32 = Color32::from_rgb(0x11, 0x13, 0x17);
/// Background of tiles, panels and graphs.
pub const PANEL: Color32 = Color32::from_rgb(0x1a, 0x1d, 0x23);
/// Background of interactive widgets (buttons, combo boxes).
pub const WIDGET: Color32 = Color32::from_rgb(0x26, 0x2a, 0x32);
/// Background of hovered widgets.
pub const WIDGET_HOVER: Color32 = Color32::from_rgb(0x31, 0x36, 0x40);
/// Thin outlines and grid lines.
pub const LINE: Color32 = Color32::from_rgb(0x2c, 0x31, 0x3a);
/// Stronger grid lines (e.g. every 6 LU).
pub const GRID_STRONG: Color32 = Color32::from_rgb(0x3a, 0x40, 0x4b);
/// Main text.
pub const TEXT: Color32 = Color32::from_rgb(0xe6, 0xe8, 0xeb);
/// Secondary text: labels, units, axis legends.
pub const TEXT_DIM: Color32 = Color32::from_rgb(0x8b, 0x92, 0x9c);
/// Accent (selection, active buttons).
pub const ACCENT: Color32 = Color32::from_rgb(0x4f, 0x9c, 0xf7);
/// Momentary loudness series.
pub const MOMENTARY: Color32 = Color32::from_rgb(0x5c, 0xc8, 0xff);
/// Short-term loudness series.
pub const SHORT_TERM: Color32 = Color32::from_rgb(0xff, 0xb3, 0x4d);
/// Integrated loudness.
pub const INTEGRATED: Color32 = Color32::from_rgb(0xf2, 0xf4, 0xf7);
/// Target lines and the "on target" state.
pub const TARGET: Color32 = Color32::from_rgb(0x9a, 0xe6, 0xb4);
/// "Pass" / in range.
pub const GOOD: Color32 = Color32::from_rgb(0x4c, 0xd0, 0x7d);
/// "Close" / attention.
pub const WARN: Color32 = Color32::from_rgb(0xf2, 0xc1, 0x4e);
/// "Fail" / over the ceiling.
pub const BAD: Color32 = Color32::from_rgb(0xff, 0x5f, 0x57);

/// Gain reduction (meters and history of dynamics processors).
pub const GAIN_REDUCTION: Color32 = Color32::from_rgb(0xef, 0x5d, 0x7a);
/// Input level trace of a dynamics processor.
pub const LEVEL_IN: Color32 = Color32::from_rgb(0xb4, 0xbe, 0xcc);
/// Output level trace of a dynamics processor.
pub const LEVEL_OUT: Color32 = Color32::from_rgb(0x5c, 0xc8, 0xff);

/// One colour per band of a multiband processor or EQ, lowest band first.
pub const BAND_COLORS: [Color32; 6] = [
    Color32::from_rgb(0xff, 0x7a, 0x59),
    Color32::from_rgb(0xf2, 0xc1, 0x4e),
    Color32::from_rgb(0x7d, 0xd8, 0x6f),
    Color32::from_rgb(0x4f, 0xc9, 0xd9),
    Color32::from_rgb(0x6f, 0x8c, 0xff),
    Color32::from_rgb(0xc4, 0x7d, 0xf2),
];

/// Spectrum of a processor's input.
pub const SPECTRUM_IN: Color32 = Color32::from_rgb(0x6b, 0x73, 0x80);
/// Spectrum of a processor's output.
pub const SPECTRUM_OUT: Color32 = Color32::from_rgb(0x5c, 0xc8, 0xff);
/// Spectrum of a processor's sidechain input.
pub const SPECTRUM_SIDECHAIN: Color32 = Color32::from_rgb(0xf2, 0x9e, 0x4c);

/// Corner radius of tiles and panels.
pub const RADIUS: u8 = 4;

/// Installs the Vernis style on `ctx` (dark theme, palette, spacing). Call once from the editor's
/// build callback.
pub fn apply(ctx: &egui::Context) {
    ctx.set_theme(Theme::Dark);
    ctx.style_mut_of(Theme::Dark, |style| {
        let v = &mut style.visuals;
        v.dark_mode = true;
        v.panel_fill = BG;
        v.window_fill = PANEL;
        v.extreme_bg_color = Color32::from_rgb(0x0c, 0x0d, 0x10);
        v.faint_bg_color = PANEL;
        v.override_text_color = None;
        v.selection.bg_fill = ACCENT.linear_multiply(0.55);
        v.selection.stroke = Stroke::new(1.0, TEXT);
        v.warn_fg_color = WARN;
        v.error_fg_color = BAD;
        v.window_stroke = Stroke::new(1.0, LINE);
        v.menu_corner_radius = CornerRadius::same(RADIUS);
        v.window_corner_radius = CornerRadius::same(RADIUS);

        let w = &mut v.widgets;
        w.noninteractive.bg_fill = PANEL;
        w.noninteractive.weak_bg_fill = PANEL;
        w.noninteractive.bg_stroke = Stroke::new(1.0, LINE);
        w.noninteractive.fg_stroke = Stroke::new(1.0, TEXT_DIM);
        for (visuals, fill) in [
            (&mut w.inactive, WIDGET),
            (&mut w.hovered, WIDGET_HOVER),
            (&mut w.active, WIDGET_HOVER),
            (&mut w.open, WIDGET_HOVER),
        ] {
            visuals.bg_fill = fill;
            visuals.weak_bg_fill = fill;
            visuals.corner_radius = CornerRadius::same(RADIUS);
            visuals.fg_stroke = Stroke::new(1.0, TEXT);
            visuals.expansion = 0.0;
        }
        w.inactive.bg_stroke = Stroke::new(1.0, LINE);
        w.hovered.bg_stroke = Stroke::new(1.0, GRID_STRONG);
        w.active.bg_stroke = Stroke::new(1.0, ACCENT);
        w.open.bg_stroke = Stroke::new(1.0, ACCENT);

        style.spacing.item_spacing = Vec2::new(8.0, 6.0);
        style.spacing.button_padding = Vec2::new(10.0, 4.0);
        style.spacing.interact_size.y = 22.0;
    });
}

/// The colour that goes with a [`Status`].
pub fn status_color(status: Status) -> Color32 {
    match status {
        Status::Neutral => TEXT,
        Status::Dim => TEXT_DIM,
        Status::Good => GOOD,
        Status::Warn => WARN,
        Status::Bad => BAD,
        Status::Custom(color) => color,
    }
}

/// How a value compares with what is wanted; decides its colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Status {
    /// No judgement: plain text colour.
    #[default]
    Neutral,
    /// Not available or not meaningful yet.
    Dim,
    /// Within the target or under the ceiling.
    Good,
    /// Close to a limit.
    Warn,
    /// Outside the target or over the ceiling.
    Bad,
    /// A colour of the caller's choice (e.g. the colour of a graph series).
    Custom(Color32),
}
