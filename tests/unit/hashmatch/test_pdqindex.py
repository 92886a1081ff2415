"""The PDQ index: exact recall at 31 and nothing beyond, live adds and deletes, safe file handling."""

from pathlib import Path

import numpy as np
import pytest

from childsafe.hashmatch.pdqindex import PdqIndex, PdqIndexError, array_to_hex, build

RNG = np.random.default_rng(7)


def flipped(row: np.ndarray, bits: int) -> np.ndarray:
    unpacked = np.unpackbits(row.copy())
    unpacked[RNG.choice(256, bits, replace=False)] ^= 1
    return np.packbits(unpacked)


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, np.ndarray]:
    hashes = RNG.integers(0, 256, size=(20_000, 32), dtype=np.uint8)
    path = tmp_path_factory.mktemp("pdq") / "pdq.idx"
    build(path, hashes, np.arange(1, len(hashes) + 1, dtype=np.uint32))
    return path, hashes


def test_exact_recall_at_every_distance(data: tuple[Path, np.ndarray]) -> None:
    path, hashes = data
    index = PdqIndex(path)
    for distance in range(0, 41):
        for _ in range(5):
            i = int(RNG.integers(len(hashes)))
            found = dict(index.search(array_to_hex(flipped(hashes[i], distance)), 31))
            if distance <= 31:
                assert found.get(i + 1) == distance, distance
            else:
                assert i + 1 not in found
            assert all(d <= 31 for d in found.values())


def test_threshold_is_respected(data: tuple[Path, np.ndarray]) -> None:
    path, hashes = data
    query = array_to_hex(flipped(hashes[5], 10))
    assert dict(PdqIndex(path).search(query, 9)).get(6) is None
    assert dict(PdqIndex(path).search(query, 10)).get(6) == 10
    with pytest.raises(ValueError):
        PdqIndex(path).search(query, 32)


def test_live_adds_and_deletes(data: tuple[Path, np.ndarray]) -> None:
    path, hashes = data
    index = PdqIndex(path)
    extra = RNG.integers(0, 256, size=(1000, 32), dtype=np.uint8)
    index.add(extra, np.arange(100_001, 101_001, dtype=np.uint32))
    assert dict(index.search(array_to_hex(flipped(extra[3], 20)))).get(100_004) == 20
    index.delete([100_004, 1])
    assert 100_004 not in dict(index.search(array_to_hex(extra[3])))
    assert 1 not in dict(index.search(array_to_hex(hashes[0])))
    assert len(index) == 20_000 + 1000 - 2


def test_empty_and_damaged_files(tmp_path: Path) -> None:
    build(tmp_path / "empty.idx", np.zeros((0, 32), dtype=np.uint8), np.zeros(0, dtype=np.uint32))
    assert PdqIndex(tmp_path / "empty.idx").search("0" * 64) == []
    build(tmp_path / "x.idx", RNG.integers(0, 256, size=(10, 32), dtype=np.uint8), np.arange(10, dtype=np.uint32))
    data = (tmp_path / "x.idx").read_bytes()
    (tmp_path / "x.idx").write_bytes(data[:-7])
    with pytest.raises(PdqIndexError, match="truncated"):
        PdqIndex(tmp_path / "x.idx")
    (tmp_path / "x.idx").write_bytes(b"pickle? no." * 10)
    with pytest.raises(PdqIndexError):
        PdqIndex(tmp_path / "x.idx")


def test_large_layout_is_exact_too(tmp_path: Path) -> None:
    hashes = RNG.integers(0, 256, size=(30_000, 32), dtype=np.uint8)
    build(tmp_path / "large.idx", hashes, np.arange(1, 30_001, dtype=np.uint32), layout=1)
    index = PdqIndex(tmp_path / "large.idx")
    assert index.layout_id == 1
    for distance in range(0, 41):
        for _ in range(4):
            i = int(RNG.integers(len(hashes)))
            found = dict(index.search(array_to_hex(flipped(hashes[i], distance))))
            assert (found.get(i + 1) == distance) if distance <= 31 else (i + 1 not in found)


def test_slot_values_follow_the_hex_digits() -> None:
    from childsafe.hashmatch.pdqindex import LAYOUTS, hex_to_array, slot_values

    row = hex_to_array(["abcdef01" + "0" * 56])
    assert slot_values(row, LAYOUTS[0])[0, :2].tolist() == [0xABCD, 0xEF01]
    assert slot_values(row, LAYOUTS[1])[0, 0] == 0xABCDEF
    rows = RNG.integers(0, 256, size=(50, 32), dtype=np.uint8)
    for layout in LAYOUTS.values():  # one query's values, the quick way, are the same
        assert all(layout.query_values(r).tolist() == v.tolist() for r, v in zip(rows, slot_values(rows, layout)))


@pytest.mark.parametrize("layout", [0, 2])
def test_many_small_feeds_stay_few_segments_and_exact(tmp_path: Path, layout: int) -> None:
    from childsafe.hashmatch.pdqindex import _Scanned, _Segment

    build(tmp_path / "x.idx", np.zeros((0, 32), dtype=np.uint8), np.zeros(0, dtype=np.uint32), layout=layout)
    index = PdqIndex(tmp_path / "x.idx")
    extra = RNG.integers(0, 256, size=(40_000, 32), dtype=np.uint8)
    for i in range(0, 40_000, 500):
        index.add(extra[i:i + 500], np.arange(i + 1, i + 501, dtype=np.uint32))
    assert 1 <= len(index._segments) <= 4  # noqa: SLF001  (merged, not one per feed)
    kind = _Scanned if layout == 2 else _Segment  # a compact index's additions are scanned, never tabled
    assert all(type(segment) is kind for segment in index._segments)  # noqa: SLF001
    for i in range(0, 40_000, 997):
        assert dict(index.search(array_to_hex(flipped(extra[i], 25)))).get(i + 1) == 25


def test_crowded_buckets_widen_the_tables_and_stay_exact(tmp_path: Path) -> None:
    """Thousands of near-copies share slot values: per-bucket offsets no longer fit a byte, and the file says so."""
    base = RNG.integers(0, 256, size=32, dtype=np.uint8)
    copies = np.array([flipped(base, 1 + i % 20) for i in range(3000)])
    hashes = np.concatenate([copies, RNG.integers(0, 256, size=(2000, 32), dtype=np.uint8)])
    build(tmp_path / "crowded.idx", hashes, np.arange(1, 5001, dtype=np.uint32))
    assert (tmp_path / "crowded.idx").read_bytes()[32] == 2  # fine offsets of 2 bytes
    index = PdqIndex(tmp_path / "crowded.idx")
    truth = np.bitwise_count(np.bitwise_xor(hashes, base)).sum(axis=1)
    assert sorted(dict(index.search(array_to_hex(base))).items()) == [
        (i + 1, int(d)) for i, d in enumerate(truth.tolist()) if d <= 31]


def test_file_and_memory_tables_find_the_same(data: tuple[Path, np.ndarray]) -> None:
    from childsafe.hashmatch.pdqindex import _Segment

    path, hashes = data
    mapped, memory = PdqIndex(path), PdqIndex()
    memory._main = _Segment.in_memory(hashes, np.arange(1, len(hashes) + 1, dtype=np.uint32))  # noqa: SLF001
    for i in range(0, 20_000, 1999):
        query = array_to_hex(flipped(hashes[i], 30))
        assert mapped.search(query) == memory.search(query) != []


def test_compact_layout_is_exact_and_small(tmp_path: Path, data: tuple[Path, np.ndarray]) -> None:
    from childsafe.hashmatch.pdqindex import COMPACT

    _, hashes = data
    path = tmp_path / "compact.idx"
    build(path, hashes, np.arange(1, len(hashes) + 1, dtype=np.uint32), layout=COMPACT)
    assert path.stat().st_size <= 40 + 36 * len(hashes) + 16  # header, 32-byte hashes, 4-byte ids: nothing else
    index = PdqIndex(path)
    assert index.layout_id == COMPACT and len(index) == len(hashes)
    picks = [int(RNG.integers(len(hashes))) for _ in range(41)]
    queries = [array_to_hex(flipped(hashes[i], distance)) for distance, i in enumerate(picks)]
    answers = index.search_many(queries, 31)
    for distance, (i, found) in enumerate(zip(picks, answers, strict=True)):
        assert (dict(found).get(i + 1) == distance) if distance <= 31 else (i + 1 not in dict(found))
        assert all(d <= 31 for _, d in found)
    assert answers == [index.search(q) for q in queries]  # one batch answers as each query alone
    assert dict(index.search(queries[10], 9)).get(picks[10] + 1) is None


def test_compact_and_multi_index_layouts_answer_alike(tmp_path: Path, data: tuple[Path, np.ndarray]) -> None:
    from childsafe.hashmatch.pdqindex import COMPACT

    _, hashes = data
    ids = np.arange(1, len(hashes) + 1, dtype=np.uint32)
    build(tmp_path / "c.idx", hashes, ids, layout=COMPACT)
    build(tmp_path / "m.idx", hashes, ids, layout=0)
    compact, tables = PdqIndex(tmp_path / "c.idx"), PdqIndex(tmp_path / "m.idx")
    base = hashes[7]
    near = np.array([flipped(base, 1 + i % 35) for i in range(600)])  # crowded: many answers per query
    for index in (compact, tables):
        index.add(near, np.arange(50_001, 50_601, dtype=np.uint32))
        index.delete([50_002, 8])
    queries = [array_to_hex(base)] + [array_to_hex(flipped(hashes[i], 29)) for i in range(0, 20_000, 1_111)]
    assert compact.search_many(queries) == tables.search_many(queries)
    assert len(compact.search_many(queries)[0]) > 300


def test_compact_lookups_from_many_threads_answer_as_alone(tmp_path: Path, data: tuple[Path, np.ndarray]) -> None:
    """A threaded server's lookups share passes over a compact index; each still gets exactly its own answers."""
    from concurrent.futures import ThreadPoolExecutor

    from childsafe.hashmatch.pdqindex import COMPACT

    _, hashes = data
    build(tmp_path / "c.idx", hashes, np.arange(1, len(hashes) + 1, dtype=np.uint32), layout=COMPACT)
    index = PdqIndex(tmp_path / "c.idx")
    queries = [array_to_hex(flipped(hashes[i * 97], i % 41)) for i in range(200)]
    alone = [index.search(q) for q in queries]
    with ThreadPoolExecutor(16) as pool:
        together = list(pool.map(index.search, queries))
    assert together == alone
    assert sum(1 for found in alone if found) == sum(1 for i in range(200) if i % 41 <= 31)


def test_damaged_compact_files_are_refused(tmp_path: Path) -> None:
    from childsafe.hashmatch.pdqindex import COMPACT, HEADER

    path = tmp_path / "c.idx"
    build(path, RNG.integers(0, 256, size=(10, 32), dtype=np.uint8), np.arange(10, dtype=np.uint32), layout=COMPACT)
    data = path.read_bytes()
    path.write_bytes(data[:-8])
    with pytest.raises(PdqIndexError, match="truncated"):
        PdqIndex(path)
    magic, n, max_id, _, _ = HEADER.unpack_from(data)
    path.write_bytes(HEADER.pack(magic, n, max_id, COMPACT, 2) + data[HEADER.size:])  # compact has no fine width
    with pytest.raises(PdqIndexError, match="damaged header"):
        PdqIndex(path)
    with pytest.raises(ValueError, match="no index layout"):
        build(path, np.zeros((1, 32), dtype=np.uint8), np.ones(1, dtype=np.uint32), layout=9)


@pytest.mark.parametrize("layout", [0, 1])
def test_the_compiled_lookup_answers_as_numpy(tmp_path: Path, layout: int) -> None:
    """`_probe.c` against `search_in_python`, on a file with crowded buckets and on in-memory tables; a batch of
    more than eight queries (slot values in numpy), of a few (slot values one by one), and one split over threads."""
    from childsafe.hashmatch import pdqindex

    assert pdqindex._probe is not None  # noqa: SLF001 - scripts/system-deps installs the compiler
    hashes = RNG.integers(0, 256, size=(25_000, 32), dtype=np.uint8)
    base = hashes[3]
    hashes[:600] = [flipped(base, 1 + i % 33) for i in range(600)]  # near-duplicates of one image
    build(tmp_path / "m.idx", hashes, np.arange(1, len(hashes) + 1, dtype=np.uint32), layout=layout)
    mapped = PdqIndex(tmp_path / "m.idx")._main  # noqa: SLF001
    in_memory = pdqindex._Segment.in_memory(hashes[:5_000], np.arange(7, 5_007, dtype=np.uint32))  # noqa: SLF001
    rows = np.array([base] + [flipped(hashes[i], i % 41) for i in range(0, 25_000, 1_250)])
    many = np.array([flipped(hashes[i], i % 37) for i in range(0, 25_000, 150)])  # split over the cores
    assert len(many) >= pdqindex.PROBE_SPLIT_FROM
    for segment in (mapped, in_memory):
        for batch in (rows, rows[:3], many):
            for threshold in (31, 12):
                compiled: list[dict[int, int]] = [{} for _ in batch]
                numpy: list[dict[int, int]] = [{} for _ in batch]
                segment.search(batch, threshold, compiled)
                segment.search_in_python(batch, threshold, numpy)
                assert compiled == numpy
                assert len(compiled[0]) > (100 if threshold == 31 else 5)


def test_damaged_tables_are_an_error_not_a_crash() -> None:
    from childsafe.hashmatch import pdqindex

    hashes = RNG.integers(0, 256, size=(2_000, 32), dtype=np.uint8)
    segment = pdqindex._Segment.in_memory(hashes, np.arange(2_000, dtype=np.uint32))  # noqa: SLF001
    rows = hashes[:4]
    segment.order = np.full_like(segment.order, 2_000)  # positions past the end
    with pytest.raises(ValueError, match="damaged"):
        segment.search(rows, 31, [{} for _ in rows])
    segment = pdqindex._Segment.in_memory(hashes, np.arange(2_000, dtype=np.uint32))  # noqa: SLF001
    segment.fine = np.full_like(segment.fine, 0) + np.arange(len(segment.fine), dtype=segment.fine.dtype)
    with pytest.raises(ValueError, match="damaged"):
        segment.search(rows, 31, [{} for _ in rows])


@pytest.mark.parametrize("layout", [0, 1])
def test_a_hash_near_in_one_slot_only_is_found_through_that_slot(tmp_path: Path, layout: int) -> None:
    """Each query is a stored hash with radius + 1 bits flipped in every slot but one: only that slot's probes can
    find it, at a distance of 30, for every slot in turn (slot 0 reads the hashes' own order, the others a table)."""
    from childsafe.hashmatch.pdqindex import LAYOUTS

    lay = LAYOUTS[layout]
    hashes = RNG.integers(0, 256, size=(5_000, 32), dtype=np.uint8)
    build(tmp_path / "m.idx", hashes, np.arange(1, len(hashes) + 1, dtype=np.uint32), layout=layout)
    index = PdqIndex(tmp_path / "m.idx")
    queries, sources = [], []
    for keep in range(len(lay.widths)):
        source = int(RNG.integers(len(hashes)))
        bits = np.unpackbits(hashes[source])  # bit k of the hex form
        for s, (start, width) in enumerate(zip(lay.starts, lay.widths, strict=True)):
            if s != keep:
                bits[start + RNG.choice(width, lay.radius + 1, replace=False)] ^= 1
        queries.append(np.packbits(bits))
        sources.append(source + 1)
    expected = sum(lay.radius + 1 for _ in lay.widths[1:])
    assert expected <= 31
    answers = index.search_many([array_to_hex(q) for q in queries])
    numpy: list[dict[int, int]] = [{} for _ in queries]
    index._main.search_in_python(np.array(queries), 31, numpy)  # noqa: SLF001
    for source, found, reference in zip(sources, answers, numpy, strict=True):
        assert dict(found)[source] == expected == reference[source]
