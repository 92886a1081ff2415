"""The differentially private release: budget accounting, noise calibrated to the clipped weights, fixed cells."""

from __future__ import annotations

import numpy as np
import pytest

from childsafe.stats import privacy
from childsafe.stats.framework import AGE_BANDS, SEXES, load
from childsafe.stats.survey import Microdata


def microdata(rows: int, yes_rate: float, seed: int = 1, *, weight: float = 1.0, sexes: tuple[int, ...] = (0, 1)
              ) -> Microdata:
    rng = np.random.default_rng(seed)
    use = (rng.random(rows) < yes_rate).astype(np.int8)
    daily = np.where(use == 1, (rng.random(rows) < 0.5).astype(np.int8), -1).astype(np.int8)
    return Microdata(sex=rng.choice(np.array(sexes, dtype=np.uint8), rows),
                     age_band=rng.integers(0, 3, rows).astype(np.uint8), weight=np.full(rows, weight),
                     answers={"internet_use": use, "daily_use": daily})


def indicators():  # noqa: ANN201
    framework = load()
    return [framework.get("access.internet_use"), framework.get("access.daily_use")]


def test_large_samples_come_out_close_to_the_truth_and_the_budget_is_accounted() -> None:
    result = privacy.release(microdata(50_000, 0.8), indicators(), epsilon=1.0, cap=1.0)
    assert result.epsilon == pytest.approx(1.0)
    assert result.parameters["queries"] == 6 and result.parameters["sensitivity_l1"] == 2.0
    # scale = sensitivity / epsilon per query
    assert result.parameters["noise_scale"] == pytest.approx(2.0 / (1.0 / 6), rel=1e-6)
    total = next(c for c in result.cells if c.indicator == "access.internet_use" and c.table == "total")
    assert total.value == pytest.approx(80.0, abs=1.0) and total.status == "published"
    daily = next(c for c in result.cells if c.indicator == "access.daily_use" and c.table == "total")
    assert daily.value == pytest.approx(50.0, abs=1.5)  # only internet users are in the denominator


def test_every_cell_is_released_even_when_the_group_is_absent() -> None:
    result = privacy.release(microdata(2_000, 0.5, sexes=(0,)), indicators(), epsilon=0.5, cap=1.0)
    cells = [(c.table, c.sex, c.age_band) for c in result.cells if c.indicator == "access.internet_use"]
    assert cells == [("total", None, None), *[("sex", s, None) for s in SEXES],
                     *[("age_band", None, b) for b in AGE_BANDS]]
    boys = next(c for c in result.cells if c.sex == "male" and c.indicator == "access.internet_use")
    assert boys.status == "low_reliability"  # pure noise: flagged rather than presented as a figure


def test_the_noise_is_real_and_shrinks_with_epsilon() -> None:
    data = microdata(5000, 0.5, seed=4)
    noisy = {privacy.release(data, indicators(), epsilon=0.05, cap=1.0).cells[0].value for _ in range(5)}
    assert len(noisy) > 1
    wide = privacy.release(data, indicators(), epsilon=0.05, cap=1.0)
    narrow = privacy.release(data, indicators(), epsilon=5.0, cap=1.0)
    assert wide.parameters["noise_scale"] == pytest.approx(100 * narrow.parameters["noise_scale"], rel=1e-6)
    assert wide.cells[0].margin > narrow.cells[0].margin * 20


def test_weights_above_the_cap_are_clipped() -> None:
    data = microdata(100, 1.0, weight=1000.0)
    sums = privacy.weighted_sums(data, indicators(), cap=2.0)
    assert sums[("access.internet_use", "total", None, None)] == (200.0, 200.0)


@pytest.mark.parametrize(("epsilon", "cap"), [(0, 1), (-1, 1), (float("nan"), 1), (1, 0), (1, float("inf"))])
def test_bad_parameters_are_refused(epsilon: float, cap: float) -> None:
    with pytest.raises(ValueError, match="positive"):
        privacy.release(microdata(10, 0.5), indicators(), epsilon=epsilon, cap=cap)
