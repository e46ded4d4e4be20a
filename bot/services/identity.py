"""The child's citizen ID number (公民身份号码), kept sealed.

The number is sealed with Fernet (AES-128-CBC + HMAC, a random IV) under a key derived from the security secret
with HKDF and a label of its own, so a dump of the database (or a backup) shows only the sealed box and the
masked form (4201**********1234) that the card, the lists and the workbooks show. Only the archive's edit step
and the civil-affairs roster open the box. Rotating the secret makes the stored numbers unreadable: they must
be typed again (the masked form says which children had one).
"""

from __future__ import annotations

import base64

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from bot.domain.archive import mask_id_number

SEALED = "id_number_sealed"  # the column (and the draft's key) holding the sealed number


def _fernet(secret: str) -> Fernet:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"shouwang-id-number").derive(secret.encode())
    return Fernet(base64.urlsafe_b64encode(key))


def seal(secret: str, number: str) -> str:
    """The sealed number, as text (Fernet tokens are URL-safe base64)."""
    return _fernet(secret).encrypt(number.encode()).decode("ascii")


def unseal(secret: str, sealed: str | bytes | None) -> str | None:
    """The number, or None if there is none or it was sealed under another secret."""
    if not sealed:
        return None
    token = sealed if isinstance(sealed, bytes) else sealed.encode("ascii")
    try:
        return _fernet(secret).decrypt(token).decode()
    except InvalidToken:
        return None


def protect(secret: str, number: str | None) -> tuple[str | None, str | None]:
    """(masked, sealed) for a checked number; (None, None) to clear it."""
    if not number:
        return None, None
    return mask_id_number(number), seal(secret, number)
