"""Many intakes in, one result (or error record) per line out, on worker processes."""

from .runner import BatchSummary, default_workers, format_for, run_batch

__all__ = ["BatchSummary", "default_workers", "format_for", "run_batch"]
