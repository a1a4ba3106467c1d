-- 0003 endpoint pause mode: how a pause came about (manual or automatic), and a version that every write of an
-- endpoint's row increments, so subscriber processes see each other's changes whatever their clocks say.

ALTER TABLE "webhook_endpoints" ADD COLUMN "PauseMode" TEXT NULL;
ALTER TABLE "webhook_endpoints" ADD COLUMN "Version" INTEGER NOT NULL DEFAULT 0;
