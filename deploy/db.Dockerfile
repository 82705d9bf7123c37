# The database: PostGIS 3.4 on PostgreSQL 15 (Debian), with pgRouting for the inspectors' routes on the street
# network (licensing/routing.py, docs/decisions/027). The same Debian packages `make` installs locally.
FROM postgis/postgis:15-3.4
RUN apt-get update \
 && apt-get install -y --no-install-recommends postgresql-15-pgrouting \
 && rm -rf /var/lib/apt/lists/*
