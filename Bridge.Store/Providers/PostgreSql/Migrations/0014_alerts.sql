-- 0014 alerts: each alert from when its rule's condition started until it ended (one open alert per rule and subject,
-- enforced by the unique open key; the process that checks it, and whether its two events were sent), and the alert rules made through the admin API. Times are Unix milliseconds (bigint).

CREATE TABLE alerts (
    "Id" character varying(32) NOT NULL,
    "Rule" character varying(63) NOT NULL,
    "Kind" character varying(32) NOT NULL,
    "Subject" character varying(200) NOT NULL,
    "OpenKey" character varying(32) NOT NULL,
    "OpenedAt" bigint NOT NULL,
    "ClearedAt" bigint,
    "Value" double precision NOT NULL,
    "Peak" double precision NOT NULL,
    "Threshold" double precision NOT NULL,
    "Summary" character varying(1000) NOT NULL,
    "Owner" character varying(128) NOT NULL,
    "CheckedAt" bigint NOT NULL,
    "FiredSent" boolean NOT NULL,
    "ClearedSent" boolean NOT NULL,
    "Members" text,
    CONSTRAINT "PK_alerts" PRIMARY KEY ("Id")
);

CREATE UNIQUE INDEX "IX_alerts_Rule_Subject_OpenKey" ON alerts ("Rule", "Subject", "OpenKey");
CREATE INDEX "IX_alerts_OpenedAt" ON alerts ("OpenedAt");

CREATE TABLE alert_rules (
    "Name" character varying(63) NOT NULL,
    "Definition" text NOT NULL,
    "CreatedAt" bigint NOT NULL,
    "UpdatedBy" character varying(64) NOT NULL,
    "UpdatedAt" bigint NOT NULL,
    CONSTRAINT "PK_alert_rules" PRIMARY KEY ("Name")
);
