"""Replays cs231n 2022 assignment 3 `rnn_layers.py` and `CaptioningRNN.loss` (NOTEBOOKS.md section 5, first bullet).

The assignment is NumPy, so the reference here is NumPy computed the way the assignment's solution computes it
(row-vector parameters `x @ Wx`, LSTM gates split i, f, o, g, the stable two-branch sigmoid, the temporal softmax
loss from `log(probs)`, masked, summed over time and divided by N). Every gradient is cross-checked against torch
autograd in float64, the LSTM against `torch.nn.LSTMCell` with the gates reordered to PyTorch's i, f, g, o, and the
notebook's printed expected values (including the CaptioningRNN losses 9.83235591003 and 9.82445935443) are
asserted before anything is written.

Cases follow the notebooks RNN_Captioning.ipynb / LSTM_Captioning.ipynb test cells in float64 (their linspace
overwrites and `np.random.seed(231)` draws, in cell order), plus seeded random float32 cases.

    tools/.venv/bin/python tools/replay_cs231n_rnn.py
"""

from __future__ import annotations

import numpy as np
import torch

from fixture_writer import FixtureCase, FixtureWriter, seed_everything
from printed_values import printed_value

SEED = 231

# h5py cannot store torch's TorchVersion (a str subclass) as an attribute; FixtureWriter writes torch.__version__
# as is, so hand it a plain str (a workaround here rather than an edit of the shared writer).
torch.__version__ = str(torch.__version__)
NOTEBOOK = "cs231n/2022/assignment3/RNN_Captioning.ipynb + LSTM_Captioning.ipynb (rnn_layers.py, classifiers/rnn.py)"


# ----------------------------------------------------------------------------------------------------------------
# The assignment's NumPy semantics.

def sigmoid(x):
    """rnn_layers.sigmoid: the numerically stable two-branch form."""
    pos = x >= 0
    neg = x < 0
    z = np.zeros_like(x)
    z[pos] = np.exp(-x[pos])
    z[neg] = np.exp(x[neg])
    top = np.ones_like(x)
    top[neg] = z[neg]
    return top / (1 + z)


def rnn_step_forward(x, prev_h, Wx, Wh, b):
    a = x @ Wx + prev_h @ Wh + b
    next_h = np.tanh(a)
    return next_h, (x, prev_h, Wx, Wh, next_h)


def rnn_step_backward(dnext_h, cache):
    x, prev_h, Wx, Wh, next_h = cache
    da = (1 - next_h ** 2) * dnext_h
    dx = da @ Wx.T
    dprev_h = da @ Wh.T
    dWx = x.T @ da
    dWh = prev_h.T @ da
    db = da.sum(axis=0)
    return da, dx, dprev_h, dWx, dWh, db


def rnn_forward(x, h0, Wx, Wh, b):
    N, T, _ = x.shape
    h = np.zeros((N, T, h0.shape[1]), dtype=x.dtype)
    prev, caches = h0, []
    for t in range(T):
        prev, cache = rnn_step_forward(x[:, t], prev, Wx, Wh, b)
        h[:, t] = prev
        caches.append(cache)
    return h, caches


def rnn_backward(dh, caches):
    N, T, H = dh.shape
    D = caches[0][0].shape[1]
    dx = np.zeros((N, T, D), dtype=dh.dtype)
    dWx = np.zeros((D, H), dtype=dh.dtype)
    dWh = np.zeros((H, H), dtype=dh.dtype)
    db = np.zeros(H, dtype=dh.dtype)
    dprev = np.zeros((N, H), dtype=dh.dtype)
    for t in reversed(range(T)):
        _, dx_t, dprev, dWx_t, dWh_t, db_t = rnn_step_backward(dh[:, t] + dprev, caches[t])
        dx[:, t] = dx_t
        dWx += dWx_t
        dWh += dWh_t
        db += db_t
    return dx, dprev, dWx, dWh, db


def lstm_step_forward(x, prev_h, prev_c, Wx, Wh, b):
    H = prev_h.shape[1]
    a = x @ Wx + prev_h @ Wh + b
    i = sigmoid(a[:, :H])            # the assignment's order: i, f, o, g (PyTorch's is i, f, g, o)
    f = sigmoid(a[:, H:2 * H])
    o = sigmoid(a[:, 2 * H:3 * H])
    g = np.tanh(a[:, 3 * H:])
    next_c = f * prev_c + i * g
    tanh_c = np.tanh(next_c)
    next_h = o * tanh_c
    gates = dict(a=a, i=i, f=f, o=o, g=g)
    return next_h, next_c, (x, prev_h, prev_c, Wx, Wh, i, f, o, g, tanh_c), gates


def lstm_step_backward(dnext_h, dnext_c, cache):
    x, prev_h, prev_c, Wx, Wh, i, f, o, g, tanh_c = cache
    do = dnext_h * tanh_c
    dc = dnext_c + dnext_h * o * (1 - tanh_c ** 2)
    df = dc * prev_c
    di = dc * g
    dg = dc * i
    dprev_c = dc * f
    da = np.concatenate([di * i * (1 - i), df * f * (1 - f), do * o * (1 - o), dg * (1 - g ** 2)], axis=1)
    dx = da @ Wx.T
    dprev_h = da @ Wh.T
    dWx = x.T @ da
    dWh = prev_h.T @ da
    db = da.sum(axis=0)
    return dx, dprev_h, dprev_c, dWx, dWh, db


def lstm_forward(x, h0, Wx, Wh, b):
    N, T, _ = x.shape
    H = h0.shape[1]
    h = np.zeros((N, T, H), dtype=x.dtype)
    c = np.zeros((N, T, H), dtype=x.dtype)
    prev_h, prev_c = h0, np.zeros_like(h0)   # c0 = 0
    caches = []
    for t in range(T):
        prev_h, prev_c, cache, _ = lstm_step_forward(x[:, t], prev_h, prev_c, Wx, Wh, b)
        h[:, t] = prev_h
        c[:, t] = prev_c
        caches.append(cache)
    return h, c, caches


def lstm_backward(dh, caches):
    N, T, H = dh.shape
    D = caches[0][0].shape[1]
    dx = np.zeros((N, T, D), dtype=dh.dtype)
    dWx = np.zeros((D, 4 * H), dtype=dh.dtype)
    dWh = np.zeros((H, 4 * H), dtype=dh.dtype)
    db = np.zeros(4 * H, dtype=dh.dtype)
    dprev_h = np.zeros((N, H), dtype=dh.dtype)
    dprev_c = np.zeros((N, H), dtype=dh.dtype)
    for t in reversed(range(T)):
        dx_t, dprev_h, dprev_c, dWx_t, dWh_t, db_t = lstm_step_backward(dh[:, t] + dprev_h, dprev_c, caches[t])
        dx[:, t] = dx_t
        dWx += dWx_t
        dWh += dWh_t
        db += db_t
    return dx, dprev_h, dWx, dWh, db


def word_embedding_forward(x, W):
    return W[x]


def word_embedding_backward(dout, x, W):
    dW = np.zeros_like(W)
    np.add.at(dW, x, dout)
    return dW


def temporal_affine_forward(x, w, b):
    N, T, D = x.shape
    M = b.shape[0]
    return (x.reshape(N * T, D) @ w).reshape(N, T, M) + b


def temporal_affine_backward(dout, x, w):
    N, T, D = x.shape
    M = w.shape[1]
    dx = (dout.reshape(N * T, M) @ w.T).reshape(N, T, D)
    dw = (dout.reshape(N * T, M).T @ x.reshape(N * T, D)).T
    db = dout.sum(axis=(0, 1))
    return dx, dw, db


def temporal_softmax_loss(x, y, mask):
    N, T, V = x.shape
    x_flat = x.reshape(N * T, V)
    y_flat = y.reshape(N * T)
    mask_flat = mask.reshape(N * T)
    probs = np.exp(x_flat - np.max(x_flat, axis=1, keepdims=True))
    probs /= np.sum(probs, axis=1, keepdims=True)
    loss = -np.sum(mask_flat * np.log(probs[np.arange(N * T), y_flat])) / N
    dx_flat = probs.copy()
    dx_flat[np.arange(N * T), y_flat] -= 1
    dx_flat /= N
    dx_flat *= mask_flat[:, None]
    return probs.reshape(N, T, V), loss, dx_flat.reshape(N, T, V)


def captioning_init(word_to_idx, input_dim, wordvec_dim, hidden_dim, cell_type, dtype):
    """CaptioningRNN.__init__: the same draws in the same order."""
    V = len(word_to_idx)
    mul = {"lstm": 4, "rnn": 1}[cell_type]
    p = {}
    p["W_embed"] = np.random.randn(V, wordvec_dim) / 100
    p["W_proj"] = np.random.randn(input_dim, hidden_dim) / np.sqrt(input_dim)
    p["b_proj"] = np.zeros(hidden_dim)
    p["Wx"] = np.random.randn(wordvec_dim, mul * hidden_dim) / np.sqrt(wordvec_dim)
    p["Wh"] = np.random.randn(hidden_dim, mul * hidden_dim) / np.sqrt(hidden_dim)
    p["b"] = np.zeros(mul * hidden_dim)
    p["W_vocab"] = np.random.randn(hidden_dim, V) / np.sqrt(hidden_dim)
    p["b_vocab"] = np.zeros(V)
    return {k: v.astype(dtype) for k, v in p.items()}


def captioning_loss(params, features, captions, cell_type, null):
    """CaptioningRNN.loss: forward, then every gradient, each intermediate kept in dataflow order."""
    p = params
    captions_in = captions[:, :-1]
    captions_out = captions[:, 1:]
    mask = captions_out != null
    out = {}
    h0 = features.reshape(features.shape[0], -1) @ p["W_proj"] + p["b_proj"]   # layers.affine_forward
    out["h0"] = h0
    x = word_embedding_forward(captions_in, p["W_embed"])
    out["x"] = x
    if cell_type == "rnn":
        h, caches = rnn_forward(x, h0, p["Wx"], p["Wh"], p["b"])
    else:
        h, c, caches = lstm_forward(x, h0, p["Wx"], p["Wh"], p["b"])
        out["c"] = c
    out["h"] = h
    scores = temporal_affine_forward(h, p["W_vocab"], p["b_vocab"])
    out["scores"] = scores
    probs, loss, dscores = temporal_softmax_loss(scores, captions_out, mask)
    out["probs"] = probs
    out["loss"] = np.asarray(loss, dtype=features.dtype)
    out["dscores"] = dscores
    dh, dW_vocab, db_vocab = temporal_affine_backward(dscores, h, p["W_vocab"])
    out["dh"] = dh
    out["grads.W_vocab"] = dW_vocab
    out["grads.b_vocab"] = db_vocab
    backward = rnn_backward if cell_type == "rnn" else lstm_backward
    dx, dh0, dWx, dWh, db = backward(dh, caches)
    out["dx"] = dx
    out["dh0"] = dh0
    out["grads.Wx"] = dWx
    out["grads.Wh"] = dWh
    out["grads.b"] = db
    out["grads.W_embed"] = word_embedding_backward(dx, captions_in, p["W_embed"])
    out["grads.W_proj"] = features.reshape(features.shape[0], -1).T @ dh0   # layers.affine_backward
    out["grads.b_proj"] = dh0.sum(axis=0)
    return out


# ----------------------------------------------------------------------------------------------------------------
# Cross-checks against torch autograd (float64).

def t64(a, grad=False):
    return torch.tensor(np.asarray(a, dtype=np.float64), requires_grad=grad)


def close(name, numpy_value, torch_value, rtol=1e-10, atol=1e-12):
    actual = np.asarray(numpy_value, dtype=np.float64)
    expected = torch_value.detach().numpy() if isinstance(torch_value, torch.Tensor) else np.asarray(torch_value)
    if not np.allclose(actual, expected, rtol=rtol, atol=atol):
        raise AssertionError(f"{name}: numpy and torch disagree, max abs diff {np.max(np.abs(actual - expected)):.3e}")


def rel_error(x, y):
    return np.max(np.abs(x - y) / np.maximum(1e-8, np.abs(x) + np.abs(y)))


def torch_lstm_step(x, h, c, Wx, Wh, b):
    H = h.shape[1]
    a = x @ Wx + h @ Wh + b
    i, f, o = torch.sigmoid(a[:, :H]), torch.sigmoid(a[:, H:2 * H]), torch.sigmoid(a[:, 2 * H:3 * H])
    g = torch.tanh(a[:, 3 * H:])
    c = f * c + i * g
    return o * torch.tanh(c), c


def torch_sequence(x, h0, Wx, Wh, b, cell):
    h, c, hs = h0, torch.zeros_like(h0), []
    for t in range(x.shape[1]):
        if cell == "rnn":
            h = torch.tanh(x[:, t] @ Wx + h @ Wh + b)
        else:
            h, c = torch_lstm_step(x[:, t], h, c, Wx, Wh, b)
        hs.append(h)
    return torch.stack(hs, dim=1)


def check_lstm_against_nn(x, prev_h, prev_c, Wx, Wh, b, next_h, next_c):
    """The i,f,o,g blocks of cs231n, permuted to PyTorch's i,f,g,o rows, give nn.LSTMCell's result."""
    H = prev_h.shape[1]
    order = np.concatenate([np.arange(0, 2 * H), np.arange(3 * H, 4 * H), np.arange(2 * H, 3 * H)])
    cell = torch.nn.LSTMCell(x.shape[1], H).double()
    with torch.no_grad():
        cell.weight_ih.copy_(t64(Wx[:, order].T))
        cell.weight_hh.copy_(t64(Wh[:, order].T))
        cell.bias_ih.copy_(t64(b[order]))
        cell.bias_hh.zero_()
        h, c = cell(t64(x), (t64(prev_h), t64(prev_c)))
    close("nn.LSTMCell h", next_h, h, rtol=1e-9, atol=1e-9)
    close("nn.LSTMCell c", next_c, c, rtol=1e-9, atol=1e-9)


def torch_captioning_loss(params, features, captions, cell_type, null):
    p = {k: t64(v, grad=True) for k, v in params.items()}
    cin, cout = torch.tensor(captions[:, :-1]), torch.tensor(captions[:, 1:])
    mask = (cout != null).double()
    h0 = t64(features) @ p["W_proj"] + p["b_proj"]
    x = p["W_embed"][cin]
    h = torch_sequence(x, h0, p["Wx"], p["Wh"], p["b"], cell_type)
    scores = h @ p["W_vocab"] + p["b_vocab"]
    logp = torch.log_softmax(scores, dim=-1)
    picked = logp.gather(2, cout.unsqueeze(-1)).squeeze(-1)
    loss = -(picked * mask).sum() / features.shape[0]
    loss.backward()
    return loss, {k: v.grad for k, v in p.items()}


# ----------------------------------------------------------------------------------------------------------------
# Cases.

def linspace(lo, hi, *shape):
    return np.linspace(lo, hi, num=int(np.prod(shape))).reshape(*shape)


def main() -> None:
    with FixtureWriter("fixtures/cs231n_rnn.h5", notebook=NOTEBOOK, generator="tools/replay_cs231n_rnn.py",
                       seed=SEED) as f:
        write_rnn_cases(f)
        write_lstm_cases(f)
        write_embedding_affine_loss_cases(f)
        write_captioning_cases(f)
        write_printed_values(f)


def write_rnn_cases(f: FixtureWriter) -> None:
    # RNN_Captioning.ipynb, "Vanilla RNN: step forward" (no random draws).
    N, D, H = 3, 10, 4
    x = linspace(-0.4, 0.7, N, D)
    prev_h = linspace(-0.2, 0.5, N, H)
    Wx, Wh, b = linspace(-0.1, 0.9, D, H), linspace(-0.3, 0.7, H, H), linspace(-0.2, 0.4, H)
    next_h, _ = rnn_step_forward(x, prev_h, Wx, Wh, b)
    expected = np.asarray([[-0.58172089, -0.50182032, -0.41232771, -0.31410098],
                           [0.66854692, 0.79562378, 0.87755553, 0.92795967],
                           [0.97934501, 0.99144213, 0.99646691, 0.99854353]])
    assert rel_error(expected, next_h) < 1e-7, rel_error(expected, next_h)
    case = f.case("rnn_step_forward", replay="cs231n.rnn_step", dtype="float64", seed=0,
                  config={"input_dim": D, "hidden_dim": H},
                  description="RNN_Captioning 'Vanilla RNN: step forward' cell: linspace inputs and weights")
    case.inputs(x=x, prev_h=prev_h)
    case.params(dict(Wx=Wx, Wh=Wh, b=b))
    case.outputs(next_h=next_h)

    # "Vanilla RNN: step backward": np.random.seed(231), N, D, H = 4, 5, 6.
    for dtype, seed in (("float64", SEED), ("float32", 1)):
        seed_everything(seed)
        N, D, H = 4, 5, 6
        x, h, Wx, Wh, b = (np.random.randn(*s) for s in ((N, D), (N, H), (D, H), (H, H), (H,)))
        dnext_h = np.random.randn(N, H)
        x, h, Wx, Wh, b, dnext_h = (v.astype(dtype) for v in (x, h, Wx, Wh, b, dnext_h))
        next_h, cache = rnn_step_forward(x, h, Wx, Wh, b)
        da, dx, dprev_h, dWx, dWh, db = rnn_step_backward(dnext_h, cache)
        tv = [t64(v, True) for v in (x, h, Wx, Wh, b)]
        torch.tanh(tv[0] @ tv[2] + tv[1] @ tv[3] + tv[4]).backward(t64(dnext_h))
        tol = dict(rtol=1e-10, atol=1e-12) if dtype == "float64" else dict(rtol=1e-4, atol=1e-5)
        for name, mine, ref in zip(("dx", "dprev_h", "dWx", "dWh", "db"), (dx, dprev_h, dWx, dWh, db), tv):
            close(f"rnn_step_backward {name}", mine, ref.grad, **tol)
        name = "rnn_step_backward" if dtype == "float64" else "rnn_step_backward_f32"
        case = f.case(name, replay="cs231n.rnn_step_backward", dtype=dtype, seed=seed,
                      config={"input_dim": D, "hidden_dim": H},
                      description="RNN_Captioning 'Vanilla RNN: step backward' cell (np.random.seed(231) draws)"
                      if dtype == "float64" else "the step-backward cell's sizes, random float32 data")
        case.inputs(x=x, prev_h=h, dnext_h=dnext_h)
        case.params(dict(Wx=Wx, Wh=Wh, b=b))
        case.outputs(next_h=next_h, da=da, dx=dx, dprev_h=dprev_h, dWx=dWx, dWh=dWh, db=db)

    # "Vanilla RNN: forward" (linspace).
    N, T, D, H = 2, 3, 4, 5
    x = linspace(-0.1, 0.3, N, T, D)
    h0 = linspace(-0.3, 0.1, N, H)
    Wx, Wh, b = linspace(-0.2, 0.4, D, H), linspace(-0.4, 0.1, H, H), linspace(-0.7, 0.1, H)
    h, _ = rnn_forward(x, h0, Wx, Wh, b)
    expected = np.asarray([
        [[-0.42070749, -0.27279261, -0.11074945, 0.05740409, 0.22236251],
         [-0.39525808, -0.22554661, -0.0409454, 0.14649412, 0.32397316],
         [-0.42305111, -0.24223728, -0.04287027, 0.15997045, 0.35014525]],
        [[-0.55857474, -0.39065825, -0.19198182, 0.02378408, 0.23735671],
         [-0.27150199, -0.07088804, 0.13562939, 0.33099728, 0.50158768],
         [-0.51014825, -0.30524429, -0.06755202, 0.17806392, 0.40333043]]])
    assert rel_error(expected, h) < 1e-7, rel_error(expected, h)
    case = f.case("rnn_forward", replay="cs231n.rnn", dtype="float64", seed=0,
                  config={"input_dim": D, "hidden_dim": H},
                  description="RNN_Captioning 'Vanilla RNN: forward' cell: linspace inputs and weights")
    case.inputs(x=x, h0=h0)
    case.params(dict(Wx=Wx, Wh=Wh, b=b))
    case.outputs(h=h)

    # "Vanilla RNN: backward": np.random.seed(231), N, D, T, H = 2, 3, 10, 5.
    for dtype, seed in (("float64", SEED), ("float32", 2)):
        seed_everything(seed)
        N, D, T, H = 2, 3, 10, 5
        x, h0, Wx, Wh, b = (np.random.randn(*s) for s in ((N, T, D), (N, H), (D, H), (H, H), (H,)))
        x, h0, Wx, Wh, b = (v.astype(dtype) for v in (x, h0, Wx, Wh, b))
        h, caches = rnn_forward(x, h0, Wx, Wh, b)
        dout = np.random.randn(*h.shape).astype(dtype)
        dx, dh0, dWx, dWh, db = rnn_backward(dout, caches)
        tv = [t64(v, True) for v in (x, h0, Wx, Wh, b)]
        torch_sequence(*tv, "rnn").backward(t64(dout))
        tol = dict(rtol=1e-10, atol=1e-12) if dtype == "float64" else dict(rtol=1e-4, atol=1e-5)
        for name, mine, ref in zip(("dx", "dh0", "dWx", "dWh", "db"), (dx, dh0, dWx, dWh, db), tv):
            close(f"rnn_backward {name}", mine, ref.grad, **tol)
        name = "rnn_backward" if dtype == "float64" else "rnn_backward_f32"
        case = f.case(name, replay="cs231n.rnn_backward", dtype=dtype, seed=seed,
                      config={"input_dim": D, "hidden_dim": H},
                      description="RNN_Captioning 'Vanilla RNN: backward' cell (np.random.seed(231) draws)"
                      if dtype == "float64" else "the RNN-backward cell's sizes, random float32 data")
        case.inputs(x=x, h0=h0, dout=dout)
        case.params(dict(Wx=Wx, Wh=Wh, b=b))
        case.outputs(h=h, dx=dx, dh0=dh0, dWx=dWx, dWh=dWh, db=db)


def write_lstm_cases(f: FixtureWriter) -> None:
    # LSTM_Captioning.ipynb, "LSTM: step forward" (linspace).
    N, D, H = 3, 4, 5
    x = linspace(-0.4, 1.2, N, D)
    prev_h, prev_c = linspace(-0.3, 0.7, N, H), linspace(-0.4, 0.9, N, H)
    Wx, Wh, b = linspace(-2.1, 1.3, D, 4 * H), linspace(-0.7, 2.2, H, 4 * H), linspace(0.3, 0.7, 4 * H)
    next_h, next_c, _, gates = lstm_step_forward(x, prev_h, prev_c, Wx, Wh, b)
    expected_h = np.asarray([[0.24635157, 0.28610883, 0.32240467, 0.35525807, 0.38474904],
                             [0.49223563, 0.55611431, 0.61507696, 0.66844003, 0.7159181],
                             [0.56735664, 0.66310127, 0.74419266, 0.80889665, 0.858299]])
    expected_c = np.asarray([[0.32986176, 0.39145139, 0.451556, 0.51014116, 0.56717407],
                             [0.66382255, 0.76674007, 0.87195994, 0.97902709, 1.08751345],
                             [0.74192008, 0.90592151, 1.07717006, 1.25120233, 1.42395676]])
    assert rel_error(expected_h, next_h) < 1e-7 and rel_error(expected_c, next_c) < 1e-7
    check_lstm_against_nn(x, prev_h, prev_c, Wx, Wh, b, next_h, next_c)
    case = f.case("lstm_step_forward", replay="cs231n.lstm_step", dtype="float64", seed=0,
                  config={"input_dim": D, "hidden_dim": H},
                  description="LSTM_Captioning 'LSTM: step forward' cell: linspace inputs and weights")
    case.inputs(x=x, prev_h=prev_h, prev_c=prev_c)
    case.params(dict(Wx=Wx, Wh=Wh, b=b))
    case.outputs(**gates, next_c=next_c, next_h=next_h)

    # "LSTM: step backward": np.random.seed(231), N, D, H = 4, 5, 6.
    for dtype, seed in (("float64", SEED), ("float32", 3)):
        seed_everything(seed)
        N, D, H = 4, 5, 6
        x, prev_h, prev_c = np.random.randn(N, D), np.random.randn(N, H), np.random.randn(N, H)
        Wx, Wh, b = np.random.randn(D, 4 * H), np.random.randn(H, 4 * H), np.random.randn(4 * H)
        x, prev_h, prev_c, Wx, Wh, b = (v.astype(dtype) for v in (x, prev_h, prev_c, Wx, Wh, b))
        next_h, next_c, cache, gates = lstm_step_forward(x, prev_h, prev_c, Wx, Wh, b)
        dnext_h = np.random.randn(*next_h.shape).astype(dtype)
        dnext_c = np.random.randn(*next_c.shape).astype(dtype)
        grads = lstm_step_backward(dnext_h, dnext_c, cache)
        tv = [t64(v, True) for v in (x, prev_h, prev_c, Wx, Wh, b)]
        th, tc = torch_lstm_step(*tv)
        torch.autograd.backward([th, tc], [t64(dnext_h), t64(dnext_c)])
        tol = dict(rtol=1e-10, atol=1e-12) if dtype == "float64" else dict(rtol=1e-4, atol=1e-5)
        names = ("dx", "dprev_h", "dprev_c", "dWx", "dWh", "db")
        for name, mine, ref in zip(names, grads, (tv[0], tv[1], tv[2], tv[3], tv[4], tv[5])):
            close(f"lstm_step_backward {name}", mine, ref.grad, **tol)
        name = "lstm_step_backward" if dtype == "float64" else "lstm_step_backward_f32"
        case = f.case(name, replay="cs231n.lstm_step_backward", dtype=dtype, seed=seed,
                      config={"input_dim": D, "hidden_dim": H},
                      description="LSTM_Captioning 'LSTM: step backward' cell (np.random.seed(231) draws)"
                      if dtype == "float64" else "the LSTM step-backward cell's sizes, random float32 data")
        case.inputs(x=x, prev_h=prev_h, prev_c=prev_c, dnext_h=dnext_h, dnext_c=dnext_c)
        case.params(dict(Wx=Wx, Wh=Wh, b=b))
        case.outputs(**gates, next_c=next_c, next_h=next_h, **dict(zip(names, grads)))

    # "LSTM: forward" (linspace).
    N, D, H, T = 2, 5, 4, 3
    x = linspace(-0.4, 0.6, N, T, D)
    h0 = linspace(-0.4, 0.8, N, H)
    Wx, Wh, b = linspace(-0.2, 0.9, D, 4 * H), linspace(-0.3, 0.6, H, 4 * H), linspace(0.2, 0.7, 4 * H)
    h, c, _ = lstm_forward(x, h0, Wx, Wh, b)
    expected = np.asarray([
        [[0.01764008, 0.01823233, 0.01882671, 0.0194232],
         [0.11287491, 0.12146228, 0.13018446, 0.13902939],
         [0.31358768, 0.33338627, 0.35304453, 0.37250975]],
        [[0.45767879, 0.4761092, 0.4936887, 0.51041945],
         [0.6704845, 0.69350089, 0.71486014, 0.7346449],
         [0.81733511, 0.83677871, 0.85403753, 0.86935314]]])
    assert rel_error(expected, h) < 1e-6, rel_error(expected, h)
    case = f.case("lstm_forward", replay="cs231n.lstm", dtype="float64", seed=0,
                  config={"input_dim": D, "hidden_dim": H},
                  description="LSTM_Captioning 'LSTM: forward' cell: linspace inputs and weights, c0 = 0")
    case.inputs(x=x, h0=h0)
    case.params(dict(Wx=Wx, Wh=Wh, b=b))
    case.outputs(c=c, h=h)

    # "LSTM: backward": np.random.seed(231), N, D, T, H = 2, 3, 10, 6.
    for dtype, seed in (("float64", SEED), ("float32", 4)):
        seed_everything(seed)
        N, D, T, H = 2, 3, 10, 6
        x, h0 = np.random.randn(N, T, D), np.random.randn(N, H)
        Wx, Wh, b = np.random.randn(D, 4 * H), np.random.randn(H, 4 * H), np.random.randn(4 * H)
        x, h0, Wx, Wh, b = (v.astype(dtype) for v in (x, h0, Wx, Wh, b))
        h, c, caches = lstm_forward(x, h0, Wx, Wh, b)
        dout = np.random.randn(*h.shape).astype(dtype)
        dx, dh0, dWx, dWh, db = lstm_backward(dout, caches)
        tv = [t64(v, True) for v in (x, h0, Wx, Wh, b)]
        torch_sequence(*tv, "lstm").backward(t64(dout))
        tol = dict(rtol=1e-10, atol=1e-12) if dtype == "float64" else dict(rtol=1e-4, atol=1e-5)
        for name, mine, ref in zip(("dx", "dh0", "dWx", "dWh", "db"), (dx, dh0, dWx, dWh, db), tv):
            close(f"lstm_backward {name}", mine, ref.grad, **tol)
        name = "lstm_backward" if dtype == "float64" else "lstm_backward_f32"
        case = f.case(name, replay="cs231n.lstm_backward", dtype=dtype, seed=seed,
                      config={"input_dim": D, "hidden_dim": H},
                      description="LSTM_Captioning 'LSTM: backward' cell (np.random.seed(231) draws), c0 = 0"
                      if dtype == "float64" else "the LSTM-backward cell's sizes, random float32 data")
        case.inputs(x=x, h0=h0, dout=dout)
        case.params(dict(Wx=Wx, Wh=Wh, b=b))
        case.outputs(c=c, h=h, dx=dx, dh0=dh0, dWx=dWx, dWh=dWh, db=db)


def write_embedding_affine_loss_cases(f: FixtureWriter) -> None:
    # RNN_Captioning.ipynb, "Word embedding: forward".
    V, D = 5, 3
    x = np.asarray([[0, 3, 1, 2], [2, 1, 0, 3]], dtype=np.int64)
    W = linspace(0, 1, V, D)
    out = word_embedding_forward(x, W)
    assert rel_error(out, np.asarray([[[0., 0.07142857, 0.14285714], [0.64285714, 0.71428571, 0.78571429],
                                       [0.21428571, 0.28571429, 0.35714286], [0.42857143, 0.5, 0.57142857]],
                                      [[0.42857143, 0.5, 0.57142857], [0.21428571, 0.28571429, 0.35714286],
                                       [0., 0.07142857, 0.14285714], [0.64285714, 0.71428571, 0.78571429]]])) < 1e-7
    case = f.case("word_embedding_forward", replay="cs231n.word_embedding", dtype="float64", seed=0,
                  config={"vocab_size": V, "wordvec_dim": D},
                  description="RNN_Captioning 'Word embedding: forward' cell: W = linspace(0, 1)")
    case.inputs(x=x)
    case.params(dict(W=W))
    case.outputs(out=out)

    # "Word embedding: backward": np.random.seed(231), N, T, V, D = 50, 3, 5, 6 (repeated indices: np.add.at).
    for dtype, seed in (("float64", SEED), ("float32", 5)):
        seed_everything(seed)
        N, T, V, D = 50, 3, 5, 6
        x = np.random.randint(V, size=(N, T)).astype(np.int64)
        W = np.random.randn(V, D).astype(dtype)
        out = word_embedding_forward(x, W)
        dout = np.random.randn(*out.shape).astype(dtype)
        dW = word_embedding_backward(dout, x, W)
        tW = t64(W, True)
        tW[torch.tensor(x)].backward(t64(dout))
        close("word_embedding_backward dW", dW, tW.grad,
              **(dict(rtol=1e-10, atol=1e-12) if dtype == "float64" else dict(rtol=1e-5, atol=1e-5)))
        name = "word_embedding_backward" if dtype == "float64" else "word_embedding_backward_f32"
        case = f.case(name, replay="cs231n.word_embedding_backward", dtype=dtype, seed=seed,
                      config={"vocab_size": V, "wordvec_dim": D},
                      description="RNN_Captioning 'Word embedding: backward' cell (np.random.seed(231) draws)"
                      if dtype == "float64" else "the embedding-backward cell's sizes, random float32 data")
        case.inputs(x=x, dout=dout)
        case.params(dict(W=W))
        case.outputs(out=out, dW=dW)

    # "Temporal affine layer" cell: np.random.seed(231), N, T, D, M = 2, 3, 4, 5. The temporal softmax loss cell
    # right after it has no seed of its own: it continues this cell's random stream, as the notebook ran it.
    seed_everything(SEED)
    N, T, D, M = 2, 3, 4, 5
    x, w, b = np.random.randn(N, T, D), np.random.randn(D, M), np.random.randn(M)
    out = temporal_affine_forward(x, w, b)
    dout = np.random.randn(*out.shape)
    dx, dw, db = temporal_affine_backward(dout, x, w)
    tv = [t64(v, True) for v in (x, w, b)]
    (tv[0] @ tv[1] + tv[2]).backward(t64(dout))
    for name, mine, ref in zip(("dx", "dw", "db"), (dx, dw, db), tv):
        close(f"temporal_affine_backward {name}", mine, ref.grad)
    case = f.case("temporal_affine_backward", replay="cs231n.temporal_affine_backward", dtype="float64", seed=SEED,
                  config={"input_dim": D, "output_dim": M},
                  description="RNN_Captioning 'Temporal affine layer' gradient-check cell (np.random.seed(231))")
    case.inputs(x=x, dout=dout)
    case.params(dict(w=w, b=b))
    case.outputs(out=out, dx=dx, dw=dw, db=db)
    case = f.case("temporal_affine_forward", replay="cs231n.temporal_affine", dtype="float64", seed=SEED,
                  config={"input_dim": D, "output_dim": M},
                  description="the forward half of the 'Temporal affine layer' cell")
    case.inputs(x=x)
    case.params(dict(w=w, b=b))
    case.outputs(out=out)

    # "Temporal Softmax loss" cell: check_loss(100, 1, 10, 1.0), check_loss(100, 10, 10, 1.0),
    # check_loss(5000, 10, 10, 0.1) (drawn but not stored: 4 MB), then the (7, 8, 9) gradient check.
    def loss_case(name, N, T, V, x, y, mask, seed, description, dtype="float64"):
        probs, loss, dx = temporal_softmax_loss(x, y, mask)
        tx = t64(x, True)
        per = -torch.log_softmax(tx, dim=-1).gather(2, torch.tensor(y).unsqueeze(-1)).squeeze(-1)
        tloss = (per * torch.tensor(mask).double()).sum() / N
        tloss.backward()
        tol = dict(rtol=1e-10, atol=1e-12) if dtype == "float64" else dict(rtol=1e-5, atol=1e-6)
        close(f"{name} loss", loss, tloss, **tol)
        close(f"{name} dx", dx, tx.grad, **tol)
        if name:
            case = f.case(name, replay="cs231n.temporal_softmax_loss", dtype=dtype, seed=seed,
                          config={"vocab_size": V}, description=description)
            case.inputs(x=x, y=y.astype(np.int64), mask=mask)
            case.outputs(probs=probs, loss=np.asarray(loss, dtype=dtype), dx=dx)
        return loss

    def check_loss(N, T, V, p):
        x = 0.001 * np.random.randn(N, T, V)
        y = np.random.randint(V, size=(N, T))
        mask = np.random.rand(N, T) <= p
        return x, y, mask

    x, y, mask = check_loss(100, 1, 10, 1.0)
    assert abs(loss_case("temporal_softmax_loss_100x1", 100, 1, 10, x, y, mask, SEED,
                         "RNN_Captioning 'Temporal Softmax loss' cell, check_loss(100, 1, 10, 1.0) (~2.3); "
                         "continues the temporal-affine cell's seed-231 stream") - 2.3) < 0.05
    x, y, mask = check_loss(100, 10, 10, 1.0)
    assert abs(loss_case("temporal_softmax_loss_100x10", 100, 10, 10, x, y, mask, SEED,
                         "RNN_Captioning 'Temporal Softmax loss' cell, check_loss(100, 10, 10, 1.0) (~23)") - 23) < 0.5
    x, y, mask = check_loss(5000, 10, 10, 0.1)
    assert abs(loss_case("", 5000, 10, 10, x, y, mask, SEED, "") - 2.3) < 0.1
    N, T, V = 7, 8, 9
    x = np.random.randn(N, T, V)
    y = np.random.randint(V, size=(N, T))
    mask = np.random.rand(N, T) > 0.5
    loss_case("temporal_softmax_loss_grad", N, T, V, x, y, mask, SEED,
              "RNN_Captioning 'Temporal Softmax loss' gradient check, N, T, V = 7, 8, 9, mask = rand > 0.5")

    seed_everything(6)
    x = np.random.randn(N, T, V).astype(np.float32)
    y = np.random.randint(V, size=(N, T))
    mask = np.random.rand(N, T) > 0.5
    loss_case("temporal_softmax_loss_f32", N, T, V, x, y, mask, 6,
              "the gradient-check cell's sizes, random float32 data", dtype="float32")


def write_captioning_cases(f: FixtureWriter) -> None:
    # "RNN for image captioning" / "LSTM captioning model" cells: linspace parameters, expected losses.
    N, D, W, H, T = 10, 20, 30, 40, 13
    word_to_idx = {"<NULL>": 0, "cat": 2, "dog": 3}
    V = len(word_to_idx)
    for cell, lo, hi, expected in (("rnn", -1.5, 0.3, 9.83235591003), ("lstm", -0.5, 1.7, 9.82445935443)):
        np.random.seed(SEED)   # the init draws are all overwritten by the linspace below
        params = captioning_init(word_to_idx, D, W, H, cell, np.float64)
        for k, v in params.items():
            params[k] = np.linspace(-1.4, 1.3, num=v.size).reshape(*v.shape)
        features = linspace(lo, hi, N, D)
        captions = (np.arange(N * T) % V).reshape(N, T).astype(np.int64)
        out = captioning_loss(params, features, captions, cell, word_to_idx["<NULL>"])
        assert abs(out["loss"] - expected) < 1e-10, (cell, out["loss"], expected)
        check_captioning_against_torch(params, features, captions, cell, word_to_idx["<NULL>"], out)
        case = f.case(f"captioning_{cell}_loss", replay="cs231n.captioning_rnn_loss", dtype="float64", seed=0,
                      config=captioning_config(cell, D, W, H, V, word_to_idx["<NULL>"]),
                      description=f"{'RNN' if cell == 'rnn' else 'LSTM'}_Captioning captioning-model loss cell: "
                      f"linspace params, features linspace({lo}, {hi}), expected loss {expected}")
        case.inputs(features=features, captions=captions)
        case.params(params)
        case.outputs(**out)

    # "Check gradients" cell of RNN_Captioning: np.random.seed(231), captions, features, then the model's init.
    for cell, dtype, seed in (("rnn", "float64", SEED), ("lstm", "float64", SEED),
                              ("rnn", "float32", 7), ("lstm", "float32", 8)):
        seed_everything(seed)
        N, T, D, W, H = 2, 3, 4, 5, 6
        captions = np.random.randint(V, size=(N, T)).astype(np.int64)
        features = np.random.randn(N, D).astype(dtype)
        params = captioning_init(word_to_idx, D, W, H, cell, dtype)
        out = captioning_loss(params, features, captions, cell, word_to_idx["<NULL>"])
        check_captioning_against_torch(params, features, captions, cell, word_to_idx["<NULL>"], out,
                                       f32=dtype == "float32")
        name = f"captioning_{cell}_grads" + ("_f32" if dtype == "float32" else "")
        case = f.case(name, replay="cs231n.captioning_rnn_loss", dtype=dtype, seed=seed,
                      config=captioning_config(cell, D, W, H, V, word_to_idx["<NULL>"]),
                      description="RNN_Captioning 'Check gradients' cell (seed 231, model init draws)"
                      if dtype == "float64" else "the gradient-check cell's sizes, random float32 data and init")
        case.inputs(features=features, captions=captions)
        case.params(params)
        case.outputs(**out)

    # A larger float32 case with real caption structure: <START> words <END> then <NULL> padding, 13 words.
    seed_everything(9)
    words = ["<NULL>", "<START>", "<END>", "<UNK>", "a", "cat", "dog", "on", "the", "sits", "mat", "runs", "grass"]
    vocab = {w: i for i, w in enumerate(words)}
    N, T, D, W, H = 6, 17, 20, 30, 40
    for cell in ("rnn", "lstm"):
        captions = np.zeros((N, T), dtype=np.int64)
        for n in range(N):
            length = np.random.randint(3, T - 1)
            captions[n, 0] = vocab["<START>"]
            captions[n, 1:length] = np.random.randint(3, len(words), size=length - 1)
            captions[n, length] = vocab["<END>"]
        features = np.random.randn(N, D).astype(np.float32)
        params = captioning_init(vocab, D, W, H, cell, np.float32)
        out = captioning_loss(params, features, captions, cell, vocab["<NULL>"])
        check_captioning_against_torch(params, features, captions, cell, vocab["<NULL>"], out, f32=True)
        case = f.case(f"captioning_{cell}_padded_f32", replay="cs231n.captioning_rnn_loss", dtype="float32", seed=9,
                      config=captioning_config(cell, D, W, H, len(words), vocab["<NULL>"]),
                      description="CaptioningRNN.loss on padded captions (<START> ... <END> <NULL>...), 13-word "
                      "vocab, the captioning check cell's D, W, H; random float32 data and init")
        case.inputs(features=features, captions=captions)
        case.params(params)
        case.outputs(**out)


def write_printed_values(f: FixtureWriter) -> None:
    """The notebooks' own numbers (docs/FIXTURES.md "Printed values"), each checked against the case's recorded
    output before it is written. Transcribed from the 2022 assignment 3 notebooks as run (e.g. the copy in
    github.com/AnirudhM1/CS231n-2022-Solutions, assignment3/RNN_Captioning.ipynb and LSTM_Captioning.ipynb).
    NumPy prints the `expected_*` arrays with 8 decimals (trailing zeros dropped), the losses with 11; the
    `check_loss` cell prints Python reprs (every digit of the double)."""
    rnn, lstm = "RNN_Captioning.ipynb", "LSTM_Captioning.ipynb"
    values = [
        ("rnn_step_forward", "expected_next_h", "outputs/next_h", 8, f"{rnn}, 'Vanilla RNN: step forward' cell", [
            [-0.58172089, -0.50182032, -0.41232771, -0.31410098],
            [0.66854692, 0.79562378, 0.87755553, 0.92795967],
            [0.97934501, 0.99144213, 0.99646691, 0.99854353]]),
        ("rnn_forward", "expected_h", "outputs/h", 8, f"{rnn}, 'Vanilla RNN: forward' cell", [
            [[-0.42070749, -0.27279261, -0.11074945, 0.05740409, 0.22236251],
             [-0.39525808, -0.22554661, -0.0409454, 0.14649412, 0.32397316],
             [-0.42305111, -0.24223728, -0.04287027, 0.15997045, 0.35014525]],
            [[-0.55857474, -0.39065825, -0.19198182, 0.02378408, 0.23735671],
             [-0.27150199, -0.07088804, 0.13562939, 0.33099728, 0.50158768],
             [-0.51014825, -0.30524429, -0.06755202, 0.17806392, 0.40333043]]]),
        ("word_embedding_forward", "expected_out", "outputs/out", 8, f"{rnn}, 'Word embedding: forward' cell", [
            [[0., 0.07142857, 0.14285714], [0.64285714, 0.71428571, 0.78571429],
             [0.21428571, 0.28571429, 0.35714286], [0.42857143, 0.5, 0.57142857]],
            [[0.42857143, 0.5, 0.57142857], [0.21428571, 0.28571429, 0.35714286],
             [0., 0.07142857, 0.14285714], [0.64285714, 0.71428571, 0.78571429]]]),
        ("temporal_softmax_loss_100x1", "check_loss_100_1_10", "outputs/loss", 16,
         f"{rnn}, 'Temporal Softmax loss' cell: printed by check_loss(100, 1, 10, 1.0)", 2.3027781774290146),
        ("temporal_softmax_loss_100x10", "check_loss_100_10_10", "outputs/loss", 15,
         f"{rnn}, 'Temporal Softmax loss' cell: printed by check_loss(100, 10, 10, 1.0)", 23.025985953127226),
        ("captioning_rnn_loss", "expected_loss", "outputs/loss", 11,
         f"{rnn}, 'RNN for image captioning' cell", 9.83235591003),
        ("lstm_step_forward", "expected_next_h", "outputs/next_h", 8, f"{lstm}, 'LSTM: step forward' cell", [
            [0.24635157, 0.28610883, 0.32240467, 0.35525807, 0.38474904],
            [0.49223563, 0.55611431, 0.61507696, 0.66844003, 0.7159181],
            [0.56735664, 0.66310127, 0.74419266, 0.80889665, 0.858299]]),
        ("lstm_step_forward", "expected_next_c", "outputs/next_c", 8, f"{lstm}, 'LSTM: step forward' cell", [
            [0.32986176, 0.39145139, 0.451556, 0.51014116, 0.56717407],
            [0.66382255, 0.76674007, 0.87195994, 0.97902709, 1.08751345],
            [0.74192008, 0.90592151, 1.07717006, 1.25120233, 1.42395676]]),
        ("lstm_forward", "expected_h", "outputs/h", 8, f"{lstm}, 'LSTM: forward' cell", [
            [[0.01764008, 0.01823233, 0.01882671, 0.0194232],
             [0.11287491, 0.12146228, 0.13018446, 0.13902939],
             [0.31358768, 0.33338627, 0.35304453, 0.37250975]],
            [[0.45767879, 0.4761092, 0.4936887, 0.51041945],
             [0.6704845, 0.69350089, 0.71486014, 0.7346449],
             [0.81733511, 0.83677871, 0.85403753, 0.86935314]]]),
        ("captioning_lstm_loss", "expected_loss", "outputs/loss", 11,
         f"{lstm}, 'LSTM captioning model' cell", 9.82445935443),
    ]
    # check_loss prints the double's full repr: half its last digit is below one ulp, so a replay that sums the
    # N*T masked token losses in another order than NumPy's pairwise sum cannot meet it. Measured: the Swift replay
    # is 2.13e-14 (6 ulps) from 23.025985953127226 and exact on 2.3027781774290146.
    repr_slack = 1e-13
    repr_reason = ("half the last digit of a full-precision repr (below one ulp) plus 1e-13 for the summation "
                   "order of the N*T token losses (NumPy pairwise, the Swift replay in order); measured 2.13e-14 on "
                   "check_loss(100, 10, 10, 1.0), 0 on check_loss(100, 1, 10, 1.0)")
    for case_name, name, of, decimals, cell, value in values:
        group = f.file[case_name]
        full_repr = decimals >= 15
        printed_value(FixtureCase(group, group.attrs["dtype"], f.shared), name, value, of=of, cell=cell,
                      decimals=decimals, slack=repr_slack if full_repr else 0.0,
                      reason=repr_reason if full_repr else None)


def captioning_config(cell, D, W, H, V, null):
    return {"cell_type": cell, "input_dim": D, "wordvec_dim": W, "hidden_dim": H, "vocab_size": V,
            "null_index": null}


def check_captioning_against_torch(params, features, captions, cell, null, out, f32=False):
    loss, grads = torch_captioning_loss(params, features, captions, cell, null)
    tol = dict(rtol=1e-4, atol=1e-5) if f32 else dict(rtol=1e-9, atol=1e-11)
    close(f"captioning {cell} loss", out["loss"], loss, **tol)
    for k, g in grads.items():
        close(f"captioning {cell} grads.{k}", out[f"grads.{k}"], g, **tol)


if __name__ == "__main__":
    main()
