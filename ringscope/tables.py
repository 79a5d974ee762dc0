"""Plain-text tables for terminal output."""

from __future__ import annotations

from collections.abc import Sequence


def format_table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """Render a plain-text table; widths count CJK characters as two columns."""
    cells = [[str(value) for value in headers]] + [[str(value) for value in row] for row in rows]
    widths = [max(_display_width(row[i]) for row in cells) for i in range(len(headers))]
    lines = []
    for index, row in enumerate(cells):
        padded = [value + " " * (widths[i] - _display_width(value)) for i, value in enumerate(row)]
        lines.append("  ".join(padded).rstrip())
        if index == 0:
            lines.append("  ".join("-" * width for width in widths))
    return "\n".join(lines)


def _display_width(text: str) -> int:
    return sum(2 if ord(char) > 0x2E7F else 1 for char in text)
