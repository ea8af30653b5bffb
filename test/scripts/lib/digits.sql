-- test/scripts/lib/digits.sql: \i'd by scripted tests (run from the
-- repository root).  Temporary table digits(id, digit, px): the bundled 8x8
-- digits (test/data/digits.csv, 1797 rows in file order, id from 1), their
-- class 0-9, pixels / 16.
CREATE TEMP TABLE raw (line text);
\copy raw FROM 'test/data/digits.csv' WITH (FORMAT text)
CREATE TEMP TABLE digits AS
SELECT n AS id, p[65]::int AS digit, (SELECT array_agg(v::float8 / 16 ORDER BY o) FROM unnest(p[1:64]) WITH ORDINALITY u(v, o)) AS px
FROM (SELECT row_number() OVER () AS n, string_to_array(line, ',') AS p FROM raw WHERE line NOT LIKE 'p0,%') s;
