"""Custody look-up: "is the offender detained, released, transferred, removed?".

``records`` (a custody record, the matching rules, validation), ``providers`` (the synthetic
sample file, or a real feed over HTTP, chosen by configuration) and ``lookup`` (the look-up the
API serves).
"""
