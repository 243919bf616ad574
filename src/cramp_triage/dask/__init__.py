"""cramp-triage on Dask, for inputs past one machine (``pip install 'cramp-triage[dask]'``).

- ``triage_partitions(ddf)``: a dask DataFrame of intakes -> a dask DataFrame of flat result
  columns (``RESULT_COLUMNS``), one ``Triager`` per worker process, built once.
- ``run_batch_dask(IN, OUT, client)``: what ``cramp-triage batch --dask`` runs.
- ``diff_corpus_on_dask(OLD, NEW, corpus, ...)``: what ``rules diff --corpus --dask`` runs.

``import cramp_triage`` never imports this package (nor dask, nor pyarrow).
"""

from .batch import connect, run_batch_dask
from .diff import diff_corpus_on_dask
from .frame import RESULT_COLUMNS, triage_partitions

__all__ = ["RESULT_COLUMNS", "connect", "diff_corpus_on_dask", "run_batch_dask", "triage_partitions"]
