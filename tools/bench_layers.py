"""One benchmark case of the issue-12 table in PyTorch (CPU, 2 threads), the counterpart of
Benchmarks/LayerBenchmark; tools/benchmark.sh alternates the two. A benchmark, not a test.

    tools/.venv/bin/python tools/bench_layers.py <case> [--repeats R]
    tools/.venv/bin/python tools/bench_layers.py sgemm

Same protocol as the Swift side, one JSON object per line: {"ready": true} after building and warming up; each
"round" on stdin runs the case once untimed, then R times and prints {"times_ms": [...], "cpu_ms": [...]} (wall and process CPU time); "quit" prints {"peak_rss_mib": ...}.
The models are the replay scripts' own modules (tools/replay_*.py), float32, eval mode (dropout off) except the AAE
decoder's BatchNorm1d, which runs in train mode. The CaptioningRNN case is the loss and every gradient by autograd
over the assignment's step loop (tools/replay_cs231n_rnn.py's torch reference), in float32.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import time

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

THREADS = 2


def make_case(name: str):
    g = torch.Generator().manual_seed(12)
    torch.manual_seed(0)
    if name.startswith("lstm_"):
        batch = {"lstm_b256": 256, "lstm_b1": 1, "lstm_b1024": 1024}[name]
        lstm = torch.nn.LSTM(28, 256, 2, batch_first=True).eval()
        x = torch.rand(batch, 28, 28, generator=g)
        return lambda: lstm(x)[0]
    if name == "mha":
        from replay_mha import MultiHeadedAttention
        mha = MultiHeadedAttention(d_feat=200, n_head=5, dropout_p=0.1).eval()
        src = torch.rand(128, 32, 200, generator=g)
        return lambda: mha(src, src, src)["x"]
    if name in ("vit_demo", "vit_cifar"):
        from replay_vit import vision_transformer
        if name == "vit_demo":
            args = dict(in_channels=1, img_size=28, patch_size=4, emb_dim=16, n_enc_layers=3, num_heads=2)
        else:
            args = dict(in_channels=3, img_size=32, patch_size=4, emb_dim=192, n_enc_layers=6, num_heads=3)
        vit = vision_transformer(**args, forward_dim=4, dropout_ratio=0.2, n_classes=10).eval()
        x = torch.rand(64, args["in_channels"], args["img_size"], args["img_size"], generator=g)
        return lambda: vit(x, {})[0]
    if name == "aae":
        from replay_aae import AAE, NOTEBOOK
        model = AAE(NOTEBOOK)
        model.eval()
        model.decoder.model[4].train()  # BatchNorm1d in train mode, dropout off
        img = torch.rand(64, 1, 32, 32, generator=g) * 2 - 1
        noise = torch.randn(64, 10, generator=g)

        def aae():
            h = model.encoder.model(img.view(64, -1))
            mu, logvar = model.encoder.mu(h), model.encoder.logvar(h)
            z = noise * torch.exp(logvar / 2) + mu
            decoded = model.decoder.model(z).view(64, 1, 32, 32)
            validity = model.discriminator.model(z)
            return decoded + validity[-1, 0]
        return aae
    if name in ("captioning_rnn", "captioning_lstm"):
        from replay_cs231n_rnn import torch_sequence
        cell = "rnn" if name == "captioning_rnn" else "lstm"
        N, T, D, W, H, V, k = 50, 17, 512, 256, 512, 1004, (1 if cell == "rnn" else 4)
        shapes = dict(W_embed=(V, W), W_proj=(D, H), b_proj=(H,), Wx=(W, k * H), Wh=(H, k * H), b=(k * H,),
                      W_vocab=(H, V), b_vocab=(V,))
        params = {key: ((torch.rand(*s, generator=g) * 2 - 1) / s[-1] ** 0.5).requires_grad_() for key, s in shapes.items()}
        features = torch.rand(N, D, generator=g) * 2 - 1
        captions = torch.randint(0, V, (N, T), generator=g)
        captions[::3, 12:] = 0  # NULL padding
        cin, cout = captions[:, :-1], captions[:, 1:]
        mask = (cout != 0).float()

        def loss_and_grads():
            for p in params.values():
                p.grad = None
            h0 = features @ params["W_proj"] + params["b_proj"]
            x = params["W_embed"][cin]
            h = torch_sequence(x, h0, params["Wx"], params["Wh"], params["b"], cell)
            scores = h @ params["W_vocab"] + params["b_vocab"]
            logp = torch.log_softmax(scores, dim=-1)
            loss = -(logp.gather(2, cout.unsqueeze(-1)).squeeze(-1) * mask).sum() / N
            loss.backward()
            return params["Wx"].grad
        return loss_and_grads
    if name == "captioning_transformer":
        from replay_cs231n_transformer import CaptioningTransformer
        word_to_idx = {"<NULL>": 0, "<START>": 1, "<END>": 2, **{f"w{i}": i for i in range(3, 1004)}}
        model = CaptioningTransformer(word_to_idx, input_dim=512, wordvec_dim=256, num_heads=4, num_layers=2,
                                      max_length=50).eval()
        features = torch.rand(50, 512, generator=g) * 2 - 1
        captions = torch.randint(0, 1004, (50, 17), generator=g)
        return lambda: model(features, captions)
    if name == "fixture_load":
        import h5py
        folder = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures")
        files = sorted(os.path.join(folder, f) for f in os.listdir(folder) if f.endswith(".h5"))

        def load():
            arrays = []
            for path in files:
                with h5py.File(path, "r") as f:
                    f.visititems(lambda _, obj: arrays.append(obj[()]) if isinstance(obj, h5py.Dataset) else None)
                    for case in f.values():
                        dict(case.attrs)
            return torch.tensor(float(len(arrays)))
        return load
    raise SystemExit(f"bench_layers.py: unknown case '{name}'")


def sgemm_peak() -> None:
    n = 2048
    a, b = torch.rand(n, n), torch.rand(n, n)
    best = float("inf")
    for _ in range(6):
        start = time.perf_counter()
        torch.mm(a, b)
        best = min(best, time.perf_counter() - start)
    print(json.dumps({"sgemm_2048_gflops": 2 * n ** 3 / best / 1e9, "library": f"torch {torch.__version__} mm"}))


def peak_rss_mib() -> float:
    """VmHWM of /proc/self/status: the peak resident set of this process image (ru_maxrss would also count the
    pages of the parent at fork)."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("case")
    parser.add_argument("--repeats", type=int, default=5)
    a = parser.parse_args()
    torch.set_num_threads(THREADS)
    if a.case == "sgemm":
        sgemm_peak()
        return
    body = make_case(a.case)
    grad = a.case.startswith("captioning_") and a.case != "captioning_transformer"
    with torch.set_grad_enabled(grad):
        for _ in range(2):
            body()
        print(json.dumps({"ready": True}), flush=True)
        for line in sys.stdin:
            if line.strip() == "quit":
                break
            times, cpu = [], []
            body()  # untimed: the round starts warm, as the Swift side's does
            for _ in range(a.repeats):
                start, cpu_start = time.perf_counter(), time.process_time()
                body()
                times.append((time.perf_counter() - start) * 1e3)
                cpu.append((time.process_time() - cpu_start) * 1e3)
            print(json.dumps({"times_ms": times, "cpu_ms": cpu}), flush=True)
    print(json.dumps({"peak_rss_mib": peak_rss_mib()}), flush=True)


if __name__ == "__main__":
    main()
