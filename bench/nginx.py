"""The benchmark's nginx: the repo's configuration (deploy/nginx/), as deployed, in front of a
gunicorn on loopback, with one bench-only change.

The shipped configuration gives the app the socket's address as the client's
(`X-Forwarded-For $remote_addr`) and limits each address on what it answers from its cache
(`limit_req`): right in production, but every wrk connection comes from 127.0.0.1, so the
limits (nginx's and the app's throttles, which stay on at their production rates) would count
the whole benchmark as one client. The bench's variant adds, in the http context, nginx's own
realip module: `real_ip_header X-Client-Address` trusted from 127.0.0.1 only, so the address wrk
sets on each request becomes `$remote_addr` everywhere (limit_req, X-Forwarded-For to the app).
Everything else is the shipped file rendered from its template. The shipped configuration never
trusts a client-sent header.

Rendering: deploy/nginx/render.py (envsubst's rules) with the values below; the main file is
deploy/nginx/nginx.conf, copied with the rendered site into a directory of its own (its
`include`s are relative to it), started with `nginx -c ... -e ... -g "pid ...; daemon off;"`
(and, as root, `user root;`), as the through-proxy tests start it (littlelemon/core/tests/servers.py).
"""

import os
import pwd
import runpy
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy" / "nginx"
NGINX = os.environ.get("NGINX", "nginx")
MIME_TYPES = Path("/etc/nginx/mime.types")
# The header wrk's script sets on every request (bench/wrk.py: read_lua).
CLIENT_ADDRESS_HEADER = "X-Client-Address"
BENCH_ONLY = f"""# bench-only (bench/nginx.py): the client address is the one the load generator sets.
set_real_ip_from 127.0.0.1;
real_ip_header {CLIENT_ADDRESS_HEADER};

"""


def available() -> bool:
    return shutil.which(NGINX) is not None


def render_site(values: dict[str, str]) -> str:
    """The shipped template rendered by the shipped renderer, with the bench's realip lines first."""
    render = runpy.run_path(str(DEPLOY / "render.py"))["render"]
    return BENCH_ONLY + render(values)


def _values(upstream: str, port: int, directory: Path, env: dict[str, str]) -> dict[str, str]:
    """Every variable the template names: the deployment's defaults where it documents them
    (deploy/nginx/render.py's DEFAULTS, if it has them), the server's own paths and sizes."""
    defaults = runpy.run_path(str(DEPLOY / "render.py")).get("DEFAULTS", {})
    return {
        **{name: str(value) for name, value in defaults.items()},
        "NGINX_CACHED_RATE": defaults.get("NGINX_CACHED_RATE", "20r/s"),
        "NGINX_CACHED_BURST": str(defaults.get("NGINX_CACHED_BURST", 40)),
        "NGINX_CLIENT_TIMEOUT": defaults.get("NGINX_CLIENT_TIMEOUT", "10s"),
        "APP_UPSTREAM": upstream,
        "NGINX_PORT": f"127.0.0.1:{port}",
        "STATIC_ROOT": env.get("STATIC_ROOT", str(ROOT / "var" / "staticfiles")),
        "MEDIA_ROOT": env.get("MEDIA_ROOT", str(ROOT / "var" / "media")),
        "NGINX_CACHE_DIR": str(directory / "cache"),
        "NGINX_TEMP_DIR": str(directory / "temp"),
        # No access log kept: a line written to disk per request would be the disk's, not nginx's,
        # cost (the format needs a path; /dev/null takes the write and keeps nothing).
        "NGINX_ACCESS_LOG": "/dev/null",
        "UPLOAD_MAX_BYTES": env.get("UPLOAD_MAX_BYTES", str(10 * 1024 * 1024)),
    }


@contextmanager
def nginx(name: str, upstream: str, port: int, env: dict[str, str], log_dir: Path):
    """nginx on 127.0.0.1:`port` in front of `upstream` (host:port) until the block ends."""
    directory = Path(tempfile.mkdtemp(prefix=f"bench-nginx-{name}-"))
    directory.chmod(0o755)
    (directory / "conf.d").mkdir()
    (directory / "temp").mkdir(mode=0o777)
    (directory / "temp").chmod(0o777)
    shutil.copy(DEPLOY / "nginx.conf", directory / "nginx.conf")
    if MIME_TYPES.exists():
        shutil.copy(MIME_TYPES, directory / "mime.types")
    site = render_site(_values(upstream, port, directory, env))
    (directory / "conf.d" / "littlelemon.conf").write_text(site)
    shutil.copy(directory / "conf.d" / "littlelemon.conf", log_dir / f"nginx-{name}.conf")
    error_log = log_dir / f"nginx-{name}-error.log"
    # As root (a container), the workers run as that user too, as the through-proxy tests do.
    user = f" user {pwd.getpwuid(os.geteuid()).pw_name};" if os.geteuid() == 0 else ""
    command = [
        NGINX,
        "-p",
        str(directory),
        "-c",
        str(directory / "nginx.conf"),
        "-e",
        str(error_log),
        "-g",
        f"pid {directory / 'nginx.pid'}; daemon off;{user}",
    ]
    # nginx reads NGINX from its environment as inherited sockets (a binary upgrade): not ours.
    child_env = {name: value for name, value in os.environ.items() if name != "NGINX"}
    checked = subprocess.run([*command, "-t"], capture_output=True, text=True, env=child_env)
    if checked.returncode != 0:
        raise RuntimeError(f"nginx {name}: the configuration does not load: {checked.stderr.strip()}")
    process = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT, start_new_session=True, env=child_env
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"nginx {name} exited ({process.returncode}); see {error_log.name}")
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"nginx {name} did not listen on {port} within 20 s") from None
                time.sleep(0.1)
        yield f"http://127.0.0.1:{port}"
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGQUIT)  # graceful: the master stops its workers
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        shutil.rmtree(directory, ignore_errors=True)
