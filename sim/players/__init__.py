"""The negotiators' decision rules: strategies and acceptance rules, and the views they decide from.

A strategy or acceptance rule is a small class with a YAML ``name``, a ``citation`` and one
decision method. It decides from the view it is given (``sim.players.views``), never by reaching
into an agent or the model.
"""
