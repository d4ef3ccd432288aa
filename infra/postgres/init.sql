-- Creates Tessera's database. The postgres image runs this once, on its first start with an
-- empty data volume (docker-compose.yml mounts it into /docker-entrypoint-initdb.d/). Each
-- service then creates and migrates its own schema in it at boot.
SELECT 'CREATE DATABASE tessera'
WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'tessera')\gexec
