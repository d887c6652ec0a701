"""The organisation tree and the one place that decides who may see or manage what."""
