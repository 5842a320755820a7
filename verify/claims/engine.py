"""Former home of the claim runner; the names live in :mod:`.runner`, :mod:`.records`,
:mod:`.counterexamples` and :mod:`.user`."""

from .counterexamples import COUNTEREXAMPLE_SCHEMA, replay, write_counterexample  # noqa: F401
from .records import ClaimResult, InstanceRecord, evaluate_instance  # noqa: F401
from .runner import run_claim  # noqa: F401
from .user import user_inequality  # noqa: F401
