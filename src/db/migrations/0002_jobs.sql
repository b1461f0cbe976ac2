-- Background jobs (Plaid item syncs and the like), claimed by workers with FOR UPDATE SKIP LOCKED.
--
-- `key` names what a job works on ('item:<uuid>'). Two rules keep per-key work sane:
-- * at most one job per key is running, in any number of processes (jobs_one_running_per_key);
-- * at most one job per (kind, key) is queued (jobs_one_queued_per_kind_key): enqueueing while one is
--   queued returns it, and enqueueing while one is running queues exactly one follow-up, so a webhook
--   that arrives mid-sync is not lost and a burst of them does not pile up.
-- Succeeded rows are kept (with their attempts and duration) until pruned after a retention period;
-- dead rows keep last_error for whoever investigates. Both leave the partial indexes claims use.

create table jobs (
  id bigint generated always as identity primary key,
  kind text not null check (kind ~ '^[a-z][a-z0-9_.-]{0,62}$'),
  key text not null check (char_length(key) between 1 and 200),
  payload jsonb not null default '{}'::jsonb,
  status text not null default 'queued' check (status in ('queued', 'running', 'succeeded', 'dead')),
  -- Counted when a job is claimed, so a job that crashes its worker every time still ends dead.
  attempts integer not null default 0,
  max_attempts integer not null default 5 check (max_attempts between 1 and 100),
  run_at timestamptz not null default now(),
  -- The lease: a running job whose locked_until has passed belongs to a worker that died or hung, and
  -- is handed to another worker.
  locked_by text,
  locked_until timestamptz,
  -- Written by the application already truncated and free of secrets; the limit is a backstop.
  last_error text check (char_length(last_error) <= 2000),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  check (attempts between 0 and max_attempts),
  check ((status = 'running') = (locked_by is not null and locked_until is not null))
);

create unique index jobs_one_running_per_key on jobs (key) where status = 'running';
create unique index jobs_one_queued_per_kind_key on jobs (kind, key) where status = 'queued';
-- What claims scan: due jobs in run_at order, and leases that have run out.
create index jobs_queued_due_idx on jobs (run_at, id) where status = 'queued';
create index jobs_running_lease_idx on jobs (locked_until) where status = 'running';
-- A key's history (an item's last sync and its error), and pruning of finished rows.
create index jobs_key_idx on jobs (key, id desc);
create index jobs_finished_idx on jobs (updated_at) where status in ('succeeded', 'dead');
