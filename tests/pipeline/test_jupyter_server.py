"""A real Jupyter server runs a notebook of notebooks/: the test starts ``jupyter server`` on a free
port with a token and a temporary root folder, opens a session (and so a kernel) through its REST
API, reads the validation notebook through the contents API, and executes its first cells with the
bundled partnership plan through the kernel's websocket; the outputs are what the same code gives
when run directly in the test's own process. The server is shut down in the fixture, whatever
happens."""

from __future__ import annotations

import ast
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib import request

import pytest

from evaluation.resources import NOTEBOOKS_DIR, PIPELINES_DIR

pytestmark = pytest.mark.slow

NOTEBOOK = "01-validation.ipynb"
STARTUP_SECONDS = 120
CELL_SECONDS = 300


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Server:
    url: str
    token: str
    root: Path

    def call(self, method: str, path: str, body: dict | None = None) -> dict | list | None:
        data = None if body is None else json.dumps(body).encode("utf-8")
        sent = request.Request(f"{self.url}{path}", data=data, method=method)
        sent.add_header("Authorization", f"token {self.token}")
        sent.add_header("Content-Type", "application/json")
        with request.urlopen(sent, timeout=60) as answer:
            text = answer.read().decode("utf-8")
        return json.loads(text) if text else None


@pytest.fixture
def jupyter_server(tmp_path: Path) -> Iterator[Server]:
    """``jupyter server`` on a free port of 127.0.0.1, with a token, `tmp_path/root` as its root and
    its configuration, data and runtime folders in `tmp_path`; stopped (and killed if need be) after
    the test."""
    root, home = tmp_path / "root", tmp_path / "jupyter"
    root.mkdir()
    port, token = _free_port(), secrets.token_hex(24)
    environment = os.environ | {
        "JUPYTER_CONFIG_DIR": str(home / "config"),
        "JUPYTER_DATA_DIR": str(home / "data"),
        "JUPYTER_RUNTIME_DIR": str(home / "runtime"),
        "JUPYTER_PLATFORM_DIRS": "1",
        "MPLBACKEND": "Agg",
        "GX_ANALYTICS_ENABLED": "false",
    }
    command = [
        sys.executable, "-m", "jupyter_server", "--no-browser", "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}",
    ]  # fmt: skip
    if hasattr(os, "geteuid") and os.geteuid() == 0:  # CI containers run as root, which the server refuses by default
        command.append("--allow-root")
    log = (tmp_path / "server.log").open("wb")
    process = subprocess.Popen(command, env=environment, stdout=log, stderr=subprocess.STDOUT, cwd=root)
    server = Server(f"http://127.0.0.1:{port}", token, root)
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while True:
            assert process.poll() is None, (tmp_path / "server.log").read_text(errors="replace")
            try:
                server.call("GET", "/api/status")
                break
            except OSError:
                assert time.monotonic() < deadline, "the Jupyter server did not answer in time"
                time.sleep(0.5)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=30)
        log.close()


def _run_cell(socket_, session: str, code: str) -> list[dict]:
    """Execute `code` through the kernel's websocket; returns the iopub outputs of that request
    (stream, display_data, execute_result, error) once the kernel is idle again and replied."""
    msg_id = uuid.uuid4().hex
    socket_.send(
        json.dumps(
            {
                "header": {
                    "msg_id": msg_id, "msg_type": "execute_request", "session": session, "username": "test",
                    "version": "5.3", "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                },
                "parent_header": {}, "metadata": {}, "channel": "shell", "buffers": [],
                "content": {"code": code, "silent": False, "store_history": True, "user_expressions": {},
                            "allow_stdin": False, "stop_on_error": True},
            }
        )
    )  # fmt: skip
    outputs, idle, replied = [], False, None
    deadline = time.monotonic() + CELL_SECONDS
    while not (idle and replied):
        assert time.monotonic() < deadline, f"no answer to {code!r}"
        message = json.loads(socket_.recv())
        if message.get("parent_header", {}).get("msg_id") != msg_id:
            continue
        kind = message["header"]["msg_type"]
        if kind == "status" and message["content"]["execution_state"] == "idle":
            idle = True
        elif kind == "execute_reply":
            replied = message["content"]
        elif kind in ("stream", "display_data", "execute_result", "error"):
            outputs.append(message | {"kind": kind})
    assert replied["status"] == "ok", [o["content"] for o in outputs if o["kind"] == "error"]
    return outputs


def test_a_jupyter_server_runs_the_validation_notebook_as_the_code_runs_directly(jupyter_server, tmp_path):
    import websocket

    from evaluation import steps

    shutil.copy(NOTEBOOKS_DIR / NOTEBOOK, jupyter_server.root / NOTEBOOK)
    listed = jupyter_server.call("GET", "/api/contents")
    assert NOTEBOOK in [entry["name"] for entry in listed["content"]]
    notebook = jupyter_server.call("GET", f"/api/contents/{NOTEBOOK}?content=1")["content"]
    code = [cell["source"] for cell in notebook["cells"] if cell["cell_type"] == "code"]
    assert "parameters" in next(c for c in notebook["cells"] if c["cell_type"] == "code")["metadata"]["tags"]

    session = jupyter_server.call(
        "POST", "/api/sessions", {"path": NOTEBOOK, "type": "notebook", "name": "", "kernel": {"name": "python3"}}
    )
    kernel = session["kernel"]["id"]
    assert kernel in [k["id"] for k in jupyter_server.call("GET", "/api/kernels")]
    out_dir = tmp_path / "out"
    parameters = f"plan_path = {str(PIPELINES_DIR / 'partnership.yaml')!r}\nout_dir = {str(out_dir)!r}"
    channels = f"/api/kernels/{kernel}/channels?session_id={session['id']}"
    connection = websocket.create_connection(
        jupyter_server.url.replace("http://", "ws://") + channels,
        header=[f"Authorization: token {jupyter_server.token}"],
        timeout=CELL_SECONDS,
    )
    try:
        ws_session = uuid.uuid4().hex
        assert _run_cell(connection, ws_session, parameters) == []
        _run_cell(connection, ws_session, code[1])  # the notebook's set-up: steps.setup(plan_path, out_dir)
        programme = _run_cell(connection, ws_session, "run.plan.programme, run.language")
        validated = _run_cell(connection, ws_session, code[2])  # steps.validation.validate(run)
        shutdown = _run_cell(connection, ws_session, "import os; os.getpid()")
    finally:
        connection.close()
    kernel_pid = int(shutdown[0]["content"]["data"]["text/plain"])
    assert kernel_pid != os.getpid()  # the kernel is the server's process, not this one
    jupyter_server.call("DELETE", f"/api/sessions/{session['id']}")
    assert jupyter_server.call("GET", "/api/sessions") == []

    # The same code, run directly here on the folder the kernel wrote.
    run = steps.setup(PIPELINES_DIR / "partnership.yaml", out_dir)
    shown_value = [ast.literal_eval(o["content"]["data"]["text/plain"]) for o in programme]  # IPython wraps lines
    assert shown_value == [(run.plan.programme, run.language)]
    direct = steps.validation.validate(run)
    shown = [o["content"]["data"] for o in validated if o["kind"] == "display_data"]
    assert len(shown) == 1 == len(direct.tables)
    assert shown[0]["text/html"] == direct.tables[0]._repr_html_()
    summary = direct.tables[0]
    assert len(summary) and {"exam_results", "schools"} <= set(summary["table"])  # the partnership's tables
