#!/usr/bin/env python3
"""Builds the reference fixtures under tests/golden/: tiny random-weight models of every
architecture mlux supports, made and run by Hugging Face transformers (the numerical reference).

Run on the GPU machine (it has torch + transformers; everything here runs on its CPU in f32,
so results do not depend on TF32 or GPU kernels):

    python3 tools/make_fixtures.py --out OUTDIR [--only NAME,...]

For each fixture OUTDIR/<name>/ holds what `save_pretrained` wrote (config.json in the
transformers-v5 form, model.safetensors, generation_config.json), a `config.classic.json` with the
same model in the classic form (rope_theta / rope_scaling at top level, no layer_types where the
family has a default pattern), and `reference.safetensors`:

    input_ids        i64 [1, T]        the prompt
    logits           f32 [1, T, V]     the model's output (final soft-cap applied)
    hidden_0..N      f32 [1, T, D]     hidden_0 = what the first block receives, hidden_i = output
                                       of block i-1, hidden_N = output of the final norm
    attn_<i>         f32 [1, H, T, T]  eager attention probabilities of attention layer i
    greedy_ids       i64 [12]          12 greedy tokens by repeated full forwards
    inv_freq_<type>  f32 [d/2]         the rotary inverse frequencies HF used (for debugging)

Some fixtures add a second case (`reference-short.safetensors`: a prompt short enough to stay
inside the original context, for rope variants that switch on sequence length).

Every fixture has a `<name>-bf16/` twin: the same model with weights rounded to bf16 (saved as
bf16), whose reference is the f32 forward of the rounded weights.
"""
import argparse
import copy
import json
import math
import os
import sys
import traceback

import torch
import transformers
from safetensors.torch import save_file

T_MAIN = 20
T_SHORT = 12
N_GREEDY = 12
VOCAB = 263

COMMON = dict(vocab_size=VOCAB, hidden_size=64, intermediate_size=64, num_hidden_layers=3,
              num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=64,
              bos_token_id=1, eos_token_id=2, pad_token_id=0)


def fixture_specs():
    """name -> (model class name, config class name, config kwargs, options)."""
    L = transformers
    specs = {}

    specs["llama-gqa"] = ("LlamaForCausalLM", L.LlamaConfig, dict(
        COMMON, head_dim=32, tie_word_embeddings=False, rms_norm_eps=1e-5,
        eos_token_id=[2, 5],
        rope_parameters=dict(rope_type="llama3", rope_theta=10000.0, factor=4.0, low_freq_factor=1.0,
                             high_freq_factor=4.0, original_max_position_embeddings=16)),
        dict(bf16=True))
    specs["llama-tied-bias"] = ("LlamaForCausalLM", L.LlamaConfig, dict(
        COMMON, tie_word_embeddings=True, attention_bias=True, mlp_bias=True, rms_norm_eps=1e-6,
        rope_parameters=dict(rope_type="linear", rope_theta=10000.0, factor=2.0)), dict(bf16=True))
    specs["llama-dynamic"] = ("LlamaForCausalLM", L.LlamaConfig, dict(
        COMMON, max_position_embeddings=16, tie_word_embeddings=False,
        rope_parameters=dict(rope_type="dynamic", rope_theta=10000.0, factor=2.0)), dict(bf16=True, short=True))
    specs["llama-yarn"] = ("LlamaForCausalLM", L.LlamaConfig, dict(
        COMMON, tie_word_embeddings=False,
        rope_parameters=dict(rope_type="yarn", rope_theta=10000.0, factor=4.0,
                             original_max_position_embeddings=16, beta_fast=32.0, beta_slow=1.0)), dict(bf16=True))
    specs["mistral-sliding"] = ("MistralForCausalLM", L.MistralConfig, dict(
        COMMON, num_key_value_heads=1, head_dim=16, sliding_window=5, tie_word_embeddings=False,
        rope_parameters=dict(rope_type="default", rope_theta=1000000.0)), dict(bf16=True))
    specs["qwen2"] = ("Qwen2ForCausalLM", L.Qwen2Config, dict(
        COMMON, tie_word_embeddings=True, use_sliding_window=True, max_window_layers=1, sliding_window=6,
        rope_parameters=dict(rope_type="default", rope_theta=1000000.0)), dict(bf16=True))
    specs["qwen3"] = ("Qwen3ForCausalLM", L.Qwen3Config, dict(
        COMMON, head_dim=32, tie_word_embeddings=False,
        rope_parameters=dict(rope_type="default", rope_theta=1000000.0)), dict(bf16=True))
    specs["gemma"] = ("GemmaForCausalLM", L.GemmaConfig, dict(
        COMMON, head_dim=32, num_key_value_heads=1, hidden_act="gelu_pytorch_tanh",
        rope_parameters=dict(rope_type="default", rope_theta=10000.0)), dict(bf16=True))
    specs["gemma2"] = ("Gemma2ForCausalLM", L.Gemma2Config, dict(
        COMMON, num_hidden_layers=4, head_dim=16, query_pre_attn_scalar=24, attn_logit_softcapping=5.0,
        final_logit_softcapping=3.0, sliding_window=6, hidden_activation="gelu_pytorch_tanh",
        rope_parameters=dict(rope_type="default", rope_theta=10000.0)), dict(bf16=True))
    gemma3_text = dict(
        COMMON, num_hidden_layers=4, head_dim=32, query_pre_attn_scalar=16, sliding_window=6,
        layer_types=["sliding_attention", "sliding_attention", "sliding_attention", "full_attention"],
        rope_parameters={"full_attention": dict(rope_type="linear", rope_theta=1000000.0, factor=2.0),
                         "sliding_attention": dict(rope_type="default", rope_theta=10000.0)})
    specs["gemma3-text"] = ("Gemma3ForCausalLM", L.Gemma3TextConfig, gemma3_text, dict(bf16=True))
    specs["gemma3-mm"] = ("Gemma3ForConditionalGeneration", L.Gemma3Config, dict(
        text_config=dict(gemma3_text, num_hidden_layers=2,
                         layer_types=["sliding_attention", "full_attention"]),
        vision_config=dict(hidden_size=32, intermediate_size=64, num_hidden_layers=1, num_attention_heads=2,
                           image_size=28, patch_size=14),
        mm_tokens_per_image=4, boi_token_index=258, eoi_token_index=259, image_token_index=260,
        bos_token_id=1, eos_token_id=2, pad_token_id=0), dict(bf16=True))
    specs["phi3"] = ("Phi3ForCausalLM", L.Phi3Config, dict(
        COMMON, max_position_embeddings=64, original_max_position_embeddings=16, tie_word_embeddings=False,
        sliding_window=None, rope_parameters=dict(
            rope_type="longrope", rope_theta=10000.0, partial_rotary_factor=0.5,
            original_max_position_embeddings=16,
            short_factor=[1.0, 1.3, 1.7, 2.2], long_factor=[1.1, 2.5, 4.0, 7.5])),
        dict(bf16=True, short=True))
    specs["gpt2"] = ("GPT2LMHeadModel", L.GPT2Config, dict(
        vocab_size=VOCAB, n_embd=64, n_layer=3, n_head=4, n_positions=64, bos_token_id=1, eos_token_id=2), dict(bf16=True))
    specs["lfm2"] = ("Lfm2ForCausalLM", L.Lfm2Config, dict(
        COMMON, num_hidden_layers=4, intermediate_size=96, block_auto_adjust_ff_dim=True,
        block_ffn_dim_multiplier=1.0, block_multiple_of=32, conv_L_cache=3, norm_eps=1e-5,
        layer_types=["conv", "full_attention", "conv", "full_attention"], tie_word_embeddings=True,
        rope_parameters=dict(rope_type="default", rope_theta=1000000.0)), dict(bf16=True))
    return specs


def randomize(model, seed):
    """Weights that make every part of the forward pass matter: matrices N(0, 1/in), norm
    weights around their identity value, biases N(0, 0.1)."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, p in model.named_parameters():
            if p.ndim >= 2:
                fan_in = p.shape[-1] if "conv" not in name else p.shape[-1]
                p.copy_(torch.randn(p.shape, generator=g) / math.sqrt(fan_in))
            elif "norm" in name or "ln_" in name:
                p.add_(0.1 * torch.randn(p.shape, generator=g))
            else:
                p.copy_(0.1 * torch.randn(p.shape, generator=g))


def text_model(model):
    """The module holding layers / final norm, and the list of decoder layers."""
    if hasattr(model, "transformer"):  # GPT-2
        return model.transformer, model.transformer.h, model.transformer.ln_f
    inner = model.model
    if hasattr(inner, "language_model"):  # Gemma 3 multimodal
        inner = inner.language_model
    norm = inner.embedding_norm if hasattr(inner, "embedding_norm") else inner.norm
    return inner, inner.layers, norm


def run_reference(model, ids):
    """One forward with hooks that capture the hidden states in mlux's convention."""
    _, layers, norm = text_model(model)
    captured = {}

    def first(x):
        return x[0] if isinstance(x, (tuple, list)) else x

    def pre0(mod, args, kwargs):
        captured["hidden_0"] = (args[0] if args else kwargs["hidden_states"]).detach().clone()

    handles = [layers[0].register_forward_pre_hook(pre0, with_kwargs=True)]
    for i, layer in enumerate(layers):
        def post(mod, args, out, i=i):
            captured[f"block_{i}"] = first(out).detach().clone()
        handles.append(layer.register_forward_hook(post))
    handles.append(norm.register_forward_hook(lambda m, a, o: captured.__setitem__("final_norm", first(o).detach().clone())))
    try:
        with torch.no_grad():
            out = model(input_ids=ids, output_attentions=True, output_hidden_states=True, use_cache=False)
    finally:
        for h in handles:
            h.remove()
    n = len(layers)
    tensors = {"input_ids": ids.clone(), "logits": out.logits.float().contiguous()}
    tensors["hidden_0"] = captured["hidden_0"].float()
    for i in range(1, n):
        tensors[f"hidden_{i}"] = captured[f"block_{i - 1}"].float()
    tensors[f"hidden_{n}"] = captured["final_norm"].float()
    for i, a in enumerate(out.attentions or []):
        if a is not None:
            tensors[f"attn_{i}"] = a.float().contiguous()
    # Cross-check our hooks against HF's own hidden_states (same convention expected).
    hs = out.hidden_states
    agree = None
    if hs is not None and len(hs) == n + 1:
        agree = max(float((hs[i].float() - tensors[f"hidden_{i}"]).abs().max()) for i in range(n + 1))
    return tensors, agree


def greedy(model, ids, steps):
    seq = ids.clone()
    out = []
    with torch.no_grad():
        for _ in range(steps):
            logits = model(input_ids=seq, use_cache=False).logits
            nxt = int(logits[0, -1].argmax())
            out.append(nxt)
            seq = torch.cat([seq, torch.tensor([[nxt]])], dim=1)
    return torch.tensor(out, dtype=torch.int64)


def rotary_freqs(model):
    inner, _, _ = text_model(model)
    out = {}
    rot = getattr(inner, "rotary_emb", None)
    if rot is not None:
        for name, buf in rot.named_buffers():
            if "inv_freq" in name and "original" not in name:
                out["inv_freq_" + name.replace(".", "_")] = buf.float().clone()
    for name in ("rotary_emb_local",):
        rot = getattr(inner, name, None)
        if rot is not None:
            out["inv_freq_local"] = rot.inv_freq.float().clone()
    return out


def classic_config(cfg):
    """The same config in the classic (transformers v4) form."""
    c = copy.deepcopy(cfg)
    target = c.get("text_config", c) if c.get("model_type") == "gemma3" else c
    rp = target.pop("rope_parameters", None)
    if rp is not None:
        if "full_attention" in rp or "sliding_attention" in rp:
            full = dict(rp.get("full_attention", {}))
            sliding = rp.get("sliding_attention", {})
            target["rope_theta"] = full.pop("rope_theta", 10000.0)
            if "rope_theta" in sliding:
                target["rope_local_base_freq"] = sliding["rope_theta"]
            if full.get("rope_type", "default") != "default":
                target["rope_scaling"] = full
            else:
                target["rope_scaling"] = None
        else:
            rp = dict(rp)
            target["rope_theta"] = rp.pop("rope_theta", 10000.0)
            if "partial_rotary_factor" in rp:
                target["partial_rotary_factor"] = rp.pop("partial_rotary_factor")
            kind = rp.get("rope_type", "default")
            if kind == "default":
                target["rope_scaling"] = None
            else:
                if kind in ("longrope",):   # Phi-3's shipped configs spell it "su"/"longrope" under "type"
                    rp["type"] = rp.pop("rope_type")
                target["rope_scaling"] = rp
    # Families with a default pattern: drop layer_types so the loader must derive it.
    mt = target.get("model_type")
    if mt in ("gemma2",):
        target.pop("layer_types", None)
    if mt in ("gemma3_text",) and "layer_types" in target:
        target.pop("_sliding_window_pattern", None)
        lt = target.pop("layer_types")
        target["sliding_window_pattern"] = len(lt) if lt[-1] == "full_attention" else 6
    return c


def build(name, spec, seed, outdir):
    cls_name, cfg_cls, kwargs, opts = spec
    cfg = cfg_cls(**kwargs)
    model_cls = getattr(transformers, cls_name)
    torch.manual_seed(seed)
    # Eager attention: the only implementation that returns attention probabilities and applies
    # Gemma 2's soft-cap in every version.
    model = model_cls._from_config(cfg, attn_implementation="eager").float().eval()
    randomize(model, seed)
    g = torch.Generator().manual_seed(seed + 1)
    ids = torch.randint(4, 256, (1, T_MAIN), generator=g)

    variants = [(name, model)]
    if opts.get("bf16"):
        mb = copy.deepcopy(model).to(torch.bfloat16)
        variants.append((name + "-bf16", mb))
    results = {}
    for vname, m in variants:
        d = os.path.join(outdir, vname)
        os.makedirs(d, exist_ok=True)
        m.save_pretrained(d)
        gen = transformers.GenerationConfig(bos_token_id=1, eos_token_id=kwargs.get("eos_token_id", 2), pad_token_id=0)
        gen.save_pretrained(d)
        # The reference is what transformers computes from the saved files in f32 (for bf16 files:
        # the rounded weights, upcast). Converting the in-memory model instead would also round
        # buffers such as the rotary inv_freq, which the file does not hold.
        ref_model = model_cls.from_pretrained(d, attn_implementation="eager", dtype=torch.float32).eval()
        tensors, agree = run_reference(ref_model, ids)
        t2, _ = run_reference(copy.deepcopy(m).float().eval(), ids)
        reload_diff = float((tensors["logits"] - t2["logits"]).abs().max())
        tensors.update(rotary_freqs(ref_model))
        tensors["greedy_ids"] = greedy(ref_model, ids, N_GREEDY)
        save_file({k: v.contiguous() for k, v in tensors.items()}, os.path.join(d, "reference.safetensors"))
        if opts.get("short"):
            st, _ = run_reference(ref_model, ids[:, :T_SHORT])
            st.update(rotary_freqs(ref_model))
            save_file({k: v.contiguous() for k, v in st.items()}, os.path.join(d, "reference-short.safetensors"))
        with open(os.path.join(d, "config.json")) as f:
            saved = json.load(f)
        with open(os.path.join(d, "config.classic.json"), "w") as f:
            json.dump(classic_config(saved), f, indent=2)
        results[vname] = dict(hooks_vs_hf_hidden=agree, reload_logit_diff=reload_diff,
                              logits_absmax=float(tensors["logits"].abs().max()),
                              files=sorted(os.listdir(d)))
    return results


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--only", default="")
    ap.add_argument("--seed", type=int, default=1234)
    args = ap.parse_args()
    torch.set_num_threads(4)
    specs = fixture_specs()
    only = [s for s in args.only.split(",") if s]
    report = {"transformers": transformers.__version__, "torch": torch.__version__, "fixtures": {}}
    for i, (name, spec) in enumerate(specs.items()):
        if only and name not in only:
            continue
        try:
            report["fixtures"].update(build(name, spec, args.seed + 17 * i, args.out))
            print("ok  ", name, flush=True)
        except Exception:
            report["fixtures"][name] = {"error": traceback.format_exc()}
            print("FAIL", name, traceback.format_exc(), flush=True)
    with open(os.path.join(args.out, "fixtures-report.json"), "w") as f:
        json.dump(report, f, indent=2)
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    sys.exit(main())
