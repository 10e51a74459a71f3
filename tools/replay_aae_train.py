"""Replays the training loop of boostcamp's adversarial autoencoder (NOTEBOOKS.md section 4) into fixtures/aae_train.h5.

Each case runs `steps` consecutive iterations of PyTorch-GAN `aae.py`'s loop body, as written:

    optimizer_G.zero_grad()
    encoded_imgs = encoder(real_imgs); decoded_imgs = decoder(encoded_imgs)
    g_loss = 0.001 * adversarial_loss(discriminator(encoded_imgs), valid) + 0.999 * pixelwise_loss(decoded_imgs, real_imgs)
    g_loss.backward(); optimizer_G.step()                       # Adam(encoder + decoder), lr 0.0002, betas (0.5, 0.999)
    optimizer_D.zero_grad()
    z = Tensor(np.random.normal(0, 1, (N, latent_dim)))
    real_loss = adversarial_loss(discriminator(z), valid)
    fake_loss = adversarial_loss(discriminator(encoded_imgs.detach()), fake)
    d_loss = 0.5 * (real_loss + fake_loss)
    d_loss.backward(); optimizer_D.step()                       # Adam(discriminator), same hyperparameters

Gradients come from PyTorch autograd on the notebook's modules (tools/replay_aae.py builds them), with every
`nn.Dropout` applying a pre-drawn mask (`x * mask / (1 - p)`, what nn.Dropout computes for the mask it draws) so the
float64 shadow can rerun the same step. The reparameterization noise and the prior sample are pre-drawn the way
aae.py draws them (`Tensor(np.random.normal(...))`, float64 rounded to float32). Every module is in train mode, as
in the notebook: BatchNorm1d normalizes with batch statistics and updates its running statistics in every forward.

The case layout is documented in docs/replays/adversarial_autoencoder.md (`aae.train`). The notebook-size model has
1.73 M parameters (6.9 MB in float32): its initial parameters are PyTorch's default init U(-b, b) coarsened to the
centres of 8 equal bins (exact in float32, stored gzip-compressed), and the gradients and updated values of its nine weight
matrices (named in the case attribute `unchecked_outputs`) are computed by both sides but not stored: they reach the recorded outputs through
the next steps' encodings, decoded images and losses. The small cases record every tensor in full.

    tools/.venv/bin/python tools/replay_aae_train.py                              # fixtures/aae_train.h5
    tools/.venv/bin/python tools/replay_aae_train.py --notebook-sizes --out OUT.h5   # the notebook-size tier
"""

from __future__ import annotations

import argparse
import copy
import itertools
import json
import math
import os
import sys

import numpy as np
import torch
from torch import nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fixture_writer import FixtureWriter, seed_everything  # noqa: E402
from replay_aae import AAE, LOSS_WEIGHTS, NOTEBOOK, SMALL, notebook_images  # noqa: E402

BASE_SEED = 10
ADAM = dict(lr=0.0002, betas=[0.5, 0.999], eps=1e-8)


class MaskDropout(nn.Module):
    """`nn.Dropout(p)` in train mode with the mask given ahead: `x * mask / (1 - p)`; each call takes the next mask."""

    def __init__(self, p):
        super().__init__()
        self.p = p
        self.queue = []

    def forward(self, x):
        return x * self.queue.pop(0) / (1 - self.p)


def dropout_layers(seq):
    return [(i, m) for i, m in enumerate(seq) if isinstance(m, MaskDropout)]


def build_model(c, seed, quantize):
    """A seeded AAE (default init; BatchNorm affine drawn at random, running stats warmed up by 3 train batches)."""
    seed_everything(seed)
    model = AAE(c)
    bn = model.decoder.model[4]
    with torch.no_grad():
        bn.weight.uniform_(0.5, 1.5)
        bn.bias.uniform_(-0.5, 0.5)
        model.decoder.train()
        for _ in range(3):
            model.decoder.model(torch.randn(16, c["latent_dim"]) * 1.5)
        if quantize:
            # PyTorch's default init U(-b, b) coarsened to the centres of 8 equal bins, then rounded to 2^-10 (exact in
            # float32): 3 bits of entropy per weight, so gzip stores the 1.73 M notebook-size parameters in < 1 MB.
            for name, p in model.named_parameters():
                if name.startswith("decoder.model.4."):
                    continue                         # BatchNorm's affine parameters: kept as drawn
                b = p.abs().max()
                centres = (torch.floor((p + b) / (2 * b) * 8).clamp(0, 7) + 0.5) / 8 * 2 * b - b
                p.copy_(torch.round(centres * 1024) / 1024)
    for seq in (model.encoder.model, model.decoder.model, model.discriminator.model):
        for i, m in enumerate(seq):
            if isinstance(m, nn.Dropout):
                seq[i] = MaskDropout(m.p)
    model.train()
    return model


def draw_steps(c, n, steps):
    """Per step: the batch, the reparameterization noise, the prior sample and every dropout mask, in call order."""
    latent = c["latent_dim"]
    h_enc, h_dec, h_dis = c["encoder_hidden"], c["decoder_hidden"], c["discriminator_hidden"]
    keep = 1 - c["p"]
    drawn = []
    for _ in range(steps):
        img = notebook_images(n, c["img_shape"], torch.float32)
        noise = torch.Tensor(np.random.normal(0, 1, (n, latent)))
        z_prior = torch.Tensor(np.random.normal(0, 1, (n, latent)))
        masks = {}
        for call, widths, idx in (("encoder", h_enc, (1, 4)), ("decoder", h_dec, (1, 5)), ("d_encoded", h_dis, (1, 4)),
                                  ("d_prior", h_dis, (1, 4)), ("d_detached", h_dis, (1, 4))):
            for i, w in zip(idx, widths):
                masks[f"{call}.model.{i}"] = torch.empty(n, w).bernoulli_(keep).to(torch.bool)
        drawn.append(dict(img=img, noise=noise, z_prior=z_prior, masks=masks))
    return drawn


def train(model, c, drawn, dtype, unrecorded):
    """Runs the notebook's loop body once per entry of `drawn` in `dtype`; returns the recorded outputs in order."""
    model = copy.deepcopy(model).to(dtype)
    encoder, decoder, discriminator = model.encoder, model.decoder, model.discriminator
    optimizer_G = torch.optim.Adam(itertools.chain(encoder.parameters(), decoder.parameters()),
                                   lr=ADAM["lr"], betas=tuple(ADAM["betas"]), eps=ADAM["eps"])
    optimizer_D = torch.optim.Adam(discriminator.parameters(), lr=ADAM["lr"], betas=tuple(ADAM["betas"]),
                                   eps=ADAM["eps"])
    adversarial_loss = nn.BCELoss()
    pixelwise_loss = nn.L1Loss()
    w = LOSS_WEIGHTS
    out = {}

    def encode(img, noise):                      # Encoder.forward with reparameterization(mu, logvar)
        x = encoder.model(img.view(img.shape[0], -1))
        mu, logvar = encoder.mu(x), encoder.logvar(x)
        std = torch.exp(logvar / 2)
        return noise * std + mu

    def record(prefix, modules, module_prefix, grads):
        for name, p in modules.named_parameters(prefix=module_prefix):
            if name not in unrecorded:
                out[f"{prefix}.{name}"] = (p.grad if grads else p).detach().clone()

    for k, d in enumerate(drawn):
        for call, seq in (("encoder", encoder.model), ("decoder", decoder.model)):
            for i, m in dropout_layers(seq):
                m.queue.append(d["masks"][f"{call}.model.{i}"])
        for call in ("d_encoded", "d_prior", "d_detached"):
            for i, m in dropout_layers(discriminator.model):
                m.queue.append(d["masks"][f"{call}.model.{i}"])
        real_imgs = d["img"].to(dtype)
        n = real_imgs.shape[0]
        valid = torch.ones(n, 1, dtype=dtype)
        fake = torch.zeros(n, 1, dtype=dtype)

        # ---- generator step
        optimizer_G.zero_grad()
        encoded_imgs = encode(real_imgs, d["noise"].to(dtype))
        decoded_imgs = decoder.model(encoded_imgs).view(n, *c["img_shape"])
        g_adv = adversarial_loss(discriminator.model(encoded_imgs), valid)
        g_pix = pixelwise_loss(decoded_imgs, real_imgs)
        g_loss = w["g_adversarial_weight"] * g_adv + w["g_pixel_weight"] * g_pix
        g_loss.backward()
        optimizer_G.step()
        out[f"encoded{k}"] = encoded_imgs.detach().clone()
        out[f"decoded{k}"] = decoded_imgs.detach().clone()
        out.update({f"g_adversarial_loss{k}": g_adv.detach(), f"g_pixel_loss{k}": g_pix.detach(),
                    f"g_loss{k}": g_loss.detach()})
        record(f"grad{k}", encoder, "encoder", True)
        record(f"grad{k}", decoder, "decoder", True)
        record(f"param{k}", encoder, "encoder", False)
        record(f"param{k}", decoder, "decoder", False)
        bn = decoder.model[4]
        out[f"param{k}.decoder.model.4.running_mean"] = bn.running_mean.clone()
        out[f"param{k}.decoder.model.4.running_var"] = bn.running_var.clone()
        # The count in the case dtype: a replay trace holds floating tensors (exact below 2^24).
        out[f"param{k}.decoder.model.4.num_batches_tracked"] = bn.num_batches_tracked.clone().to(dtype)

        # ---- discriminator step
        optimizer_D.zero_grad()
        z = d["z_prior"].to(dtype)
        real_loss = adversarial_loss(discriminator.model(z), valid)
        fake_loss = adversarial_loss(discriminator.model(encoded_imgs.detach()), fake)
        d_loss = w["d_weight"] * (real_loss + fake_loss)
        d_loss.backward()
        optimizer_D.step()
        out.update({f"d_real_loss{k}": real_loss.detach(), f"d_fake_loss{k}": fake_loss.detach(),
                    f"d_loss{k}": d_loss.detach()})
        record(f"grad{k}", discriminator, "discriminator", True)
        record(f"param{k}", discriminator, "discriminator", False)
    for m in model.modules():
        assert not isinstance(m, MaskDropout) or not m.queue, "a recorded mask was not used"
    return out


def add_train_case(f, name, c, seed, n, steps, dtype, description, quantize=False, unrecorded=()):
    seed_everything(seed)
    model = build_model(c, seed, quantize)
    tdtype = {"float32": torch.float32, "float64": torch.float64}[dtype]
    model = model.to(tdtype)
    drawn = draw_steps(c, n, steps)
    unrecorded = sorted(unrecorded)
    cfg = {**c, **LOSS_WEIGHTS, "train": True, "bn_mode": "train", "steps": steps, "adam_lr": ADAM["lr"],
           "adam_beta1": ADAM["betas"][0], "adam_beta2": ADAM["betas"][1], "adam_eps": ADAM["eps"]}
    case = f.case(name, replay="aae.train", dtype=dtype, seed=seed, config=cfg, description=description)
    if unrecorded:
        # The replay computes every gradient and updated parameter; the harness checks that the ones not stored
        # are named here, each with its reason (docs/FIXTURES.md, `unchecked_outputs`).
        case.group.attrs["unchecked_outputs"] = json.dumps({
            f"{what}{k}.{key}": UNRECORDED_REASON for k in range(steps) for what in ("grad", "param")
            for key in unrecorded})
    inputs = {}
    for k, d in enumerate(drawn):
        inputs[f"img{k}"] = d["img"].to(tdtype)
        inputs[f"noise{k}"] = d["noise"].to(tdtype)
        inputs[f"z_prior{k}"] = d["z_prior"].to(tdtype)
        for where, mask in d["masks"].items():
            inputs[f"dropout.step{k}.{where}"] = mask
    case.inputs(**inputs)
    case.params(model.state_dict())      # gzip-compressed over 8 KB (the quantized notebook-size weights)
    out = train(model, c, drawn, tdtype, set(unrecorded))
    case.outputs(**out)
    if dtype == "float32":
        w3_norm = model.decoder.model[3].weight.detach().abs().sum(1).max().item()
        shadow = train(model.to(torch.float64), c, drawn, torch.float64, set(unrecorded))
        case.shadow(**shadow)
        loosen_dead_gradients(case, c, steps, out, shadow, w3_norm)
    return out


def adam_noise_drift(lr, betas, steps):
    """Bounds on how far two runs of Adam can drift apart on a parameter whose gradient is pure rounding noise.

    Step t moves a parameter by lr * |m^ / (sqrt(v^) + eps)| with m^ = sum_i a_i g_i, v^ = sum_i b_i g_i^2
    (a_i = (1 - b1) b1^(t-i) / (1 - b1^t), b_i = (1 - b2) b2^(t-i) / (1 - b2^t)); by Cauchy-Schwarz that is at most
    c_t = sqrt(sum_i a_i^2 / b_i), whatever the gradients (1, 1.054, 1.134 for betas (0.5, 0.999)). Two runs differ
    by at most 2 lr (c_1 + ... + c_(k+1)) after step k (counted from 0)."""
    b1, b2 = betas
    drift, total = [], 0.0
    for t in range(1, steps + 1):
        a = [(1 - b1) * b1 ** (t - i) / (1 - b1 ** t) for i in range(1, t + 1)]
        b = [(1 - b2) * b2 ** (t - i) / (1 - b2 ** t) for i in range(1, t + 1)]
        total += math.sqrt(sum(x * x / y for x, y in zip(a, b)))
        drift.append(2 * lr * total)
    return drift


def loosen_dead_gradients(case, c, steps, out, shadow, w3_norm):
    """Tolerances for the parameters the loss does not depend on, with the bound that justifies them.

    BatchNorm1d (train mode) subtracts the batch mean, so the loss is exactly invariant to `decoder.model.3.bias` and
    to the `decoder.model.0.bias` of a unit that is active (ReLU on, dropout kept) on the whole batch: their exact
    gradient is 0 and both sides compute rounding noise (|g| ~ 1e-9..1e-7 in float32; the gradients themselves pass
    at default tolerances). Adam divides by sqrt(v) + eps and turns that noise into steps of up to about lr, whose
    signs no implementation can reproduce: `adam_noise_drift` bounds the gap. The running mean averages the batch mean
    of `decoder.model.3`, which these biases shift by at most (1 + max row sum of |W3|) times as much, weighted by the
    running-average factor f: |d running_mean_k| <= f (1 + |W3|_inf) (D_0 + ... + D_(k-1)).
    """
    lr = ADAM["lr"]
    drift = adam_noise_drift(lr, ADAM["betas"], steps)
    factor = c["bn_momentum"] if c["bn_momentum"] is not None else 1 / 4   # >= 3 warm-up batches before step 0
    for k in range(steps):
        for key, bound, what in (
                ("decoder.model.0.bias", drift[k], f"D_{k}"),
                ("decoder.model.3.bias", drift[k], f"D_{k}"),
                ("decoder.model.4.running_mean", factor * (1 + w3_norm) * sum(drift[:k]),
                 f"f (1 + |W3|_inf) (D_0 + ... + D_{k - 1}), f = {factor:g}, |W3|_inf = {w3_norm:.3g}")):
            name = f"param{k}.{key}"
            if name not in out or bound == 0:
                continue
            gap = (out[name].double() - shadow[name]).abs().max().item()
            if key == "decoder.model.0.bias" and gap < 1e-6:
                continue                        # no unit active on the whole batch: no noise-driven step
            case.tolerance(name, rtol=1.3e-6, atol=max(bound, 1e-5), reason=(
                f"the loss does not depend on this tensor's noise-driven part (BatchNorm1d subtracts the batch mean, "
                f"so the exact gradient of decoder.model.3.bias and of the decoder.model.0.bias of units active on the "
                f"whole batch is 0); Adam (lr {lr:g}, betas {tuple(ADAM['betas'])}) turns float32 rounding noise in "
                f"those gradients into steps of about lr; bound {what} = {bound:.3g} (D_k = 2 lr sum of Adam's "
                f"per-step bounds c_t, tools/replay_aae_train.py adam_noise_drift); measured: PyTorch float32 vs its "
                f"float64 shadow {gap:.3g}"))


SMALL_TRAIN = dict(SMALL, img_shape=[1, 6, 6], encoder_hidden=[16, 12], decoder_hidden=[12, 16],
                   discriminator_hidden=[10, 8])
# Every weight matrix of the notebook-size model (1.73 M of its parameters): their gradients and updated values are
# computed by both sides but not stored; the small cases record them in full. Biases, BatchNorm1d and the last
# discriminator layer are recorded.
NOTEBOOK_UNRECORDED = ["encoder.model.0.weight", "encoder.model.3.weight", "encoder.mu.weight", "encoder.logvar.weight",
                       "decoder.model.0.weight", "decoder.model.3.weight", "decoder.model.7.weight",
                       "discriminator.model.0.weight", "discriminator.model.3.weight"]


UNRECORDED_REASON = ("notebook-size weight matrix, not stored (fixture budget: 41 MB over 3 steps); it reaches the next "
                     "steps' recorded outputs, small_train records every one, and the notebook-size tier "
                     "(tools/notebook_sizes.py) records and checks these in full")


def write_notebook_sizes(path: str) -> None:
    """The notebook-size tier (tools/notebook_sizes.py): the notebook's sizes and batch 64, PyTorch's own initial
    parameters, every gradient and updated parameter recorded, float32 (with its shadow) and float64; 150 MB, not
    committed: CI generates it, checks it against committed digests and replays it."""
    with FixtureWriter(path, notebook="boostcamp/aae.ipynb (PyTorch-GAN aae.py variant), training loop",
                       generator="tools/replay_aae_train.py", seed=BASE_SEED) as f:
        s = BASE_SEED * 100
        for i, dtype in enumerate(("float32", "float64")):
            add_train_case(f, "notebook_train" + ("_float64" if dtype == "float64" else ""), NOTEBOOK, s + 11 + i, 64,
                           3, dtype, f"three iterations of aae.py's loop at the notebook's sizes (1x32x32, latent 10, "
                           f"hidden 512/512, 512/512, 512/256) and batch 64, in {dtype}: G step then D step, two Adams "
                           f"(lr 2e-4, betas (0.5, 0.999)), dropout masks and noise recorded, BatchNorm1d in train "
                           f"mode, every gradient and parameter recorded")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notebook-sizes", action="store_true",
                        help="write the notebook-size tier's cases to --out instead (too large to commit)")
    parser.add_argument("--out", default="/tmp/aae_train_notebook_sizes.h5", help="with --notebook-sizes")
    args = parser.parse_args()
    torch.set_num_threads(1)
    if args.notebook_sizes:
        write_notebook_sizes(args.out)
        return
    path = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "fixtures", "aae_train.h5")
    with FixtureWriter(path, notebook="boostcamp/aae.ipynb (PyTorch-GAN aae.py variant), training loop",
                       generator="tools/replay_aae_train.py", seed=BASE_SEED,
                       compress_over=8192) as f:
        s = BASE_SEED * 100
        add_train_case(f, "notebook_train", NOTEBOOK, s + 1, 4, 3, "float32",
                       "three iterations of aae.py's loop at the notebook's sizes (1x32x32, latent 10, hidden "
                       "512/512, 512/512, 512/256), batch reduced from 64 to 4: G step then D step, two Adams "
                       "(lr 2e-4, betas (0.5, 0.999)), dropout masks and noise recorded, BatchNorm1d in train mode; "
                       "the weight matrices' gradients and values are not stored (fixture budget), biases and BatchNorm are",
                       quantize=True, unrecorded=NOTEBOOK_UNRECORDED)
        add_train_case(f, "small_train", SMALL_TRAIN, s + 2, 16, 3, "float32",
                       "three iterations at small sizes (6x6 images, latent 3, hidden 16/12, 12/16, 10/8, p 0.5, "
                       "BatchNorm momentum 0.3, eps 1e-3), batch 16, every gradient and parameter recorded")
        small64 = dict(SMALL_TRAIN, img_shape=[2, 3, 3], bn_momentum=0.1)
        add_train_case(f, "small_train_float64", small64, s + 3, 8, 3, "float64",
                       "three iterations in float64 with 2-channel 3x3 images (hidden 16/12, 12/16, 10/8, BatchNorm momentum "
                       "0.1), every gradient and parameter recorded")


if __name__ == "__main__":
    main()
