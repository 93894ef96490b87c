#!/usr/bin/env python3
"""Loads an `ectstream export-weights --format safetensors` file into locuslab/ect's network and compares its
denoiser output with the one `ectstream denoise` wrote.

The network is the reference's ECMPrecond(SongUNet) built from the file's `ectstream.network` metadata,
loaded with load_state_dict(strict=True), in eval mode (ECT's sampling preconditioning, sigma_min 0.003),
float32. It computes D(x, sigma) for the x and sigma of the .npz and prints the largest absolute and relative
differences from the .npz's d. Exit status 1 when the largest absolute difference exceeds --tolerance.

    python3 reference_denoise.py --reference /tmp/ect-ref --safetensors model.safetensors --denoise d.npz
"""
import argparse
import json
import os
import sys

import numpy as np
import torch


def load_safetensors(path):
    """(tensors, metadata): with the safetensors package when installed, else a reader of the documented format."""
    with open(path, "rb") as f:
        header_length = int.from_bytes(f.read(8), "little")
        header = json.loads(f.read(header_length))
        data = f.read()
    metadata = header.pop("__metadata__", {})
    try:
        from safetensors.torch import load_file

        return load_file(path), metadata, "safetensors " + __import__("safetensors").__version__
    except ImportError:
        pass
    tensors = {}
    for name, info in header.items():
        if info["dtype"] != "F32":
            raise SystemExit(f"{path}: tensor {name} has dtype {info['dtype']}, this reader knows F32 only")
        begin, end = info["data_offsets"]
        array = np.frombuffer(data[begin:end], dtype="<f4").reshape(info["shape"])
        tensors[name] = torch.from_numpy(array.copy())
    return tensors, metadata, "this script's reader (no safetensors package)"


def reference_network(checkout, network):
    sys.path.insert(0, os.path.abspath(checkout))
    from training.networks import ECMPrecond

    return ECMPrecond(
        img_resolution=network["imgResolution"],
        img_channels=network["inChannels"],
        label_dim=0,
        use_fp16=False,
        sigma_data=network["sigmaData"],
        model_type="SongUNet",
        embedding_type="positional",
        encoder_type="standard",
        decoder_type="standard",
        channel_mult_noise=1,
        resample_filter=[1, 1],
        model_channels=network["modelChannels"],
        channel_mult=network["channelMult"],
        channel_mult_emb=network["channelMultEmb"],
        num_blocks=network["numBlocks"],
        attn_resolutions=network["attnResolutions"],
        dropout=network["dropout"],
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reference", required=True, help="a checkout of github.com/locuslab/ect")
    parser.add_argument("--safetensors", required=True)
    parser.add_argument("--denoise", required=True, help=".npz from `ectstream denoise` (x, sigma, d)")
    parser.add_argument("--device", default="cpu", help="cpu (default) or cuda (TF32 off)")
    parser.add_argument("--tolerance", type=float, default=1e-3, help="largest absolute difference accepted")
    args = parser.parse_args()

    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    tensors, metadata, reader = load_safetensors(args.safetensors)
    network = json.loads(metadata["ectstream.network"])
    net = reference_network(args.reference, network)
    net.load_state_dict(tensors, strict=True)
    net = net.eval().to(args.device)

    ours = np.load(args.denoise)
    x = torch.from_numpy(ours["x"]).to(args.device)
    sigma = torch.from_numpy(ours["sigma"]).to(args.device)
    with torch.no_grad():
        d = net(x, sigma).cpu().numpy().astype(np.float64)
    expected = ours["d"].astype(np.float64)
    diff = np.abs(d - expected)
    scale = np.abs(expected).max(axis=(1, 2, 3))
    print(f"torch {torch.__version__} on {args.device}; read with {reader}; load_state_dict(strict=True): "
          f"{len(tensors)} tensors")
    for i, s in enumerate(ours["sigma"]):
        print(f"  image {i}: sigma {s:8.3f}  max|D| {scale[i]:9.4f}  max abs diff {diff[i].max():.3e}"
              f"  max rel diff {diff[i].max() / scale[i]:.3e}")
    worst = diff.max()
    print(f"max abs diff {worst:.3e}, max rel diff (to the image's max |D|) {(diff.max(axis=(1, 2, 3)) / scale).max():.3e}"
          f", mean abs diff {diff.mean():.3e} over {diff.size} values")
    if worst > args.tolerance:
        print(f"FAIL: max abs diff {worst:.3e} > tolerance {args.tolerance}")
        sys.exit(1)
    print("OK")


if __name__ == "__main__":
    main()
