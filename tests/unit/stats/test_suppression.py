"""Small-cell suppression plays the differencing attack: without secondary suppression it recovers hidden cells,
with it no hidden cell can be worked out, over hand-made and random tables."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from childsafe.stats.suppression import TOTAL, Table, attack, crosstab, exposed, suppress

COUNTS = {("a", "x"): 3, ("a", "y"): 40, ("a", "z"): 25, ("b", "x"): 50, ("b", "y"): 60, ("b", "z"): 12,
          ("c", "x"): 0, ("c", "y"): 30, ("c", "z"): 4}


def test_primary_suppression_alone_is_broken_by_differencing() -> None:
    table = crosstab(COUNTS, "abc", "xyz")
    primary = {key for key, n in table.values.items() if 0 < n < 10}
    recovered = exposed(table, primary)
    assert ("a", "x") in recovered
    low, high = attack(table, primary)[("a", "x")]
    assert low == high == 3  # row a's total minus its published cells


def test_secondary_suppression_defeats_the_attack() -> None:
    table = crosstab(COUNTS, "abc", "xyz")
    hidden = suppress(table)
    assert {("a", "x"), ("c", "z")} <= hidden
    assert exposed(table, hidden) == []
    for low, high in attack(table, hidden).values():
        assert high - low >= 3


def test_a_one_way_table_with_its_total() -> None:
    table = Table({"p": 4, "q": 200, "r": 31, TOTAL: 235}, [(("p", "q", "r"), TOTAL)])
    hidden = suppress(table)
    assert hidden == {"p", "r"}  # the smallest other count goes with it
    assert exposed(table, hidden) == []


def test_a_small_total_is_hidden_with_its_cells() -> None:
    table = Table({"p": 4, "q": 0, TOTAL: 4}, [(("p", "q"), TOTAL)])
    hidden = suppress(table)
    assert TOTAL in hidden and "p" in hidden
    assert exposed(table, hidden) == []


def test_nothing_to_hide() -> None:
    table = crosstab({("a", "x"): 10, ("a", "y"): 0}, "a", "xy")
    assert suppress(table) == set()


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(st.integers(min_value=0, max_value=40), min_size=2, max_size=5), min_size=2, max_size=5)
       .filter(lambda rows: len({len(r) for r in rows}) == 1), st.booleans())
def test_no_random_table_leaks_a_hidden_cell(rows: list[list[int]], additive: bool) -> None:
    counts = {(f"r{i}", f"c{j}"): n for i, row in enumerate(rows) for j, n in enumerate(row)}
    table = crosstab(counts, [f"r{i}" for i in range(len(rows))], [f"c{j}" for j in range(len(rows[0]))],
                     additive_columns=additive)
    hidden = suppress(table)
    assert all(not 0 < table.values[key] < 10 for key in table.values if key not in hidden)
    assert exposed(table, hidden) == []
