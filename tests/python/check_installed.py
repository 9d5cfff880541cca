"""Checks that the `mindt` package installed in this interpreter is the one just built.

tools/setup.sh builds build/python/mindt and then runs `pip install --no-build-isolation .`; this
imports mindt without PYTHONPATH (from another folder) and compares every installed file with the
build's — the .py files byte for byte, the extension by its GNU build ID (installing rewrites its
RPATH, nothing else) — so a stale or missing install fails CI rather than surprising a user.

usage: check_installed.py BUILD_PACKAGE_DIR
"""

import filecmp
import os
import re
import subprocess
import sys


def build_id(path: str) -> str:
    notes = subprocess.run(["readelf", "-n", path], capture_output=True, text=True, check=True).stdout
    found = re.search(r"Build ID: ([0-9a-f]+)", notes)
    if not found:
        raise SystemExit(f"{path} has no GNU build ID (readelf -n)")
    return found.group(1)


def main() -> int:
    built = os.path.abspath(sys.argv[1])
    sys.path = [p for p in sys.path if os.path.abspath(p or ".") != os.path.dirname(built)]
    os.chdir("/")
    try:
        import mindt
    except ImportError as error:
        print(f"mindt is not installed in {sys.executable}: {error}\nrun tools/setup.sh (it runs pip install .)")
        return 1
    installed = os.path.dirname(os.path.abspath(mindt.__file__))
    if installed == built:
        print(f"mindt was imported from the build folder {built}, not an installed copy")
        return 1
    sources = sorted(n for n in os.listdir(built) if n.endswith(".py"))
    extensions = sorted(n for n in os.listdir(built) if n.endswith(".so"))
    _, mismatch, missing = filecmp.cmpfiles(built, installed, sources, shallow=False)
    for name in extensions:
        if not os.path.exists(os.path.join(installed, name)):
            missing.append(name)
        elif build_id(os.path.join(built, name)) != build_id(os.path.join(installed, name)):
            mismatch.append(name)
    names = sources + extensions
    if mismatch or missing:
        print(f"the installed mindt ({installed}) differs from the build ({built}):")
        print(f"  different: {mismatch}\n  missing: {missing}\nrun tools/setup.sh (or pip install --no-build-isolation .)")
        return 1
    print(f"mindt {mindt.__version__} installed at {installed} matches the build ({len(names)} files)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
