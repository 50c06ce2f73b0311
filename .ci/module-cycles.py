#!/usr/bin/env python3
"""Fails when modules of src/ import each other in a circle, at every depth. For each module P
(the crate root included), each child of P stands for its whole subtree (so
accounts::passkeys::ceremony counts as accounts::passkeys), and the imports between children of
P (siblings) must form no circle. A parent and its children using each other is the normal
shape (`impl Accounts` in accounts/mfa.rs, `mfa::…` in accounts.rs) and is not a circle. An import is any path that names a module (`use
crate::db::Db`, `super::layout::Chrome`, `crate::error::AppError` or `mfa::SecondFactors` in
code), not a `mod` declaration; comments, strings, char literals and unit tests are ignored.
Prints every circle with the paths that make it. `--count` prints `cycles: N` only."""
import os
import re
import sys

SRC = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src")


def module_of(path):
    rel = os.path.relpath(path, SRC)[:-3].split(os.sep)
    if rel in (["lib"], ["main"]):
        return ()
    return tuple(rel)


# Comments (line and block), raw and byte strings, strings with escapes (over several lines),
# and char literals (not lifetimes): what is inside them is not code.
TOKEN = re.compile(
    r"""//[^\n]*|/\*.*?\*/|b?r(#*)".*?"\1|b?"(?:\\.|[^"\\])*"|b?'(?:\\.|[^'\\\n])'(?!\w)""",
    re.S,
)


# The unit tests at the end of a file (`#[cfg(test)] mod tests`): not part of the library. Other
# `#[cfg(test)]` items are read like any code.
TEST_MODULE = re.compile(r"#\[cfg\(test\)\]\s*mod\s+\w+")


def strip(text):
    return TOKEN.sub(lambda m: " " if m.group(0)[:2] in ("//", "/*") else '""', text)


def use_paths(text):
    """Every path a `use` item names, braces expanded."""
    out = []
    for m in re.finditer(r"\buse\s+([^;]+);", text):
        tree = re.sub(r"\s+", " ", m.group(1))
        out.extend(expand(re.sub(r"\s*([{},]|::)\s*", r"\1", tree).strip()))
    return out


def expand(tree):
    depth, start = 0, None
    for i, c in enumerate(tree):
        if c == "{":
            if depth == 0:
                start = i
            depth += 1
        elif c == "}":
            depth -= 1
            if depth == 0:
                prefix, inner = tree[:start], tree[start + 1 : i]
                parts, d, cur = [], 0, ""
                for ch in inner:
                    if ch == "," and d == 0:
                        parts.append(cur)
                        cur = ""
                        continue
                    d += ch == "{"
                    d -= ch == "}"
                    cur += ch
                parts.append(cur)
                res = []
                for p in parts:
                    if p:
                        res.extend(expand(prefix + p))
                return res
    return [re.sub(r" as \w+$", "", tree)]


def main():
    files = {}
    for root, _, names in os.walk(SRC):
        for n in names:
            if n.endswith(".rs"):
                p = os.path.join(root, n)
                # Unit tests are not part of the library: their module (a `tests.rs`, or the
                # `#[cfg(test)]` block that ends a file) may use anything.
                if n == "tests.rs":
                    continue
                text = strip(open(p, encoding="utf-8").read())
                files[module_of(p)] = TEST_MODULE.split(text, maxsplit=1)[0]
    modules = set(files)

    def resolve(current, segments):
        if not segments:
            return None
        if segments[0] == "crate":
            base, rest = (), segments[1:]
        elif segments[0] == "super":
            base, rest = current, segments
            while rest and rest[0] == "super":
                base, rest = base[:-1], rest[1:]
        elif segments[0] == "self":
            base, rest = current, segments[1:]
        elif current + (segments[0],) in modules:
            base, rest = current, segments
        else:
            return None
        target = base
        for s in rest:
            if target + (s,) in modules:
                target = target + (s,)
            else:
                break
        return target if target != current else None

    # edges[m][t]: the paths in m's code that name t.
    edges = {m: {} for m in files}
    code_path = re.compile(r"(?<![:\w])(?:crate|super|self|[a-z_]\w*)(?:::\w+)+")
    for mod, text in files.items():
        paths = use_paths(text) + [m.group(0) for m in code_path.finditer(text)]
        for path in paths:
            target = resolve(mod, [s for s in path.split("::") if s])
            if target is not None and target in files and target != mod:
                edges[mod].setdefault(target, set()).add(path)
    found = 0
    parents = sorted({m[:-1] for m in files if m} | {()})
    for parent in parents:
        found += check_under(parent, edges)
    if "--count" in sys.argv:
        print(f"cycles: {found}")
        return
    if found:
        sys.exit(1)
    print(f"no import cycles among {len(files)} modules of src/, at any depth")


def name(m):
    return "::".join(m) or "crate"


def check_under(parent, edges):
    """Collapses every module below `parent` into the child of `parent` it lies in, and reports
    each circle among those children."""
    depth = len(parent)
    node = lambda m: m[: depth + 1]
    graph, why = {}, {}
    for m, targets in edges.items():
        for t, paths in targets.items():
            below = len(m) > depth and len(t) > depth
            if below and m[:depth] == parent and t[:depth] == parent and node(m) != node(t):
                graph.setdefault(node(m), set()).add(node(t))
                why.setdefault((node(m), node(t)), []).append((m, t, sorted(paths)[0]))
    found = 0
    for comp in sccs(graph):
        sibling = sorted((a, b) for a in comp for b in graph.get(a, ()) if b in comp)
        found += 1
        print(f"import cycle under {name(parent)}: " + " <-> ".join(sorted(name(c) for c in comp)))
        for a, b in sibling:
            for m, t, path in why[(a, b)][:3]:
                print(f"    {name(m)} -> {name(t)}  ({path})")
    return found


def sccs(edges):
    index, low, stack, on, found, counter = {}, {}, [], set(), [], [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in edges.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                found.append(comp)

    sys.setrecursionlimit(10000)
    for v in list(edges):
        if v not in index:
            visit(v)
    return found


if __name__ == "__main__":
    main()
