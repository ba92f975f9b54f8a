package proc

import heroproc "github.com/lhumina-code/rules_oschema/proc/hero_proc/generated"

// The schema's records, as aliases of the generated types: a proc.Run is a
// heroproc.Run, so values pass between this package, package heroproc and
// package factory without conversion. Their fields are documented in
// package heroproc.
type (
	// ServiceSpec is a reusable run template: the actions of a service.
	ServiceSpec = heroproc.ServiceSpec
	// ActionSpec is one step of a service or a run.
	ActionSpec = heroproc.ActionSpec
	// RetryPolicy is how an action whose process failed is retried.
	RetryPolicy = heroproc.RetryPolicy
	// BackoffPolicy is how a restarted action backs off.
	BackoffPolicy = heroproc.BackoffPolicy
	// HealthCheck is a readiness or liveness probe of an action.
	HealthCheck = heroproc.HealthCheck
	// ServiceStatus is a service's spec, wanted state and actual state.
	ServiceStatus = heroproc.ServiceStatus
	// Run is the universal unit of execution: a set of jobs.
	Run = heroproc.Run
	// RunStatus is a run's phase and job counts.
	RunStatus = heroproc.RunStatus
	// Job is the execution of one action inside a run.
	Job = heroproc.Job
	// LogEntry is one log line, with its cursor (Logid).
	LogEntry = heroproc.LogEntry
	// LogPage is a page of log lines and the cursor of the next page.
	LogPage = heroproc.LogPage
	// Secret is a secret with its value.
	Secret = heroproc.Secret
	// SecretInfo is a secret's name, never its value.
	SecretInfo = heroproc.SecretInfo
	// VersionInfo is what daemon is running, and where.
	VersionInfo = heroproc.VersionInfo
	// Health is whether the daemon can do its work.
	Health = heroproc.Health
)

// The schema's enums, as aliases of the generated types.
type (
	// WantedState is what the operator wants a service to be.
	WantedState = heroproc.WantedState
	// ServiceClass is who a service runs for.
	ServiceClass = heroproc.ServiceClass
	// RunPhase is where a run is.
	RunPhase = heroproc.RunPhase
	// JobPhase is where a job is.
	JobPhase = heroproc.JobPhase
	// ServiceState is what a service as a whole is doing.
	ServiceState = heroproc.ServiceState
	// RestartPolicy is what to do when an action's process exits.
	RestartPolicy = heroproc.RestartPolicy
	// LogStream is where a log line came from.
	LogStream = heroproc.LogStream
	// LogLevel is how bad a log line is.
	LogLevel = heroproc.LogLevel
	// HealthKind is how a health check probes an action.
	HealthKind = heroproc.HealthKind
)

// The values of WantedState.
const (
	WantedStateStart  = heroproc.WantedStateStart
	WantedStateStop   = heroproc.WantedStateStop
	WantedStateIgnore = heroproc.WantedStateIgnore
)

// The values of ServiceClass.
const (
	ServiceClassUser   = heroproc.ServiceClassUser
	ServiceClassSystem = heroproc.ServiceClassSystem
)

// The values of RunPhase. Success, failed and cancelled are final.
const (
	RunPhaseCreated   = heroproc.RunPhaseCreated
	RunPhaseRunning   = heroproc.RunPhaseRunning
	RunPhaseSuccess   = heroproc.RunPhaseSuccess
	RunPhaseFailed    = heroproc.RunPhaseFailed
	RunPhaseCancelled = heroproc.RunPhaseCancelled
)

// The values of JobPhase.
const (
	JobPhaseCreated     = heroproc.JobPhaseCreated
	JobPhaseWaitingDeps = heroproc.JobPhaseWaitingDeps
	JobPhaseRunning     = heroproc.JobPhaseRunning
	JobPhaseBackoff     = heroproc.JobPhaseBackoff
	JobPhaseStopping    = heroproc.JobPhaseStopping
	JobPhaseSuccess     = heroproc.JobPhaseSuccess
	JobPhaseFailed      = heroproc.JobPhaseFailed
	JobPhaseExited      = heroproc.JobPhaseExited
	JobPhaseSkipped     = heroproc.JobPhaseSkipped
)

// The values of ServiceState.
const (
	ServiceStateInactive = heroproc.ServiceStateInactive
	ServiceStateStarting = heroproc.ServiceStateStarting
	ServiceStateRunning  = heroproc.ServiceStateRunning
	ServiceStateBackoff  = heroproc.ServiceStateBackoff
	ServiceStateStopping = heroproc.ServiceStateStopping
	ServiceStateSuccess  = heroproc.ServiceStateSuccess
	ServiceStateFailed   = heroproc.ServiceStateFailed
	ServiceStateExited   = heroproc.ServiceStateExited
)

// The values of RestartPolicy.
const (
	RestartPolicyNever     = heroproc.RestartPolicyNever
	RestartPolicyOnFailure = heroproc.RestartPolicyOnFailure
	RestartPolicyAlways    = heroproc.RestartPolicyAlways
)

// The values of LogStream.
const (
	LogStreamStdout = heroproc.LogStreamStdout
	LogStreamStderr = heroproc.LogStreamStderr
	LogStreamSystem = heroproc.LogStreamSystem
)

// The values of LogLevel.
const (
	LogLevelDebug = heroproc.LogLevelDebug
	LogLevelInfo  = heroproc.LogLevelInfo
	LogLevelWarn  = heroproc.LogLevelWarn
	LogLevelError = heroproc.LogLevelError
)

// The values of HealthKind.
const (
	HealthKindExec = heroproc.HealthKindExec
	HealthKindTCP  = heroproc.HealthKindTCP
	HealthKindHTTP = heroproc.HealthKindHTTP
)

// runDone reports whether a run in phase p has finished for good.
func runDone(p RunPhase) bool {
	return p == RunPhaseSuccess || p == RunPhaseFailed || p == RunPhaseCancelled
}
