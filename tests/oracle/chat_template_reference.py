#!/usr/bin/env python3
"""Renders tests/data/chat_conversations.json with Python Jinja2 configured exactly as transformers'
apply_chat_template does (ImmutableSandboxedEnvironment, trim_blocks, lstrip_blocks, loopcontrols,
json.dumps-based tojson, raise_exception and strftime_now globals), and prints where the result
differs from @huggingface/jinja's (build/testdata/chat_template_expected.json).

transformers is the reference mlux matches; @huggingface/jinja is the oracle the tests run on every
`make test`. This script finds the cases where the two disagree, which docs/chat-templates.md lists
and tests/unit/chat_template_parity_test.cpp pins to the transformers behaviour.

Usage: python3 tests/oracle/chat_template_reference.py build/testdata [--verbose]
Writes build/testdata/chat_template_jinja2.json. Needs python3-jinja2 (scripts/install-deps).
"""
import json
import os
import sys
from datetime import datetime

try:
    import jinja2
    from jinja2.exceptions import TemplateError
    from jinja2.ext import loopcontrols
    from jinja2.sandbox import ImmutableSandboxedEnvironment
except ImportError:
    if __name__ == "__main__":  # the parity test then checks against @huggingface/jinja alone
        out = f"{sys.argv[1]}/chat_template_jinja2.json"
        if os.path.exists(out):
            os.remove(out)
        print("chat_template_reference: python3-jinja2 is not installed (scripts/install-deps installs it); skipped")
        sys.exit(0)
    raise


class Raised(Exception):
    pass


def make_environment():
    def raise_exception(message):
        raise Raised(message)

    def tojson(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False):
        return json.dumps(x, ensure_ascii=ensure_ascii, indent=indent, separators=separators, sort_keys=sort_keys)

    def strftime_now(fmt):
        return datetime.now().strftime(fmt)

    env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True, extensions=[loopcontrols])
    env.filters["tojson"] = tojson
    env.globals["raise_exception"] = raise_exception
    env.globals["strftime_now"] = strftime_now
    return env


SPECIAL_TOKEN_KEYS = ["bos_token", "eos_token", "unk_token", "sep_token", "pad_token", "cls_token", "mask_token"]


def token_text(t):
    return t if isinstance(t, str) else t["content"]


def special_tokens(config):
    out = {k: token_text(config[k]) for k in SPECIAL_TOKEN_KEYS if config.get(k) is not None}
    if isinstance(config.get("additional_special_tokens"), list):
        out["additional_special_tokens"] = [token_text(t) for t in config["additional_special_tokens"]]
    return out


def main():
    testdata = sys.argv[1]
    verbose = "--verbose" in sys.argv[2:]
    spec = json.load(open("tests/data/chat_conversations.json"))
    oracle = json.load(open(f"{testdata}/chat_template_expected.json"))["cases"]
    oracle = {(c["template"], c["conversation"], c["add_generation_prompt"]): c for c in oracle}
    env = make_environment()
    results, differences = [], 0
    for name, package in spec["templates"].items():
        config = json.load(open(f"{testdata}/{package}/package/models/tokenizer_config.json"))
        template = env.from_string(config["chat_template"])
        for conv in spec["conversations"]:
            for gen in (True, False):
                context = {**special_tokens(config), **spec["context"], **conv.get("extra", {})}
                result = {"template": name, "conversation": conv["name"], "add_generation_prompt": gen}
                try:
                    result["output"] = template.render(messages=conv["messages"], tools=conv.get("tools"),
                                                       documents=None, add_generation_prompt=gen, **context)
                except Raised as e:
                    result["raised"] = str(e)
                except (TemplateError, TypeError, ValueError, AttributeError) as e:
                    result["error"] = f"{type(e).__name__}: {e}"
                results.append(result)
                theirs = oracle[(name, conv["name"], gen)]
                mine_kind = next(k for k in ("output", "raised", "error") if k in result)
                their_kind = next(k for k in ("output", "raised", "error") if k in theirs)
                if mine_kind != their_kind or (mine_kind != "error" and result[mine_kind] != theirs[their_kind]):
                    differences += 1
                    if verbose:
                        print(f"DIFF {name} / {conv['name']} / add_generation_prompt={gen}")
                        print(f"  jinja2:             {mine_kind}: {result[mine_kind]!r}")
                        print(f"  @huggingface/jinja: {their_kind}: {theirs[their_kind]!r}")
    out = f"{testdata}/chat_template_jinja2.json"
    json.dump({"reference": f"jinja2 {jinja2.__version__} (transformers environment)", "cases": results}, open(out, "w"), indent=1)
    print(f"chat_template_reference: {len(results)} renders -> {out}; {differences} differ from @huggingface/jinja "
          "(known oracle deviations, see docs/chat-templates.md)")


if __name__ == "__main__":
    main()
