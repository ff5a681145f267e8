#!/usr/bin/env python3
"""Checks that the activation files `mlux cache` writes are readable without mlux, and hold what
transformers computes: runs `mlux cache` on a golden fixture with the fixture's own input ids,
then reads the .safetensors file with a reader written here from the format's definition (numpy
only) and every .npy file with numpy.load, and compares the block outputs with the hidden states
transformers recorded in the fixture's reference.safetensors.

Run by ctest (CMakeLists.txt); exits 77 (skipped) when python3-numpy is missing.
Usage: python3 tests/oracle/check_cache_files.py MLUX_BINARY WORK_DIR
"""
import json
import os
import shutil
import struct
import subprocess
import sys

try:
    import numpy as np
except ImportError:
    print("check_cache_files: python3-numpy is not installed (scripts/install-deps installs it); skipping")
    sys.exit(77)

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
FIXTURE = os.path.join(ROOT, "tests", "golden", "llama-gqa")
DTYPES = {"F32": np.float32, "F16": np.float16, "I64": np.int64, "I32": np.int32}


def read_safetensors(path):
    """name -> array, and the metadata: 8-byte little-endian header length, JSON header, data."""
    with open(path, "rb") as f:
        blob = f.read()
    (n,) = struct.unpack("<Q", blob[:8])
    header = json.loads(blob[8:8 + n])
    metadata = header.pop("__metadata__", {})
    data = blob[8 + n:]
    arrays = {}
    for name, entry in header.items():
        begin, end = entry["data_offsets"]
        arrays[name] = np.frombuffer(data[begin:end], dtype=DTYPES[entry["dtype"]]).reshape(entry["shape"])
    return arrays, metadata


def main(mlux, work):
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    reference, _ = read_safetensors(os.path.join(FIXTURE, "reference.safetensors"))
    ids = reference["input_ids"][0].tolist()
    layers = json.load(open(os.path.join(FIXTURE, "config.json")))["num_hidden_layers"]
    out, npy = os.path.join(work, "cache.safetensors"), os.path.join(work, "npy")
    subprocess.run([mlux, "cache", "--model", FIXTURE, "--ids", ",".join(map(str, ids)),
                    "--hooks", "model.layers.*", "--out", out, "--npy", npy], check=True, stdout=subprocess.DEVNULL)

    cached, metadata = read_safetensors(out)
    failures = []
    names = [f"model.layers.{i}" for i in range(layers)]
    if sorted(cached) != sorted(names):
        failures.append(f"the cache holds {sorted(cached)}, expected {names}")
    if json.loads(metadata.get("token_ids", "null")) != [ids]:
        failures.append(f"metadata token_ids is {metadata.get('token_ids')!r}, expected {[ids]}")
    if os.path.abspath(metadata.get("model", "")) != FIXTURE:
        failures.append(f"metadata model is {metadata.get('model')!r}")
    for i, name in enumerate(names):
        from_npy = np.load(os.path.join(npy, name + ".npy"))
        if name in cached and not np.array_equal(from_npy, cached[name]):
            failures.append(f"{name}: the .npy file and the .safetensors tensor differ")
        # transformers' hidden_states[i + 1] is block i's output, except the last, which is after
        # the final norm.
        if i + 1 < layers:
            diff = float(np.max(np.abs(from_npy - reference[f"hidden_{i + 1}"])))
            if from_npy.shape != reference[f"hidden_{i + 1}"].shape or not diff <= 1e-4:
                failures.append(f"{name}: max |mlux - transformers| = {diff:.3g} (shape {from_npy.shape})")
    for f in failures:
        print("check_cache_files:", f)
    print(f"check_cache_files: {len(names)} tensors read with numpy, {len(failures)} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
