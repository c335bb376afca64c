#!/bin/bash
# One MySQL user per subgraph, allowed into its own database only, so a
# compromised service cannot read or change another domain's data.
#
# A shell script rather than SQL because the passwords come from the operator's
# .env (passed to the mysql container by docker-compose.yml): plain SQL would
# have to hold them in this repository. The MySQL image runs this once, after
# 01-databases.sql, while the server still listens only on its socket.
#
# Passwords must be URL-safe (they also sit in each service's MYSQL_URL):
# `openssl rand -hex 24` gives one.
#
# Adding a subgraph: copy the catalogue block, change the three names, and pass
# <NAME>_DB_PASSWORD to the mysql service in docker-compose.yml.
#
# No `set -u`: the image sources a script that is not executable, and the option
# would then leak into its own entrypoint. Each password is checked with `:?`.
set -eo pipefail

as_root() {
  MYSQL_PWD="${MYSQL_ROOT_PASSWORD}" mysql --protocol=socket -uroot
}

: "${CATALOGUE_DB_PASSWORD:?CATALOGUE_DB_PASSWORD must be set for the mysql service}"
as_root <<SQL
CREATE USER IF NOT EXISTS 'catalogue'@'%' IDENTIFIED BY '${CATALOGUE_DB_PASSWORD}';
GRANT ALL PRIVILEGES ON \`commerce_catalogue\`.* TO 'catalogue'@'%';
SQL

: "${STOCK_DB_PASSWORD:?STOCK_DB_PASSWORD must be set for the mysql service}"
as_root <<SQL
CREATE USER IF NOT EXISTS 'stock'@'%' IDENTIFIED BY '${STOCK_DB_PASSWORD}';
GRANT ALL PRIVILEGES ON \`commerce_stock\`.* TO 'stock'@'%';
SQL

: "${ORDERS_DB_PASSWORD:?ORDERS_DB_PASSWORD must be set for the mysql service}"
as_root <<SQL
CREATE USER IF NOT EXISTS 'orders'@'%' IDENTIFIED BY '${ORDERS_DB_PASSWORD}';
GRANT ALL PRIVILEGES ON \`commerce_orders\`.* TO 'orders'@'%';
SQL

: "${MEMBERS_DB_PASSWORD:?MEMBERS_DB_PASSWORD must be set for the mysql service}"
as_root <<SQL
CREATE USER IF NOT EXISTS 'members'@'%' IDENTIFIED BY '${MEMBERS_DB_PASSWORD}';
GRANT ALL PRIVILEGES ON \`commerce_members\`.* TO 'members'@'%';
SQL

: "${PAYMENTS_DB_PASSWORD:?PAYMENTS_DB_PASSWORD must be set for the mysql service}"
as_root <<SQL
CREATE USER IF NOT EXISTS 'payments'@'%' IDENTIFIED BY '${PAYMENTS_DB_PASSWORD}';
GRANT ALL PRIVILEGES ON \`commerce_payments\`.* TO 'payments'@'%';
SQL

: "${INVOICES_DB_PASSWORD:?INVOICES_DB_PASSWORD must be set for the mysql service}"
as_root <<SQL
CREATE USER IF NOT EXISTS 'invoices'@'%' IDENTIFIED BY '${INVOICES_DB_PASSWORD}';
GRANT ALL PRIVILEGES ON \`commerce_invoices\`.* TO 'invoices'@'%';
SQL
