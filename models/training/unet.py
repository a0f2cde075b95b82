"""A small class-conditional epsilon-prediction U-Net for 1x28x28 images.

Layout follows the DDPM / ADM family: residual blocks (GroupNorm, SiLU, 3x3 convs) that receive
a timestep-plus-class embedding, strided-conv downsampling, nearest-neighbour upsampling with skip
concatenation, and one self-attention block at the 7x7 bottleneck where it is cheap.
The class embedding has one extra row (index = num_classes) that stands for "no label", which is
what classifier-free guidance feeds on its unconditional half.
"""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F


def timestep_embedding(t, dim):
    """Sinusoidal embedding of integer timesteps; t is int64 [B] (cast here so ONNX sees int64 in)."""
    half = dim // 2
    freqs = torch.exp(-math.log(10000.0) * torch.arange(half, dtype=torch.float32, device=t.device) / half)
    args = t.to(torch.float32)[:, None] * freqs[None, :]
    return torch.cat([torch.cos(args), torch.sin(args)], dim=1)


def norm(ch):
    return nn.GroupNorm(8, ch)


class ResBlock(nn.Module):
    def __init__(self, cin, cout, emb_dim, dropout):
        super().__init__()
        self.norm1 = norm(cin)
        self.conv1 = nn.Conv2d(cin, cout, 3, padding=1)
        self.emb = nn.Linear(emb_dim, cout)
        self.norm2 = norm(cout)
        self.drop = nn.Dropout(dropout)
        self.conv2 = nn.Conv2d(cout, cout, 3, padding=1)
        nn.init.zeros_(self.conv2.weight)
        nn.init.zeros_(self.conv2.bias)
        self.skip = nn.Conv2d(cin, cout, 1) if cin != cout else nn.Identity()

    def forward(self, x, emb):
        h = self.conv1(F.silu(self.norm1(x)))
        h = h + self.emb(F.silu(emb))[:, :, None, None]
        h = self.conv2(self.drop(F.silu(self.norm2(h))))
        return self.skip(x) + h


class SelfAttention(nn.Module):
    def __init__(self, ch, heads=4):
        super().__init__()
        self.heads = heads
        self.norm = norm(ch)
        self.qkv = nn.Conv2d(ch, 3 * ch, 1)
        self.proj = nn.Conv2d(ch, ch, 1)
        nn.init.zeros_(self.proj.weight)
        nn.init.zeros_(self.proj.bias)

    def forward(self, x):
        b, c, h, w = x.shape
        q, k, v = self.qkv(self.norm(x)).reshape(b, 3, self.heads, c // self.heads, h * w).unbind(1)
        scale = (c // self.heads) ** -0.5
        attn = torch.softmax(torch.einsum("bhdi,bhdj->bhij", q * scale, k), dim=-1)
        out = torch.einsum("bhij,bhdj->bhdi", attn, v).reshape(b, c, h, w)
        return x + self.proj(out)


class UNet(nn.Module):
    def __init__(self, ch=32, mult=(1, 2, 2), blocks=1, num_classes=10, dropout=0.1):
        super().__init__()
        self.num_classes = num_classes
        self.ch = ch
        emb_dim = 4 * ch
        self.time_mlp = nn.Sequential(nn.Linear(ch, emb_dim), nn.SiLU(), nn.Linear(emb_dim, emb_dim))
        self.class_emb = nn.Embedding(num_classes + 1, emb_dim)  # last row = null class
        self.inp = nn.Conv2d(1, ch, 3, padding=1)

        self.down = nn.ModuleList()
        skips = [ch]
        cur = ch
        for i, m in enumerate(mult):
            for _ in range(blocks):
                self.down.append(ResBlock(cur, ch * m, emb_dim, dropout))
                cur = ch * m
                skips.append(cur)
            if i != len(mult) - 1:
                self.down.append(nn.Conv2d(cur, cur, 3, stride=2, padding=1))
                skips.append(cur)

        self.mid1 = ResBlock(cur, cur, emb_dim, dropout)
        self.mid_attn = SelfAttention(cur)
        self.mid2 = ResBlock(cur, cur, emb_dim, dropout)

        self.up = nn.ModuleList()
        for i, m in reversed(list(enumerate(mult))):
            for _ in range(blocks + 1):
                self.up.append(ResBlock(cur + skips.pop(), ch * m, emb_dim, dropout))
                cur = ch * m
            if i != 0:
                self.up.append(nn.Upsample(scale_factor=2, mode="nearest"))
                self.up.append(nn.Conv2d(cur, cur, 3, padding=1))

        self.out_norm = norm(cur)
        self.out = nn.Conv2d(cur, 1, 3, padding=1)
        nn.init.zeros_(self.out.weight)
        nn.init.zeros_(self.out.bias)

    def forward(self, sample, timestep, class_labels):
        emb = self.time_mlp(timestep_embedding(timestep, self.ch)) + self.class_emb(class_labels)
        h = self.inp(sample)
        hs = [h]
        for layer in self.down:
            h = layer(h, emb) if isinstance(layer, ResBlock) else layer(h)
            hs.append(h)
        h = self.mid2(self.mid_attn(self.mid1(h, emb)), emb)
        for layer in self.up:
            if isinstance(layer, ResBlock):
                h = layer(torch.cat([h, hs.pop()], dim=1), emb)
            else:
                h = layer(h)
        return self.out(F.silu(self.out_norm(h)))


def count_macs(model, batch=1):
    """Multiply-adds of one forward (convs, linears and attention matmuls), by forward hooks."""
    macs = [0]

    def conv_hook(mod, inp, out):
        k = mod.kernel_size[0] * mod.kernel_size[1] * (mod.in_channels // mod.groups)
        macs[0] += out.numel() * k

    def lin_hook(mod, inp, out):
        macs[0] += out.numel() * mod.in_features

    def attn_hook(mod, inp, out):
        b, c, h, w = inp[0].shape
        macs[0] += 2 * b * (h * w) * (h * w) * c

    hooks = []
    for m in model.modules():
        if isinstance(m, nn.Conv2d):
            hooks.append(m.register_forward_hook(conv_hook))
        elif isinstance(m, nn.Linear):
            hooks.append(m.register_forward_hook(lin_hook))
        elif isinstance(m, SelfAttention):
            hooks.append(m.register_forward_hook(attn_hook))
    with torch.no_grad():
        model(torch.zeros(batch, 1, 28, 28), torch.zeros(batch, dtype=torch.long),
              torch.zeros(batch, dtype=torch.long))
    for h in hooks:
        h.remove()
    return macs[0] // batch
