"""The nginx configuration in front of several app servers, written from one template.

``python -m embedlab serve`` writes it for the app processes of one machine; ``serve
--print-nginx-config`` prints it for app servers on several machines, and
``deploy/nginx.conf`` is that output for two loopback servers (a test checks they agree).

What it does: nginx serves Streamlit's frontend (``streamlit/static`` of the installed
package) from disk, and passes to an app server only what one must answer. A visitor stays
on one server by a cookie nginx sets, not by their address, so a class behind one NAT
address is spread over every server.
"""

from __future__ import annotations

import importlib.util
import ipaddress
import os
import re
import tomllib
from pathlib import Path

from embedlab.errors import EmbedLabError

DEPLOY_STATIC_ROOT = "/srv/embedlab/streamlit/static"
DEPLOY_ACCESS_LOG = "/var/log/nginx/embedlab.access.log"
DEFAULT_MAX_UPLOAD_MB = 200  # Streamlit's own default for server.maxUploadSize
# The frontend's file types (nginx's own list lives in /etc/nginx/mime.types; this file stands alone).
MIME_TYPES = (("text/html", "html"), ("text/css", "css"), ("application/javascript", "js mjs"),
              ("application/json", "json map"), ("image/png", "png"), ("image/gif", "gif"),
              ("image/svg+xml", "svg"), ("image/x-icon", "ico"), ("font/woff2", "woff2"), ("font/woff", "woff"),
              ("font/ttf", "ttf"), ("application/wasm", "wasm"), ("text/plain", "txt"))

HEADER = """\
# EmbedLab behind nginx: several `streamlit run app.py` servers; the frontend's files from disk;
# each visitor kept on one server by a cookie nginx sets.
#
# Written by embedlab/cli/serve_config.py. `python -m embedlab serve` runs it in front of one app
# process per core of one machine; for app servers on several machines, print it with their addresses
# (IP:port: nginx knows the server that answered by its address) and put it in nginx's http block:
#
#   python -m embedlab serve --print-nginx-config --port 80 \\
#       --upstream 10.0.0.11:8501 --upstream 10.0.0.12:8501 > /etc/nginx/conf.d/embedlab.conf
#   rm /etc/nginx/sites-enabled/default  # Debian's own site answers on port 80 too
#   nginx -s reload
#
# Every server runs with the same cookie secret and the same run storage (README, "Scale out"):
#
#   EMBEDLAB_RUNS_DIR=s3://bucket/runs streamlit run app.py --server.headless true \\
#       --server.port 8501 --server.cookieSecret "$EMBEDLAB_COOKIE_SECRET"
#
# `root` is Streamlit's frontend: the streamlit/static folder of the servers' Streamlit version
# (index.html names the hashed bundles); the command fills in its own machine's.
#
# deploy/nginx.conf is the output of `python -m embedlab serve --print-nginx-config --port 80
# --upstream 127.0.0.1:8501 --upstream 127.0.0.1:8502 --static-root /srv/embedlab/streamlit/static`
# (tests/cli/test_serve_commands.py checks it; tests/browser/test_replicas.py runs it).
"""


def streamlit_static_dir() -> Path:
    """``streamlit/static`` of the installed Streamlit, found without importing it."""
    spec = importlib.util.find_spec("streamlit")
    if spec is None or not spec.submodule_search_locations:
        raise EmbedLabError("Streamlit is not installed here; install requirements.txt, or give --static-root")
    return Path(list(spec.submodule_search_locations)[0]) / "static"


def max_upload_mb(app_folder: Path) -> int:
    """``server.maxUploadSize`` of the app's ``.streamlit/config.toml``: nginx must let such an upload through."""
    path = app_folder / ".streamlit" / "config.toml"
    if not path.is_file():
        return DEFAULT_MAX_UPLOAD_MB
    with open(path, "rb") as file:
        return int(tomllib.load(file).get("server", {}).get("maxUploadSize", DEFAULT_MAX_UPLOAD_MB))


def check_upstream(address: str) -> str:
    """``IP:port`` (``[IPv6]:port`` too) or an EmbedLabError saying why not."""
    match = re.fullmatch(r"\[?([0-9A-Fa-f.:]+?)\]?:(\d{1,5})", address.strip())
    try:
        host = ipaddress.ip_address(match.group(1)) if match else None
    except ValueError:
        host = None
    if host is None or not 0 < int(match.group(2)) < 65536:
        raise EmbedLabError(f"upstream {address!r} is not IP:port (e.g. 10.0.0.11:8501); nginx names the "
                            "server that answered by its address, so give addresses, not host names")
    return f"[{host}]:{match.group(2)}" if host.version == 6 else f"{host}:{match.group(2)}"


TEMPLATE = """\
# Sticky sessions. A visitor's session (their upload, their live training panel) lives in the memory of
# the server that opened it. A new visitor's first /_stcore/health goes to the next server in turn, and
# its answer sets the cookie embedlab_server to that server's address; every request that carries the
# cookie goes to that server. So a school behind one NAT address is spread over the servers (ip_hash put
# it all on one), and visitors one after another land on different servers.
upstream embedlab_new {
    zone embedlab_new 64k;  # one turn for all of nginx's worker processes
@SERVERS@}

# Requests without a cookie naming a server (the page's first host-config, a browser that refuses
# cookies): by address, as before.
upstream embedlab_any {
    ip_hash;
@SERVERS@}

@GROUPS@
# The cookie picks a server only if its value is one of these addresses: nginx never connects to an
# address read from a cookie.
map $cookie_embedlab_server $embedlab_pinned {
    default            embedlab_any;
@PINNED@}

map $cookie_embedlab_server $embedlab_health {
    default            embedlab_new;
@PINNED@}

# The server that answered: the last address in $upstream_addr (after a retry it lists each one tried).
map $upstream_addr $embedlab_answered {
    default            "";
@ANSWERED@}

map $embedlab_answered $embedlab_set_cookie {
    ""                 "";
    default            "embedlab_server=$embedlab_answered; Path=/; HttpOnly; SameSite=Lax";
}

# The page talks to its server over one WebSocket (/_stcore/stream); pass the upgrade on.
map $http_upgrade $connection_upgrade {
    default upgrade;
    ''      close;
}

log_format embedlab '$remote_addr [$time_local] "$request" $status $body_bytes_sent '
                    'upstream=$upstream_addr cookie=$cookie_embedlab_server';

server {
    listen @LISTEN@;
    root @ROOT@;  # Streamlit's frontend
    access_log @ACCESS_LOG@ embedlab;
    client_max_body_size @MAX_UPLOAD@m;  # .streamlit/config.toml's server.maxUploadSize
    absolute_redirect off;
    charset utf-8;
    types {
@TYPES@    }
    default_type application/octet-stream;
    gzip on;
    gzip_static on;  # file.js.gz beside file.js if someone made one; otherwise compressed on the fly
    gzip_vary on;
    gzip_min_length 1000;
    gzip_types text/css application/javascript application/json image/svg+xml text/plain;

    # For every location below that passes a request on to an app server:
    proxy_http_version 1.1;
    proxy_set_header Host $http_host;  # with the port: Streamlit compares it with the WebSocket's Origin
    proxy_set_header X-Real-IP $remote_addr;
    proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
    proxy_set_header X-Forwarded-Proto $scheme;
    proxy_set_header Upgrade $http_upgrade;
    proxy_set_header Connection $connection_upgrade;
    proxy_request_buffering off;  # an upload streams through to the app server
    proxy_read_timeout 1d;  # a visitor may leave a tab open all day; the session lives as long
    proxy_send_timeout 1d;
    add_header X-EmbedLab-Server $embedlab_answered;  # the app server that answered (none: nginx did)

    # The frontend, from disk. Streamlit answers a path it does not know with index.html (a page URL
    # such as /predict?workspace=x) and redirects /predict/ to /predict, so that the page's relative
    # ./static/ links resolve; so does nginx.
    location / {
        rewrite ^(/[^/].*?)/+$ $1 permanent;
        try_files $uri /index.html;
        add_header Cache-Control "no-cache";
    }

    # Bundles named by a hash of their content: a new Streamlit brings new names.
    location ^~ /static/ {
        try_files $uri /index.html;
        add_header Cache-Control "public, immutable, max-age=31536000";
    }

    # What only an app server can answer, from the visitor's own server.
    # The page's first request to a server: a new visitor gets the next server in turn and the cookie;
    # a visitor whose server is gone gets the next one.
    location = /_stcore/health {
        proxy_pass http://$embedlab_health;
        error_page 502 504 = @embedlab_reassign;
        add_header Set-Cookie $embedlab_set_cookie;
        add_header X-EmbedLab-Server $embedlab_answered;
    }

    location @embedlab_reassign {
        proxy_pass http://embedlab_new;
        add_header Set-Cookie $embedlab_set_cookie;
        add_header X-EmbedLab-Server $embedlab_answered;
    }

    # The WebSocket /_stcore/stream, uploads (/_stcore/upload_file/…), host-config, metrics, Components v2
    # files; also the page's probe of /<page>/_stcore/health for a base path (the server answers 404).
    location ~ /_stcore/ {
        proxy_pass http://$embedlab_pinned;
    }

    # Media (/media/: images, downloads), Components v1 (/component/), the app's own static folder
    # (server.enableStaticServing) and st.login's endpoints.
    location ~ ^/(media|component|app/static|auth)/|^/oauth2callback$ {
        proxy_pass http://$embedlab_pinned;
    }
}
"""


def _listen(address: str, port: int) -> str:
    return str(port) if address in ("", "*") else f"{address}:{port}"


def site_config(upstreams: list[str], port: int = 80, address: str = "", static_root: str | Path = DEPLOY_STATIC_ROOT,
                access_log: str | Path = DEPLOY_ACCESS_LOG, max_upload: int = DEFAULT_MAX_UPLOAD_MB) -> str:
    """The part that goes inside nginx's ``http`` block: the upstreams, the cookie's maps and the server."""
    upstreams = [check_upstream(address) for address in upstreams]
    if not upstreams:
        raise EmbedLabError("nginx needs at least one app server (--upstream IP:PORT)")
    if len(set(upstreams)) != len(upstreams):
        raise EmbedLabError(f"an app server is listed twice: {', '.join(upstreams)}")
    width = max(19, len(upstreams[0]) + 3)
    fill = {
        "@SERVERS@": "".join(f"    server {address};\n" for address in upstreams),
        "@GROUPS@": "".join(f"upstream embedlab_{number} {{ server {address}; }}\n"
                            for number, address in enumerate(upstreams, 1)),
        "@PINNED@": "".join(f'    {chr(34) + address + chr(34):<{width}}embedlab_{number};\n'
                            for number, address in enumerate(upstreams, 1)),
        "@ANSWERED@": "".join(f'    "~(^| ){re.escape(address)}$" "{address}";\n' for address in upstreams),
        "@TYPES@": "".join(f"        {mime:<24} {extensions};\n" for mime, extensions in MIME_TYPES),
        "@LISTEN@": _listen(address, port), "@ROOT@": str(static_root), "@ACCESS_LOG@": str(access_log),
        "@MAX_UPLOAD@": str(max_upload),
    }
    text = TEMPLATE
    for placeholder, value in fill.items():
        text = text.replace(placeholder, value)
    return HEADER + "\n" + text


def nginx_config(site: str, folder: Path, log_dir: Path) -> str:
    """The whole configuration for ``nginx -p folder -c … -g 'daemon off;'``: it writes in folder and log_dir only."""
    user = "user root;  # as root nginx's workers would otherwise run as nobody, who cannot read the static files\n"
    temp_paths = "".join(f"    {kind}_temp_path {folder / (kind + '_temp')};\n"
                         for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    indented = "".join(f"    {line}\n" if line else "\n" for line in site.splitlines())
    return ((user if os.geteuid() == 0 else "")
            + f"worker_processes auto;\npid {folder / 'nginx.pid'};\nerror_log {log_dir / 'nginx-error.log'} warn;\n"
            "events { worker_connections 1024; }\n\nhttp {\n    sendfile on;\n    tcp_nopush on;\n"
            + temp_paths + "\n" + indented + "}\n")
