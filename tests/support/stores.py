"""The stores the Python tests (tests/clients, tests/qgis) use: SpatiaLite files, or PostGIS databases of the
tests' throwaway cluster ($ANTTMAP_TEST_PG) when $ANTT_TEST_STORE is "postgis" (ctest's *_postgis entries).

A location is what `anttmap --db` takes: a path or a postgresql:// URI. Tests make stores with `new_store` and
`sample_copy`, and speak to them as a foreign client would (sqlite3, or libpq through psycopg2) with `plain_sql`.
"""
import os
import shutil
import sqlite3
import subprocess
import uuid

import pytest

KIND = os.environ.get("ANTT_TEST_STORE", "spatialite")
if KIND not in ("spatialite", "postgis"):
    raise RuntimeError(f"ANTT_TEST_STORE is spatialite or postgis, not {KIND}")


def is_postgis(location):
    return str(location).startswith(("postgresql://", "postgres://"))


def cluster_uri():
    uri = os.environ.get("ANTTMAP_TEST_PG")
    if not uri:
        if os.environ.get("CI"):
            pytest.fail("CI has no PostgreSQL cluster ($ANTTMAP_TEST_PG is not set)")
        pytest.skip("no PostgreSQL cluster: set ANTTMAP_TEST_PG (scripts/pg-cluster.sh start DIR)")
    return uri


def database_uri(cluster, name):
    scheme, rest = cluster.split("://", 1)
    authority, path = rest.split("/", 1)
    query = path.split("?", 1)[1] if "?" in path else ""
    return f"{scheme}://{authority}/{name}" + (f"?{query}" if query else "")


def psql(uri, sql):
    done = subprocess.run(["psql", uri, "-v", "ON_ERROR_STOP=1", "-Atqc", sql], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def new_database(template="anttmap_template"):
    """A new database of the cluster copied from `template` (PostGIS already in it); its URI."""
    name = "anttmap_py_" + uuid.uuid4().hex[:12]
    psql(cluster_uri(), f"CREATE DATABASE {name} TEMPLATE {template}")
    return database_uri(cluster_uri(), name)


def drop_database(location):
    name = location.split("://", 1)[1].split("/", 1)[1].split("?", 1)[0]
    psql(cluster_uri(), f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


class Stores:
    """Makes the tests' stores and drops the PostGIS ones at the end (the `stores` fixture)."""

    def __init__(self, anttmap, folder):
        self.anttmap, self.folder = anttmap, folder
        self.databases = []
        self.sample_file = None
        self.sample_template = None

    def new_store(self, path):
        """An empty store's location: `path` itself, or a new database when the tests run on PostGIS."""
        if KIND == "spatialite":
            return path
        self.databases.append(new_database())
        return self.databases[-1]

    def sample_copy(self, path):
        """A fresh copy of the sample province at `path` (or in a new database), as `anttmap sample` makes it."""
        if KIND == "spatialite":
            shutil.copy(self._sample_file(), path)
            return path
        self.databases.append(new_database(self._sample_template()))
        return self.databases[-1]

    def _sample_file(self):
        """The sample as a SpatiaLite file (made once)."""
        if self.sample_file is None:
            self.sample_file = self.folder / "sample.sqlite"
            subprocess.run([self.anttmap, "--db", str(self.sample_file), "--quiet", "sample"], check=True)
        return self.sample_file

    def _sample_template(self):
        """A database holding the sample that nobody connects to (CREATE DATABASE copies only such a one)."""
        if self.sample_template is None:
            if psql(cluster_uri(), "SELECT count(*) FROM pg_database WHERE datname = 'anttmap_sample'") == "1":
                self.sample_template = "anttmap_sample"  # ctest's (tests/support/make-sample-stores.sh)
            else:
                uri = new_database()
                self.databases.append(uri)
                subprocess.run([self.anttmap, "--quiet", "copy", "--from", str(self._sample_file()), "--to", uri],
                               check=True)
                self.sample_template = uri.split("://", 1)[1].split("/", 1)[1].split("?", 1)[0]
        return self.sample_template

    def drop_all(self):
        for location in reversed(self.databases):
            drop_database(location)


def plain_sql(location, statement, parameters=(), many=False):
    """Runs one statement as a foreign client (no anttmap in between) in its own transaction; the rows it returns.
    Parameters are written `?` (sqlite3's style) for both stores."""
    if not is_postgis(location):
        with sqlite3.connect(str(location)) as connection:
            cursor = connection.executemany(statement, parameters) if many else connection.execute(statement,
                                                                                                     parameters)
            return cursor.fetchall()
    import psycopg2  # Debian's python3-psycopg2 (libpq)

    connection = psycopg2.connect(location)
    try:
        with connection, connection.cursor() as cursor:
            statement = statement.replace("?", "%s")
            if many:
                cursor.executemany(statement, parameters)
            else:
                cursor.execute(statement, parameters)
            return cursor.fetchall() if cursor.description else []
    finally:
        connection.close()
