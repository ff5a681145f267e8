"""The demo model's documents and their train/held-out split, shared by train.py (on the GPU
machine) and export_heldout.py (here): public-domain documents from prepare_data.py plus the
synthetic segments, shuffled with the seed; every 50th document is held out."""
import json
import random

import synthetic


def load_docs(path, seed):
    docs = [json.loads(l) for l in open(path, encoding="utf-8")]
    rng = random.Random(seed)
    docs += synthetic.segments(rng, n_induction=12000, n_binding=40000, n_sentiment=10000, n_opposites=4000)
    rng.shuffle(docs)
    heldout = [d for i, d in enumerate(docs) if i % 50 == 0]
    train = [d for i, d in enumerate(docs) if i % 50 != 0]
    return train, heldout
