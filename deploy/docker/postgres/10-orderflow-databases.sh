#!/bin/sh
# Runs once, when the Postgres container initialises an empty data directory
# (mounted into /docker-entrypoint-initdb.d/). One database and one role per service,
# and one for the schema registry: the role owns its database (its migrations create
# the tables at start-up), cannot create databases or roles, and no other role may
# connect to it.
# Passwords come from the environment (see .env.example); they are bound as psql
# variables, so they are quoted as literals and never spliced into the SQL text.
set -eu

psql --no-psqlrc -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
  -v orders_password="${ORDERS_DB_PASSWORD:?}" \
  -v payments_password="${PAYMENTS_DB_PASSWORD:?}" \
  -v shipping_password="${SHIPPING_DB_PASSWORD:?}" \
  -v notifications_password="${NOTIFICATIONS_DB_PASSWORD:?}" \
  -v registry_password="${REGISTRY_DB_PASSWORD:?}" <<'SQL'
create role orders login nosuperuser nocreatedb nocreaterole noreplication password :'orders_password';
create role payments login nosuperuser nocreatedb nocreaterole noreplication password :'payments_password';
create role shipping login nosuperuser nocreatedb nocreaterole noreplication password :'shipping_password';
create role notifications login nosuperuser nocreatedb nocreaterole noreplication password :'notifications_password';
create role registry login nosuperuser nocreatedb nocreaterole noreplication password :'registry_password';

create database orders owner orders;
create database payments owner payments;
create database shipping owner shipping;
create database notifications owner notifications;
create database registry owner registry;

revoke all on database orders from public;
revoke all on database payments from public;
revoke all on database shipping from public;
revoke all on database notifications from public;
revoke all on database registry from public;
SQL
