"""Synthetic survey files for demonstrations, tests and the benchmark: made-up children whose answers follow
rates the caller chooses, written in the shape a national survey exports (numeric codes, a codebook, weights).
Nothing here describes a real country."""

from __future__ import annotations

import csv
import io

import numpy as np

from childsafe.stats.framework import Framework

# Column name, variable: the codebook maps q_<variable> columns with codes 1 yes, 2 no, 9 no answer.
CODES = {"1": "yes", "2": "no", "9": "missing"}


def codebook(framework: Framework) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["column", "variable", "code", "value"])
    writer.writerows([["sex", "sex", "1", "female"], ["sex", "sex", "2", "male"], ["sex", "sex", "9", "missing"],
                      ["age", "age", "", ""], ["wt", "weight", "", ""]])
    for variable in sorted(framework.survey_variables()):
        writer.writerows([f"q_{variable}", variable, code, value] for code, value in CODES.items())
    return out.getvalue()


def columns(framework: Framework, rows: int, rates: dict[str, float], seed: int = 0) -> dict[str, np.ndarray]:
    """Answers drawn with the given yes-rate per variable (0.5 when not given), 2 % no answer; a universe's
    'no' routes its dependants to 'no answer', as a questionnaire's skip pattern would."""
    rng = np.random.default_rng(seed)
    data = {"sex": rng.choice(np.array([1, 2, 9]), size=rows, p=[0.49, 0.49, 0.02]),
            "age": rng.integers(9, 18, size=rows), "wt": np.round(rng.uniform(0.5, 1.5, size=rows), 3)}
    universes = {i.variable: i.universe for i in framework.of("survey")}
    for variable in sorted(framework.survey_variables(), key=lambda v: bool(universes.get(v))):
        yes = rng.random(rows) < rates.get(variable, 0.5)
        answer = np.where(yes, 1, 2)
        answer = np.where(rng.random(rows) < 0.02, 9, answer)
        universe = universes.get(variable)
        if universe and f"q_{universe}" in data:
            answer = np.where(data[f"q_{universe}"] == 1, answer, 9)
        data[f"q_{variable}"] = answer
    return data


def survey_csv(framework: Framework, rows: int, rates: dict[str, float], seed: int = 0) -> str:
    data = columns(framework, rows, rates, seed)
    names = list(data)
    out = io.StringIO()
    out.write(",".join(names) + "\n")
    for row in zip(*(data[n].tolist() for n in names), strict=True):
        out.write(",".join(map(str, row)) + "\n")
    return out.getvalue()
