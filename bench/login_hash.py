"""Cost of one password check (scrypt as stored by `ofsted-assistant accounts add`).

Prints the median time of hashing and of checking a password over ``--runs`` runs, and
the memory one check needs (128·r·N bytes). Sign-ins are checked two at a time, off the
server's event loop, so this is also the delay a sign-in adds.

    .venv/bin/python bench/login_hash.py --runs 7
"""

from __future__ import annotations

import argparse
import statistics
import time

from assistant.accounts import SCRYPT_N, SCRYPT_P, SCRYPT_R, hash_password, verify_password


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    runs = parser.parse_args().runs
    hashing, checking = [], []
    for i in range(runs):
        began = time.perf_counter()
        encoded = hash_password(f"bench-password-{i}")
        hashing.append(time.perf_counter() - began)
        began = time.perf_counter()
        assert verify_password(f"bench-password-{i}", encoded)
        checking.append(time.perf_counter() - began)
    memory = 128 * SCRYPT_R * SCRYPT_N / 2**20
    print(f"scrypt N={SCRYPT_N} r={SCRYPT_R} p={SCRYPT_P}: {memory:.0f} MiB per check")
    print(f"hash  median {statistics.median(hashing) * 1000:.0f} ms over {runs} runs")
    print(f"check median {statistics.median(checking) * 1000:.0f} ms over {runs} runs")


if __name__ == "__main__":
    main()
