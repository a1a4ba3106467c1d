-- 0014 alerts: each alert from when its rule's condition started until it ended (one open alert per rule and subject,
-- enforced by the unique open key; the process that checks it, and whether its two events were sent), and the alert rules made through the admin API. Times are Unix milliseconds.

CREATE TABLE "alerts" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_alerts" PRIMARY KEY,
    "Rule" TEXT NOT NULL,
    "Kind" TEXT NOT NULL,
    "Subject" TEXT NOT NULL,
    "OpenKey" TEXT NOT NULL,
    "OpenedAt" INTEGER NOT NULL,
    "ClearedAt" INTEGER NULL,
    "Value" REAL NOT NULL,
    "Peak" REAL NOT NULL,
    "Threshold" REAL NOT NULL,
    "Summary" TEXT NOT NULL,
    "Owner" TEXT NOT NULL,
    "CheckedAt" INTEGER NOT NULL,
    "FiredSent" INTEGER NOT NULL,
    "ClearedSent" INTEGER NOT NULL,
    "Members" TEXT NULL
);

CREATE UNIQUE INDEX "IX_alerts_Rule_Subject_OpenKey" ON "alerts" ("Rule", "Subject", "OpenKey");
CREATE INDEX "IX_alerts_OpenedAt" ON "alerts" ("OpenedAt");

CREATE TABLE "alert_rules" (
    "Name" TEXT NOT NULL CONSTRAINT "PK_alert_rules" PRIMARY KEY,
    "Definition" TEXT NOT NULL,
    "CreatedAt" INTEGER NOT NULL,
    "UpdatedBy" TEXT NOT NULL,
    "UpdatedAt" INTEGER NOT NULL
);
