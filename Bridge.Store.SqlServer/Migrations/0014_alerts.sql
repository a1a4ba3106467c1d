-- 0014 alerts: each alert from when its rule's condition started until it ended (one open alert per rule and subject,
-- enforced by the unique open key; the process that checks it, and whether its two events were sent), and the alert rules made through the admin API. Times are Unix milliseconds (bigint).

CREATE TABLE alerts (
    "Id" nvarchar(32) COLLATE Latin1_General_100_BIN2 NOT NULL,
    "Rule" nvarchar(63) COLLATE Latin1_General_100_BIN2 NOT NULL,
    "Kind" nvarchar(32) COLLATE Latin1_General_100_BIN2 NOT NULL,
    "Subject" nvarchar(200) COLLATE Latin1_General_100_BIN2 NOT NULL,
    "OpenKey" nvarchar(32) COLLATE Latin1_General_100_BIN2 NOT NULL,
    "OpenedAt" bigint NOT NULL,
    "ClearedAt" bigint,
    "Value" float NOT NULL,
    "Peak" float NOT NULL,
    "Threshold" float NOT NULL,
    "Summary" nvarchar(1000) COLLATE Latin1_General_100_BIN2 NOT NULL,
    "Owner" nvarchar(128) COLLATE Latin1_General_100_BIN2 NOT NULL,
    "CheckedAt" bigint NOT NULL,
    "FiredSent" bit NOT NULL,
    "ClearedSent" bit NOT NULL,
    "Members" nvarchar(max),
    CONSTRAINT "PK_alerts" PRIMARY KEY ("Id")
);

CREATE UNIQUE INDEX "IX_alerts_Rule_Subject_OpenKey" ON alerts ("Rule", "Subject", "OpenKey");
CREATE INDEX "IX_alerts_OpenedAt" ON alerts ("OpenedAt");

CREATE TABLE alert_rules (
    "Name" nvarchar(63) COLLATE Latin1_General_100_BIN2 NOT NULL,
    "Definition" nvarchar(max) NOT NULL,
    "CreatedAt" bigint NOT NULL,
    "UpdatedBy" nvarchar(64) COLLATE Latin1_General_100_BIN2 NOT NULL,
    "UpdatedAt" bigint NOT NULL,
    CONSTRAINT "PK_alert_rules" PRIMARY KEY ("Name")
);
