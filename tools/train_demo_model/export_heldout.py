#!/usr/bin/env python3
"""Writes the held-out natural-text documents of the demo model's split (data.py) to
models/demo/heldout.txt, so tests can measure the model's held-out loss with mlux itself.

    python3 tools/train_demo_model/export_heldout.py --data .train-data/docs.jsonl --out models/demo/heldout.txt
"""
import argparse

from data import load_docs


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--seed", type=int, default=1234)
    ap.add_argument("--chars", type=int, default=60000)
    args = ap.parse_args()
    _, heldout = load_docs(args.data, args.seed)
    natural = [d for d in heldout if d["source"] != "synthetic"]
    out, total = [], 0
    for d in natural:
        if total >= args.chars:
            break
        out.append(d["text"])
        total += len(d["text"])
    # Documents are separated by the model's document marker, as in training.
    with open(args.out, "w", encoding="utf-8") as f:
        f.write("<|endoftext|>".join(out))
    print(f"{len(out)} documents, {total} characters -> {args.out}")


if __name__ == "__main__":
    main()
