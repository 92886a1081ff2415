"""The domain index file and the list formats (contract test over every registered format)."""

from pathlib import Path

import pytest

from childsafe.filtering.domains import DomainError, normalise, parents
from childsafe.filtering.index import DomainIndex, IndexFormatError, write_index
from childsafe.filtering.listformats import ListFormatError, registry


def test_normalise() -> None:
    assert normalise("WWW.Example.COM.") == "www.example.com"
    assert normalise("bücher.example") == "xn--bcher-kva.example"
    for bad in ("", "a..b", "-a.com", "a" * 64 + ".com", "ex ample.com", "a/b"):
        with pytest.raises(DomainError):
            normalise(bad)


def test_parents() -> None:
    assert parents("a.b.example.com") == ["a.b.example.com", "b.example.com", "example.com", "com"]


def test_index_round_trip_and_subdomains(tmp_path: Path) -> None:
    path = tmp_path / "x.idx"
    count = write_index(path, [("casino.example", 0), ("casino.example", 0), ("casino.example", 1),
                               ("kids.example", 2)], ["gambling", "games", "child"], {"source": "test"})
    assert count == 3
    index = DomainIndex(path)
    assert index.meta["source"] == "test"
    assert index.match("casino.example") == {"gambling", "games"}
    assert index.match("www.casino.example") == {"gambling", "games"}
    assert index.match("notcasino.example") == set()
    assert index.match("example") == set()
    index.close()


def test_empty_index(tmp_path: Path) -> None:
    write_index(tmp_path / "e.idx", [], ["x"])
    assert DomainIndex(tmp_path / "e.idx").match("a.example") == set()


def test_damaged_index_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "d.idx"
    write_index(path, [("a.example", 0)], ["x"])
    path.write_bytes(path.read_bytes()[:-3])
    with pytest.raises(IndexFormatError, match="truncated"):
        DomainIndex(path)
    path.write_bytes(b"not an index at all, just text")
    with pytest.raises(IndexFormatError):
        DomainIndex(path)


@pytest.mark.parametrize("fmt", list(registry), ids=lambda f: f.name)
def test_every_format_parses_its_examples(fmt, tmp_path: Path) -> None:  # noqa: ANN001
    for name, content in fmt.examples().items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(content)
        target = tmp_path if fmt.accepts_folder else tmp_path / name
    parsed = fmt().parse(target, "custom")
    expected = fmt.examples_expected()
    assert parsed.categories == expected.categories
    assert sorted(parsed.entries) == sorted(expected.entries)
    assert parsed.skipped == expected.skipped


def test_bad_lines_are_named(tmp_path: Path) -> None:
    hosts = tmp_path / "hosts"
    hosts.write_text("0.0.0.0 good.example\n0.0.0.0 bad..example\n")
    with pytest.raises(ListFormatError, match="line 2"):
        registry.get("hosts")().parse(hosts, "custom")
    hosts.write_bytes(b"good.example\n\x00\x01\x02\n")
    with pytest.raises(ListFormatError, match="line 2"):
        registry.get("hosts")().parse(hosts, "custom")
    with pytest.raises(ListFormatError, match="folder"):
        registry.get("ut1")().parse(hosts, "custom")


def test_shared_ut1_subset_parses() -> None:
    shared = Path(__file__).resolve().parents[4] / "shared" / "data" / "ut1"
    if not shared.exists():
        pytest.skip("../shared/data/ut1 not present")
    parsed = registry.get("ut1")().parse(shared, "")
    assert parsed.categories["child"] == "white" and parsed.categories["gambling"] == "black"
    assert len(parsed.entries) > 100_000
