"""Serve the page of ``negsim explore`` on 127.0.0.1 with Solara's own server (Starlette, Uvicorn).

Nothing is fetched from the network: the front end comes from the ``solara-assets`` package and
Solara's usage statistics are switched off.
"""

from __future__ import annotations

import os
import socket
from pathlib import Path

from sim.errors import UsageError

HOST = "127.0.0.1"
"""The page is only reachable from this machine."""


def free_port(host: str = HOST) -> int:
    """A port on ``host`` that nothing listens on now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        return probe.getsockname()[1]


def check_installed() -> None:
    """Refuse early, with the install command, when the ``explore`` extra is missing.

    Raises:
        UsageError: Solara or the front-end assets are not installed.
    """
    from importlib.util import find_spec

    missing = [name for name in ("solara", "solara_assets", "uvicorn") if find_spec(name) is None]
    if missing:
        raise UsageError(
            f"the page needs {', '.join(missing)}: pip install -e '.[explore]' (or make explore)"
        )


def serve(scenario: Path, port: int, save_dir: Path | None = None, runs: int = 1_000) -> None:
    """Serve the page for ``scenario`` on ``127.0.0.1:port`` until interrupted (Ctrl-C).

    Args:
        scenario: The scenario file the page opens.
        port: The port to listen on.
        save_dir: Where "save as variant" writes (the scenario's folder when ``None``).
        runs: The number of runs the page starts with.
    """
    from sim.explore import page

    os.environ[page.SCENARIO_VARIABLE] = str(scenario.resolve())
    os.environ[page.SAVE_VARIABLE] = str(save_dir.resolve()) if save_dir else ""
    os.environ[page.RUNS_VARIABLE] = str(runs)
    os.environ["SOLARA_APP"] = "sim.explore.page"
    os.environ["SOLARA_TELEMETRY_MIXPANEL_ENABLE"] = "False"
    os.environ.setdefault("MPLBACKEND", "Agg")
    import uvicorn

    config = uvicorn.Config(
        "solara.server.starlette:app", host=HOST, port=port, log_level="warning", lifespan="on"
    )
    uvicorn.Server(config).run()
