//! The frame the Vernis editors share: the header / body / footer layout, the brand title, the
//! Reset button, footer readings, the history-span selector, panels and rows of equal tiles.

use egui::{Align, Button, Layout, Rect, RichText, Ui, UiBuilder, Vec2};

use crate::theme;

/// Margin around the editor's contents, points.
const MARGIN: f32 = 10.0;
/// Gap between the header, the body and the footer, points.
const GAP: f32 = 8.0;
/// Height of the header row, points.
const HEADER_H: f32 = 28.0;
/// Height of the footer row, points.
const FOOTER_H: f32 = 22.0;

/// The areas of an editor window: a header row, the body and a footer row.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EditorLayout {
    /// The header row (brand, main switches).
    pub header: Rect,
    /// Everything between the header and the footer.
    pub body: Rect,
    /// The footer row (secondary readings, history span).
    pub footer: Rect,
}

/// Splits the window's `max_rect` (inside a margin) into header, body and footer.
pub fn editor_layout(max_rect: Rect) -> EditorLayout {
    let full = max_rect.shrink(MARGIN);
    let header = Rect::from_min_size(full.min, Vec2::new(full.width(), HEADER_H));
    let footer = Rect::from_min_max(egui::pos2(full.left(), full.bottom() - FOOTER_H), full.max);
    let body = Rect::from_min_max(
        egui::pos2(full.left(), header.bottom() + GAP),
        egui::pos2(full.right(), footer.top() - GAP),
    );
    EditorLayout {
        header,
        body,
        footer,
    }
}

/// Runs `add_contents` in a left-to-right row (vertically centred) filling `rect`.
pub fn row<R>(ui: &mut Ui, rect: Rect, add_contents: impl FnOnce(&mut Ui) -> R) -> R {
    ui.scope_builder(
        UiBuilder::new()
            .max_rect(rect)
            .layout(Layout::left_to_right(Align::Center)),
        add_contents,
    )
    .inner
}

/// Paints a panel over `area` and runs `add_contents` top-down inside it, `margin` from its edges
/// and clipped to it.
pub fn panel<R>(
    ui: &mut Ui,
    area: Rect,
    margin: Vec2,
    add_contents: impl FnOnce(&mut Ui) -> R,
) -> R {
    ui.painter().rect_filled(area, theme::RADIUS, theme::PANEL);
    ui.scope_builder(
        UiBuilder::new()
            .max_rect(area.shrink2(margin))
            .layout(Layout::top_down(Align::Min)),
        |ui| {
            ui.set_clip_rect(area);
            add_contents(ui)
        },
    )
    .inner
}

/// Tile `index` of `count` equal tiles side by side across `area`, `gap` apart.
pub fn tile(area: Rect, count: usize, gap: f32, index: usize) -> Rect {
    let n = count.max(1) as f32;
    let w = (area.width() - gap * (n - 1.0)) / n;
    Rect::from_min_size(
        egui::pos2(area.left() + index as f32 * (w + gap), area.top()),
        Vec2::new(w, area.height()),
    )
}

/// The header's title: `VERNIS` and the product name (e.g. `LIMITER`) in the accent colour.
pub fn brand(ui: &mut Ui, product: &str) {
    ui.label(
        RichText::new("VERNIS")
            .size(16.0)
            .strong()
            .color(theme::TEXT),
    );
    ui.label(RichText::new(product).size(16.0).color(theme::ACCENT));
}

/// The header's Reset button with its hover text; true when clicked.
pub fn reset_button(ui: &mut Ui, hover_text: &str) -> bool {
    ui.add(Button::new(RichText::new("Reset").strong()).min_size(Vec2::new(64.0, 24.0)))
        .on_hover_text(hover_text)
        .clicked()
}

/// A footer reading: a dim label and its value in monospace.
pub fn footer_item(ui: &mut Ui, label: &str, value: impl Into<String>) {
    ui.label(RichText::new(label).color(theme::TEXT_DIM));
    ui.label(RichText::new(value).monospace().color(theme::TEXT));
    ui.add_space(10.0);
}

/// The footer's history-span selector, right-aligned (clear of the resize corner): one button per
/// entry of `spans` (label and span), `selected` indexing into it.
pub fn span_selector<T>(ui: &mut Ui, spans: &[(&str, T)], selected: &mut usize) {
    ui.with_layout(Layout::right_to_left(Align::Center), |ui| {
        ui.add_space(14.0); // keep clear of the resize corner
        for (i, (label, _)) in spans.iter().enumerate().rev() {
            if ui.selectable_label(*selected == i, *label).clicked() {
                *selected = i;
            }
        }
        ui.label(RichText::new("History").color(theme::TEXT_DIM));
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layout_and_tiles() {
        let window = Rect::from_min_size(egui::Pos2::ZERO, Vec2::new(900.0, 620.0));
        let l = editor_layout(window);
        assert_eq!(
            l.header,
            Rect::from_min_max(egui::pos2(10.0, 10.0), egui::pos2(890.0, 38.0))
        );
        assert_eq!(
            l.footer,
            Rect::from_min_max(egui::pos2(10.0, 588.0), egui::pos2(890.0, 610.0))
        );
        assert_eq!(
            l.body,
            Rect::from_min_max(egui::pos2(10.0, 46.0), egui::pos2(890.0, 580.0))
        );
        let area = Rect::from_min_size(egui::Pos2::ZERO, Vec2::new(392.0, 50.0));
        assert_eq!(tile(area, 4, 8.0, 0).width(), 92.0);
        assert_eq!(tile(area, 4, 8.0, 3).right(), 392.0);
    }
}
