#!/usr/bin/env python3
"""The land-grant lottery's draw, published so anyone can recompute a result (docs/grants.md, decision 031).

Python's standard library only: download this file and a lottery's published bundle (JSON, from
``/api/v1/grants/lotteries/<number>/bundle``) and run ``python3 lottery_core.py bundle.json``. It checks that the
revealed seed matches the commitment published before the draw, that the applicant and plot lists match their
published hashes, recomputes the allocation and compares it with the one announced. Exit status 0: all agree.

The draw. The seed actually used is SHA-256(secret seed ‖ public salt): the secret seed was committed (its hash
published) before the draw; the salt is announced in public at the draw, so nobody — the municipality included
— knew the outcome before that moment. Each plot's key is SHA-256(seed ‖ "plot:" ‖ parcel id); within each
entitlement band the plots are ordered by key. Applicants, in their published rank order, each take the next
plot of their band; when the band's plots run out the rest wait for the next lottery. Allocations go to the
ministry in batches of 260, in applicant order.
"""

from __future__ import annotations

import hashlib
import json
import sys

BATCH_SIZE = 260


def canonical_lines(rows: list[dict]) -> str:
    """Rows as JSON lines with sorted keys and no spaces: the exact text whose hash is published."""
    return "".join(json.dumps(row, sort_keys=True, ensure_ascii=False, separators=(",", ":")) + "\n" for row in rows)


def parse_lines(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def sha256_hex(data: str | bytes) -> str:
    return hashlib.sha256(data.encode("utf-8") if isinstance(data, str) else data).hexdigest()


def seed_commitment(seed_hex: str) -> str:
    """What is published before the draw: the hash of the secret seed's bytes."""
    return sha256_hex(bytes.fromhex(seed_hex))


def draw_seed(seed_hex: str, public_salt: str) -> bytes:
    return hashlib.sha256(bytes.fromhex(seed_hex) + public_salt.encode("utf-8")).digest()


def draw(applicants: list[dict], plots: list[dict], seed_hex: str, public_salt: str) -> list[dict]:
    """[{"number", "parcel", "batch"}] in applicant order: who gets which plot."""
    seed = draw_seed(seed_hex, public_salt)
    by_band: dict[str, list[tuple[bytes, int]]] = {}
    for plot in plots:
        parcel = int(plot["parcel"])
        key = hashlib.sha256(seed + b"plot:" + str(parcel).encode("ascii")).digest()
        by_band.setdefault(str(plot["band"]), []).append((key, parcel))
    queues = {band: [parcel for _key, parcel in sorted(keyed)] for band, keyed in by_band.items()}
    taken = dict.fromkeys(queues, 0)
    result = []
    for applicant in applicants:
        band = str(applicant["band"])
        queue = queues.get(band)
        if not queue or taken[band] >= len(queue):
            continue
        result.append({"number": applicant["number"], "parcel": queue[taken[band]],
                       "batch": len(result) // BATCH_SIZE + 1})
        taken[band] += 1
    return result


def verify(bundle: dict) -> list[str]:
    """The problems found in a published bundle (empty: the lottery checks out)."""
    problems = []
    if seed_commitment(bundle["seed"]) != bundle["seed_commitment"]:
        problems.append("the revealed seed does not match the commitment published before the draw")
    if sha256_hex(bundle["applicants"]) != bundle["applicants_hash"]:
        problems.append("the applicant list does not match its published hash")
    if sha256_hex(bundle["plots"]) != bundle["plots_hash"]:
        problems.append("the plot list does not match its published hash")
    result = draw(parse_lines(bundle["applicants"]), parse_lines(bundle["plots"]), bundle["seed"],
                  bundle.get("public_salt", ""))
    if sha256_hex(canonical_lines(result)) != bundle["result_hash"]:
        problems.append("the recomputed allocation differs from the one announced")
    announced = bundle.get("result")
    if announced is not None and announced != result:
        problems.append("the announced allocation list differs from the recomputed one")
    return problems


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print("usage: python3 lottery_core.py bundle.json", file=sys.stderr)
        return 2
    with open(argv[1], encoding="utf-8") as f:
        bundle = json.load(f)
    problems = verify(bundle)
    allocated = len(draw(parse_lines(bundle["applicants"]), parse_lines(bundle["plots"]), bundle["seed"],
                         bundle.get("public_salt", "")))
    print(f"lottery {bundle.get('lottery', '?')}: {allocated} plots allocated, result hash "
          f"{bundle['result_hash']}")
    for problem in problems:
        print(f"MISMATCH: {problem}")
    print("verified: the draw recomputes exactly" if not problems else "NOT verified")
    return 0 if not problems else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
