"""Paths the tests share."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "data" / "editions" / "2023" / "000_12dec0b774bbd4f2.txt"
