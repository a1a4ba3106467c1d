-- 0007 xml transforms: each publisher's versioned XSLT from its XML to the canonical JSON event. Times are Unix milliseconds.

CREATE TABLE "xml_transforms" (
    "PublisherId" TEXT NOT NULL,
    "Version" INTEGER NOT NULL,
    "Xslt" TEXT NOT NULL,
    "Fingerprint" TEXT NOT NULL,
    "Description" TEXT NULL,
    "RegisteredAt" INTEGER NOT NULL,
    "RegisteredBy" TEXT NOT NULL,
    CONSTRAINT "PK_xml_transforms" PRIMARY KEY ("PublisherId", "Version")
);
