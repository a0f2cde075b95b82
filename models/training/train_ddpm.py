#!/usr/bin/python3
"""Trains the embedded default: a class-conditional epsilon-prediction DDPM U-Net on Fashion-MNIST.

Subcommands
  train   run or resume training; checkpoints every --ckpt-minutes and on exit (Ctrl-C, SIGTERM)
  export  write unet.onnx (EMA weights), scheduler_config.json, model.json, the PyTorch EMA
          checkpoint and a reference input/output pair into --model-dir
  sample  a 10x10 class grid (DDIM, classifier-free guidance) as a PNG, for eyeballing progress

Schedule: linear betas 1e-4..0.02 over T = 1000 (the DDPM paper's and diffusers' default), so the
golden values the C# sampler is tested against apply to this model unchanged.
Everything random is derived from --seed; the RNG states travel inside the checkpoint so a resumed
run continues the same stream.
"""
import argparse
import hashlib
import json
import os
import signal
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import FASHION_CLASSES, grid_u8, load_split, to_model_range, write_json_atomic, write_png_gray  # noqa: E402
from unet import UNet, count_macs  # noqa: E402

T = 1000
BETA_START, BETA_END = 1e-4, 0.02
ARCH = dict(ch=32, mult=(1, 2, 2), blocks=1, num_classes=10, dropout=0.1)


def alphas_cumprod():
    betas = np.linspace(BETA_START, BETA_END, T, dtype=np.float64)
    return torch.tensor(np.cumprod(1.0 - betas), dtype=torch.float32)


def make_model():
    return UNet(**ARCH)


def save_checkpoint(path, state):
    tmp = path + ".tmp"
    torch.save(state, tmp)
    os.replace(tmp, path)


def log_line(path, text):
    with open(path, "a") as f:
        f.write(text + "\n")
    print(text, flush=True)


def train(args):
    torch.set_num_threads(args.threads)
    device = torch.device(args.device)
    os.makedirs(args.state_dir, exist_ok=True)
    ckpt_path = os.path.join(args.state_dir, "ddpm_state.pt")
    log_path = args.log

    images, labels = load_split(args.data, "train")
    x_all = torch.from_numpy(to_model_range(images))
    y_all = torch.from_numpy(labels)
    n = x_all.shape[0]

    model = make_model().to(device)
    ema = make_model().to(device)
    ema.load_state_dict(model.state_dict())
    ema.eval()
    for p in ema.parameters():
        p.requires_grad_(False)
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=0.0)
    abar = alphas_cumprod().to(device)

    step, seconds = 0, 0.0
    gen = torch.Generator().manual_seed(args.seed)
    if os.path.exists(ckpt_path):
        st = torch.load(ckpt_path, map_location=device)
        model.load_state_dict(st["model"])
        ema.load_state_dict(st["ema"])
        opt.load_state_dict(st["opt"])
        step, seconds = st["step"], st["seconds"]
        gen.set_state(st["gen"])
        log_line(log_path, f"# resumed at step {step} ({seconds / 3600:.2f} h trained so far)")
    else:
        torch.manual_seed(args.seed)
        log_line(log_path, f"# new run seed={args.seed} arch={ARCH} batch={args.batch} lr={args.lr} "
                           f"params={sum(p.numel() for p in model.parameters())}")
        log_line(log_path, "step,epoch,loss,lr,seconds")

    stop = {"now": False}

    def on_signal(signum, frame):
        stop["now"] = True

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)

    def checkpoint():
        save_checkpoint(ckpt_path, dict(model=model.state_dict(), ema=ema.state_dict(), opt=opt.state_dict(),
                                        step=step, seconds=seconds, gen=gen.get_state(), arch=ARCH))

    last_ckpt = time.time()
    running = None
    t_start = time.time()
    seconds_at_start = seconds
    model.train()
    while step < args.steps and not stop["now"]:
        # A fresh permutation per epoch, drawn from the checkpointed generator.
        epoch = step * args.batch // n
        perm = torch.randperm(n, generator=torch.Generator().manual_seed(args.seed * 100003 + epoch))
        offset = (step * args.batch) % n
        idx = perm[offset:offset + args.batch]
        if idx.numel() < args.batch:
            idx = torch.cat([idx, perm[:args.batch - idx.numel()]])
        x0 = x_all[idx].to(device)
        y = y_all[idx].clone()
        flip = torch.rand(args.batch, generator=gen) < 0.5
        x0 = torch.where(flip[:, None, None, None].to(device), x0.flip(-1), x0)
        drop = torch.rand(args.batch, generator=gen) < args.label_dropout
        y[drop] = ARCH["num_classes"]
        t = torch.randint(0, T, (args.batch,), generator=gen)
        eps = torch.randn(x0.shape, generator=gen)
        y, t, eps = y.to(device), t.to(device), eps.to(device)
        a = abar[t][:, None, None, None]
        xt = a.sqrt() * x0 + (1 - a).sqrt() * eps

        lr = args.lr * min(1.0, (step + 1) / args.warmup)
        for g in opt.param_groups:
            g["lr"] = lr
        loss = F.mse_loss(model(xt, t, y), eps)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        decay = min(args.ema, (1 + step) / (10 + step))
        with torch.no_grad():
            for pe, pm in zip(ema.parameters(), model.parameters()):
                pe.mul_(decay).add_(pm, alpha=1 - decay)
            for be, bm in zip(ema.buffers(), model.buffers()):
                be.copy_(bm)
        step += 1
        seconds = seconds_at_start + (time.time() - t_start)
        running = loss.item() if running is None else 0.98 * running + 0.02 * loss.item()
        if step % args.log_every == 0:
            log_line(log_path, f"{step},{step * args.batch / n:.2f},{running:.5f},{lr:.2e},{seconds:.0f}")
        if time.time() - last_ckpt > args.ckpt_minutes * 60:
            checkpoint()
            last_ckpt = time.time()
    checkpoint()
    log_line(log_path, f"# checkpoint at step {step} ({seconds / 3600:.2f} h)")


def load_ema(state_dir, device="cpu"):
    st = torch.load(os.path.join(state_dir, "ddpm_state.pt"), map_location=device)
    model = make_model()
    model.load_state_dict(st["ema"])
    model.eval()
    return model, st


@torch.no_grad()
def ddim_sample(model, labels, steps, guidance, seed, abar):
    """DDIM (eta = 0), leading spacing, classifier-free guidance: eps = eps_u + w (eps_c - eps_u)."""
    g = torch.Generator().manual_seed(seed)
    x = torch.randn((labels.shape[0], 1, 28, 28), generator=g)
    ts = list(range(0, T, T // steps))[::-1]
    null = torch.full_like(labels, ARCH["num_classes"])
    for i, t in enumerate(ts):
        tt = torch.full_like(labels, t)
        if guidance <= 1.0:  # diffusers' convention: w <= 1 means the conditional prediction alone
            eps = model(x, tt, labels)
        else:
            e = model(torch.cat([x, x]), torch.cat([tt, tt]), torch.cat([labels, null]))
            ec, eu = e.chunk(2)
            eps = eu + guidance * (ec - eu)
        a_t = abar[t]
        a_prev = abar[ts[i + 1]] if i + 1 < len(ts) else torch.tensor(1.0)
        x0 = ((x - (1 - a_t).sqrt() * eps) / a_t.sqrt()).clamp(-1, 1)
        x = a_prev.sqrt() * x0 + (1 - a_prev).sqrt() * eps
    return x


def sample(args):
    torch.set_num_threads(args.threads)
    model, st = load_ema(args.state_dir)
    labels = torch.arange(10).repeat_interleave(10)
    x = ddim_sample(model, labels, args.sample_steps, args.guidance, args.seed, alphas_cumprod())
    write_png_gray(args.png, grid_u8(x.numpy(), 10, 10))
    print(f"wrote {args.png} from step {st['step']} (DDIM {args.sample_steps}, guidance {args.guidance})")


def sha256_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def export(args):
    import onnx  # Debian python3-onnx

    torch.set_num_threads(args.threads)
    model, st = load_ema(args.state_dir)
    out = args.model_dir
    os.makedirs(out, exist_ok=True)

    torch.save({"arch": ARCH, "ema": model.state_dict(), "step": st["step"], "seconds": st["seconds"]},
               os.path.join(out, "pytorch_model.pt.tmp"))
    os.replace(os.path.join(out, "pytorch_model.pt.tmp"), os.path.join(out, "pytorch_model.pt"))

    onnx_tmp = os.path.join(out, "unet.onnx.tmp")
    dummy = (torch.zeros(2, 1, 28, 28), torch.zeros(2, dtype=torch.long), torch.zeros(2, dtype=torch.long))
    torch.onnx.export(model, dummy, onnx_tmp, opset_version=17,
                      input_names=["sample", "timestep", "class_labels"], output_names=["out_sample"],
                      dynamic_axes={"sample": {0: "batch"}, "timestep": {0: "batch"},
                                    "class_labels": {0: "batch"}, "out_sample": {0: "batch"}})
    onnx.checker.check_model(onnx.load(onnx_tmp))
    os.replace(onnx_tmp, os.path.join(out, "unet.onnx"))

    write_json_atomic(os.path.join(out, "scheduler_config.json"), {
        "_class_name": "DDPMScheduler",
        "num_train_timesteps": T,
        "beta_start": BETA_START,
        "beta_end": BETA_END,
        "beta_schedule": "linear",
        "trained_betas": None,
        "variance_type": "fixed_small",
        "clip_sample": True,
        "clip_sample_range": 1.0,
        "prediction_type": "epsilon",
        "timestep_spacing": "leading",
        "steps_offset": 0,
        "set_alpha_to_one": True,
        "thresholding": False,
    })
    write_json_atomic(os.path.join(out, "model.json"), {
        "format": "onnxdiffusion-model/1",
        "onnx": "unet.onnx",
        "inputs": {"sample": "sample", "timestep": "timestep", "class_labels": "class_labels"},
        "output": "out_sample",
        "image_size": 28,
        "channels": 1,
        "num_classes": 10,
        "class_names": FASHION_CLASSES,
        "null_class": 10,
        "prediction_type": "epsilon",
        "pixel_range": [-1.0, 1.0],
        "timestep_dtype": "int64",
        "default_guidance_scale": args.guidance,
        "default_steps": args.sample_steps,
        "onnx_sha256": sha256_file(os.path.join(out, "unet.onnx")),
        "training": {"steps": st["step"], "seconds": round(st["seconds"]), "batch": args.batch,
                     "params": sum(p.numel() for p in model.parameters()), "macs_per_forward": count_macs(model)},
    })

    # Reference pair for the C# exactness test: fixed inputs, PyTorch's output.
    g = torch.Generator().manual_seed(1234)
    xs = torch.randn((4, 1, 28, 28), generator=g)
    ts = torch.tensor([0, 250, 600, 999], dtype=torch.long)
    ys = torch.tensor([0, 3, 9, 10], dtype=torch.long)
    with torch.no_grad():
        ref = model(xs, ts, ys)
    write_json_atomic(os.path.join(out, "reference_io.json"), {
        "sample_shape": list(xs.shape), "sample": [float(v) for v in xs.flatten()],
        "timestep": ts.tolist(), "class_labels": ys.tolist(),
        "out_sample": [float(v) for v in ref.flatten()],
    })
    print(f"exported step {st['step']} to {out}")


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    root = os.path.abspath(os.path.join(here, "..", ".."))
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("command", choices=["train", "export", "sample"])
    p.add_argument("--data", default=os.path.join(root, "data", "fashion-mnist"))
    p.add_argument("--state-dir", default=os.path.join(root, "models", "training", "state"))
    p.add_argument("--model-dir", default=os.path.join(root, "models", "fashion-mnist-ddpm"))
    p.add_argument("--log", default=os.path.join(here, "logs", "ddpm_train.log"))
    p.add_argument("--device", default="cpu", choices=["cpu", "cuda"])
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--seed", type=int, default=20251)
    p.add_argument("--steps", type=int, default=40000, help="total optimizer steps (resume continues to this)")
    p.add_argument("--batch", type=int, default=128)
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--warmup", type=int, default=300)
    p.add_argument("--ema", type=float, default=0.999)
    p.add_argument("--label-dropout", type=float, default=0.1)
    p.add_argument("--ckpt-minutes", type=float, default=5.0)
    p.add_argument("--log-every", type=int, default=25)
    p.add_argument("--guidance", type=float, default=1.0, help="guidance scale w for sample/export defaults")
    p.add_argument("--sample-steps", type=int, default=25)
    p.add_argument("--png", default="/tmp/ddpm_samples.png")
    args = p.parse_args()
    os.makedirs(os.path.dirname(args.log), exist_ok=True)
    {"train": train, "export": export, "sample": sample}[args.command](args)


if __name__ == "__main__":
    main()
