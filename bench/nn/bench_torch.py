#!/usr/bin/python3
"""PyTorch's serial MLP training throughput, the peer of nn_bench.cpp: the same model
(784 -> depth x (linear hidden, relu) -> linear 10, cross entropy), the same minibatch,
plain SGD, synthetic data cycled from a pool of 16 minibatches, one thread.

usage: bench_torch.py [--hidden 1024] [--depth 8] [--batch 128] [--steps 60] [--warmup 10]
                      [--repeat 3]

Prints "torch examples_per_second <value>" per timed run and "best <value>"; exits 77
with a message when PyTorch is not installed (Debian: python3-torch).
"""
import argparse
import os
import sys
import time

# Debian's PyTorch calls the system BLAS (OpenBLAS once libopenblas-dev is installed),
# which starts its own threads unless told otherwise before it is loaded;
# torch.set_num_threads only limits PyTorch's own (OpenMP) threads.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

try:
    import torch
except ImportError as e:
    print(f"bench_torch.py: skipped: cannot import torch ({e}); install the Debian package "
          "python3-torch", file=sys.stderr)
    sys.exit(77)


def main():
    parser = argparse.ArgumentParser()
    for flag, default in (("hidden", 1024), ("depth", 8), ("batch", 128), ("steps", 60),
                          ("warmup", 10), ("repeat", 3)):
        parser.add_argument("--" + flag, type=int, default=default)
    args = parser.parse_args()

    torch.set_num_threads(1)
    torch.manual_seed(1)
    layers = []
    width = 784
    for _ in range(args.depth):
        layers += [torch.nn.Linear(width, args.hidden), torch.nn.ReLU()]
        width = args.hidden
    layers.append(torch.nn.Linear(width, 10))
    model = torch.nn.Sequential(*layers)
    loss_fn = torch.nn.CrossEntropyLoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01)

    pool = 16 * args.batch
    X = torch.rand(pool, 784)
    y = torch.randint(0, 10, (pool,))
    batches = pool // args.batch

    def step(s):
        first = (s % batches) * args.batch
        optimizer.zero_grad(set_to_none=True)
        loss = loss_fn(model(X[first:first + args.batch]), y[first:first + args.batch])
        loss.backward()
        optimizer.step()
        return loss

    s = 0
    for _ in range(args.warmup):
        step(s)
        s += 1
    best = 0.0
    for _ in range(args.repeat):
        start = time.perf_counter()
        for _ in range(args.steps):
            loss = step(s)
            s += 1
        seconds = time.perf_counter() - start
        rate = args.steps * args.batch / seconds
        print(f"torch examples_per_second {rate:.1f} (loss {loss.item():.4f})")
        best = max(best, rate)
    print(f"best {best:.1f}")
    print(f"torch {torch.__version__}, BLAS: "
          f"{'MKL' if torch.backends.mkl.is_available() else 'not MKL'}, "
          f"oneDNN {'on' if torch.backends.mkldnn.is_available() else 'off'}", file=sys.stderr)


if __name__ == "__main__":
    main()
