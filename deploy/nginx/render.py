"""Render deploy/nginx/default.conf.template the way the official nginx image does (envsubst).

    python deploy/nginx/render.py > /etc/nginx/conf.d/littlelemon.conf   # values from the environment

Only `${NAME}` placeholders are the template's variables; nginx's own `$variables` are written
without braces and left as they are, which is what envsubst does when given the names it may
replace. Every placeholder must have a value: a missing one is an error, never an empty string.
"""

import os
import re
import sys
from collections.abc import Mapping
from pathlib import Path
from string import Template

TEMPLATE = Path(__file__).with_name("default.conf.template")
_PLACEHOLDER = re.compile(r"\$\{([A-Z_][A-Z0-9_]*)\}")


def variables(text: str) -> set[str]:
    return set(_PLACEHOLDER.findall(text))


def render(values: Mapping[str, str], template: Path = TEMPLATE) -> str:
    text = template.read_text()
    missing = sorted(name for name in variables(text) if not str(values.get(name, "")).strip())
    if missing:
        raise KeyError(f"{template.name} needs a value for: {', '.join(missing)}")
    return Template(text).safe_substitute({name: str(values[name]) for name in variables(text)})


if __name__ == "__main__":
    try:
        sys.stdout.write(render(os.environ))
    except KeyError as error:
        sys.exit(str(error.args[0]))
