"""Small-cell suppression for administrative counts, with secondary suppression and an audit that plays the
differencing attack (linear programming over the published totals) before anything is published.

A table is a set of cells (totals are cells too) and the additive equations that hold between them: the members
of a row sum to the row's total, and so on. Primary suppression hides counts from 1 to threshold - 1. A hidden cell
is recoverable when some equation has exactly one hidden cell, so secondary suppression hides a second cell of
such an equation (the smallest non-zero count, which costs the least information) until no equation has exactly
one. The audit then asks, for every hidden cell, the least and greatest value consistent with everything published;
an interval narrower than the protection width means the attack would succeed, and the table is not published.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import linprog

TOTAL = "_total"
THRESHOLD = 10  # the usual minimum cell count in output checking (ACRO's default, Eurostat's practice)


@dataclass
class Table:
    values: dict[Hashable, int]
    equations: list[tuple[tuple[Hashable, ...], Hashable]] = field(default_factory=list)  # (members, total)


def crosstab(counts: dict[tuple[str, str], int], rows: Iterable[str], columns: Iterable[str], *,
             additive_columns: bool = True) -> Table:
    """Rows x columns with a total per row; with additive_columns (every record in exactly one row) also a total
    per column and a grand total. Contacts can have several categories, so a category table has only row totals."""
    rows, columns = list(rows), list(columns)
    table = Table({})
    for r in rows:
        for c in columns:
            table.values[(r, c)] = int(counts.get((r, c), 0))
        table.values[(r, TOTAL)] = sum(table.values[(r, c)] for c in columns)
        table.equations.append((tuple((r, c) for c in columns), (r, TOTAL)))
    if additive_columns:
        for c in [*columns, TOTAL]:
            table.values[(TOTAL, c)] = sum(table.values[(r, c)] for r in rows)
            table.equations.append((tuple((r, c) for r in rows), (TOTAL, c)))
        table.equations.append((tuple((TOTAL, c) for c in columns), (TOTAL, TOTAL)))
    return table


def suppress(table: Table, threshold: int = THRESHOLD) -> set[Hashable]:
    """The cells to hide: primary (0 < n < threshold) and secondary, so that no equation has one hidden cell and
    the differencing attack recovers nothing. A complement that also fixes another exposed equation is preferred,
    then the smallest non-zero count, then the equation's total: hiding a zero protects nothing when the zero can
    be read off another total. Should the attack still pin a hidden cell down, a neighbour of it is hidden too, and
    so on until the attack fails (at worst everything in its equations is hidden)."""
    hidden = {key for key, n in table.values.items() if 0 < n < threshold}
    _close(table, hidden)
    while True:
        pinned = exposed(table, hidden)
        if not pinned:
            return hidden
        before = len(hidden)
        for cell in pinned:
            for members, total in table.equations:
                cells = (*members, total)
                if cell in cells:
                    choice = _complement(table, hidden, members, total, [])
                    if choice is not None:
                        hidden.add(choice)
                        break
        if len(hidden) == before:
            hidden |= {cell for members, total in table.equations for cell in (*members, total)
                       if any(p in (*members, total) for p in pinned)}
        _close(table, hidden)


def _complement(table: Table, hidden: set[Hashable], members: tuple[Hashable, ...], total: Hashable,
                exposed_eqs: list[tuple[Hashable, ...]]) -> Hashable | None:
    open_members = [m for m in members if m not in hidden]
    nonzero = [m for m in open_members if table.values[m] > 0]
    candidates = nonzero or ([total] if total not in hidden else open_members)
    if not candidates:
        return None

    def cost(cell: Hashable) -> tuple[int, int, str]:
        fixes = sum(cell in other for other in exposed_eqs)
        return -fixes, table.values[cell], str(cell)

    return min(candidates, key=cost)


def _close(table: Table, hidden: set[Hashable]) -> None:
    """Hide complements until no equation has exactly one hidden cell."""
    equations = [(members, total) for members, total in table.equations]
    while True:
        exposed_eqs = [(*m, t) for m, t in equations if sum(cell in hidden for cell in (*m, t)) == 1]
        if not exposed_eqs:
            return
        members, total = next((m, t) for m, t in equations if (*m, t) == exposed_eqs[0])
        choice = _complement(table, hidden, members, total, exposed_eqs)
        if choice is None:
            return
        hidden.add(choice)


def attack(table: Table, hidden: set[Hashable]) -> dict[Hashable, tuple[float, float]]:
    """The differencing attack: for each hidden cell, the least and greatest value consistent with the published
    cells, the equations and non-negative counts (the bounds an intruder can compute)."""
    unknown = sorted(hidden, key=str)
    if not unknown:
        return {}
    index = {key: i for i, key in enumerate(unknown)}
    a_eq, b_eq = [], []
    for members, total in table.equations:
        row = np.zeros(len(unknown))
        rhs = 0.0
        for cell, sign in [*((m, 1.0) for m in members), (total, -1.0)]:
            if cell in index:
                row[index[cell]] += sign
            else:
                rhs -= sign * table.values[cell]
        if row.any():
            a_eq.append(row)
            b_eq.append(rhs)
    bounds = {}
    for key, i in index.items():
        objective = np.zeros(len(unknown))
        objective[i] = 1.0
        low = linprog(objective, A_eq=a_eq or None, b_eq=b_eq or None, bounds=(0, None), method="highs")
        high = linprog(-objective, A_eq=a_eq or None, b_eq=b_eq or None, bounds=(0, None), method="highs")
        bounds[key] = (float(low.fun) if low.success else 0.0,
                       float(-high.fun) if high.success and high.status == 0 else float("inf"))
    return bounds


def exposed(table: Table, hidden: set[Hashable], width: float = 1.0) -> list[Hashable]:
    """Hidden cells whose attack interval is narrower than `width` (1: the exact value can be worked out)."""
    return [key for key, (low, high) in attack(table, hidden).items() if high - low < width - 1e-9]
