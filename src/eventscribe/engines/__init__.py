"""Engines: run the pipeline's stage functions on several processes or on a Ray cluster.

``local`` fans batches out to a pool of worker processes on one machine; ``ray`` runs the same
batches on Ray Data actors. Both give exactly the Findings of ``pipeline.iter_findings``, in
input order, and only the calling process writes to the store. Ray itself is imported only
when the Ray engine runs, so ``import eventscribe`` never pays for it.
"""

from eventscribe.engines.local import iter_findings_parallel, run_into_parallel
from eventscribe.engines.ray import iter_findings_ray, read_parquet_findings, run_ray

__all__ = [
    "iter_findings_parallel",
    "iter_findings_ray",
    "read_parquet_findings",
    "run_into_parallel",
    "run_ray",
]
