-- Phase 2: validates the foreign key 0200 added NOT VALID. VALIDATE CONSTRAINT scans the table under
-- SHARE UPDATE EXCLUSIVE (reads and writes go on); kept apart from 0200 so that 0200's brief exclusive
-- lock never waits behind this scan.
SET LOCAL lock_timeout = '5s';

ALTER TABLE voter_file_filter VALIDATE CONSTRAINT voter_file_filter_organization_id_fkey;
