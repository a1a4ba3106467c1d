-- 0009 subscriptions: webhook subscriptions made through the API (REST hooks). Secrets are encrypted; a deleted
-- subscription stays as a tombstone until its broker queue is removed. Times are Unix milliseconds (bigint).

CREATE TABLE subscriptions (
    "Topic" nvarchar(63) COLLATE Latin1_General_100_BIN2 NOT NULL,
    "Name" nvarchar(63) COLLATE Latin1_General_100_BIN2 NOT NULL,
    "Description" nvarchar(1000) COLLATE Latin1_General_100_BIN2,
    "Url" nvarchar(2048) COLLATE Latin1_General_100_BIN2 NOT NULL,
    "Settings" nvarchar(max) NOT NULL,
    "ProtectedSecret" nvarchar(1024) COLLATE Latin1_General_100_BIN2 NOT NULL,
    "ProtectedPreviousSecret" nvarchar(1024) COLLATE Latin1_General_100_BIN2,
    "PreviousSecretExpiresAt" bigint,
    "CreatedAt" bigint NOT NULL,
    "CreatedBy" nvarchar(64) COLLATE Latin1_General_100_BIN2 NOT NULL,
    "UpdatedAt" bigint NOT NULL,
    "DeletedAt" bigint,
    "Version" bigint NOT NULL,
    CONSTRAINT "PK_subscriptions" PRIMARY KEY ("Topic", "Name")
);
