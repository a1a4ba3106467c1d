-- 0007 xml transforms: each publisher's versioned XSLT from its XML to the canonical JSON event. Times are Unix milliseconds (bigint).

CREATE TABLE xml_transforms (
    "PublisherId" character varying(64) NOT NULL,
    "Version" integer NOT NULL,
    "Xslt" text NOT NULL,
    "Fingerprint" character varying(64) NOT NULL,
    "Description" character varying(1000),
    "RegisteredAt" bigint NOT NULL,
    "RegisteredBy" character varying(64) NOT NULL,
    CONSTRAINT "PK_xml_transforms" PRIMARY KEY ("PublisherId", "Version")
);
