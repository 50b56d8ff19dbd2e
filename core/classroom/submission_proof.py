"""Proof that a later submission comes from the same workspace as the one first collected.

Files carry no proof of who made them, and the teacher holds no key of the student's. So each
workspace makes a random secret when it is started and derives from it a chain of one-time
keys, ``key(n) = SHA-256(key(n + 1))``, the last one an HMAC-SHA256 of the secret. Submission
number ``n`` reveals ``key(n)`` and an HMAC-SHA256 of its content under that key. The teacher
pins the first key collected; a later file is accepted as the same workspace's only if hashing
its key ``m - n`` times gives the pinned one. Keys are revealed in order, so seeing a student's
submissions does not let anyone make the next one: that needs the secret, which never leaves
the workspace. The limits: the first file collected is trusted as it is (whoever is collected
first pins), and whoever holds a file can alter that same submission number; the teacher then
sees two different files with one number, held as a conflict.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import uuid
from dataclasses import dataclass
from typing import Any

# Submissions one workspace can make; each costs at most this many SHA-256 rounds (~5 ms).
CHAIN_LENGTH = 10_000
_ROOT = b"claimdesk-submission-chain"


@dataclass(frozen=True)
class Proof:
    """What a submission file says of its workspace (all public)."""

    workspace: str  # the workspace's public id, 32 hex digits
    sequence: int  # 1 for the workspace's first submission, then 2, 3...
    key: str  # the one-time key of this number, 64 hex digits
    mac: str  # HMAC-SHA256 of the content under that key, 64 hex digits


def new_workspace_id() -> str:
    return uuid.uuid4().hex


def new_secret() -> str:
    return secrets.token_hex(32)


def chain_key(secret: str, sequence: int) -> str:
    """The one-time key of submission ``sequence`` (1..CHAIN_LENGTH) of a workspace."""
    if not 1 <= sequence <= CHAIN_LENGTH:
        raise ValueError(f"a workspace makes at most {CHAIN_LENGTH:,} submissions")
    key = hmac.new(bytes.fromhex(secret), _ROOT, hashlib.sha256).digest()
    for _ in range(CHAIN_LENGTH - sequence):
        key = hashlib.sha256(key).digest()
    return key.hex()


def _content(data: dict[str, Any], workspace: str, sequence: int, key: str) -> bytes:
    body = {k: v for k, v in data.items() if k != "proof"}
    body["proof"] = {"workspace": workspace, "sequence": sequence, "key": key}
    return json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode(
        "utf-8", "surrogatepass"
    )


def sign(data: dict[str, Any], workspace: str, secret: str, sequence: int) -> dict[str, Any]:
    """The ``proof`` object to write into submission ``data`` (which it covers)."""
    key = chain_key(secret, sequence)
    mac = hmac.new(bytes.fromhex(key), _content(data, workspace, sequence, key), "sha256")
    return {"workspace": workspace, "sequence": sequence, "key": key, "mac": mac.hexdigest()}


def content_matches(data: dict[str, Any], proof: Proof) -> bool:
    """Whether the file's content is what was signed with its key (it was not edited since)."""
    content = _content(data, proof.workspace, proof.sequence, proof.key)
    expected = hmac.new(bytes.fromhex(proof.key), content, "sha256").hexdigest()
    return hmac.compare_digest(expected, proof.mac)


def follows(earlier: tuple[int, str], later: tuple[int, str]) -> bool:
    """Whether key ``later`` (sequence, key) comes after ``earlier`` in the same chain."""
    (low, pinned), (high, key) = earlier, later
    if not 1 <= low < high <= CHAIN_LENGTH:
        return False
    value = bytes.fromhex(key)
    for _ in range(high - low):
        value = hashlib.sha256(value).digest()
    return hmac.compare_digest(value.hex(), pinned)
