#!/usr/bin/env python3
"""PyTorch with the model and settings of scripts/uea-results.sh, on UEA/UCR .ts data sets.

nn.GRU(F, hidden, layers, batch_first=True), nn.Linear(hidden, classes) on each sample's last
real step (the output at length - 1: what pack_padded_sequence gives, since later padding
cannot reach it), per-feature standardisation from the training split's real steps (population
deviation, 1 for a constant feature), padding zero, cross-entropy, Adam (lr, betas 0.9/0.999,
eps 1e-8), batches drawn in a fresh seeded order each epoch (the last one short), test accuracy
after the last epoch. Prints one line per data set and seed, then a summary per data set;
--json FILE also writes every result.

  python3 scripts/uea-pytorch.py --data ../shared/data/uea --datasets BasicMotions --seeds 0-4
"""
import argparse, json, sys, time

import numpy as np
import torch


def read_ts(path):
    """(values [N, T, F] zero-padded, lengths [N], labels [N], class names) of a .ts file."""
    classes, series, labels, in_data = None, [], [], False
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            if not in_data:
                words = line.split()
                key = words[0].lower()
                if key == "@classlabel":
                    classes = words[2:]
                elif key == "@data":
                    in_data = True
                continue
            *dims, label = line.split(":")
            series.append([[float(v) for v in d.split(",")] for d in dims])
            labels.append(classes.index(label.strip()))
    lengths = np.array([len(s[0]) for s in series])
    t, f = lengths.max(), len(series[0])
    values = np.zeros((len(series), t, f), dtype=np.float32)
    for i, s in enumerate(series):
        values[i, : lengths[i]] = np.array(s, dtype=np.float32).T
    return values, lengths, np.array(labels), classes


class Model(torch.nn.Module):
    def __init__(self, features, hidden, layers, classes):
        super().__init__()
        self.rnn = torch.nn.GRU(features, hidden, layers, batch_first=True)
        self.fc = torch.nn.Linear(hidden, classes)

    def forward(self, x, lengths):
        out, _ = self.rnn(x)
        last = out[torch.arange(x.shape[0]), lengths - 1]
        return self.fc(last)


def run(folder, name, seed, args):
    xtr, ltr, ytr, classes = read_ts(f"{folder}/{name}/{name}_TRAIN.ts")
    xte, lte, yte, _ = read_ts(f"{folder}/{name}/{name}_TEST.ts")
    t = max(xtr.shape[1], xte.shape[1])
    pad = lambda x: np.pad(x, ((0, 0), (0, t - x.shape[1]), (0, 0)))
    xtr, xte = pad(xtr), pad(xte)
    mask = np.arange(t)[None, :] < ltr[:, None]
    real = xtr[mask].astype(np.float64)
    mean, std = real.mean(0), real.std(0)
    std[std == 0] = 1
    norm = lambda x, l: np.where((np.arange(t)[None, :] < l[:, None])[..., None], (x - mean) / std, 0).astype(np.float32)
    xtr, xte = torch.tensor(norm(xtr, ltr)), torch.tensor(norm(xte, lte))
    ytr, yte = torch.tensor(ytr), torch.tensor(yte)
    ltr, lte = torch.tensor(ltr), torch.tensor(lte)
    torch.manual_seed(seed)
    model = Model(xtr.shape[2], args.hidden, args.layers, len(classes))
    optimizer = torch.optim.Adam(model.parameters(), lr=args.lr)
    loss_fn = torch.nn.CrossEntropyLoss()
    generator = torch.Generator().manual_seed(seed)
    start = time.perf_counter()
    for _ in range(args.epochs):
        model.train()
        order = torch.randperm(len(ytr), generator=generator)
        for i in range(0, len(order), args.batch_size):
            batch = order[i : i + args.batch_size]
            optimizer.zero_grad()
            loss = loss_fn(model(xtr[batch], ltr[batch]), ytr[batch])
            loss.backward()
            optimizer.step()
        if args.eval_every_epoch:
            with torch.no_grad():
                model.eval()
                model(xte, lte)
    seconds = time.perf_counter() - start
    with torch.no_grad():
        model.eval()
        accuracy = (model(xte, lte).argmax(1) == yte).float().mean().item()
    return accuracy, seconds, len(ytr) * args.epochs / seconds


def seeds(text):
    if "-" in text:
        a, b = text.split("-")
        return list(range(int(a), int(b) + 1))
    return [int(s) for s in text.split(",")]


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--data", default="../shared/data/uea")
    p.add_argument("--datasets", default="BasicMotions,JapaneseVowels,GunPoint")
    p.add_argument("--seeds", type=seeds, default=seeds("0-4"))
    p.add_argument("--hidden", type=int, default=64)
    p.add_argument("--layers", type=int, default=1)
    p.add_argument("--batch-size", type=int, default=16)
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--epochs", type=int, default=100)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--eval-every-epoch", action="store_true", help="also run the test set after every epoch, as recur train does")
    p.add_argument("--json", help="write every result here")
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    results = []
    for name in args.datasets.split(","):
        for seed in args.seeds:
            accuracy, seconds, rate = run(args.data, name, seed, args)
            results.append({"dataset": name, "seed": seed, "accuracy": accuracy, "seconds": seconds, "samples_per_second": rate})
            print(f"pytorch {name} seed {seed}: test accuracy {accuracy * 100:.2f}%, {seconds:.2f} s, {rate:.0f} samples/s", flush=True)
        rows = [r for r in results if r["dataset"] == name]
        acc = [r["accuracy"] * 100 for r in rows]
        print(
            f"pytorch {name}: mean {np.mean(acc):.1f}% ({min(acc):.1f}-{max(acc):.1f}), "
            f"{np.mean([r['seconds'] for r in rows]):.2f} s per seed, torch {torch.__version__}, {args.threads} threads",
            flush=True,
        )
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"torch": torch.__version__, "threads": args.threads, "results": results}, f, indent=1)


if __name__ == "__main__":
    sys.exit(main())
