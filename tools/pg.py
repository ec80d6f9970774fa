"""Small PostgreSQL chores for the project's scripts (no psql needed).

    pg.py drop NAME [NAME ...]       drop databases, closing their connections first
    pg.py installed DB MODULE        exit 0 when MODULE is installed in DB, 1 otherwise

Connection settings come from PGHOST, PGPORT, PGUSER and PGPASSWORD.
"""

import sys

import psycopg2
from psycopg2 import sql


def _connect(dbname):
    conn = psycopg2.connect(dbname=dbname, connect_timeout=10)
    conn.autocommit = True
    return conn


def drop(names):
    conn = _connect("postgres")
    try:
        with conn.cursor() as cr:
            for name in names:
                cr.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                    " WHERE datname = %s AND pid != pg_backend_pid()",
                    (name,),
                )
                cr.execute(
                    sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name))
                )
    finally:
        conn.close()


def installed(dbname, module):
    conn = _connect("postgres")
    try:
        with conn.cursor() as cr:
            cr.execute("SELECT 1 FROM pg_database WHERE datname = %s", (dbname,))
            if not cr.fetchone():
                return False
    finally:
        conn.close()
    conn = _connect(dbname)
    try:
        with conn.cursor() as cr:
            cr.execute("SELECT state FROM ir_module_module WHERE name = %s", (module,))
            row = cr.fetchone()
            return bool(row and row[0] == "installed")
    except psycopg2.Error:
        return False
    finally:
        conn.close()


def main(argv):
    if len(argv) >= 2 and argv[0] == "drop":
        drop(argv[1:])
    elif len(argv) == 3 and argv[0] == "installed":
        sys.exit(0 if installed(argv[1], argv[2]) else 1)
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
