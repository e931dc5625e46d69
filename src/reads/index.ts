// Phase 2's BR+L2 reads (flag org.reads): GET /v1/campaigns/mine and GET /v1/elected-office/current
// answered through the organization, in gp-api's JSON shape, with the comparison rules that make
// in-sync data a match.
export { campaignMineGuard, campaignMineHandler, campaignMineRoute, includeCampaign } from './campaign-mine.js'
export { currentOfficeGuard, currentOfficeHandler, currentOfficeRoute, includeActiveOffice } from './elected-office.js'
export { campaignMineRules, currentOfficeRules, OFFICE_CAMPAIGN_ID_DROPPED, US_DATE_YEARS } from './rules.js'
export { overlayDetails, overlayP2vData, jsonbOrdered } from './legacy-shape.js'
