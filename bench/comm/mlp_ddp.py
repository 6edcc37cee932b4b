#!/usr/bin/python3
"""PyTorch DistributedDataParallel's training step on the MLP of samples/mlp, the peer of
`mlp_parallel` run as 2 replicas: the same layers (784 -> relu hidden layers -> 10, cross
entropy), Adam, the same global minibatch split over the processes, gloo on the loopback,
one thread per process, synthetic data of the sample's shape (the step time does not
depend on the values).

usage: mlp_ddp.py [--layers 784,200,100,10] [--batch 64] [--processes 2] [--steps 300]
                  [--warmup 30] [--lr 0.0005]

Prints "torch_ddp step_ms <value>" (the mean over the timed steps, rank 0's clock after a
barrier) and exits 0; exits 77 with a message when PyTorch or its gloo backend is missing
(Debian: python3-torch).
"""
import argparse
import os
import sys
import time

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

try:
    import torch
    import torch.distributed as dist
    import torch.multiprocessing as mp
    from torch.nn.parallel import DistributedDataParallel
except ImportError as e:
    print(f"mlp_ddp.py: skipped: cannot import torch ({e}); install the Debian package "
          "python3-torch", file=sys.stderr)
    sys.exit(77)


def parse():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--layers", default="784,200,100,10")
    p.add_argument("--batch", type=int, default=64, help="global minibatch (all processes)")
    p.add_argument("--processes", type=int, default=2)
    p.add_argument("--steps", type=int, default=300)
    p.add_argument("--warmup", type=int, default=30)
    p.add_argument("--lr", type=float, default=5e-4)
    p.add_argument("--port", type=int, default=29517)
    a = p.parse_args()
    try:
        a.widths = [int(w) for w in a.layers.split(",")]
    except ValueError:
        p.error(f"--layers needs comma-separated integers, got '{a.layers}'")
    if len(a.widths) < 2 or min(a.widths) < 1:
        p.error("--layers needs at least two positive widths")
    if a.processes < 1 or a.batch % a.processes != 0:
        p.error(f"--batch {a.batch} must split evenly over {a.processes} processes")
    if a.steps < 1 or a.warmup < 0:
        p.error("--steps must be positive and --warmup non-negative")
    return a


def model(widths):
    layers = []
    for i in range(len(widths) - 1):
        layers.append(torch.nn.Linear(widths[i], widths[i + 1]))
        if i + 2 < len(widths):
            layers.append(torch.nn.ReLU())
    return torch.nn.Sequential(*layers)


def worker(rank, a):
    torch.set_num_threads(1)
    os.environ["MASTER_ADDR"] = "127.0.0.1"
    os.environ["MASTER_PORT"] = str(a.port)
    dist.init_process_group("gloo", rank=rank, world_size=a.processes)
    torch.manual_seed(1)
    net = DistributedDataParallel(model(a.widths))
    optimizer = torch.optim.Adam(net.parameters(), lr=a.lr)
    loss_fn = torch.nn.CrossEntropyLoss()
    local = a.batch // a.processes
    generator = torch.Generator().manual_seed(rank + 2)
    pool = [(torch.rand(local, a.widths[0], generator=generator),
             torch.randint(0, a.widths[-1], (local,), generator=generator)) for _ in range(16)]

    def step(i):
        x, y = pool[i % len(pool)]
        optimizer.zero_grad()
        loss = loss_fn(net(x), y)
        loss.backward()  # DDP all-reduces the gradients in buckets during the backward
        optimizer.step()

    for i in range(a.warmup):
        step(i)
    dist.barrier()
    start = time.perf_counter()
    for i in range(a.steps):
        step(i)
    dist.barrier()
    seconds = time.perf_counter() - start
    if rank == 0:
        print(f"torch_ddp step_ms {1000 * seconds / a.steps:.3f}", flush=True)
    dist.destroy_process_group()


def main():
    a = parse()
    if not dist.is_gloo_available():
        print("mlp_ddp.py: skipped: this PyTorch has no gloo backend", file=sys.stderr)
        sys.exit(77)
    mp.spawn(worker, args=(a,), nprocs=a.processes, join=True)


if __name__ == "__main__":
    main()
