"""The reference for test_char_corpus.cpp: Python's strict UTF-8 decoder. For each file named on
the command line prints one line: "ok" and the code points in hex, or "error"."""
import sys

for path in sys.argv[1:]:
    try:
        text = open(path, "rb").read().decode("utf-8")
        print("ok", *(format(ord(c), "x") for c in text))
    except UnicodeDecodeError:
        print("error")
