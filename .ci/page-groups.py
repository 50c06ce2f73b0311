#!/usr/bin/env python3
"""Fails when a page group of src/routes/web imports another page group. The pages are grouped
by URL area, and the groups mirror the folders of templates/ (auth/, account/, admin/, posts/,
token/, home/). A group (its file and its folder) may use the page framework (routes/web.rs and
the modules below) and its own files, never another group; the framework uses no group.
Prints every such import with its file and line."""
import os
import re
import sys

WEB = os.environ.get("WEB_DIR") or os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src", "routes", "web")
FRAMEWORK = {"extract", "layout", "errors", "recent", "renewal", "lines", "browser_session", "assets"}
PATH = re.compile(r"\b(crate::routes::web::|(?:super::)+)((?:\w+::)*\w+)")


def strip(text):
    text = re.sub(r"//[^\n]*", " ", text)
    return re.sub(r'"(?:\\.|[^"\\])*"', '""', text, flags=re.S)


def main():
    groups = {n[:-3] for n in os.listdir(WEB) if n.endswith(".rs")} - FRAMEWORK
    problems = []
    for root, _, names in os.walk(WEB):
        for n in names:
            if not n.endswith(".rs"):
                continue
            path = os.path.join(root, n)
            rel = os.path.relpath(path, WEB)[:-3].split(os.sep)
            owner = rel[0]
            text = strip(open(path, encoding="utf-8").read()).split("#[cfg(test)]")[0]
            for m in PATH.finditer(text):
                base, rest = m.group(1), m.group(2).split("::")
                if base == "crate::routes::web::":
                    target = rest[0]
                else:
                    # `rel` names this file's module; each `super::` goes one module up.
                    parent = rel[: len(rel) - base.count("super::")]
                    target = parent[0] if parent else rest[0]
                if target not in groups or target == owner:
                    continue
                line = text[: m.start()].count("\n") + 1
                kind = "the framework" if owner in FRAMEWORK else f"page group {owner}"
                problems.append(
                    f"{os.path.relpath(path, os.path.join(WEB, '..', '..', '..'))}:{line}: "
                    f"{kind} imports page group {target} ({m.group(0)})"
                )
    for p in problems:
        print(p)
    if "--count" in sys.argv:
        print(f"imports between page groups: {len(problems)}")
        return
    if problems:
        print("a page group uses only the page framework and its own files: move what two "
              "groups share into the framework")
        sys.exit(1)
    print(f"page groups ({', '.join(sorted(groups))}) import only the framework and themselves")


if __name__ == "__main__":
    main()
