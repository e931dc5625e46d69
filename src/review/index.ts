// The diff review's surface: the report (`npm run diffs`, the page), triage marks and the rules they
// become, the noise verdict, replay of stored mismatches, and the stage gates with their record.
export { reviewFilter, parseDuration, FilterError, type ReviewFilter } from './window.js'
export { buildReport, type Report, type RouteReport, type FieldRow, type GroupRow, type GroupStatus } from './report.js'
export { classifyField, parseThreshold, splitSignatureKey, DEFAULT_NOISE_THRESHOLDS, type FieldVerdict, type NoiseThresholds } from './noise.js'
export { examples, type Example } from './groups.js'
export { ORIGINS, type Origin, type OutcomeCounts, type Latency, type TimelinePoint } from './queries.js'
export { addMark, currentMarks, markHistory, groupKey, MARKS, TriageError, type Mark, type TriageMark } from './triage.js'
export { createTriageRules, type TriageRulesProvider } from './triage-rules.js'
export { checkGate, GATE_DEFAULTS, GATE_TARGETS, type GateCheck, type GateEvidence, type GateOptions, type GateResult, type GateTarget } from './gate.js'
export { recordGate, contractGate, operatorName, CONTRACT_STEP_FLAGS, EVIDENCE_FLAGS, type ContractStep, type GateSource } from './decisions.js'
export { formatReport, formatGate, pct } from './format.js'
export { createReplayer, readRun, recentRuns, type Replayer, type ReplayerDeps, type ReplayRequest, type ReplayRun, type ReplayRunReport, type ReplayItem } from './replay.js'
export { backfillProgress, FLAG_JOBS, type BackfillProgress } from './backfill.js'
