"""Replays cs231n 2022 assignment 3 training and test-time sampling of `CaptioningRNN` (NOTEBOOKS.md section 5) and
writes fixtures/cs231n_train.h5 (replays `cs231n.captioning_solver` and `cs231n.captioning_sample`,
docs/replays/captioning_rnn.md).

    tools/.venv/bin/python tools/replay_cs231n_train.py [--real-sizes --out OUT.h5]

`cs231n.captioning_solver`: a few iterations of `CaptioningSolver.train()` with `update_rule='adam'` (the assignment's
own `optim.adam`, below as `cs231n/optim.py` ships it: moments first, then `t += 1`, then
`alpha = lr * sqrt(1 - beta2**t) / (1 - beta1**t)` and `w -= alpha * (m / (sqrt(v) + eps))`; one config dict, with
its own `t`, per parameter) and `lr_decay` applied at each epoch end, as the overfit cells of RNN_Captioning.ipynb and
LSTM_Captioning.ipynb run it (`optim_config={'learning_rate': 5e-3}, lr_decay=0.95`). The minibatches that
`sample_coco_minibatch` draws with `np.random.choice` are recorded as inputs. Gradients are the assignment's NumPy
backward (`CaptioningRNN.loss`, from tools/replay_cs231n_rnn.py), cross-checked against torch autograd.

`cs231n.captioning_sample`: `CaptioningRNN.sample(features, max_length=30)`, greedy decoding from `<START>`: the
trained model of the solver case on two of its images, as the notebook's "test-time sampling" cells do.

COCO (512-d features, 1004 words, hidden 512: 1.4 M parameters) cannot be downloaded here and would not fit the
fixture budget; the sizes are those of the notebook's "Check gradients" cell (D=4, W=5, H=6) and a toy vocabulary.
Every float32 case carries its float64 shadow (the same run from the upcast float32 data and parameters).
`--real-sizes` writes the solver at the COCO sizes with random data to /tmp instead (docs/replays/captioning_rnn.md
records what `replay` printed on it), its float32 cases with the tolerances of `loosen_amplified_noise`, measured on
NumPy's own float32 drift.
"""

from __future__ import annotations

import argparse
import math
import os
import sys

if "--real-sizes" in sys.argv:
    # Before NumPy loads OpenBLAS: its float32 and float64 results at these sizes depend on the thread count (grad0
    # already differs between 1 thread and 2), so a reference that another machine must reproduce runs on one
    # thread; under load that is also faster (a float32 + shadow draw: rnn 0.5 s against 5.9 s, lstm 1.5 s against
    # 12.3 s with 2 threads on 2 busy cores).
    os.environ["OPENBLAS_NUM_THREADS"] = "1"

import numpy as np
import torch

from fixture_writer import FixtureWriter, seed_everything
from replay_cs231n_rnn import (captioning_init, captioning_loss, check_captioning_against_torch, lstm_step_forward,
                               rnn_step_forward)

torch.__version__ = str(torch.__version__)  # h5py cannot store torch's TorchVersion (see replay_cs231n_rnn.py)
NOTEBOOK = "cs231n/2022/assignment3/RNN_Captioning.ipynb + LSTM_Captioning.ipynb (captioning_solver.py, optim.py)"
SEED = 231
WORDS = ["<NULL>", "<START>", "<END>", "<UNK>", "a", "cat", "dog", "sits", "on", "mat", "grass"]
WORD_TO_IDX = {w: i for i, w in enumerate(WORDS)}
GRAD_ORDER = ["W_vocab", "b_vocab", "Wx", "Wh", "b", "W_embed", "W_proj", "b_proj"]   # as backpropagation completes them
PARAM_ORDER = ["W_embed", "W_proj", "b_proj", "Wx", "Wh", "b", "W_vocab", "b_vocab"]  # CaptioningRNN.__init__ order


# ----------------------------------------------------------------------------------------------------------------
# The assignment's code: cs231n/optim.py adam, CaptioningSolver._step / train, CaptioningRNN.sample.

def adam(w, dw, config=None):
    if config is None:
        config = {}
    config.setdefault("learning_rate", 1e-3)
    config.setdefault("beta1", 0.9)
    config.setdefault("beta2", 0.999)
    config.setdefault("epsilon", 1e-8)
    config.setdefault("m", np.zeros_like(w))
    config.setdefault("v", np.zeros_like(w))
    config.setdefault("t", 0)

    next_w = None
    beta1, beta2, eps = config["beta1"], config["beta2"], config["epsilon"]
    t, m, v = config["t"], config["m"], config["v"]
    m = beta1 * m + (1 - beta1) * dw
    v = beta2 * v + (1 - beta2) * (dw * dw)
    t += 1
    alpha = config["learning_rate"] * np.sqrt(1 - beta2 ** t) / (1 - beta1 ** t)
    w -= alpha * (m / (np.sqrt(v) + eps))
    config["t"] = t
    config["m"] = m
    config["v"] = v
    next_w = w

    return next_w, config


def solver_train(params, batches, cell, null, optim_config, lr_decay, iterations_per_epoch, check=True):
    """CaptioningSolver.train() over the recorded minibatches: _step() each, lr decay at each epoch end."""
    params = {k: v.copy() for k, v in params.items()}
    optim_configs = {p: {k: v for k, v in optim_config.items()} for p in params}
    out = {}
    for t, (features, captions) in enumerate(batches):
        # _step(): loss, grads = self.model.loss(features, captions); then update_rule per parameter
        res = captioning_loss(params, features, captions, cell, null)
        if check:
            check_captioning_against_torch(params, features, captions, cell, null, res,
                                           f32=features.dtype == np.float32)
        out[f"loss{t}"] = res["loss"]
        for key in GRAD_ORDER:
            out[f"grad{t}.{key}"] = res[f"grads.{key}"]
        for p, w in params.items():
            next_w, next_config = adam(w, res[f"grads.{p}"], optim_configs[p])
            params[p] = next_w
            optim_configs[p] = next_config
        for key in PARAM_ORDER:
            out[f"param{t}.{key}"] = params[key].copy()
        if (t + 1) % iterations_per_epoch == 0:
            for k in optim_configs:
                optim_configs[k]["learning_rate"] *= lr_decay
    return out, params


def sample(params, features, cell, start, null, max_length=30):
    """CaptioningRNN.sample: greedy decoding from <START>, every step's hidden state and scores kept."""
    N = features.shape[0]
    captions = null * np.ones((N, max_length), dtype=np.int32)
    h = features @ params["W_proj"] + params["b_proj"]          # affine_forward
    c = np.zeros_like(h)
    word = start * np.ones(N, dtype=np.int32)
    hs, all_scores = [], []
    for t in range(max_length):
        x = params["W_embed"][word]
        if cell == "rnn":
            h, _ = rnn_step_forward(x, h, params["Wx"], params["Wh"], params["b"])
        else:
            h, c, _, _ = lstm_step_forward(x, h, c, params["Wx"], params["Wh"], params["b"])
        scores = h @ params["W_vocab"] + params["b_vocab"]       # affine_forward
        word = np.argmax(scores, axis=1)
        captions[:, t] = word
        hs.append(h)
        all_scores.append(scores)
        top2 = np.sort(scores, axis=1)[:, -2:]
        assert np.all(top2[:, 1] - top2[:, 0] > 1e-4), "near-tie in the argmax: pick another seed"
    h0 = features @ params["W_proj"] + params["b_proj"]
    return {"h0": h0, "h": np.stack(hs, axis=1), "scores": np.stack(all_scores, axis=1),
            "captions": captions.astype(features.dtype)}


# ----------------------------------------------------------------------------------------------------------------
# Data: a small captioned training set (features, padded captions <START> ... <END> <NULL>...).

def small_data(n_train, T, D, dtype):
    captions = np.zeros((n_train, T), dtype=np.int64)
    for n in range(n_train):
        length = np.random.randint(3, T)
        captions[n, 0] = WORD_TO_IDX["<START>"]
        captions[n, 1:length] = np.random.randint(3, len(WORDS), size=length - 1)
        captions[n, length] = WORD_TO_IDX["<END>"]
    features = np.random.randn(n_train, D).astype(dtype)
    return features, captions


def solver_config(cell, D, W, H, steps, ipe, lr, decay):
    return {"cell_type": cell, "input_dim": D, "wordvec_dim": W, "hidden_dim": H, "vocab_size": len(WORDS),
            "null_index": WORD_TO_IDX["<NULL>"], "steps": steps, "iterations_per_epoch": ipe,
            "learning_rate": lr, "lr_decay": decay, "beta1": 0.9, "beta2": 0.999, "epsilon": 1e-8}


def write_cases(f: FixtureWriter) -> None:
    lr, decay = 5e-3, 0.95            # the overfit cells' optim_config and lr_decay
    for i, (cell, dtype, D, W, H) in enumerate((("rnn", "float32", 4, 5, 6), ("lstm", "float32", 4, 5, 6),
                                                 ("rnn", "float64", 12, 8, 10), ("lstm", "float64", 12, 8, 10))):
        seed = SEED + i
        seed_everything(seed)
        n_train, batch, T, steps = 10, 5, 7, 4
        ipe = max(n_train // batch, 1)  # CaptioningSolver.train: iterations_per_epoch = 2, so step 3 runs decayed
        features, captions = small_data(n_train, T, D, dtype)
        params = captioning_init(WORD_TO_IDX, D, W, H, cell, dtype)
        batches = []
        for _ in range(steps):          # sample_coco_minibatch: mask = np.random.choice(split_size, batch_size)
            mask = np.random.choice(n_train, batch)
            batches.append((features[mask], captions[mask]))
        out, trained = solver_train(params, batches, cell, WORD_TO_IDX["<NULL>"], {"learning_rate": lr}, decay, ipe)
        suffix = "_f32" if dtype == "float32" else ""
        case = f.case(f"{cell}_solver{suffix}", replay="cs231n.captioning_solver", dtype=dtype, seed=seed,
                      config=solver_config(cell, D, W, H, steps, ipe, lr, decay),
                      description=f"CaptioningSolver(update_rule='adam', optim_config={{'learning_rate': 5e-3}}, "
                      f"lr_decay=0.95, batch_size={batch}) on {n_train} captioned images: {steps} iterations "
                      f"(2 a epoch, so the last two run with the decayed rate); {cell}, D={D}, W={W}, H={H}, "
                      f"{len(WORDS)} words")
        case.inputs(features=np.stack([b[0] for b in batches]), captions=np.stack([b[1] for b in batches]))
        case.params(params)
        case.outputs(**out)
        if dtype == "float32":
            up = {k: v.astype(np.float64) for k, v in params.items()}
            shadow_batches = [(b[0].astype(np.float64), b[1]) for b in batches]
            shadow, _ = solver_train(up, shadow_batches, cell, WORD_TO_IDX["<NULL>"], {"learning_rate": lr}, decay,
                                     ipe, check=False)
            case.shadow(**shadow)

        # Test-time sampling with the trained model, on two training images (the notebook's batch_size=2).
        sample_features = features[4:6]   # images 4 and 5: the float32 rnn model decodes varied words there
        res = sample(trained, sample_features, cell, WORD_TO_IDX["<START>"], WORD_TO_IDX["<NULL>"])
        case = f.case(f"{cell}_sample{suffix}", replay="cs231n.captioning_sample", dtype=dtype, seed=seed,
                      config={"cell_type": cell, "input_dim": D, "wordvec_dim": W, "hidden_dim": H,
                              "vocab_size": len(WORDS), "null_index": WORD_TO_IDX["<NULL>"],
                              "start_index": WORD_TO_IDX["<START>"], "max_length": 30},
                      description=f"CaptioningRNN.sample(features, max_length=30) ({cell}): greedy decoding from "
                      f"<START> with the model {cell}_solver{suffix} trained, on two of its images")
        case.inputs(features=sample_features)
        case.params(trained)
        case.outputs(**res)
        if dtype == "float32":
            up = {k: v.astype(np.float64) for k, v in trained.items()}
            shadow = sample(up, sample_features.astype(np.float64), cell, WORD_TO_IDX["<START>"],
                            WORD_TO_IDX["<NULL>"])
            assert np.array_equal(shadow["captions"], res["captions"]), "float64 decodes other words"
            case.shadow(**shadow)


REAL_SIZES = dict(D=512, W=256, H=512, T=17, batch=2, steps=3, lr=5e-3, decay=0.95)
ENVELOPE_SEEDS = range(1000, 1020)   # further draws of the real-size setup, measuring the reference's own drift


def real_sizes_run(cell: str, dtype: str, seed: int):
    """The assignment's COCO sizes (input_dim 512, wordvec 256, hidden 512, 1004 words, 17-token captions): random
    features and captions (COCO is not available), batch 2, 3 iterations, lr decayed after each. Returns the initial
    parameters, the minibatches, the run and (float32 only) its float64 shadow."""
    c = REAL_SIZES
    words = len(WORDS) + 993
    vocab = {**WORD_TO_IDX, **{f"w{i}": len(WORDS) + i for i in range(993)}}
    seed_everything(seed)
    params = captioning_init(vocab, c["D"], c["W"], c["H"], cell, dtype)
    batches = []
    for _ in range(c["steps"]):
        captions = np.zeros((c["batch"], c["T"]), dtype=np.int64)
        for n in range(c["batch"]):
            length = np.random.randint(3, c["T"])
            captions[n, 0] = WORD_TO_IDX["<START>"]
            captions[n, 1:length] = np.random.randint(3, words, size=length - 1)
            captions[n, length] = WORD_TO_IDX["<END>"]
        batches.append((np.random.randn(c["batch"], c["D"]).astype(dtype), captions))
    optim = {"learning_rate": c["lr"]}
    out, _ = solver_train(params, batches, cell, WORD_TO_IDX["<NULL>"], optim, c["decay"], 1, check=False)
    if dtype == "float64":
        return params, batches, out, None
    up = {k: v.astype(np.float64) for k, v in params.items()}
    shadow, _ = solver_train(up, [(b[0].astype(np.float64), b[1]) for b in batches], cell, WORD_TO_IDX["<NULL>"],
                             optim, c["decay"], 1, check=False)
    return params, batches, out, shadow


def drift(out, shadow):
    """max |float32 - float64| of every output."""
    return {k: float(np.abs(out[k].astype(np.float64) - shadow[k]).max()) for k in out}


def first_step_bound(k: int) -> float:
    """The largest move of a parameter element's first nonzero Adam step at iteration k (counted from 0; the
    config's t = k + 1, lr decayed k times): m = (1 - beta1) g, v = (1 - beta2) g^2, so
    |alpha m / (sqrt(v) + eps)| < lr_k sqrt(1 - beta2^t) / (1 - beta1^t) (1 - beta1) / sqrt(1 - beta2), whatever g."""
    c, b1, b2, t = REAL_SIZES, 0.9, 0.999, k + 1
    return c["lr"] * c["decay"] ** k * math.sqrt(1 - b2 ** t) / (1 - b1 ** t) * (1 - b1) / math.sqrt(1 - b2)


def loosen_amplified_noise(case, cell, batches, out, shadow):
    """Tolerances for the outputs where the assignment's adam turns float32 rounding noise into steps, each with the
    reference's own measurement that justifies it (NumPy float32 against its float64 shadow, never Swift's error).

    Adam's first step moves an element by lr * g / (|g| + 3.2e-7) (eps = 1e-8 added to the uncorrected sqrt(v)): for
    |g| below about 1e-6 (a gradient element that cancels to rounding-noise level, e.g. W_proj's sum of two products)
    float32 noise of a few 1e-8 in g moves the parameter by up to about lr / 3.2e-7 = 1.6e4 times as much, and the
    next iterations compute their gradients from the moved parameters. Which elements land near zero is chance, so
    one draw under-measures the reference's drift: E is the largest drift over this case's data and 20 further draws
    of the same setup (ENVELOPE_SEEDS). Where E exceeds the default atol 1e-5, the bound is 2E: a Swift run no
    further from float64 than NumPy's worst draw is within 2E of NumPy (triangle inequality).

    The embedding rows of words first seen at iteration k > 0 take their first Adam step there, from gradients that
    already carry the drift of the earlier iterations: an element whose float64 gradient is smaller than the
    reference's own gradient drift there has a noise-decided sign, and its step is bounded only by
    `first_step_bound(k)`; where the reference has such elements the bound is 2 first_step_bound(k)."""
    envelope = drift(out, shadow)
    for seed in ENVELOPE_SEEDS:
        _, _, o, s = real_sizes_run(cell, "float32", seed)
        envelope = {k: max(v, d) for (k, v), d in zip(envelope.items(), drift(o, s).values())}
    own = drift(out, shadow)
    seen = set()
    for k in range(REAL_SIZES["steps"]):
        words = set(np.unique(batches[k][1][:, :-1]).tolist())   # captions_in: the rows W_embed[x] reads
        new_words = sorted(words - seen)
        seen |= words
        for name in [n for n in out if n.startswith((f"grad{k}.", f"param{k}.", f"loss{k}"))]:
            bound, why = 2 * envelope[name], ""
            if name == f"param{k}.W_embed" and k > 0:
                g64 = shadow[f"grad{k}.W_embed"][new_words]
                noise = envelope[f"grad{k}.W_embed"]
                count = int(np.sum((np.abs(g64) < noise) & (g64 != 0)))   # an exact 0 is 0 in float32 too
                if count:
                    bound = max(bound, 2 * first_step_bound(k))
                    why = (f"; {count} elements of the {len(new_words)} rows first used here have a float64 gradient "
                           f"below the reference's gradient drift {noise:.3g} (smallest |g64| "
                           f"{np.abs(g64[g64 != 0]).min():.3g}): their first step has a noise-decided sign, bound "
                           f"2 first_step_bound({k}) = {2 * first_step_bound(k):.3g}")
            if envelope[name] <= 1e-5 and not why:
                continue
            case.tolerance(name, rtol=1.3e-6, atol=bound, reason=(
                f"the assignment's adam amplifies float32 rounding noise in near-zero gradient elements (|g| < 1e-6: "
                f"step sensitivity up to lr / 3.2e-7 = 1.6e4 at the first step) and later iterations inherit the moved "
                f"parameters; measured: NumPy float32 vs its float64 shadow {own[name]:.3g} on this case, up to "
                f"E = {envelope[name]:.3g} over it and {len(ENVELOPE_SEEDS)} further draws of the same setup; bound "
                f"2E = {2 * envelope[name]:.3g} (a run no further from float64 than NumPy's worst draw){why} "
                f"(tools/replay_cs231n_train.py loosen_amplified_noise)"))


def write_real_sizes(f: FixtureWriter, cell: str, dtype: str) -> None:
    """The solver at the assignment's COCO sizes (`real_sizes_run`); float32 with the shadow and the tolerances of
    `loosen_amplified_noise`, or float64."""
    c = REAL_SIZES
    seed = SEED + 20 + (cell == "lstm")
    params, batches, out, shadow = real_sizes_run(cell, dtype, seed)
    case = f.case(f"{cell}_solver_real_sizes_{dtype}", replay="cs231n.captioning_solver", dtype=dtype, seed=seed,
                  config={**solver_config(cell, c["D"], c["W"], c["H"], c["steps"], 1, c["lr"], c["decay"]),
                          "vocab_size": len(WORDS) + 993},
                  description=f"CaptioningSolver at the assignment's COCO sizes ({cell}), 3 iterations, batch 2")
    case.inputs(features=np.stack([b[0] for b in batches]), captions=np.stack([b[1] for b in batches]))
    case.params(params)
    case.outputs(**out)
    if dtype == "float32":
        case.shadow(**shadow)
        loosen_amplified_noise(case, cell, batches, out, shadow)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--real-sizes", "--notebook-sizes", dest="real_sizes", action="store_true",
                        help="write the assignment's COCO sizes instead (1.4 M parameters: too large to commit) to "
                             "--out: the notebook-size tier (tools/notebook_sizes.py)")
    parser.add_argument("--out", default="/tmp/cs231n_train_real_sizes.h5", help="with --real-sizes")
    args = parser.parse_args()
    if args.real_sizes:
        with FixtureWriter(args.out, notebook=NOTEBOOK, generator="tools/replay_cs231n_train.py", seed=SEED) as f:
            for cell in ("rnn", "lstm"):
                for dtype in ("float32", "float64"):
                    write_real_sizes(f, cell, dtype)
        return
    with FixtureWriter("fixtures/cs231n_train.h5", notebook=NOTEBOOK, generator="tools/replay_cs231n_train.py",
                       seed=SEED) as f:
        write_cases(f)


if __name__ == "__main__":
    main()
