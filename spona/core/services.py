"""Key rotation: re-encrypt every encrypted field with the newest key."""

from django.apps import apps
from django.db import transaction

from spona.audit.models import AuditAction
from spona.audit.services import audit
from spona.core.fields import encrypted_fields


@transaction.atomic
def keys_rotate() -> int:
    """Re-encrypt all encrypted values with the first key of FIELD_ENCRYPTION_KEYS.

    Reading decrypts with whichever listed key fits; writing encrypts with the first.
    Once this has run, older keys can be removed from the list. Returns the rows rewritten.
    """
    rewritten = 0
    for model in apps.get_models():
        names = encrypted_fields(model)
        if not names:
            continue
        for row in model._default_manager.values("pk", *names).iterator(chunk_size=500):
            pk = row.pop("pk")
            model._default_manager.filter(pk=pk).update(**row)
            rewritten += 1
    audit(AuditAction.KEY_ROTATION, details={"rows": rewritten})
    return rewritten
