-- Rolls back contract step organization-not-null: the columns become nullable again and new rows are
-- no longer given an organization at insert (the dual writes and reconcile keep creating them).
ALTER TABLE public.campaign DROP CONSTRAINT IF EXISTS campaign_organization_id_not_null;
ALTER TABLE public.campaign ALTER COLUMN organization_id DROP NOT NULL;
ALTER TABLE public.elected_office DROP CONSTRAINT IF EXISTS elected_office_organization_id_not_null;
ALTER TABLE public.elected_office ALTER COLUMN organization_id DROP NOT NULL;
DROP TRIGGER IF EXISTS organization_for_new_campaign ON public.campaign;
DROP TRIGGER IF EXISTS organization_for_new_office ON public.elected_office;
DROP FUNCTION IF EXISTS org_proxy.organization_for_new_campaign();
DROP FUNCTION IF EXISTS org_proxy.organization_for_new_office();
