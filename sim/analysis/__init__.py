"""Numbers from tables: summaries, inference, comparisons, sweeps, sensitivity, traces.

Tables in, tables out; no charts, no files written.
"""
