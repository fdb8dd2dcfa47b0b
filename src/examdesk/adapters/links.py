"""Personal links: signed (itsdangerous, HMAC-SHA256 with the district's secret), bound to one
document and one person, one purpose, and a time after which they stop working. A link carries
no personal data: the document's id, a digest of the person's address and a random token id."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

PURPOSES = ("sign", "confirm", "exemption")


class LinkRefused(Exception):
    """A link that does not work: tampered with, expired, or for another document or purpose."""

    def __init__(self, why: str):
        self.why = why  # tampered | expired | other-document
        super().__init__(why)


@dataclass(frozen=True)
class LinkClaims:
    doc_id: str
    person: str  # a digest of the address the link was sent to
    token_id: str


def person_digest(email: str) -> str:
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()[:20]


class Links:
    def __init__(self, secret: str, base_url: str, valid_days: int):
        self._secret = secret
        self.base_url = base_url.rstrip("/")
        self.max_age = valid_days * 86400

    def _serializer(self, purpose: str) -> URLSafeTimedSerializer:
        if purpose not in PURPOSES:
            raise ValueError(f"unknown link purpose {purpose!r}")
        return URLSafeTimedSerializer(self._secret, salt=f"examdesk-{purpose}")

    def url(self, purpose: str, doc_id: str, email: str) -> str:
        token = self._serializer(purpose).dumps(
            {"d": doc_id, "p": person_digest(email), "i": secrets.token_urlsafe(12)}
        )
        return f"{self.base_url}/{purpose}/{doc_id}/{token}"

    def verify(self, purpose: str, doc_id: str, token: str) -> LinkClaims:
        try:
            claims = self._serializer(purpose).loads(token, max_age=self.max_age)
        except SignatureExpired:
            raise LinkRefused("expired") from None
        except BadSignature:
            raise LinkRefused("tampered") from None
        if not isinstance(claims, dict) or claims.get("d") != doc_id:
            raise LinkRefused("other-document")
        return LinkClaims(str(claims["d"]), str(claims.get("p", "")), str(claims.get("i", "")))
