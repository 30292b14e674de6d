"""Normalisers: turn raw cells (HTML fragments, bullets, two-calendar years, KPI cells) into model values."""
