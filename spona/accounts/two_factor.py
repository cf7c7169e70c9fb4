"""TOTP (RFC 6238) and recovery codes: the pieces, without any request handling."""

import secrets
import time
from datetime import UTC, datetime

import pyotp
import segno
from django.contrib.auth.hashers import check_password, make_password
from django.utils import timezone

from spona.accounts.models import RecoveryCode, TOTPDevice, User

RECOVERY_CODE_COUNT = 10
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(user: User, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=user.username, issuer_name="Spona")


def qr_svg(uri: str) -> str:
    """The provisioning URI as an inline SVG QR code (no image request, no script)."""
    return str(segno.make(uri, error="m").svg_inline(scale=5, dark="#111", light="#fff"))


def matching_step(secret: str, code: str, *, at: float | None = None) -> int | None:
    """The time step whose code equals ``code`` (one step of clock drift allowed), or None."""
    totp = pyotp.TOTP(secret)
    now = time.time() if at is None else at
    step = totp.timecode(datetime.fromtimestamp(now, tz=UTC))
    code = code.strip().replace(" ", "")
    for candidate in (step, step - 1, step + 1):
        if secrets.compare_digest(totp.generate_otp(candidate), code):
            return candidate
    return None


def current_code(secret: str) -> str:
    return pyotp.TOTP(secret).now()


def device_verify(device: TOTPDevice, code: str) -> bool:
    """Accept a code once: a code already used (or an older one) is refused."""
    step = matching_step(device.secret, code)
    if step is None or step <= device.last_used_step:
        return False
    updated = TOTPDevice.objects.filter(pk=device.pk, last_used_step__lt=step).update(
        last_used_step=step
    )
    return updated == 1


def recovery_codes_issue(user: User) -> list[str]:
    """Replace the user's recovery codes with fresh ones; only hashes are kept."""
    codes = [
        "-".join("".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(5)) for _ in range(2))
        for _ in range(RECOVERY_CODE_COUNT)
    ]
    RecoveryCode.objects.filter(user=user).delete()
    RecoveryCode.objects.bulk_create(
        RecoveryCode(user=user, code_hash=make_password(code)) for code in codes
    )
    return codes


def recovery_code_use(user: User, code: str) -> bool:
    code = code.strip().lower()
    for candidate in RecoveryCode.objects.filter(user=user, used_at__isnull=True):
        if check_password(code, candidate.code_hash):
            return (
                RecoveryCode.objects.filter(pk=candidate.pk, used_at__isnull=True).update(
                    used_at=timezone.now()
                )
                == 1
            )
    return False
