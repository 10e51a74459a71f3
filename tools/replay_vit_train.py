"""Replays training steps of the boostcamp Vision Transformer (NOTEBOOKS.md section 3) into fixtures/vit_train.h5.

Each case runs `steps` consecutive iterations of the usual loop over the assignment's `vision_transformer`
(the modules of tools/replay_vit.py, written from NOTEBOOKS.md):

    optimizer = optim.Adam(model.parameters(), lr=1e-3)        # PyTorch's default betas and eps
    criterion = nn.CrossEntropyLoss()
    for x_k, targets_k in batches:
        optimizer.zero_grad()
        y, attentions = model(x_k)
        loss = criterion(y, targets_k)
        loss.backward(); optimizer.step()

in train mode, with every dropout (the attention's `att_drop` and the MLP's) applying a pre-drawn mask
(`x * mask / (1 - p)`, what nn.Dropout computes for the mask it draws), so that the float64 shadow reruns the same
steps. Gradients come from PyTorch autograd: of every parameter (the class token and the position table included)
and of the input image (`x_k.requires_grad_()`), which goes back through the patch rearrangement.

The case layout is documented in docs/replays/vision_transformer.md (`vit.train`).
"""

from __future__ import annotations

import copy
import os
import sys

import torch
from torch import nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fixture_writer import FixtureWriter, RecordedDropout, seed_everything  # noqa: E402
from replay_aae_train import adam_noise_drift  # noqa: E402
from replay_vit import DEMO, check_rearrange, vision_transformer  # noqa: E402

BASE_SEED = 11
ADAM = dict(lr=1e-3, betas=(0.9, 0.999), eps=1e-8)
RGB4 = dict(in_channels=3, img_size=32, patch_size=4, emb_dim=8, n_enc_layers=2, num_heads=2, forward_dim=4,
            dropout_ratio=0.2, n_classes=10)
TINY = dict(in_channels=2, img_size=8, patch_size=4, emb_dim=8, n_enc_layers=2, num_heads=2, forward_dim=2,
            dropout_ratio=0.3, n_classes=5)


class MaskDropout(nn.Module):
    """`nn.Dropout(p)` in train mode with the mask given ahead: `x * mask / (1 - p)`; each call takes the next mask."""

    def __init__(self, p):
        super().__init__()
        self.p = p
        self.queue = []

    def forward(self, x):
        return x * self.queue.pop(0) / (1 - self.p)


def build_model(c, residual, pooling, seed):
    seed_everything(seed)
    model = vision_transformer(**c, residual=residual, pooling=pooling)
    for block in model.em:
        assert isinstance(block.mha.att_drop, RecordedDropout) and isinstance(block.mlp.dropout, RecordedDropout)
        block.mha.att_drop = MaskDropout(c["dropout_ratio"])
        block.mlp.dropout = MaskDropout(c["dropout_ratio"])
    model.train()
    return model


def draw_steps(c, n, steps):
    """Per step: the images, the class targets and every block's two dropout masks."""
    tokens = (c["img_size"] // c["patch_size"]) ** 2 + 1
    keep = 1 - c["dropout_ratio"]
    drawn = []
    for _ in range(steps):
        x = torch.randn(n, c["in_channels"], c["img_size"], c["img_size"])
        targets = torch.randint(0, c["n_classes"], (n,))
        masks = {}
        for i in range(c["n_enc_layers"]):
            masks[f"block{i}.attention"] = torch.empty(n, c["num_heads"], tokens, tokens).bernoulli_(keep).bool()
            masks[f"block{i}.mlp"] = torch.empty(n, tokens, c["forward_dim"] * c["emb_dim"]).bernoulli_(keep).bool()
        drawn.append(dict(x=x, targets=targets, masks=masks))
    return drawn


def train(model, drawn, dtype):
    """The loop above, once per entry of `drawn`, in `dtype`; returns the recorded outputs in order."""
    model = copy.deepcopy(model).to(dtype)
    optimizer = torch.optim.Adam(model.parameters(), lr=ADAM["lr"], betas=ADAM["betas"], eps=ADAM["eps"])
    criterion = nn.CrossEntropyLoss()
    out = {}
    for k, d in enumerate(drawn):
        for i, block in enumerate(model.em):
            block.mha.att_drop.queue.append(d["masks"][f"block{i}.attention"])
            block.mlp.dropout.queue.append(d["masks"][f"block{i}.mlp"])
        x = d["x"].to(dtype).detach().clone().requires_grad_()
        optimizer.zero_grad()
        y, _ = model(x, {})
        loss = criterion(y, d["targets"])
        loss.backward()
        optimizer.step()
        out[f"logits{k}"] = y.detach().clone()
        out[f"loss{k}"] = loss.detach().clone()
        for key, p in model.named_parameters():
            out[f"grad{k}.{key}"] = p.grad.detach().clone()
        out[f"grad{k}.x"] = x.grad.detach().clone()
        for key, p in model.named_parameters():
            out[f"param{k}.{key}"] = p.detach().clone()
    for block in model.em:
        assert not block.mha.att_drop.queue and not block.mlp.dropout.queue, "a recorded mask was not used"
    return out


def add_case(f, name, c, residual, pooling, seed, n, steps, dtype, description):
    model = build_model(c, residual, pooling, seed)
    assert [k for k, _ in model.named_parameters()] == list(model.state_dict().keys())
    tdtype = {"float32": torch.float32, "float64": torch.float64}[dtype]
    model = model.to(tdtype)
    drawn = draw_steps(c, n, steps)
    cfg = {**c, "residual": residual, "pooling": pooling, "train": True, "steps": steps, "adam_lr": ADAM["lr"],
           "adam_beta1": ADAM["betas"][0], "adam_beta2": ADAM["betas"][1], "adam_eps": ADAM["eps"]}
    case = f.case(name, replay="vit.train", dtype=dtype, seed=seed, config=cfg, description=description)
    inputs = {}
    for k, d in enumerate(drawn):
        inputs[f"x{k}"] = d["x"].to(tdtype)
        inputs[f"targets{k}"] = d["targets"]
        for where, mask in d["masks"].items():
            inputs[f"dropout.step{k}.{where}"] = mask
    case.inputs(**inputs)
    case.params(model.state_dict())
    out = train(model, drawn, tdtype)
    case.outputs(**out)
    if dtype == "float32":
        shadow = train(model.to(torch.float64), drawn, torch.float64)
        case.shadow(**shadow)
        loosen_key_bias(case, c, steps, out, shadow)


def loosen_key_bias(case, c, steps, out, shadow):
    """Tolerances for `mha.key.bias` after each Adam step, with the bound that justifies them.

    The key bias adds q . b_key to every score of a query's row, and softmax ignores a constant added to a row: the
    loss does not depend on it, its exact gradient is 0 and both sides compute rounding noise (|g| ~ 1e-9 in float32;
    the gradients themselves pass at default tolerances). Adam divides by sqrt(v) + eps and turns that noise into
    steps of about lr whose signs no implementation can reproduce; `adam_noise_drift` bounds the gap after step k."""
    drift = adam_noise_drift(ADAM["lr"], ADAM["betas"], steps)
    for k in range(steps):
        for i in range(c["n_enc_layers"]):
            name = f"param{k}.em.{i}.mha.key.bias"
            gap = (out[name].double() - shadow[name]).abs().max().item()
            case.tolerance(name, rtol=1.3e-6, atol=drift[k], reason=(
                f"softmax is invariant to the key bias (it adds q . b to a whole row of scores), so its exact gradient "
                f"is 0 and float32 computes rounding noise; Adam (lr {ADAM['lr']:g}, betas {ADAM['betas']}) turns "
                f"noise into steps of about lr: bound D_{k} = {drift[k]:.3g} (2 lr times the sum of Adam's per-step "
                f"bounds, tools/replay_aae_train.py adam_noise_drift); measured: PyTorch float32 vs its float64 "
                f"shadow {gap:.3g}"))


def main() -> None:
    torch.set_num_threads(1)
    check_rearrange()
    path = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "fixtures", "vit_train.h5")
    with FixtureWriter(path, notebook="boostcamp/vision_transformer.ipynb (reconstructed, NOTEBOOKS.md section 3), "
                       "training loop", generator="tools/replay_vit_train.py", seed=BASE_SEED,
                       compress_over=8192) as f:
        s = BASE_SEED * 100
        add_case(f, "demo_train_seed003", DEMO, "seed003", "cls", s + 1, 1, 3, "float32",
                 "three Adam steps of the class demo vision_transformer(1, 28, 4, 16, 3, 2, 4, 0.2, 10), seed 003's "
                 "residual (adds the normalized input) and class-token pooling, one image per step as the class demo (y "
                 "[1, 10]), every dropout mask recorded")
        add_case(f, "rgb_train_prenorm_mean", RGB4, "prenorm", "mean", s + 2, 2, 3, "float32",
                 "three Adam steps on 3x32x32 images, patch 4 (64 patches packed (p1, p2, c)), emb 8, 2 heads, 2 blocks, "
                 "pre-norm "
                 "residual and mean pooling, batch 2: the input gradient goes back through the channel-fastest packing")
        add_case(f, "tiny_train_prenorm_float64", TINY, "prenorm", "cls", s + 3, 3, 3, "float64",
                 "three Adam steps in float64 at sizes the notebook never used (2x8x8 images, patch 4, emb 8, 2 heads, "
                 "2 blocks, forward 2, p 0.3, 5 classes), pre-norm residual, class-token pooling, batch 3")
        add_case(f, "tiny_train_seed003_mean_float64", TINY, "seed003", "mean", s + 4, 2, 3, "float64",
                 "the same in float64 with seed 003's residual and mean pooling, batch 2")


if __name__ == "__main__":
    main()
