#!/usr/bin/env python3
"""The layering gate: each library includes only the libraries below it, and no file's includes
run in a circle. Reads the project's own `#include "folder/file.h"` lines (ctest runs it: LayerGate).

    python3 tools/check_layers.py          # exit 1 and a line per offence, else a summary
"""
import os
import re
import subprocess
import sys

# What each library may include, as its CMake target links (CMakeLists.txt: dependencies point down).
ALLOWED = {
    "common": set(),
    "kernels": {"common"},
    "configs": {"common"},
    "envs": {"common"},
    "datasets": {"common"},
    "agents": {"common", "kernels", "configs", "envs", "datasets"},
    "tools": {"common", "kernels", "configs", "envs", "datasets", "agents"},
    # The Python package's extension (python/csrc): beside tools/, over the same libraries.
    "python": {"common", "kernels", "configs", "envs", "datasets", "agents"},
}
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"')


def main():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    listed = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard"], cwd=root,
                            capture_output=True, text=True, check=True).stdout.split()
    files = [f for f in listed if f.endswith((".h", ".cpp", ".cu", ".cuh")) and f.split("/")[0] in ALLOWED
             and os.path.exists(os.path.join(root, f))]
    graph, offences = {}, []
    for f in files:
        library = f.split("/")[0]
        graph[f] = []
        with open(os.path.join(root, f), encoding="utf-8") as text:
            for number, line in enumerate(text, 1):
                m = INCLUDE.match(line)
                if not m:
                    continue
                target = m.group(1)
                to = target.split("/")[0]
                if to in ALLOWED and to != library and to not in ALLOWED[library]:
                    offences.append(f"{f}:{number}: {library}/ includes {target} ({to}/ is not below {library}/)")
                if target in graph or os.path.exists(os.path.join(root, target)):
                    graph[f].append(target)
    # Cycles among the files (depth-first search, colouring nodes on the current path).
    state, path = {}, []

    def visit(node):
        state[node] = "open"
        path.append(node)
        for nxt in graph.get(node, []):
            if state.get(nxt) == "open":
                offences.append("include cycle: " + " -> ".join(path[path.index(nxt):] + [nxt]))
            elif nxt not in state:
                visit(nxt)
        path.pop()
        state[node] = "done"

    sys.setrecursionlimit(10000)
    for f in sorted(graph):
        if f not in state:
            visit(f)
    for o in offences:
        print(o, file=sys.stderr)
    if offences:
        return 1
    edges = sum(len(v) for v in graph.values())
    print(f"check_layers: {len(files)} files, {edges} includes of project files: every one points down, no cycles")
    return 0


if __name__ == "__main__":
    sys.exit(main())
