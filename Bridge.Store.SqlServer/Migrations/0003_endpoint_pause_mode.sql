-- 0003 endpoint pause mode: how a pause came about (manual or automatic), and a version that every write of an
-- endpoint's row increments, so subscriber processes see each other's changes whatever their clocks say.

ALTER TABLE webhook_endpoints ADD "PauseMode" nvarchar(16) COLLATE Latin1_General_100_BIN2;
ALTER TABLE webhook_endpoints ADD "Version" bigint NOT NULL CONSTRAINT "DF_webhook_endpoints_Version" DEFAULT 0;
