-- 0006 contracts: JSON Schema per event type and version; one row per (type, version), versions assigned 1, 2, …

CREATE TABLE contracts (
    "Id" bigint IDENTITY(1,1),
    "EventType" nvarchar(256) COLLATE Latin1_General_100_BIN2 NOT NULL,
    "Version" integer NOT NULL,
    "SchemaJson" nvarchar(max) NOT NULL,
    "Fingerprint" nvarchar(64) COLLATE Latin1_General_100_BIN2 NOT NULL,
    "Description" nvarchar(1024) COLLATE Latin1_General_100_BIN2,
    "Breaking" bit NOT NULL,
    "RegisteredAt" bigint NOT NULL,
    CONSTRAINT "PK_contracts" PRIMARY KEY ("Id")
);

CREATE UNIQUE INDEX "IX_contracts_EventType_Version" ON contracts ("EventType", "Version");
