// The vocabulary the generated data set draws from: names, places and the offices a candidate can pick,
// each office with the L2 district type and name pattern its path-to-victory row would carry.

export const FIRST_NAMES = [
  'Ava', 'Liam', 'Olivia', 'Noah', 'Emma', 'Mateo', 'Sophia', 'Elijah', 'Isabella', 'James', 'Mia', 'Lucas',
  'Amelia', 'Benjamin', 'Harper', 'Ethan', 'Evelyn', 'Jack', 'Camila', 'Aiden', 'Luna', 'Diego', 'Priya',
  'Wei', 'Fatima', 'Kwame', 'Sean', 'Maria', 'José', 'Zoë', "D'Andre", 'Anne-Marie', 'Nguyen', 'Ola',
] as const

export const LAST_NAMES = [
  'Smith', 'Johnson', 'Williams', 'Brown', 'Jones', 'Garcia', 'Miller', 'Davis', 'Rodriguez', 'Martinez',
  'Hernandez', 'Lopez', 'Gonzalez', 'Wilson', 'Anderson', 'Thomas', 'Taylor', 'Moore', 'Jackson', 'Martin',
  'Lee', 'Perez', 'Thompson', 'White', 'Harris', 'Clark', 'Lewis', 'Robinson', 'Walker', 'Young', "O'Brien",
  'Nakamura', 'Okafor', 'Van der Berg', 'Śliwa', 'Chen', 'Patel', 'Kim',
] as const

export const STATES = [
  'AL', 'AK', 'AZ', 'AR', 'CA', 'CO', 'CT', 'DE', 'FL', 'GA', 'HI', 'ID', 'IL', 'IN', 'IA', 'KS', 'KY', 'LA',
  'ME', 'MD', 'MA', 'MI', 'MN', 'MS', 'MO', 'MT', 'NE', 'NV', 'NH', 'NJ', 'NM', 'NY', 'NC', 'ND', 'OH', 'OK',
  'OR', 'PA', 'RI', 'SC', 'SD', 'TN', 'TX', 'UT', 'VT', 'VA', 'WA', 'WV', 'WI', 'WY',
] as const

export const CITIES = [
  'SPRINGFIELD', 'FRANKLIN', 'GREENVILLE', 'BRISTOL', 'CLINTON', 'FAIRVIEW', 'SALEM', 'MADISON', 'GEORGETOWN',
  'ARLINGTON', 'ASHLAND', 'DOVER', 'OXFORD', 'JACKSON', 'BURLINGTON', 'MANCHESTER', 'MILTON', 'NEWPORT',
  'AUBURN', 'DAYTON', 'LEXINGTON', 'MILFORD', 'RIVERSIDE', 'CLEVELAND', 'HUDSON', 'KINGSTON', 'MOUNT VERNON',
] as const

export const COUNTIES = [
  'WASHINGTON', 'JEFFERSON', 'FRANKLIN', 'JACKSON', 'LINCOLN', 'MADISON', 'MONTGOMERY', 'UNION', 'MARION',
  'GREENE', 'WARREN', 'CLAY', 'MONROE', 'WAYNE', 'COOK', 'ORANGE', 'LAKE', 'CLARK', 'POLK', 'HAMILTON',
] as const

/**
 * Offices of the picker: BallotReady level and office name, with the L2 district type and a district
 * name pattern ({CITY}, {COUNTY}, {NNN} zero-padded district number, {N} plain number).
 */
export const OFFICES: readonly { level: string; office: string; l2Type: string; location: string }[] = [
  { level: 'CITY', office: 'City Council', l2Type: 'City_Council', location: '{CITY} CITY COUNCIL DISTRICT {N}' },
  { level: 'CITY', office: 'City Council', l2Type: 'City_Council', location: '{CITY} CITY COUNCIL WARD {N}' },
  { level: 'CITY', office: 'Mayor', l2Type: 'City', location: '{CITY} CITY' },
  { level: 'CITY', office: 'City Clerk', l2Type: 'City', location: '{CITY} CITY' },
  { level: 'COUNTY', office: 'County Commissioner', l2Type: 'County_Commissioner', location: '{COUNTY} COUNTY COMMISSIONER DISTRICT {N}' },
  { level: 'COUNTY', office: 'County Sheriff', l2Type: 'County', location: '{COUNTY} COUNTY' },
  { level: 'COUNTY', office: 'County Board of Supervisors', l2Type: 'County_Supervisorial_District', location: '{COUNTY} COUNTY SUPERVISOR DISTRICT {N}' },
  { level: 'LOCAL', office: 'School Board', l2Type: 'School_District', location: '{CITY} UNIFIED SCHOOL DISTRICT' },
  { level: 'LOCAL', office: 'School Board', l2Type: 'School_Board_District', location: '{CITY} SCHOOL BOARD DISTRICT {N}' },
  { level: 'LOCAL', office: 'Library Board', l2Type: 'Library_District', location: '{CITY} LIBRARY DISTRICT' },
  { level: 'STATE', office: 'State House', l2Type: 'State_House', location: 'STATE HOUSE {NNN}' },
  { level: 'STATE', office: 'State Representative', l2Type: 'State_House', location: 'STATE HOUSE {NNN}' },
  { level: 'STATE', office: 'State Senate', l2Type: 'State_Senate', location: 'STATE SENATE {NNN}' },
  { level: 'FEDERAL', office: 'U.S. House', l2Type: 'US_Congressional_District', location: 'CONGRESSIONAL DISTRICT {NNN}' },
  { level: 'REGIONAL', office: 'Water District Board', l2Type: 'Water_District', location: '{COUNTY} WATER DISTRICT' },
  { level: 'TOWNSHIP', office: 'Township Trustee', l2Type: 'Township', location: '{CITY} TOWNSHIP' },
]

/** Free-text offices typed after choosing "Other". */
export const OTHER_OFFICES = [
  'Soil and Water Conservation District Supervisor',
  'Fire Protection District Commissioner',
  'Hospital District Board',
  'Cemetery Board Trustee',
  'Mosquito Abatement District Trustee',
  'Port Commissioner',
  'Neighborhood Council',
] as const

export const PARTIES = ['Independent', 'Nonpartisan', 'Green', 'Libertarian', 'Forward', 'Working Families', 'Democrat', 'Republican'] as const

export const OCCUPATIONS = ['Teacher', 'Nurse', 'Small business owner', 'Veteran', 'Engineer', 'Farmer', 'Retired', 'Attorney', 'Student'] as const

export const FILTER_NAMES = [
  'Likely voters', 'Super voters', 'First-time voters', 'Young voters', 'Seniors', 'Independents', 'Democrats',
  'Republicans', 'Spanish speakers', 'Homeowners', 'Door knocking list', 'Text blast', 'Phone bank', 'Mailers',
  'Everyone', 'test', 'Copy of Likely voters',
] as const
