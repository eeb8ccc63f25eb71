"""deploy/: the offline validators accept the shipped files and reject broken ones, `check --deploy`
is clean under the environment each setup gives the app, and the files keep the promises the docs
make (gunicorn never published, migrations before web, the database cache on Lambda)."""

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from . import deploy_env
from .servers import ROOT

CHECK = ROOT / "deploy" / "check.py"


def _deploy_check(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(CHECK), *args], cwd=ROOT, capture_output=True, text=True, timeout=300, check=False
    )


def test_every_shipped_deployment_file_passes_its_validator(tmp_path):
    # Checked as a copy, the way the broken copies below are: the copying alone breaks nothing.
    result = _deploy_check("--root", str(_broken_copy(tmp_path)))

    assert result.returncode == 0, result.stdout + result.stderr
    assert "deploy-check passed: hadolint, cfn-lint, kubernetes-validate, compose schema, shellcheck" in result.stdout


#: validator -> (file under deploy/, text replaced, replacement): one mistake each would catch.
BREAKAGES = {
    "hadolint": ("Dockerfile", "FROM python:3.11-slim AS run", "FROM python:latest AS run"),
    "cfn-lint": (
        "aws/template.yaml",
        "Handler: config.lambda_handler.handler",
        "Handlr: config.lambda_handler.handler",
    ),
    "kubernetes-validate": ("k8s/web.yaml", "containerPort: 8000", "containerPort: eight-thousand"),
    "compose schema": ("compose.yaml", "service_completed_successfully", "service_finished"),
    "shellcheck": ("entrypoint.sh", 'cd "$(dirname "$0")/.."', "cd $(dirname $0)/.."),
}


def _broken_copy(tmp_path: Path, *validators: str) -> Path:
    shutil.copytree(ROOT / "deploy", tmp_path / "deploy")
    for validator in validators:
        name, text, replacement = BREAKAGES[validator]
        path = tmp_path / "deploy" / name
        original = path.read_text()
        assert text in original, f"{name} no longer contains {text!r}: update BREAKAGES"
        path.write_text(original.replace(text, replacement, 1))
    return tmp_path


def test_a_broken_copy_of_every_file_fails_and_names_each_validator(tmp_path):
    root = _broken_copy(tmp_path, *BREAKAGES)

    result = _deploy_check("--root", str(root))

    assert result.returncode == 1
    assert "deploy-check FAILED: hadolint, cfn-lint, kubernetes-validate, compose schema, shellcheck" in result.stdout


@pytest.mark.parametrize("validator", sorted(BREAKAGES))
def test_one_broken_file_fails_its_own_validator(tmp_path, validator):
    root = _broken_copy(tmp_path, validator)

    broken = _deploy_check("--root", str(root), "--only", validator)

    assert broken.returncode == 1, broken.stdout
    assert f"deploy-check FAILED: {validator}" in broken.stdout


def _check_deploy(env: dict[str, str], tmp_path: Path) -> subprocess.CompletedProcess:
    """`entrypoint.sh manage check --deploy` with only this environment (nothing inherited from the
    test run); a container's folder for Prometheus' files is a temporary one here."""
    clean = {"PATH": str(Path(sys.executable).parent) + ":/usr/bin:/bin", "HOME": str(ROOT)}
    if "PROMETHEUS_MULTIPROC_DIR" in env:
        env = env | {"PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "prometheus")}
    return subprocess.run(
        [str(ROOT / "deploy" / "entrypoint.sh"), "manage", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=clean | env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


SETUPS = {
    "compose web": lambda: deploy_env.compose_environment("web"),
    "compose worker": lambda: deploy_env.compose_environment("worker"),
    "compose migrate": lambda: deploy_env.compose_environment("migrate"),
    "kubernetes": deploy_env.kubernetes_environment,
    "aws with a domain and RDS Proxy": deploy_env.lambda_environment,
    "aws cheapest (no domain, no RDS Proxy)": lambda: deploy_env.lambda_environment(domain_name="", rds_proxy=False),
}


@pytest.mark.parametrize("setup", SETUPS)
def test_check_deploy_is_clean_under_each_setups_environment(setup, tmp_path):
    env = SETUPS[setup]()
    assert env["DJANGO_SETTINGS_MODULE"] == "config.settings.prod"
    assert env.get("DEBUG", "false") == "false"

    result = _check_deploy(env, tmp_path)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_compose_publishes_only_nginx_and_starts_web_after_a_successful_migrate():
    services = deploy_env.compose_file()["services"]

    assert {name for name, service in services.items() if "ports" in service} == {"nginx"}
    assert services["nginx"]["ports"] == ["80:80", "443:443"]
    assert services["web"]["expose"] == ["8000"]
    assert services["web"]["depends_on"]["migrate"] == {"condition": "service_completed_successfully"}
    assert services["migrate"]["command"] == ["migrate"] and services["migrate"]["restart"] == "no"
    assert services["web"]["command"] == ["web"]
    assert "volumes" in services["postgres"] and "healthcheck" in services["postgres"]
    assert all("healthcheck" in services[name] for name in ("postgres", "redis", "web", "worker", "nginx"))
    mounts = services["nginx"]["volumes"]
    assert "./nginx/default.conf.template:/etc/nginx/templates/default.conf.template:ro" in mounts


def test_compose_gives_no_secret_of_its_own_only_the_operators_env_file():
    env = deploy_env.compose_environment("web")
    compose_text = (deploy_env.DEPLOY / "compose.yaml").read_text()

    assert env["SECRET_KEY"] == deploy_env.env_file(deploy_env.DEPLOY / ".env.example")["SECRET_KEY"]
    assert "SECRET_KEY" not in compose_text and "change-me" not in compose_text
    assert env["DATABASE_URL"] == "postgres://littlelemon:change-me-too@postgres:5432/littlelemon"


def test_the_sam_template_runs_the_apig_wsgi_handler_with_the_database_cache_and_secrets_from_secrets_manager():
    template = deploy_env.sam_template()
    resources = template["Resources"]
    variables = template["Globals"]["Function"]["Environment"]["Variables"]
    batch = resources["BatchFunction"]["Properties"]

    assert resources["WebFunction"]["Properties"]["Handler"] == "config.lambda_handler.handler"
    assert resources["WebFunction"]["Properties"]["Events"]["Everything"]["Type"] == "HttpApi"
    assert batch["Handler"] == "config.lambda_handler.handler"
    assert batch["ReservedConcurrentExecutions"] == 1  # one migration at a time
    assert batch["Events"]["NightlyHousekeeping"]["Type"] == "ScheduleV2"
    assert batch["Events"]["NightlyHousekeeping"]["Properties"]["Input"] == '{"manage": ["clearsessions"]}'
    assert "REDIS_URL" not in variables
    assert variables["CACHE_IN_DATABASE"] == "true"
    assert variables["METRICS_ENABLED"] == "false"
    assert "{{resolve:secretsmanager:${DjangoSecret}:SecretString:SECRET_KEY}}" in variables["SECRET_KEY"]["Fn::Sub"]
    assert {resource["Type"] for resource in resources.values()} >= {
        "AWS::Serverless::HttpApi",
        "AWS::RDS::DBProxy",
        "AWS::RDS::DBInstance",
        "AWS::SecretsManager::Secret",
        "AWS::S3::Bucket",
        "AWS::CloudFront::Distribution",
        "AWS::Logs::LogGroup",
        "AWS::CloudWatch::Alarm",
    }
    retention = {
        resource["Properties"]["RetentionInDays"]["Ref"]
        for resource in resources.values()
        if resource["Type"] == "AWS::Logs::LogGroup"
    }
    assert retention == {"LogRetentionDays"}
    alarms = {
        (resource["Properties"]["Namespace"], resource["Properties"]["MetricName"])
        for resource in resources.values()
        if resource["Type"] == "AWS::CloudWatch::Alarm"
    }
    assert {("AWS/ApiGateway", "5xx"), ("AWS/Lambda", "Errors")} <= alarms


def test_the_kubernetes_web_pods_migrate_in_an_init_container_and_probe_health_and_ready():
    import yaml

    documents = list(yaml.safe_load_all((deploy_env.DEPLOY / "k8s" / "web.yaml").read_text()))
    deployment = next(document for document in documents if document["kind"] == "Deployment")
    pod = deployment["spec"]["template"]["spec"]
    (web,) = pod["containers"]

    assert [(container["name"], container["args"]) for container in pod["initContainers"]] == [("migrate", ["migrate"])]
    assert web["args"] == ["web"]
    assert web["livenessProbe"]["httpGet"]["path"] == "/health"
    assert web["readinessProbe"]["httpGet"]["path"] == "/ready"
    assert web["resources"]["requests"] and web["resources"]["limits"]
    host = {header["name"]: header["value"] for header in web["readinessProbe"]["httpGet"]["httpHeaders"]}["Host"]
    assert host in deploy_env.kubernetes_environment()["ALLOWED_HOSTS"].split(",")


def test_compose_runs_the_worker_from_the_same_image_and_environment_after_migrate():
    services = deploy_env.compose_file()["services"]
    worker, web = services["worker"], services["web"]

    assert worker["command"] == ["worker"]
    assert (worker["image"], worker["env_file"]) == (web["image"], web["env_file"])
    assert deploy_env.compose_environment("worker") == {
        name: value
        for name, value in deploy_env.compose_environment("web").items()
        if name != "PROMETHEUS_MULTIPROC_DIR"  # gunicorn's metric files: no server in the worker
    }
    assert worker["depends_on"]["migrate"] == {"condition": "service_completed_successfully"}
    # Its own liveness (a heartbeat), not the image's HTTP check: the worker serves nothing.
    assert worker["healthcheck"]["test"] == ["CMD", "/app/deploy/entrypoint.sh", "worker-healthcheck"]
    assert "ports" not in worker and "expose" not in worker
    assert worker["stop_grace_period"] == "60s"


def _kubernetes(name: str) -> dict:
    import yaml

    (document,) = yaml.safe_load_all((deploy_env.DEPLOY / "k8s" / name).read_text())
    return document


def test_kubernetes_runs_a_worker_deployment_and_ships_a_suspended_cronjob_as_the_alternative():
    worker = _kubernetes("worker.yaml")
    cronjob = _kubernetes("worker-cronjob.yaml")
    (container,) = worker["spec"]["template"]["spec"]["containers"]
    job = cronjob["spec"]["jobTemplate"]["spec"]
    (batch,) = job["template"]["spec"]["containers"]

    assert (worker["kind"], worker["spec"]["replicas"], container["args"]) == ("Deployment", 1, ["worker"])
    assert container["livenessProbe"]["exec"]["command"] == ["/app/deploy/entrypoint.sh", "worker-healthcheck"]
    assert "readinessProbe" not in container and "ports" not in container
    assert worker["spec"]["template"]["spec"]["terminationGracePeriodSeconds"] == 60
    # /tmp (the heartbeat) is writable under the read-only root filesystem.
    assert container["securityContext"]["readOnlyRootFilesystem"] is True
    assert {"name": "tmp", "mountPath": "/tmp"} in container["volumeMounts"]  # noqa: S108 (the pod's emptyDir)
    for pod_container in (container, batch):
        assert pod_container["envFrom"] == [
            {"configMapRef": {"name": "littlelemon-config"}},
            {"secretRef": {"name": "littlelemon-secrets"}},
        ]
    assert (cronjob["kind"], cronjob["spec"]["schedule"], cronjob["spec"]["suspend"]) == ("CronJob", "* * * * *", True)
    assert cronjob["spec"]["concurrencyPolicy"] == "Forbid"
    assert batch["args"] == ["worker-batch", "--max-seconds", "45"]
    assert job["template"]["spec"]["restartPolicy"] == "Never"


def test_the_sam_template_runs_the_batch_worker_every_minute_within_its_timeout():
    resources = deploy_env.sam_template()["Resources"]
    worker = resources["WorkerFunction"]["Properties"]
    schedule = worker["Events"]["EveryMinute"]

    assert worker["Handler"] == "config.lambda_handler.handler"
    assert (schedule["Type"], schedule["Properties"]["ScheduleExpression"]) == ("ScheduleV2", "rate(1 minute)")
    assert schedule["Properties"]["Input"] == '{"worker": "batch"}'
    # The handler keeps WORKER_TASK_SECONDS for the task in hand: the timeout leaves time to take tasks.
    from config.lambda_handler import WORKER_TASK_SECONDS

    assert worker["Timeout"] >= 2 * WORKER_TASK_SECONDS
    # A late tick is dropped, not queued up behind the next.
    assert worker["EventInvokeConfig"] == {"MaximumEventAgeInSeconds": 60, "MaximumRetryAttempts": 0}
    # Not the batch function: its one instance is the release's migration's.
    assert resources["BatchFunction"]["Properties"]["ReservedConcurrentExecutions"] == 1
    assert worker["ReservedConcurrentExecutions"] == 2
    alarmed = [r["Properties"]["Dimensions"] for r in resources.values() if r["Type"] == "AWS::CloudWatch::Alarm"]
    assert [{"Name": "FunctionName", "Value": {"Ref": "WorkerFunction"}}] in alarmed


def test_the_entrypoint_worker_healthcheck_follows_the_heartbeat(tmp_path):
    heartbeat = tmp_path / "heartbeat"
    env = {"PATH": "/usr/bin:/bin", "WORKER_HEARTBEAT_FILE": str(heartbeat), "WORKER_HEARTBEAT_MAX_AGE": "300"}

    def check() -> subprocess.CompletedProcess:
        command = [str(ROOT / "deploy" / "entrypoint.sh"), "worker-healthcheck"]
        return subprocess.run(command, env=env, capture_output=True, text=True, timeout=30, check=False)

    missing = check()
    heartbeat.touch()
    fresh = check()
    old = time.time() - 301
    os.utime(heartbeat, (old, old))
    stale = check()

    assert (missing.returncode, fresh.returncode, stale.returncode) == (1, 0, 1)
    assert "no heartbeat yet" in missing.stderr
    assert "more than 300s" in stale.stderr
