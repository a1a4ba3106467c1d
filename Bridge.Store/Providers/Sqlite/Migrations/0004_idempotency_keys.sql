-- 0004 idempotency keys: the Idempotency-Key of each publish request per publisher and topic, its claim, and the
-- response replayed to a retry. Times are Unix milliseconds, the state its name.

CREATE TABLE "idempotency_keys" (
    "Scope" TEXT NOT NULL,
    "Topic" TEXT NOT NULL,
    "Key" TEXT NOT NULL,
    "Fingerprint" TEXT NOT NULL,
    "State" TEXT NOT NULL,
    "ClaimToken" TEXT NOT NULL,
    "CreatedAt" INTEGER NOT NULL,
    "LeaseExpiresAt" INTEGER NOT NULL,
    "ExpiresAt" INTEGER NOT NULL,
    "CompletedAt" INTEGER NULL,
    "StatusCode" INTEGER NULL,
    "ContentType" TEXT NULL,
    "ResponseBody" TEXT NULL,
    "ResponseHeaders" TEXT NULL,
    CONSTRAINT "PK_idempotency_keys" PRIMARY KEY ("Scope", "Topic", "Key")
);

CREATE INDEX "IX_idempotency_keys_ExpiresAt" ON "idempotency_keys" ("ExpiresAt");
