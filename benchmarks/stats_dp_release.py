"""A differentially private release of 10 indicators x 3 disaggregations over 1 million survey records.

ChildSafe: the survey is uploaded once through the real service (CSV checked row by row, kept as compressed columns
in a SQLite database); the timed release is `stats.service.release_survey` end to end: read and decompress the
microdata from the database, weighted sums for every indicator and table (total, by sex, by age band) in one
DuckDB query, OpenDP Laplace noise per table, figures, ledger and audit written in one transaction.

Peer, in the same run on the same records: OpenDP's record-level vector pipeline as its tutorials build it
(clamp >> sum >> Laplace for each numerator and denominator of each cell, the records of each cell passed to the
measurement as a list), with the same epsilon per query. Both release the same 120 noisy sums (6 cells x 2 sums x 10 indicators).

Memory is the peak resident set of each side, each in its own subprocess (VmHWM), and the growth over the baseline
after imports. Target: under 10 seconds for ChildSafe's release.

    .venv/bin/python benchmarks/stats_dp_release.py                  # 1,000,000 records
    .venv/bin/python benchmarks/stats_dp_release.py --records 100000 # a quick try
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results" / "stats_dp_release.json"
TARGET_SECONDS = 10.0
EPSILON = 1.0
CAP = 1.5


def status_kb(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def pick_indicators() -> list:
    from childsafe.stats.framework import load  # noqa: PLC0415

    return load().of("survey")[:10]


def childsafe_worker(records: int) -> dict[str, float]:
    from rich.progress import Progress  # noqa: PLC0415

    from childsafe.core.audit import CLI_ACTOR  # noqa: PLC0415
    from childsafe.db import migrate  # noqa: PLC0415
    from childsafe.db.engine import Database  # noqa: PLC0415
    from childsafe.stats import service, synthetic  # noqa: PLC0415
    from childsafe.stats.framework import load  # noqa: PLC0415

    framework = load()
    with tempfile.TemporaryDirectory() as folder:
        database = Database(f"sqlite:///{folder}/bench.sqlite3")
        migrate.upgrade(database)
        with Progress(transient=True) as progress:
            progress.add_task(f"Generating and uploading {records:,} records", total=None)
            text = synthetic.survey_csv(framework, records, {"internet_use": 0.85}, seed=7)
            start = time.perf_counter()
            with database.unit_of_work() as session:
                dataset_id = service.upload_survey(
                    session, name="benchmark", country="KE", year=2025, lines=iter(text.splitlines()),
                    codebook=synthetic.codebook(framework), weight_cap=CAP, epsilon_budget=EPSILON,
                    actor=CLI_ACTOR).id
            upload = time.perf_counter() - start
        del text
        baseline = status_kb("VmRSS")
        start = time.perf_counter()
        with database.unit_of_work() as session:
            release = service.release_survey(session, dataset_id, epsilon=EPSILON,
                                             indicators=[i.id for i in pick_indicators()], actor=CLI_ACTOR)
            queries = release.parameters["queries"]
        seconds = time.perf_counter() - start
        database.dispose()
    return {"seconds": seconds, "upload_seconds": upload, "queries": queries,
            "peak_rss_mb": status_kb("VmHWM") / 1024, "release_growth_mb": (status_kb("VmRSS") - baseline) / 1024}


def peer_worker(records: int) -> dict[str, float]:
    import numpy as np  # noqa: PLC0415
    import opendp.prelude as dp  # noqa: PLC0415

    from childsafe.stats import synthetic  # noqa: PLC0415
    from childsafe.stats.framework import load  # noqa: PLC0415

    dp.enable_features("contrib")
    data = synthetic.columns(load(), records, {"internet_use": 0.85}, seed=7)
    indicators = pick_indicators()
    per_query = EPSILON / (len(indicators) * 3)
    weight = np.minimum(data["wt"].astype(float), CAP)
    cells = [np.ones(records, dtype=bool), data["sex"] == 1, data["sex"] == 2,
             *[(data["age"] >= lo) & (data["age"] <= hi) for lo, hi in ((9, 11), (12, 14), (15, 17))]]
    baseline = status_kb("VmRSS")
    start = time.perf_counter()
    space = dp.vector_domain(dp.atom_domain(T=float, nan=False)), dp.symmetric_distance()
    # One record changes the numerator and the denominator of its cell: each gets half of the query's epsilon.
    scale = dp.binary_search_param(
        lambda s: space >> dp.t.then_clamp(bounds=(0.0, CAP)) >> dp.t.then_sum() >> dp.m.then_laplace(scale=s),
        d_in=1, d_out=per_query / 2)
    measurement = space >> dp.t.then_clamp(bounds=(0.0, CAP)) >> dp.t.then_sum() >> dp.m.then_laplace(scale=scale)
    released = 0
    for indicator in indicators:
        answer = data[f"q_{indicator.variable}"]
        universe = data[f"q_{indicator.universe}"] == 1 if indicator.universe else np.ones(records, dtype=bool)
        for cell in cells:
            members = cell & universe
            yes = np.where(answer[members] == 1, weight[members], 0.0)
            answered = np.where(answer[members] != 9, weight[members], 0.0)
            measurement(yes.tolist())
            measurement(answered.tolist())
            released += 2
    return {"seconds": time.perf_counter() - start, "noisy_sums": released, "peak_rss_mb": status_kb("VmHWM") / 1024,
            "release_growth_mb": (status_kb("VmRSS") - baseline) / 1024}


def run(kind: str, records: int) -> dict[str, float]:
    done = subprocess.run([sys.executable, __file__, "--worker", kind, "--records", str(records)],
                          capture_output=True, text=True, check=False)
    if done.returncode:
        raise SystemExit(f"{kind} failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--worker", choices=("childsafe", "peer"))
    args = parser.parse_args()
    if args.worker:
        worker = childsafe_worker if args.worker == "childsafe" else peer_worker
        print(json.dumps(worker(args.records)))
        return
    ours, peer = run("childsafe", args.records), run("peer", args.records)
    ratio = peer["seconds"] / ours["seconds"]
    print(f"records: {args.records:,}; 10 indicators x 3 disaggregations ({ours['queries']} noisy tables, "
          f"{peer['noisy_sums']} noisy sums)")
    print(f"ChildSafe release: {ours['seconds']:.2f} s (target < {TARGET_SECONDS:.0f} s: "
          f"{'met' if ours['seconds'] < TARGET_SECONDS else 'MISSED'}), peak RSS {ours['peak_rss_mb']:.0f} MB, "
          f"release grew RSS by {ours['release_growth_mb']:.0f} MB; upload of the CSV {ours['upload_seconds']:.1f} s")
    print(f"OpenDP record-level pipeline: {peer['seconds']:.2f} s, peak RSS {peer['peak_rss_mb']:.0f} MB")
    print(f"ratio: ChildSafe is {ratio:.1f}x faster than the peer")
    if args.records == 1_000_000:
        RESULTS.parent.mkdir(exist_ok=True)
        RESULTS.write_text(json.dumps({"records": args.records, "childsafe": ours, "peer": peer,
                                       "ratio": ratio}, indent=2) + "\n")


if __name__ == "__main__":
    main()
