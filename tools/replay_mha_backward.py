"""The backward pass of boostcamp `mha.ipynb`'s `MultiHeadedAttention` (NOTEBOOKS.md section 2), written to
fixtures/mha_backward.h5 (replay `attention.mha_backward`, docs/replays/attention.md).

    tools/.venv/bin/python tools/replay_mha_backward.py

The module is the notebook's, imported from tools/replay_mha.py as written (scale by sqrt(d_feat), mask fill -1e9,
dropout between the softmax and V_split). Each case runs `out = MHA.forward(Q, K, V, mask)`, then
`out['x'].backward(dx)` with `dx` a random upstream gradient recorded in the fixture (never all ones), and records
PyTorch autograd's gradients: of the notebook's intermediates `x_raw`, `V_split`, `attention`, `scores`, `Q_split`,
`K_split` (`retain_grad()`), of every `lin_*` parameter, and of the inputs Q, K, V. Q, K and V are three leaves even
when they hold the same values (the notebook's self-attention demo passes `src` three times; the gradient of `src`
would be the sum of the three). Train-mode cases record the dropout mask PyTorch drew. Every float32 case carries a
float64 shadow computed from the upcast inputs and parameters with the same masks.
"""

from __future__ import annotations

import copy
import os
import sys
from dataclasses import dataclass

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fixture_writer import FixtureWriter, RecordedDropout, seed_everything  # noqa: E402
from replay_mha import MultiHeadedAttention, blank_rows_mask, causal_mask, padding_mask  # noqa: E402

BASE_SEED = 300
OUTPUT = "fixtures/mha_backward.h5"
INTERMEDIATES = ["x_raw", "V_split", "attention", "scores", "Q_split", "K_split"]


@dataclass
class Case:
    name: str
    description: str
    n_batch: int
    n_Q: int
    n_K: int
    d_feat: int
    n_head: int
    dropout_p: float = 0.1
    train: bool = False
    use_bias: bool = True
    self_attention: bool = False
    mask: object = None
    dtype: str = "float32"


CASES = [
    Case("demo_train", "the demo layer (d_feat=200, n_head=5, dropout p=0.1 on, as the notebook ran it), "
         "self-attention forward(src, src, src) with a reduced batch 2 of n_src=6 (the notebook: 128 of 32)",
         n_batch=2, n_Q=6, n_K=6, d_feat=200, n_head=5, train=True, self_attention=True),
    Case("causal_train", "d_feat=12, 3 heads, uint8 causal mask [N,1,n_Q,n_K], dropout p=0.25 on and recorded",
         n_batch=2, n_Q=5, n_K=5, d_feat=12, n_head=3, dropout_p=0.25, train=True,
         mask=lambda c: causal_mask(c.n_Q, c.n_K)[None, None].repeat(c.n_batch, 1, 1, 1)),
    Case("blank_rows_train", "d_feat=12, 3 heads, padding on queries and keys [N,1,n_Q,n_K]: padded query rows are "
         "blocked entirely, so -1e9 makes them uniform and only masked_fill's backward zeroes their score gradients; "
         "dropout p=0.1 recorded", n_batch=2, n_Q=5, n_K=5, d_feat=12, n_head=3, train=True, mask=blank_rows_mask),
    Case("cross_padding_eval", "cross-attention, 4 queries over 7 keys/values, padding mask [N,1,1,n_K], eval",
         n_batch=2, n_Q=4, n_K=7, d_feat=12, n_head=3, mask=lambda c: padding_mask([7, 5], c.n_K)[:, None, None, :]),
    Case("no_bias_single_query", "USE_BIAS=False, d_feat=16, 4 heads, one query (n_Q=1), dropout p=0.5 recorded",
         n_batch=2, n_Q=1, n_K=4, d_feat=16, n_head=4, dropout_p=0.5, train=True, use_bias=False),
    Case("float64_train", "float64, d_feat=12, 2 heads, padding mask [N,1,1,n_K], dropout p=0.2 recorded",
         n_batch=2, n_Q=3, n_K=5, d_feat=12, n_head=2, dropout_p=0.2, train=True,
         mask=lambda c: padding_mask([5, 3], c.n_K)[:, None, None, :], dtype="float64"),
]


def backward(model, Q, K, V, mask, dx, dropout_mask):
    """forward + backward(dx); the dropout replays `dropout_mask` (None: eval). Returns the outputs in order."""
    Q, K, V = (t.detach().clone().requires_grad_(True) for t in (Q, K, V))
    if dropout_mask is not None:
        model.dropout = FixedDropout(model.dropout_p, dropout_mask)
    out = model.forward(Q, K, V, mask=mask)
    for name in INTERMEDIATES:
        out[name].retain_grad()
    out["x"].backward(dx)
    named = dict(model.named_parameters())
    result = {"x": out["x"].detach().clone()}
    # In the order backpropagation reaches them.
    result["grad.lin_O.weight"] = named["lin_O.weight"].grad
    if "lin_O.bias" in named:
        result["grad.lin_O.bias"] = named["lin_O.bias"].grad
    for name in INTERMEDIATES:
        result[f"grad.{name}"] = out[name].grad
    for lin in ("lin_V", "lin_K", "lin_Q"):
        result[f"grad.{lin}.weight"] = named[f"{lin}.weight"].grad
        if f"{lin}.bias" in named:
            result[f"grad.{lin}.bias"] = named[f"{lin}.bias"].grad
    result["grad.Q"], result["grad.K"], result["grad.V"] = Q.grad, K.grad, V.grad
    return {k: v.detach().clone() for k, v in result.items()}


class FixedDropout(torch.nn.Dropout):
    """Applies a recorded mask as `x * mask / (1 - p)`, RecordedDropout's arithmetic (for the float64 shadow)."""

    def __init__(self, p, mask):
        super().__init__(p)
        self.fixed = mask

    def forward(self, x):
        return x * self.fixed / (1 - self.p)


def write(f: FixtureWriter, c: Case, seed: int) -> None:
    seed_everything(seed)
    dt = {"float32": torch.float32, "float64": torch.float64}[c.dtype]
    if c.self_attention:
        src = torch.rand(c.n_batch, c.n_Q, c.d_feat, dtype=dt)
        Q = K = V = src
    else:
        Q = torch.rand(c.n_batch, c.n_Q, c.d_feat, dtype=dt)
        K = torch.rand(c.n_batch, c.n_K, c.d_feat, dtype=dt)
        V = torch.rand(c.n_batch, c.n_K, c.d_feat, dtype=dt)
    model = MultiHeadedAttention(d_feat=c.d_feat, n_head=c.n_head, USE_BIAS=c.use_bias, dropout_p=c.dropout_p).to(dt)
    initial = copy.deepcopy(model.state_dict())
    mask = c.mask(c) if c.mask else None
    dx = torch.randn(c.n_batch, c.n_Q, c.d_feat, dtype=dt)
    # Draw the dropout mask as the notebook's module would (train mode), then replay it.
    model.dropout = RecordedDropout(c.dropout_p)
    model.train(c.train)
    with torch.no_grad():
        drawn = model.forward(Q, K, V, mask=mask)["x"]
    dropout_mask = model.dropout.mask
    assert (dropout_mask is not None) == (c.train and c.dropout_p > 0), c.name
    shadow_model = copy.deepcopy(model).double() if c.dtype == "float32" else None
    out = backward(model, Q, K, V, mask, dx, dropout_mask)
    # The replayed mask gives what the recorded draw gave.
    torch.testing.assert_close(out["x"], drawn, rtol=0, atol=0)
    assert all(torch.isfinite(v).all() for v in out.values()), c.name

    case = f.case(c.name, replay="attention.mha_backward", dtype=c.dtype, seed=seed,
                  config={"d_feat": c.d_feat, "n_head": c.n_head, "dropout_p": c.dropout_p, "train": c.train,
                          "use_bias": c.use_bias},
                  description=c.description)
    inputs = {"Q": Q, "K": K, "V": V, "dx": dx}
    if mask is not None:
        inputs["mask"] = mask
    if dropout_mask is not None:
        inputs["dropout.attention"] = dropout_mask
    case.inputs(**inputs)
    case.params(initial)
    case.outputs(**out)
    if shadow_model is not None:
        shadow = backward(shadow_model, Q.double(), K.double(), V.double(), mask, dx.double(), dropout_mask)
        case.shadow(**shadow)


def main() -> None:
    with FixtureWriter(OUTPUT, notebook="boostcamp/mha.ipynb", generator="tools/replay_mha_backward.py",
                       seed=BASE_SEED) as f:
        for i, c in enumerate(CASES):
            write(f, c, BASE_SEED + i)


if __name__ == "__main__":
    main()
