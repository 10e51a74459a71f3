"""Writes fixture files in the format of docs/FIXTURES.md (format version 1).

Every tools/replay_*.py script builds its cases with `FixtureWriter` so that the schema lives in one place:

    with FixtureWriter("fixtures/lstm.h5", notebook="boostcamp/lstm.ipynb",
                       generator="tools/replay_lstm.py", seed=0) as f:
        case = f.case("shape_demo_rnn", replay="lstm.rnn", dtype="float32", seed=1,
                      config={"input_size": 28, "hidden_size": 256, "num_layers": 2},
                      description="rand(2,20,28) through R.rnn (shape-demo cell)")
        case.inputs(x=x)
        case.params(model.rnn.state_dict(), prefix="rnn.")
        case.outputs(rnn_out=out, hn=hn, cn=cn)          # in dataflow order

Datasets are written deterministically (no timestamps, fixed layout), so regenerating gives identical files.
"""

from __future__ import annotations

import copy
import json
import os
import random
from typing import Mapping

import h5py
import numpy as np
import torch

FORMAT_VERSION = 1
DTYPES = {"float32": np.float32, "float64": np.float64}


def seed_everything(seed: int) -> None:
    """Seeds every generator a notebook may draw from: Python, NumPy and torch."""
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def as_array(value) -> np.ndarray:
    if isinstance(value, torch.Tensor):
        value = value.detach().cpu().numpy()
    return np.asarray(value)


class RecordedDropout(torch.nn.Dropout):
    """`nn.Dropout` that keeps the mask it drew, so a fixture can record it (docs/FIXTURES.md, "Dropout").

    Same RNG use and the same result as `nn.Dropout` in train mode: `x * mask / (1 - p)` with
    `mask ~ Bernoulli(1 - p)`; in eval mode the identity (and no mask). Swap it in for the notebook's
    `nn.Dropout` (e.g. `model.drop = RecordedDropout(p)`), run forward, then write `layer.mask` as
    `dropout.<where>`. `masks` keeps every mask drawn, in call order, when the layer runs more than once.
    """

    def __init__(self, p: float = 0.5):
        super().__init__(p)
        self.mask = None
        self.masks = []

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if not self.training or self.p == 0:
            return x
        mask = torch.empty_like(x).bernoulli_(1 - self.p).to(torch.bool)
        self.mask = mask
        self.masks.append(mask)
        return x * mask / (1 - self.p)


class ReplayedDropout(torch.nn.Module):
    """Dropout that applies masks recorded earlier instead of drawing: `x * mask / (1 - p)` with the next mask of
    `masks` (call order), in train mode; the identity in eval mode. It draws nothing from any RNG, so a float64
    shadow run between two float32 cases leaves the float32 draws that follow untouched."""

    def __init__(self, p: float, masks):
        super().__init__()
        self.p = p
        self.pending = list(masks)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if not self.training or self.p == 0:
            return x
        if not self.pending:
            raise RuntimeError("ReplayedDropout: more calls than recorded masks")
        mask = self.pending.pop(0)
        return x * mask.expand_as(x) / (1 - self.p)


def float64_twin(module: torch.nn.Module, *, masks_from: torch.nn.Module | None = None,
                 masks: Mapping[str, object] | None = None) -> torch.nn.Module:
    """A float64 copy of `module` for the float64 shadow (docs/FIXTURES.md, "Float64 shadow"): parameters and
    buffers upcast from the float32 ones, every `nn.Dropout` replaced by a `ReplayedDropout` that applies the masks
    the float32 run drew, in the same call order and train/eval mode.

    The masks come from `masks` (module path -> one mask or a list of masks) when given; otherwise from the
    `RecordedDropout.masks` of `masks_from` (the float32 module after its forward; default `module` itself), minus
    those `module` had already drawn (so a twin copied from a snapshot taken before the forward replays exactly the
    forward's masks). `assert_replayed(twin)` afterwards checks that every mask was used."""
    memo: dict = {}   # tensors a forward left on the modules (traces, masks) that autograd forbids to deepcopy

    def detach(value):
        if isinstance(value, torch.Tensor) and not value.is_leaf:
            memo[id(value)] = value.detach()
        elif isinstance(value, dict):
            for item in value.values():
                detach(item)
        elif isinstance(value, (list, tuple)):
            for item in value:
                detach(item)
    for sub in module.modules():
        for value in vars(sub).values():
            detach(value)
    twin = copy.deepcopy(module, memo).double()
    source = dict((masks_from or module).named_modules())
    for path, sub in list(twin.named_modules()):
        if not isinstance(sub, torch.nn.Dropout):
            continue
        if masks is not None:
            drawn = masks.get(path, [])
            drawn = [drawn] if isinstance(drawn, torch.Tensor) else list(drawn)
        else:
            already = len(getattr(sub, "masks", [])) if masks_from is not None else 0
            drawn = list(getattr(source[path], "masks", []))[already:]
        replayed = ReplayedDropout(sub.p, drawn)
        replayed.train(sub.training)
        parent, _, name = path.rpartition(".")
        setattr(twin.get_submodule(parent) if parent else twin, name, replayed)
    return twin


def assert_replayed(twin: torch.nn.Module) -> None:
    """Every mask handed to the twin's `ReplayedDropout`s was applied (the shadow ran the same dropout calls)."""
    for path, sub in twin.named_modules():
        if isinstance(sub, ReplayedDropout) and sub.pending:
            raise AssertionError(f"{path}: {len(sub.pending)} recorded dropout masks never applied by the shadow")


def upcast(**tensors):
    """The float32 tensors and arrays of a case as float64 (integers, bools and masks unchanged), for its shadow."""
    def one(value):
        if isinstance(value, torch.Tensor):
            return value.double() if value.is_floating_point() else value
        array = np.asarray(value)
        return array.astype(np.float64) if array.dtype.kind == "f" else value
    return {name: one(value) for name, value in tensors.items()}


def dataset_options(array: np.ndarray, compress_over: int | None) -> dict:
    """gzip (level 9, byte shuffle, one chunk) for a dataset of at least `compress_over` bytes, else contiguous.
    Readers need nothing special (HDF5 decompresses); small datasets stay contiguous, as a chunk index costs ~1 KB."""
    if compress_over is None or array.ndim == 0 or array.nbytes < compress_over:
        return {}
    return dict(compression="gzip", compression_opts=9, shuffle=True, chunks=array.shape)


class FixtureCase:
    def __init__(self, group: h5py.Group, dtype: str, shared: dict, no_shadow: str | None = None,
                 compress_over: int | None = None):
        self.group = group
        self.dtype = dtype
        self.shared = shared
        self.no_shadow = no_shadow
        self.compress_over = compress_over

    def check_shadow(self) -> None:
        """A float32 case is complete only with a float64 shadow of every floating output, or with the reason,
        recorded as the case attribute `shadow_omitted`, why a float64 run is impossible."""
        if self.dtype != "float32" or self.no_shadow is not None:
            return
        outputs = self.group["outputs"]
        floating = [name for name in outputs if outputs[name].dtype.kind == "f"]
        shadow = self.group.get("shadow")
        missing = [name for name in floating if shadow is None or name not in shadow]
        if missing:
            raise ValueError(
                f"{self.group.file.filename.removesuffix('.tmp')}: case '{self.group.name.lstrip('/')}': float32 "
                f"case without a float64 shadow of {', '.join(missing)} (call case.shadow(...), or open the case "
                f"with no_shadow='why a float64 run is impossible')")

    def _write(self, sub: str, tensors: Mapping[str, object], floating_ok: bool = True) -> h5py.Group:
        group = self.group.require_group(sub) if sub != "outputs" else self.group["outputs"]
        for name, value in tensors.items():
            array = as_array(value)
            if array.dtype.kind == "f":
                if array.dtype != DTYPES[self.dtype]:
                    raise TypeError(f"{sub}/{name}: {array.dtype} in a {self.dtype} case")
            elif array.dtype.kind in "iu" and array.dtype not in (np.int64, np.uint8):
                array = array.astype(np.int64)
            key = (array.dtype.str, array.shape, array.tobytes())
            if sub == "params" and key in self.shared:
                # The same parameters in several cases are stored once: a hard link to the first copy.
                group[name] = self.shared[key]
            else:
                group.create_dataset(name, data=array, track_times=False,
                                     **dataset_options(array, self.compress_over))
                if sub == "params":
                    self.shared[key] = group[name]
        return group

    def inputs(self, **tensors) -> None:
        """Inputs fed to the computation, including recorded random draws and dropout masks."""
        self._write("inputs", tensors)

    def params(self, state_dict: Mapping[str, torch.Tensor], prefix: str = "") -> None:
        """A module's state_dict, verbatim: same keys (with `prefix`), same layouts."""
        self._write("params", {prefix + k: v for k, v in state_dict.items()})

    def outputs(self, **tensors) -> None:
        """Every intermediate in dataflow order (keyword order is kept)."""
        self._write("outputs", tensors)

    def tolerance(self, name: str, *, rtol: float, atol: float, reason: str) -> None:
        """Overrides the default tolerance of one output; `reason` must give the measured figure."""
        ds = self.group["outputs"][name]
        ds.attrs["rtol"] = np.float64(rtol)
        ds.attrs["atol"] = np.float64(atol)
        ds.attrs["tolerance_reason"] = reason

    def shadow(self, **tensors) -> None:
        """The float64 shadow of a float32 case's outputs (docs/FIXTURES.md, "Float64 shadow"): the same
        computation run in float64 from the case's float32 inputs and parameters upcast, with the same recorded
        dropout masks and random draws. Names are those of `outputs/`."""
        if self.dtype != "float32":
            raise ValueError("only a float32 case has a float64 shadow")
        group = (self.group["shadow"] if "shadow" in self.group else self.group.create_group("shadow", track_order=True))
        for name, value in tensors.items():
            if name not in self.group["outputs"]:
                raise KeyError(f"shadow/{name}: no output of that name")
            array = as_array(value)
            if array.dtype != np.float64:
                raise TypeError(f"shadow/{name}: {array.dtype}, a shadow is float64")
            if array.shape != self.group["outputs"][name].shape:
                raise ValueError(f"shadow/{name}: shape {array.shape}, the output is {self.group['outputs'][name].shape}")
            group.create_dataset(name, data=array, track_times=False, **dataset_options(array, self.compress_over))

    def printed(self, name: str, value, *, of: str, cell: str, atol: float | None = None) -> None:
        """A value the notebook printed or hard-coded (docs/FIXTURES.md, "Printed values"), compared with what the
        Swift replay computes. `of` is `outputs/<tensor>` (values, float64, within `atol` = half the last printed
        digit) or `outputs/<tensor>.shape` (an int64 vector equal to the tensor's shape); `cell` says where the
        notebook prints it."""
        group = (self.group["printed"] if "printed" in self.group else self.group.create_group("printed", track_order=True))
        target = of.removeprefix("outputs/").removesuffix(".shape")
        if not of.startswith("outputs/") or target not in self.group["outputs"]:
            raise KeyError(f"printed/{name}: 'of' must name a recorded output, got {of!r}")
        if of.endswith(".shape"):
            array = np.asarray(value, dtype=np.int64)
            if array.ndim != 1:
                raise ValueError(f"printed/{name}: a shape is a vector")
        else:
            if atol is None or not atol > 0:
                raise ValueError(f"printed/{name}: a printed value needs atol (half its last printed digit)")
            array = np.asarray(value, dtype=np.float64)
        ds = group.create_dataset(name, data=array, track_times=False)
        ds.attrs["of"] = of
        ds.attrs["cell"] = cell
        if atol is not None:
            ds.attrs["atol"] = np.float64(atol)

    def expect_nonfinite(self, name: str) -> None:
        """Marks an output whose NaN/Inf are intended (e.g. a row masked entirely with -inf)."""
        self.group["outputs"][name].attrs["expect_nonfinite"] = np.int64(1)


class FixtureWriter:
    def __init__(self, path: str, *, notebook: str, generator: str, seed: int, compress_over: int | None = None):
        """`compress_over`: store datasets of at least that many bytes gzip-compressed (None: never)."""
        os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
        self.path = path
        tmp = path + ".tmp"
        self.file = h5py.File(tmp, "w", libver=("earliest", "v110"), track_order=True)
        self.shared = {}
        self.cases: list[FixtureCase] = []
        self.compress_over = compress_over
        attrs = self.file.attrs
        attrs["format_version"] = np.int64(FORMAT_VERSION)
        attrs["notebook"] = notebook
        attrs["generator"] = generator
        attrs["seed"] = np.int64(seed)
        attrs["torch_version"] = str(torch.__version__)
        attrs["numpy_version"] = str(np.__version__)
        attrs["h5py_version"] = str(h5py.__version__)
        attrs["hdf5_version"] = str(h5py.version.hdf5_version)

    def case(self, name: str, *, replay: str, dtype: str, seed: int, config: dict, description: str,
             no_shadow: str | None = None) -> FixtureCase:
        """Opens a case. A float32 case must get a float64 shadow of every floating output (`FixtureCase.shadow`)
        before the next case opens or the file closes, unless `no_shadow` gives the reason a float64 run is
        impossible (e.g. a random draw only float32 reproduces); the reason is recorded as `shadow_omitted`."""
        if dtype not in DTYPES:
            raise ValueError(f"dtype {dtype!r}: expected one of {sorted(DTYPES)}")
        if no_shadow is not None and (dtype != "float32" or not no_shadow.strip()):
            raise ValueError(f"{name}: no_shadow is a non-empty reason, on a float32 case")
        if self.cases:
            self.cases[-1].check_shadow()
        group = self.file.create_group(name, track_order=True)
        group.attrs["replay"] = replay
        group.attrs["dtype"] = dtype
        group.attrs["config"] = json.dumps(config, sort_keys=True)
        group.attrs["description"] = description
        group.attrs["seed"] = np.int64(seed)
        group.create_group("inputs", track_order=True)
        group.create_group("params", track_order=True)
        group.create_group("outputs", track_order=True)
        if no_shadow is not None:
            group.attrs["shadow_omitted"] = no_shadow
        self.cases.append(FixtureCase(group, dtype, self.shared, no_shadow, self.compress_over))
        return self.cases[-1]

    def __enter__(self) -> "FixtureWriter":
        return self

    def __exit__(self, kind, value, traceback) -> None:
        if kind is None:
            try:
                for case in self.cases:   # also the cases an output was added to after the next one opened
                    case.check_shadow()
            except ValueError:
                self.file.close()
                os.remove(self.path + ".tmp")
                raise
        self.file.close()
        if kind is None:
            os.replace(self.path + ".tmp", self.path)
            print(f"wrote {self.path} ({os.path.getsize(self.path)} bytes)")
        else:
            os.remove(self.path + ".tmp")
