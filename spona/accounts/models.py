"""Users (one institution, one role each), their second factors and their API tokens."""

from collections.abc import Iterator

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from spona.core.fields import EncryptedTextField
from spona.core.locking import VersionedModel
from spona.core.roles import Role as Role
from spona.institutions.models import Institution
from spona.institutions.roles import role_title

#: the session hashes made in this process, by what each is made of (two HMACs of the
#: password's stored hash, about thirty Python calls on every request); a pure function of its
#: key, so no process can hold one that is out of date; emptied when it holds this many
_SESSION_HASHES: dict[tuple[str, int, str], str] = {}
_SESSION_HASHES_KEPT = 1024


class User(VersionedModel, AbstractUser):
    """A professional of one institution, acting in one role.

    Someone with two roles (say, a case manager who is also the institution admin) has
    two accounts, so that every audit entry names the role the action was taken in.
    """

    institution = models.ForeignKey(
        Institution,
        verbose_name=_("institution"),
        on_delete=models.PROTECT,
        related_name="users",
        null=True,
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    #: the language of the user's e-mails, and of the site after they sign in
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    must_change_password = models.BooleanField(default=False)
    #: failed sign-in attempts since the last successful sign-in (shown to the admin)
    failed_sign_ins = models.PositiveIntegerField(default=0)
    last_failed_sign_in_at = models.DateTimeField(null=True, blank=True)
    #: raised to end every session of the account (a password or second-factor reset)
    session_generation = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["username"]
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def _with_generation(self, session_hash: str) -> str:
        if not self.session_generation:
            return session_hash  # sessions from before the field existed stay valid
        value = f"{session_hash}:{self.session_generation}"
        return salted_hmac(
            "spona.accounts.session_generation", value, algorithm="sha256"
        ).hexdigest()

    def get_session_auth_hash(self) -> str:
        """Django's hash (it changes with the password), and the session generation: a
        session whose stored hash no longer matches is ended at its next request.

        Asked on every request to check the session; kept by what it is made of (the
        password's stored hash, the generation, the secret key), so a changed password,
        generation or key is made anew, never answered from before (``_SESSION_HASHES``)."""
        made_of = (self.password, self.session_generation, settings.SECRET_KEY)
        session_hash = _SESSION_HASHES.get(made_of)
        if session_hash is None:
            session_hash = self._with_generation(super().get_session_auth_hash())
            if len(_SESSION_HASHES) >= _SESSION_HASHES_KEPT:
                _SESSION_HASHES.clear()
            _SESSION_HASHES[made_of] = session_hash
        return session_hash

    def get_session_auth_fallback_hash(self) -> Iterator[str]:
        for session_hash in super().get_session_auth_fallback_hash():
            yield self._with_generation(session_hash)

    @property
    def role_title(self) -> str:
        """The role as this user's institution calls it (a police case manager: duty officer)."""
        return role_title(self.role, self.institution.type if self.institution else None)

    @property
    def repeated_sign_in_failures(self) -> bool:
        """Enough failures in a row that sign-in is being delayed: worth the admin's look."""
        return self.failed_sign_ins >= int(settings.LOGIN_FREE_FAILURES)


class TOTPDevice(models.Model):
    """An authenticator app (RFC 6238). The shared secret is encrypted at rest."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="totp_device")
    secret = EncryptedTextField()
    confirmed_at = models.DateTimeField(null=True)
    last_used_step = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"TOTP for user {self.user_id}"


class RecoveryCode(models.Model):
    """A one-time code for when the phone is lost; only its hash is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="recovery_codes")
    code_hash = models.CharField(max_length=128)
    used_at = models.DateTimeField(null=True)

    def __str__(self) -> str:
        return f"recovery code {self.pk}"


class ApiToken(models.Model):
    """A bearer token for other systems. Only a hash is stored; it expires."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(max_length=8, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))
    last_used_at = models.DateTimeField(null=True)
    revoked_at = models.DateTimeField(null=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.name})"

    @property
    def is_usable(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()
