-- 0001 initial: delivery attempts and replay records (the tables the SQLite store started with).

IF OBJECT_ID(N'delivery_attempts', N'U') IS NULL
CREATE TABLE delivery_attempts (
    "Id" bigint IDENTITY(1,1),
    "Topic" nvarchar(63) COLLATE Latin1_General_100_BIN2 NOT NULL,
    "Subscription" nvarchar(63) COLLATE Latin1_General_100_BIN2 NOT NULL,
    "MessageId" nvarchar(128) COLLATE Latin1_General_100_BIN2 NOT NULL,
    "CorrelationId" nvarchar(128) COLLATE Latin1_General_100_BIN2 NOT NULL,
    "Attempt" integer NOT NULL,
    "StartedAt" bigint NOT NULL,
    "DurationMs" float NOT NULL,
    "StatusCode" integer,
    "Outcome" nvarchar(16) COLLATE Latin1_General_100_BIN2 NOT NULL,
    "Error" nvarchar(2048) COLLATE Latin1_General_100_BIN2,
    "ResponseExcerpt" nvarchar(1024) COLLATE Latin1_General_100_BIN2,
    CONSTRAINT "PK_delivery_attempts" PRIMARY KEY ("Id")
);

IF OBJECT_ID(N'replays', N'U') IS NULL
CREATE TABLE replays (
    "Id" bigint IDENTITY(1,1),
    "Topic" nvarchar(63) COLLATE Latin1_General_100_BIN2 NOT NULL,
    "Subscription" nvarchar(63) COLLATE Latin1_General_100_BIN2 NOT NULL,
    "MessageId" nvarchar(128) COLLATE Latin1_General_100_BIN2 NOT NULL,
    "ReplayedAt" bigint NOT NULL,
    "RequestedBy" nvarchar(128) COLLATE Latin1_General_100_BIN2 NOT NULL,
    "DeadLetterReason" nvarchar(max),
    CONSTRAINT "PK_replays" PRIMARY KEY ("Id")
);

IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE name = N'IX_delivery_attempts_CorrelationId' AND object_id = OBJECT_ID(N'delivery_attempts'))
CREATE INDEX "IX_delivery_attempts_CorrelationId" ON delivery_attempts ("CorrelationId");
IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE name = N'IX_delivery_attempts_MessageId' AND object_id = OBJECT_ID(N'delivery_attempts'))
CREATE INDEX "IX_delivery_attempts_MessageId" ON delivery_attempts ("MessageId");
IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE name = N'IX_delivery_attempts_Topic_Subscription_StartedAt' AND object_id = OBJECT_ID(N'delivery_attempts'))
CREATE INDEX "IX_delivery_attempts_Topic_Subscription_StartedAt" ON delivery_attempts ("Topic", "Subscription", "StartedAt");
IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE name = N'IX_replays_MessageId' AND object_id = OBJECT_ID(N'replays'))
CREATE INDEX "IX_replays_MessageId" ON replays ("MessageId");
