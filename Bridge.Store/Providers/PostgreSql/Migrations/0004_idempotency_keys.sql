-- 0004 idempotency keys: the Idempotency-Key of each publish request per publisher and topic, its claim, and the
-- response replayed to a retry. Times are Unix milliseconds (bigint), the state its name.

CREATE TABLE idempotency_keys (
    "Scope" character varying(128) NOT NULL,
    "Topic" character varying(63) NOT NULL,
    "Key" character varying(255) NOT NULL,
    "Fingerprint" character varying(64) NOT NULL,
    "State" character varying(16) NOT NULL,
    "ClaimToken" character varying(32) NOT NULL,
    "CreatedAt" bigint NOT NULL,
    "LeaseExpiresAt" bigint NOT NULL,
    "ExpiresAt" bigint NOT NULL,
    "CompletedAt" bigint,
    "StatusCode" integer,
    "ContentType" character varying(256),
    "ResponseBody" text,
    "ResponseHeaders" character varying(4000),
    CONSTRAINT "PK_idempotency_keys" PRIMARY KEY ("Scope", "Topic", "Key")
);

CREATE INDEX "IX_idempotency_keys_ExpiresAt" ON idempotency_keys ("ExpiresAt");
