"""The notebook-size tier: training replays at the notebooks' own layer sizes, every gradient and parameter recorded.

    tools/.venv/bin/python tools/notebook_sizes.py build  [--out DIR]    # write the tier's fixtures into DIR
    tools/.venv/bin/python tools/notebook_sizes.py check  [--out DIR]    # compare DIR with the committed digests
    tools/.venv/bin/python tools/notebook_sizes.py digest [--out DIR]    # rewrite the committed digests from DIR

(DIR defaults to .build/notebook-sizes; `bash tools/notebook_sizes.sh` builds, checks and replays in one go.)

At the notebooks' sizes a training step records about 2 x 0.8 M (LSTM), 2 x 1.7 M (AAE) and 2 x 1.4-2.6 M (cs231n
CaptioningRNN) values; with the float64 shadows and twins the tier is about 900 MB, which the 48 MiB fixtures/
budget cannot hold. So these fixtures are not committed: they are written by the same tools/replay_*.py scripts
(`--notebook-sizes`), and the reference they hold is pinned by `fixtures/notebook-sizes/`, which is committed:

- `digests.json`: every group and dataset of every tier file in creation order, with its attributes, dtype and
  shape; integer and boolean datasets by the SHA-256 of their bytes (they must be equal);
- `sums.npy`: for every floating dataset, per block of BLOCK consecutive elements (row-major), the plain sum and the
  sum with Thue-Morse signs (+1 or -1 by the parity of the element index's bits), in float64.

A regenerated dataset passes when each block sum moved by at most the sum over the block of the elementwise bound
`atol + rtol * |x|` (plus the float64 rounding of the sums), with (rtol, atol) the regeneration tolerance of
tools/check_regeneration.py, or the tensor's recorded tolerance where that is looser. So every regeneration that
tools/check_regeneration.py would accept elementwise passes here too; a change of one element by more than the
block's bound, or of many elements in the same direction, fails, naming file, case, tensor and block. Attributes are
compared exactly except a recorded tolerance, which the tier measures when it is built: its `tolerance_reason` text
is not compared, and its `rtol` and `atol` must be within 4x of the committed ones.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import hashlib
import json
import os
import subprocess
import sys
import time

import h5py
import numpy as np

from check_regeneration import TOLERANCE

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DIGESTS = os.path.join(ROOT, "fixtures", "notebook-sizes")
DEFAULT_OUT = os.path.join(ROOT, ".build", "notebook-sizes")
BLOCK = 8192
# A recorded tolerance is measured when the tier is built (e.g. the cs231n solver's, from NumPy's own float32 drift
# on the generating machine): its reason quotes the measurement and is not compared; its rtol and atol must stay
# within this factor of the committed ones.
MEASURED_ATTRIBUTES = {"tolerance_reason"}
MEASURED_TOLERANCE_FACTOR = 4.0

# file -> the script that writes it, with its arguments (OUT is the file's path)
TIER = {
    "lstm_train_notebook_sizes.h5": ["replay_lstm_train.py", "--notebook-sizes", "--out", "OUT"],
    "aae_train_notebook_sizes.h5": ["replay_aae_train.py", "--notebook-sizes", "--out", "OUT"],
    "cs231n_train_real_sizes.h5": ["replay_cs231n_train.py", "--real-sizes", "--out", "OUT"],
}


def build(out: str, jobs: int) -> None:
    os.makedirs(out, exist_ok=True)

    def run(name: str) -> tuple[str, int, str, float]:
        script, *arguments = TIER[name]
        start = time.monotonic()
        done = subprocess.run([sys.executable, os.path.join(ROOT, "tools", script)]
                              + [os.path.join(out, name) if a == "OUT" else a for a in arguments],
                              cwd=ROOT, capture_output=True, text=True)
        return name, done.returncode, done.stdout + done.stderr, time.monotonic() - start

    failed = []
    with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as pool:
        for name, code, output, seconds in pool.map(run, sorted(TIER)):
            size = os.path.getsize(os.path.join(out, name)) / 2**20 if code == 0 else 0
            print(f"notebook_sizes: wrote {name} ({size:.0f} MiB) by tools/{TIER[name][0]} in {seconds:.0f} s"
                  + ("" if code == 0 else f": FAILED ({code})"))
            if code != 0:
                failed.append(name)
                sys.stdout.write(output)
    if failed:
        raise SystemExit(f"notebook_sizes: {', '.join(failed)} not written")


def thue_morse_signs(n: int) -> np.ndarray:
    """+1 or -1 by the parity of the bits of each index 0..<n."""
    index = np.arange(n, dtype=np.uint64)
    parity = np.zeros(n, dtype=np.uint64)
    while index.any():
        parity ^= index & np.uint64(1)
        index >>= np.uint64(1)
    return 1.0 - 2.0 * parity.astype(np.float64)


SIGNS = thue_morse_signs(BLOCK)


def block_sums(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(blocks, 2) plain and signed sums, and (blocks,) sums of |x|, of the flattened values in float64."""
    x = np.asarray(values, dtype=np.float64).reshape(-1)
    blocks = -(-x.size // BLOCK)
    padded = np.zeros(blocks * BLOCK)
    padded[:x.size] = x
    padded = padded.reshape(blocks, BLOCK)
    sums = np.stack([padded.sum(axis=1), (padded * SIGNS).sum(axis=1)], axis=1)
    return sums, np.abs(padded).sum(axis=1)


def attribute_text(value) -> str:
    if isinstance(value, bytes):
        value = value.decode()
    if isinstance(value, np.ndarray):
        return f"{value.dtype}{list(value.shape)}:{value.tolist()!r}"
    return repr(value)


def attributes(obj) -> dict:
    return {name: attribute_text(obj.attrs[name]) for name in obj.attrs if name not in MEASURED_ATTRIBUTES}


def walk(file: h5py.File):
    """Every group and dataset below the root, in creation order (depth first), as (path, object)."""
    def visit(group: h5py.Group):
        for name in group.keys():
            member = group[name]
            yield member.name, member
            if isinstance(member, h5py.Group):
                yield from visit(member)
    yield "/", file
    yield from visit(file)


def digest(path: str) -> tuple[list[dict], np.ndarray]:
    """The digest of one tier file: its entries and the block sums they point into."""
    entries, sums = [], []
    count = 0
    with h5py.File(path, "r") as f:
        for where, obj in walk(f):
            entry = {"path": where, "attrs": attributes(obj)}
            if isinstance(obj, h5py.Dataset):
                entry.update(dtype=str(obj.dtype), shape=list(obj.shape))
                data = obj[()]
                if obj.dtype.kind == "f":
                    s, _ = block_sums(data)
                    entry.update(first_block=count, blocks=len(s))
                    sums.append(s)
                    count += len(s)
                else:
                    entry["sha256"] = hashlib.sha256(np.ascontiguousarray(data).tobytes()).hexdigest()
            entries.append(entry)
    return entries, (np.concatenate(sums) if sums else np.zeros((0, 2)))


def tolerance(dataset: h5py.Dataset) -> tuple[float, float]:
    rtol, atol = TOLERANCE[np.dtype(dataset.dtype)]
    if "rtol" in dataset.attrs and "atol" in dataset.attrs:
        rtol, atol = max(rtol, float(dataset.attrs["rtol"])), max(atol, float(dataset.attrs["atol"]))
    return rtol, atol


def write_digests(out: str) -> None:
    os.makedirs(DIGESTS, exist_ok=True)
    files, all_sums, offset = {}, [], 0
    for name in sorted(TIER):
        entries, sums = digest(os.path.join(out, name))
        for e in entries:
            if "first_block" in e:
                e["first_block"] += offset
        offset += len(sums)
        files[name] = entries
        all_sums.append(sums)
    with open(os.path.join(DIGESTS, "digests.json"), "w") as f:
        json.dump({"block": BLOCK, "files": files}, f, indent=1, sort_keys=True)
        f.write("\n")
    np.save(os.path.join(DIGESTS, "sums.npy"), np.concatenate(all_sums))
    print(f"notebook_sizes: wrote fixtures/notebook-sizes/ ({len(TIER)} files, {offset} blocks of {BLOCK})")


def check(out: str) -> list[str]:
    """Every difference between the tier files in `out` and the committed digests, one line each."""
    with open(os.path.join(DIGESTS, "digests.json")) as f:
        recorded = json.load(f)
    committed_sums = np.load(os.path.join(DIGESTS, "sums.npy"))
    if recorded["block"] != BLOCK:
        return [f"fixtures/notebook-sizes/digests.json: block {recorded['block']}, this tool uses {BLOCK}"]
    lines = []
    for name in sorted(set(recorded["files"]) | set(TIER)):
        if name not in TIER or name not in recorded["files"]:
            lines.append(f"{name}: {'no script writes it' if name not in TIER else 'has no committed digest'}")
            continue
        path = os.path.join(out, name)
        if not os.path.isfile(path):
            lines.append(f"{name}: not built ({path} does not exist)")
            continue
        old = {e["path"]: e for e in recorded["files"][name]}
        old_order = [e["path"] for e in recorded["files"][name]]
        new_order = []
        with h5py.File(path, "r") as f:
            for where, obj in walk(f):
                new_order.append(where)
                here = f"{name}{where if where != '/' else ''}"
                if where not in old:
                    lines.append(f"{here}: is new (not in the committed digest)")
                    continue
                e = old[where]
                attrs = attributes(obj)
                measured = "tolerance_reason" in obj.attrs
                for key in sorted(set(attrs) | set(e["attrs"])):
                    new_value, old_value = attrs.get(key), e["attrs"].get(key)
                    if measured and key in ("rtol", "atol") and None not in (new_value, old_value):
                        ratio = float(obj.attrs[key]) / float(old_value.removeprefix("np.float64(").removesuffix(")"))
                        if not 1 / MEASURED_TOLERANCE_FACTOR <= ratio <= MEASURED_TOLERANCE_FACTOR:
                            lines.append(f"{here}: measured {key} is {new_value}, {ratio:.3g}x the committed "
                                         f"{old_value} (allowed: within {MEASURED_TOLERANCE_FACTOR:g}x)")
                    elif new_value != old_value:
                        lines.append(f"{here}: attribute '{key}' is {new_value}, committed {old_value}")
                if not isinstance(obj, h5py.Dataset):
                    continue
                if str(obj.dtype) != e["dtype"] or list(obj.shape) != e["shape"]:
                    lines.append(f"{here}: {obj.dtype} {list(obj.shape)}, committed {e['dtype']} {e['shape']}")
                    continue
                data = obj[()]
                if obj.dtype.kind != "f":
                    if hashlib.sha256(np.ascontiguousarray(data).tobytes()).hexdigest() != e["sha256"]:
                        lines.append(f"{here}: {obj.dtype} values differ (SHA-256)")
                    continue
                lines += compare_sums(here, data, committed_sums[e["first_block"]:e["first_block"] + e["blocks"]],
                                      *tolerance(obj))
        for where in old_order:
            if where not in new_order:
                lines.append(f"{name}{where}: is gone (only in the committed digest)")
        if [p for p in new_order if p in old] != [p for p in old_order if p in new_order]:
            lines.append(f"{name}: groups or datasets in another order than the committed digest")
    return lines


def compare_sums(here: str, data: np.ndarray, committed: np.ndarray, rtol: float, atol: float) -> list[str]:
    sums, magnitude = block_sums(data)
    counts = np.full(len(sums), BLOCK, dtype=np.float64)
    counts[-1] = np.asarray(data).size - BLOCK * (len(sums) - 1)
    # sum over the block of atol + rtol |x| (|x| of either side can be the committed one: the (1 + rtol) covers it),
    # plus the rounding of two float64 sums of BLOCK terms
    bound = (counts * atol + rtol * magnitude) * (1 + 2 * rtol) + 4 * BLOCK * np.finfo(np.float64).eps * magnitude
    finite = np.isfinite(sums).all(axis=1) & np.isfinite(committed).all(axis=1)
    if not np.array_equal(np.isfinite(sums), np.isfinite(committed)):
        return [f"{here}: NaN or infinity in other blocks than the committed digest"]
    moved = np.abs(sums - committed).max(axis=1, initial=0, where=finite[:, None])
    beyond = np.flatnonzero(moved > bound)
    if not len(beyond):
        return []
    b = int(beyond[np.argmax(moved[beyond] / bound[beyond])])
    return [f"{here}: moved beyond the regeneration tolerance in {len(beyond)}/{len(sums)} blocks of {BLOCK}; worst "
            f"block {b} (elements {b * BLOCK}..{b * BLOCK + int(counts[b]) - 1}): its sums moved {moved[b]:.3g}, "
            f"{moved[b] / bound[b]:.3g}x the bound {bound[b]:.3g} (rtol {rtol:g}, atol {atol:g} per element)"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["build", "check", "digest"])
    parser.add_argument("--out", default=DEFAULT_OUT, help="the tier's folder (default .build/notebook-sizes)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="scripts run at once (build)")
    args = parser.parse_args()
    if args.command == "build":
        build(args.out, args.jobs)
        return 0
    if args.command == "digest":
        write_digests(args.out)
        return 0
    lines = check(args.out)
    for line in lines:
        print(f"notebook_sizes: {line}")
    if lines:
        print(f"notebook_sizes: FAILED, {len(lines)} differences from fixtures/notebook-sizes/")
        return 1
    print(f"notebook_sizes: {len(TIER)} files match the committed digests (blocks of {BLOCK}; float32 rtol "
          f"{TOLERANCE[np.dtype(np.float32)][0]:g} atol {TOLERANCE[np.dtype(np.float32)][1]:g}, float64 rtol "
          f"{TOLERANCE[np.dtype(np.float64)][0]:g} atol {TOLERANCE[np.dtype(np.float64)][1]:g} per element, or the "
          f"tensor's recorded tolerance)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
