"""Times PyTorch's CPU LSTM forward at the notebook's sizes, as Benchmarks/LSTMBenchmark does for Swift.

    tools/.venv/bin/python tools/bench_lstm.py [--batch 256] [--length 28] [--input 28] [--hidden 256] [--layers 2] [--repeats 20]
"""

import argparse
import resource
import time

import torch

parser = argparse.ArgumentParser()
for name, default in [("batch", 256), ("length", 28), ("input", 28), ("hidden", 256), ("layers", 2), ("repeats", 20)]:
    parser.add_argument(f"--{name}", type=int, default=default)
a = parser.parse_args()

torch.manual_seed(0)
torch.set_grad_enabled(False)
lstm = torch.nn.LSTM(a.input, a.hidden, a.layers, batch_first=True)
x = torch.rand(a.batch, a.length, a.input)
for _ in range(3):
    lstm(x)
times = []
for _ in range(a.repeats):
    start = time.perf_counter()
    lstm(x)
    times.append((time.perf_counter() - start) * 1e3)
times.sort()
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(f"pytorch LSTM forward N={a.batch} L={a.length} Q={a.input} D={a.hidden} K={a.layers} float32: "
      f"median {times[a.repeats // 2]:.2f} ms, min {times[0]:.2f} ms over {a.repeats} runs; peak RSS {rss:.0f} MiB "
      f"(torch {torch.__version__}, {torch.get_num_threads()} threads)")
