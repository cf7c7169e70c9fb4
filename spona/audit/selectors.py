"""Reading the audit log back: chain verification."""

from dataclasses import dataclass

from spona.audit.models import AuditEvent
from spona.audit.services import GENESIS_HASH


@dataclass(frozen=True)
class ChainReport:
    checked: int
    broken_at: int | None = None
    reason: str = ""
    head_hash: str = GENESIS_HASH

    @property
    def ok(self) -> bool:
        return self.broken_at is None


def audit_chain_verify() -> ChainReport:
    """Walk the log in order; report the first event whose content or link is wrong. Events
    written before issue 14 verify with the hash they were written with (``hash_version``
    ``None``); an older version after a newer one is itself a break."""
    expected_prev, expected_seq, checked = GENESIS_HASH, 1, 0
    covers_all = False  # once an event's hash covers every column, every later one's does
    for event in AuditEvent.objects.order_by("seq").iterator(chunk_size=2000):
        if event.hash_version is None and covers_all:
            return ChainReport(checked, event.seq, "hash version lowered", expected_prev)
        covers_all = event.hash_version is not None
        if event.seq != expected_seq:
            return ChainReport(checked, expected_seq, "missing event (deleted?)", expected_prev)
        if event.prev_hash != expected_prev:
            return ChainReport(
                checked, event.seq, "link to the previous event broken", expected_prev
            )
        if event.compute_hash() != event.hash:
            return ChainReport(
                checked, event.seq, "content changed after it was written", expected_prev
            )
        expected_prev, expected_seq, checked = event.hash, expected_seq + 1, checked + 1
    return ChainReport(checked, head_hash=expected_prev)
