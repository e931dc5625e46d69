-- Contract step elected-office-campaign-id: elected_office.campaign_id archived and dropped, in one
-- statement (its own transaction, lock_timeout set by the runner). The archive job already copied
-- every value in batches; under a SHARE lock (reads go on, writes wait) this catches up what changed
-- since (normally nothing is written: the UPSERT skips equal values), forgets values nulled since,
-- records the exact count it archived as the step's evidence, and drops the column: a catalog change
-- (brief ACCESS EXCLUSIVE, no rewrite); its index and its foreign key to campaign go with it.
-- Repeatable: once the column is gone it does nothing.
DO $$
DECLARE
  n bigint;
BEGIN
  IF EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = 'public.elected_office'::regclass AND attname = 'campaign_id' AND NOT attisdropped) THEN
    LOCK TABLE public.elected_office IN SHARE MODE;
    INSERT INTO org_proxy.legacy_archive (table_name, row_id, column_name, removed)
      SELECT 'elected_office', e.id::text, 'campaign_id', to_jsonb(e.campaign_id) FROM public.elected_office e WHERE e.campaign_id IS NOT NULL
      ON CONFLICT (table_name, row_id, column_name) DO UPDATE SET removed = excluded.removed, archived_at = now()
        WHERE org_proxy.legacy_archive.removed IS DISTINCT FROM excluded.removed;
    DELETE FROM org_proxy.legacy_archive a
      WHERE a.table_name = 'elected_office' AND a.column_name = 'campaign_id'
        AND NOT EXISTS (SELECT 1 FROM public.elected_office e WHERE e.id = a.row_id::uuid AND e.campaign_id IS NOT NULL);
    SELECT count(*) INTO n FROM public.elected_office WHERE campaign_id IS NOT NULL;
    UPDATE org_proxy.legacy_cleanup SET evidence = evidence || jsonb_build_object('elected_office.campaign_id', n)
      WHERE step = 'elected-office-campaign-id';
    ALTER TABLE public.elected_office DROP COLUMN campaign_id;
  END IF;
END $$;
