"""The benchmarks and the ranking evaluation of ``cables``.

Its public API, the part the test suite may use: reading topic files and
graded judgments, and scoring a run against them.  Everything else in this
package is the benchmarks' own and may change without notice.
"""

from bench.baselines import read_topics
from bench.metrics import read_qrels, summarise

__all__ = ["read_qrels", "read_topics", "summarise"]
