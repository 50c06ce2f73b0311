#!/usr/bin/env python3
"""Fails when a module of src/ imports a module that imports it back, directly or through
others: at the level of files (crate::auth::extract, crate::routes::web::errors…) and at the
level of the crate's top modules (auth, db, routes…). An import is any path that names a
module (`use crate::db::Db`, `super::layout::Chrome`, `crate::error::AppError` in code), not
a `mod` declaration; comments, strings and unit tests are ignored. Prints every cycle it finds."""
import os
import re
import sys

SRC = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src")


def module_of(path):
    rel = os.path.relpath(path, SRC)[:-3].split(os.sep)
    if rel in (["lib"], ["main"]):
        return ()
    return tuple(rel)


def strip(text):
    text = re.sub(r"//[^\n]*", "", text)
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    return re.sub(r'"(?:\\.|[^"\\])*"', '""', text)


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
                text = strip(open(p, encoding="utf-8").read())
                # Unit tests are not part of the library: their module (a `tests.rs`, or the
                # `#[cfg(test)]` block that ends a file) may use anything.
                if n == "tests.rs":
                    continue
                files[module_of(p)] = text.split("#[cfg(test)]")[0]
    modules = set(files)
    files.pop((), None)

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
            if base + (s,) in modules or target + (s,) in modules:
                target = target + (s,)
            else:
                break
        return target if target != current and target else None

    edges = {m: set() for m in files}
    for mod, text in files.items():
        paths = [p.split("::") for p in use_paths(text)]
        paths += [m.group(0).split("::") for m in re.finditer(r"\b(?:crate|super)(?:::\w+)+", text)]
        for segs in paths:
            target = resolve(mod, [s for s in segs if s])
            # A child reading its parent's items through `super::*` in its own tests is not a
            # dependency of the parent on the child, only the other way round.
            if target and target in files and not mod[: len(target)] == target[: len(mod)] == mod:
                edges[mod].add(target)
    found = report("file", edges)
    top = {}
    for mod, targets in edges.items():
        for t in targets:
            if mod and t and mod[0] != t[0]:
                top.setdefault(mod[0], set()).add(t[0])
    found += report("top module", top)
    if found:
        sys.exit(1)
    print(f"no import cycles among {len(files)} modules of src/ (files and top modules)")


def report(level, edges):
    index, low, stack, on, sccs, counter = {}, {}, [], set(), [], [0]

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
                sccs.append(comp)

    sys.setrecursionlimit(10000)
    for v in list(edges):
        if v not in index:
            visit(v)
    name = lambda m: "::".join(m) if isinstance(m, tuple) else m
    for comp in sccs:
        print(f"import cycle ({level}): " + " <-> ".join(sorted(name(m) for m in comp)))
        for m in comp:
            for t in sorted(edges.get(m, ())):
                if t in comp:
                    print(f"    {name(m)} -> {name(t)}")
    return len(sccs)


if __name__ == "__main__":
    main()
