// The lab runner's public surface: checks, grading and lab proofs over a
// ClusterClient, pure so that it runs in Node and in the page's worker alike.
export { ApiError, targetNamespace, type ClusterClient, type CommandResult, type CommandRunner, type KObject, type ListQuery, type ObjectRef, type ResourceInfo } from './client.ts';
export { evaluate, failureText, checkName, type CheckResult } from './checks.ts';
export { explainMissing, explainObject } from './explain.ts';
export { match, show, type Mismatch } from './match.ts';
export { parseManifests, parseCommands, looksBinary, type TextFile, type ManifestObject, type CommandLine } from './manifests.ts';
export { grade, gradeSteps, prepareLab, applySubmission, stepFailureText, type GradeOptions, type GradeResult, type StepResult, type Submission } from './grade.ts';
export { checkLab, type Backend, type LabBundle, type LabCheckReport, type ScenarioResult } from './lab-check.ts';
export { formatGrades, textReport, junitReport, tapReport, labCheckText, FORMATS, type Format } from './report.ts';
export { shimBackend, freshShim, shimTopology, type ShimBackendOptions } from './shim-backend.ts';
export { ShimCommandRunner, hostTimer, type Timer } from './shim-commands.ts';
export { TransportClusterClient, shimClient, FIELD_MANAGER } from './transport-client.ts';
export { ClusterView, type ApplyRecord } from './view.ts';
