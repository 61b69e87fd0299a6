"""Monte Carlo batches: chunks, the engines that run them, and the storage of their results.

``chunks`` is the one place a model is built, run, read and released.
"""
