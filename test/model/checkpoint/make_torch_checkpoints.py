"""Writes real torch.save files for test/model/checkpoint/torch-parity.test.ts.

Run only when a python3 with torch is installed: python3 make_torch_checkpoints.py OUTDIR
For each case it saves <case>.pt and, per tensor, <case>.<name>.f32 with the values torch itself
reads back (float32, C order), so the TypeScript reader can be compared bit for bit.
"""
import json
import sys

import torch

out = sys.argv[1]
torch.manual_seed(0)


def dump(case, obj, tensors, **save_kw):
    torch.save(obj, f"{out}/{case}.pt", **save_kw)
    for name, t in tensors.items():
        t.detach().float().contiguous().numpy().astype("<f4").tofile(f"{out}/{case}.{name}.f32")


base = torch.randn(6, 5)
dtypes = {
    "half": base.half(),
    "bf16": base.bfloat16(),
    "double": base.double(),
    "transposed": base.t(),
    "strided": base[::2, 1::2],
    "narrowed": base.narrow(1, 1, 3),
    "long": torch.arange(-3, 9).reshape(3, 4),
}
# views of one storage: torch saves the whole storage once with offsets and strides
dump("dtypes", dtypes, dtypes)
dump("protocol4", {"w": base, "t": base.t()}, {"w": base, "t": base.t()}, pickle_protocol=4)

# a module state dict with weight norm (dim=2, as BEATs pos_conv) and a parameter
conv = torch.nn.utils.weight_norm(torch.nn.Conv1d(8, 8, kernel_size=4, groups=2), name="weight", dim=2)
with torch.no_grad():
    conv.weight_g.mul_(torch.rand_like(conv.weight_g) + 0.5)
conv(torch.zeros(1, 8, 10))  # recompute conv.weight from g and v
sd = conv.state_dict()
dump("weightnorm", sd, {"weight_g": sd["weight_g"], "weight_v": sd["weight_v"], "folded": conv.weight})
dump("parameter", {"p": torch.nn.Parameter(base.clone())}, {"p": base})
print(json.dumps({"torch": torch.__version__}))
