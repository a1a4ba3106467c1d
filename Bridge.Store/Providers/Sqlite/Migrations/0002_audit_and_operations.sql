-- 0002 audit and operations: accepted events, deliveries, dead letters, replay jobs, webhook endpoints;
-- replays remember the job that made them. Times are Unix milliseconds, enums their names.

CREATE TABLE "events" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_events" PRIMARY KEY AUTOINCREMENT,
    "MessageId" TEXT NOT NULL,
    "Topic" TEXT NOT NULL,
    "Type" TEXT NOT NULL,
    "Source" TEXT NOT NULL,
    "Subject" TEXT NULL,
    "CorrelationId" TEXT NOT NULL,
    "OrderingKey" TEXT NULL,
    "Time" INTEGER NOT NULL,
    "AcceptedAt" INTEGER NOT NULL,
    "SizeBytes" INTEGER NOT NULL,
    "Envelope" BLOB NULL
);

CREATE INDEX "IX_events_MessageId" ON "events" ("MessageId");
CREATE INDEX "IX_events_CorrelationId" ON "events" ("CorrelationId");
CREATE INDEX "IX_events_Topic_AcceptedAt" ON "events" ("Topic", "AcceptedAt");
CREATE INDEX "IX_events_Type_AcceptedAt" ON "events" ("Type", "AcceptedAt");
CREATE INDEX "IX_events_AcceptedAt" ON "events" ("AcceptedAt");

CREATE TABLE "deliveries" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_deliveries" PRIMARY KEY AUTOINCREMENT,
    "Topic" TEXT NOT NULL,
    "Subscription" TEXT NOT NULL,
    "MessageId" TEXT NOT NULL,
    "CorrelationId" TEXT NOT NULL,
    "Status" TEXT NOT NULL,
    "Attempts" INTEGER NOT NULL,
    "FirstAttemptAt" INTEGER NOT NULL,
    "LastAttemptAt" INTEGER NOT NULL,
    "CompletedAt" INTEGER NULL,
    "LastStatusCode" INTEGER NULL,
    "LastError" TEXT NULL
);

CREATE UNIQUE INDEX "IX_deliveries_Topic_Subscription_MessageId" ON "deliveries" ("Topic", "Subscription", "MessageId");

CREATE TABLE "dead_letters" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_dead_letters" PRIMARY KEY AUTOINCREMENT,
    "Topic" TEXT NOT NULL,
    "Subscription" TEXT NOT NULL,
    "MessageId" TEXT NOT NULL,
    "CorrelationId" TEXT NOT NULL,
    "Type" TEXT NOT NULL,
    "Reason" TEXT NOT NULL,
    "Description" TEXT NULL,
    "DeliveryCount" INTEGER NOT NULL,
    "DeadLetteredAt" INTEGER NOT NULL,
    "State" TEXT NOT NULL,
    "ResolvedAt" INTEGER NULL,
    "ResolvedBy" TEXT NULL
);

CREATE INDEX "IX_dead_letters_Topic_Subscription_DeadLetteredAt" ON "dead_letters" ("Topic", "Subscription", "DeadLetteredAt");
CREATE INDEX "IX_dead_letters_MessageId" ON "dead_letters" ("MessageId");

CREATE TABLE "replay_jobs" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_replay_jobs" PRIMARY KEY,
    "Topic" TEXT NOT NULL,
    "Subscription" TEXT NOT NULL,
    "FilterJson" TEXT NULL,
    "TargetUrl" TEXT NULL,
    "RatePerSecond" INTEGER NOT NULL,
    "Status" TEXT NOT NULL,
    "Total" INTEGER NOT NULL,
    "Replayed" INTEGER NOT NULL,
    "Skipped" INTEGER NOT NULL,
    "FailedCount" INTEGER NOT NULL,
    "CreatedAt" INTEGER NOT NULL,
    "StartedAt" INTEGER NULL,
    "CompletedAt" INTEGER NULL,
    "RequestedBy" TEXT NOT NULL,
    "Error" TEXT NULL
);

CREATE INDEX "IX_replay_jobs_Topic_Subscription_CreatedAt" ON "replay_jobs" ("Topic", "Subscription", "CreatedAt");
CREATE INDEX "IX_replay_jobs_Status" ON "replay_jobs" ("Status");

ALTER TABLE "replays" ADD COLUMN "JobId" TEXT NULL;
CREATE INDEX "IX_replays_JobId" ON "replays" ("JobId");

CREATE TABLE "webhook_endpoints" (
    "Topic" TEXT NOT NULL,
    "Subscription" TEXT NOT NULL,
    "Url" TEXT NOT NULL,
    "Paused" INTEGER NOT NULL,
    "PausedAt" INTEGER NULL,
    "PausedBy" TEXT NULL,
    "PauseReason" TEXT NULL,
    "UpdatedAt" INTEGER NOT NULL,
    CONSTRAINT "PK_webhook_endpoints" PRIMARY KEY ("Topic", "Subscription")
);
