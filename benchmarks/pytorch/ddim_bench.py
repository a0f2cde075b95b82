#!/usr/bin/python3
"""PyTorch peer of the C# pipeline: the same DDIM loop on the same weights, timed in images/s.

Loads models/fashion-mnist-ddpm/pytorch_model.pt (dict with "arch" = UNet kwargs and "ema" = state_dict)
into models/training/unet.py and runs what OnnxDiffusion's `generate` runs:
  * timesteps and alphas from scheduler_config.json (leading spacing + steps_offset, linear or
    scaled_linear betas in float64, set_alpha_to_one, clip_sample / clip_sample_range), DDIM eta = 0;
  * classifier-free guidance as in OnnxDenoiser: one doubled batch [x; x] with labels [y; null_class],
    eps = eps_u + w (eps_c - eps_u); w <= 1 runs the conditional half alone (diffusers' convention);
  * fp32, eager, torch.inference_mode, torch.set_num_threads(--threads), images in batches of --batch.
Start-up and one warm-up step per batch shape are not timed (as in the C# `compare` mode).
Ends with one line `RESULT {json}` for benchmarks/side_by_side.py.

--verify FILE checks the loop itself: FILE is written by the C# `compare --dump`; the script runs its loop
from the same x_T and labels and compares x_0 with the C# pipeline's result.

Run with Debian's interpreter: /usr/bin/python3 benchmarks/pytorch/ddim_bench.py --batch 64 --threads 2
"""
import argparse
import json
import math
import os
import sys
import time

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "models", "training"))
from unet import UNet  # noqa: E402


class DdimSchedule:
    """The subset of diffusers' DDIMScheduler the C# DdimSampler implements, for epsilon prediction."""

    def __init__(self, config, steps):
        if config.get("prediction_type", "epsilon") != "epsilon":
            raise ValueError("scheduler_config.json: only prediction_type epsilon is implemented here")
        if config.get("thresholding", False):
            raise ValueError("scheduler_config.json: thresholding is not implemented here")
        big_t = int(config.get("num_train_timesteps", config.get("timesteps", 1000)))
        kind = config.get("beta_schedule", "linear")
        b0, b1 = float(config["beta_start"]), float(config["beta_end"])
        if config.get("trained_betas"):
            betas = np.asarray(config["trained_betas"], dtype=np.float64)
        elif kind == "linear":
            betas = np.linspace(b0, b1, big_t, dtype=np.float64)
        elif kind == "scaled_linear":
            betas = np.linspace(math.sqrt(b0), math.sqrt(b1), big_t, dtype=np.float64) ** 2
        else:
            raise ValueError(f"scheduler_config.json: beta_schedule {kind} is not implemented here")
        # float64 on the host, float32 where the arithmetic happens: as the C# NoiseSchedule does.
        self.alphas_cumprod = np.cumprod(1.0 - betas)
        spacing = config.get("timestep_spacing", "leading")
        if spacing != "leading":
            raise ValueError(f"scheduler_config.json: timestep_spacing {spacing} is not implemented here")
        offset = int(config.get("steps_offset", 0))
        ratio = big_t // steps
        self.timesteps = [(steps - 1 - i) * ratio + offset for i in range(steps)]
        self.final_alpha = 1.0 if config.get("set_alpha_to_one", True) else float(self.alphas_cumprod[0])
        self.clip = float(config.get("clip_sample_range", 1.0)) if config.get("clip_sample", True) else None

    def coefficients(self, i):
        """(1/sqrt(a_t), sqrt(1-a_t)/sqrt(a_t), sqrt(a_prev), sqrt(1-a_prev)) for step i, as Python floats."""
        t = self.timesteps[i]
        a = float(self.alphas_cumprod[t])
        ap = float(self.alphas_cumprod[self.timesteps[i + 1]]) if i + 1 < len(self.timesteps) else self.final_alpha
        return 1.0 / math.sqrt(a), math.sqrt(1.0 - a) / math.sqrt(a), math.sqrt(ap), math.sqrt(1.0 - ap)


def load_model(model_dir):
    ckpt = torch.load(os.path.join(model_dir, "pytorch_model.pt"), map_location="cpu")
    model = UNet(**ckpt["arch"])
    model.load_state_dict(ckpt["ema"])
    model.eval()
    return model


@torch.inference_mode()
def ddim_loop(model, sched, x, labels, guidance, null_class, steps=None):
    """Runs the DDIM loop (eta = 0) from x_T; `steps` limits it to the first n timesteps (warm-up)."""
    n = x.shape[0]
    guided = guidance > 1.0
    cls = torch.cat([labels, torch.full_like(labels, null_class)]) if guided else labels
    tt = torch.empty(2 * n if guided else n, dtype=torch.long)
    for i, t in enumerate(sched.timesteps[:steps]):
        tt.fill_(t)
        if guided:
            e = model(torch.cat([x, x]), tt, cls)
            ec, eu = e.chunk(2)
            eps = eu + guidance * (ec - eu)
        else:
            eps = model(x, tt, cls)
        pa, pb, ca, cb = sched.coefficients(i)
        x0 = pa * x - pb * eps
        if sched.clip is not None:
            x0 = x0.clamp(-sched.clip, sched.clip)
        x = ca * x0 + cb * eps
    return x


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--model", default=os.path.join(ROOT, "models", "fashion-mnist-ddpm"))
    p.add_argument("--batch", type=int, default=64)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--images", type=int, default=64)
    p.add_argument("--steps", type=int, default=None, help="inference steps (default: model.json default_steps)")
    p.add_argument("--guidance", type=float, default=None, help="guidance w (default: model.json default_guidance_scale)")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--verify", metavar="FILE", help="compare with a C# `compare --dump FILE` run instead of timing")
    p.add_argument("--tolerance", type=float, default=1e-3, help="max |x_0 difference| accepted by --verify")
    a = p.parse_args()

    torch.set_num_threads(a.threads)
    with open(os.path.join(a.model, "model.json")) as f:
        manifest = json.load(f)
    with open(os.path.join(a.model, "scheduler_config.json")) as f:
        config = json.load(f)
    steps = a.steps or int(manifest["default_steps"])
    guidance = a.guidance if a.guidance is not None else float(manifest["default_guidance_scale"])
    null_class = int(manifest["null_class"])
    shape = (manifest["channels"], manifest["image_size"], manifest["image_size"])
    model = load_model(a.model)

    if a.verify:
        with open(a.verify) as f:
            d = json.load(f)
        sched = DdimSchedule(config, len(d["timesteps"]))
        if sched.timesteps != d["timesteps"]:
            print(f"verify: timesteps differ: python {sched.timesteps} vs C# {d['timesteps']}")
            return 1
        x_t = torch.tensor(d["x_T"], dtype=torch.float32).reshape(d["shape"])
        labels = torch.tensor(d["labels"], dtype=torch.long)
        x0 = ddim_loop(model, sched, x_t, labels, float(d["guidance"]), null_class)
        ref = torch.tensor(d["x_0"], dtype=torch.float32).reshape(d["shape"])
        diff = (x0 - ref).abs()
        ok = float(diff.max()) <= a.tolerance
        print(f"verify: {len(d['labels'])} images, DDIM {len(sched.timesteps)} steps, guidance {d['guidance']}: "
              f"max |x0_torch - x0_csharp| = {float(diff.max()):.2e}, mean {float(diff.mean()):.2e} "
              f"({'OK' if ok else 'FAIL'}, tolerance {a.tolerance:g})")
        return 0 if ok else 1

    sched = DdimSchedule(config, steps)
    g = torch.Generator().manual_seed(a.seed)
    noise = torch.randn((a.images,) + shape, generator=g)
    labels = torch.arange(a.images, dtype=torch.long) % manifest["num_classes"]
    chunks = [(s, min(s + a.batch, a.images)) for s in range(0, a.images, a.batch)]
    for s, e in chunks:  # warm-up: one step per batch shape
        ddim_loop(model, sched, noise[s:e], labels[s:e], guidance, null_class, steps=1)
    start = time.perf_counter()
    for s, e in chunks:
        ddim_loop(model, sched, noise[s:e], labels[s:e], guidance, null_class)
    seconds = time.perf_counter() - start
    evaluations = a.images * len(sched.timesteps) * (2 if guidance > 1.0 else 1)
    ips = a.images / seconds
    print(f"pytorch {torch.__version__}: {a.images} images in {seconds:.3f} s = {ips:.2f} images/s "
          f"(DDIM {len(sched.timesteps)} steps, guidance {guidance}, batch {a.batch}, {torch.get_num_threads()} threads, eager fp32)")
    print("RESULT " + json.dumps({
        "side": "pytorch", "images": a.images, "batch": a.batch, "threads": torch.get_num_threads(),
        "steps": len(sched.timesteps), "guidance": guidance, "evaluations": evaluations,
        "seconds": seconds, "images_per_s": ips, "torch": torch.__version__,
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main())
