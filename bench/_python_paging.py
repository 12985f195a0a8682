"""Peer run of the paging benchmark with the Python cbapi library (when it is importable).

Usage: python3 bench/_python_paging.py CREDENTIAL_FILE ROUNDS

Iterates every Process result (100 a page, no sort) with cbapi's CbResponseAPI against the same
emulator, with the same credential file (its ssl_cert_file pins the emulator's certificate), and
prints one JSON line: {"rows": N, "ms": [per round], "version": cbapi.__version__}.
"""
import json
import sys
import time

import cbapi
from cbapi.response import CbResponseAPI, Process


def one_pass(cb):
    t0 = time.perf_counter()
    rows = 0
    for proc in cb.select(Process).sort("").batch_size(100):
        if proc.process_name is None:
            raise RuntimeError("process row without a name")
        rows += 1
    return (time.perf_counter() - t0) * 1000.0, rows


def main():
    credential_file, rounds = sys.argv[1], int(sys.argv[2])
    cb = CbResponseAPI(credential_file=credential_file, profile="default")
    one_pass(cb)  # warm-up, like the Deno runs
    times = []
    rows = 0
    for _ in range(rounds):
        ms, rows = one_pass(cb)
        times.append(ms)
    print(json.dumps({"rows": rows, "ms": times, "version": getattr(cbapi, "__version__", "?")}))


if __name__ == "__main__":
    main()
