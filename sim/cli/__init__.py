"""The ``negsim`` command line: the only argument parser and the only place that prints."""

from sim.cli.commands import main

__all__ = ["main"]
