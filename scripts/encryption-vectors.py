#!/usr/bin/env python3
"""Test vectors for EnKash payload encryption, made by an implementation we did not write.

EnKash's scheme (its Payouts guide): AES-128 in ECB mode with PKCS#5/7 padding, the
ciphertext Base64-encoded; the documented example derives the 16-byte key as the first 16
bytes of SHA-256 of the client secret. This script computes every vector with the
`openssl` command-line tool (`openssl dgst -sha256`, `openssl enc -aes-128-ecb`), so the
client's Rust implementation (RustCrypto `aes` + `ecb`) is checked against OpenSSL's.

    python3 scripts/encryption-vectors.py           # rewrite tests/fixtures/encryption/vectors.json
    python3 scripts/encryption-vectors.py --check   # fail if the committed file differs

Only the Python standard library and the `openssl` binary are used.
"""

import base64
import json
import pathlib
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
OUT = ROOT / "tests" / "fixtures" / "encryption" / "vectors.json"


def openssl(args, data):
    result = subprocess.run(
        ["openssl", *args], input=data, capture_output=True, check=False, timeout=30
    )
    return result.returncode, result.stdout


def sha256_key(secret):
    """First 16 bytes of SHA-256(secret), as OpenSSL computes the digest."""
    code, out = openssl(["dgst", "-sha256", "-binary"], secret.encode("utf-8"))
    assert code == 0, "openssl dgst failed"
    return out[:16]


def encrypt(key, plaintext):
    code, out = openssl(["enc", "-aes-128-ecb", "-K", key.hex(), "-nosalt"], plaintext)
    assert code == 0, "openssl enc failed"
    return base64.b64encode(out).decode("ascii")


def decrypts(key, ciphertext_b64):
    """Whether OpenSSL itself accepts the ciphertext under `key` (padding included)."""
    try:
        raw = base64.b64decode(ciphertext_b64, validate=True)
    except ValueError:
        return False
    code, _ = openssl(["enc", "-d", "-aes-128-ecb", "-K", key.hex(), "-nosalt"], raw)
    return code == 0


SECRET = "CLIENT-SECRET-example-1234"
RAW_KEY = bytes(range(0x10, 0x20))
# Plaintexts chosen for their length against the 16-byte block: empty, shorter than a
# block, exactly one block, an exact multiple, one past it, non-ASCII, and real bodies.
PLAINTEXTS = [
    ("empty", ""),
    ("one byte", "{"),
    ("one block minus one", '{"a":"1234567"}'),
    ("exactly one block", '{"a":"12345678"}'),
    ("exactly two blocks", '{"userId":"EKQZVMQK","x":123456}'),
    ("two blocks plus one", '{"userId":"EKQZVMQK","x":1234567}'),
    ("non-ASCII", '{"firstName":"Zoë","city":"München","note":"₹ 500 — 五"}'),
    (
        "allocate coins body",
        '{"companyId":"CEK0TCW2W8","event":"REFERRAL_EVENT","requestId":"COIN_REQ1234567","userId":"EKQZVMQK"}',
    ),
    (
        "coins envelope",
        '{"response_code":0,"response_message":"Success","payload":"Successfully allocated enkash Coins"}',
    ),
]
# The lengths the names promise, in bytes.
for _name, _text, _len in [(n, t, l) for (n, t), l in zip(PLAINTEXTS, [0, 1, 15, 16, 32, 33])]:
    assert len(_text.encode("utf-8")) == _len, (_name, len(_text.encode("utf-8")))

def vectors():
    derived = sha256_key(SECRET)
    keys = [
        {"name": "sha256 of secret", "secret": SECRET, "key_hex": derived.hex()},
        {"name": "raw", "secret": None, "key_hex": RAW_KEY.hex()},
    ]
    cases = []
    for key in keys:
        key_bytes = bytes.fromhex(key["key_hex"])
        for name, text in PLAINTEXTS:
            plaintext = text.encode("utf-8")
            cases.append(
                {
                    "name": f"{name} ({key['name']} key)",
                    "key_hex": key["key_hex"],
                    "plaintext": text,
                    "plaintext_len": len(plaintext),
                    "ciphertext_base64": encrypt(key_bytes, plaintext),
                }
            )
    # Ciphertexts that must be refused. Each is checked against OpenSSL here, so the
    # file never claims a failure OpenSSL would not see.
    good = encrypt(derived, PLAINTEXTS[7][1].encode("utf-8"))
    raw = base64.b64decode(good)
    other_key = sha256_key(SECRET + "-wrong")
    bad = []
    # A wrong key: pick a plaintext whose decryption under the other key has bad padding.
    for name, text in PLAINTEXTS[1:]:
        candidate = encrypt(derived, text.encode("utf-8"))
        if not decrypts(other_key, candidate):
            bad.append(
                {
                    "name": f"wrong key ({name})",
                    "key_hex": other_key.hex(),
                    "ciphertext_base64": candidate,
                    "error": "padding",
                }
            )
            break
    truncated = base64.b64encode(raw[:-5]).decode("ascii")
    assert not decrypts(derived, truncated)
    bad.append(
        {"name": "truncated", "key_hex": derived.hex(), "ciphertext_base64": truncated, "error": "length"}
    )
    corrupt_base64 = good[:10] + "*" + good[11:]
    assert not decrypts(derived, corrupt_base64)
    bad.append(
        {"name": "not Base64", "key_hex": derived.hex(), "ciphertext_base64": corrupt_base64, "error": "base64"}
    )
    # The last block flipped: the padding no longer checks out.
    flipped = raw[:-1] + bytes([raw[-1] ^ 0x01])
    flipped_b64 = base64.b64encode(flipped).decode("ascii")
    if not decrypts(derived, flipped_b64):
        bad.append(
            {"name": "last byte flipped", "key_hex": derived.hex(), "ciphertext_base64": flipped_b64, "error": "padding"}
        )
    version = subprocess.run(["openssl", "version"], capture_output=True, text=True, check=True, timeout=30)
    return {
        "generated_by": "scripts/encryption-vectors.py with the openssl command-line tool",
        "openssl": version.stdout.strip().split(" (")[0],
        "scheme": "AES-128-ECB, PKCS#7 padding, Base64 (standard alphabet, padded)",
        "keys": keys,
        "cases": cases,
        "bad": bad,
    }


def main():
    text = json.dumps(vectors(), indent=2, ensure_ascii=False) + "\n"
    if "--check" in sys.argv[1:]:
        committed = OUT.read_text(encoding="utf-8") if OUT.exists() else ""
        # The OpenSSL version line may differ between machines; the vectors may not.
        strip = lambda t: "\n".join(l for l in t.splitlines() if '"openssl":' not in l)
        if strip(committed) != strip(text):
            print(f"{OUT.relative_to(ROOT)} is stale: run python3 scripts/encryption-vectors.py", file=sys.stderr)
            sys.exit(1)
        print(f"{OUT.relative_to(ROOT)}: {len(json.loads(text)['cases'])} vectors match OpenSSL")
        return
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(text, encoding="utf-8")
    print(f"wrote {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
