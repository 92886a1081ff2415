"""The exhaustive scan behind the compact index: every kernel finds exactly the pairs within the threshold."""

import threading
import time
from collections.abc import Callable

import numpy as np
import pytest

from childsafe.hashmatch import scan

RNG = np.random.default_rng(11)


def planted(n: int, queries: int) -> tuple[np.ndarray, np.ndarray]:
    """n random hashes, and queries made from some of them with k % 41 bits flipped (distances 0 to 40)."""
    hashes = RNG.integers(0, 256, size=(n, 32), dtype=np.uint8)
    rows = hashes[RNG.integers(0, n, size=queries)].copy()
    for k, row in enumerate(rows):
        bits = np.unpackbits(row)
        bits[RNG.choice(256, k % 41, replace=False)] ^= 1
        rows[k] = np.packbits(bits)
    return hashes, rows


def truth(hashes: np.ndarray, rows: np.ndarray, threshold: int) -> set[tuple[int, int, int]]:
    distances = np.bitwise_count(hashes[None, :, :] ^ rows[:, None, :]).sum(axis=2)
    return {(k, p, int(distances[k, p])) for k, p in zip(*np.nonzero(distances <= threshold), strict=True)}


def found(result: scan.Found) -> set[tuple[int, int, int]]:
    return set(zip(*(column.tolist() for column in result), strict=True))


def test_the_compiled_kernel_is_built_here() -> None:
    """scripts/system-deps installs a C compiler, so the numpy stand-in must not be what runs."""
    assert scan.KERNEL in {"avx512", "avx512bw", "avx2", "popcnt", "portable"}


def kernels() -> list[str | None]:
    """The default, numpy, and every compiled kernel this processor runs."""
    runs = []
    for name in ("avx512", "avx512bw", "avx2", "popcnt", "portable"):
        try:
            scan.search(scan.to_columns(np.zeros((1, 32), np.uint8)), np.zeros((1, 4), "<u8"), 0, kernel=name)
            runs.append(name)
        except ValueError:
            pass
    return [None, "numpy", *runs]


@pytest.mark.parametrize("kernel", kernels())
@pytest.mark.parametrize("threshold", [0, 17, 31, 70])
def test_every_kernel_finds_exactly_the_pairs_within_the_threshold(kernel: str | None, threshold: int) -> None:
    hashes, rows = planted(5_013, 47)  # neither the hashes nor the queries fill the vector and query blocks
    result = scan.search(scan.to_columns(hashes), scan.to_words(rows), threshold, kernel=kernel)
    assert found(result) == truth(hashes, rows, threshold)
    if threshold >= 31:  # at least the planted queries within 31 (a random pair is ~128 bits apart)
        assert len(found(result)) >= sum(1 for k in range(47) if k % 41 <= 31)


@pytest.mark.parametrize("kernel", kernels())
@pytest.mark.parametrize("threshold", [17, 31])
def test_the_filter_at_its_tightest_loses_nothing(kernel: str | None, threshold: int) -> None:
    """Every flipped bit in the first two words, at a different place in the word: the filter's count is then the
    distance itself, so a pair just within the threshold is only just let through."""
    hashes = RNG.integers(0, 256, size=(3_001, 32), dtype=np.uint8)
    rows = hashes[RNG.integers(0, len(hashes), size=61)].copy()
    words = rows.view("<u8")
    for k, distance in enumerate(range(len(rows))):
        for place in RNG.choice(64, distance % 41, replace=False):
            words[k, RNG.integers(0, 2)] ^= np.uint64(1) << np.uint64(place)
    result = scan.search(scan.to_columns(hashes), scan.to_words(rows), threshold, kernel=kernel)
    assert found(result) == truth(hashes, rows, threshold)
    assert len(found(result)) >= threshold + 1


def test_more_pairs_than_the_first_room_are_all_returned() -> None:
    """Near-copies of one image: thousands of pairs, more than the kernel's first output buffers hold."""
    base = RNG.integers(0, 256, size=32, dtype=np.uint8)
    copies = np.repeat(base[None, :], 3_000, axis=0)
    copies[np.arange(3_000), RNG.integers(0, 32, size=3_000)] ^= 1
    result = scan.search(scan.to_columns(copies), scan.to_words(np.stack([base, base])), 8)
    assert found(result) == truth(copies, np.stack([base, base]), 8)
    assert len(result[0]) == 6_000


def test_a_large_scan_is_split_over_threads_and_loses_nothing() -> None:
    hashes, rows = planted(2 * scan.SPLIT_FROM + 5, 9)
    assert found(scan.search(scan.to_columns(hashes), scan.to_words(rows), 31)) == \
        found(scan.search(scan.to_columns(hashes), scan.to_words(rows), 31, kernel="numpy"))


def test_empty_inputs_and_bad_buffers() -> None:
    empty = scan.search(np.zeros((4, 0), dtype="<u8"), scan.to_words(RNG.integers(0, 256, (3, 32), np.uint8)), 31)
    assert all(len(column) == 0 for column in empty)
    if scan._scan is None:  # noqa: SLF001
        pytest.skip("no compiled kernel")
    columns = scan.to_columns(RNG.integers(0, 256, size=(10, 32), dtype=np.uint8))
    out = (np.empty(8, np.uint32), np.empty(8, np.uint32), np.empty(8, np.uint8))
    with pytest.raises(ValueError, match="not within"):
        scan._scan.scan(columns, 0, 11, np.zeros((1, 4), "<u8"), 31, *out)  # noqa: SLF001
    with pytest.raises(ValueError, match="whole number"):
        scan._scan.scan(columns, 0, 10, np.zeros(3, "<u8"), 31, *out)  # noqa: SLF001
    with pytest.raises(ValueError, match="threshold"):
        scan._scan.scan(columns, 0, 10, np.zeros((1, 4), "<u8"), -1, *out)  # noqa: SLF001
    with pytest.raises(ValueError, match="not one this processor runs"):
        scan._scan.scan(columns, 0, 10, np.zeros((1, 4), "<u8"), 31, *out, "neon")  # noqa: SLF001


def _gated(monkeypatch: pytest.MonkeyPatch, fail_on: int = 0) -> tuple[list[int], threading.Event, threading.Event]:
    """scan.search, counting its calls; the first waits for `gate`, and call number `fail_on` fails."""
    real, calls = scan.search, []
    gate, entered = threading.Event(), threading.Event()

    def gated(columns: np.ndarray, queries: np.ndarray, threshold: int, *, kernel: str | None = None) -> scan.Found:
        calls.append(len(queries))
        if len(calls) == 1:
            entered.set()
            assert gate.wait(10)
        if len(calls) == fail_on:
            raise MemoryError("no room for the answers")
        return real(columns, queries, threshold, kernel=kernel)

    monkeypatch.setattr(scan, "search", gated)
    return calls, gate, entered


def _wait_for(condition: Callable[[], bool]) -> None:
    deadline = time.monotonic() + 10
    while not condition():
        assert time.monotonic() < deadline, "the lookups never queued"
        time.sleep(0.001)


def _first_then_queued(shared: scan.SharedScan, ask: Callable[[int], None], count: int, gate: threading.Event,
                       entered: threading.Event) -> list[threading.Thread]:
    """ask(0) starts a pass (held at the gate); ask(1..count-1) arrive meanwhile and queue; then the gate opens."""
    threads = [threading.Thread(target=ask, args=(k,), daemon=True) for k in range(count)]
    threads[0].start()
    assert entered.wait(10)
    for thread in threads[1:]:
        thread.start()
    _wait_for(lambda: shared.waiting == count - 1)
    gate.set()
    for thread in threads:
        thread.join(10)
    return threads


def test_concurrent_lookups_share_passes_and_each_gets_its_own_answers(monkeypatch: pytest.MonkeyPatch) -> None:
    hashes, rows = planted(20_000, 30)
    shared = scan.SharedScan(scan.to_columns(hashes))
    calls, gate, entered = _gated(monkeypatch)
    asks = [(rows[k * 3: k * 3 + 1 + k % 3], 17 if k % 4 == 3 else 31) for k in range(8)]  # 1-3 queries each
    answers: dict[int, scan.Found] = {}

    def ask(k: int) -> None:
        answers[k] = shared.search(scan.to_words(asks[k][0]), asks[k][1])

    _first_then_queued(shared, ask, 8, gate, entered)
    # the first alone, then the seven together: a scan for those at threshold 17, one for those at 31
    assert calls == [len(asks[0][0]), sum(len(asks[k][0]) for k in range(1, 8) if asks[k][1] == 17),
                     sum(len(asks[k][0]) for k in range(1, 8) if asks[k][1] == 31)]
    assert shared.passes == 2 and shared.waiting == 0
    for k, (queries, threshold) in enumerate(asks):
        assert found(answers[k]) == truth(hashes, queries, threshold)
    assert any(len(answers[k][0]) for k in range(8))


def test_a_failed_pass_reaches_all_its_callers_and_the_next_pass_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    hashes, rows = planted(5_000, 6)
    shared = scan.SharedScan(scan.to_columns(hashes))
    _, gate, entered = _gated(monkeypatch, fail_on=2)
    errors: list[BaseException] = []

    def ask(k: int) -> None:
        try:
            shared.search(scan.to_words(rows[k: k + 1]), 31)
        except MemoryError as error:
            errors.append(error)

    threads = _first_then_queued(shared, ask, 4, gate, entered)
    assert len(errors) == 3 and not any(thread.is_alive() for thread in threads)  # the second pass's three callers
    assert found(shared.search(scan.to_words(rows[4:]), 31)) == truth(hashes, rows[4:], 31)
