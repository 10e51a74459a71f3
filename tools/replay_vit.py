"""Replays the boostcamp Vision Transformer assignment (NOTEBOOKS.md section 3, seed write-up 003) in PyTorch and
writes fixtures/vit.h5 (docs/replays/vision_transformer.md).

The original notebook was not found: the modules below are written from NOTEBOOKS.md, with the einops calls
(`Rearrange`, `rearrange`, `repeat`) spelled as torch view/permute (einops is not installed). `rearrange_patches`
is checked against an element-by-element loop before anything is written, so the packing order (p1, p2, c with the
channel fastest) is the notebook's.

Run from the worktree root: tools/.venv/bin/python tools/replay_vit.py
"""

from __future__ import annotations

import os
import sys

import torch
from torch import nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fixture_writer import (FixtureCase, FixtureWriter, RecordedDropout, assert_replayed,  # noqa: E402
                            float64_twin, seed_everything)
from printed_values import printed_shape  # noqa: E402

BASE_SEED = 3


# ---------------------------------------------------------------------------------------------------------------
# einops equivalents


def rearrange_patches(x: torch.Tensor, patch: int) -> torch.Tensor:
    """`Rearrange('b c (num_w p1) (num_h p2) -> b (num_w num_h) (p1 p2 c)', p1=patch, p2=patch)`."""
    b, c, height, width = x.shape
    num_w, num_h = height // patch, width // patch
    x = x.reshape(b, c, num_w, patch, num_h, patch)  # b c num_w p1 num_h p2
    x = x.permute(0, 2, 4, 3, 5, 1)  # b num_w num_h p1 p2 c
    return x.reshape(b, num_w * num_h, patch * patch * c)


def rearrange_patches_by_loop(x: torch.Tensor, patch: int) -> torch.Tensor:
    """The same rearrange written index by index from the einops pattern, to check the one above."""
    b, c, height, width = x.shape
    num_w, num_h = height // patch, width // patch
    out = torch.empty(b, num_w * num_h, patch * patch * c, dtype=x.dtype)
    for n in range(b):
        for w in range(num_w):
            for h in range(num_h):
                for p1 in range(patch):
                    for p2 in range(patch):
                        for ch in range(c):
                            out[n, w * num_h + h, (p1 * patch + p2) * c + ch] = x[n, ch, w * patch + p1, h * patch + p2]
    return out


def split_heads(t: torch.Tensor, heads: int) -> torch.Tensor:
    """`rearrange(t, 'b q (h d) -> b h q d', h=heads)`."""
    b, q, hd = t.shape
    return t.reshape(b, q, heads, hd // heads).permute(0, 2, 1, 3)


def split_heads_transposed(t: torch.Tensor, heads: int) -> torch.Tensor:
    """`rearrange(t, 'b k (h d) -> b h d k', h=heads)`."""
    b, k, hd = t.shape
    return t.reshape(b, k, heads, hd // heads).permute(0, 2, 3, 1)


def merge_heads(t: torch.Tensor) -> torch.Tensor:
    """`rearrange(t, 'b h q d -> b q (h d)')`."""
    b, h, q, d = t.shape
    return t.permute(0, 2, 1, 3).reshape(b, q, h * d)


# ---------------------------------------------------------------------------------------------------------------
# The notebook's modules (NOTEBOOKS.md section 3). `trace` collects every intermediate in dataflow order.


class image_embedding(nn.Module):
    def __init__(self, in_channels, img_size, patch_size, emb_dim):
        super().__init__()
        self.patch_size = patch_size
        self.linear = nn.Linear(in_channels * patch_size * patch_size, emb_dim)
        self.cls_token = nn.Parameter(torch.randn(1, 1, emb_dim))
        self.positions = nn.Parameter(torch.randn(img_size * img_size // patch_size**2 + 1, emb_dim))

    def forward(self, x, trace):
        batch = x.shape[0]
        patches = rearrange_patches(x, self.patch_size)
        trace["patches"] = patches
        x = self.linear(patches)
        trace["embedded"] = x
        c = self.cls_token.expand(batch, -1, -1)  # repeat(cls_token, '() n d -> b n d', b=batch)
        x = torch.cat([c, x], dim=1)
        x += self.positions
        trace["tokens"] = x
        return x


class multi_head_attention(nn.Module):
    def __init__(self, emb_dim, num_heads, dropout_ratio):
        super().__init__()
        self.emb_dim = emb_dim
        self.num_heads = num_heads
        self.scaling = (emb_dim // num_heads) ** -0.5
        self.value = nn.Linear(emb_dim, emb_dim)
        self.key = nn.Linear(emb_dim, emb_dim)
        self.query = nn.Linear(emb_dim, emb_dim)
        self.att_drop = RecordedDropout(dropout_ratio)
        self.linear = nn.Linear(emb_dim, emb_dim)

    def forward(self, x):
        Q = self.query(x)
        K = self.key(x)
        V = self.value(x)
        Q = split_heads(Q, self.num_heads)
        K = split_heads_transposed(K, self.num_heads)
        V = split_heads(V, self.num_heads)
        weight = torch.matmul(Q, K)
        weight = weight * self.scaling
        attention = torch.softmax(weight, dim=-1)
        attention = self.att_drop(attention)
        context = torch.matmul(attention, V)
        x = self.linear(merge_heads(context))
        return x, attention


class mlp_block(nn.Module):
    def __init__(self, emb_dim, forward_dim, dropout_ratio):
        super().__init__()
        self.linear_1 = nn.Linear(emb_dim, forward_dim * emb_dim)
        self.gelu = nn.GELU()  # exact (erf)
        self.dropout = RecordedDropout(dropout_ratio)
        self.linear_2 = nn.Linear(forward_dim * emb_dim, emb_dim)

    def forward(self, x, trace, prefix):
        x = self.linear_1(x)
        trace[prefix + "linear_1"] = x
        x = self.gelu(x)
        trace[prefix + "gelu"] = x
        x = self.dropout(x)
        x = self.linear_2(x)
        trace[prefix + "out"] = x
        return x


class encoder_block(nn.Module):
    def __init__(self, emb_dim, num_heads, forward_dim, dropout_ratio, residual):
        super().__init__()
        self.residual = residual
        self.norm_1 = nn.LayerNorm(emb_dim)
        self.mha = multi_head_attention(emb_dim, num_heads, dropout_ratio)
        self.norm_2 = nn.LayerNorm(emb_dim)
        self.mlp = mlp_block(emb_dim, forward_dim, dropout_ratio)

    def forward(self, x, trace, prefix):
        if self.residual == "seed003":
            # As written in seed 003: x is overwritten, so the residual adds the NORMALIZED input.
            x = self.norm_1(x)
            trace[prefix + "norm_1"] = x
            _x, attention = self.mha(x)
            trace[prefix + "attention"] = attention
            trace[prefix + "mha"] = _x
            x = _x + x
        else:
            _x = self.norm_1(x)
            trace[prefix + "norm_1"] = _x
            _x, attention = self.mha(_x)
            trace[prefix + "attention"] = attention
            trace[prefix + "mha"] = _x
            x = _x + x
        trace[prefix + "residual_1"] = x
        _x = self.norm_2(x)
        trace[prefix + "norm_2"] = _x
        _x = self.mlp(_x, trace, prefix + "mlp.")
        x = _x + x
        trace[prefix + "out"] = x
        return x, attention


class encoder_module(nn.ModuleList):
    """`em`: the encoder blocks in a row, one attention map per block (state_dict keys `em.{i}.*`)."""

    def forward(self, x, trace):
        attentions = []
        for i, block in enumerate(self):
            x, attention = block(x, trace, f"block{i}.")
            attentions.append(attention)
        return x, attentions


class vision_transformer(nn.Module):
    def __init__(self, in_channels, img_size, patch_size, emb_dim, n_enc_layers, num_heads, forward_dim,
                 dropout_ratio, n_classes, residual="seed003", pooling="cls"):
        super().__init__()
        self.pooling = pooling
        self.ie = image_embedding(in_channels, img_size, patch_size, emb_dim)
        self.em = encoder_module(
            [encoder_block(emb_dim, num_heads, forward_dim, dropout_ratio, residual) for _ in range(n_enc_layers)])
        self.normalization = nn.LayerNorm(emb_dim)
        self.classification_head = nn.Linear(emb_dim, n_classes)

    def forward(self, x, trace):
        x = self.ie(x, trace)
        x, attentions = self.em(x, trace)
        if self.pooling == "cls":
            x = x[:, 0, :]  # cls_token output
        else:
            x = x.mean(dim=1)  # other copies mean-pool every token
        trace["pooled"] = x
        x = self.normalization(x)
        trace["normalized"] = x
        x = self.classification_head(x)
        trace["logits"] = x
        return x, attentions


# ---------------------------------------------------------------------------------------------------------------
# Cases

DEMO = dict(in_channels=1, img_size=28, patch_size=4, emb_dim=16, n_enc_layers=3, num_heads=2, forward_dim=4,
            dropout_ratio=0.2, n_classes=10)
RGB = dict(in_channels=3, img_size=32, patch_size=8, emb_dim=32, n_enc_layers=6, num_heads=4, forward_dim=4,
           dropout_ratio=0.2, n_classes=10)

# name, base config, batch, residual, pooling, train, dtype, description
CASES = [
    ("demo_b1", DEMO, 1, "seed003", "cls", False, "float32",
     "the class demo vision_transformer(1, 28, 4, 16, 3, 2, 4, 0.2, 10) on one 1x28x28 image, eval mode: "
     "y [1,10], attention [1,2,50,50] per block (seed 003 body and encoder_block)"),
    ("demo_b3", DEMO, 3, "seed003", "cls", False, "float32",
     "the class demo configuration on a batch of three images, eval mode (seed 003 body)"),
    ("demo_prenorm_mean", DEMO, 2, "prenorm", "mean", False, "float32",
     "the class demo configuration with the standard pre-norm residual and mean pooling of other copies, eval mode"),
    ("demo_train_b2", DEMO, 2, "seed003", "cls", True, "float32",
     "the class demo configuration in train mode: every block's attention and MLP dropout mask recorded (p=0.2)"),
    ("demo_b1_float64", DEMO, 1, "seed003", "cls", False, "float64",
     "the class demo configuration in float64, eval mode: the same arithmetic with rounding out of the way"),
    ("rgb_b2", RGB, 2, "seed003", "cls", False, "float32",
     "3x32x32 images, patch 8, 4 heads, 6 blocks, eval mode: the (p1, p2, c) patch packing with the channel fastest"),
    ("rgb_prenorm_mean", RGB, 1, "prenorm", "mean", False, "float32",
     "3x32x32 images, 6 blocks, standard pre-norm residual and mean pooling, eval mode"),
    ("rgb_train_prenorm_cls", RGB, 1, "prenorm", "cls", True, "float32",
     "3x32x32 images, 6 blocks, pre-norm residual, train mode with every dropout mask recorded (p=0.2); batch 1 "
     "(fixture budget)"),
    ("rgb_train_seed003_mean", RGB, 1, "seed003", "mean", True, "float32",
     "3x32x32 images, 6 blocks, seed 003 residual with mean pooling, train mode with every dropout mask recorded"),
]


def check_rearrange() -> None:
    x = torch.arange(2 * 3 * 8 * 12, dtype=torch.float64).reshape(2, 3, 8, 12)
    assert torch.equal(rearrange_patches(x, 4), rearrange_patches_by_loop(x, 4)), "patch packing order"


def main() -> None:
    check_rearrange()
    out_path = "fixtures/vit.h5"
    with FixtureWriter(out_path, notebook="boostcamp/vision_transformer.ipynb (reconstructed, NOTEBOOKS.md section 3)",
                       generator="tools/replay_vit.py", seed=BASE_SEED) as writer:
        for index, (name, base, batch, residual, pooling, train, dtype, description) in enumerate(CASES):
            # The weights are drawn from one seed per configuration (so cases of one configuration share them and
            # the file stores them once), the image and the dropout masks from the case's own seed.
            torch_dtype = torch.float64 if dtype == "float64" else torch.float32
            seed_everything(BASE_SEED * 100 + (0 if base is DEMO else 1))
            model = vision_transformer(**base, residual=residual, pooling=pooling).to(torch_dtype)
            model.train(train)
            seed = BASE_SEED * 1000 + index
            seed_everything(seed)
            x = torch.randn(batch, base["in_channels"], base["img_size"], base["img_size"], dtype=torch_dtype)
            trace: dict[str, torch.Tensor] = {}
            with torch.no_grad():
                logits, attentions = model(x, trace)
            assert torch.equal(logits, trace["logits"])
            for i, attention in enumerate(attentions):
                assert torch.equal(attention, trace[f"block{i}.attention"])

            config = dict(base, residual=residual, pooling=pooling, train=train)
            case = writer.case(name, replay="vit.model", dtype=dtype, seed=seed, config=config,
                               description=description)
            inputs = {"x": x}
            if train and base["dropout_ratio"] > 0:  # dropout on: masks recorded (docs/FIXTURES.md "Dropout")
                for i, block in enumerate(model.em):
                    assert len(block.mha.att_drop.masks) == 1 and len(block.mlp.dropout.masks) == 1
                    inputs[f"dropout.block{i}.attention"] = block.mha.att_drop.mask
                    inputs[f"dropout.block{i}.mlp"] = block.mlp.dropout.mask
            case.inputs(**inputs)
            case.params(model.state_dict())
            case.outputs(**trace)
            if dtype == "float32":
                twin = float64_twin(model)   # the same parameters upcast, every recorded dropout mask replayed
                trace64: dict[str, torch.Tensor] = {}
                with torch.no_grad():
                    twin(x.double(), trace64)
                assert_replayed(twin)
                case.shadow(**trace64)

            pre = torch.cat([trace[f"block{i}.mlp.linear_1"].flatten() for i in range(base["n_enc_layers"])])
            gelu_gap = (torch.nn.functional.gelu(pre) - torch.nn.functional.gelu(pre, approximate="tanh")).abs().max()
            band = ((pre.abs() > 1) & (pre.abs() < 3)).sum().item()
            print(f"{name}: linear_1 outputs with 1<|x|<3: {band}/{pre.numel()}, max |erf-tanh GELU| {gelu_gap:.2e}")
        write_printed_values(writer)


def write_printed_values(writer: FixtureWriter) -> None:
    """The demo's printed shapes (docs/FIXTURES.md "Printed values"), from NOTEBOOKS.md section 3 (the original
    notebook was not found): vision_transformer(1, 28, 4, 16, 3 layers, 2 heads, forward 4, 0.2, 10 classes) on
    one 1x28x28 image gives y [1, 10] and attention maps [1, 2, 50, 50] (49 patches + the class token)."""
    cell = "vision_transformer demo (NOTEBOOKS.md section 3)"
    case = FixtureCase(writer.file["demo_b1"], "float32", writer.shared)
    printed_shape(case, "y.shape", [1, 10], of="outputs/logits.shape", cell=f"{cell}: y")
    for i in range(DEMO["n_enc_layers"]):
        printed_shape(case, f"attention{i}.shape", [1, 2, 50, 50], of=f"outputs/block{i}.attention.shape",
                      cell=f"{cell}: attentions[{i}]")


if __name__ == "__main__":
    main()
