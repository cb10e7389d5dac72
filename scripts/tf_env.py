"""TensorFlow settings that make training and evaluation as reproducible as TensorFlow allows.

DIET's weights depend on the order in which floating-point sums are taken, and 80 epochs amplify
a difference in the last digit: two trainings of this project's data that differed only in the
CPU kernels used gave 77 of 1,952 test lines another intent and confidences up to 0.35 apart
(`scripts/compare_models.py`, 2026-12-05). What changes that order from one machine to the next,
and what is pinned here (each measured on this project's 2-core AMD EPYC machines):

* oneDNN picks its kernels at run time for the CPU's instruction set, both for TensorFlow's
  oneDNN graph rewrites (``TF_ENABLE_ONEDNN_OPTS=0`` turns them off) and for the matrix products
  Eigen hands to oneDNN even then: capping the instruction set at AVX (as an older CPU would)
  moved confidences by 4e-7 after 3 epochs. ``ONEDNN_MAX_CPU_ISA=AVX2`` gives an AVX-512
  machine the kernels of an AVX2 one; on an AVX2 machine it changes nothing (bit-identical
  models with and without it);
* thread pools split work by the number of cores: two intra-op and two inter-op threads
  whatever the machine has (the project's machines have two cores, so this costs nothing
  here). Rasa reads ``TF_INTRA_OP_PARALLELISM_THREADS`` / ``TF_INTER_OP_PARALLELISM_THREADS``;
* ops with a non-deterministic implementation: ``TF_DETERMINISTIC_OPS=1``;
* Python's hash seed (set and dict order in featurizers): ``PYTHONHASHSEED=0``.

With these, two trainings on one machine give bit-identical models. What cannot be pinned from
outside: Eigen sizes its matrix blocks from the CPU's cache sizes, and a CPU without AVX2 runs
other kernels, so such machines may still differ in the last digits. The safety promise does not
rest on those digits: ``formats.danger`` catches every emergency of the test sets by rule.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Mapping

REPRODUCIBLE_TF = {
    "TF_ENABLE_ONEDNN_OPTS": "0",
    "ONEDNN_MAX_CPU_ISA": "AVX2",
    "TF_DETERMINISTIC_OPS": "1",
    "TF_INTRA_OP_PARALLELISM_THREADS": "2",
    "TF_INTER_OP_PARALLELISM_THREADS": "2",
    "OMP_NUM_THREADS": "2",
    "PYTHONHASHSEED": "0",
}


# Rasa's usage telemetry (to segment.io) is on by default: nothing the hotline runs sends any.
OFFLINE = {"RASA_TELEMETRY_ENABLED": "false"}


def reproducible_env(base: Mapping[str, str]) -> dict[str, str]:
    """``base`` with the pinned settings, for a training or evaluation subprocess, and Rasa's
    telemetry off."""
    return {**base, **REPRODUCIBLE_TF, **OFFLINE}


def pin_tensorflow() -> None:
    """Pin this process (call before TensorFlow is imported; PYTHONHASHSEED only binds children)."""
    os.environ.update(REPRODUCIBLE_TF)


def settings_digest() -> str:
    """A short name for these settings (a model trained under others is another model)."""
    return hashlib.sha256(json.dumps(REPRODUCIBLE_TF, sort_keys=True).encode()).hexdigest()[:12]
