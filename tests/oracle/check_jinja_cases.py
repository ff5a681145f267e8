#!/usr/bin/env python3
"""Checks that every expectation in tests/data/jinja_cases.json is what Python Jinja2, configured
as transformers configures it, actually does: the expected output byte for byte, or an error of
the same kind (a syntax error at load, on the same line; a failure while rendering; the message
given to raise_exception). The C++ tests hold mlux to the same file, so mlux agrees with Jinja2.

Run by ctest (CMakeLists.txt); exits 77 (skipped) when python3-jinja2 is missing.
Usage: python3 tests/oracle/check_jinja_cases.py [tests/data/jinja_cases.json]
"""
import json
import os
import sys

try:
    from jinja2.exceptions import TemplateSyntaxError
except ImportError:
    print("check_jinja_cases: python3-jinja2 is not installed (scripts/install-deps installs it); skipping")
    sys.exit(77)

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from chat_template_reference import Raised, make_environment  # noqa: E402


def check(env, case):
    """None when Jinja2 agrees with the case, else what it did instead."""
    want = case.get("error")
    try:
        template = env.from_string(case["template"])
    except TemplateSyntaxError as e:
        if want and want["kind"] == "syntax":
            if "line" in want and e.lineno != want["line"]:
                return f"syntax error on line {e.lineno}, not {want['line']}: {e}"
            return None
        return f"syntax error: {e}"
    except SyntaxError as e:  # Jinja2 leaves some checks (break outside a loop) to Python's compiler
        return None if want and want["kind"] == "syntax" else f"Python syntax error: {e}"
    if want and want["kind"] == "syntax":
        return "Jinja2 parses this template"
    try:
        output = template.render(**case["context"])
    except Raised as e:
        if want and want["kind"] == "raised" and str(e) == want["message"]:
            return None
        return f"raise_exception({str(e)!r})"
    except Exception as e:  # noqa: BLE001 - any render failure is what "render" expects
        if want and want["kind"] == "render":
            return None
        return f"{type(e).__name__}: {e}"
    if want:
        return f"renders {output!r} instead of failing"
    return None if output == case["expected"] else f"renders {output!r}, not {case['expected']!r}"


def main():
    path = sys.argv[1] if len(sys.argv) > 1 else "tests/data/jinja_cases.json"
    cases = json.load(open(path, encoding="utf-8"))["cases"]
    env = make_environment()
    checked = [c for c in cases if "mlux_only" not in c]  # documented, deliberate differences
    failures = [(c["name"], problem) for c in checked if (problem := check(env, c)) is not None]
    for name, problem in failures:
        print(f"{name}: Jinja2 {problem}")
    print(f"check_jinja_cases: {len(checked) - len(failures)}/{len(checked)} cases agree with Python Jinja2 "
          f"({len(cases) - len(checked)} mlux-only cases not checked)")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
