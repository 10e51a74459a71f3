"""Runs the issue-12 benchmark table: every case in Swift (.build/release/LayerBenchmark) and in PyTorch
(tools/bench_layers.py), the two processes of a case alive side by side and their rounds interleaved (the side that
goes first alternates), then prints the machine, the load seen, the peak sgemm and the table. Called by
tools/benchmark.sh, which builds the Swift side first. A benchmark, not a test.

    tools/.venv/bin/python tools/bench_run.py [--rounds 5] [--repeats 5] [case ...]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import time
import subprocess
import sys

ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
SWIFT = os.path.join(ROOT, ".build", "release", "LayerBenchmark")
# A round starts this long after the other side's ended: PyTorch's OpenMP workers spin for 10-20 ms after a parallel
# region (measured: one 10 ms tick of CPU time in the 20 ms after an AAE round, none after), which took a core from
# a Swift round of 6 ms that followed at once (AAE: Swift median 1.62 ms interleaved against 0.90 ms alone).
SETTLE_SECONDS = 0.05
PYTHON_SIDE = [sys.executable, os.path.join(ROOT, "tools", "bench_layers.py")]


def lstm_flops(n, length=28, q=28, d=256, layers=2):
    return sum(2 * n * length * 4 * d * ((q if k == 0 else d) + d) for k in range(layers))


def mha_flops(n=128, t=32, d=200):
    return 4 * 2 * n * t * d * d + 2 * 2 * n * t * t * d


def vit_flops(c, size, patch, e, blocks, n=64, classes=10):
    tokens = (size // patch) ** 2
    t1 = tokens + 1
    per_block = 4 * 2 * n * t1 * e * e + 2 * 2 * n * t1 * t1 * e + 2 * 2 * n * t1 * e * 4 * e
    return 2 * n * tokens * patch * patch * c * e + blocks * per_block + 2 * n * e * classes


def aae_flops(n=64):
    macs = (1024 * 512 + 512 * 512 + 2 * 512 * 10) + (10 * 512 + 512 * 512 + 512 * 1024) + (10 * 512 + 512 * 256 + 256)
    return 2 * n * macs


def captioning_rnn_flops(k, n=50, steps=16, d=512, w=256, h=512, v=1004):
    forward = 2 * n * d * h + 2 * n * steps * (w + h) * k * h + 2 * n * steps * h * v
    backward = 2 * 2 * n * steps * h * v + 2 * 2 * n * steps * (w + h) * k * h + 2 * n * d * h
    return forward + backward


def captioning_transformer_flops(n=50, t=17, w=256, f=2048, v=1004, d=512, layers=2):
    per_layer = (4 * 2 * n * t * w * w + 2 * 2 * n * t * t * w) + (2 * 2 * n * t * w * w + 2 * 2 * n * w * w
                                                                   + 2 * 2 * n * t * w) + 2 * 2 * n * t * w * f
    return 2 * n * d * w + layers * per_layer + 2 * n * t * w * v


# name, description, matrix-product FLOPs per call (None: not counted)
CASES = [
    ("lstm_b256", "LSTM forward, batch 256, 28x28, hidden 256, 2 layers", lstm_flops(256)),
    ("lstm_b1", "LSTM forward, batch 1", lstm_flops(1)),
    ("lstm_b1024", "LSTM forward, batch 1024", lstm_flops(1024)),
    ("mha", "boostcamp MHA, batch 128, 32 tokens, d_feat 200, 5 heads (all 12 intermediates)", mha_flops()),
    ("vit_demo", "ViT demo config, batch 64", vit_flops(1, 28, 4, 16, 3)),
    ("vit_cifar", "ViT 3x32x32, patch 4, emb 192, 6 blocks, 3 heads, batch 64", vit_flops(3, 32, 4, 192, 6)),
    ("aae", "AAE encoder + decoder (BatchNorm, train) + discriminator, batch 64", aae_flops()),
    ("captioning_rnn", "cs231n CaptioningRNN loss + all gradients, rnn, N 50, T 17, D 512, W 256, H 512, V 1004",
     captioning_rnn_flops(1)),
    ("captioning_lstm", "same, lstm", captioning_rnn_flops(4)),
    ("captioning_transformer", "cs231n CaptioningTransformer forward, N 50, T 17, W 256, 2 layers, 4 heads",
     captioning_transformer_flops()),
    ("fixture_load", "loading every fixture (Swift loader vs h5py)", None),
]




class Side:
    def __init__(self, command):
        self.process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=ROOT)
        self.read()  # {"ready": true}

    def read(self):
        line = self.process.stdout.readline()
        if not line:
            raise SystemExit(f"bench_run.py: {self.process.args[0]} ended early (exit {self.process.wait()})")
        return json.loads(line)

    def round(self):
        self.process.stdin.write("round\n")
        self.process.stdin.flush()
        result = self.read()
        return result["times_ms"], result["cpu_ms"]

    def quit(self):
        self.process.stdin.write("quit\n")
        self.process.stdin.flush()
        result = self.read()
        self.process.wait()
        return result["peak_rss_mib"]


def machine():
    model = "?"
    flags = set()
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name") and model == "?":
                model = line.split(":", 1)[1].strip()
            if line.startswith("flags") and not flags:
                flags = set(line.split(":", 1)[1].split())
    isa = " ".join(x for x in ("avx", "avx2", "fma", "avx512f", "avx512bw", "avx512vl") if x in flags) or "none"
    env = " ".join(f"{k}={v}" for k, v in sorted(os.environ.items()) if k.startswith(("OPENBLAS", "OMP_")))
    return f"{os.cpu_count()} cores, {model}, ISA: {isa}; {platform.platform()}" + (f"; env {env}" if env else "")


def loadavg():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def sgemm():
    swift = json.loads(subprocess.run([SWIFT, "sgemm"], capture_output=True, text=True, check=True).stdout)
    torch_side = json.loads(subprocess.run(PYTHON_SIDE + ["sgemm"], capture_output=True, text=True, check=True).stdout)
    return swift, torch_side


def main():
    sys.stdout.reconfigure(line_buffering=True)
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("cases", nargs="*")
    a = parser.parse_args()
    known = {name for name, _, _ in CASES}
    for name in a.cases:
        if name not in known:
            raise SystemExit(f"bench_run.py: unknown case '{name}' (cases: {', '.join(sorted(known))})")
    chosen = [c for c in CASES if not a.cases or c[0] in a.cases]

    import torch
    print(f"machine: {machine()}")
    print(f"torch {torch.__version__}, {2} threads (torch.set_num_threads)")
    print(f"load average before: {loadavg()}")
    swift_gemm, torch_gemm = sgemm()
    print(f"Swift BLAS: {swift_gemm['library']}")
    peak = max(swift_gemm["sgemm_2048_gflops"], torch_gemm["sgemm_2048_gflops"])
    print(f"sgemm 2048^3: {swift_gemm['sgemm_2048_gflops']:.0f} GFLOP/s (Swift's BLAS), "
          f"{torch_gemm['sgemm_2048_gflops']:.0f} GFLOP/s ({torch_gemm['library']}); peak reference {peak:.0f} GFLOP/s")
    print(f"rounds: {a.rounds} interleaved, {a.repeats} timed calls each after one untimed, each side's round "
          f"{1000 * SETTLE_SECONDS:.0f} ms after the other's ended; medians over all calls (wall time; CPU: process CPU "
          f"time of all threads per call, steadier than wall time on a loaded machine)")
    print()
    rows = []
    for name, description, flops in chosen:
        swift = Side([SWIFT, name, "--repeats", str(a.repeats)])
        torch_side = Side(PYTHON_SIDE + [name, "--repeats", str(a.repeats)])
        times = {"swift": [], "torch": []}
        cpu = {"swift": [], "torch": []}
        for r in range(a.rounds):
            order = [("swift", swift), ("torch", torch_side)]
            if r % 2:
                order.reverse()
            for key, side in order:
                time.sleep(SETTLE_SECONDS)
                wall, used = side.round()
                times[key] += wall
                cpu[key] += used
        rss = (swift.quit(), torch_side.quit())
        ms = (statistics.median(times["swift"]), statistics.median(times["torch"]))
        mins = (min(times["swift"]), min(times["torch"]))
        cpus = (statistics.median(cpu["swift"]), statistics.median(cpu["torch"]))
        rows.append((name, description, flops, ms, mins, rss, cpus))
        print(f"  {name}: Swift {ms[0]:.2f} ms (min {mins[0]:.2f}, CPU {cpus[0]:.2f}), PyTorch {ms[1]:.2f} ms "
              f"(min {mins[1]:.2f}, CPU {cpus[1]:.2f}), ratio {ms[0] / ms[1]:.2f}; load {loadavg()}", flush=True)
    print()
    print("| case | Swift ms | PyTorch ms | Swift / PyTorch | min ms Swift / PyTorch | CPU ms Swift / PyTorch "
          "| Swift GFLOP/s | PyTorch GFLOP/s | Swift % of peak | peak RSS Swift / PyTorch MiB |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for name, description, flops, ms, mins, rss, cpus in rows:
        gf = ("", "", "")
        if flops:
            g = (flops / ms[0] / 1e6, flops / ms[1] / 1e6)
            gf = (f"{g[0]:.0f}", f"{g[1]:.0f}", f"{100 * g[0] / peak:.0f}%")
        print(f"| {description} | {ms[0]:,.2f} | {ms[1]:,.2f} | {ms[0] / ms[1]:.2f}x | {mins[0]:,.2f} / {mins[1]:,.2f} "
              f"| {cpus[0]:,.1f} / {cpus[1]:,.1f} | {gf[0]} | {gf[1]} | {gf[2]} | {rss[0]:.0f} / {rss[1]:.0f} |")
    print()
    print(f"load average after: {loadavg()}")


if __name__ == "__main__":
    main()
