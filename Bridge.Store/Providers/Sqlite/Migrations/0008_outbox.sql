-- 0008 outbox: envelopes accepted for a remote broker, kept until the broker confirms them; and the lease of the one
-- process that forwards them. Times are Unix milliseconds.

CREATE TABLE "outbox" (
    "Sequence" INTEGER NOT NULL CONSTRAINT "PK_outbox" PRIMARY KEY AUTOINCREMENT,
    "Topic" TEXT NOT NULL,
    "MessageId" TEXT NOT NULL,
    "CorrelationId" TEXT NULL,
    "Envelope" BLOB NOT NULL,
    "ScheduledEnqueueTime" INTEGER NULL,
    "CreatedAt" INTEGER NOT NULL,
    "FailedAt" INTEGER NULL,
    "Error" TEXT NULL
);

CREATE INDEX "IX_outbox_FailedAt" ON "outbox" ("FailedAt");

CREATE TABLE "outbox_lease" (
    "Name" TEXT NOT NULL CONSTRAINT "PK_outbox_lease" PRIMARY KEY,
    "Holder" TEXT NOT NULL,
    "ExpiresAt" INTEGER NOT NULL
);

INSERT INTO "outbox_lease" ("Name", "Holder", "ExpiresAt") VALUES ('dispatcher', '', 0);
