#!/usr/bin/env python3
"""Writes the parameter list (state_dict name -> shape) of locuslab/ect's network for our configs.

The network is the reference's ECMPrecond around EDM's SongUNet (DDPM++), built with the `network:` section
of each config, as ct_train.py builds it for --arch=ddpmpp --precond=ect (no augmentation labels, no class
labels). The state_dict includes buffers (the up/down blocks' resample_filter), which load_state_dict(strict=True)
requires. The JUnit test SafetensorsWeightsTest compares `ectstream export-weights --format safetensors`
against these files.

Usage (Debian: apt-get install python3-torch python3-yaml):
    git -C /work/.mirror/locuslab+ect/repo archive HEAD | tar -x -C /tmp/ect-ref
    python3 make_reference_params.py /tmp/ect-ref configs/cifar10.yaml configs/demo.yaml --out-dir DIR
writes DIR/<config name>.json for each config (e.g. cifar10.json, demo.json).
"""
import argparse
import json
import os
import sys

import yaml


def reference_network(checkout, network):
    """The reference's ECMPrecond(SongUNet) for our `network:` config section."""
    sys.path.insert(0, os.path.abspath(checkout))
    from training.networks import ECMPrecond

    return ECMPrecond(
        img_resolution=network["imgResolution"],
        img_channels=network["inChannels"],
        label_dim=0,
        use_fp16=False,
        sigma_data=network.get("sigmaData", 0.5),
        model_type="SongUNet",
        embedding_type="positional",
        encoder_type="standard",
        decoder_type="standard",
        channel_mult_noise=1,
        resample_filter=[1, 1],
        model_channels=network["modelChannels"],
        channel_mult=network["channelMult"],
        channel_mult_emb=network.get("channelMultEmb", 4),
        num_blocks=network["numBlocks"],
        attn_resolutions=network.get("attnResolutions", []),
        dropout=network.get("dropout", 0.0),
    )


def network_section(config_path):
    with open(config_path) as f:
        network = yaml.safe_load(f)["network"]
    if network.get("outChannels", network["inChannels"]) != network["inChannels"]:
        raise SystemExit(f"{config_path}: the reference network has as many output channels as input channels")
    return network


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("checkout", help="a checkout of github.com/locuslab/ect (its training/networks.py is imported)")
    parser.add_argument("configs", nargs="+", help="ECT Stream config files (their network: section is used)")
    parser.add_argument("--out-dir", default=os.path.dirname(os.path.abspath(__file__)))
    args = parser.parse_args()
    for config_path in args.configs:
        net = reference_network(args.checkout, network_section(config_path))
        params = {name: list(tensor.shape) for name, tensor in net.state_dict().items()}
        name = os.path.splitext(os.path.basename(config_path))[0]
        out = os.path.join(args.out_dir, name + ".json")
        with open(out, "w") as f:  # one tensor a line, in state_dict order
            lines = [f" {json.dumps(k)}: {json.dumps(v)}" for k, v in params.items()]
            f.write("{\n" + ",\n".join(lines) + "\n}\n")
        print(f"{out}: {len(params)} tensors, {sum(_count(s) for s in params.values())} values")


def _count(shape):
    n = 1
    for d in shape:
        n *= d
    return n


if __name__ == "__main__":
    main()
