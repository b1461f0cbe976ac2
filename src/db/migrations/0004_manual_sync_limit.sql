-- "Sync now" is limited per item; the limit must hold across replicas, so it lives here.
alter table items add column manual_sync_requested_at timestamptz;
