#!/usr/bin/env python3
"""Makes the PyTorch reference files (fixtures) that Recur's parity tests read.

    python3 scripts/make-fixtures.py [--out DIR] [--mnist DIR]
    python3 scripts/make-fixtures.py --check DIR

The first form writes every file that ../shared/README.md lists (same names,
tensors, dtypes and metadata keys) into DIR, by default fixtures/ under the
package root, which is where the tests look when neither $RECUR_FIXTURES nor
../shared/fixtures holds a file. The MNIST-based files read the IDX .gz files
from --mnist (default $MNIST_DIR, else ../shared/data/mnist); the others use
seeded random data. Every model and batch comes from a fixed seed.

Each file holds: the initial parameters under PyTorch's names (rnn.weight_ih_l0,
..., fc.weight, fc.bias), the batch (input F32 [batch, seq_len, input_size],
target I64 [batch], and for packed-* files lengths I64 [batch]), the results of
one forward/backward from the initial parameters (expected.logits,
expected.loss, grad.<name>), and after adam_steps Adam steps on the same batch
adam.<name> and adam.losses. The model is nn.RNN / nn.LSTM / nn.GRU
(batch_first, zero initial state) and then nn.Linear over every step's output
(head "all") or over each sample's last real step (head "last"), with mean
cross-entropy and torch.optim.Adam.

--check DIR recomputes every *.safetensors file in DIR from its own initial
parameters and batch, prints each tensor's relative error and exits 0 only if
all are within 1e-4, by the rule of `recur verify`: max |computed - stored| /
max |stored| for the logits, loss, gradients and adam.losses, the same in the
2-norm for the parameters after the Adam steps (their max-norm error is printed
beside it).

Needs PyTorch (the CPU build is enough), safetensors and numpy; without them
it prints the pip command and exits 1 (scripts/make-fixtures.sh installs them
and runs this script).
"""

import argparse
import gzip
import os
import sys
from pathlib import Path

try:
    import numpy as np
    import torch
    import torch.nn.functional as F
    from safetensors import safe_open
    from safetensors.torch import save_file
    from torch import nn
    from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence
except ImportError as error:
    print(f"make-fixtures: {error}; install the packages with:\n"
          "    python3 -m pip install torch safetensors numpy", file=sys.stderr)
    sys.exit(1)

PACKAGE_ROOT = Path(__file__).resolve().parent.parent
LEARNING_RATE = 1e-3
BETAS = (0.9, 0.999)
EPSILON = 1e-8
ADAM_STEPS = 3
# The pass rule of `recur verify` (Sources/RecurTrainer/Verification.swift):
# relative error max |got - ref| / max |ref| within 1e-4, except for the
# parameters after the Adam steps, compared in the 2-norm |got - ref| / |ref|,
# since Adam moves an element whose gradient is rounding noise by up to lr per
# step in any correct implementation. Denominators are at least 1e-12.
TOLERANCE = 1e-4
SCALE_FLOOR = 1e-12

# name, cell, head, hidden, layers, batch, data. data is ("mnist", first
# training image) for 28 x 28 MNIST rows and 10 classes, or ("random",
# generator seed, input_size, seq_len, classes, packed). `tagged` is False for
# the first two files, whose metadata has no cell or head keys.
FIXTURES = [
    dict(name="rnn-h32-l2-b8", cell="rnn_tanh", head="all", hidden=32, layers=2, batch=8,
         data=("mnist", 0), tagged=False),
    dict(name="rnn-h256-l2-b64", cell="rnn_tanh", head="all", hidden=256, layers=2, batch=64,
         data=("mnist", 64), tagged=False),
    dict(name="lstm-h32-l2-b8", cell="lstm", head="all", hidden=32, layers=2, batch=8, data=("mnist", 200)),
    dict(name="gru-h32-l2-b8", cell="gru", head="all", hidden=32, layers=2, batch=8, data=("mnist", 300)),
    dict(name="rnn-relu-h32-l2-b8", cell="rnn_relu", head="all", hidden=32, layers=2, batch=8,
         data=("mnist", 400)),
    dict(name="lstm-h256-l2-b64", cell="lstm", head="all", hidden=256, layers=2, batch=64, data=("mnist", 640)),
    dict(name="gru-h64-l1-b16-last", cell="gru", head="last", hidden=64, layers=1, batch=16,
         data=("mnist", 900)),
    dict(name="seq-gru-i13-t20-c5-h32", cell="gru", head="all", hidden=32, layers=2, batch=12,
         data=("random", 1026, 13, 20, 5, False)),
    dict(name="seq-rnn-i40-t6-c3-h24-last", cell="rnn_tanh", head="last", hidden=24, layers=1, batch=9,
         data=("random", 1027, 40, 6, 3, False)),
    dict(name="packed-gru-i12-t15-c4-h32-last", cell="gru", head="last", hidden=32, layers=2, batch=10,
         data=("random", 1028, 12, 15, 4, True)),
    dict(name="packed-lstm-i3-t11-c5-h16-last", cell="lstm", head="last", hidden=16, layers=1, batch=7,
         data=("random", 1029, 3, 11, 5, True)),
]


class Net(nn.Module):
    """A recurrent network and a linear head, named like the fixtures' tensors."""

    def __init__(self, cell, head, input_size, seq_len, hidden, layers, classes):
        super().__init__()
        options = dict(input_size=input_size, hidden_size=hidden, num_layers=layers, batch_first=True)
        if cell in ("rnn_tanh", "rnn_relu"):
            self.rnn = nn.RNN(nonlinearity=cell[4:], **options)
        elif cell == "lstm":
            self.rnn = nn.LSTM(**options)
        elif cell == "gru":
            self.rnn = nn.GRU(**options)
        else:
            raise ValueError(f"unknown cell {cell!r}")
        if head not in ("all", "last"):
            raise ValueError(f"unknown head {head!r}")
        self.head = head
        self.fc = nn.Linear(hidden * seq_len if head == "all" else hidden, classes)

    def forward(self, x, lengths=None):
        batch, seq_len, _ = x.shape
        if lengths is None:
            out, _ = self.rnn(x)
            last = torch.full((batch,), seq_len - 1)
        else:
            packed = pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False)
            out, _ = self.rnn(packed)
            out, _ = pad_packed_sequence(out, batch_first=True, total_length=seq_len)
            last = lengths - 1
        features = out.reshape(batch, -1) if self.head == "all" else out[torch.arange(batch), last]
        return self.fc(features)


def results(model, x, target, lengths, lr, betas, eps, steps):
    """expected.*, grad.* and adam.* of `model` on one batch; `model` is left unchanged."""
    initial = {name: p.detach().clone() for name, p in model.named_parameters()}
    model.zero_grad()
    logits = model(x, lengths)
    loss = F.cross_entropy(logits, target)
    loss.backward()
    out = {"expected.logits": logits.detach().clone(), "expected.loss": loss.detach().reshape(1).clone()}
    out.update({f"grad.{name}": p.grad.detach().clone() for name, p in model.named_parameters()})

    optimizer = torch.optim.Adam(model.parameters(), lr=lr, betas=betas, eps=eps)
    losses = []
    for _ in range(steps):
        optimizer.zero_grad()
        loss = F.cross_entropy(model(x, lengths), target)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    out.update({f"adam.{name}": p.detach().clone() for name, p in model.named_parameters()})
    out["adam.losses"] = torch.tensor(losses, dtype=torch.float32)
    with torch.no_grad():
        for name, p in model.named_parameters():
            p.copy_(initial[name])
    return out


def read_idx(path):
    """An IDX file (gzip-compressed) as a numpy array of its shape."""
    with gzip.open(path, "rb") as file:
        data = file.read()
    dims = data[3]
    shape = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def mnist_batch(directory, first, batch):
    images = read_idx(directory / "train-images-idx3-ubyte.gz")[first:first + batch]
    labels = read_idx(directory / "train-labels-idx1-ubyte.gz")[first:first + batch]
    x = torch.from_numpy(images.astype(np.float32) / 255)
    source = f"MNIST train images {first}..{first + batch - 1}, pixels/255, torch {torch.__version__}"
    return x, torch.from_numpy(labels.astype(np.int64)), None, source


def random_batch(seed, batch, input_size, seq_len, classes, packed):
    """Uniform inputs in [-1, 1) and random labels; when `packed`, random lengths
    (the first sample's is seq_len) and large random values past each length."""
    generator = torch.Generator().manual_seed(seed)
    x = torch.rand(batch, seq_len, input_size, generator=generator) * 2 - 1
    target = torch.randint(classes, (batch,), generator=generator)
    source = f"uniform random inputs in [-1, 1), random labels, generator seed {seed}"
    if not packed:
        return x, target, None, f"{source}, torch {torch.__version__}"
    lengths = torch.randint(1, seq_len + 1, (batch,), generator=generator)
    lengths[0] = seq_len
    padding = torch.randn(batch, seq_len, input_size, generator=generator) * 100
    past = torch.arange(seq_len)[None, :, None] >= lengths[:, None, None]
    x = torch.where(past, padding, x)
    source += ("; per-sample lengths in `lengths`, steps past each length filled with large random values"
               f", torch {torch.__version__}")
    return x, target, lengths, source


def make(spec, seed, mnist_directory, out_directory):
    data = spec["data"]
    if data[0] == "mnist":
        input_size, seq_len, classes = 28, 28, 10
        x, target, lengths, source = mnist_batch(mnist_directory, data[1], spec["batch"])
    else:
        _, data_seed, input_size, seq_len, classes, packed = data
        x, target, lengths, source = random_batch(data_seed, spec["batch"], input_size, seq_len, classes, packed)
    torch.manual_seed(seed)
    model = Net(spec["cell"], spec["head"], input_size, seq_len, spec["hidden"], spec["layers"], classes)
    tensors = {name: p.detach().clone() for name, p in model.named_parameters()}
    tensors.update(input=x.contiguous(), target=target)
    if lengths is not None:
        tensors["lengths"] = lengths
    tensors.update(results(model, x, target, lengths, LEARNING_RATE, BETAS, EPSILON, ADAM_STEPS))
    metadata = dict(
        hidden=spec["hidden"], layers=spec["layers"], batch=spec["batch"], input_size=input_size,
        seq_len=seq_len, classes=classes, lr=LEARNING_RATE, adam_steps=ADAM_STEPS,
        betas=",".join(str(b) for b in BETAS), eps=EPSILON, source=source)
    if spec.get("tagged", True):
        metadata.update(cell=spec["cell"], head=spec["head"])
    path = out_directory / f"{spec['name']}.safetensors"
    save_file(tensors, str(path), metadata={key: str(value) for key, value in metadata.items()})
    print(f"wrote {path}")


def check(path):
    """Recomputes the file at `path`; prints each tensor's relative error, returns whether all pass."""
    with safe_open(str(path), "pt") as file:
        metadata = file.metadata()
        stored = {name: file.get_tensor(name) for name in file.keys()}
    x, target, lengths = stored["input"], stored["target"], stored.get("lengths")
    batch, seq_len, input_size = x.shape
    model = Net(metadata.get("cell", "rnn_tanh"), metadata.get("head", "all"), input_size, seq_len,
                int(metadata["hidden"]), int(metadata["layers"]), int(metadata["classes"]))
    model.load_state_dict({name: stored[name] for name, _ in model.named_parameters()})
    betas = tuple(float(b) for b in metadata["betas"].split(","))
    computed = results(model, x, target, lengths, float(metadata["lr"]), betas, float(metadata["eps"]),
                       int(metadata["adam_steps"]))
    inputs = {name for name, _ in model.named_parameters()} | {"input", "target", "lengths"}
    unexpected = sorted(set(stored) - inputs - set(computed))
    missing = sorted(set(computed) - set(stored))
    passed = not unexpected and not missing
    print(f"{path.name}:")
    for name in unexpected + missing:
        print(f"  {name:28s} {'not computed' if name in unexpected else 'missing from the file'}  FAIL")
    for name in sorted(set(computed) & set(stored)):
        got, want = computed[name].double(), stored[name].double()
        if got.shape != want.shape:
            print(f"  {name:28s} shape {list(got.shape)} vs {list(want.shape)}  FAIL")
            passed = False
            continue
        worst = (got - want).abs().max().item() / max(want.abs().max().item(), SCALE_FLOOR)
        if name.startswith("adam.") and name != "adam.losses":
            error = (got - want).norm().item() / max(want.norm().item(), SCALE_FLOOR)
            shown = f"l2 {error:.2e}  (max {worst:.2e})"
        else:
            error, shown = worst, f"max {worst:.2e}"
        ok = error <= TOLERANCE
        passed &= ok
        print(f"  {name:28s} {shown}{'' if ok else '  FAIL'}")
    return passed


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=PACKAGE_ROOT / "fixtures",
                        help="folder to write the fixtures to (default: fixtures/ under the package root)")
    default_mnist = os.environ.get("MNIST_DIR") or str(PACKAGE_ROOT.parent / "shared" / "data" / "mnist")
    parser.add_argument("--mnist", type=Path, default=Path(default_mnist),
                        help="folder of the MNIST IDX .gz files (default: $MNIST_DIR, else ../shared/data/mnist)")
    parser.add_argument("--check", type=Path, metavar="DIR",
                        help="recompute every fixture in DIR and compare instead of writing files")
    args = parser.parse_args()

    if args.check:
        paths = sorted(args.check.glob("*.safetensors"))
        if not paths:
            print(f"make-fixtures: no .safetensors files in {args.check}", file=sys.stderr)
            return 1
        failed = [path.name for path in paths if not check(path)]
        if failed:
            print(f"FAILED: {len(failed)} of {len(paths)} files over {TOLERANCE:.0e}: {', '.join(failed)}")
            return 1
        print(f"PASSED: all tensors of {len(paths)} files within {TOLERANCE:.0e}")
        return 0

    if not (args.mnist / "train-images-idx3-ubyte.gz").is_file():
        print(f"make-fixtures: no MNIST in {args.mnist}: pass --mnist DIR or set MNIST_DIR "
              "(scripts/fetch-mnist.sh DIR downloads it)", file=sys.stderr)
        return 1
    args.out.mkdir(parents=True, exist_ok=True)
    for seed, spec in enumerate(FIXTURES):
        make(spec, seed, args.mnist, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
