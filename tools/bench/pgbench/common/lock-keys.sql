-- Mirrors libs/messaging/src/lock-key.ts lockKeys(): every key the transaction writes
-- under, in one call before any write. orderflow_lock_keys (libs/messaging/src/
-- migrations.ts) refuses a transaction that already has an xid, takes the advisory
-- locks in hash order and assigns the xid. {{keys}}: the keys (text[]).
select orderflow_lock_keys({{keys}}::text[]);
