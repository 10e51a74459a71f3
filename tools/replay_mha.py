"""Replays the boostcamp multi-head attention notebook `mha.ipynb` (NOTEBOOKS.md section 2, seed write-ups 000, 001,
003) in PyTorch and writes fixtures/boostcamp_mha.h5 (docs/replays/attention.md).

The two modules are the notebook's, copied as written (quirks included: scale by sqrt of the RAW K's last dim, mask
fill -1e9, `attention` returned before dropout, `actv` and `device` unused). The only additions are marked `# +`:
the scores SDPA computes are kept so that the fixture can record them. Train-mode cases swap the notebook's
`nn.Dropout` for `RecordedDropout`, which draws the same mask from the same RNG and keeps it; `check_recorded_dropout`
shows on the demo that the swap changes nothing.

Run from the worktree root: tools/.venv/bin/python tools/replay_mha.py   (or: $(bash tools/venv.sh) tools/replay_mha.py)
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fixture_writer import (FixtureWriter, RecordedDropout, assert_replayed, float64_twin,  # noqa: E402
                            seed_everything)

BASE_SEED = 2
OUTPUT = "fixtures/boostcamp_mha.h5"


# ---------------------------------------------------------------------------------------------------------------
# The notebook's modules, as written.


class ScaledDotProductAttention(nn.Module):
    def forward(self, Q, K, V, mask=None):
        d_K = K.size()[-1]  # key dimension
        scores = Q.matmul(K.transpose(-2, -1)) / np.sqrt(d_K)
        if mask is not None:
            scores = scores.masked_fill(mask == 0, -1e9)
        self.scores = scores  # + kept for the fixture
        attention = F.softmax(scores, dim=-1)
        out = attention.matmul(V)
        return out, attention


class MultiHeadedAttention(nn.Module):
    def __init__(self, d_feat=128, n_head=5, actv=F.relu, USE_BIAS=True, dropout_p=0.1, device=None):
        super(MultiHeadedAttention, self).__init__()
        if (d_feat % n_head) != 0:
            raise ValueError("d_feat(%d) should be divisible by b_head(%d)" % (d_feat, n_head))
        self.d_feat = d_feat
        self.n_head = n_head
        self.d_head = self.d_feat // self.n_head
        self.actv = actv
        self.USE_BIAS = USE_BIAS
        self.dropout_p = dropout_p  # prob. of zeroed

        self.lin_Q = nn.Linear(self.d_feat, self.d_feat, self.USE_BIAS)
        self.lin_K = nn.Linear(self.d_feat, self.d_feat, self.USE_BIAS)
        self.lin_V = nn.Linear(self.d_feat, self.d_feat, self.USE_BIAS)
        self.lin_O = nn.Linear(self.d_feat, self.d_feat, self.USE_BIAS)

        self.dropout = nn.Dropout(p=self.dropout_p)

    def forward(self, Q, K, V, mask=None):
        n_batch = Q.shape[0]
        Q_feat = self.lin_Q(Q)
        K_feat = self.lin_K(K)
        V_feat = self.lin_V(V)
        Q_split = Q_feat.view(n_batch, -1, self.n_head, self.d_head).permute(0, 2, 1, 3)
        K_split = K_feat.view(n_batch, -1, self.n_head, self.d_head).permute(0, 2, 1, 3)
        V_split = V_feat.view(n_batch, -1, self.n_head, self.d_head).permute(0, 2, 1, 3)
        d_K = K.size()[-1]  # key dimension
        scores = torch.matmul(Q_split, K_split.permute(0, 1, 3, 2)) / np.sqrt(d_K)
        if mask is not None:
            scores = scores.masked_fill(mask == 0, -1e9)
        attention = torch.softmax(scores, dim=-1)
        x_raw = torch.matmul(self.dropout(attention), V_split)  # dropout is NOT mentioned in the paper
        x_rsh1 = x_raw.permute(0, 2, 1, 3).contiguous()
        x_rsh2 = x_rsh1.view(n_batch, -1, self.d_feat)
        x = self.lin_O(x_rsh2)
        out = {'Q_feat': Q_feat, 'K_feat': K_feat, 'V_feat': V_feat,
               'Q_split': Q_split, 'K_split': K_split, 'V_split': V_split,
               'scores': scores, 'attention': attention,
               'x_raw': x_raw, 'x_rsh1': x_rsh1, 'x_rsh2': x_rsh2, 'x': x}
        return out


MHA_OUTPUTS = ["Q_feat", "K_feat", "V_feat", "Q_split", "K_split", "V_split",
               "scores", "attention", "x_raw", "x_rsh1", "x_rsh2", "x"]


# ---------------------------------------------------------------------------------------------------------------
# Masks, as a notebook would build them (1 = attend, 0 = blocked; `masked_fill(mask == 0, -1e9)`).


def padding_mask(lengths: list[int], n_K: int) -> torch.Tensor:
    """`[N, n_K]` bool: key j of batch b is real when j < lengths[b]."""
    return torch.arange(n_K)[None, :] < torch.tensor(lengths)[:, None]


def causal_mask(n_Q: int, n_K: int) -> torch.Tensor:
    """`[n_Q, n_K]` uint8 `torch.tril`: query i sees keys 0..i."""
    return torch.tril(torch.ones(n_Q, n_K, dtype=torch.uint8))


# ---------------------------------------------------------------------------------------------------------------
# The cases. Each draws its tensors after seeding with its own seed, in the notebook's order (inputs, then model).


@dataclass
class SDPACase:
    name: str
    description: str
    n_batch: int
    n_Q: int
    n_K: int
    d_K: int
    d_V: int
    n_head: int | None = None          # None: 3-D inputs [N, n, d]; else 4-D [N, n_head, n, d]
    mask: object = None                # callable(case) -> mask tensor, or None
    dtype: str = "float32"


@dataclass
class MHACase:
    name: str
    description: str
    n_batch: int
    n_Q: int
    n_K: int
    d_feat: int
    n_head: int
    dropout_p: float = 0.1
    train: bool = False                # True: dropout on, the mask it drew recorded as `dropout.attention`
    use_bias: bool = True
    self_attention: bool = False       # Q = K = V = src (the notebook's demo); else three separate tensors
    mask: object = None
    dtype: str = "float32"
    same_as: str | None = None         # draw exactly as that case did (same seed): same src and parameters
    tolerances: dict = field(default_factory=dict)


def blank_rows_mask(c) -> torch.Tensor:
    """`[N, 1, n_Q, n_K]`: padding on queries and keys; a padded query's row is blocked entirely."""
    keys = padding_mask([c.n_K, c.n_K - 2], c.n_K)
    queries = padding_mask([c.n_Q, c.n_Q - 2], c.n_Q)
    return (queries[:, :, None] & keys[:, None, :])[:, None, :, :]


SDPA_CASES = [
    SDPACase("sdpa_demo", "the notebook's SDPA demo cell: torch.rand Q [3,30,128], K [3,50,128], V [3,50,256], "
             "mask=None; batch reduced from 3 to 1 for size", n_batch=1, n_Q=30, n_K=50, d_K=128, d_V=256),
    SDPACase("sdpa_demo_heads", "the notebook's 4-D ('multi-headed') SDPA demo cell with n_head=5, d_K=128, "
             "d_V=256, n_Q=30, n_K=50; batch reduced from 3 to 1 for size", n_batch=1, n_Q=30, n_K=50, d_K=128,
             d_V=256, n_head=5),
    SDPACase("sdpa_padding_mask", "3-D SDPA with a bool padding mask [N,1,n_K] broadcast over queries",
             n_batch=3, n_Q=4, n_K=6, d_K=8, d_V=5, mask=lambda c: padding_mask([6, 4, 1], c.n_K)[:, None, :]),
    SDPACase("sdpa_causal_mask", "3-D SDPA with a uint8 causal mask [n_Q,n_K] (torch.tril) shared by the batch",
             n_batch=2, n_Q=5, n_K=5, d_K=4, d_V=3, mask=lambda c: causal_mask(c.n_Q, c.n_K)),
    SDPACase("sdpa_blank_row", "3-D SDPA with a full [N,n_Q,n_K] mask blocking query row 2 of batch 0 entirely: "
             "-1e9 fill gives a uniform row (1/n_K), not NaN", n_batch=2, n_Q=4, n_K=5, d_K=6, d_V=3,
             mask=lambda c: torch.ones(c.n_batch, c.n_Q, c.n_K, dtype=torch.bool).index_put_(
                 (torch.tensor([0]), torch.tensor([2])), torch.tensor(False))),
    SDPACase("sdpa_heads_causal_cross", "4-D SDPA, 3 heads, n_Q=4 queries over n_K=6 keys, causal-like uint8 "
             "mask [1,1,n_Q,n_K]", n_batch=2, n_Q=4, n_K=6, d_K=5, d_V=7, n_head=3,
             mask=lambda c: torch.tril(torch.ones(c.n_Q, c.n_K, dtype=torch.uint8), diagonal=2)[None, None]),
    SDPACase("sdpa_float64", "3-D SDPA in float64 with a padding mask", n_batch=2, n_Q=3, n_K=4, d_K=6, d_V=2,
             mask=lambda c: padding_mask([4, 2], c.n_K)[:, None, :], dtype="float64"),
]

MHA_CASES = [
    MHACase("mha_demo_notebook", "the notebook's self-attention demo as it ran: d_feat=200, n_head=5, n_src=32, "
            "src=torch.rand, forward(src,src,src,mask=None), dropout p=0.1 ON (never .eval()), mask recorded; "
            "batch reduced from 128 to 1 for size", n_batch=1, n_Q=32, n_K=32, d_feat=200, n_head=5, train=True,
            self_attention=True),
    MHACase("mha_demo_eval", "the same demo after .eval() (dropout is the identity); same parameters, batch 1",
            n_batch=1, n_Q=32, n_K=32, d_feat=200, n_head=5, self_attention=True, same_as="mha_demo_notebook"),
    MHACase("mha_small_eval", "d_feat=12, 3 heads, separate Q, K, V, no mask, eval", n_batch=2, n_Q=5, n_K=5,
            d_feat=12, n_head=3),
    MHACase("mha_padding_mask", "d_feat=12, 3 heads, bool padding mask [N,1,1,n_K], eval", n_batch=3, n_Q=6,
            n_K=6, d_feat=12, n_head=3, mask=lambda c: padding_mask([6, 3, 1], c.n_K)[:, None, None, :]),
    MHACase("mha_causal_train", "d_feat=12, 3 heads, uint8 causal mask [N,1,n_Q,n_K], dropout p=0.25 on and "
            "recorded", n_batch=2, n_Q=5, n_K=5, d_feat=12, n_head=3, dropout_p=0.25, train=True,
            mask=lambda c: causal_mask(c.n_Q, c.n_K)[None, None].repeat(c.n_batch, 1, 1, 1)),
    MHACase("mha_blank_rows", "d_feat=12, 3 heads, padding on queries and keys [N,1,n_Q,n_K]: padded query rows "
            "are blocked entirely and -1e9 makes them uniform (not NaN); dropout p=0.1 recorded",
            n_batch=2, n_Q=5, n_K=5, d_feat=12, n_head=3, train=True, mask=blank_rows_mask),
    MHACase("mha_cross_attention", "cross-attention: 4 queries over 7 keys/values, d_feat=12, 3 heads, padding "
            "mask [N,1,1,n_K], eval", n_batch=2, n_Q=4, n_K=7, d_feat=12, n_head=3,
            mask=lambda c: padding_mask([7, 5], c.n_K)[:, None, None, :]),
    MHACase("mha_single_head", "n_head=1 (d_head = d_feat: the scale is the textbook one here), d_feat=8, eval",
            n_batch=2, n_Q=3, n_K=4, d_feat=8, n_head=1),
    MHACase("mha_no_bias_train", "USE_BIAS=False, d_feat=16, 4 heads, dropout p=0.5 on and recorded",
            n_batch=2, n_Q=4, n_K=4, d_feat=16, n_head=4, dropout_p=0.5, train=True, use_bias=False),
    MHACase("mha_float64_train", "float64, d_feat=12, 2 heads, padding mask [N,1,1,n_K], dropout p=0.2 on and "
            "recorded", n_batch=2, n_Q=3, n_K=5, d_feat=12, n_head=2, dropout_p=0.2, train=True,
            mask=lambda c: padding_mask([5, 3], c.n_K)[:, None, None, :], dtype="float64"),
]


# ---------------------------------------------------------------------------------------------------------------
# Writing.


def torch_dtype(name: str) -> torch.dtype:
    return {"float32": torch.float32, "float64": torch.float64}[name]


def write_sdpa(f: FixtureWriter, c: SDPACase, seed: int) -> None:
    seed_everything(seed)
    dt = torch_dtype(c.dtype)
    lead = [c.n_batch] if c.n_head is None else [c.n_batch, c.n_head]
    Q = torch.rand(*lead, c.n_Q, c.d_K, dtype=dt)
    K = torch.rand(*lead, c.n_K, c.d_K, dtype=dt)
    V = torch.rand(*lead, c.n_K, c.d_V, dtype=dt)
    mask = c.mask(c) if c.mask else None
    SPDA = ScaledDotProductAttention()
    out, attention = SPDA.forward(Q, K, V, mask=mask)
    assert torch.isfinite(attention).all(), c.name  # -1e9, not -inf: a blocked row is uniform, never NaN
    if mask is not None:
        blocked = (mask == 0).expand_as(attention).all(dim=-1)
        assert torch.equal(attention[blocked], torch.full_like(attention[blocked], 1 / c.n_K)), c.name

    case = f.case(c.name, replay="attention.sdpa", dtype=c.dtype, seed=seed, config={},
                  description=c.description)
    case.inputs(Q=Q, K=K, V=V, **({"mask": mask} if mask is not None else {}))
    case.outputs(scores=SPDA.scores, attention=attention, out=out)
    if c.dtype == "float32":
        out, attention = SPDA.forward(Q.double(), K.double(), V.double(), mask=mask)
        case.shadow(scores=SPDA.scores, attention=attention, out=out)


def build_mha(c: MHACase, seed: int):
    seed_everything(seed)
    dt = torch_dtype(c.dtype)
    if c.self_attention:
        src = torch.rand(c.n_batch, c.n_Q, c.d_feat, dtype=dt)
        Q = K = V = src
    else:
        Q = torch.rand(c.n_batch, c.n_Q, c.d_feat, dtype=dt)
        K = torch.rand(c.n_batch, c.n_K, c.d_feat, dtype=dt)
        V = torch.rand(c.n_batch, c.n_K, c.d_feat, dtype=dt)
    model = MultiHeadedAttention(d_feat=c.d_feat, n_head=c.n_head, actv=F.relu, USE_BIAS=c.use_bias,
                                 dropout_p=c.dropout_p, device=None).to(dt)
    return Q, K, V, model


def write_mha(f: FixtureWriter, c: MHACase, seed: int, seeds: dict) -> None:
    if c.same_as:
        # Draw exactly as that case did (its batch of src, then the model), then keep the first n_batch rows.
        seed = seeds[c.same_as]
        reference = next(r for r in MHA_CASES if r.name == c.same_as)
        Q, K, V, model = build_mha(reference, seed)
        Q, K, V = Q[:c.n_batch], K[:c.n_batch], V[:c.n_batch]
    else:
        Q, K, V, model = build_mha(c, seed)
    mask = c.mask(c) if c.mask else None
    model.dropout = RecordedDropout(c.dropout_p)
    model.train(c.train)
    out = model.forward(Q, K, V, mask=mask)
    recorded = model.dropout.mask
    assert (recorded is not None) == (c.train and c.dropout_p > 0), c.name
    assert len(model.dropout.masks) <= 1, c.name
    assert torch.isfinite(out["attention"]).all(), c.name
    if mask is not None:
        blocked = (mask == 0).expand_as(out["attention"]).all(dim=-1)
        uniform = torch.full_like(out["attention"][blocked], 1 / c.n_K)
        assert torch.equal(out["attention"][blocked], uniform), c.name

    case = f.case(c.name, replay="attention.mha", dtype=c.dtype, seed=seed,
                  config={"d_feat": c.d_feat, "n_head": c.n_head, "dropout_p": c.dropout_p, "train": c.train,
                          "use_bias": c.use_bias},
                  description=c.description)
    inputs = {"Q": Q, "K": K, "V": V}
    if mask is not None:
        inputs["mask"] = mask
    if recorded is not None:
        inputs["dropout.attention"] = recorded
    case.inputs(**inputs)
    case.params(model.state_dict())
    case.outputs(**{name: out[name] for name in MHA_OUTPUTS})
    if c.dtype == "float32":
        twin = float64_twin(model)   # the same parameters upcast, the recorded dropout mask replayed
        out = twin.forward(Q.double(), K.double(), V.double(), mask=mask)
        assert_replayed(twin)
        case.shadow(**{name: out[name] for name in MHA_OUTPUTS})


def check_recorded_dropout(c: MHACase, seed: int) -> None:
    """The notebook's own module (nn.Dropout, train mode) and the recording one give the same result: same mask."""
    Q, K, V, model = build_mha(c, seed)
    torch.manual_seed(seed + 1000)
    original = model.forward(Q, K, V, mask=None)
    model.dropout = RecordedDropout(c.dropout_p)
    torch.manual_seed(seed + 1000)
    recorded = model.forward(Q, K, V, mask=None)
    for name in MHA_OUTPUTS:
        torch.testing.assert_close(recorded[name], original[name], rtol=0, atol=1e-6, msg=name)


def check_indivisible() -> None:
    """`d_feat % n_head != 0` is refused when the module is built (the Swift layer throws a LayerError)."""
    try:
        MultiHeadedAttention(d_feat=10, n_head=3)
    except ValueError as error:
        assert "should be divisible" in str(error)
    else:
        raise AssertionError("d_feat=10, n_head=3 was accepted")


def main() -> None:
    check_indivisible()
    seeds = {}
    with FixtureWriter(OUTPUT, notebook="boostcamp/mha.ipynb", generator="tools/replay_mha.py",
                       seed=BASE_SEED) as f:
        for i, c in enumerate(SDPA_CASES):
            write_sdpa(f, c, BASE_SEED * 1000 + i)
        for i, c in enumerate(MHA_CASES):
            seeds[c.name] = BASE_SEED * 1000 + 100 + i
            write_mha(f, c, seeds[c.name], seeds)
    check_recorded_dropout(MHA_CASES[0], seeds[MHA_CASES[0].name])


if __name__ == "__main__":
    main()
