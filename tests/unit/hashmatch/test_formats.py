"""Contract test for every bank file format, and their errors."""

import pytest

from childsafe.hashmatch.formats import BankFormatError, format_for, registry


@pytest.mark.parametrize("fmt", list(registry), ids=lambda f: f.name)
def test_examples_read_and_round_trip(fmt) -> None:  # noqa: ANN001
    text, rows = fmt.examples()
    assert [row for _, row in fmt().read(text)] == rows
    again = [row for _, row in fmt().read(fmt().write(rows))]
    assert [(t, v) for t, v, _ in again] == [(t, v) for t, v, _ in rows]


def test_errors_name_the_line() -> None:
    with pytest.raises(BankFormatError, match="line 2"):
        list(registry.get("te")().read("pdq " + "a" * 64 + "\nlonely\n"))
    with pytest.raises(BankFormatError, match="line 1: a 160-bit hash"):
        list(registry.get("hashlist")().read("da39a3ee5e6b4b0d3255bfef95601890afd80709\n"))
    with pytest.raises(BankFormatError, match="line 1"):
        list(registry.get("csv")().read("only-one-cell\n"))


def test_bare_te_signals_take_the_given_type() -> None:
    rows = [row for _, row in registry.get("te")().read("a" * 64 + "\n", default_type="pdq")]
    assert rows == [("pdq", "a" * 64, {})]


def test_format_from_suffix() -> None:
    assert format_for(None, "x.CSV").name == "csv"
    with pytest.raises(KeyError):
        format_for(None, "x.bin")
