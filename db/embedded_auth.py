"""The embedded PostgreSQL's password: random, kept in the data folder, required on connect.

pgserver initialises the cluster with `trust` authentication, so anything that can reach its
socket (another local user, an unisolated run) would be superuser. On first start we set a
random password, keep it in `<data dir>/pg-password` (mode 0600) and make every connection
prove it (scram-sha-256). The socket lives in the cluster's own folder, which initdb makes
private (0700) to the server's user.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import psycopg
from sqlalchemy import make_url

PASSWORD_FILE = "pg-password"
HBA = (
    "# Written by Mini-Agent: every connection must give the password in pg-password.\n"
    "local all all scram-sha-256\n"
    "host all all 127.0.0.1/32 scram-sha-256\n"
    "host all all ::1/128 scram-sha-256\n"
)


def stored_password(data_dir: Path) -> str:
    """The password kept in the data folder, created (0600, random) on first use."""
    path = data_dir / PASSWORD_FILE
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        path.chmod(0o600)  # a copy restored with looser permissions is tightened again
        return path.read_text().strip()
    with os.fdopen(fd, "w") as f:
        f.write(secrets.token_urlsafe(32))
    return path.read_text().strip()


def require_password(url: str, pgdata: Path, data_dir: Path) -> str:
    """Make the server at `url` require the stored password; return the URL carrying it."""
    password = stored_password(data_dir)
    with_password = make_url(url).set(password=password)
    hba = pgdata / "pg_hba.conf"
    if hba.read_text() != HBA:
        trusted = make_url(url).set(drivername="postgresql")
        conninfo = trusted.render_as_string(hide_password=False)
        with psycopg.connect(conninfo, autocommit=True) as connection:
            connection.execute(f"ALTER USER postgres PASSWORD '{password}'")
            hba.write_text(HBA)
            connection.execute("SELECT pg_reload_conf()")
    return with_password.render_as_string(hide_password=False)
