-- People, their sessions, the security events about them, and failed log-in counters.

create table users (
  id uuid primary key default gen_random_uuid(),
  -- Stored trimmed and lower-cased by the application; the check keeps it that way.
  email text not null unique check (email = lower(btrim(email))),
  password_hash text not null,
  created_at timestamptz not null default now(),
  password_changed_at timestamptz not null default now()
);

create table sessions (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references users (id) on delete cascade,
  -- SHA-256 of the cookie's token: a database leak does not hand out live sessions.
  token_hash bytea not null unique,
  created_at timestamptz not null default now(),
  last_seen_at timestamptz not null default now(),
  idle_expires_at timestamptz not null,
  absolute_expires_at timestamptz not null,
  user_agent text,
  ip text
);
create index sessions_user_id_idx on sessions (user_id);
create index sessions_expiry_idx on sessions (absolute_expires_at);

create table audit_events (
  id bigint generated always as identity primary key,
  user_id uuid references users (id) on delete cascade,
  event text not null,
  ip text,
  user_agent text,
  details jsonb not null default '{}'::jsonb,
  created_at timestamptz not null default now()
);
create index audit_events_user_idx on audit_events (user_id, created_at desc, id desc);

-- Failed log-ins per account (key 'account:<email>') and per client ('ip:<address>').
create table login_failures (
  key text primary key,
  failures integer not null,
  last_failure_at timestamptz not null,
  locked_until timestamptz
);
