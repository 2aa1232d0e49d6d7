-- Text search on PostgreSQL: a trigram GIN index, which LIKE '%…%' uses directly. The extension
-- lives in public so that every schema (and every test schema) shares one copy; pg_trgm is a
-- trusted extension, so a database owner may create it.
CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public;

CREATE INDEX cases_search_trgm ON cases USING gin (search_text public.gin_trgm_ops);
