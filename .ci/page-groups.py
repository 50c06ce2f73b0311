#!/usr/bin/env python3
"""Fails when a page group of src/routes/web imports another page group. The pages are grouped
by URL area, and the groups mirror the folders of templates/ (auth/, account/, admin/, posts/,
token/, home/). A group (its file and its folder) may use the page framework (routes/web.rs and
the framework modules beside it) and its own files, never another group; the framework uses
no group. Reads `use` trees with their braces expanded and paths in code, as
.ci/module-cycles.py does. Prints every such import with its file and line."""
import importlib.util
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
WEB = os.environ.get("WEB_DIR") or os.path.join(HERE, "..", "src", "routes", "web")
FRAMEWORK = {"extract", "layout", "errors", "recent", "renewal", "lines", "browser_session", "assets"}

spec = importlib.util.spec_from_file_location("module_cycles", os.path.join(HERE, "module-cycles.py"))
cycles = importlib.util.module_from_spec(spec)
spec.loader.exec_module(cycles)
CODE_PATH = re.compile(r"(?<![:\w])(?:crate|super|self|[a-z_]\w*)(?:::\w+)+")


def target_of(rel, path):
    """The top module under routes/web that `path`, written in the module `rel` (its path below
    routes/web; [] for web.rs itself), names; None for anything else."""
    segs = [s for s in path.split("::") if s]
    if segs[:3] == ["crate", "routes", "web"]:
        return segs[3] if len(segs) > 3 else None
    if segs and segs[0] == "super":
        ups = 0
        while ups < len(segs) and segs[ups] == "super":
            ups += 1
        parent = rel[: len(rel) - ups] if ups <= len(rel) else None
        if parent is None:
            return None  # above routes/web
        rest = segs[ups:]
        return parent[0] if parent else (rest[0] if rest else None)
    if segs and segs[0] == "self":
        return rel[0] if rel else (segs[1] if len(segs) > 1 else None)
    # A bare path names a child module of this one.
    return rel[0] if rel else segs[0]


def main():
    groups = {n[:-3] for n in os.listdir(WEB) if n.endswith(".rs")} - FRAMEWORK
    files = [(os.path.join(WEB, "..", "web.rs"), [])]
    for root, _, names in os.walk(WEB):
        for n in names:
            if n.endswith(".rs"):
                p = os.path.join(root, n)
                files.append((p, os.path.relpath(p, WEB)[:-3].split(os.sep)))
    problems = []
    for path, rel in files:
        owner = rel[0] if rel else None
        raw = open(path, encoding="utf-8").read()
        text = cycles.TEST_MODULE.split(cycles.strip(raw), maxsplit=1)[0]
        found = [(m.start(), p) for m in re.finditer(r"\buse\s+([^;]+);", text) for p in cycles.use_paths(m.group(0))]
        found += [(m.start(), m.group(0)) for m in CODE_PATH.finditer(text)]
        for start, p in found:
            target = target_of(rel, p)
            if target not in groups or target == owner:
                continue
            line = text[:start].count("\n") + 1
            kind = f"page group {owner}" if owner in groups else "the page framework"
            where = os.path.relpath(path, os.path.join(HERE, ".."))
            problems.append(f"{where}:{line}: {kind} imports page group {target} ({p})")
    for p in sorted(set(problems)):
        print(p)
    if "--count" in sys.argv:
        print(f"imports between page groups: {len(set(problems))}")
        return
    if problems:
        print("a page group uses only the page framework and its own files: move what two "
              "groups share into the framework")
        sys.exit(1)
    print(f"page groups ({', '.join(sorted(groups))}) import only the framework and themselves")


if __name__ == "__main__":
    main()
