"""Contract test for every helpline file format, plus format-specific error reporting."""

import pytest

from childsafe.helplines.dataset import validate_all
from childsafe.helplines.formats import CsvFormat, FormatError, JsonFormat, format_for, registry


@pytest.mark.parametrize("fmt", list(registry), ids=lambda f: f.name)
def test_round_trip_keeps_every_field(fmt) -> None:  # noqa: ANN001
    instance = fmt()
    records = validate_all(fmt.examples())
    again = validate_all(instance.read(instance.write(records)))
    assert again == records
    assert [r.as_dict() for r in again] == [r.as_dict() for r in records]


def test_registry_names_are_unique_and_known() -> None:
    assert registry.names() == ["csv", "json"]
    with pytest.raises(KeyError, match="known: csv, json"):
        registry.get("xml")


def test_format_guessed_from_suffix() -> None:
    assert isinstance(format_for(None, "data.CSV"), CsvFormat)
    assert isinstance(format_for(None, "x.json"), JsonFormat)
    with pytest.raises(KeyError):
        format_for(None, "x.txt")


def test_json_errors_name_the_line() -> None:
    with pytest.raises(FormatError, match="line 2"):
        JsonFormat().read('[\n{"id": }]')
    with pytest.raises(FormatError, match="helplines"):
        JsonFormat().read('{"other": 1}')


def test_csv_errors_name_the_line() -> None:
    text = CsvFormat().write(validate_all(CsvFormat.examples()))
    header, first, second = text.splitlines()
    with pytest.raises(FormatError, match="line 1"):
        CsvFormat().read("a,b\n1,2\n")
    changed = second.replace("Example line", "Another name")
    with pytest.raises(FormatError, match="line 3: helpline de-example-line has different"):
        CsvFormat().read("\n".join([header, first, changed]) + "\n")
    bad_flag = first.replace(",true,", ",maybe,", 1)
    with pytest.raises(FormatError, match="line 2: free"):
        CsvFormat().read("\n".join([header, bad_flag]) + "\n")
