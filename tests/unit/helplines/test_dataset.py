"""Record validation names the record and field; the bundled dataset is valid, broad and sourced."""

import copy
from datetime import date

import pytest

from childsafe.helplines.dataset import RecordError, normalise_phone, validate_all, validate_record
from childsafe.helplines.formats import HelplineFormat
from childsafe.helplines.service import bundled_raw

GOOD = HelplineFormat.examples()[0]


def with_(**changes):  # noqa: ANN001, ANN201
    raw = copy.deepcopy(GOOD)
    raw.update(changes)
    return raw


def test_example_is_valid() -> None:
    record = validate_record(GOOD)
    assert record.contacts[0].value == "116111" and record.contacts[0].e164 is None


@pytest.mark.parametrize("changes, field", [
    ({"country": "XX"}, "country"),
    ({"country": "de"}, "country"),
    ({"id": "fr-example"}, "id"),
    ({"languages": ["klingon!"]}, "languages"),
    ({"languages": []}, "languages"),
    ({"timezone": "Mars/Olympus"}, "timezone"),
    ({"hours": "Mo-Fr 9-5"}, "hours"),
    ({"topics": ["gossip"]}, "topics"),
    ({"age_max": 99}, "age_max"),
    ({"free": "yes"}, "free"),
    ({"contacts": []}, "contacts"),
    ({"contacts": [{"channel": "phone", "value": "12"}]}, "contacts[0].value"),
    ({"contacts": [{"channel": "phone", "value": "+999123456"}]}, "contacts[0].value"),
    ({"contacts": [{"channel": "pigeon", "value": "x"}]}, "contacts[0].channel"),
    ({"contacts": [{"channel": "web", "value": "https://example.org"}]}, "contacts"),
    ({"contacts": [{"channel": "chat", "value": "javascript:alert(1)"}]}, "contacts[0].value"),
    ({"contacts": [{"channel": "whatsapp", "value": "116111"}]}, "contacts[0].value"),
    ({"contacts": [{"channel": "phone", "value": "116111", "hours": "always"}]}, "contacts[0].hours"),
    ({"child_116111": True, "contacts": [{"channel": "phone", "value": "08001110333"}]}, "child_116111"),
    ({"sources": []}, "sources"),
    ({"sources": [{"url": "ftp://x", "title": "t"}]}, "sources[0].url"),
    ({"verified": "23/11/2026"}, "verified"),
    ({"colour": "blue"}, "colour"),
])
def test_errors_name_the_field(changes: dict, field: str) -> None:
    with pytest.raises(RecordError) as caught:
        validate_record(with_(**changes))
    assert caught.value.field == field
    assert caught.value.record in (GOOD["id"], changes.get("id"), "#1")


def test_future_verification_date_rejected() -> None:
    with pytest.raises(RecordError, match="future"):
        validate_record(with_(verified="2030-01-01"), today=date(2026, 11, 23))


def test_duplicate_ids_rejected() -> None:
    with pytest.raises(RecordError, match="twice"):
        validate_all([GOOD, GOOD])


@pytest.mark.parametrize("value, country, expected", [
    ("116 111", "DE", ("116111", None)),
    ("1098", "IN", ("1098", None)),
    ("119", "FR", ("119", None)),
    ("0800 1111", "GB", ("08001111", "+448001111")),
    ("1-800-422-4453", "US", ("18004224453", "+18004224453")),
    ("+254 722 000 000", "KE", ("+254722000000", "+254722000000")),
])
def test_phone_numbers(value: str, country: str, expected: tuple) -> None:
    assert normalise_phone(value, country) == expected


def test_bundled_dataset_is_valid_and_broad() -> None:
    records = validate_all(bundled_raw(), today=date.today())
    countries = {r.country for r in records}
    assert len(countries) >= 100
    # every world region is represented
    for region in (["KE", "ZA", "EG", "NG"], ["US", "CA", "BR", "CO"], ["IN", "JP", "ID", "PH"],
                   ["DE", "FR", "ES", "GB"], ["AU", "NZ", "FJ"], ["SA", "JO", "AE"]):
        assert set(region) <= countries, f"missing {set(region) - countries}"
    for record in records:
        assert record.sources and record.verified
    # 116 111 where the EU harmonised number is assigned (RESEARCH.md: CHI directory)
    by_country = {}
    for record in records:
        by_country.setdefault(record.country, []).append(record)
    for code in ("DE", "PL", "SE", "NO", "SA"):
        assert any(r.child_116111 for r in by_country[code]), code
