-- Bank data: linked Plaid items, their accounts, daily balances, transactions, and received webhooks.
-- Every table carries user_id so that each query can be scoped to the session's user with an index.

create extension if not exists pg_trgm;

create table items (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references users (id) on delete cascade,
  plaid_item_id text not null unique,
  institution_id text not null,
  institution_name text not null,
  -- AES-256-GCM, "v1:<key id>:<nonce|ciphertext|tag>", bound to this row's id (src/plaid/token-crypto.ts).
  access_token_encrypted text not null,
  -- /transactions/sync cursor of the last committed sync; null means "from the beginning".
  sync_cursor text,
  status text not null default 'healthy'
    check (status in ('healthy', 'login_required', 'pending_expiration', 'pending_disconnect', 'revoked', 'error')),
  error_code text,
  consent_expires_at timestamptz,
  last_synced_at timestamptz,
  last_sync_error text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  -- One link per institution per person: a second is a mistake that Plaid would bill twice.
  unique (user_id, institution_id)
);

create table accounts (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references users (id) on delete cascade,
  item_id uuid not null references items (id) on delete cascade,
  plaid_account_id text not null unique,
  name text not null,
  official_name text,
  mask text,
  type text not null,
  subtype text,
  currency text,
  current_balance numeric(16, 2),
  available_balance numeric(16, 2),
  credit_limit numeric(16, 2),
  balances_updated_at timestamptz,
  created_at timestamptz not null default now()
);
create index accounts_user_idx on accounts (user_id);
create index accounts_item_idx on accounts (item_id);

create table balance_snapshots (
  account_id uuid not null references accounts (id) on delete cascade,
  user_id uuid not null references users (id) on delete cascade,
  day date not null,
  current_balance numeric(16, 2),
  available_balance numeric(16, 2),
  currency text,
  primary key (account_id, day)
);
create index balance_snapshots_user_day_idx on balance_snapshots (user_id, day);

create table transactions (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references users (id) on delete cascade,
  item_id uuid not null references items (id) on delete cascade,
  account_id uuid not null references accounts (id) on delete cascade,
  plaid_transaction_id text not null unique,
  pending_transaction_id text,
  date date not null,
  authorized_date date,
  -- Plaid's sign: positive is money out of the account, negative is money in.
  amount numeric(16, 2) not null,
  currency text,
  name text not null,
  merchant_name text,
  category_primary text,
  category_detailed text,
  payment_channel text,
  pending boolean not null default false,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
-- The list's keyset order (date desc, id desc), per user and per account.
create index transactions_user_date_idx on transactions (user_id, date desc, id desc);
create index transactions_account_date_idx on transactions (account_id, date desc, id desc);
create index transactions_item_idx on transactions (item_id);
create index transactions_user_category_idx on transactions (user_id, category_primary, date);
-- Substring search over name and merchant (?q=).
create index transactions_search_idx on transactions
  using gin ((name || ' ' || coalesce(merchant_name, '')) gin_trgm_ops);

create table webhook_events (
  id bigint generated always as identity primary key,
  -- SHA-256 of the Plaid-Verification JWT: the same signed delivery twice is a replay.
  token_sha256 text not null unique,
  webhook_type text not null,
  webhook_code text not null,
  plaid_item_id text,
  received_at timestamptz not null default now()
);
create index webhook_events_received_idx on webhook_events (received_at);
