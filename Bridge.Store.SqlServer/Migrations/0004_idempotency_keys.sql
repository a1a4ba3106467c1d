-- 0004 idempotency keys: the Idempotency-Key of each publish request per publisher and topic, its claim, and the
-- response replayed to a retry. Times are Unix milliseconds (bigint), the state its name.

CREATE TABLE idempotency_keys (
    "Scope" nvarchar(128) COLLATE Latin1_General_100_BIN2 NOT NULL,
    "Topic" nvarchar(63) COLLATE Latin1_General_100_BIN2 NOT NULL,
    "Key" nvarchar(255) COLLATE Latin1_General_100_BIN2 NOT NULL,
    "Fingerprint" nvarchar(64) COLLATE Latin1_General_100_BIN2 NOT NULL,
    "State" nvarchar(16) COLLATE Latin1_General_100_BIN2 NOT NULL,
    "ClaimToken" nvarchar(32) COLLATE Latin1_General_100_BIN2 NOT NULL,
    "CreatedAt" bigint NOT NULL,
    "LeaseExpiresAt" bigint NOT NULL,
    "ExpiresAt" bigint NOT NULL,
    "CompletedAt" bigint,
    "StatusCode" integer,
    "ContentType" nvarchar(256) COLLATE Latin1_General_100_BIN2,
    "ResponseBody" nvarchar(max),
    "ResponseHeaders" nvarchar(4000) COLLATE Latin1_General_100_BIN2,
    CONSTRAINT "PK_idempotency_keys" PRIMARY KEY ("Scope", "Topic", "Key")
);

CREATE INDEX "IX_idempotency_keys_ExpiresAt" ON idempotency_keys ("ExpiresAt");
