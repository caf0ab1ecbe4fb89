#!/usr/bin/env python3
"""Trains the seed model in PyTorch on MNIST, as `recur train` does, for side-by-side figures.

The seed notebook's setup: each 28x28 image is 28 steps of 28 pixels (/255), nn.RNN(tanh), nn.LSTM
or nn.GRU (--cell) with 2 layers of 256, nn.Linear(256 * 28, 10) over every step's output (or
nn.Linear(256, 10) on the last step's with --head last), cross-entropy, Adam 1e-3, batch 64,
shuffled each epoch. Prints each epoch's test accuracy, then one summary line:

    pytorch 2.13.0+cpu lstm threads 2 batch 64: 2 epochs, test accuracy 98.01%, 75.70 s training, 1585 samples/s

Training time excludes evaluation, as recur's "training" figure does. With --device cuda the data
sits on the GPU (cuDNN's RNN kernels), and each epoch's time ends after a device synchronisation.

    python3 scripts/pytorch-mnist.py --data ../shared/data/mnist --cell lstm --threads 2
    python3 scripts/pytorch-mnist.py --data ../shared/data/mnist --device cuda
"""
import argparse
import gzip
import os
import struct
import time

import torch
import torch.nn as nn


CELLS = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}


def read_idx(folder, stem):
    for name in (stem, stem + ".gz"):
        path = os.path.join(folder, name)
        if os.path.exists(path):
            with (gzip.open if name.endswith(".gz") else open)(path, "rb") as file:
                data = file.read()
            dimensions = data[3]
            shape = struct.unpack(">" + "I" * dimensions, data[4:4 + 4 * dimensions])
            return torch.frombuffer(bytearray(data[4 + 4 * dimensions:]), dtype=torch.uint8).reshape(shape)
    raise SystemExit(f"pytorch-mnist: {stem}(.gz) not found in {folder}")


class SeedModel(nn.Module):
    def __init__(self, cell, head):
        super().__init__()
        self.rnn = CELLS[cell](28, 256, 2, batch_first=True)
        self.head = head
        self.fc = nn.Linear(256 * 28 if head == "all" else 256, 10)

    def forward(self, x):
        out, _ = self.rnn(x)
        return self.fc(out.reshape(out.shape[0], -1) if self.head == "all" else out[:, -1])


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", default=os.environ.get("MNIST_DIR", "data/mnist"))
    parser.add_argument("--cell", choices=sorted(CELLS), default="rnn")
    parser.add_argument("--head", choices=["all", "last"], default="all")
    parser.add_argument("--threads", type=int, default=os.cpu_count())
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--device", choices=["cpu", "cuda"], default="cpu", help="cpu, or cuda for the GPU")
    arguments = parser.parse_args()
    if arguments.device == "cuda" and not torch.cuda.is_available():
        raise SystemExit("pytorch-mnist: --device cuda, but this PyTorch sees no CUDA GPU")

    torch.set_num_threads(arguments.threads)
    torch.manual_seed(arguments.seed)
    train_x = read_idx(arguments.data, "train-images-idx3-ubyte").float().div(255)
    train_y = read_idx(arguments.data, "train-labels-idx1-ubyte").long()
    test_x = read_idx(arguments.data, "t10k-images-idx3-ubyte").float().div(255)
    test_y = read_idx(arguments.data, "t10k-labels-idx1-ubyte").long()
    device = torch.device(arguments.device)
    train_x, train_y, test_x, test_y = (t.to(device) for t in (train_x, train_y, test_x, test_y))
    model = SeedModel(arguments.cell, arguments.head).to(device)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_function = nn.CrossEntropyLoss()

    training_seconds, accuracy = 0.0, 0.0
    for epoch in range(arguments.epochs):
        model.train()
        start = time.perf_counter()
        for batch in torch.randperm(len(train_x), device=device).split(arguments.batch_size):
            optimizer.zero_grad()
            loss_function(model(train_x[batch]), train_y[batch]).backward()
            optimizer.step()
        if device.type == "cuda":
            torch.cuda.synchronize()
        training_seconds += time.perf_counter() - start
        model.eval()
        with torch.no_grad():
            correct = sum(int((model(x).argmax(1) == y).sum())
                          for x, y in zip(test_x.split(1000), test_y.split(1000)))
        accuracy = correct / len(test_x)
        print(f"epoch {epoch + 1}: test accuracy {accuracy * 100:.2f}%", flush=True)
    samples = arguments.epochs * len(train_x)
    where = torch.cuda.get_device_name(device) if device.type == "cuda" else f"threads {arguments.threads}"
    print(f"pytorch {torch.__version__} {arguments.cell} {where} batch {arguments.batch_size}: {arguments.epochs} epochs, "
          f"test accuracy {accuracy * 100:.2f}%, {training_seconds:.2f} s training, "
          f"{samples / training_seconds:.0f} samples/s")


if __name__ == "__main__":
    main()
