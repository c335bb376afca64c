-- One database per subgraph (docs/architecture.md §3), named MYSQL_DATABASE_PREFIX
-- (default `commerce_`) followed by the subgraph's name, as
-- platform/db/database.ts opens it. The MySQL image runs this file once,
-- when its data volume is empty.
--
-- Adding a subgraph (payments, invoices): copy a line below, and the user
-- block in 02-users.sh. On a volume that is already initialised, run both by
-- hand (`docker compose exec mysql mysql -uroot -p`), because init scripts do
-- not run again.
--
-- The services would create a missing database themselves; creating it here
-- lets each service's user be granted its own database and nothing else.

CREATE DATABASE IF NOT EXISTS `commerce_catalogue` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
CREATE DATABASE IF NOT EXISTS `commerce_stock` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
CREATE DATABASE IF NOT EXISTS `commerce_orders` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
CREATE DATABASE IF NOT EXISTS `commerce_members` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
CREATE DATABASE IF NOT EXISTS `commerce_payments` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
CREATE DATABASE IF NOT EXISTS `commerce_invoices` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
