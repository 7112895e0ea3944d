namespace Integrations.Audit.Writing;

/// <summary>A write that was queued when the service began to stop: it was not written, and the caller is told to retry.</summary>
public sealed class AuditWriterStoppedException() : Exception("The audit service is stopping; the row was not written.");
