#!/usr/bin/env python3
"""Training throughput of PyTorch's CPU build on the seed model, for comparing with `recur bench`.

The model is the seed notebook's: nn.RNN(28, 256, 2 layers, tanh, batch_first) -- or nn.LSTM or
nn.GRU of the same size with --cell --, then nn.Linear(256 * 28, 10) over every step's output,
cross-entropy, Adam 1e-3. Random inputs of MNIST's shape. For each thread count
(torch.set_num_threads) it runs 5 untimed steps, then the best of 3 timed runs of --steps steps,
and prints one line per thread count:

    pytorch 2.13.0+cpu rnn threads 1 batch 64: 1029 samples/s

Run it through scripts/compare-pytorch.sh, which also runs Recur in the same minutes.
"""
import argparse
import time

import torch
import torch.nn as nn


CELLS = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}


class SeedModel(nn.Module):
    def __init__(self, cell):
        super().__init__()
        self.rnn = CELLS[cell](28, 256, 2, batch_first=True)
        self.fc = nn.Linear(256 * 28, 10)

    def forward(self, x):
        out, _ = self.rnn(x)
        return self.fc(out.reshape(out.shape[0], -1))


def samples_per_second(cell, threads, batch, steps):
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    model = SeedModel(cell)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_function = nn.CrossEntropyLoss()
    inputs, targets = torch.rand(batch, 28, 28), torch.randint(0, 10, (batch,))

    def step():
        optimizer.zero_grad()
        loss_function(model(inputs), targets).backward()
        optimizer.step()

    for _ in range(5):
        step()
    best = 0.0
    for _ in range(3):
        start = time.perf_counter()
        for _ in range(steps):
            step()
        best = max(best, steps * batch / (time.perf_counter() - start))
    return best


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cell", choices=sorted(CELLS), default="rnn")
    parser.add_argument("--threads", default="1,2", help="comma-separated thread counts (default 1,2)")
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--steps", type=int, default=30)
    arguments = parser.parse_args()
    for threads in (int(t) for t in arguments.threads.split(",")):
        rate = samples_per_second(arguments.cell, threads, arguments.batch_size, arguments.steps)
        print(f"pytorch {torch.__version__} {arguments.cell} threads {threads} batch {arguments.batch_size}: "
              f"{rate:.0f} samples/s", flush=True)


if __name__ == "__main__":
    main()
