"""GIN indexes over the two-character pieces of each person's name and of its pinyin
search key, so that a search by name, pinyin or initials reads the persons who have every
piece of the query, not all of them.

They cost every insert and rename: a name has a few pieces, its pinyin key a dozen or
two. The roster import of 100,000 rows took 20.5 s with them against 14.9 s without
(bench/README.md, "The search by name and pinyin"): an import is rare, a search is every clerk's.

Built by the migration with a plain CREATE INDEX, during which writes to the registry
wait: on 1,000,000 persons about 9 s for the name's and 20 s for the pinyin's (measured on
a copy of the registry's two columns), so migrate a district that large out of hours.

Standard PostgreSQL only (a plain SQL function and GIN's array operators), no extension:
pg_trgm would do the same, but DESIGN.md keeps to what openGauss and KingbaseES also
have. Not on SQLite, which scans (the embedded default holds thousands, not a million).
"""

from django.db import migrations

# Every two adjacent characters but those across a space (no query holds one). Plain SQL,
# no PL/pgSQL or PARALLEL clause: what the PostgreSQL-derived databases also take.
BIGRAMS = """
CREATE OR REPLACE FUNCTION sy_bigrams(t text) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT AS $$
    SELECT array(
        SELECT substr(t, i, 2) FROM generate_series(1, char_length(t) - 1) AS i
        WHERE strpos(substr(t, i, 2), ' ') = 0
    )
$$
"""
INDEXES = [
    "CREATE INDEX care_person_name_bigrams ON care_entitledperson"
    " USING gin (sy_bigrams(lower(name)))",
    "CREATE INDEX care_person_pinyin_bigrams ON care_entitledperson"
    " USING gin (sy_bigrams(search_text))",
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BIGRAMS)
        for index in INDEXES:
            schema_editor.execute(index)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS care_person_pinyin_bigrams")
        schema_editor.execute("DROP INDEX IF EXISTS care_person_name_bigrams")
        schema_editor.execute("DROP FUNCTION IF EXISTS sy_bigrams(text)")


class Migration(migrations.Migration):
    dependencies = [("care", "0006_registry_keyset_index")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
