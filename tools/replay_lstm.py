"""Replays boostcamp `lstm.ipynb` (NOTEBOOKS.md section 1) in PyTorch and writes fixtures/lstm.h5.

    tools/.venv/bin/python tools/replay_lstm.py [--out fixtures/lstm.h5]

Cases (docs/FIXTURES.md gives the schema, the replays `lstm.rnn` and `lstm.classifier`):
- the notebook's two shape-demo cells, with the notebook's model R (xdim 28, hdim 256, ydim 10, n_layer 2);
- a batch of 28x28 images through the whole classifier, with logits and the CrossEntropyLoss value;
- an LSTM run from non-zero (h0, c0);
- configurations the notebook never used: one layer of hidden size 7, three layers, sequence length 1 with
  batch 1, and a float64 model.
MNIST cannot be downloaded here, so the images are generated: digit-like strokes, pixels in [0, 1] as ToTensor()
gives them, read row by row (sequence length 28 = rows, input 28 = pixels), as the notebook does.
"""

from __future__ import annotations

import argparse

import numpy as np
import torch
import torch.nn as nn

from fixture_writer import FixtureCase, FixtureWriter, float64_twin, seed_everything
from printed_values import printed_shape, printed_value

BASE_SEED = 0


class RecurrentNeuralNetworkClass(nn.Module):
    """The notebook's model, verbatim but for the device."""

    def __init__(self, name="rnn", xdim=28, hdim=256, ydim=10, n_layer=3):
        super().__init__()
        self.name = name
        self.xdim = xdim
        self.hdim = hdim
        self.ydim = ydim
        self.n_layer = n_layer
        self.rnn = nn.LSTM(input_size=self.xdim, hidden_size=self.hdim, num_layers=self.n_layer, batch_first=True)
        self.lin = nn.Linear(self.hdim, self.ydim)

    def forward(self, x):
        h0 = torch.zeros(self.n_layer, x.size(0), self.hdim, dtype=x.dtype)
        c0 = torch.zeros(self.n_layer, x.size(0), self.hdim, dtype=x.dtype)
        rnn_out, (hn, cn) = self.rnn(x, (h0, c0))
        out = self.lin(rnn_out[:, -1 :]).view([-1, self.ydim])
        return out


def parameter_count(model, dtype):
    """torchinfo's "Total params" of the model, which the lstm.classifier replay records as `parameter_count`."""
    return dtype(sum(p.numel() for p in model.parameters()))


def classifier_trace(model: RecurrentNeuralNetworkClass, x: torch.Tensor):
    """forward(), with its intermediates; checks that `rnn_out[:,-1 :]` and `rnn_out[:,-1,:]` agree (seed 002)."""
    h0 = torch.zeros(model.n_layer, x.size(0), model.hdim, dtype=x.dtype)
    c0 = torch.zeros(model.n_layer, x.size(0), model.hdim, dtype=x.dtype)
    rnn_out, (hn, cn) = model.rnn(x, (h0, c0))
    last_step = rnn_out[:, -1 :]
    logits = model.lin(last_step).view([-1, model.ydim])
    assert torch.equal(logits, model(x)), "the trace must be the notebook's forward"
    assert torch.equal(logits, model.lin(rnn_out[:, -1, :]).view([-1, model.ydim])), "[:,-1 :] and [:,-1,:] differ"
    return dict(rnn_out=rnn_out, hn=hn, cn=cn, last_step=last_step, logits=logits)


def generated_digits(n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """n digit-like 28x28 images in [0, 1] (a few thick random strokes, blurred) and labels in 0..9."""
    images = np.zeros((n, 28, 28), dtype=np.float32)
    yy, xx = np.mgrid[0:28, 0:28]
    for image in images:
        for _ in range(rng.integers(2, 5)):
            (y0, x0), (y1, x1) = rng.uniform(5, 23, size=(2, 2))
            for t in np.linspace(0, 1, 24):
                cy, cx = y0 + t * (y1 - y0), x0 + t * (x1 - x0)
                image += np.exp(-((yy - cy) ** 2 + (xx - cx) ** 2) / 2.0).astype(np.float32)
        image /= max(image.max(), 1e-6)
    labels = rng.integers(0, 10, size=n).astype(np.int64)
    return images, labels


def config_of(model: RecurrentNeuralNetworkClass) -> dict:
    return {"xdim": model.xdim, "hdim": model.hdim, "ydim": model.ydim, "n_layer": model.n_layer}


def rnn_config(model: RecurrentNeuralNetworkClass) -> dict:
    return {"input_size": model.xdim, "hidden_size": model.hdim, "num_layers": model.n_layer}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="fixtures/lstm.h5")
    args = parser.parse_args()
    torch.set_grad_enabled(False)

    with FixtureWriter(args.out, notebook="boostcamp/lstm.ipynb", generator="tools/replay_lstm.py", seed=BASE_SEED) as f:
        # The notebook's model R, built once with its seed and shared by the cases that use it.
        seed_everything(BASE_SEED)
        R = RecurrentNeuralNetworkClass(name="rnn", xdim=28, hdim=256, ydim=10, n_layer=2)
        assert sum(p.numel() for p in R.parameters()) == 821_770
        R64 = float64_twin(R)   # the float64 shadow's model: R's float32 parameters, upcast

        seed = BASE_SEED + 1
        seed_everything(seed)
        x = torch.from_numpy(np.random.rand(2, 20, 28)).float()
        rnn_out, (hn, cn) = R.rnn(x)
        case = f.case("shape_demo_rnn", replay="lstm.rnn", dtype="float32", seed=seed, config=rnn_config(R),
                      description="Shape-demo cell: np.random.rand(2,20,28) through R.rnn -> rnn_out [2,20,256], hn/cn [2,2,256]")
        case.inputs(x=x)
        case.params(R.rnn.state_dict(), prefix="rnn.")
        case.outputs(rnn_out=rnn_out, hn=hn, cn=cn)
        rnn_out, (hn, cn) = R64.rnn(x.double())
        case.shadow(rnn_out=rnn_out, hn=hn, cn=cn)

        seed = BASE_SEED + 2
        seed_everything(seed)
        x = torch.from_numpy(np.random.rand(3, 10, 28)).float()
        case = f.case("shape_demo_forward", replay="lstm.classifier", dtype="float32", seed=seed, config=config_of(R),
                      description="Shape-demo cell: np.random.rand(3,10,28) through R.forward -> [3,10]")
        case.inputs(x=x)
        case.params(R.state_dict())
        case.outputs(**classifier_trace(R, x))
        case.shadow(**classifier_trace(R64, x.double()))

        seed = BASE_SEED + 3
        rng = np.random.default_rng(seed)
        images, labels = generated_digits(4, rng)
        x = torch.from_numpy(images).view(-1, 28, 28)
        targets = torch.from_numpy(labels)
        trace = classifier_trace(R, x)
        loss = nn.CrossEntropyLoss()(trace["logits"], targets)
        case = f.case("image_batch_loss", replay="lstm.classifier", dtype="float32", seed=seed, config=config_of(R),
                      description="Training-loop forward: a batch of 28x28 images read row by row, logits and "
                                  "CrossEntropyLoss (batch 4 of generated digits; the notebook's batch is 256 of MNIST)")
        case.inputs(x=x, targets=targets)
        case.params(R.state_dict())
        case.outputs(**trace, loss=loss, parameter_count=parameter_count(R, np.float32))
        trace = classifier_trace(R64, x.double())
        case.shadow(**trace, loss=nn.CrossEntropyLoss()(trace["logits"], targets), parameter_count=parameter_count(R, np.float64))

        seed = BASE_SEED + 4
        seed_everything(seed)
        x = torch.rand(2, 12, 28)
        h0 = torch.randn(2, 2, 256) * 0.5
        c0 = torch.randn(2, 2, 256)
        rnn_out, (hn, cn) = R.rnn(x, (h0, c0))
        case = f.case("nonzero_initial_state", replay="lstm.rnn", dtype="float32", seed=seed, config=rnn_config(R),
                      description="R.rnn from a non-zero (h0, c0): the state inputs must be used, not zeros")
        case.inputs(x=x, h0=h0, c0=c0)
        case.params(R.rnn.state_dict(), prefix="rnn.")
        case.outputs(rnn_out=rnn_out, hn=hn, cn=cn)
        rnn_out, (hn, cn) = R64.rnn(x.double(), (h0.double(), c0.double()))
        case.shadow(rnn_out=rnn_out, hn=hn, cn=cn)

        seed = BASE_SEED + 5
        seed_everything(seed)
        x = torch.rand(1, 1, 28)
        case = f.case("single_step_single_batch", replay="lstm.classifier", dtype="float32", seed=seed,
                      config=config_of(R), description="Not in the notebook: R.forward on a sequence of length 1, batch 1")
        case.inputs(x=x)
        case.params(R.state_dict())
        case.outputs(**classifier_trace(R, x), parameter_count=parameter_count(R, np.float32))
        case.shadow(**classifier_trace(R64, x.double()), parameter_count=parameter_count(R, np.float64))

        seed = BASE_SEED + 6
        seed_everything(seed)
        small = RecurrentNeuralNetworkClass(xdim=5, hdim=7, ydim=3, n_layer=1)
        x = torch.randn(4, 6, 5)
        h0, c0 = torch.randn(1, 4, 7), torch.randn(1, 4, 7)
        rnn_out, (hn, cn) = small.rnn(x, (h0, c0))
        case = f.case("one_layer_hidden7", replay="lstm.rnn", dtype="float32", seed=seed, config=rnn_config(small),
                      description="Not in the notebook: one layer of hidden size 7, input size 5, non-zero state")
        case.inputs(x=x, h0=h0, c0=c0)
        case.params(small.rnn.state_dict(), prefix="rnn.")
        case.outputs(rnn_out=rnn_out, hn=hn, cn=cn)
        rnn_out, (hn, cn) = float64_twin(small).rnn(x.double(), (h0.double(), c0.double()))
        case.shadow(rnn_out=rnn_out, hn=hn, cn=cn)

        seed = BASE_SEED + 7
        seed_everything(seed)
        deep = RecurrentNeuralNetworkClass(xdim=28, hdim=64, ydim=10, n_layer=3)
        x = torch.rand(5, 28, 28)
        targets = torch.randint(0, 10, (5,))
        trace = classifier_trace(deep, x)
        case = f.case("three_layers", replay="lstm.classifier", dtype="float32", seed=seed, config=config_of(deep),
                      description="Not in the notebook: the class default n_layer=3 (hidden 64), with loss")
        case.inputs(x=x, targets=targets)
        case.params(deep.state_dict())
        case.outputs(**trace, loss=nn.CrossEntropyLoss()(trace["logits"], targets), parameter_count=parameter_count(deep, np.float32))
        trace = classifier_trace(float64_twin(deep), x.double())
        case.shadow(**trace, loss=nn.CrossEntropyLoss()(trace["logits"], targets), parameter_count=parameter_count(deep, np.float64))

        seed = BASE_SEED + 8
        seed_everything(seed)
        wide = RecurrentNeuralNetworkClass(xdim=9, hdim=16, ydim=4, n_layer=2).double()
        x = torch.randn(3, 8, 9, dtype=torch.float64)
        targets = torch.tensor([0, 3, 1])
        trace = classifier_trace(wide, x)
        case = f.case("float64_classifier", replay="lstm.classifier", dtype="float64", seed=seed, config=config_of(wide),
                      description="Not in the notebook: the classifier in float64 (xdim 9, hdim 16, ydim 4, 2 layers)")
        case.inputs(x=x, targets=targets)
        case.params(wide.state_dict())
        case.outputs(**trace, loss=nn.CrossEntropyLoss()(trace["logits"], targets), parameter_count=parameter_count(wide, np.float64))
        write_printed_values(f, R)


def write_printed_values(f: FixtureWriter, R: RecurrentNeuralNetworkClass) -> None:
    """What the notebook prints about its model (docs/FIXTURES.md "Printed values"), from NOTEBOOKS.md section 1
    (the notebook itself is not in the repository): the shape-demo cell's `.shape`s and the
    `torchinfo.summary(R, (2, 20, 28))` cell's "Total params: 821,770", which the `lstm.classifier` replay outputs
    as the rank-0 `parameter_count`. Each is checked against the recorded case before it is written."""
    cell = "lstm.ipynb, shape-demo cell (NOTEBOOKS.md section 1)"
    rnn = FixtureCase(f.file["shape_demo_rnn"], "float32", f.shared)
    for name, shape in (("rnn_out", [2, 20, 256]), ("hn", [2, 2, 256]), ("cn", [2, 2, 256])):
        printed_shape(rnn, f"{name}.shape", shape, of=f"outputs/{name}.shape", cell=f"{cell}: R.rnn(x) on rand(2,20,28)")
    forward = FixtureCase(f.file["shape_demo_forward"], "float32", f.shared)
    printed_shape(forward, "logits.shape", [3, 10], of="outputs/logits.shape",
                  cell=f"{cell}: R.forward(x) on rand(3,10,28)")
    count = sum(p.numel() for p in R.parameters())
    forward.outputs(parameter_count=np.float32(count))
    forward.shadow(parameter_count=np.float64(count))
    printed_value(forward, "total_params", 821_770, of="outputs/parameter_count", decimals=0,
                  cell="lstm.ipynb, torchinfo.summary(R, (2, 20, 28)) cell: 'Total params: 821,770' (NOTEBOOKS.md "
                       "section 1)")


if __name__ == "__main__":
    main()
