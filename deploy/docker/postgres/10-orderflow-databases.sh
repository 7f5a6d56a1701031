#!/bin/sh
# Runs once, when the Postgres container initialises an empty data directory
# (mounted into /docker-entrypoint-initdb.d/). One database per service, with two
# roles: <service> owns the database and runs its migrations at start-up;
# <service>_app is the role the service runs as, which its migrations grant only
# SELECT/INSERT/UPDATE/DELETE on its tables (SELECT/INSERT on the event store) — no DDL.
# The schema registry has one role, owning its database. No role can create databases
# or roles, and no other role may connect to a database.
# Passwords come from the environment (see .env.example); they are bound as psql
# variables, so they are quoted as literals and never spliced into the SQL text.
set -eu

psql --no-psqlrc -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
  -v orders_password="${ORDERS_DB_PASSWORD:?}" \
  -v orders_app_password="${ORDERS_APP_DB_PASSWORD:?}" \
  -v payments_password="${PAYMENTS_DB_PASSWORD:?}" \
  -v payments_app_password="${PAYMENTS_APP_DB_PASSWORD:?}" \
  -v shipping_password="${SHIPPING_DB_PASSWORD:?}" \
  -v shipping_app_password="${SHIPPING_APP_DB_PASSWORD:?}" \
  -v notifications_password="${NOTIFICATIONS_DB_PASSWORD:?}" \
  -v notifications_app_password="${NOTIFICATIONS_APP_DB_PASSWORD:?}" \
  -v registry_password="${REGISTRY_DB_PASSWORD:?}" <<'SQL'
create role orders login nosuperuser nocreatedb nocreaterole noreplication password :'orders_password';
create role payments login nosuperuser nocreatedb nocreaterole noreplication password :'payments_password';
create role shipping login nosuperuser nocreatedb nocreaterole noreplication password :'shipping_password';
create role notifications login nosuperuser nocreatedb nocreaterole noreplication password :'notifications_password';
create role registry login nosuperuser nocreatedb nocreaterole noreplication password :'registry_password';

create role orders_app login nosuperuser nocreatedb nocreaterole noreplication password :'orders_app_password';
create role payments_app login nosuperuser nocreatedb nocreaterole noreplication password :'payments_app_password';
create role shipping_app login nosuperuser nocreatedb nocreaterole noreplication password :'shipping_app_password';
create role notifications_app login nosuperuser nocreatedb nocreaterole noreplication password :'notifications_app_password';

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

grant connect on database orders to orders_app;
grant connect on database payments to payments_app;
grant connect on database shipping to shipping_app;
grant connect on database notifications to notifications_app;
SQL
