#!/usr/bin/python3
"""Held-out check of the unipc sampler against diffusers' own UniPCMultistepScheduler on a real U-Net.

Both sides run the same weights from the same initial noise: the C# side (the benchmarks' sampler-dump mode) runs the
ONNX export through OnnxDiffusion's unipc sampler and fused kernel; this script runs the PyTorch state the export was
made from through diffusers' scheduling_unipc_multistep.py, loaded at run time from a diffusers checkout (a bare git
directory or a source tree) with small stand-ins for the package-relative imports it needs. For each scheduler config
it prints the largest |difference| of the final samples, which with final_sigmas_type "zero" are the last step's x0
prediction, and fails if one exceeds --tolerance.

  /usr/bin/python3 benchmarks/scripts/unipc_vs_diffusers.py --model /tmp/cand --diffusers /path/to/diffusers/.git

--model is a folder written by `models/training/train_ddpm.py export --model-dir DIR` (unet.onnx for C#,
pytorch_model.pt for PyTorch, scheduler_config.json as the base of every case). Needs torch and numpy.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
SCHEDULER = "src/diffusers/schedulers/scheduling_unipc_multistep.py"

# Scheduler-config keys added to the model's own config, and the step count, for each case.
CASES = [
    ("defaults (order 2, bh2, final σ 0), leading", {}, 10),
    ("use_karras_sigmas", {"use_karras_sigmas": True}, 10),
    # bh1 onto a final σ of 0 is NaN in diffusers (its B(h) = −h is −∞ and multiplies a zero correction); ours returns x0 there.
    ("bh1, linspace, final σ = σmin, 25 steps", {"solver_type": "bh1", "timestep_spacing": "linspace", "final_sigmas_type": "sigma_min"}, 25),
    ("order 1, trailing, corrector off after steps 1 and 2", {"solver_order": 1, "timestep_spacing": "trailing", "disable_corrector": [1, 2]}, 10),
    ("final σ = σmin, no lower-order final step", {"final_sigmas_type": "sigma_min", "lower_order_final": False}, 10),
]

# Stand-ins for what scheduling_unipc_multistep.py imports from its package: a config object holding the constructor's
# arguments (what diffusers' register_to_config records), the output record, and the compatibility enum.
STUBS = {
    "configuration_utils.py": '''
import functools, inspect, types
def register_to_config(init):
    signature = inspect.signature(init)
    @functools.wraps(init)
    def wrapper(self, *args, **kwargs):
        bound = signature.bind(self, *args, **kwargs)
        bound.apply_defaults()
        self._config = {k: v for k, v in bound.arguments.items() if k != "self"}
        init(self, *args, **kwargs)
    return wrapper
class ConfigMixin:
    @property
    def config(self):
        return types.SimpleNamespace(**self._config)
    def register_to_config(self, **kwargs):
        self._config.update(kwargs)
''',
    "utils.py": '''
def deprecate(*args, **kwargs):
    pass
def is_scipy_available():
    return False
''',
    "schedulers/scheduling_utils.py": '''
import enum
from dataclasses import dataclass
import torch
class KarrasDiffusionSchedulers(enum.Enum):
    UniPCMultistepScheduler = 1
class SchedulerMixin:
    pass
@dataclass
class SchedulerOutput:
    prev_sample: torch.Tensor
''',
}


def diffusers_source(location):
    if os.path.isfile(os.path.join(location, SCHEDULER)):
        with open(os.path.join(location, SCHEDULER)) as f:
            return f.read()
    return subprocess.run(["git", "-C", location, "show", "HEAD:" + SCHEDULER], check=True, capture_output=True, text=True).stdout


def load_scheduler_class(location, workdir):
    package = os.path.join(workdir, "diffusers_stub")
    os.makedirs(os.path.join(package, "schedulers"))
    for name in ["__init__.py", "schedulers/__init__.py"]:
        open(os.path.join(package, name), "w").close()
    for name, text in STUBS.items():
        with open(os.path.join(package, name), "w") as f:
            f.write(text)
    with open(os.path.join(package, "schedulers", "scheduling_unipc_multistep.py"), "w") as f:
        f.write(diffusers_source(location))
    sys.path.insert(0, workdir)
    from diffusers_stub.schedulers.scheduling_unipc_multistep import UniPCMultistepScheduler
    return UniPCMultistepScheduler


def load_unet(model_dir):
    sys.path.insert(0, os.path.join(ROOT, "models", "training"))
    from unet import UNet
    state = torch.load(os.path.join(model_dir, "pytorch_model.pt"), map_location="cpu")
    model = UNet(**state["arch"])
    model.load_state_dict(state["ema"])
    model.eval()
    return model


def run_csharp(args, config_path, steps, out):
    dll = os.path.join(ROOT, "benchmarks", "OnnxDiffusion.Benchmarks", "bin", "Release", "net10.0", "OnnxDiffusion.Benchmarks.dll")
    subprocess.run(["dotnet", dll, "sampler-dump", "--sampler", "unipc", "--scheduler-config", config_path, "--model", args.model,
                    "--steps", str(steps), "--images", str(args.images), "--seed", str(args.seed), "--out", out], check=True)
    with open(os.path.join(out, "run.json")) as f:
        meta = json.load(f)
    shape = (args.images, 1, 28, 28)
    noise = np.fromfile(os.path.join(out, "noise.f32"), dtype="<f4").reshape(shape)
    final = np.fromfile(os.path.join(out, "out.f32"), dtype="<f4").reshape(shape)
    return meta, noise, final


@torch.no_grad()
def run_diffusers(scheduler_class, config, steps, model, noise, labels):
    # As from_config: the keys the class's constructor takes, the rest (DDPM's clip_sample, variance_type, …) dropped.
    accepted = scheduler_class.__init__.__wrapped__.__code__.co_varnames
    scheduler = scheduler_class(**{k: v for k, v in config.items() if k in accepted and k != "self"})
    scheduler.set_timesteps(steps)
    x = torch.from_numpy(noise.copy())
    y = torch.tensor(labels, dtype=torch.long)
    for t in scheduler.timesteps:
        eps = model(x, torch.full((x.shape[0],), int(t), dtype=torch.long), y)
        x = scheduler.step(eps, t, x).prev_sample
    return [int(t) for t in scheduler.timesteps], x.numpy()


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--model", required=True, help="folder from train_ddpm.py export (unet.onnx + pytorch_model.pt)")
    p.add_argument("--diffusers", required=True, help="diffusers checkout: a source tree or a (bare) git directory")
    p.add_argument("--images", type=int, default=8)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--tolerance", type=float, default=1e-3)
    args = p.parse_args()
    torch.set_num_threads(2)
    with open(os.path.join(args.model, "scheduler_config.json")) as f:
        base = json.load(f)
    model = load_unet(args.model)
    worst = 0.0
    with tempfile.TemporaryDirectory() as work:
        scheduler_class = load_scheduler_class(args.diffusers, work)
        for i, (name, extra, steps) in enumerate(CASES):
            config = {**base, **extra}
            config_path = os.path.join(work, f"case{i}.json")
            with open(config_path, "w") as f:
                json.dump(config, f)
            meta, noise, ours = run_csharp(args, config_path, steps, os.path.join(work, f"case{i}"))
            timesteps, theirs = run_diffusers(scheduler_class, config, steps, model, noise, meta["labels"])
            if timesteps != meta["timesteps"]:
                raise SystemExit(f"{name}: timesteps differ: C# {meta['timesteps']}, diffusers {timesteps}")
            delta = float(np.abs(ours - theirs).max())
            if np.isnan(delta) or delta > worst:  # a NaN on either side is the worst and stays so
                worst = delta
            print(f"{name}: {steps} steps {timesteps[:3]}…{timesteps[-1]}, max |Δ final x| = {delta:.3e} "
                  f"(mean |x| {float(np.abs(theirs).mean()):.4f})", flush=True)
    print(f"worst max |Δ| = {worst:.3e} (tolerance {args.tolerance:g})")
    return 0 if worst <= args.tolerance else 1  # False for NaN


if __name__ == "__main__":
    sys.exit(main())
