-- 0009 subscriptions: webhook subscriptions made through the API (REST hooks). Secrets are encrypted; a deleted
-- subscription stays as a tombstone until its broker queue is removed. Times are Unix milliseconds (bigint).

CREATE TABLE subscriptions (
    "Topic" character varying(63) NOT NULL,
    "Name" character varying(63) NOT NULL,
    "Description" character varying(1000),
    "Url" character varying(2048) NOT NULL,
    "Settings" text NOT NULL,
    "ProtectedSecret" character varying(1024) NOT NULL,
    "ProtectedPreviousSecret" character varying(1024),
    "PreviousSecretExpiresAt" bigint,
    "CreatedAt" bigint NOT NULL,
    "CreatedBy" character varying(64) NOT NULL,
    "UpdatedAt" bigint NOT NULL,
    "DeletedAt" bigint,
    "Version" bigint NOT NULL,
    CONSTRAINT "PK_subscriptions" PRIMARY KEY ("Topic", "Name")
);
