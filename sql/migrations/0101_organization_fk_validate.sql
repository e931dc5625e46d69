-- Phase 1: validates the foreign keys 0100 added NOT VALID. VALIDATE CONSTRAINT takes SHARE UPDATE
-- EXCLUSIVE on the table (reads and writes go on) and scans it; kept apart from 0100 so that the
-- short exclusive locks there never wait behind this scan.
SET LOCAL lock_timeout = '5s';

ALTER TABLE campaign VALIDATE CONSTRAINT campaign_organization_id_fkey;
ALTER TABLE elected_office VALIDATE CONSTRAINT elected_office_organization_id_fkey;
