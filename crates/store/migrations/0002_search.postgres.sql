-- Text search on PostgreSQL: a trigram GIN index, which LIKE '%…%' uses directly. The extension
-- lives in public so that every schema (and every test schema) shares one copy; pg_trgm is a
-- trusted extension, so a database owner may create it.
-- Schemas migrated side by side on a database without it (the tests' first run) would both
-- create it, and the second fail on the catalogue's unique index: the lock makes them take
-- turns (held until this migration commits).
SELECT pg_advisory_xact_lock(7406120002);
CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public;

CREATE INDEX cases_search_trgm ON cases USING gin (search_text public.gin_trgm_ops);
