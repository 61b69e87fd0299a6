"""The maths of negotiation: pure functions over numpy arrays (numpy and scipy only).

Utilities of packages, concession curves, offers, the calendar, subgame-perfect play, Pareto
frontiers, bargaining solutions and the closed forms of bargaining theory. Nothing here knows
about scenarios, agents or files; the parts above call these functions.
"""
