// Phase 3 "New Campaign" (flag org.new-campaign): POST /v1/organizations creates a user's new `win`
// organization and its campaign in one transaction, idempotent by the Idempotency-Key header.
export { newCampaignRoute, type NewCampaignDeps } from './route.js'
export { createNewCampaign, KEY_WAIT_MS, type NewCampaignAnswer, type NewCampaignOutcome, type NewCampaignRequest } from './create.js'
export { parseNewCampaign, type FieldError, type NewCampaignInput, type ParsedBody } from './body.js'
export { idempotencyKeyOf, requestHash, KEY_TTL, type StoredAnswer } from './idempotency.js'
