#!/usr/bin/python3
"""Exports a UNet2DModel-style PyTorch module to ONNX in the diffusers DDPMPipeline folder layout.

The module is any torch.nn.Module whose forward is forward(sample, timestep, class_labels=None) (class_labels
passed only when --num-class-embeds is given) and returns a tensor, an object with a .sample attribute, a mapping
with a "sample" key, or a tuple whose first element is the prediction.

Written layout (under --out):
  model_index.json                  {"_class_name": "DDPMPipeline", "scheduler": [...], "unet": [...]}
  unet/model.onnx                   inputs sample [B, C, N, N] float32, timestep [B] (--timestep-dtype),
                                    class_labels int64 [B] (conditional only); output out_sample; B dynamic
  unet/config.json                  sample_size, in_channels, out_channels, num_class_embeds (+ the module's own
                                    .config mapping, if it has one, and the constructor kwargs used)
  scheduler/scheduler_config.json   a copy of --scheduler-config

Everything is written into a temporary folder next to --out and renamed into place at the end, so an
interrupted run leaves no half-written model folder (an existing --out is replaced only with --force).
Needs only torch; if the onnx package is importable the written graph is also checked and its signature printed.

Example (the project's own Fashion-MNIST U-Net, see models/export/README.md):
  python3 models/export/export_unet2d.py --module models/training/unet.py:UNet \\
      --kwargs '{"ch": 32, "mult": [1, 2, 2], "blocks": 1, "num_classes": 10, "dropout": 0.1}' \\
      --weights models/fashion-mnist-ddpm/pytorch_model.pt --weights-key ema \\
      --scheduler-config models/fashion-mnist-ddpm/scheduler_config.json \\
      --sample-size 28 --channels 1 --num-class-embeds 11 --out /tmp/export-check
"""
import argparse
import collections.abc
import importlib.util
import json
import os
import shutil
import sys
import tempfile

import torch
import torch.nn as nn


def load_class(spec):
    """'path/to/file.py:ClassName' -> the class, imported from that file (its folder goes on sys.path first)."""
    path, sep, name = spec.rpartition(":")
    if not sep or not path or not name:
        raise SystemExit(f"--module must be FILE.py:ClassName, got {spec!r}")
    path = os.path.abspath(path)
    if not os.path.isfile(path):
        raise SystemExit(f"--module: no such file {path}")
    sys.path.insert(0, os.path.dirname(path))
    mod_name = "_export_src_" + os.path.splitext(os.path.basename(path))[0]
    spec_ = importlib.util.spec_from_file_location(mod_name, path)
    module = importlib.util.module_from_spec(spec_)
    sys.modules[mod_name] = module
    spec_.loader.exec_module(module)
    if not hasattr(module, name):
        raise SystemExit(f"--module: {path} has no {name}")
    return getattr(module, name)


def parse_kwargs(text):
    """JSON object, or @FILE holding one."""
    if text is None:
        return {}
    if text.startswith("@"):
        with open(text[1:]) as f:
            text = f.read()
    obj = json.loads(text)
    if not isinstance(obj, dict):
        raise SystemExit("--kwargs must be a JSON object")
    return obj


def is_state_dict(obj):
    return isinstance(obj, collections.abc.Mapping) and len(obj) > 0 and all(
        isinstance(k, str) and torch.is_tensor(v) for k, v in obj.items())


def load_weights(path, key):
    """Returns a state_dict from a torch.save file: a plain state_dict, a whole module, or a dict holding one under
    --weights-key (dots go deeper: 'a.b' is obj['a']['b'])."""
    obj = torch.load(path, map_location="cpu")
    if key:
        for part in key.split("."):
            if not isinstance(obj, collections.abc.Mapping) or part not in obj:
                have = list(obj.keys()) if isinstance(obj, collections.abc.Mapping) else type(obj).__name__
                raise SystemExit(f"--weights-key {key!r}: {part!r} not found (have {have})")
            obj = obj[part]
    if isinstance(obj, nn.Module):
        return obj.state_dict()
    if is_state_dict(obj):
        return obj
    if isinstance(obj, collections.abc.Mapping):
        candidates = [k for k, v in obj.items() if is_state_dict(v) or isinstance(v, nn.Module)]
        raise SystemExit(f"{path}: not a plain state_dict; pass --weights-key, one of {candidates} "
                         f"(all keys: {list(obj.keys())})")
    raise SystemExit(f"{path}: holds a {type(obj).__name__}, not a state_dict or module")


class ExportWrapper(nn.Module):
    """Fixes the call convention and picks the prediction tensor out of whatever the module returns."""

    def __init__(self, inner, conditional):
        super().__init__()
        self.inner = inner
        self.conditional = conditional

    def forward(self, sample, timestep, class_labels=None):
        if self.conditional:
            out = self.inner(sample, timestep, class_labels)
        else:
            out = self.inner(sample, timestep)
        if hasattr(out, "sample"):
            out = out.sample
        elif isinstance(out, collections.abc.Mapping):
            out = out["sample"]
        elif isinstance(out, (tuple, list)):
            out = out[0]
        if not torch.is_tensor(out):
            raise TypeError(f"the module returned {type(out).__name__}; expected a tensor or something with .sample")
        return out


def example_inputs(n, channels, size, k, ts_dtype, seed):
    """A fixed batch: seeded randn sample, spread-out timesteps, class labels 0, 3, 9 and the last row (clipped)."""
    g = torch.Generator().manual_seed(seed)
    sample = torch.randn((n, channels, size, size), generator=g)
    timestep = torch.tensor([0, 250, 600, 999][:n], dtype=ts_dtype)
    labels = None
    if k:
        labels = torch.tensor([0, min(3, k - 1), min(9, k - 1), k - 1][:n], dtype=torch.long)
    return sample, timestep, labels


def json_safe(obj):
    """The module's .config (if any) made JSON-writable: tuples -> lists, unknown objects -> str."""
    return json.loads(json.dumps(obj, default=str))


def write_json(path, obj):
    with open(path, "w") as f:
        json.dump(obj, f, indent=2)
        f.write("\n")


def describe_onnx(path):
    try:
        import onnx
    except ImportError:
        print("onnx package not installed: graph not checked (optional: apt-get install -y python3-onnx)")
        return
    model = onnx.load(path)
    onnx.checker.check_model(model)

    def fmt(v):
        dims = [d.dim_param if d.HasField("dim_param") else d.dim_value for d in v.type.tensor_type.shape.dim]
        return f"{v.name} {onnx.TensorProto.DataType.Name(v.type.tensor_type.elem_type).lower()} {dims}"

    init = {i.name for i in model.graph.initializer}
    print("onnx check ok; inputs: " + "; ".join(fmt(v) for v in model.graph.input if v.name not in init))
    print("               outputs: " + "; ".join(fmt(v) for v in model.graph.output))


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--module", required=True, help="FILE.py:ClassName of the torch.nn.Module to build")
    p.add_argument("--kwargs", help="constructor keyword arguments as a JSON object (or @FILE.json)")
    p.add_argument("--weights", help="torch.save file with the state_dict (optional: random init without it)")
    p.add_argument("--weights-key", help="key of the state_dict inside --weights when it holds a dict "
                                         "(e.g. 'ema', 'state_dict'; dots go deeper)")
    p.add_argument("--scheduler-config", required=True, help="scheduler_config.json to copy into the output")
    p.add_argument("--out", required=True, help="output folder (DDPMPipeline layout)")
    p.add_argument("--force", action="store_true", help="replace --out if it exists")
    p.add_argument("--sample-size", type=int, required=True, help="image height = width N")
    p.add_argument("--channels", type=int, required=True, help="input channels C")
    p.add_argument("--num-class-embeds", type=int, help="rows of the class embedding (conditional models only; "
                                                       "include a null-class row if the model has one)")
    p.add_argument("--timestep-dtype", choices=["float32", "int64"], default="float32")
    p.add_argument("--opset", type=int, default=17)
    p.add_argument("--threads", type=int, default=2)
    args = p.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(0)  # a module built without --weights gets the same random init every run
    with open(args.scheduler_config) as f:
        scheduler_config = json.load(f)
    kwargs = parse_kwargs(args.kwargs)
    cls = load_class(args.module)
    inner = cls(**kwargs)
    if args.weights:
        inner.load_state_dict(load_weights(args.weights, args.weights_key), strict=True)
    inner.eval()
    k = args.num_class_embeds
    conditional = k is not None
    if conditional and k < 1:
        raise SystemExit("--num-class-embeds must be >= 1")
    model = ExportWrapper(inner, conditional).eval()
    ts_dtype = torch.float32 if args.timestep_dtype == "float32" else torch.int64

    # Trace with batch 2 (a batch of 1 can get specialised away); names and the dynamic batch dim as in diffusers.
    sample, timestep, labels = example_inputs(2, args.channels, args.sample_size, k, ts_dtype, seed=0)
    names = ["sample", "timestep"] + (["class_labels"] if conditional else [])
    inputs = (sample, timestep) + ((labels,) if conditional else ())
    with torch.no_grad():
        out = model(*inputs)
    if out.dim() != 4 or out.shape[0] != 2 or tuple(out.shape[2:]) != (args.sample_size, args.sample_size):
        raise SystemExit(f"module output has shape {tuple(out.shape)}; expected [2, C, {args.sample_size}, "
                         f"{args.sample_size}] for the example batch")
    out_channels = int(out.shape[1])

    out_dir = os.path.abspath(args.out)
    if os.path.exists(out_dir) and not args.force:
        raise SystemExit(f"{out_dir} exists (pass --force to replace it)")
    parent = os.path.dirname(out_dir)
    os.makedirs(parent, exist_ok=True)
    tmp = tempfile.mkdtemp(prefix="." + os.path.basename(out_dir) + ".tmp-", dir=parent)
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o777 & ~umask)  # mkdtemp makes it 0700; the final folder should look like any other
    try:
        os.makedirs(os.path.join(tmp, "unet"))
        os.makedirs(os.path.join(tmp, "scheduler"))
        onnx_path = os.path.join(tmp, "unet", "model.onnx")
        with torch.no_grad():
            torch.onnx.export(model, inputs, onnx_path, opset_version=args.opset, input_names=names,
                              output_names=["out_sample"], do_constant_folding=True,
                              dynamic_axes={n: {0: "batch"} for n in names + ["out_sample"]})

        config = {}
        own = getattr(inner, "config", None)
        if isinstance(own, collections.abc.Mapping):
            config.update(json_safe(dict(own)))
        config.update({
            "_class_name": "UNet2DModel",
            "sample_size": args.sample_size,
            "in_channels": args.channels,
            "out_channels": out_channels,
            "num_class_embeds": k,
            "_export": {"module": args.module, "kwargs": kwargs, "timestep_dtype": args.timestep_dtype,
                        "opset": args.opset, "torch": torch.__version__},
        })
        write_json(os.path.join(tmp, "unet", "config.json"), config)
        write_json(os.path.join(tmp, "scheduler", "scheduler_config.json"), scheduler_config)
        write_json(os.path.join(tmp, "model_index.json"), {
            "_class_name": "DDPMPipeline",
            "scheduler": ["diffusers", scheduler_config.get("_class_name", "DDPMScheduler")],
            "unet": ["diffusers", "UNet2DModel"],
        })
        describe_onnx(onnx_path)

        if os.path.exists(out_dir):
            old = tempfile.mkdtemp(prefix="." + os.path.basename(out_dir) + ".old-", dir=parent)
            os.rename(out_dir, os.path.join(old, "x"))
            os.rename(tmp, out_dir)
            shutil.rmtree(old)
        else:
            os.rename(tmp, out_dir)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise

    # A fixed batch through the PyTorch module, for comparing with what an ONNX runtime gives on the same inputs.
    sample, timestep, labels = example_inputs(4, args.channels, args.sample_size, k, ts_dtype, seed=1234)
    with torch.no_grad():
        ref = model(sample, timestep, labels) if conditional else model(sample, timestep)
    desc = f"sample = torch.randn(({4}, {args.channels}, {args.sample_size}, {args.sample_size}), " \
           f"generator=torch.Generator().manual_seed(1234)), timestep = {timestep.tolist()} ({args.timestep_dtype})"
    if conditional:
        desc += f", class_labels = {labels.tolist()}"
    print(f"params: {sum(q.numel() for q in inner.parameters())}, out_channels: {out_channels}")
    print(f"torch reference: {desc}")
    print(f"  out_sample mean {ref.mean().item():.6f} std {ref.std().item():.6f} "
          f"(first values {[round(v, 6) for v in ref.flatten()[:4].tolist()]})")
    print(f"wrote {out_dir}")


if __name__ == "__main__":
    main()
