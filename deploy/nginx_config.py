"""Render the nginx templates in deploy/nginx/ for a server, or for a loopback smoke test.

    # Debian: the site, its TLS settings and the port-80 redirect, then `nginx -t`
    python -m deploy.nginx_config production --server-name clinic.example \\
        --upstream 127.0.0.1:8001 --static-root /srv/clinic-portal/static \\
        --media-root /srv/clinic-portal/media \\
        --certificate /etc/letsencrypt/live/clinic.example/fullchain.pem \\
        --certificate-key /etc/letsencrypt/live/clinic.example/privkey.pem --etc /etc/nginx

    # behind a layer-7 load balancer: its addresses (comma-separated), whose X-Forwarded-For
    # and X-Forwarded-Proto nginx then believes; with either kind
    ... --trusted-balancers 10.0.0.0/24,10.0.1.5

    # that file alone, for a compose.yaml behind a balancer (mount it at NGINX_BALANCERS_CONF)
    python -m deploy.nginx_config balancers --trusted-balancers 10.0.0.0/24 \
        --out deploy/nginx/balancers.conf

    # a whole configuration for nginx on loopback (deploy/run_local.py does this itself)
    python -m deploy.nginx_config loopback --port 8080 --upstream 127.0.0.1:8001 \\
        --static-root static_collected --media-root media --out /tmp/clinic-nginx

Templates name their blanks ``${NGINX_...}``, as the nginx image's envsubst expects, so the
same files serve compose.yaml. A blank left unfilled, or a value given for no blank, is an
error: a half-rendered configuration never reaches nginx.
"""

from __future__ import annotations

import argparse
import ipaddress
import os
import pwd
import re
from collections.abc import Mapping, Sequence
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parent / "nginx"
SITE_TEMPLATE = "clinic-portal.conf.template"
TLS_TEMPLATE = "tls.conf.template"
REDIRECT_TEMPLATE = "https-redirect.conf.template"
LOOPBACK_TEMPLATE = "loopback-nginx.conf.template"
BALANCERS_TEMPLATE = "balancers.conf.template"
PLAIN_HTTP = TEMPLATES / "plain-http.conf"
# balancers.conf.template with no balancer, for compose.yaml (whose nginx image fills in the
# site's blanks but renders no list): tests/test_deploy_config.py keeps the two alike.
NO_BALANCER = TEMPLATES / "no-balancer.conf"
# Subfolders of the loopback state folder nginx needs for its temporary files.
LOOPBACK_TEMP_DIRS = ("body", "proxy", "fastcgi", "uwsgi", "scgi")

BLANK = re.compile(r"\$\{(NGINX_[A-Z0-9_]+)\}")


class TemplateError(ValueError):
    """A template's blanks and the values given do not match."""


def render(template: str, values: Mapping[str, str]) -> str:
    """The template with every ``${NGINX_...}`` blank replaced by its value."""
    blanks = set(BLANK.findall(template))
    missing = sorted(blanks - set(values))
    unused = sorted(set(values) - blanks)
    if missing or unused:
        raise TemplateError(
            f"missing values: {missing or 'none'}; unused values: {unused or 'none'}"
        )
    return BLANK.sub(lambda match: values[match.group(1)], template)


def render_template(name: str, values: Mapping[str, str]) -> str:
    return render((TEMPLATES / name).read_text(encoding="utf-8"), values)


def balancer_networks(addresses: Sequence[str]) -> list[str]:
    """Each trusted balancer's address or network (``10.0.0.5``, ``10.0.0.0/24``,
    ``2001:db8::/64``), checked and written as nginx reads it; anything else is refused, so
    no text but an address reaches the configuration."""
    networks = []
    for address in addresses:
        try:
            networks.append(str(ipaddress.ip_network(address.strip(), strict=False)))
        except ValueError as error:
            raise TemplateError(f"not an address or network: {address!r}") from error
    return networks


def render_balancers(trusted_balancers: Sequence[str]) -> str:
    """balancers.conf.template for these addresses (none: nothing a client sends is believed)."""
    networks = balancer_networks(trusted_balancers)
    return render_template(
        BALANCERS_TEMPLATE,
        {
            "NGINX_REAL_IP_FROM": "".join(f"set_real_ip_from {n};\n" for n in networks),
            "NGINX_BALANCER_GEO": "".join(f"    {n} 1;\n" for n in networks),
        },
    )


def site_values(
    *,
    listen: str,
    server_name: str,
    upstream: str,
    static_root: Path,
    media_root: Path,
    tls_conf: Path,
    balancers_conf: Path,
) -> dict[str, str]:
    return {
        "NGINX_LISTEN": listen,
        "NGINX_SERVER_NAME": server_name,
        "NGINX_UPSTREAM": upstream,
        "NGINX_STATIC_ROOT": str(static_root).rstrip("/"),
        "NGINX_MEDIA_ROOT": str(media_root).rstrip("/"),
        "NGINX_TLS_CONF": str(tls_conf),
        "NGINX_BALANCERS_CONF": str(balancers_conf),
    }


def write_production(
    etc: Path,
    *,
    server_name: str,
    upstream: str,
    static_root: Path,
    media_root: Path,
    certificate: Path,
    certificate_key: Path,
    trusted_balancers: Sequence[str] = (),
) -> list[Path]:
    """Debian's layout under ``etc`` (``/etc/nginx``): the site and the port-80 redirect in
    ``sites-available/`` (link them into ``sites-enabled/``), TLS and the trusted balancers
    in ``snippets/``."""
    tls = etc / "snippets" / "clinic-portal-tls.conf"
    balancers = etc / "snippets" / "clinic-portal-balancers.conf"
    site = etc / "sites-available" / "clinic-portal"
    redirect = etc / "sites-available" / "clinic-portal-redirect"
    contents = {
        tls: render_template(
            TLS_TEMPLATE,
            {
                "NGINX_TLS_CERTIFICATE": str(certificate),
                "NGINX_TLS_CERTIFICATE_KEY": str(certificate_key),
            },
        ),
        balancers: render_balancers(trusted_balancers),
        site: render_template(
            SITE_TEMPLATE,
            site_values(
                listen="443 ssl http2",
                server_name=server_name,
                upstream=upstream,
                static_root=static_root,
                media_root=media_root,
                tls_conf=tls,
                balancers_conf=balancers,
            ),
        ),
        redirect: render_template(REDIRECT_TEMPLATE, {"NGINX_SERVER_NAME": server_name}),
    }
    for path, text in contents.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return list(contents)


def write_loopback(
    state_dir: Path,
    *,
    port: int,
    upstream: str,
    static_root: Path,
    media_root: Path,
    trusted_balancers: Sequence[str] = (),
) -> Path:
    """A whole nginx configuration in ``state_dir`` listening on 127.0.0.1:``port``, plain
    HTTP; returns the main file (``nginx -c``)."""
    state_dir = state_dir.resolve()
    for name in LOOPBACK_TEMP_DIRS:
        (state_dir / "nginx-temp" / name).mkdir(parents=True, exist_ok=True)
    balancers = state_dir / "balancers.conf"
    balancers.write_text(render_balancers(trusted_balancers), encoding="utf-8")
    site = state_dir / "clinic-portal.conf"
    site.write_text(
        render_template(
            SITE_TEMPLATE,
            site_values(
                listen=f"127.0.0.1:{port}",
                server_name="127.0.0.1 localhost",
                upstream=upstream,
                static_root=static_root.resolve(),
                media_root=media_root.resolve(),
                tls_conf=PLAIN_HTTP,
                balancers_conf=balancers,
            ),
        ),
        encoding="utf-8",
    )
    main = state_dir / "nginx.conf"
    main.write_text(
        render_template(
            LOOPBACK_TEMPLATE,
            {
                "NGINX_STATE_DIR": str(state_dir),
                "NGINX_SITE_CONF": str(site),
                "NGINX_USER": pwd.getpwuid(os.geteuid()).pw_name,
            },
        ),
        encoding="utf-8",
    )
    return main


def nginx_command(main_conf: Path, *extra: str) -> list[str]:
    """``nginx`` run in the foreground on that configuration, its early errors in the state
    folder rather than Debian's /var/log/nginx."""
    state_dir = main_conf.parent
    return [
        "nginx",
        "-c",
        str(main_conf),
        "-p",
        str(state_dir),
        "-e",
        str(state_dir / "nginx-error.log"),
        "-g",
        "daemon off;",
        *extra,
    ]


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    kinds = parser.add_subparsers(dest="kind", required=True)
    production = kinds.add_parser("production", help="Debian's /etc/nginx layout, with TLS")
    production.add_argument("--server-name", required=True)
    production.add_argument("--certificate", type=Path, required=True)
    production.add_argument("--certificate-key", type=Path, required=True)
    production.add_argument("--etc", type=Path, default=Path("/etc/nginx"))
    loopback = kinds.add_parser("loopback", help="a whole configuration on 127.0.0.1")
    loopback.add_argument("--port", type=int, required=True)
    loopback.add_argument("--out", type=Path, required=True)
    balancers = kinds.add_parser("balancers", help="the trusted balancers' file alone")
    balancers.add_argument("--out", type=Path, required=True)
    for kind in (production, loopback):
        kind.add_argument("--upstream", default="127.0.0.1:8001", help="gunicorn's address")
        kind.add_argument("--static-root", type=Path, required=True)
        kind.add_argument("--media-root", type=Path, required=True)
    for kind in (production, loopback, balancers):
        kind.add_argument(
            "--trusted-balancers",
            type=lambda value: [item for item in value.split(",") if item.strip()],
            default=[],
            help="load balancers' addresses or networks, comma-separated, whose "
            "X-Forwarded-For and X-Forwarded-Proto are believed (default: none)",
        )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    if args.kind == "production":
        written = write_production(
            args.etc,
            server_name=args.server_name,
            upstream=args.upstream,
            static_root=args.static_root,
            media_root=args.media_root,
            certificate=args.certificate,
            certificate_key=args.certificate_key,
            trusted_balancers=args.trusted_balancers,
        )
    elif args.kind == "balancers":
        args.out.write_text(render_balancers(args.trusted_balancers), encoding="utf-8")
        written = [args.out]
    else:
        written = [
            write_loopback(
                args.out,
                port=args.port,
                upstream=args.upstream,
                static_root=args.static_root,
                media_root=args.media_root,
                trusted_balancers=args.trusted_balancers,
            )
        ]
    for path in written:
        print(path)


if __name__ == "__main__":
    main()
