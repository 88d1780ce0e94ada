"""What a person agreed to, and a guardian's consent for a child under 14 (PIPA Art. 22-2; issue #15).

The models live in `district.models` (a module of their own would import it
and be imported by it); this name is kept for readers and imports. The flows
are in `district.guardians`.
"""

from district.models import Consent, ConsentKind, GuardianConsent, token_hash

__all__ = ["Consent", "ConsentKind", "GuardianConsent", "token_hash"]
