-- 0010 data protection keys: the ASP.NET Core Data Protection key ring that encrypts webhook and HMAC secrets, kept in
-- the store so every process of a deployment reads the same keys. Each key is an XML element, encrypted at rest when a
-- key-ring protector (certificate) is configured.

CREATE TABLE "data_protection_keys" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_data_protection_keys" PRIMARY KEY AUTOINCREMENT,
    "FriendlyName" TEXT NULL,
    "Xml" TEXT NULL
);
