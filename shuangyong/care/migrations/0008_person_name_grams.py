"""The search's indexes (0007) over pieces of one (names only), two and three characters,
not two only: a search of three or more characters asks for its rarest pieces of three
(``care.pieces``), which far fewer persons hold than any piece of two, and a search by
one character of a name is read from the index too.

On a million persons (bench/README.md, "Pieces of three"), the query of the search by
full name spent 17–19 ms in the index with every piece of two and 0.9 ms with the rarest
pieces of three; by full pinyin 47 ms and 1.4 ms; by a character nobody's name has, a
1.1 s scan and 0.6 ms. The price is about twice the pieces per person: the name's index
grows from 28 to 47 MB per million persons, the pinyin key's from 32 to 65 MB, and the
roster import of 100,000 rows took 45 s instead of 41 s.

Built by the migration with a plain CREATE INDEX, during which writes to the registry
wait: on 1,000,000 persons 62 s for the name's and 112 s for the pinyin's on a 2-core
machine, so migrate a district that large out of hours. Standard PostgreSQL only, as
0007 says.
"""

import importlib

from django.db import migrations

# Every one (if ``shortest`` is 1), two and three adjacent characters but those with a
# space (no query holds one). Plain SQL, no PL/pgSQL or PARALLEL clause: what
# PostgreSQL-derived databases take.
GRAMS = """
CREATE OR REPLACE FUNCTION sy_grams(t text, shortest integer) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT AS $$
    SELECT array(
        SELECT substr(t, i, 1) FROM generate_series(1, char_length(t)) AS i
        WHERE shortest = 1 AND substr(t, i, 1) <> ' '
        UNION ALL
        SELECT substr(t, i, 2) FROM generate_series(1, char_length(t) - 1) AS i
        WHERE strpos(substr(t, i, 2), ' ') = 0
        UNION ALL
        SELECT substr(t, i, 3) FROM generate_series(1, char_length(t) - 2) AS i
        WHERE strpos(substr(t, i, 3), ' ') = 0
    )
$$
"""
# The names care.pieces asks the statistics of. A name's single characters too (a
# search by one character of a given name); not the pinyin's single letters, which
# every person has.
INDEXES = [
    "CREATE INDEX care_person_name_grams ON care_entitledperson"
    " USING gin (sy_grams(lower(name), 1))",
    "CREATE INDEX care_person_pinyin_grams ON care_entitledperson"
    " USING gin (sy_grams(search_text, 2))",
]
bigrams = importlib.import_module("shuangyong.care.migrations.0007_person_name_bigrams")


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(GRAMS)
        for index in INDEXES:
            schema_editor.execute(index)
        bigrams.drop(apps, schema_editor)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        bigrams.create(apps, schema_editor)
        schema_editor.execute("DROP INDEX IF EXISTS care_person_pinyin_grams")
        schema_editor.execute("DROP INDEX IF EXISTS care_person_name_grams")
        schema_editor.execute("DROP FUNCTION IF EXISTS sy_grams(text, integer)")


class Migration(migrations.Migration):
    dependencies = [("care", "0007_person_name_bigrams")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
