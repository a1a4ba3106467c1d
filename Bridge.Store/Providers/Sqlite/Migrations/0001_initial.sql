-- 0001 initial: delivery attempts and replay records, as the store had them before versioned migrations.
-- IF NOT EXISTS adopts a database created earlier by EnsureCreated (the same tables and indexes).

CREATE TABLE IF NOT EXISTS "delivery_attempts" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_delivery_attempts" PRIMARY KEY AUTOINCREMENT,
    "Topic" TEXT NOT NULL,
    "Subscription" TEXT NOT NULL,
    "MessageId" TEXT NOT NULL,
    "CorrelationId" TEXT NOT NULL,
    "Attempt" INTEGER NOT NULL,
    "StartedAt" INTEGER NOT NULL,
    "DurationMs" REAL NOT NULL,
    "StatusCode" INTEGER NULL,
    "Outcome" TEXT NOT NULL,
    "Error" TEXT NULL,
    "ResponseExcerpt" TEXT NULL
);

CREATE TABLE IF NOT EXISTS "replays" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_replays" PRIMARY KEY AUTOINCREMENT,
    "Topic" TEXT NOT NULL,
    "Subscription" TEXT NOT NULL,
    "MessageId" TEXT NOT NULL,
    "ReplayedAt" INTEGER NOT NULL,
    "RequestedBy" TEXT NOT NULL,
    "DeadLetterReason" TEXT NULL
);

CREATE INDEX IF NOT EXISTS "IX_delivery_attempts_CorrelationId" ON "delivery_attempts" ("CorrelationId");
CREATE INDEX IF NOT EXISTS "IX_delivery_attempts_MessageId" ON "delivery_attempts" ("MessageId");
CREATE INDEX IF NOT EXISTS "IX_delivery_attempts_Topic_Subscription_StartedAt" ON "delivery_attempts" ("Topic", "Subscription", "StartedAt");
CREATE INDEX IF NOT EXISTS "IX_replays_MessageId" ON "replays" ("MessageId");
