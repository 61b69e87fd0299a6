"""The negotiation as a Mesa model: the model, its agents, third parties, events and outcomes.

A batch of N runs is one ``NegotiationModel`` whose agents hold arrays of length N.
"""
