-- The gp-api tables as Prisma creates them (see shared/domain.md): table names snake_case,
-- columns camelCase and quoted except the snake_case foreign keys and timestamps.
-- Demo and tests only: never applied to a real legacy database.

CREATE TABLE IF NOT EXISTS "user" (
  id SERIAL PRIMARY KEY,
  email TEXT NOT NULL UNIQUE,
  "firstName" TEXT,
  "lastName" TEXT,
  name TEXT,
  phone TEXT,
  zip TEXT,
  roles TEXT[] NOT NULL DEFAULT ARRAY['candidate']::TEXT[],
  "metaData" JSONB,
  created_at TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  updated_at TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP
);

CREATE TABLE IF NOT EXISTS campaign (
  id SERIAL PRIMARY KEY,
  slug TEXT NOT NULL UNIQUE,
  "isActive" BOOLEAN NOT NULL DEFAULT false,
  "isPro" BOOLEAN DEFAULT false,
  "isDemo" BOOLEAN NOT NULL DEFAULT false,
  "didWin" BOOLEAN,
  tier TEXT CHECK (tier IN ('WIN', 'LOSE', 'TOSSUP')),
  data JSONB NOT NULL DEFAULT '{}',
  details JSONB NOT NULL DEFAULT '{}',
  user_id INTEGER NOT NULL UNIQUE REFERENCES "user"(id) ON DELETE CASCADE,
  created_at TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  updated_at TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP
);

CREATE TABLE IF NOT EXISTS path_to_victory (
  id SERIAL PRIMARY KEY,
  campaign_id INTEGER NOT NULL UNIQUE REFERENCES campaign(id) ON DELETE CASCADE,
  data JSONB NOT NULL DEFAULT '{}',
  created_at TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  updated_at TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP
);

CREATE TABLE IF NOT EXISTS elected_office (
  id UUID PRIMARY KEY,
  "electedDate" DATE,
  "swornInDate" DATE,
  "termStartDate" DATE,
  "termEndDate" DATE,
  "termLengthDays" INTEGER,
  "isActive" BOOLEAN NOT NULL DEFAULT true,
  user_id INTEGER NOT NULL REFERENCES "user"(id) ON DELETE CASCADE,
  campaign_id INTEGER NOT NULL REFERENCES campaign(id) ON DELETE CASCADE,
  created_at TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  updated_at TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX IF NOT EXISTS elected_office_user_id_idx ON elected_office (user_id);
CREATE INDEX IF NOT EXISTS elected_office_campaign_id_idx ON elected_office (campaign_id);
-- "At most one active office per user."
CREATE UNIQUE INDEX IF NOT EXISTS elected_office_one_active_per_user ON elected_office (user_id) WHERE "isActive";

CREATE TABLE IF NOT EXISTS voter_file_filter (
  id SERIAL PRIMARY KEY,
  name TEXT,
  "audienceSuperVoters" BOOLEAN,
  "audienceLikelyVoters" BOOLEAN,
  "audienceUnreliableVoters" BOOLEAN,
  "audienceUnlikelyVoters" BOOLEAN,
  "audienceFirstTimeVoters" BOOLEAN,
  "partyIndependent" BOOLEAN,
  "partyDemocrat" BOOLEAN,
  "partyRepublican" BOOLEAN,
  "partyUnknown" BOOLEAN,
  "age18_25" BOOLEAN,
  "age25_35" BOOLEAN,
  "age35_50" BOOLEAN,
  "age50Plus" BOOLEAN,
  "ageUnknown" BOOLEAN,
  "genderMale" BOOLEAN,
  "genderFemale" BOOLEAN,
  "genderUnknown" BOOLEAN,
  "ethnicityAsian" BOOLEAN,
  "ethnicityEuropean" BOOLEAN,
  "ethnicityHispanic" BOOLEAN,
  "ethnicityAfricanAmerican" BOOLEAN,
  "ethnicityOther" BOOLEAN,
  "ethnicityUnknown" BOOLEAN,
  "languageEnglish" BOOLEAN,
  "languageSpanish" BOOLEAN,
  "languageOther" BOOLEAN,
  "educationNone" BOOLEAN,
  "educationHighSchoolDiploma" BOOLEAN,
  "educationTechnicalSchool" BOOLEAN,
  "educationSomeCollege" BOOLEAN,
  "educationCollegeDegree" BOOLEAN,
  "educationGraduateDegree" BOOLEAN,
  "educationUnknown" BOOLEAN,
  "incomeUnknown" BOOLEAN,
  "maritalMarried" BOOLEAN,
  "maritalSingle" BOOLEAN,
  "maritalDivorced" BOOLEAN,
  "maritalWidowed" BOOLEAN,
  "maritalUnknown" BOOLEAN,
  "hasChildrenYes" BOOLEAN,
  "hasChildrenNo" BOOLEAN,
  "hasChildrenUnknown" BOOLEAN,
  "veteranYes" BOOLEAN,
  "veteranUnknown" BOOLEAN,
  "businessOwnerYes" BOOLEAN,
  "businessOwnerUnknown" BOOLEAN,
  "registeredVoterTrue" BOOLEAN,
  "registeredVoterFalse" BOOLEAN,
  "registeredVoterUnknown" BOOLEAN,
  "hasCellPhone" BOOLEAN,
  "hasLandline" BOOLEAN,
  "hasEmail" BOOLEAN,
  "hasAddress" BOOLEAN,
  "homeownerYes" BOOLEAN,
  "homeownerLikely" BOOLEAN,
  "homeownerNo" BOOLEAN,
  "homeownerUnknown" BOOLEAN,
  "languageCodes" TEXT[],
  "voterStatus" TEXT[],
  "incomeRanges" TEXT[],
  "voterCount" INTEGER,
  campaign_id INTEGER NOT NULL REFERENCES campaign(id) ON DELETE CASCADE,
  created_at TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  updated_at TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX IF NOT EXISTS voter_file_filter_campaign_id_idx ON voter_file_filter (campaign_id);
