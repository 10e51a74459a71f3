"""Replays the boostcamp adversarial autoencoder notebook (NOTEBOOKS.md section 4, seed 003) into fixtures/aae.h5.

The notebook is PyTorch-GAN's `aae.py` with Dropout+ReLU blocks and a BatchNorm1d only in the decoder:

    Encoder:       img.view(N,-1) -> Linear(1024,512), Dropout(0.2), ReLU, Linear(512,512), Dropout(0.2), ReLU
                   -> mu = Linear(512,latent), logvar = Linear(512,latent)
                   -> z = sampled_z * exp(logvar/2) + mu,  sampled_z = Tensor(np.random.normal(0,1,(N,latent)))
    Decoder:       Linear(latent,512), Dropout, ReLU, Linear(512,512), BatchNorm1d(512), Dropout, ReLU,
                   Linear(512,1024), Tanh -> .view(N, *img_shape)
    Discriminator: Linear(latent,512), Dropout, ReLU, Linear(512,256), Dropout, ReLU, Linear(256,1), Sigmoid
    Training step: g_loss = 0.001*BCE(D(enc(x)), 1) + 0.999*L1(dec(enc(x)), x)
                   d_loss = 0.5*(BCE(D(z_prior), 1) + BCE(D(enc(x).detach()), 0))

Replays and their inputs/outputs are documented in docs/replays/adversarial_autoencoder.md. Notes:
- `sampled_z`: a bare ndarray times a tensor raises TypeError in this torch/NumPy, so the draw must be wrapped as
  in aae.py, `Tensor(np.random.normal(...))`: the float64 NumPy draw is rounded to float32. We record that float32
  tensor as input `noise` (float64 cases: the same float32 values, promoted, as `float32 * float64` promotes).
  The prior sample `z_prior` of the D step is drawn the same way.
- Dropout masks: every `nn.Dropout` is swapped for `RecordedDropout`; each call draws a new mask, recorded as
  `dropout.<module path>` (discriminator calls of the training step: `dropout.d_encoded.*`, `dropout.d_prior.*`,
  `dropout.d_detached.*`, in that call order).
- BatchNorm1d's running statistics are warmed up by a few train-mode decoder passes on random latents and its
  affine parameters are drawn at random, so that eval mode and the running-stat update are not trivial.
- Notebook-size cases share one seeded model: their parameters are stored once (hard links).
"""

from __future__ import annotations

import copy
import math
import os
import sys

import numpy as np
import torch
from torch import nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fixture_writer import (FixtureWriter, RecordedDropout, assert_replayed, float64_twin,  # noqa: E402
                            seed_everything)

BASE_SEED = 3
TORCH_DTYPES = {"float32": torch.float32, "float64": torch.float64}

NOTEBOOK = dict(img_shape=[1, 32, 32], latent_dim=10, encoder_hidden=[512, 512], decoder_hidden=[512, 512],
                discriminator_hidden=[512, 256], p=0.2, bn_momentum=0.1, bn_eps=1e-5)
SMALL = dict(img_shape=[1, 8, 8], latent_dim=3, encoder_hidden=[32, 24], decoder_hidden=[24, 32],
             discriminator_hidden=[16, 12], p=0.5, bn_momentum=0.3, bn_eps=1e-3)
LOSS_WEIGHTS = dict(g_adversarial_weight=0.001, g_pixel_weight=0.999, d_weight=0.5)


class Encoder(nn.Module):
    def __init__(self, c):
        super().__init__()
        h0, h1 = c["encoder_hidden"]
        self.model = nn.Sequential(
            nn.Linear(math.prod(c["img_shape"]), h0), nn.Dropout(c["p"]), nn.ReLU(),
            nn.Linear(h0, h1), nn.Dropout(c["p"]), nn.ReLU())
        self.mu = nn.Linear(h1, c["latent_dim"])
        self.logvar = nn.Linear(h1, c["latent_dim"])


class Decoder(nn.Module):
    def __init__(self, c):
        super().__init__()
        h0, h1 = c["decoder_hidden"]
        self.img_shape = c["img_shape"]
        self.model = nn.Sequential(
            nn.Linear(c["latent_dim"], h0), nn.Dropout(c["p"]), nn.ReLU(),
            nn.Linear(h0, h1), nn.BatchNorm1d(h1, eps=c["bn_eps"], momentum=c["bn_momentum"]),
            nn.Dropout(c["p"]), nn.ReLU(),
            nn.Linear(h1, math.prod(c["img_shape"])), nn.Tanh())


class Discriminator(nn.Module):
    def __init__(self, c):
        super().__init__()
        h0, h1 = c["discriminator_hidden"]
        self.model = nn.Sequential(
            nn.Linear(c["latent_dim"], h0), nn.Dropout(c["p"]), nn.ReLU(),
            nn.Linear(h0, h1), nn.Dropout(c["p"]), nn.ReLU(),
            nn.Linear(h1, 1), nn.Sigmoid())


class AAE(nn.Module):
    """The notebook's three networks under one root, so state_dict keys read `encoder.model.0.weight` etc."""

    def __init__(self, c):
        super().__init__()
        self.encoder = Encoder(c)
        self.decoder = Decoder(c)
        self.discriminator = Discriminator(c)


def numpy_normal(shape, dtype):
    """`Tensor(np.random.normal(0, 1, shape))` as aae.py: float64 draw rounded to float32, then the case dtype."""
    return torch.Tensor(np.random.normal(0, 1, shape)).to(dtype)


def build_model(c, seed, dtype):
    """A seeded model whose BatchNorm1d has non-trivial affine parameters and warmed-up running statistics."""
    seed_everything(seed)
    model = AAE(c).to(dtype)
    bn = model.decoder.model[4]
    with torch.no_grad():
        bn.weight.copy_(torch.empty_like(bn.weight).uniform_(0.5, 1.5))
        bn.bias.copy_(torch.empty_like(bn.bias).uniform_(-0.5, 0.5))
        model.decoder.train()
        for _ in range(3):
            run_sequential(model.decoder.model, torch.randn(16, c["latent_dim"], dtype=dtype) * 1.5, "warmup", {})
    for seq in (model.encoder.model, model.decoder.model, model.discriminator.model):
        for i, m in enumerate(seq):
            if isinstance(m, nn.Dropout):
                seq[i] = RecordedDropout(m.p)
    return model


def run_sequential(seq, x, prefix, out):
    """`nn.Sequential.forward`, recording each module's output as `<prefix>.model.<i>`."""
    for i, m in enumerate(seq):
        x = m(x)
        out[f"{prefix}.model.{i}"] = x
    return x


def set_modes(model, train, bn_mode):
    model.train(train)
    model.decoder.model[4].train(bn_mode == "train")


def last_masks(seq, prefix, calls_back=1):
    """The masks the RecordedDropout layers of `seq` drew in their `calls_back`-th most recent call."""
    return {f"dropout.{prefix}.model.{i}": m.masks[-calls_back]
            for i, m in enumerate(seq) if isinstance(m, RecordedDropout) and m.masks}


def encode(encoder, img, latent_dim, out, noise=None):
    """Encoder.forward with `reparameterization`, recording intermediates; returns z and the noise drawn (or the
    `noise` given: the float64 shadow replays the float32 run's draw)."""
    x = run_sequential(encoder.model, img.view(img.shape[0], -1), "encoder", out)
    mu = encoder.mu(x)
    logvar = encoder.logvar(x)
    std = torch.exp(logvar / 2)
    sampled_z = numpy_normal((mu.size(0), latent_dim), mu.dtype) if noise is None else noise.to(mu.dtype)
    z = sampled_z * std + mu
    out.update({"encoder.mu": mu, "encoder.logvar": logvar, "encoder.std": std, "encoder.z": z})
    return z, sampled_z


def decode(decoder, z, img_shape, out):
    x = run_sequential(decoder.model, z, "decoder", out)
    del out["decoder.model.8"]                      # recorded once, viewed: `decoder.img`
    img = x.view(x.shape[0], *img_shape)
    out["decoder.img"] = img
    bn = decoder.model[4]
    if bn.training:
        out["decoder.model.4.running_mean"] = bn.running_mean.clone()
        out["decoder.model.4.running_var"] = bn.running_var.clone()
        # ReplayTrace holds floating tensors: the count is recorded in the case dtype (exact below 2^24).
        out["decoder.model.4.num_batches_tracked"] = bn.num_batches_tracked.clone().to(z.dtype)
    return img


def notebook_images(n, shape, dtype):
    """Synthetic MNIST-like uint8 images (sparse strokes on black) through ToTensor + Normalize([0.5],[0.5])."""
    u8 = torch.randint(0, 256, (n, *shape), dtype=torch.uint8)
    u8 = torch.where(torch.rand(n, *shape) < 0.25, u8, torch.zeros_like(u8))
    x = u8.float().div(255)                          # ToTensor
    x = x.sub(0.5).div(0.5)                          # Normalize([0.5], [0.5])
    return x.to(dtype)


# The keys each replay reads (docs/replays/adversarial_autoencoder.md); the harness refuses any other key.
REPLAY_KEYS = {
    "aae.encoder": ["img_shape", "latent_dim", "encoder_hidden", "p"],
    "aae.decoder": ["img_shape", "latent_dim", "decoder_hidden", "p", "bn_momentum", "bn_eps"],
    "aae.discriminator": ["latent_dim", "discriminator_hidden", "p"],
}


def config_for(c, replay=None, **extra):
    keys = REPLAY_KEYS.get(replay, list(c))
    return {**{k: c[k] for k in keys}, **extra}


def add_encoder_case(f, name, model, c, seed, n, train, dtype, description):
    cfg = config_for(c, "aae.encoder", train=train)
    case = f.case(name, replay="aae.encoder", dtype=dtype, seed=seed, config=cfg, description=description)
    model = copy.deepcopy(model)
    seed_everything(seed)
    img = notebook_images(n, c["img_shape"], TORCH_DTYPES[dtype])
    set_modes(model, train, "eval")
    out = {}
    with torch.no_grad():
        _, noise = encode(model.encoder, img, c["latent_dim"], out)
    case.inputs(img=img, noise=noise, **last_masks(model.encoder.model, "encoder"))
    case.params(model.encoder.state_dict(), prefix="encoder.")
    case.outputs(**out)
    if dtype == "float32":
        twin, out = float64_twin(model), {}
        with torch.no_grad():
            encode(twin.encoder, img.double(), c["latent_dim"], out, noise=noise)
        assert_replayed(twin)
        case.shadow(**out)


def add_decoder_case(f, name, model, c, seed, n, train, bn_mode, dtype, description):
    cfg = config_for(c, "aae.decoder", train=train, bn_mode=bn_mode)
    case = f.case(name, replay="aae.decoder", dtype=dtype, seed=seed, config=cfg, description=description)
    model = copy.deepcopy(model)
    params = {k: v.clone() for k, v in model.decoder.state_dict().items()}   # before the running-stat update
    seed_everything(seed)
    z = torch.randn(n, c["latent_dim"], dtype=TORCH_DTYPES[dtype])
    set_modes(model, train, bn_mode)
    before = copy.deepcopy(model)   # the float64 shadow starts from the running statistics before the update
    out = {}
    with torch.no_grad():
        decode(model.decoder, z, c["img_shape"], out)
    case.inputs(z=z, **last_masks(model.decoder.model, "decoder"))
    case.params(params, prefix="decoder.")
    case.outputs(**out)
    if dtype == "float32":
        twin, out = float64_twin(before, masks_from=model), {}
        with torch.no_grad():
            decode(twin.decoder, z.double(), c["img_shape"], out)
        assert_replayed(twin)
        case.shadow(**out)


def add_discriminator_case(f, name, model, c, seed, n, train, dtype, description):
    cfg = config_for(c, "aae.discriminator", train=train)
    case = f.case(name, replay="aae.discriminator", dtype=dtype, seed=seed, config=cfg, description=description)
    model = copy.deepcopy(model)
    seed_everything(seed)
    z = torch.randn(n, c["latent_dim"], dtype=TORCH_DTYPES[dtype]) * 2
    set_modes(model, train, "eval")
    out = {}
    with torch.no_grad():
        run_sequential(model.discriminator.model, z, "discriminator", out)
    case.inputs(z=z, **last_masks(model.discriminator.model, "discriminator"))
    case.params(model.discriminator.state_dict(), prefix="discriminator.")
    case.outputs(**out)
    if dtype == "float32":
        twin, out = float64_twin(model), {}
        with torch.no_grad():
            run_sequential(twin.discriminator.model, z.double(), "discriminator", out)
        assert_replayed(twin)
        case.shadow(**out)


def add_train_step_case(f, name, model, c, seed, n, train, bn_mode, dtype, description):
    """One iteration of aae.py's loop body, forward values only (the optimizers' steps change no value computed
    in the step: D's parameters are untouched by optimizer_G, and the D step reuses `encoded_imgs.detach()`)."""
    cfg = config_for(c, train=train, bn_mode=bn_mode, **LOSS_WEIGHTS)
    case = f.case(name, replay="aae.train_step", dtype=dtype, seed=seed, config=cfg, description=description)
    model = copy.deepcopy(model)
    params = {k: v.clone() for k, v in model.state_dict().items()}
    seed_everything(seed)
    tdtype = TORCH_DTYPES[dtype]
    imgs = notebook_images(n, c["img_shape"], tdtype)
    set_modes(model, train, bn_mode)
    before = copy.deepcopy(model)   # the float64 shadow starts from the running statistics before the update
    out, noise, z = train_step(model, c, imgs, n, tdtype)
    disc = model.discriminator
    masks = {**last_masks(model.encoder.model, "encoder"), **last_masks(model.decoder.model, "decoder"),
             **last_masks(disc.model, "d_encoded", 3), **last_masks(disc.model, "d_prior", 2),
             **last_masks(disc.model, "d_detached", 1)}
    case.inputs(img=imgs, noise=noise, z_prior=z, **masks)
    case.params(params)
    case.outputs(**out)
    if dtype == "float32":
        twin = float64_twin(before, masks_from=model)
        out, _, _ = train_step(twin, c, imgs.double(), n, torch.float64, noise=noise, z_prior=z)
        assert_replayed(twin)
        case.shadow(**out)


def train_step(model, c, imgs, n, tdtype, noise=None, z_prior=None):
    """The loop body's forward values; draws the reparameterization noise and the prior sample unless given."""
    adversarial_loss = nn.BCELoss()
    pixelwise_loss = nn.L1Loss()
    w = LOSS_WEIGHTS
    out = {}
    disc = model.discriminator
    with torch.no_grad():
        valid = torch.ones(n, 1, dtype=tdtype)
        fake = torch.zeros(n, 1, dtype=tdtype)
        real_imgs = imgs
        # ---- generator step
        encoded_imgs, noise = encode(model.encoder, real_imgs, c["latent_dim"], out, noise=noise)
        decoded_imgs = decode(model.decoder, encoded_imgs, c["img_shape"], out)
        validity_encoded = run_sequential(disc.model, encoded_imgs, "d_encoded", out)
        g_adv = adversarial_loss(validity_encoded, valid)
        g_pix = pixelwise_loss(decoded_imgs, real_imgs)
        g_loss = w["g_adversarial_weight"] * g_adv + w["g_pixel_weight"] * g_pix
        out.update({"g_adversarial_loss": g_adv, "g_pixel_loss": g_pix, "g_loss": g_loss})
        # ---- discriminator step
        z = numpy_normal((n, c["latent_dim"]), tdtype) if z_prior is None else z_prior.to(tdtype)
        validity_prior = run_sequential(disc.model, z, "d_prior", out)
        real_loss = adversarial_loss(validity_prior, valid)
        out["d_real_loss"] = real_loss
        validity_detached = run_sequential(disc.model, encoded_imgs.detach(), "d_detached", out)
        fake_loss = adversarial_loss(validity_detached, fake)
        d_loss = w["d_weight"] * (real_loss + fake_loss)
        out.update({"d_fake_loss": fake_loss, "d_loss": d_loss})
    return out, noise, z


def add_bce_case(f, name, seed, prob, target, dtype, description):
    case = f.case(name, replay="aae.bce", dtype=dtype, seed=seed, config={"reduction": "mean"},
                  description=description)
    elementwise = nn.functional.binary_cross_entropy(prob, target, reduction="none")
    loss = nn.BCELoss()(prob, target)
    case.inputs(input=prob, target=target)
    case.outputs(elementwise=elementwise, loss=loss)
    if dtype == "float32":
        p64, t64 = prob.double(), target.double()
        case.shadow(elementwise=nn.functional.binary_cross_entropy(p64, t64, reduction="none"),
                    loss=nn.BCELoss()(p64, t64))


def add_l1_case(f, name, seed, x, y, dtype, description):
    case = f.case(name, replay="aae.l1", dtype=dtype, seed=seed, config={"reduction": "mean"},
                  description=description)
    case.inputs(input=x, target=y)
    case.outputs(elementwise=nn.functional.l1_loss(x, y, reduction="none"), loss=nn.L1Loss()(x, y))
    if dtype == "float32":
        x64, y64 = x.double(), y.double()
        case.shadow(elementwise=nn.functional.l1_loss(x64, y64, reduction="none"), loss=nn.L1Loss()(x64, y64))


def main() -> None:
    torch.set_num_threads(1)
    path = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "fixtures", "aae.h5")
    with FixtureWriter(path, notebook="boostcamp/aae.ipynb (PyTorch-GAN aae.py variant)",
                       generator="tools/replay_aae.py", seed=BASE_SEED) as f:
        nb = build_model(NOTEBOOK, BASE_SEED, torch.float32)
        s = BASE_SEED * 100
        add_encoder_case(f, "notebook_encoder_train", nb, NOTEBOOK, s + 1, 2, True, "float32",
                         "encoder(real_imgs) in the training loop: dropout masks recorded, reparameterization noise "
                         "from np.random.normal wrapped in Tensor (float32)")
        add_encoder_case(f, "notebook_encoder_eval", nb, NOTEBOOK, s + 2, 2, False, "float32",
                         "encoder.eval()(imgs): dropout is the identity, the reparameterization still samples")
        add_decoder_case(f, "notebook_decoder_train", nb, NOTEBOOK, s + 3, 4, True, "train", "float32",
                         "decoder(z) in train mode as sample_image() runs it: BatchNorm1d batch statistics and the "
                         "running-stat update (momentum 0.1, unbiased variance)")
        add_decoder_case(f, "notebook_decoder_eval", nb, NOTEBOOK, s + 4, 2, False, "eval", "float32",
                         "decoder.eval()(z): BatchNorm1d normalizes with its running statistics")
        add_discriminator_case(f, "notebook_discriminator_train", nb, NOTEBOOK, s + 5, 2, True, "float32",
                               "discriminator(z) in train mode, dropout masks recorded")
        add_train_step_case(f, "notebook_train_step", nb, NOTEBOOK, s + 6, 4, True, "train", "float32",
                            "one iteration of the training loop (g_loss, then d_loss), all modules in train mode "
                            "as the notebook ran them, batch reduced from 64 to 4 (fixture size budget)")

        small = build_model(SMALL, BASE_SEED + 1, torch.float32)
        add_train_step_case(f, "small_train_step", small, SMALL, s + 11, 64, True, "train", "float32",
                            "the training-loop iteration at sizes the notebook never used (8x8 images, latent 3), "
                            "batch 64 as the notebook")
        add_train_step_case(f, "small_train_step_eval", small, SMALL, s + 12, 16, False, "eval", "float32",
                            "the training-loop losses with every module in eval mode (no dropout, BatchNorm1d on "
                            "running statistics)")
        add_decoder_case(f, "small_decoder_bn_train_dropout_eval", small, SMALL, s + 13, 32, False, "train",
                         "float32", "decoder with dropout off but BatchNorm1d in train mode (modes set separately)")
        cumulative = dict(SMALL, bn_momentum=None)
        small_cum = build_model(cumulative, BASE_SEED + 2, torch.float32)
        add_decoder_case(f, "small_decoder_bn_cumulative", small_cum, cumulative, s + 14, 16, True, "train",
                         "float32", "BatchNorm1d(momentum=None): cumulative average with factor "
                         "1/num_batches_tracked after 3 warm-up batches")
        small64 = dict(SMALL, img_shape=[2, 4, 4], bn_momentum=0.1)
        model64 = build_model(small64, BASE_SEED + 3, torch.float64)
        add_train_step_case(f, "small_train_step_float64", model64, small64, s + 15, 16, True, "train", "float64",
                            "the training-loop iteration in float64 with 2-channel 4x4 images")
        add_encoder_case(f, "small_encoder_train_float64", model64, small64, s + 16, 5, True, "float64",
                         "encoder in float64 with 2-channel images: img.view(N, -1) flattens channels first")
        add_discriminator_case(f, "small_discriminator_eval", small, SMALL, s + 17, 6, False, "float32",
                               "discriminator.eval()(z): dropout is the identity")

        seed_everything(s + 21)
        prob = torch.tensor([[0.0, 1.0, 1e-8], [1.0 - 1e-7, 0.5, 0.999], [1e-45, 0.25, 1e-30], [0.0, 0.75, 0.1]])
        target = torch.tensor([[1.0, 0.0, 0.0], [1.0, 0.3, 0.0], [1.0, 1.0, 1.0], [0.0, 0.5, 0.9]])
        add_bce_case(f, "bce_clamped_log", s + 21, prob, target, "float32",
                     "nn.BCELoss at probabilities 0 and 1: PyTorch clamps each log at -100 (loss 100, not inf), "
                     "and computes log(1 - x) as log1p(-x); soft targets")
        seed_everything(s + 22)
        prob = torch.sigmoid(torch.randn(64, 1, dtype=torch.float64) * 3)
        target = torch.ones(64, 1, dtype=torch.float64)
        add_bce_case(f, "bce_validity_float64", s + 22, prob, target, "float64",
                     "adversarial_loss(validity, valid) with the notebook's (N, 1) shapes, in float64")
        seed_everything(s + 23)
        x = torch.tanh(torch.randn(2, 1, 32, 32))
        y = notebook_images(2, [1, 32, 32], torch.float32)
        add_l1_case(f, "l1_decoded_vs_real", s + 23, x, y, "float32",
                    "pixelwise_loss(decoded_imgs, real_imgs): nn.L1Loss over (N, 1, 32, 32) images in [-1, 1]")
        seed_everything(s + 24)
        x = torch.randn(3, 7, dtype=torch.float64)
        y = torch.randn(3, 7, dtype=torch.float64)
        add_l1_case(f, "l1_float64", s + 24, x, y, "float64", "nn.L1Loss on arbitrary (3, 7) tensors in float64")


if __name__ == "__main__":
    main()
