"""Prints the spread of every tensor's errors across several error baselines written by `replay --write-baseline`
(one per BLAS variant, see tools/measure_spread.sh), to set the baseline rule (docs/GATE.md).

    tools/.venv/bin/python tools/baseline_spread.py A.json B.json ...

For each tensor, the largest and smallest max error/bound over the runs; then, for absolute floors A, the smallest
factor F such that no pair of runs would trip `new > F * old and new - old > A`.
"""

from __future__ import annotations

import itertools
import json
import sys


def figures(path: str) -> dict:
    with open(path) as f:
        cases = json.load(f)["cases"]
    return {(case, tensor): float(v["maxErrorToBound"]) for case, tensors in cases.items() for tensor, v in tensors.items()}


def main() -> None:
    runs = {path: figures(path) for path in sys.argv[1:]}
    keys = set.intersection(*(set(r) for r in runs.values()))
    print(f"{len(runs)} runs, {len(keys)} tensors in all of them")
    spread = []
    for key in keys:
        values = [r[key] for r in runs.values()]
        spread.append((max(values) - min(values), max(values), min(values), key))
    spread.sort(reverse=True)
    moved = [s for s in spread if s[0] > 0]
    print(f"{len(moved)} tensors whose max error/bound differs between runs; largest differences:")
    for delta, hi, lo, key in spread[:8]:
        print(f"  {key[0]} {key[1]}: {lo:.3g} .. {hi:.3g} (difference {delta:.3g}, factor {hi / lo if lo else float('inf'):.3g})")
    for floor in (0.0, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05):
        worst, where = 1.0, None
        for key in keys:
            for a, b in itertools.permutations([r[key] for r in runs.values()], 2):
                if b - a > floor:
                    factor = b / a if a else float("inf")
                    if factor > worst:
                        worst, where = factor, key
        print(f"  floor {floor:g}: largest factor between two runs among differences above the floor: {worst:.3g}"
              + (f" ({where[0]} {where[1]})" if where else ""))


if __name__ == "__main__":
    main()
