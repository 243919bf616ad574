"""Many intakes in, one result (or error record) per line out, on worker processes."""

from .output import AtomicOutput, same_file
from .runner import BatchStopped, BatchSummary, StopRequest, default_workers, format_for, read_intakes, run_batch

__all__ = ["AtomicOutput", "BatchStopped", "BatchSummary", "StopRequest", "default_workers", "format_for", "read_intakes", "run_batch",
           "same_file"]
