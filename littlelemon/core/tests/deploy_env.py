"""The environment each deployment file gives the app, read from the files themselves (never
copied into the tests): deploy/compose.yaml with deploy/.env.example, the Kubernetes ConfigMap and
Secret example, and the SAM template's function environment.
"""

import re
from pathlib import Path
from typing import Any

import yaml
from django.conf import settings

DEPLOY = Path(settings.BASE_DIR) / "deploy"

_INTERPOLATION = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")


def env_file(path: Path) -> dict[str, str]:
    """KEY=VALUE lines as compose reads them (comments and blank lines skipped)."""
    values = {}
    for line in path.read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#") and "=" in line:
            name, value = line.split("=", 1)
            values[name.strip()] = value.strip()
    return values


def compose_file() -> dict[str, Any]:
    return yaml.safe_load((DEPLOY / "compose.yaml").read_text())


def compose_environment(service: str) -> dict[str, str]:
    """The variables compose gives `service`: its env_file, then its `environment` with `${VAR}`
    interpolated from the project's .env. The shipped .env.example stands for the operator's .env."""
    definition = compose_file()["services"][service]
    dotenv = env_file(DEPLOY / ".env.example")
    result: dict[str, str] = {}
    files = definition.get("env_file", [])
    for name in [files] if isinstance(files, str) else files:
        assert name == ".env", f"{service}: env_file {name!r} is not the one .env.example documents"
        result |= dotenv
    for name, value in (definition.get("environment") or {}).items():
        result[name] = _INTERPOLATION.sub(lambda match: dotenv[match.group(1)], str(value))
    return result


def kubernetes_environment() -> dict[str, str]:
    """What `envFrom` gives the web pods: the ConfigMap's data and the example Secret's."""
    configmap = yaml.safe_load((DEPLOY / "k8s" / "configmap.yaml").read_text())
    secret = yaml.safe_load((DEPLOY / "k8s" / "secret.example.yaml").read_text())
    return {**configmap["data"], **secret["stringData"]}


class _CloudFormationLoader(yaml.SafeLoader):
    """Reads CloudFormation's short tags (!Sub, !If, !Ref, ...) as {"Fn::...": value}."""


def _tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> dict[str, Any]:
    name = "Ref" if suffix == "Ref" else f"Fn::{suffix}"
    if isinstance(node, yaml.ScalarNode):
        value: Any = loader.construct_scalar(node)
        if suffix == "GetAtt":
            value = value.split(".", 1)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)
    return {name: value}


_CloudFormationLoader.add_multi_constructor("!", _tag)


def sam_template() -> dict[str, Any]:
    return yaml.load((DEPLOY / "aws" / "template.yaml").read_text(), Loader=_CloudFormationLoader)  # noqa: S506 (a SafeLoader subclass)


#: What CloudFormation would put in place of references at deploy time (examples, not secrets).
_DEPLOYED = {
    "AWS::Region": "eu-west-1",
    "AWS::StackName": "littlelemon",
    "FilesBucket": "littlelemon-filesbucket-1a2b3c",
    "FilesDistribution.DomainName": "d1234abcd.cloudfront.net",
    "DatabaseProxy.Endpoint": "littlelemon-proxy.proxy-abc.eu-west-1.rds.amazonaws.com",
    "Database.Endpoint.Address": "littlelemon.abc.eu-west-1.rds.amazonaws.com",
    "DjangoSecret": "arn:aws:secretsmanager:eu-west-1:123456789012:secret:django",
    "DatabaseSecret": "arn:aws:secretsmanager:eu-west-1:123456789012:secret:database",
}
_RESOLVED = {"SECRET_KEY": "k" * 20 + "resolved-from-secrets-manager-at-deploy-time-" + "0123456789" * 2}


def _evaluate(value: Any, template: dict[str, Any], conditions: dict[str, bool], deployed: dict[str, str]) -> str:
    if isinstance(value, str):
        return value
    (function, argument), *_ = value.items()
    if function == "Ref":
        return deployed.get(argument) or str(template["Parameters"][argument].get("Default", ""))
    if function == "Fn::GetAtt":
        return deployed[".".join(argument)]
    if function == "Fn::If":
        condition, when_true, when_false = argument
        return _evaluate(when_true if conditions[condition] else when_false, template, conditions, deployed)
    if function == "Fn::Sub":
        text = _INTERPOLATION_DOTTED.sub(lambda match: deployed[match.group(1)], argument)
        return _DYNAMIC_REFERENCE.sub(lambda match: _RESOLVED.get(match.group(1), "resolved-password"), text)
    raise AssertionError(f"no evaluation for {function}")


_INTERPOLATION_DOTTED = re.compile(r"\$\{([A-Za-z_:][A-Za-z0-9_:.]*)\}")
_DYNAMIC_REFERENCE = re.compile(r"\{\{resolve:secretsmanager:.+?:SecretString:([A-Za-z_]+)\}\}")


def lambda_environment(*, domain_name: str = "order.littlelemon.example", rds_proxy: bool = True) -> dict[str, str]:
    """The functions' environment as the SAM template's Globals give it once deployed."""
    template = sam_template()
    conditions = {"HasDomainName": bool(domain_name), "WithRdsProxy": rds_proxy, "HasAlarmEmail": False}
    deployed = {**_DEPLOYED, "DomainName": domain_name}
    variables = template["Globals"]["Function"]["Environment"]["Variables"]
    return {name: _evaluate(value, template, conditions, deployed) for name, value in variables.items()}
