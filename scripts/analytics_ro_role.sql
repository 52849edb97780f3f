-- The read-only role used by fleet-analytics-mcp: analytics_ro.
--
-- Run inside the target database (tracksolid_db) as a superuser or as the owner of the
-- tracksolid and reporting schemas, e.g.:
--   psql -v ON_ERROR_STOP=1 -d tracksolid_db -f scripts/analytics_ro_role.sql
-- or, better, through scripts/bootstrap_analytics_ro.sh, which also sets the password.
--
-- Idempotent: it converges the role to the state below however often it runs.
-- It never sets the password (bootstrap_analytics_ro.sh does, with ALTER ROLE ... PASSWORD
-- :'ro_password' fed through psql's stdin so the secret is never on a command line).
--
-- Optional psql variables (defaults in brackets):
--   statement_timeout [30s]   idle_in_transaction_session_timeout [60s]   connection_limit [10]
--   work_mem [32MB]           temp_file_limit [1GB]
--
-- Defence in depth: the MCP server already runs every query in a READ ONLY transaction
-- behind its SQL guard; this role makes the database itself refuse writes too.

\set ON_ERROR_STOP on
SET client_min_messages = warning;
\if :{?statement_timeout}
\else
  \set statement_timeout 30s
\endif
\if :{?idle_in_transaction_session_timeout}
\else
  \set idle_in_transaction_session_timeout 60s
\endif
\if :{?connection_limit}
\else
  \set connection_limit 10
\endif
\if :{?work_mem}
\else
  \set work_mem 32MB
\endif
\if :{?temp_file_limit}
\else
  \set temp_file_limit 1GB
\endif

-- The schemas the role reads must exist: granting on nothing would "succeed" silently.
DO $$
BEGIN
  IF to_regnamespace('tracksolid') IS NULL OR to_regnamespace('reporting') IS NULL THEN
    RAISE EXCEPTION 'database % has no tracksolid and/or reporting schema; run this in tracksolid_db after the data is loaded', current_database();
  END IF;
END
$$;

-- Create the role once. LOGIN: the MCP server connects as it. No SUPERUSER/CREATEDB/
-- CREATEROLE/REPLICATION/BYPASSRLS: it must not be able to escalate or bypass row security.
-- NOINHERIT: it gets only what is granted to it directly, never privileges through a role
-- someone later makes it a member of.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'analytics_ro') THEN
    CREATE ROLE analytics_ro LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT NOREPLICATION NOBYPASSRLS;
  END IF;
END
$$;
-- Re-assert the attributes in case the role pre-existed with other ones.
ALTER ROLE analytics_ro LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT NOREPLICATION NOBYPASSRLS;
-- Bound the number of sessions the MCP server (or a leak) can hold open.
ALTER ROLE analytics_ro CONNECTION LIMIT :connection_limit;

-- Every transaction starts READ ONLY unless the session explicitly changes it.
ALTER ROLE analytics_ro SET default_transaction_read_only = on;
-- A runaway analytics query is cancelled instead of loading the production database.
ALTER ROLE analytics_ro SET statement_timeout = :'statement_timeout';
-- A client that stalls inside a transaction does not hold locks/snapshots for long.
ALTER ROLE analytics_ro SET idle_in_transaction_session_timeout = :'idle_in_transaction_session_timeout';
-- Do not wait behind a DDL lock forever (e.g. during a REFRESH MATERIALIZED VIEW).
ALTER ROLE analytics_ro SET lock_timeout = '10s';
-- Memory per sort or hash, and temporary files per session: a model's cross join spills to disk
-- until temp_file_limit stops it, instead of filling the disk the production database writes to.
ALTER ROLE analytics_ro SET work_mem = :'work_mem';
-- temp_file_limit may be set for a role only by a superuser: anyone else is told so, and the rest
-- of the script still applies.
SET fam.temp_file_limit = :'temp_file_limit';
DO $$
BEGIN
  EXECUTE format('ALTER ROLE analytics_ro SET temp_file_limit = %L', current_setting('fam.temp_file_limit'));
EXCEPTION WHEN insufficient_privilege THEN
  RAISE WARNING 'temp_file_limit for analytics_ro needs a superuser: run ALTER ROLE analytics_ro SET temp_file_limit = ''%'' as one', current_setting('fam.temp_file_limit');
END
$$;

-- Database level: start from nothing, then allow connecting only. (PUBLIC's default
-- TEMPORARY privilege still applies; a read-only transaction cannot create temp tables,
-- and revoking it from PUBLIC would affect every other role, so it is left to the DBA.)
SELECT current_database() AS fam_db \gset
REVOKE ALL ON DATABASE :"fam_db" FROM analytics_ro;
GRANT CONNECT ON DATABASE :"fam_db" TO analytics_ro;

-- Schema level: may look up objects in the two analytics schemas, never create in them.
REVOKE ALL ON SCHEMA tracksolid, reporting FROM analytics_ro;
GRANT USAGE ON SCHEMA tracksolid, reporting TO analytics_ro;

-- Tables, views, materialized views (and foreign tables): SELECT only. Revoke first so
-- any write privilege granted earlier by hand is removed.
REVOKE ALL ON ALL TABLES IN SCHEMA tracksolid, reporting FROM analytics_ro;
GRANT SELECT ON ALL TABLES IN SCHEMA tracksolid, reporting TO analytics_ro;
-- Sequences are not needed for reading (and nextval() would be a write).
REVOKE ALL ON ALL SEQUENCES IN SCHEMA tracksolid, reporting FROM analytics_ro;

-- The curated reporting.fn_* functions. (Functions are executable by PUBLIC by default;
-- the explicit grant keeps working if a DBA revokes that default.)
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA reporting TO analytics_ro;

-- Objects created later (new views, a new hypertable) become readable without re-running
-- this script: default privileges for the current role and for each schema's owner (they
-- only apply to objects created by that role).
ALTER DEFAULT PRIVILEGES IN SCHEMA tracksolid, reporting GRANT SELECT ON TABLES TO analytics_ro;
ALTER DEFAULT PRIVILEGES IN SCHEMA reporting GRANT EXECUTE ON FUNCTIONS TO analytics_ro;
DO $$
DECLARE
  s record;
BEGIN
  FOR s IN
    SELECT n.nspname, pg_get_userbyid(n.nspowner) AS owner
    FROM pg_namespace n
    WHERE n.nspname IN ('tracksolid', 'reporting') AND n.nspowner <> (SELECT oid FROM pg_roles WHERE rolname = current_user)
  LOOP
    BEGIN
      EXECUTE format('ALTER DEFAULT PRIVILEGES FOR ROLE %I IN SCHEMA %I GRANT SELECT ON TABLES TO analytics_ro', s.owner, s.nspname);
      IF s.nspname = 'reporting' THEN
        EXECUTE format('ALTER DEFAULT PRIVILEGES FOR ROLE %I IN SCHEMA %I GRANT EXECUTE ON FUNCTIONS TO analytics_ro', s.owner, s.nspname);
      END IF;
    EXCEPTION WHEN insufficient_privilege THEN
      RAISE WARNING 'cannot set default privileges for role % (not a member); future objects it creates in % need a GRANT SELECT', s.owner, s.nspname;
    END;
  END LOOP;
END
$$;

-- TimescaleDB (production): its information views help the assistant understand
-- hypertables and continuous aggregates. Only if the extension's schemas exist here.
DO $$
DECLARE
  s text;
BEGIN
  FOREACH s IN ARRAY ARRAY['timescaledb_information'] LOOP
    IF to_regnamespace(s) IS NOT NULL THEN
      EXECUTE format('GRANT USAGE ON SCHEMA %I TO analytics_ro', s);
      EXECUTE format('GRANT SELECT ON ALL TABLES IN SCHEMA %I TO analytics_ro', s);
    END IF;
  END LOOP;
END
$$;

-- Extensions' internals (TimescaleDB's _timescaledb_* schemas, timescaledb_experimental): some of
-- their functions change data or take exclusive locks even in a read-only transaction. Remove any
-- direct grant. PostgreSQL grants EXECUTE on functions to PUBLIC, and no role can be taken out of
-- PUBLIC, so the MCP server's guard is what refuses them (docs/GUARD.md); a DBA who wants this
-- layer too can REVOKE EXECUTE … FROM PUBLIC on those schemas after checking that nothing else
-- relies on it.
DO $$
DECLARE
  s text;
BEGIN
  FOR s IN
    SELECT nspname FROM pg_namespace
    WHERE nspname LIKE '\_timescaledb%' OR nspname = 'timescaledb_experimental'
  LOOP
    EXECUTE format('REVOKE ALL ON SCHEMA %I FROM analytics_ro', s);
    EXECUTE format('REVOKE ALL ON ALL FUNCTIONS IN SCHEMA %I FROM analytics_ro', s);
  END LOOP;
END
$$;

-- Nothing on internal (API keys and other secrets of the ingestion service): remove
-- anything granted directly, in case it was ever granted by mistake.
DO $$
BEGIN
  IF to_regnamespace('internal') IS NOT NULL THEN
    REVOKE ALL ON SCHEMA internal FROM analytics_ro;
    REVOKE ALL ON ALL TABLES IN SCHEMA internal FROM analytics_ro;
    REVOKE ALL ON ALL SEQUENCES IN SCHEMA internal FROM analytics_ro;
    REVOKE ALL ON ALL FUNCTIONS IN SCHEMA internal FROM analytics_ro;
  END IF;
END
$$;

-- Nothing on tables in public either (PostGIS's spatial_ref_sys / geometry_columns stay
-- readable through their own PUBLIC grants, which geometry functions rely on).
REVOKE ALL ON ALL TABLES IN SCHEMA public FROM analytics_ro;
-- Nobody but owners may create objects in public (the PostgreSQL 15 default; restated
-- for clusters upgraded from older versions, where PUBLIC still had CREATE).
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
REVOKE CREATE ON SCHEMA public FROM analytics_ro;

-- Summary for the operator.
SELECT r.rolname AS role, r.rolcanlogin AS login, r.rolsuper AS superuser, r.rolinherit AS inherit,
       r.rolconnlimit AS conn_limit, array_to_string(s.setconfig, ', ') AS settings
FROM pg_roles r
LEFT JOIN pg_db_role_setting s ON s.setrole = r.oid AND s.setdatabase = 0
WHERE r.rolname = 'analytics_ro';
