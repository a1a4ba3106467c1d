-- 0002 audit and operations: accepted events, deliveries, dead letters, replay jobs, webhook endpoints;
-- replays remember the job that made them. Times are Unix milliseconds (bigint), enums their names.

CREATE TABLE events (
    "Id" bigint IDENTITY(1,1),
    "MessageId" nvarchar(128) COLLATE Latin1_General_100_BIN2 NOT NULL,
    "Topic" nvarchar(63) COLLATE Latin1_General_100_BIN2 NOT NULL,
    "Type" nvarchar(256) COLLATE Latin1_General_100_BIN2 NOT NULL,
    "Source" nvarchar(512) COLLATE Latin1_General_100_BIN2 NOT NULL,
    "Subject" nvarchar(256) COLLATE Latin1_General_100_BIN2,
    "CorrelationId" nvarchar(128) COLLATE Latin1_General_100_BIN2 NOT NULL,
    "OrderingKey" nvarchar(128) COLLATE Latin1_General_100_BIN2,
    "Time" bigint NOT NULL,
    "AcceptedAt" bigint NOT NULL,
    "SizeBytes" integer NOT NULL,
    "Envelope" varbinary(max),
    CONSTRAINT "PK_events" PRIMARY KEY ("Id")
);

CREATE INDEX "IX_events_MessageId" ON events ("MessageId");
CREATE INDEX "IX_events_CorrelationId" ON events ("CorrelationId");
CREATE INDEX "IX_events_Topic_AcceptedAt" ON events ("Topic", "AcceptedAt");
CREATE INDEX "IX_events_Type_AcceptedAt" ON events ("Type", "AcceptedAt");
CREATE INDEX "IX_events_AcceptedAt" ON events ("AcceptedAt");

CREATE TABLE deliveries (
    "Id" bigint IDENTITY(1,1),
    "Topic" nvarchar(63) COLLATE Latin1_General_100_BIN2 NOT NULL,
    "Subscription" nvarchar(63) COLLATE Latin1_General_100_BIN2 NOT NULL,
    "MessageId" nvarchar(128) COLLATE Latin1_General_100_BIN2 NOT NULL,
    "CorrelationId" nvarchar(128) COLLATE Latin1_General_100_BIN2 NOT NULL,
    "Status" nvarchar(16) COLLATE Latin1_General_100_BIN2 NOT NULL,
    "Attempts" integer NOT NULL,
    "FirstAttemptAt" bigint NOT NULL,
    "LastAttemptAt" bigint NOT NULL,
    "CompletedAt" bigint,
    "LastStatusCode" integer,
    "LastError" nvarchar(2048) COLLATE Latin1_General_100_BIN2,
    CONSTRAINT "PK_deliveries" PRIMARY KEY ("Id")
);

CREATE UNIQUE INDEX "IX_deliveries_Topic_Subscription_MessageId" ON deliveries ("Topic", "Subscription", "MessageId");

CREATE TABLE dead_letters (
    "Id" bigint IDENTITY(1,1),
    "Topic" nvarchar(63) COLLATE Latin1_General_100_BIN2 NOT NULL,
    "Subscription" nvarchar(63) COLLATE Latin1_General_100_BIN2 NOT NULL,
    "MessageId" nvarchar(128) COLLATE Latin1_General_100_BIN2 NOT NULL,
    "CorrelationId" nvarchar(128) COLLATE Latin1_General_100_BIN2 NOT NULL,
    "Type" nvarchar(256) COLLATE Latin1_General_100_BIN2 NOT NULL,
    "Reason" nvarchar(64) COLLATE Latin1_General_100_BIN2 NOT NULL,
    "Description" nvarchar(2048) COLLATE Latin1_General_100_BIN2,
    "DeliveryCount" integer NOT NULL,
    "DeadLetteredAt" bigint NOT NULL,
    "State" nvarchar(16) COLLATE Latin1_General_100_BIN2 NOT NULL,
    "ResolvedAt" bigint,
    "ResolvedBy" nvarchar(128) COLLATE Latin1_General_100_BIN2,
    CONSTRAINT "PK_dead_letters" PRIMARY KEY ("Id")
);

CREATE INDEX "IX_dead_letters_Topic_Subscription_DeadLetteredAt" ON dead_letters ("Topic", "Subscription", "DeadLetteredAt");
CREATE INDEX "IX_dead_letters_MessageId" ON dead_letters ("MessageId");

CREATE TABLE replay_jobs (
    "Id" nvarchar(40) COLLATE Latin1_General_100_BIN2 NOT NULL,
    "Topic" nvarchar(63) COLLATE Latin1_General_100_BIN2 NOT NULL,
    "Subscription" nvarchar(63) COLLATE Latin1_General_100_BIN2 NOT NULL,
    "FilterJson" nvarchar(4000) COLLATE Latin1_General_100_BIN2,
    "TargetUrl" nvarchar(2048) COLLATE Latin1_General_100_BIN2,
    "RatePerSecond" integer NOT NULL,
    "Status" nvarchar(16) COLLATE Latin1_General_100_BIN2 NOT NULL,
    "Total" integer NOT NULL,
    "Replayed" integer NOT NULL,
    "Skipped" integer NOT NULL,
    "FailedCount" integer NOT NULL,
    "CreatedAt" bigint NOT NULL,
    "StartedAt" bigint,
    "CompletedAt" bigint,
    "RequestedBy" nvarchar(128) COLLATE Latin1_General_100_BIN2 NOT NULL,
    "Error" nvarchar(2048) COLLATE Latin1_General_100_BIN2,
    CONSTRAINT "PK_replay_jobs" PRIMARY KEY ("Id")
);

CREATE INDEX "IX_replay_jobs_Topic_Subscription_CreatedAt" ON replay_jobs ("Topic", "Subscription", "CreatedAt");
CREATE INDEX "IX_replay_jobs_Status" ON replay_jobs ("Status");

ALTER TABLE replays ADD "JobId" nvarchar(40) COLLATE Latin1_General_100_BIN2;
-- Run as its own batch: the column is added by the statement before.
EXEC (N'CREATE INDEX "IX_replays_JobId" ON replays ("JobId")');

CREATE TABLE webhook_endpoints (
    "Topic" nvarchar(63) COLLATE Latin1_General_100_BIN2 NOT NULL,
    "Subscription" nvarchar(63) COLLATE Latin1_General_100_BIN2 NOT NULL,
    "Url" nvarchar(2048) COLLATE Latin1_General_100_BIN2 NOT NULL,
    "Paused" bit NOT NULL,
    "PausedAt" bigint,
    "PausedBy" nvarchar(128) COLLATE Latin1_General_100_BIN2,
    "PauseReason" nvarchar(512) COLLATE Latin1_General_100_BIN2,
    "UpdatedAt" bigint NOT NULL,
    CONSTRAINT "PK_webhook_endpoints" PRIMARY KEY ("Topic", "Subscription")
);
