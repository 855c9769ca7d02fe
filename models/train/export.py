"""Export the EMA weights of a training checkpoint as the shipped model.

    /usr/bin/python3 models/train/export.py ~/.cache/soragen/ckpt/last.pt models/soragen.safetensors [ema|model]

Writes fp16 safetensors with the architecture and vocabulary in
__metadata__, plus the training step and clips seen (for the model card).
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import torch

import vocab as V
from model import SoragenModel, save_safetensors, full_config


def main(ckpt, out, which="ema"):
    ck = torch.load(ckpt, map_location="cpu")
    m = SoragenModel(V.VOCAB, **full_config(ck["config"]))
    m.load_state_dict(ck[which])
    md = m.metadata()
    md["train_step"] = str(ck["step"])
    md["train_clips"] = str(ck["seen"])
    md["weights"] = which
    save_safetensors(out, m.state_dict(), md)
    print(f"{out}: step {ck['step']}, {ck['seen']} clips")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3] if len(sys.argv) > 3 else "ema")
