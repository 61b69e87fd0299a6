"""Chandrupatla's bracketing method: known roots, jumps, unbracketed elements, fewer steps."""

import numpy as np
import pytest

from sim.maths.roots import bracketed_root


def counted(function):
    """``function`` as an ``excess``, counting how many points it was asked for."""
    calls = []

    def excess(x, rows):
        calls.append(len(rows))
        return function(x, rows)

    return excess, calls


def test_roots_of_smooth_functions_to_the_tolerance_in_few_steps():
    # Chandrupatla (1997), table 1 style: x^3 - a, exp(x) - b and a falling cosine.
    targets = np.array([2.0, 27.0, 0.5])
    truths = np.array([2 ** (1 / 3), 3.0, np.log(0.5) + 2.0])

    def function(x, rows):
        values = np.empty_like(x)
        kind = rows
        values[kind == 0] = x[kind == 0] ** 3 - 2.0
        values[kind == 1] = x[kind == 1] ** 3 - 27.0
        values[kind == 2] = np.exp(x[kind == 2] - 2.0) - targets[2]
        return values

    excess, calls = counted(function)
    low, high = np.zeros(3), np.full(3, 4.0)
    everything = np.arange(3)
    ends, values = bracketed_root(
        excess, low, high, function(low, everything), function(high, everything)
    )
    closed = (np.abs(ends[:, 0] - ends[:, 1]) < 1e-12) | (values == 0).any(axis=1)
    assert closed.all()
    nearest = ends[np.arange(3), np.abs(values).argmin(axis=1)]
    assert nearest == pytest.approx(truths, abs=1e-11)
    assert (np.sign(values[:, 0]) * np.sign(values[:, 1]) <= 0).all()
    assert len(calls) < 20  # bisection needs 42 steps for 1e-12 from a width of 4


def test_a_jump_keeps_a_bracket_around_it_and_ends_by_bisection():
    jump = np.array([0.3, 1.1])

    def step(x, rows):
        return np.where(x < jump[rows], 1.0, -1.0)

    low, high = np.zeros(2), np.full(2, np.pi / 2)
    ends, values = bracketed_root(step, low, high, np.ones(2), -np.ones(2))
    assert (values[:, 0] * values[:, 1] < 0).all()
    assert (ends.min(axis=1) <= jump).all()
    assert (ends.max(axis=1) >= jump).all()
    assert np.abs(ends[:, 0] - ends[:, 1]).max() < 1e-12


def test_elements_without_a_sign_change_are_returned_as_given():
    excess, calls = counted(lambda x, rows: x + 1.0)
    ends, values = bracketed_root(
        excess, np.zeros(2), np.ones(2), np.array([1.0, 0.0]), np.array([2.0, 1.0])
    )
    assert calls == []
    assert ends.tolist() == [[0.0, 1.0], [0.0, 1.0]]
    assert values.tolist() == [[1.0, 2.0], [0.0, 1.0]]


def test_no_more_elements_are_evaluated_than_there_are():
    scale = np.array([1.0, 1e6])

    def function(x, rows):
        return scale[rows] * (1.0 - x)

    excess, calls = counted(function)
    bracketed_root(excess, np.zeros(2), np.full(2, 3.0), scale, -2 * scale)
    assert calls[0] == 2
    assert all(count <= 2 for count in calls)


def test_open_elements_are_picked_out_once_no_more_than_half_are_open():
    # Two elements have their root at the first point tried (the middle) and close at once; the
    # two with a jump stay open, and from then on only they are evaluated, as the same array.
    jump = np.array([0.5, 0.5, 0.3, 0.7])
    seen = []

    def excess(x, rows):
        seen.append(rows)
        return np.where(x < jump[rows], 1.0, np.where(x == jump[rows], 0.0, -1.0))

    ends, values = bracketed_root(excess, np.zeros(4), np.ones(4), np.ones(4), -np.ones(4))
    assert seen[0].tolist() == [0, 1, 2, 3]
    assert all(rows.tolist() == [2, 3] for rows in seen[1:])
    assert all(rows is seen[1] for rows in seen[1:])
    assert (values[:2] == 0).any(axis=1).all()
    assert np.abs(ends[2:, 0] - ends[2:, 1]).max() < 1e-12
