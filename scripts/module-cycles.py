#!/usr/bin/env python3
"""Report import cycles between paperseed's library modules.

Reads every src/**/*.rs of the library (not src/bin), takes each file's module
path (src/restore/open.rs -> restore::open) and every `crate::a::b` it uses
(in `use` items and inline paths), and builds a graph between modules at a
chosen depth (default: top-level modules such as `secret`, `format`, `scan`;
--depth 2 for `secret::manifest` etc.). A module's own children do not count.
Prints the edges and every strongly connected component with more than one
module; exits 1 if there is one.

    python3 scripts/module-cycles.py [--depth N] [--edges]
"""
import pathlib
import re
import sys

depth = int(sys.argv[sys.argv.index("--depth") + 1]) if "--depth" in sys.argv else 1
root = pathlib.Path(__file__).resolve().parent.parent / "src"


def module_of(path):
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] in ("mod", "lib"):
        parts = parts[:-1]
    return parts


def strip_comments(text):
    text = re.sub(r"//[^\n]*", "", text)
    return re.sub(r"/\*.*?\*/", "", text, flags=re.S)


def use_paths(text):
    """Every crate:: path, with `use crate::{a, b::c}` groups expanded."""
    out = []
    for m in re.finditer(r"crate::((?:\w+::)*)(\{[^;]*?\}|\w+)", text):
        prefix = [p for p in m.group(1).split("::") if p]
        tail = m.group(2)
        if tail.startswith("{"):
            for item in re.split(r",", tail[1:-1]):
                item = item.strip()
                if item:
                    out.append(prefix + [p for p in re.split(r"::", item.split(" as ")[0]) if p and p != "{" and p != "self"])
        else:
            out.append(prefix + [tail])
    return out


modules = {}
edges = set()
for f in root.rglob("*.rs"):
    if "bin" in f.relative_to(root).parts:
        continue
    me = module_of(f)
    if not me:
        continue
    src = strip_comments(f.read_text())
    # Code under #[cfg(test)] does not make the library's structure.
    cut = src.find("#[cfg(test)]")
    if cut >= 0:
        src = src[:cut]
    a = "::".join(me[:depth])
    modules[a] = True
    for p in use_paths(src):
        b = "::".join(p[:depth])
        if not p or b == a or "::".join(p[: len(me[:depth])]) == a:
            continue
        if re.fullmatch(r"[a-z_][a-z0-9_]*(::[a-z_][a-z0-9_]*)*", b) and (root / p[0]).exists() or (root / (p[0] + ".rs")).exists():
            edges.add((a, b))

graph = {}
for a, b in edges:
    graph.setdefault(a, set()).add(b)

# Tarjan's strongly connected components.
index, low, stack, on, sccs, counter = {}, {}, [], set(), [], [0]


def visit(v):
    index[v] = low[v] = counter[0]
    counter[0] += 1
    stack.append(v)
    on.add(v)
    for w in graph.get(v, ()):
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
        sccs.append(comp)


sys.setrecursionlimit(10000)
for v in sorted(set(graph) | {b for _, b in edges}):
    if v not in index:
        visit(v)

if "--edges" in sys.argv:
    for a, b in sorted(edges):
        print(f"{a} -> {b}")
cycles = [sorted(c) for c in sccs if len(c) > 1]
for c in cycles:
    inner = sorted((a, b) for a, b in edges if a in c and b in c)
    print("cycle:", ", ".join(c))
    for a, b in inner:
        print(f"   {a} -> {b}")
print(f"{len(modules)} modules at depth {depth}, {len(edges)} dependencies, {len(cycles)} cycle(s)")
sys.exit(1 if cycles else 0)
