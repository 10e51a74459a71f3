"""Stores a notebook's own printed numbers in a fixture case, checked against the reference computation first.

docs/FIXTURES.md "Printed values": a value the notebook printed or hard-coded as expected (an `expected_*` array,
a printed loss, a printed shape, a parameter count) is written under the case's `printed/` group with the cell it
comes from, and compared with what the Swift replay computes. Before writing, `printed_value` asserts that the
case's recorded output (the reference computation) is within the printed rounding, so a wrong transcription fails
when the fixture is generated, not later.
"""

from __future__ import annotations

import numpy as np

from fixture_writer import FixtureCase


def printed_value(case: FixtureCase, name: str, value, *, of: str, cell: str, decimals: int,
                  slack: float = 0.0, reason: str | None = None) -> float:
    """`value` as printed with `decimals` digits after the point, compared with `of` (`outputs/<tensor>`) within
    half the last printed digit, plus `slack` when the notebook computed in float32 (then `reason` gives the
    measurement). Returns the largest difference to the reference."""
    target = case.group["outputs"][of.removeprefix("outputs/")][()]
    value = np.asarray(value, dtype=np.float64)
    assert value.shape == target.shape, f"printed/{name}: shape {value.shape}, {of} is {target.shape}"
    atol = 0.5 * 10.0 ** -decimals + slack
    err = float(np.max(np.abs(value - target.astype(np.float64))))
    print(f"  printed/{name}: max |printed - reference| {err:.3e} (atol {atol:.3e}, {cell})")
    assert err <= atol, f"printed/{name}: the reference is {err:.3e} from the notebook's values, over {atol:.3e}"
    case.printed(name, value, of=of, cell=cell, atol=atol)
    if slack:
        assert reason, f"printed/{name}: a slack beyond half the last digit needs its measured reason"
        case.group["printed"][name].attrs["tolerance_reason"] = reason
    return err


def printed_shape(case: FixtureCase, name: str, shape, *, of: str, cell: str) -> None:
    """A printed `torch.Size` / `.shape`, which must equal the recorded output's shape."""
    target = case.group["outputs"][of.removeprefix("outputs/").removesuffix(".shape")]
    assert tuple(shape) == target.shape, f"printed/{name}: printed {tuple(shape)}, {of} is {target.shape}"
    case.printed(name, list(shape), of=of, cell=cell)
