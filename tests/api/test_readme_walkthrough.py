"""The README's "first lifter" walkthrough: its curl requests, replayed with the TestClient."""

from __future__ import annotations

import re
import shlex
from pathlib import Path
from typing import Any

from tests.api.client import Api

README = Path(__file__).resolve().parents[2] / "README.md"
SECTION = "## The first lifter, step by step"


def _walkthrough() -> list[str]:
    """The commands of the section's second `sh` block, continuation lines joined."""
    text = README.read_text(encoding="utf-8").split(SECTION, 1)[1].split("\n## ", 1)[0]
    block = re.findall(r"```sh\n(.*?)```", text, flags=re.DOTALL)[1]
    joined = block.replace("\\\n", " ")
    return [line.strip() for line in joined.splitlines() if line.strip() and line[0] != "#"]


def _jq(value: Any, path: str) -> Any:
    """The few `jq -r` paths the walkthrough uses: `.a.b`, `.items[0].id`."""
    for name, index in re.findall(r"\.(\w+)(?:\[(\d+)\])?", path):
        value = value[name]
        if index:
            value = value[int(index)]
    return value


def _curl(api: Api, command: str, env: dict[str, str]) -> Any:
    expanded = re.sub(r"\$(\w+)", lambda m: env[m.group(1)], command)
    args = shlex.split(expanded)
    assert args[0] == "curl", command
    method, headers, body, url = None, {}, None, None
    rest = iter(args[1:])
    for arg in rest:
        if arg == "-s":
            continue
        if arg == "-X":
            method = next(rest)
        elif arg == "-H":
            name, value = next(rest).split(": ", 1)
            headers[name] = value
        elif arg == "-d":
            body = next(rest)
        else:
            url = arg
    assert url is not None
    assert url.startswith(env["API"])
    response = api.client.request(
        method or ("POST" if body is not None else "GET"),
        url.removeprefix(env["API"]),
        headers=headers,
        content=body,
    )
    assert response.is_success, (command, response.text)
    return response.json()


def test_the_readme_walkthrough_creates_a_lifter_and_generates_a_session(make_api: Any) -> None:
    api: Api = make_api(admin_token="change-me")
    env: dict[str, str] = {}
    answers = []
    for line in _walkthrough():
        captured = re.fullmatch(r"(\w+)=\$\((curl .*) \| jq -r (\S+)\)", line)
        assigned = re.fullmatch(r"(\w+)=(.*)", line)
        if captured:
            answer = _curl(api, captured.group(2), env)
            env[captured.group(1)] = str(_jq(answer, captured.group(3).strip("'")))
        elif line.startswith("curl "):
            answers.append(_curl(api, line, env))
        else:
            assert assigned, line
            env[assigned.group(1)] = shlex.split(
                re.sub(r"\$(\w+)", lambda m: env[m.group(1)], assigned.group(2))
            )[0]
    assert env["TOKEN"].startswith("jit_")
    generated = next(a for a in answers if "prescription" in a)
    assert generated["prescription"]["main_lift_sets"]
    tokens = answers[-1]["items"]
    assert [t["device"] for t in tokens] == ["default", "tablet"]
