-- 0007 xml transforms: each publisher's versioned XSLT from its XML to the canonical JSON event. Times are Unix milliseconds (bigint).

CREATE TABLE xml_transforms (
    "PublisherId" nvarchar(64) COLLATE Latin1_General_100_BIN2 NOT NULL,
    "Version" integer NOT NULL,
    "Xslt" nvarchar(max) NOT NULL,
    "Fingerprint" nvarchar(64) COLLATE Latin1_General_100_BIN2 NOT NULL,
    "Description" nvarchar(1000) COLLATE Latin1_General_100_BIN2,
    "RegisteredAt" bigint NOT NULL,
    "RegisteredBy" nvarchar(64) COLLATE Latin1_General_100_BIN2 NOT NULL,
    CONSTRAINT "PK_xml_transforms" PRIMARY KEY ("PublisherId", "Version")
);
