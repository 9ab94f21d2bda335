//! A large numeric readout tile: label, value, unit, colour by state.

use egui::{Align2, Color32, FontFamily, FontId, Rect, Response, Ui, Vec2, Widget};

use super::{format_value, paint_widget};
use crate::theme::{self, Status};

/// A tile showing one reading in large digits, e.g. `INTEGRATED  -14.2 LUFS`.
///
/// It fills the space the layout gives it (use [`Ui::add_sized`]) and scales its digits to fit.
#[derive(Debug, Clone)]
pub struct Readout<'a> {
    label: &'a str,
    value: f64,
    unit: &'a str,
    decimals: usize,
    signed: bool,
    undefined: &'a str,
    status: Status,
    caption: Option<String>,
    marker: Option<Color32>,
    min_size: Vec2,
}

impl<'a> Readout<'a> {
    /// A readout of `value` (shown as `undefined` when it is not finite) with a `label` and `unit`.
    pub fn new(label: &'a str, value: f64, unit: &'a str) -> Self {
        Self {
            label,
            value,
            unit,
            decimals: 1,
            signed: false,
            undefined: "-inf",
            status: Status::Neutral,
            caption: None,
            marker: None,
            min_size: Vec2::new(96.0, 64.0),
        }
    }

    /// Number of decimals (default 1).
    pub fn decimals(mut self, decimals: usize) -> Self {
        self.decimals = decimals;
        self
    }

    /// Show a `+` in front of positive values (for gains and differences).
    pub fn signed(mut self, signed: bool) -> Self {
        self.signed = signed;
        self
    }

    /// Text shown when the value is not finite (default `-inf`).
    pub fn undefined(mut self, text: &'a str) -> Self {
        self.undefined = text;
        self
    }

    /// Colour of the digits by state.
    pub fn status(mut self, status: Status) -> Self {
        self.status = status;
        self
    }

    /// Small secondary text under the value (e.g. `max -8.1`).
    pub fn caption(mut self, caption: impl Into<String>) -> Self {
        self.caption = Some(caption.into());
        self
    }

    /// A colour chip next to the label, tying the readout to a graph series.
    pub fn marker(mut self, color: Color32) -> Self {
        self.marker = Some(color);
        self
    }

    /// Smallest size the tile takes (default 96 × 64 points).
    pub fn min_size(mut self, min_size: Vec2) -> Self {
        self.min_size = min_size;
        self
    }

    fn paint(&self, ui: &Ui, rect: Rect) {
        let painter = ui.painter_at(rect);
        painter.rect_filled(rect, theme::RADIUS, theme::PANEL);

        let pad = (rect.height() * 0.08).clamp(5.0, 10.0);
        let inner = rect.shrink(pad);
        let label_size = (rect.height() * 0.16).clamp(10.0, 14.0);
        let label_font = FontId::proportional(label_size);

        let mut label_x = inner.left();
        if let Some(color) = self.marker {
            let r = label_size * 0.3;
            painter.circle_filled(
                egui::pos2(label_x + r, inner.top() + label_size * 0.55),
                r,
                color,
            );
            label_x += 2.0 * r + 5.0;
        }
        painter.text(
            egui::pos2(label_x, inner.top()),
            Align2::LEFT_TOP,
            self.label,
            label_font.clone(),
            theme::TEXT_DIM,
        );
        let caption_size = (label_size * 0.92).max(10.0);
        let mut value_bottom = inner.bottom();
        if let Some(caption) = &self.caption {
            painter.text(
                inner.center_bottom(),
                Align2::CENTER_BOTTOM,
                caption,
                FontId::proportional(caption_size),
                theme::TEXT_DIM,
            );
            value_bottom -= caption_size * 1.1;
        }

        // Value and unit share one baseline area under the label.
        let text = format_value(self.value, self.decimals, self.signed, self.undefined);
        let color = if self.value.is_finite() {
            theme::status_color(self.status)
        } else {
            theme::TEXT_DIM
        };
        let value_area = Rect::from_min_max(
            egui::pos2(inner.left(), inner.top() + label_size * 1.2),
            egui::pos2(inner.right(), value_bottom),
        );
        let mut size = (value_area.height() * 0.92).clamp(12.0, 72.0);
        let unit_ratio = 0.36;
        let measure = |size: f32| {
            let v = painter.layout_no_wrap(
                text.clone(),
                FontId::new(size, FontFamily::Monospace),
                color,
            );
            let u = painter.layout_no_wrap(
                self.unit.to_owned(),
                FontId::proportional((size * unit_ratio).max(10.0)),
                theme::TEXT_DIM,
            );
            (v, u)
        };
        let (mut value_galley, mut unit_galley) = measure(size);
        let gap = 4.0;
        let total = value_galley.size().x + gap + unit_galley.size().x;
        if total > value_area.width() && total > 0.0 {
            size = (size * value_area.width() / total).max(9.0);
            (value_galley, unit_galley) = measure(size);
        }
        let total = value_galley.size().x + gap + unit_galley.size().x;
        let x = value_area.center().x - total * 0.5;
        let y = value_area.center().y - value_galley.size().y * 0.5;
        let value_rect = Rect::from_min_size(egui::pos2(x, y), value_galley.size());
        // Bottom of the unit sits a little above the bottom of the digits' line box.
        let unit_pos = egui::pos2(
            value_rect.right() + gap,
            value_rect.bottom() - unit_galley.size().y - size * 0.12,
        );
        painter.galley(value_rect.min, value_galley, color);
        painter.galley(unit_pos, unit_galley, theme::TEXT_DIM);
    }
}

impl Widget for Readout<'_> {
    fn ui(self, ui: &mut Ui) -> Response {
        paint_widget(ui, self.min_size, |ui, rect| self.paint(ui, rect))
    }
}
