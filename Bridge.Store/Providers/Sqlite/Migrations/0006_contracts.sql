-- 0006 contracts: JSON Schema per event type and version; one row per (type, version), versions assigned 1, 2, …

CREATE TABLE "contracts" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_contracts" PRIMARY KEY AUTOINCREMENT,
    "EventType" TEXT NOT NULL,
    "Version" INTEGER NOT NULL,
    "SchemaJson" TEXT NOT NULL,
    "Fingerprint" TEXT NOT NULL,
    "Description" TEXT NULL,
    "Breaking" INTEGER NOT NULL,
    "RegisteredAt" INTEGER NOT NULL
);

CREATE UNIQUE INDEX "IX_contracts_EventType_Version" ON "contracts" ("EventType", "Version");
