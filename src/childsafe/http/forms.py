"""Form fields that hold one record per line with cells separated by |, as the editors' screens use them."""

from __future__ import annotations

from childsafe.core.errors import InvalidInputError


def pipe_rows(text: str, field: str, width: int) -> list[list[str]]:
    """Non-empty lines split on |, padded to `width` cells; a line with too many cells names its number."""
    rows = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        cells = [c.strip() for c in line.split("|")]
        if len(cells) > width:
            raise InvalidInputError(f"line {number} has more than {width} parts separated by |", field=field)
        rows.append(cells + [""] * (width - len(cells)))
    return rows
