"""TensorFlow settings that make training and evaluation as reproducible as TensorFlow allows.

DIET's weights depend on the order in which floating-point sums are taken. What changes that
order from one machine to the next, and what is pinned here:

* oneDNN kernels (on by default for x86 in TensorFlow 2.12) are chosen at run time for the CPU's
  instruction set (AVX2, AVX-512, ...): off (``TF_ENABLE_ONEDNN_OPTS=0``), so the same Eigen
  kernels run everywhere;
* thread pools split work by the number of cores: two intra-op and two inter-op threads
  whatever the machine has (the project's machines have two cores, so this costs nothing
  here). Rasa reads ``TF_INTRA_OP_PARALLELISM_THREADS`` / ``TF_INTER_OP_PARALLELISM_THREADS``;
* ops with a non-deterministic implementation: ``TF_DETERMINISTIC_OPS=1``;
* Python's hash seed (set and dict order in featurizers): ``PYTHONHASHSEED=0``.

What cannot be pinned from outside: Eigen sizes its matrix blocks from the CPU's cache sizes,
so two CPUs with different caches may still sum in a different order (differences in the last
digits). The safety promise does not rest on those digits (``formats.danger`` catches every
emergency by rule), and the gate's margin on macro-F1 is far larger than they are.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Mapping

REPRODUCIBLE_TF = {
    "TF_ENABLE_ONEDNN_OPTS": "0",
    "TF_DETERMINISTIC_OPS": "1",
    "TF_INTRA_OP_PARALLELISM_THREADS": "2",
    "TF_INTER_OP_PARALLELISM_THREADS": "2",
    "OMP_NUM_THREADS": "2",
    "PYTHONHASHSEED": "0",
}


def reproducible_env(base: Mapping[str, str]) -> dict[str, str]:
    """``base`` with the pinned settings, for a training or evaluation subprocess."""
    return {**base, **REPRODUCIBLE_TF}


def pin_tensorflow() -> None:
    """Pin this process (call before TensorFlow is imported; PYTHONHASHSEED only binds children)."""
    os.environ.update(REPRODUCIBLE_TF)


def settings_digest() -> str:
    """A short name for these settings (a model trained under others is another model)."""
    return hashlib.sha256(json.dumps(REPRODUCIBLE_TF, sort_keys=True).encode()).hexdigest()[:12]
