"""Replays the training loop of boostcamp `lstm.ipynb` (NOTEBOOKS.md section 1) and writes fixtures/lstm_train.h5.

    tools/.venv/bin/python tools/replay_lstm_train.py [--out fixtures/lstm_train.h5] [--notebook-sizes]

Each case runs K consecutive steps of the notebook's "Train" cell, as written:

    y_pred = R.forward(x); loss_out = loss(y_pred, y)       # loss = nn.CrossEntropyLoss()
    optm.zero_grad(); loss_out.backward(); optm.step()      # optm = optim.Adam(R.parameters(), lr=1e-3)

and records, per step k: the logits, the loss, every parameter's `.grad` (PyTorch autograd), the gradient of the
input batch (x is made a leaf that requires grad; that changes no parameter gradient), and every parameter after
`optm.step()` (replay `lstm.train`, docs/replays/lstm.md). Every float32 case carries its float64 shadow: the same
steps run by a float64 copy of the model from the upcast float32 parameters and inputs.

Sizes. A step at the notebook's sizes (hidden 256, two layers: 821,770 parameters) records 2 x 821,770 values
(gradients and parameters), 12 bytes each with the shadow: 20 MB a step, over the whole fixtures/ budget. So the
small cases keep the notebook's input 28, layers, 10 classes and 28 rows per image, reduce the hidden size and record
every tensor, and `notebook_sizes` runs hidden 256 (batch 2) with the gradients and updated values of its four LSTM
weight matrices computed by both sides but not stored (case attribute `unchecked_outputs`): they reach the next
steps' recorded logits and losses. Its initial parameters (3.3 MB in float32) are stored gzip-compressed
(`compress_over`). `--notebook-sizes` writes, outside fixtures/, that case and its float64 twin with every tensor
recorded: the notebook-size tier (tools/notebook_sizes.py) that CI generates, checks against committed digests and
replays.
"""

from __future__ import annotations

import argparse
import copy
import json

import numpy as np
import torch
import torch.nn as nn
import torch.optim as optim

from fixture_writer import FixtureWriter, seed_everything
from replay_lstm import RecurrentNeuralNetworkClass, generated_digits

BASE_SEED = 100
LR = 1e-3


def train_steps(model: RecurrentNeuralNetworkClass, xs: torch.Tensor, ys: torch.Tensor,
                unrecorded: frozenset = frozenset()) -> dict:
    """K steps of the notebook's loop; every recorded tensor in dataflow order (see the module docstring), minus
    the gradients and updated values of the parameters named in `unrecorded` (computed all the same)."""
    loss = nn.CrossEntropyLoss()
    optm = optim.Adam(model.parameters(), lr=LR)
    assert optm.defaults["foreach"] is None and optm.defaults["fused"] is None  # CPU: the single-tensor path
    keys = list(model.state_dict().keys())
    named = dict(model.named_parameters())
    # The order backpropagation completes the gradients: the Linear layer, then the LSTM from the top layer down.
    backward_order = ["lin.weight", "lin.bias"] + [
        f"rnn.{w}_l{k}" for k in reversed(range(model.n_layer))
        for w in ("weight_ih", "weight_hh", "bias_ih", "bias_hh")]
    assert sorted(backward_order) == sorted(keys)
    out = {}
    model.train()
    for k in range(xs.shape[0]):
        x = xs[k].clone().requires_grad_(True)
        y_pred = model.forward(x)
        loss_out = loss(y_pred, ys[k])
        optm.zero_grad()
        loss_out.backward()
        out[f"logits{k}"] = y_pred.detach().clone()
        out[f"loss{k}"] = loss_out.detach().clone()
        for key in backward_order:
            if key not in unrecorded:
                out[f"grad{k}.{key}"] = named[key].grad.detach().clone()
        out[f"grad{k}.x"] = x.grad.detach().clone()
        optm.step()
        for key in keys:
            if key not in unrecorded:
                out[f"param{k}.{key}"] = named[key].detach().clone()
    return out


def write_case(f: FixtureWriter, name: str, *, hdim: int, n_layer: int, batch: int, length: int, steps: int,
               dtype: str, seed: int, description: str, images: bool, unrecorded: tuple = ()) -> None:
    seed_everything(seed)
    model = RecurrentNeuralNetworkClass(name="rnn", xdim=28, hdim=hdim, ydim=10, n_layer=n_layer)
    if dtype == "float64":
        model = model.double()
    dt = torch.float64 if dtype == "float64" else torch.float32
    rng = np.random.default_rng(seed)
    if images:  # digit-like 28x28 images read row by row, pixels in [0, 1] (ToTensor), as the notebook's MNIST
        assert length == 28
        pixels, labels = generated_digits(steps * batch, rng)
        xs = torch.from_numpy(pixels).view(steps, batch, 28, 28).to(dt)
        ys = torch.from_numpy(labels).view(steps, batch)
    else:
        xs = torch.from_numpy(rng.random((steps, batch, length, 28))).to(dt)
        ys = torch.from_numpy(rng.integers(0, 10, size=(steps, batch)).astype(np.int64))
    initial = copy.deepcopy(model.state_dict())
    shadow_model = copy.deepcopy(model).double() if dtype == "float32" else None
    unrecorded = frozenset(unrecorded)
    assert unrecorded <= set(initial), sorted(unrecorded - set(initial))
    out = train_steps(model, xs, ys, unrecorded)

    case = f.case(name, replay="lstm.train", dtype=dtype, seed=seed,
                  config={"xdim": 28, "hdim": hdim, "ydim": 10, "n_layer": n_layer, "steps": steps,
                          "lr": LR, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8},
                  description=description)
    if unrecorded:
        # The replay computes every gradient and updated parameter; the harness checks that the ones not stored
        # are named here, each with its reason (docs/FIXTURES.md, `unchecked_outputs`).
        case.group.attrs["unchecked_outputs"] = json.dumps({
            f"{what}{k}.{key}": UNRECORDED_REASON for k in range(steps) for what in ("grad", "param")
            for key in sorted(unrecorded)})
    case.inputs(x=xs, targets=ys)
    case.params(initial)
    case.outputs(**out)
    if shadow_model is not None:
        shadow = train_steps(shadow_model, xs.double(), ys, unrecorded)
        case.shadow(**shadow)


CASES = [
    # name, hdim, n_layer, batch, length, steps, dtype, images, description
    ("notebook_layout", 16, 2, 4, 28, 3, "float32", True,
     "Train cell, 3 steps: the notebook's input 28, two layers, 10 classes, Adam(lr=1e-3); 28x28 generated digits "
     "read row by row, batch 4; hidden 16, every tensor recorded (notebook_sizes runs the notebook's 256)"),
    ("notebook_layout_f64", 8, 2, 3, 28, 3, "float64", True,
     "Train cell, 3 steps, in float64: input 28, two layers, 10 classes, hidden 8, batch 3 of generated digits"),
    ("one_layer", 12, 1, 3, 10, 3, "float32", False,
     "Not in the notebook: one layer (hidden 12), sequences of 10 rows, 3 steps"),
    ("three_layers", 8, 3, 2, 7, 3, "float32", False,
     "Not in the notebook: the class default n_layer=3 (hidden 8), sequences of 7 rows, 3 steps"),
    ("sequence_length_1", 8, 2, 3, 1, 3, "float32", False,
     "Not in the notebook: sequences of length 1 (no recurrence to backpropagate through), two layers, hidden 8"),
]


# The notebook's sizes: R(28, 256, 10, n_layer=2), 821,770 parameters (3.3 MB in float32, stored once as the
# initial parameters). The gradients and updated values of its four LSTM weight matrices (819,200 of the 821,770
# values a step) are computed by both sides but not stored: they reach the next steps' recorded logits and losses.
# The biases, lin.* and grad<k>.x are recorded in full; the small cases above record every tensor.
NOTEBOOK_SIZES = dict(hdim=256, n_layer=2, batch=2, length=28, steps=3, dtype="float32", images=True)
NOTEBOOK_UNRECORDED = ("rnn.weight_ih_l0", "rnn.weight_hh_l0", "rnn.weight_ih_l1", "rnn.weight_hh_l1")
UNRECORDED_REASON = ("notebook-size LSTM weight matrix, not stored (fixture budget: 2 x 819,200 values a step, 59 MB "
                     "over 3 steps with the float64 shadow); it reaches the next steps' recorded logits and losses, "
                     "the small cases record every one, and the notebook-size tier (tools/notebook_sizes.py) records "
                     "and checks these in full")
NOTEBOOK_SIZES_DESCRIPTION = (
    "Train cell, 3 steps at the notebook's sizes: R(28, 256, 10, n_layer=2), Adam(lr=1e-3), batch 2 of generated "
    "digits (the notebook's batch is 256 of MNIST); the LSTM weight matrices' gradients and updated values are not "
    "stored (fixture budget), the biases', lin.*'s and the input's are")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=None)
    parser.add_argument("--notebook-sizes", action="store_true",
                        help="write only the notebook-size cases, float32 and float64, with every gradient and "
                             "parameter recorded, to --out (63 MB: the notebook-size tier, tools/notebook_sizes.py)")
    args = parser.parse_args()
    if args.notebook_sizes:
        with FixtureWriter(args.out or "/tmp/lstm_train_notebook_sizes.h5", notebook="boostcamp/lstm.ipynb",
                           generator="tools/replay_lstm_train.py", seed=BASE_SEED) as f:
            tier = dict(NOTEBOOK_SIZES, batch=32)   # reduced from the notebook's 256 to keep CI short; not committed
            write_case(f, "notebook_sizes", **tier, seed=BASE_SEED + 50,
                       description="Train cell, 3 steps at the notebook's sizes: R(28, 256, 10, n_layer=2), "
                                   "Adam(lr=1e-3), batch 32 of generated digits (256 in the notebook), every tensor "
                                   "recorded")
            write_case(f, "notebook_sizes_f64", **dict(tier, dtype="float64"), seed=BASE_SEED + 51,
                       description="the same in float64: R(28, 256, 10, n_layer=2), Adam(lr=1e-3), 3 steps, batch "
                                   "32 of generated digits, every tensor recorded")
        return
    with FixtureWriter(args.out or "fixtures/lstm_train.h5", notebook="boostcamp/lstm.ipynb",
                       generator="tools/replay_lstm_train.py", seed=BASE_SEED, compress_over=8192) as f:
        for i, (name, hdim, n_layer, batch, length, steps, dtype, images, description) in enumerate(CASES):
            write_case(f, name, hdim=hdim, n_layer=n_layer, batch=batch, length=length, steps=steps, dtype=dtype,
                       seed=BASE_SEED + i, description=description, images=images)
        write_case(f, "notebook_sizes", **NOTEBOOK_SIZES, seed=BASE_SEED + 50,
                   description=NOTEBOOK_SIZES_DESCRIPTION, unrecorded=NOTEBOOK_UNRECORDED)


if __name__ == "__main__":
    main()
