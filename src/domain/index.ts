// The legacy (gp-api) vocabulary the whole proxy shares: which keys are BR and L2 fields, and the
// filter columns. Kept in one place so the mapping, the stand-in and the comparisons never disagree.

/** BallotReady fields the office picker writes into `campaign.details`. */
export const BR_FIELDS = [
  'positionId',
  'electionId',
  'raceId',
  'state',
  'office',
  'otherOffice',
  'ballotLevel',
  'officeTermLength',
  'electionDate',
  'primaryElectionDate',
  'partisanType',
  'filingPeriodsStart',
  'filingPeriodsEnd',
] as const
export type BrField = (typeof BR_FIELDS)[number]

/** L2 district fields in `path_to_victory.data`. */
export const L2_FIELDS = ['electionType', 'electionLocation', 'districtId', 'districtManuallySet', 'source'] as const
export type L2Field = (typeof L2_FIELDS)[number]

export const BALLOT_LEVELS = ['CITY', 'COUNTY', 'FEDERAL', 'LOCAL', 'REGIONAL', 'STATE', 'TOWNSHIP'] as const

export const USER_ROLES = ['admin', 'sales', 'candidate', 'campaignManager', 'demo'] as const
export type UserRole = (typeof USER_ROLES)[number]

/** Boolean columns of `voter_file_filter`, in table order. */
export const FILTER_BOOLEAN_FIELDS = [
  'audienceSuperVoters',
  'audienceLikelyVoters',
  'audienceUnreliableVoters',
  'audienceUnlikelyVoters',
  'audienceFirstTimeVoters',
  'partyIndependent',
  'partyDemocrat',
  'partyRepublican',
  'partyUnknown',
  'age18_25',
  'age25_35',
  'age35_50',
  'age50Plus',
  'ageUnknown',
  'genderMale',
  'genderFemale',
  'genderUnknown',
  'ethnicityAsian',
  'ethnicityEuropean',
  'ethnicityHispanic',
  'ethnicityAfricanAmerican',
  'ethnicityOther',
  'ethnicityUnknown',
  'languageEnglish',
  'languageSpanish',
  'languageOther',
  'educationNone',
  'educationHighSchoolDiploma',
  'educationTechnicalSchool',
  'educationSomeCollege',
  'educationCollegeDegree',
  'educationGraduateDegree',
  'educationUnknown',
  'incomeUnknown',
  'maritalMarried',
  'maritalSingle',
  'maritalDivorced',
  'maritalWidowed',
  'maritalUnknown',
  'hasChildrenYes',
  'hasChildrenNo',
  'hasChildrenUnknown',
  'veteranYes',
  'veteranUnknown',
  'businessOwnerYes',
  'businessOwnerUnknown',
  'registeredVoterTrue',
  'registeredVoterFalse',
  'registeredVoterUnknown',
  'hasCellPhone',
  'hasLandline',
  'hasEmail',
  'hasAddress',
  'homeownerYes',
  'homeownerLikely',
  'homeownerNo',
  'homeownerUnknown',
] as const
export type FilterBooleanField = (typeof FILTER_BOOLEAN_FIELDS)[number]

/** Array columns of `voter_file_filter`. */
export const FILTER_ARRAY_FIELDS = ['languageCodes', 'voterStatus', 'incomeRanges'] as const

/** The Political Party fields a `serve` organization never sees (seed-plan phase 2). */
export const PARTY_FIELDS = ['partyIndependent', 'partyDemocrat', 'partyRepublican', 'partyUnknown'] as const
