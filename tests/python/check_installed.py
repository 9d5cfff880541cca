"""Checks that the `mindt` package installed in this interpreter is the one just built.

tools/setup.sh builds build/python/mindt and then runs `pip install --no-build-isolation .`; this
imports mindt without PYTHONPATH (from another folder) and compares every installed file with the
build's, so a stale or missing install fails CI rather than surprising a user.

usage: check_installed.py BUILD_PACKAGE_DIR
"""

import filecmp
import os
import sys


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
    names = sorted(n for n in os.listdir(built) if n.endswith((".py", ".so")))
    _, mismatch, missing = filecmp.cmpfiles(built, installed, names, shallow=False)
    if mismatch or missing:
        print(f"the installed mindt ({installed}) differs from the build ({built}):")
        print(f"  different: {mismatch}\n  missing: {missing}\nrun tools/setup.sh (or pip install --no-build-isolation .)")
        return 1
    print(f"mindt {mindt.__version__} installed at {installed} matches the build ({len(names)} files)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
