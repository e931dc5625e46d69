-- Contract step organization-not-null, part 1: from now on every new campaign and elected office gets
-- an (empty) organization as it is inserted. gp-api inserts these rows without knowing organizations;
-- once organization_id is NOT NULL its inserts would fail without this. The dual write or reconcile
-- then fills the organization's fields from the legacy rows (legacy_synced_at NULL marks it stale).
CREATE OR REPLACE FUNCTION org_proxy.organization_for_new_campaign() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.organization_id IS NULL THEN
    INSERT INTO public.organization (owner_id, kind) VALUES (NEW.user_id, 'win') RETURNING id INTO NEW.organization_id;
  END IF;
  RETURN NEW;
END $$;

CREATE OR REPLACE FUNCTION org_proxy.organization_for_new_office() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.organization_id IS NULL THEN
    INSERT INTO public.organization (owner_id, kind) VALUES (NEW.user_id, 'serve') RETURNING id INTO NEW.organization_id;
  END IF;
  RETURN NEW;
END $$;

CREATE OR REPLACE TRIGGER organization_for_new_campaign BEFORE INSERT ON public.campaign
  FOR EACH ROW EXECUTE FUNCTION org_proxy.organization_for_new_campaign();

CREATE OR REPLACE TRIGGER organization_for_new_office BEFORE INSERT ON public.elected_office
  FOR EACH ROW EXECUTE FUNCTION org_proxy.organization_for_new_office();
