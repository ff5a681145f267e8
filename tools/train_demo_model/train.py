#!/usr/bin/env python3
"""Trains mlux's embedded demo model: a small Llama (GQA, RoPE, SwiGLU, tied embeddings) with its
own byte-level BPE tokenizer, on public-domain text plus synthetic segments (synthetic.py).
Deterministic given --seed. Runs on the GPU machine (torch, transformers, tokenizers; no network):

    python3 tools/train_demo_model/prepare_data.py --out .train-data      # here, once
    python3 tools/train_demo_model/train.py --data .train-data/docs.jsonl --out OUT   # there

Writes OUT/ in Hugging Face format (config.json, model.safetensors in bf16, tokenizer.json,
tokenizer_config.json with a chat template, generation_config.json) and OUT/report.json with the
held-out loss, the unigram baseline, induction scores, the binding accuracy and the training curve.
The exported checkpoint is reloaded with transformers and must reproduce the trained model.
"""
import argparse
import json
import math
import os
import random
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

import synthetic
from data import load_docs

SPECIALS = ["<|endoftext|>", "<|system|>", "<|user|>", "<|assistant|>"]
CHAT_TEMPLATE = ("{% for message in messages %}<|{{ message['role'] }}|>\n{{ message['content'] | trim }}\n"
                 "{% endfor %}{% if add_generation_prompt %}<|assistant|>\n{% endif %}")


# --------------------------------------------------------------------------------------------
# Model: the Llama architecture, parameter names as transformers' LlamaForCausalLM
# --------------------------------------------------------------------------------------------

class RMSNorm(nn.Module):
    def __init__(self, d, eps):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(d))
        self.eps = eps

    def forward(self, x):
        xf = x.float()
        return (xf * torch.rsqrt(xf.pow(2).mean(-1, keepdim=True) + self.eps)).to(x.dtype) * self.weight


def rotate_half(x):
    a, b = x.chunk(2, dim=-1)
    return torch.cat((-b, a), dim=-1)


class Block(nn.Module):
    def __init__(self, c):
        super().__init__()
        d, h, kv, hd = c["hidden_size"], c["num_attention_heads"], c["num_key_value_heads"], c["head_dim"]
        self.h, self.kv, self.hd = h, kv, hd
        self.input_layernorm = RMSNorm(d, c["rms_norm_eps"])
        self.post_attention_layernorm = RMSNorm(d, c["rms_norm_eps"])
        self.self_attn = nn.Module()
        self.self_attn.q_proj = nn.Linear(d, h * hd, bias=False)
        self.self_attn.k_proj = nn.Linear(d, kv * hd, bias=False)
        self.self_attn.v_proj = nn.Linear(d, kv * hd, bias=False)
        self.self_attn.o_proj = nn.Linear(h * hd, d, bias=False)
        self.mlp = nn.Module()
        self.mlp.gate_proj = nn.Linear(d, c["intermediate_size"], bias=False)
        self.mlp.up_proj = nn.Linear(d, c["intermediate_size"], bias=False)
        self.mlp.down_proj = nn.Linear(c["intermediate_size"], d, bias=False)

    def forward(self, x, cos, sin, dropout):
        B, T, _ = x.shape
        a = self.self_attn
        n = self.input_layernorm(x)
        q = a.q_proj(n).view(B, T, self.h, self.hd).transpose(1, 2)
        k = a.k_proj(n).view(B, T, self.kv, self.hd).transpose(1, 2)
        v = a.v_proj(n).view(B, T, self.kv, self.hd).transpose(1, 2)
        q = q * cos + rotate_half(q) * sin
        k = k * cos + rotate_half(k) * sin
        k = k.repeat_interleave(self.h // self.kv, dim=1)
        v = v.repeat_interleave(self.h // self.kv, dim=1)
        if hasattr(F, "scaled_dot_product_attention"):
            o = F.scaled_dot_product_attention(q, k, v, is_causal=True)
        else:  # torch < 2.0 (CPU smoke tests with Debian's torch)
            s = (q @ k.transpose(-1, -2)) / math.sqrt(self.hd)
            s = s.masked_fill(torch.ones(T, T, dtype=torch.bool, device=x.device).triu(1), float("-inf"))
            o = s.softmax(-1) @ v
        x = x + F.dropout(a.o_proj(o.transpose(1, 2).reshape(B, T, -1)), dropout, self.training)
        n = self.post_attention_layernorm(x)
        m = self.mlp
        return x + F.dropout(m.down_proj(F.silu(m.gate_proj(n)) * m.up_proj(n)), dropout, self.training)


class Llama(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.c = c
        self.embed_tokens = nn.Embedding(c["vocab_size"], c["hidden_size"])
        self.layers = nn.ModuleList(Block(c) for _ in range(c["num_hidden_layers"]))
        self.norm = RMSNorm(c["hidden_size"], c["rms_norm_eps"])
        hd = c["head_dim"]
        inv = 1.0 / (c["rope_theta"] ** (torch.arange(0, hd, 2).float() / hd))
        self.register_buffer("inv_freq", inv, persistent=False)
        for p in self.parameters():
            if p.ndim == 2:
                nn.init.normal_(p, std=0.02)

    def forward(self, ids, dropout=0.0):
        T = ids.shape[1]
        freqs = torch.arange(T, device=ids.device).float()[:, None] * self.inv_freq[None, :]
        emb = torch.cat((freqs, freqs), dim=-1)
        cos, sin = emb.cos()[None, None], emb.sin()[None, None]
        x = self.embed_tokens(ids)
        for layer in self.layers:
            x = layer(x, cos.to(x.dtype), sin.to(x.dtype), dropout)
        return self.norm(x) @ self.embed_tokens.weight.t()


def hf_state_dict(model):
    sd = {}
    for k, v in model.state_dict().items():
        sd["model." + k] = v.detach().to(torch.bfloat16).contiguous()
    return sd


# --------------------------------------------------------------------------------------------
# Data and tokenizer
# --------------------------------------------------------------------------------------------

def train_tokenizer(texts, vocab_size):
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=vocab_size, special_tokens=SPECIALS, min_frequency=2,
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet(), show_progress=False)
    tok.train_from_iterator(texts, trainer)
    return tok


def encode_stream(tok, docs):
    eot = tok.token_to_id("<|endoftext|>")
    out = []
    for enc in tok.encode_batch([d["text"] for d in docs]):
        out.append(eot)  # every document starts with <|endoftext|>, which serves as BOS
        out.extend(enc.ids)
    return torch.tensor(out, dtype=torch.int64)


def repeated_random_tokens(n, vocab, seed):
    """Token-level induction data: <|endoftext|> then a random sequence of 8–64 ordinary tokens,
    twice. The same task the induction score measures; text-level repeats alone taught too little."""
    g = torch.Generator().manual_seed(seed)
    parts = []
    for _ in range(n):
        length = int(torch.randint(8, 65, (1,), generator=g))
        seq = torch.randint(len(SPECIALS), vocab, (length,), generator=g)
        parts += [torch.zeros(1, dtype=torch.int64), seq, seq]
    return torch.cat(parts)


def batches(stream, batch, seq, gen, device):
    n = stream.numel() - seq - 1
    while True:
        idx = torch.randint(0, n, (batch,), generator=gen)
        x = torch.stack([stream[i:i + seq + 1] for i in idx.tolist()]).to(device, non_blocking=True)
        yield x[:, :-1], x[:, 1:]


# --------------------------------------------------------------------------------------------
# Evaluation
# --------------------------------------------------------------------------------------------

@torch.no_grad()
def heldout_loss(model, stream, seq, device, dtype=torch.float32, batch=64):
    """Mean next-token cross-entropy over consecutive windows of the held-out stream."""
    model.eval()
    n = (stream.numel() - 1) // seq
    x = stream[:n * seq + 1]
    inputs, targets = x[:-1].view(n, seq), x[1:].view(n, seq)
    total = 0.0
    for i in range(0, n, batch):
        xb, yb = inputs[i:i + batch].to(device), targets[i:i + batch].to(device)
        with torch.autocast(device, dtype=torch.bfloat16, enabled=device == "cuda" and dtype == torch.bfloat16):
            logits = model(xb)
        total += F.cross_entropy(logits.float().view(-1, logits.shape[-1]), yb.reshape(-1), reduction="sum").item()
    model.train()
    return total / (n * seq)


def unigram_loss(train_stream, heldout_stream, vocab):
    counts = torch.bincount(train_stream, minlength=vocab).double() + 1.0
    logp = (counts / counts.sum()).log()
    return float(-logp[heldout_stream[1:]].mean())


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--seed", type=int, default=1234)
    ap.add_argument("--minutes", type=float, default=5.0)
    ap.add_argument("--vocab", type=int, default=8192)
    args = ap.parse_args()
    t0 = time.time()
    torch.manual_seed(args.seed)
    random.seed(args.seed)
    device = "cuda" if torch.cuda.is_available() else "cpu"
    os.makedirs(args.out, exist_ok=True)
    report = {"seed": args.seed}

    train_docs, heldout_docs = load_docs(args.data, args.seed)
    tok = train_tokenizer((d["text"] for d in train_docs), args.vocab)
    train_stream = torch.cat([encode_stream(tok, train_docs),
                              repeated_random_tokens(20000, tok.get_vocab_size(), args.seed)])
    heldout_stream = encode_stream(tok, heldout_docs)
    heldout_natural = encode_stream(tok, [d for d in heldout_docs if d["source"] != "synthetic"])
    report["tokens"] = {"train": int(train_stream.numel()), "heldout": int(heldout_stream.numel()),
                        "docs_train": len(train_docs), "docs_heldout": len(heldout_docs)}
    print("data", report["tokens"], f"{time.time() - t0:.0f}s", flush=True)

    c = dict(vocab_size=tok.get_vocab_size(), hidden_size=256, intermediate_size=768, num_hidden_layers=8,
             num_attention_heads=8, num_key_value_heads=2, head_dim=32, rms_norm_eps=1e-5, rope_theta=10000.0,
             max_position_embeddings=1024)
    model = Llama(c).to(device)
    n_params = sum(p.numel() for p in model.parameters())
    report["parameters"] = n_params
    seq, batch, peak_lr, warmup, dropout = 256, 128, 2e-3, 200, 0.1
    opt = torch.optim.AdamW(model.parameters(), lr=peak_lr, betas=(0.9, 0.95), weight_decay=0.1,
                            **({"fused": True} if device == "cuda" else {}))
    gen = torch.Generator().manual_seed(args.seed)
    data = batches(train_stream, batch, seq, gen, device)
    budget = args.minutes * 60
    t_train = time.time()
    est_steps = 6000
    curve, best = [], (float("inf"), None, 0)
    step = 0
    while True:
        elapsed = time.time() - t_train
        if elapsed > budget:
            break
        lr = peak_lr * min(1.0, (step + 1) / warmup) * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * min(1.0, step / est_steps))))
        for g in opt.param_groups:
            g["lr"] = lr
        x, y = next(data)
        with torch.autocast(device, dtype=torch.bfloat16, enabled=device == "cuda"):
            logits = model(x, dropout)
        loss = F.cross_entropy(logits.float().view(-1, logits.shape[-1]), y.reshape(-1))
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        if step % 250 == 0 or step == est_steps:
            hl = heldout_loss(model, heldout_stream[:200_000], seq, device, torch.bfloat16)
            curve.append({"step": step, "train": float(loss.detach()), "heldout": hl, "seconds": round(elapsed, 1)})
            print(curve[-1], flush=True)
            if hl < best[0]:
                best = (hl, {k: v.detach().clone() for k, v in model.state_dict().items()}, step)
        step += 1
        if step > est_steps:
            break
    model.load_state_dict(best[1])
    report["training"] = {"steps": step, "best_step": best[2], "seq": seq, "batch": batch, "peak_lr": peak_lr,
                          "warmup": warmup, "dropout": dropout, "weight_decay": 0.1, "curve": curve,
                          "seconds": round(time.time() - t_train, 1), "device": torch.cuda.get_device_name() if device == "cuda" else "cpu"}

    # Export in Hugging Face format, weights rounded to bf16; evaluate the rounded model.
    from safetensors.torch import save_file
    sd = hf_state_dict(model)
    sd.pop("model.inv_freq", None)
    save_file(sd, os.path.join(args.out, "model.safetensors"), metadata={"format": "pt"})
    with torch.no_grad():
        for k, v in model.state_dict().items():
            if k != "inv_freq":
                v.copy_(v.to(torch.bfloat16).float())
    eot = tok.token_to_id("<|endoftext|>")
    config = {"architectures": ["LlamaForCausalLM"], "model_type": "llama", "torch_dtype": "bfloat16",
              "hidden_act": "silu", "attention_bias": False, "mlp_bias": False, "tie_word_embeddings": True,
              "bos_token_id": eot, "eos_token_id": eot, "rope_scaling": None, **c}
    json.dump(config, open(os.path.join(args.out, "config.json"), "w"), indent=2)
    json.dump({"bos_token_id": eot, "eos_token_id": [eot], "do_sample": False},
              open(os.path.join(args.out, "generation_config.json"), "w"), indent=2)
    tok.save(os.path.join(args.out, "tokenizer.json"))
    added = {str(tok.token_to_id(s)): {"content": s, "lstrip": False, "normalized": False, "rstrip": False,
                                       "single_word": False, "special": True} for s in SPECIALS}
    json.dump({"tokenizer_class": "PreTrainedTokenizerFast", "bos_token": "<|endoftext|>", "eos_token": "<|endoftext|>",
               "unk_token": None, "pad_token": "<|endoftext|>", "add_bos_token": False, "clean_up_tokenization_spaces": False,
               "model_max_length": c["max_position_embeddings"], "added_tokens_decoder": added,
               "chat_template": CHAT_TEMPLATE}, open(os.path.join(args.out, "tokenizer_config.json"), "w"), indent=2)

    model.float().eval()
    report["heldout_loss"] = heldout_loss(model, heldout_stream, seq, device)
    report["heldout_loss_natural_text"] = heldout_loss(model, heldout_natural, seq, device)
    report["unigram_loss"] = unigram_loss(train_stream, heldout_stream, c["vocab_size"])
    report["unigram_loss_natural_text"] = unigram_loss(train_stream, heldout_natural, c["vocab_size"])
    report["reload_max_logit_diff"] = verify_with_transformers(model, args.out, device)
    report["induction_scores"] = induction_scores(args.out, device, args.seed)
    report["binding"] = binding_accuracy(model, tok, device, args.seed)
    json.dump(report, open(os.path.join(args.out, "report.json"), "w"), indent=2)
    print(json.dumps({k: v for k, v in report.items() if k != "training"}, indent=2))
    print("total", f"{time.time() - t0:.0f}s")


@torch.no_grad()
def verify_with_transformers(model, out, device):
    """The exported files, loaded by transformers, must compute what the trained model computes."""
    from transformers import AutoModelForCausalLM
    hf = AutoModelForCausalLM.from_pretrained(out, dtype=torch.float32).to(device).eval()
    ids = torch.randint(0, model.c["vocab_size"], (2, 64), generator=torch.Generator().manual_seed(7)).to(device)
    return float((hf(ids).logits - model(ids)).abs().max())


@torch.no_grad()
def induction_scores(out, device, seed, length=50, trials=8):
    """Per head: mean attention from each token of the second copy of a random sequence to the
    token after its first occurrence (transformers' eager attention probabilities)."""
    from transformers import AutoModelForCausalLM
    hf = AutoModelForCausalLM.from_pretrained(out, dtype=torch.float32, attn_implementation="eager").to(device).eval()
    g = torch.Generator().manual_seed(seed)
    seqs = torch.randint(len(SPECIALS), hf.config.vocab_size, (trials, length), generator=g)
    ids = torch.cat([torch.zeros(trials, 1, dtype=torch.int64), seqs, seqs], dim=1).to(device)  # id 0 = <|endoftext|>
    att = hf(ids, output_attentions=True).attentions
    scores = []
    for layer, a in enumerate(att):  # [B, H, T, T]
        q = torch.arange(1 + length, 1 + 2 * length, device=device)
        k = q - length + 1
        s = a[:, :, q, k].mean(dim=(0, 2))
        scores.append([round(float(v), 4) for v in s])
    return scores


@torch.no_grad()
def binding_accuracy(model, tok, device, seed, n=200):
    """Greedy next token after fresh binding prompts (names, colors and objects re-drawn)."""
    rng = random.Random(seed + 99)
    eot = tok.token_to_id("<|endoftext|>")
    example = ("Setup: Josh has a yellow book. Jesse has a black book. Alex has a green book.\n"
               "Answer: The color of Josh's book is", "yellow")
    cases = [example] + [synthetic.binding_example(rng) for _ in range(n - 1)]
    answers = []
    for prompt, _ in cases:
        ids = torch.tensor([[eot] + tok.encode(prompt).ids], device=device)
        answers.append(tok.decode([int(model(ids)[0, -1].argmax())]).strip())
    correct = sum(a == want for a, (_, want) in zip(answers, cases))
    return {"prompts": n, "correct": correct, "example_prompt": example[0], "example_answer": answers[0]}


if __name__ == "__main__":
    main()
