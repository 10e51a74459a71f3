"""Replays cs231n 2022 assignment 3 `transformer_layers.py` and `classifiers/transformer.py` (CaptioningTransformer).

Writes fixtures/cs231n_transformer.h5 (NOTEBOOKS.md section 5, seed 004). The modules below are the assignment's
code (the solution parts written as the assignment's solution builds them), with two changes that do not change a
number: every `nn.Dropout` is a `RecordedDropout` (same RNG use, keeps its mask), and each forward keeps its
intermediates in `self.last` (an ordered dict) so the fixture can record them.

The notebook's test cells (Transformer_Captioning.ipynb) run in train mode (dropout p=0.1 active, no `.eval()`),
so their dropout masks are recorded. Each cell is replayed twice: as the notebook ran it in 2022 (PyTorch 1.x's MKL
dropout kernel, emulated by `Dropout2022` below; the cell's printed `expected_*` values are stored in `printed/`
and asserted), and with torch 2.13's own dropout draws (cases ending in `_torch2`).

Run from the worktree root: tools/.venv/bin/python tools/replay_cs231n_transformer.py
"""

from __future__ import annotations

import copy
import itertools
import math
import os
import struct
import sys
from collections import OrderedDict

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fixture_writer import FixtureWriter, RecordedDropout, seed_everything  # noqa: E402
from printed_values import printed_value  # noqa: E402

OUT = "fixtures/cs231n_transformer.h5"
BASE_SEED = 231  # the notebook's seed


# ---------------------------------------------------------------------------------------------------------------
# transformer_layers.py


class PositionalEncoding(nn.Module):
    def __init__(self, embed_dim, dropout=0.1, max_len=5000):
        super().__init__()
        self.dropout = RecordedDropout(p=dropout)
        assert embed_dim % 2 == 0
        pe = torch.zeros(1, max_len, embed_dim)
        i = torch.arange(0, max_len).unsqueeze(1)
        col = torch.pow(10000, -torch.arange(0, embed_dim, 2) / embed_dim)
        pe[0, :, 0::2] = torch.sin(i * col)
        pe[0, :, 1::2] = torch.cos(i * col)
        self.register_buffer("pe", pe)

    def forward(self, x):
        N, S, D = x.shape
        summed = x + self.pe[:, :S]
        output = self.dropout(summed)
        self.last = OrderedDict(pe=self.pe[:, :S].to(x.dtype), x_plus_pe=summed, output=output)
        return output


class MultiHeadAttention(nn.Module):
    def __init__(self, embed_dim, num_heads, dropout=0.1):
        super().__init__()
        assert embed_dim % num_heads == 0
        self.key = nn.Linear(embed_dim, embed_dim)
        self.query = nn.Linear(embed_dim, embed_dim)
        self.value = nn.Linear(embed_dim, embed_dim)
        self.proj = nn.Linear(embed_dim, embed_dim)
        self.attn_drop = RecordedDropout(dropout)
        self.n_head = num_heads
        self.emd_dim = embed_dim
        self.head_dim = self.emd_dim // self.n_head

    def forward(self, query, key, value, attn_mask=None):
        N, S, E = query.shape
        N, T, E = value.shape
        H = self.n_head
        q = self.query(query).view(N, S, H, E // H).transpose(1, 2)  # (N, H, S, E/H)
        k = self.key(key).view(N, T, H, E // H).transpose(1, 2)  # (N, H, T, E/H)
        v = self.value(value).view(N, T, H, E // H).transpose(1, 2)  # (N, H, T, E/H)
        scores = torch.matmul(q, k.transpose(-2, -1)) / math.sqrt(E / H)  # (N, H, S, T)
        last = OrderedDict(q=q, k=k, v=v, scores=scores)
        if attn_mask is not None:
            scores = scores.masked_fill(attn_mask == 0, float("-inf"))
            last["masked_scores"] = scores
        attention = F.softmax(scores, dim=-1)
        last["attention"] = attention
        dropped = self.attn_drop(attention)
        if self.attn_drop.training and self.attn_drop.p > 0:  # dropout on: a mask is recorded (FIXTURES.md)
            last["attention_dropped"] = dropped
        merged = torch.matmul(dropped, v).transpose(1, 2).reshape(N, S, E)  # (N, S, E)
        output = self.proj(merged)
        last["merged"] = merged
        last["output"] = output
        self.last = last
        return output


# ---------------------------------------------------------------------------------------------------------------
# classifiers/transformer.py


class TransformerDecoderLayer(nn.Module):
    def __init__(self, input_dim, num_heads, dim_feedforward=2048, dropout=0.1):
        super().__init__()
        self.self_attn = MultiHeadAttention(input_dim, num_heads, dropout)
        self.multihead_attn = MultiHeadAttention(input_dim, num_heads, dropout)
        self.linear1 = nn.Linear(input_dim, dim_feedforward)
        self.dropout = RecordedDropout(dropout)
        self.linear2 = nn.Linear(dim_feedforward, input_dim)

        self.norm1 = nn.LayerNorm(input_dim)
        self.norm2 = nn.LayerNorm(input_dim)
        self.norm3 = nn.LayerNorm(input_dim)
        self.dropout1 = RecordedDropout(dropout)
        self.dropout2 = RecordedDropout(dropout)
        self.dropout3 = RecordedDropout(dropout)

        self.activation = nn.ReLU()

    def forward(self, tgt, memory, tgt_mask=None):
        last = OrderedDict()
        tgt2 = self.self_attn(query=tgt, key=tgt, value=tgt, attn_mask=tgt_mask)
        last.update(("self_attn." + k, v) for k, v in self.self_attn.last.items())
        tgt = tgt + self.dropout1(tgt2)
        last["add1"] = tgt
        tgt = self.norm1(tgt)
        last["norm1"] = tgt

        tgt2 = self.multihead_attn(query=tgt, key=memory, value=memory)
        last.update(("multihead_attn." + k, v) for k, v in self.multihead_attn.last.items())
        tgt = tgt + self.dropout2(tgt2)
        last["add2"] = tgt
        tgt = self.norm2(tgt)
        last["norm2"] = tgt

        hidden = self.linear1(tgt)
        last["linear1"] = hidden
        hidden = self.activation(hidden)
        last["relu"] = hidden
        tgt2 = self.linear2(self.dropout(hidden))
        last["linear2"] = tgt2
        tgt = tgt + self.dropout3(tgt2)
        last["add3"] = tgt
        tgt = self.norm3(tgt)
        last["norm3"] = tgt
        self.last = last
        return tgt


def clones(module, N):
    return nn.ModuleList([copy.deepcopy(module) for i in range(N)])


class TransformerDecoder(nn.Module):
    def __init__(self, decoder_layer, num_layers):
        super().__init__()
        self.layers = clones(decoder_layer, num_layers)
        self.num_layers = num_layers

    def forward(self, tgt, memory, tgt_mask=None):
        output = tgt
        for mod in self.layers:
            output = mod(output, memory, tgt_mask=tgt_mask)
        return output


class CaptioningTransformer(nn.Module):
    def __init__(self, word_to_idx, input_dim, wordvec_dim, num_heads=4, num_layers=2, max_length=50):
        super().__init__()
        vocab_size = len(word_to_idx)
        self.vocab_size = vocab_size
        self._null = word_to_idx["<NULL>"]
        self._start = word_to_idx.get("<START>", None)
        self._end = word_to_idx.get("<END>", None)

        self.visual_projection = nn.Linear(input_dim, wordvec_dim)
        self.embedding = nn.Embedding(vocab_size, wordvec_dim, padding_idx=self._null)
        self.positional_encoding = PositionalEncoding(wordvec_dim, max_len=max_length)

        decoder_layer = TransformerDecoderLayer(input_dim=wordvec_dim, num_heads=num_heads)
        self.transformer = TransformerDecoder(decoder_layer, num_layers=num_layers)
        self.apply(self._init_weights)

        self.output = nn.Linear(wordvec_dim, vocab_size)

    def _init_weights(self, module):
        if isinstance(module, (nn.Linear, nn.Embedding)):
            module.weight.data.normal_(mean=0.0, std=0.02)
            if isinstance(module, nn.Linear) and module.bias is not None:
                module.bias.data.zero_()
        elif isinstance(module, nn.LayerNorm):
            module.bias.data.zero_()
            module.weight.data.fill_(1.0)

    def forward(self, features, captions):
        N, T = captions.shape
        caption_embeddings = self.embedding(captions)
        last = OrderedDict(embedding=caption_embeddings)
        caption_embeddings = self.positional_encoding(caption_embeddings)
        last["positional_encoding"] = caption_embeddings
        projected_features = self.visual_projection(features).unsqueeze(1)  # (N, 1, W): a 1-token memory
        last["memory"] = projected_features
        tgt_mask = torch.tril(torch.ones(T, T, device=caption_embeddings.device, dtype=caption_embeddings.dtype))
        output = caption_embeddings
        for i, mod in enumerate(self.transformer.layers):
            output = mod(output, projected_features, tgt_mask=tgt_mask)
            for name in MODEL_LAYER_OUTPUTS:
                last[f"transformer.layers.{i}.{name}"] = mod.last[name]
        scores = self.output(output)
        last["scores"] = scores
        self.last = last
        return scores


# Per decoder layer, the model cases record these (the [N,T,2048] feed-forward ones are left to the layer cases).
MODEL_LAYER_OUTPUTS = [
    "self_attn.output", "add1", "norm1", "multihead_attn.output", "add2", "norm2", "linear2", "add3", "norm3",
]


def transformer_temporal_softmax_loss(x, y, mask):
    """CaptioningSolverTransformer.transformer_temporal_softmax_loss: masked cross-entropy, mean over all N*T."""
    N, T, V = x.shape
    x_flat = x.reshape(N * T, V)
    y_flat = y.reshape(N * T)
    mask_flat = mask.reshape(N * T)
    loss = torch.nn.functional.cross_entropy(x_flat, y_flat, reduction="none")
    loss = torch.mul(loss, mask_flat)
    token_loss = loss.reshape(N, T)
    loss = torch.mean(loss)
    return token_loss, loss


# ---------------------------------------------------------------------------------------------------------------
# helpers


def rel_error(x, y):
    """The notebook's rel_error."""
    return np.max(np.abs(x - y) / (np.maximum(1e-8, np.abs(x) + np.abs(y))))


def masks_of(module, prefix, where):
    """`dropout.<where>` inputs: the last mask each RecordedDropout under `module` drew."""
    found = OrderedDict()
    for key, sub in module.named_modules():
        if isinstance(sub, RecordedDropout) and sub.training and sub.p > 0:
            assert sub.mask is not None, f"{prefix}{key} drew no mask"
            name = where.get(key, key)
            found["dropout." + prefix + name] = sub.mask
            sub.mask = None
    return found


# RecordedDropout attribute paths -> `dropout.<where>` names used in the fixture.
MHA_DROPOUT = {"attn_drop": "attention"}
LAYER_DROPOUT = {
    "self_attn.attn_drop": "self_attn.attention", "multihead_attn.attn_drop": "multihead_attn.attention",
    "dropout1": "dropout1", "dropout2": "dropout2", "dropout": "ffn", "dropout3": "dropout3",
}


def model_dropout_names(num_layers):
    names = {"positional_encoding.dropout": "positional_encoding"}
    for i in range(num_layers):
        for key, name in LAYER_DROPOUT.items():
            names[f"transformer.layers.{i}.{key}"] = f"transformer.layers.{i}.{name}"
    return names


def mark_nonfinite(case, outputs):
    for name, value in outputs.items():
        if not torch.isfinite(value).all():
            case.expect_nonfinite(name)


def linspace_params(model):
    """The notebook's `p.data = torch.tensor(np.linspace(-1.4, 1.3, num=p.numel()).reshape(*p.shape))` (float64)."""
    for p in model.parameters():
        p.data = torch.tensor(np.linspace(-1.4, 1.3, num=p.numel()).reshape(*p.shape))


def state_dict_as(model, dtype):
    """state_dict verbatim; in a float64 case the float32 `pe` buffer is stored as the float64 it is promoted to."""
    return OrderedDict((k, v.to(dtype) if v.is_floating_point() else v) for k, v in model.state_dict().items())


# ---------------------------------------------------------------------------------------------------------------
# PyTorch 1.x (2022) CPU dropout, emulated
#
# The notebook ran on PyTorch 1.x CPU builds with MKL. There `nn.Dropout` in train mode is
# `noise = empty_like(x).bernoulli_(1 - p); noise.div_(1 - p); x * noise`, and `bernoulli_` with a float
# probability took ONE 32-bit word from the default CPU generator (`generator->random()`, an MT19937 output) as the
# seed of an MKL `VSL_BRNG_MCG31` stream, then drew `viRngBernoulli(VSL_RNG_METHOD_BERNOULLI_ICDF)` over the
# flattened tensor (skipping ahead per parallel chunk, so the result does not depend on the thread count).
# MCG31: x_{k+1} = 1132489760 * x_k mod (2^31 - 1), u_k = x_k / (2^31 - 1); element k is kept when u_k < 1 - p.
# Checked against the notebook's printed cells (see write_positional_encoding): x_0 is the seed word reduced
# mod 2^31 - 1 (0 becomes 1), and element 0 uses u_0 itself; with u_1 first, the positional-encoding cell's printed
# zero would sit one place earlier than printed. torch 2.13 draws per element instead, so these masks are made
# here and the generator is advanced by exactly the one word the 2022 kernel consumed.

MCG31_MODULUS = 2**31 - 1
MCG31_MULTIPLIER = 1132489760
MT_N, MT_M = 624, 397


def torch_generator_position():
    """(left, next, state words) of torch's default CPU MT19937, from `torch.get_rng_state()` (the legacy layout:
    uint64 seed, int left, int seeded, uint64 next, uint64 state[624], normal-sample cache)."""
    raw = torch.get_rng_state().numpy().tobytes()
    assert len(raw) == 5056, f"unexpected CPU generator state size {len(raw)}"
    left, = struct.unpack_from("<i", raw, 8)
    nxt, = struct.unpack_from("<Q", raw, 16)
    words = [int(v) & 0xFFFFFFFF for v in np.frombuffer(raw, dtype="<u8", count=MT_N, offset=24)]
    return left, nxt, words


def peek_torch_word():
    """The 32-bit word the default CPU generator's next `random()` returns (at::mt19937), without advancing it."""
    left, nxt, st = torch_generator_position()
    if left - 1 == 0:  # the generator regenerates its state before this draw

        def twist(u, v):
            return (((u & 0x80000000) | (v & 0x7FFFFFFF)) >> 1) ^ (0x9908B0DF if v & 1 else 0)

        for k in range(MT_N - MT_M):
            st[k] = st[k + MT_M] ^ twist(st[k], st[k + 1])
        for k in range(MT_N - MT_M, MT_N - 1):
            st[k] = st[k + MT_M - MT_N] ^ twist(st[k], st[k + 1])
        st[MT_N - 1] = st[MT_M - 1] ^ twist(st[MT_N - 1], st[0])
        nxt = 0
    y = st[nxt]
    y ^= y >> 11
    y ^= (y << 7) & 0x9D2C5680
    y ^= (y << 15) & 0xEFC60000
    y ^= y >> 18
    return y & 0xFFFFFFFF


def take_torch_word():
    """`generator->random()` as the 2022 kernel called it: returns the next word and advances torch's generator by
    exactly that one word (`random_()` on one int32 consumes one 32-bit draw; checked on the state)."""
    word = peek_torch_word()
    left, nxt, _ = torch_generator_position()
    drawn = int(torch.empty(1, dtype=torch.int32).random_())
    after_left, after_next, _ = torch_generator_position()
    assert (after_left, after_next) == ((left - 1, nxt + 1) if left > 1 else (MT_N, 1)), "advanced by != 1 word"
    assert drawn == word % 2**31, "the peeked word is not the one torch drew"
    return word


def mkl_bernoulli_2022(shape, keep):
    """The bool mask (1 = kept) PyTorch 1.x's MKL `bernoulli_(keep)` drew for a tensor of `shape`."""
    x = take_torch_word() % MCG31_MODULUS or 1
    n = int(np.prod(shape))
    kept = np.empty(n, dtype=bool)
    for k in range(n):
        if k:
            x = x * MCG31_MULTIPLIER % MCG31_MODULUS
        kept[k] = x / MCG31_MODULUS < keep
    return torch.from_numpy(kept.reshape(tuple(shape)))


class Dropout2022(RecordedDropout):
    """`nn.Dropout` as PyTorch 1.x (MKL CPU build) ran it: the mask from `mkl_bernoulli_2022`, then
    `x * (mask / (1 - p))` (the noise tensor is divided first, as `_dropout_impl` does). Keeps the mask."""

    def forward(self, x):
        if not self.training or self.p == 0:  # 1.x returns the input without drawing
            return x
        mask = mkl_bernoulli_2022(x.shape, 1 - self.p)
        self.mask = mask
        self.masks.append(mask)
        return x * (mask.to(x.dtype) / (1 - self.p))


def use_2022_dropout(module):
    """Swaps every RecordedDropout under `module` for a Dropout2022 of the same p (the module is otherwise kept)."""
    for parent in list(module.modules()):
        for name, child in list(parent.named_children()):
            if isinstance(child, RecordedDropout) and not isinstance(child, Dropout2022):
                setattr(parent, name, Dropout2022(child.p).train(child.training))
    return module


# ---------------------------------------------------------------------------------------------------------------
# cases

NOTEBOOK = "Transformer_Captioning.ipynb"
# Half the last printed digit (4 decimals), plus float32 slack for the float32 cells: the notebook's own float32
# run and this one (same formulas, other summation order) differ by a few ulps, so a value printed from just on one
# side of a rounding boundary can land just on the other. Measured: 2.3e-8 over 5e-5 in the masked self-attention
# cell (output [0,1,3]: -0.32485002 here, printed -0.3248).
F32_SLACK = 1e-6
F32_REASON = ("half the last printed digit (5e-5) plus 1e-6 for float32 op-order noise between the notebook's "
              "float32 run and this one (measured: the reference is 5.0023e-5 from output[0,1,3] of the masked "
              "self-attention cell, -0.32485002 against the printed -0.3248)")

EXPECTED_PE_OUTPUT = np.asarray([[[-1.2340, 1.1127, 1.6978, -0.0865, -0.0000, 1.2728],
                                  [0.9028, -0.4781, 0.5535, 0.8133, 1.2644, 1.7034]]])
EXPECTED_SELF_ATTN_OUTPUT = np.asarray([[
    [-0.2494, 0.1396, 0.4323, -0.2411, -0.1547, 0.2329, -0.1936, -0.1444],
    [-0.1997, 0.1746, 0.7377, -0.3549, -0.2657, 0.2693, -0.2541, -0.2476],
    [-0.0625, 0.1503, 0.7572, -0.3974, -0.1681, 0.2168, -0.2478, -0.3038]]])
EXPECTED_MASKED_SELF_ATTN_OUTPUT = np.asarray([[
    [-0.1347, 0.1934, 0.8628, -0.4903, -0.2614, 0.2798, -0.2586, -0.3019],
    [-0.1013, 0.3111, 0.5783, -0.3248, -0.3842, 0.1482, -0.3628, -0.1496],
    [-0.2071, 0.1669, 0.7097, -0.3152, -0.3136, 0.2520, -0.2774, -0.2208]]])
EXPECTED_ATTN_OUTPUT = np.asarray([[
    [-0.1980, 0.4083, 0.1968, -0.3477, 0.0321, 0.4258, -0.8972, -0.2744],
    [-0.1603, 0.4155, 0.2295, -0.3485, -0.0341, 0.3929, -0.8248, -0.2767],
    [-0.0908, 0.4113, 0.3017, -0.3539, -0.1020, 0.3784, -0.7189, -0.2912]]])
EXPECTED_SCORES = np.asarray([
    [[-16.9532, 4.8261, 26.6054], [-17.1033, 4.6906, 26.4844], [-15.0708, 4.1108, 23.2924]],
    [[-17.1767, 4.5897, 26.3562], [-15.6017, 4.8693, 25.3403], [-15.1028, 4.6905, 24.4839]],
    [[-17.2172, 4.7701, 26.7574], [-16.6755, 4.8500, 26.3754], [-17.2172, 4.7701, 26.7574]],
    [[-16.3669, 4.1602, 24.6872], [-16.7897, 4.3467, 25.4831], [-17.0103, 4.7775, 26.5652]]])
PE_CELL = f"{NOTEBOOK}, 'Positional Encoding' test cell: expected_pe_output"
MHA_CELL = f"{NOTEBOOK}, 'Transformer: Multi-Headed Attention' test cell: "
MODEL_CELL = f"{NOTEBOOK}, 'Transformer for Image Captioning' test cell: expected_scores"


def write_positional_encoding(f):
    # Notebook cell "Positional Encoding": torch.manual_seed(231); data = randn(1, 2, 6); PositionalEncoding(6)
    # (max_len 5000) in train mode, float32. Run as in 2022, then with torch 2.13's draw.
    for era in ("2022", "torch2"):
        seed_everything(BASE_SEED)
        data = torch.randn(1, 2, 6)
        pos_encoder = PositionalEncoding(6)
        if era == "2022":
            use_2022_dropout(pos_encoder)
        pos_encoder(data)
        name = "pe_notebook" if era == "2022" else "pe_notebook_torch2"
        how = ("dropout as PyTorch 1.x drew it in 2022 (MKL bernoulli)" if era == "2022"
               else "dropout drawn by torch 2.13 (not the notebook's mask)")
        case = f.case(name, replay="captioning_transformer.positional_encoding", dtype="float32",
                      seed=BASE_SEED, config={"embed_dim": 6, "max_len": 5000, "p": 0.1, "train": True},
                      description=f"PositionalEncoding(6) on randn(1,2,6) in train mode, the notebook's positional "
                                  f"encoding test cell: {how}")
        case.inputs(x=data, **{"dropout.positional_encoding": pos_encoder.dropout.mask})
        case.params(pos_encoder.state_dict())
        case.outputs(**pos_encoder.last)
        if era == "2022":
            # The printed output is exactly 0 where dropout dropped (x + pe is never 0 here): the 2022 mask must
            # drop exactly there. This is what pins element 0 to u_0 (see mkl_bernoulli_2022).
            assert (data + pos_encoder.pe[:, :2]).abs().min() > 1e-3
            assert torch.equal(pos_encoder.dropout.mask, torch.from_numpy(EXPECTED_PE_OUTPUT != 0)), \
                "the 2022 mask does not drop where the notebook printed -0.0000"
            printed_value(case, "expected_pe_output", EXPECTED_PE_OUTPUT, of="outputs/output", cell=PE_CELL,
                          decimals=4, slack=F32_SLACK, reason=F32_REASON)

    # float64, eval mode, longer sequence: a table built with float64 as the default dtype (not the assignment's).
    seed = BASE_SEED + 1
    seed_everything(seed)
    torch.set_default_dtype(torch.float64)
    try:
        pos_encoder = PositionalEncoding(8, max_len=32).eval()
    finally:
        torch.set_default_dtype(torch.float32)
    x = torch.randn(2, 20, 8, dtype=torch.float64)
    pos_encoder(x)
    case = f.case("pe_eval_f64", replay="captioning_transformer.positional_encoding", dtype="float64", seed=seed,
                  config={"embed_dim": 8, "max_len": 32, "p": 0.1, "train": False, "pe_dtype": "float64"},
                  description="PositionalEncoding(8, max_len=32) in eval mode on randn(2,20,8), float64, its table "
                              "built in float64 (torch.set_default_dtype(torch.float64))")
    case.inputs(x=x)
    case.params(pos_encoder.state_dict())
    case.outputs(**pos_encoder.last)
    write_positional_encoding_as_built(f)


def write_positional_encoding_as_built(f):
    """float64 inputs with the table the assignment builds: `torch.zeros(1, max_len, D)` in the default float32, so a
    float64 model adds a float32 table (as the notebook's float64 CaptioningTransformer does). Stored as float64
    (exact); the replay rebuilds it in float32 then upcasts (config `pe_dtype` "float32")."""
    # D=6 (the notebook's PositionalEncoding cell width) over 50 positions: a float64-built table leaves float64's
    # default tolerance from position 25 on.
    seed = BASE_SEED + 7
    seed_everything(seed)
    pos_encoder = PositionalEncoding(6, max_len=64).eval()
    x = torch.randn(2, 50, 6, dtype=torch.float64)
    pos_encoder(x)
    case = f.case("pe_assignment_f64_d6", replay="captioning_transformer.positional_encoding", dtype="float64",
                  seed=seed, config={"embed_dim": 6, "max_len": 64, "p": 0.1, "train": False, "pe_dtype": "float32"},
                  description="PositionalEncoding(6, max_len=64) built as the assignment builds it (float32 table) "
                              "on float64 randn(2,50,6), eval mode")
    case.inputs(x=x)
    case.params(state_dict_as(pos_encoder, torch.float64))
    case.outputs(**pos_encoder.last)

    # All 5000 rows of the default max_len at D=16. x is zeros, so every output equals the table: the outputs are
    # hard links to the stored buffer and x is compressed (the whole case costs one 640 kB table).
    pos_encoder = PositionalEncoding(16).eval()
    x = torch.zeros(1, 5000, 16, dtype=torch.float64)
    pos_encoder(x)
    case = f.case("pe_assignment_f64_s5000", replay="captioning_transformer.positional_encoding", dtype="float64",
                  seed=0, config={"embed_dim": 16, "max_len": 5000, "p": 0.1, "train": False, "pe_dtype": "float32"},
                  description="PositionalEncoding(16) (max_len 5000) built as the assignment builds it (float32 "
                              "table), every row, float64, eval mode, on zeros: the outputs are the table itself")
    case.group["inputs"].create_dataset("x", data=x.numpy(), compression="gzip", track_times=False)
    case.params(state_dict_as(pos_encoder, torch.float64))
    table = case.group["params"]["pe"]
    for name, value in pos_encoder.last.items():
        assert torch.equal(value, torch.from_numpy(table[()])), name
        case.group["outputs"][name] = table


def recover_attention_mask(attn, query, key, value, expected, attn_mask=None):
    """Per output row s, every attention-dropout mask (H, T) with which `attn` prints `expected[0, s]` (4 decimals),
    searched over all 2^(H*T) masks, and where the row's attention is nonzero (elsewhere a mask bit changes
    nothing): a cross-check of the 2022 emulation, independent of any RNG."""
    attn.eval()
    with torch.no_grad():
        attn(query, key, value, attn_mask=attn_mask)
    attn.train()
    A, v = attn.last["attention"][0], attn.last["v"][0]  # (H, S, T), (H, T, Dh)
    H, S, T = A.shape
    rows = []
    for s in range(S):
        found = []
        for bits in itertools.product([False, True], repeat=H * T):
            M = torch.tensor(bits).reshape(H, T)
            merged = torch.einsum("ht,htd->hd", A[:, s] * M / 0.9, v).reshape(-1)
            with torch.no_grad():
                if np.abs(attn.proj(merged).numpy() - expected[0, s]).max() <= 5e-5 + F32_SLACK:
                    found.append(M)
        rows.append((found, A[:, s] != 0))
    return rows


def write_attention(f):
    # Notebook cell "Transformer: Multi-Headed Attention": one module, three calls, train mode, float32:
    #   torch.manual_seed(231); attn = MultiHeadAttention(8, num_heads=2); data = randn(1, 3, 8)
    #   self-attention; mask = randn(3, 3) < 0.5; masked self-attention; other_data = randn(1, 3, 8); attention.
    # Run as in 2022 (each dropout call takes one generator word), then as torch 2.13 runs it.
    config = {"embed_dim": 8, "num_heads": 2, "p": 0.1, "train": True}
    printed = {"self": ("expected_self_attn_output", EXPECTED_SELF_ATTN_OUTPUT),
               "masked": ("expected_masked_self_attn_output", EXPECTED_MASKED_SELF_ATTN_OUTPUT),
               "cross": ("expected_attn_output", EXPECTED_ATTN_OUTPUT)}
    for era in ("2022", "torch2"):
        seed_everything(BASE_SEED)
        attn = MultiHeadAttention(8, num_heads=2)
        if era == "2022":
            use_2022_dropout(attn)
        data = torch.randn(1, 3, 8)
        calls = []
        attn(query=data, key=data, value=data)
        calls.append(("self", dict(query=data, key=data, value=data), attn.last, masks_of(attn, "", MHA_DROPOUT),
                      "self-attention call"))
        mask = torch.randn(3, 3) < 0.5
        attn(query=data, key=data, value=data, attn_mask=mask)
        calls.append(("masked", dict(query=data, key=data, value=data, attn_mask=mask), attn.last,
                      masks_of(attn, "", MHA_DROPOUT), "masked self-attention call"))
        other_data = torch.randn(1, 3, 8)
        attn(query=data, key=other_data, value=other_data)
        calls.append(("cross", dict(query=data, key=other_data, value=other_data), attn.last,
                      masks_of(attn, "", MHA_DROPOUT), "attention over other_data"))
        how = ("dropout as PyTorch 1.x drew it in 2022" if era == "2022"
               else "dropout drawn by torch 2.13 (not the notebook's masks)")
        for label, inputs, outputs, masks, call in calls:
            name = f"mha_notebook_{label}" + ("" if era == "2022" else "_torch2")
            case = f.case(name, replay="captioning_transformer.multihead_attention", dtype="float32",
                          seed=BASE_SEED, config=config,
                          description=f"MultiHeadAttention(8, num_heads=2) of the notebook's multi-headed attention "
                                      f"test cell (N=1, S=T=3, dropout active), {call}: {how}")
            case.inputs(**inputs, **masks)
            case.params(attn.state_dict())
            case.outputs(**outputs)
            mark_nonfinite(case, outputs)
            if era == "2022":
                key, expected = printed[label]
                printed_value(case, key, expected, of="outputs/output", cell=MHA_CELL + key, decimals=4,
                              slack=F32_SLACK, reason=F32_REASON)
                # Independent of any RNG: a search over every mask finds, per output row, the masks that print the
                # notebook's numbers; they agree wherever the attention is nonzero, and the 2022 kernel drew one.
                probe = MultiHeadAttention(8, num_heads=2)
                probe.load_state_dict(attn.state_dict())
                rows = recover_attention_mask(probe, inputs["query"], inputs["key"], inputs["value"], expected,
                                              attn_mask=inputs.get("attn_mask"))
                drawn = masks["dropout.attention"][0]
                for s, (found, seen) in enumerate(rows):
                    assert any(torch.equal(m, drawn[:, s]) for m in found), (label, s, len(found))
                    assert all(torch.equal(m[seen], drawn[:, s][seen]) for m in found), (label, s, len(found))

    # Cross-attention with S != T and a row masked entirely: PyTorch's softmax of an all -inf row is NaN.
    for dtype, train, seed in ((torch.float64, False, BASE_SEED + 2), (torch.float32, True, BASE_SEED + 3)):
        name = "float64" if dtype == torch.float64 else "float32"
        seed_everything(seed)
        attn = MultiHeadAttention(8, num_heads=2).to(dtype).train(train)
        query = torch.randn(2, 4, 8, dtype=dtype)
        memory = torch.randn(2, 5, 8, dtype=dtype)
        mask = torch.rand(4, 5) < 0.6
        mask[2] = False  # query position 2 sees nothing
        mask[0, 0] = True
        attn(query=query, key=memory, value=memory, attn_mask=mask)
        outputs = attn.last
        case = f.case(f"mha_fully_masked_row_{'train' if train else 'eval'}_f{name[5:]}",
                      replay="captioning_transformer.multihead_attention", dtype=name, seed=seed,
                      config={"embed_dim": 8, "num_heads": 2, "p": 0.1, "train": train},
                      description="MultiHeadAttention(8, 2), S=4 queries over T=5 keys, mask row 2 all blocked: "
                                  "-inf everywhere in that row, so softmax (and everything after) is NaN there")
        case.inputs(query=query, key=memory, value=memory, attn_mask=mask, **masks_of(attn, "", MHA_DROPOUT))
        case.params(attn.state_dict())
        case.outputs(**outputs)
        mark_nonfinite(case, outputs)
        assert torch.isnan(outputs["output"][:, 2]).all() and torch.isfinite(outputs["output"][:, [0, 1, 3]]).all()


def write_decoder_layer(f, notebook_model, f32_model, f32_data):
    # float64, eval: layer 0 of the notebook's test model (linspace parameters, W=30, H=2) on its test-cell input.
    layer = notebook_model.transformer.layers[0]
    features, captions = notebook_model.test_inputs
    features, captions = features[:2], captions[:2]  # two of the four rows: the fixture budget
    with torch.no_grad():
        notebook_model.eval()
        tgt = notebook_model.positional_encoding(notebook_model.embedding(captions))
        memory = notebook_model.visual_projection(features).unsqueeze(1)
        T = captions.shape[1]
        causal = torch.tril(torch.ones(T, T, dtype=torch.float64)) != 0
        layer(tgt, memory, tgt_mask=causal)
        notebook_model.train()
    case = f.case("decoder_layer_eval_f64", replay="captioning_transformer.decoder_layer", dtype="float64",
                  seed=BASE_SEED,
                  config={"input_dim": 30, "num_heads": 2, "dim_feedforward": 2048, "p": 0.1, "train": False},
                  description="TransformerDecoderLayer(30, 2) of the notebook's CaptioningTransformer test cell "
                              "(linspace parameters), eval mode, causal tril mask")
    case.inputs(tgt=tgt, memory=memory, tgt_mask=causal)
    case.params(layer.state_dict())
    case.outputs(**layer.last)
    mark_nonfinite(case, layer.last)

    # float32, train: layer 0 of the float32 model, masks recorded; memory of 3 tokens, no tgt_mask.
    seed = BASE_SEED + 4
    seed_everything(seed)
    layer = f32_model.transformer.layers[0]
    W = f32_data["wordvec_dim"]
    tgt = torch.randn(2, 7, W)
    memory = torch.randn(2, 3, W)
    layer.train()
    layer(tgt, memory)
    case = f.case("decoder_layer_train_f32", replay="captioning_transformer.decoder_layer", dtype="float32",
                  seed=seed,
                  config={"input_dim": W, "num_heads": f32_data["num_heads"], "dim_feedforward": 2048, "p": 0.1,
                          "train": True},
                  description="TransformerDecoderLayer in train mode (dropout masks recorded), no tgt_mask, "
                              "a 3-token memory")
    case.inputs(tgt=tgt, memory=memory, **masks_of(layer, "", LAYER_DROPOUT))
    case.params(layer.state_dict())
    case.outputs(**layer.last)
    mark_nonfinite(case, layer.last)


def model_config(model, word_to_idx, input_dim, wordvec_dim, num_heads, num_layers, max_length, train):
    return {"vocab_size": len(word_to_idx), "null_idx": word_to_idx["<NULL>"], "input_dim": input_dim,
            "wordvec_dim": wordvec_dim, "num_heads": num_heads, "num_layers": num_layers, "max_length": max_length,
            "dim_feedforward": 2048, "p": 0.1, "train": train}


def write_model_case(f, name, model, config, features, captions, captions_out, dtype, seed, description):
    train = model.training
    scores = model(features, captions)
    outputs = OrderedDict(model.last)
    inputs = OrderedDict(features=features, captions=captions)
    if captions_out is not None:
        inputs["captions_out"] = captions_out
        mask = torch.LongTensor((captions_out != model._null).numpy())
        token_loss, loss = transformer_temporal_softmax_loss(scores, captions_out, mask)
        outputs["token_loss"] = token_loss
        outputs["loss"] = loss
    if train:
        inputs.update(masks_of(model, "", model_dropout_names(config["num_layers"])))
    case = f.case(name, replay="captioning_transformer.model", dtype=dtype, seed=seed, config=config,
                  description=description)
    case.inputs(**inputs)
    case.params(state_dict_as(model, torch.float64 if dtype == "float64" else torch.float32))
    case.outputs(**outputs)
    mark_nonfinite(case, outputs)
    return case


def write_models(f):
    # Notebook cell "Transformer for Image Captioning", train mode, float64: torch.manual_seed(231),
    # np.random.seed(231), the model built (its init draws move the generator), every parameter overwritten with
    # linspace(-1.4, 1.3) in float64 (the `pe` buffer stays float32), then one forward. Run as in 2022 (13 dropout
    # calls, one generator word each), then with torch 2.13's draws; the 2022 run keeps its model for the cases below.
    N, D, W = 4, 20, 30
    word_to_idx = {"<NULL>": 0, "cat": 2, "dog": 3}
    V = len(word_to_idx)
    T = 3
    for era in ("torch2", "2022"):
        seed_everything(BASE_SEED)
        transformer = CaptioningTransformer(word_to_idx, input_dim=D, wordvec_dim=W, num_heads=2, num_layers=2,
                                            max_length=30)
        linspace_params(transformer)
        if era == "2022":
            use_2022_dropout(transformer)
        features = torch.tensor(np.linspace(-1.5, 0.3, num=(N * D)).reshape(N, D))
        captions = torch.tensor((np.arange(N * T) % V).reshape(N, T))
        config = model_config(transformer, word_to_idx, D, W, 2, 2, 30, True)
        how = ("dropout as PyTorch 1.x drew it in 2022 (MKL bernoulli)" if era == "2022"
               else "dropout drawn by torch 2.13 (not the notebook's masks)")
        case = write_model_case(
            f, "model_notebook" if era == "2022" else "model_notebook_torch2", transformer, config, features,
            captions, None, "float64", BASE_SEED,
            "CaptioningTransformer(word_to_idx of 3, input_dim=20, wordvec_dim=30, num_heads=2, num_layers=2, "
            f"max_length=30) with linspace parameters in train mode, the notebook's captioning test cell: {how}")
        if era == "2022":
            printed_value(case, "expected_scores", EXPECTED_SCORES, of="outputs/scores", cell=MODEL_CELL, decimals=4)
        else:
            err = np.abs(EXPECTED_SCORES - case.group["outputs"]["scores"][()]).max()
            print(f"  model_notebook_torch2: {err:.2f} from the printed scores (other dropout masks)")
    transformer.test_inputs = (features, captions)

    # The same model (same linspace parameters, stored once) in eval mode with the solver's loss: captions
    # with NULL padding, captions_in = captions[:, :-1], captions_out = captions[:, 1:].
    seed = BASE_SEED + 5
    seed_everything(seed)
    transformer.eval()
    full = torch.tensor([[1, 2, 1, 2, 0, 0], [2, 2, 1, 0, 0, 0], [1, 1, 2, 1, 2, 1]])
    features = torch.randn(3, D, dtype=torch.float64)
    with torch.no_grad():
        write_model_case(
            f, "model_loss_eval_f64", transformer, model_config(transformer, word_to_idx, D, W, 2, 2, 30, False),
            features, full[:, :-1], full[:, 1:], "float64", seed,
            "The notebook's test model in eval mode with CaptioningSolverTransformer's loss "
            "(cross-entropy * (captions_out != NULL), mean over N*T)")
    transformer.train()

    # float32, notebook-like training sizes reduced to the fixture budget: input_dim 512 (the PCA'd COCO
    # features), a 30-word vocabulary, wordvec_dim 32 (256 in the notebook: one such layer alone would be 6 MB),
    # num_heads 4, num_layers 2, max_length 30, dim_feedforward 2048 (the assignment's default, kept).
    seed = BASE_SEED + 6
    seed_everything(seed)
    words = ["<NULL>", "<START>", "<END>", "<UNK>"] + [f"w{i}" for i in range(26)]
    word_to_idx = {w: i for i, w in enumerate(words)}
    sizes = dict(input_dim=512, wordvec_dim=32, num_heads=4, num_layers=2, max_length=30)
    model = CaptioningTransformer(word_to_idx, **sizes)
    N, L = 2, 17  # COCO captions are 17 tokens: <START> words <END> <NULL>...
    full = torch.zeros(N, L, dtype=torch.long)
    for n, length in enumerate((9, 14)):
        full[n, 0] = word_to_idx["<START>"]
        full[n, 1:length] = torch.randint(3, len(words), (length - 1,))
        full[n, length] = word_to_idx["<END>"]
    features = torch.randn(N, 512)
    config = model_config(model, word_to_idx, train=True, **sizes)
    write_model_case(
        f, "model_train_f32", model, config, features, full[:, :-1], full[:, 1:], "float32", seed,
        "CaptioningTransformer at training-like sizes (input_dim 512, W=32, H=4, 2 layers, 30 words) in train "
        "mode as CaptioningSolverTransformer._step runs it: dropout masks recorded, masked temporal loss")
    model.eval()
    with torch.no_grad():
        write_model_case(
            f, "model_eval_f32", model, dict(config, train=False), features, full[:, :-1], full[:, 1:], "float32",
            seed, "The same float32 model and batch in eval mode (dropout is the identity)")
    model.train()
    return transformer, model, sizes


def main():
    torch.set_num_threads(1)
    with FixtureWriter(OUT, notebook="cs231n/2022/assignment3/Transformer_Captioning.ipynb",
                       generator="tools/replay_cs231n_transformer.py", seed=BASE_SEED) as f:
        write_positional_encoding(f)
        write_attention(f)
        notebook_model, f32_model, sizes = write_models(f)
        write_decoder_layer(f, notebook_model, f32_model, sizes)


if __name__ == "__main__":
    main()
