namespace Integrations.Sandbox.Faults;

/// <summary>
/// A fault the sandbox injects into provider calls whose path starts with <see cref="Route"/>.
/// Kinds: <c>status</c> answers <see cref="Status"/> (with <c>Retry-After</c> when set) instead of
/// the real handler; <c>acted</c> lets the real handler act, then answers <see cref="Status"/> (502
/// when unset) in place of its answer, as Slack and GitHub do when their front end fails after the
/// effect; <c>latency</c> delays the call by <see cref="Latency"/> and then answers it;
/// <c>stall</c> lets the provider act at once but holds the answer for <see cref="Latency"/>, so a
/// caller that gives up or dies meanwhile has caused the effect without learning of it;
/// <c>reset</c> drops the connection. <see cref="Count"/> limits how many calls are hit (null: all).
/// </summary>
public sealed record FaultRule(
    string Route,
    string Kind,
    int? Status = null,
    TimeSpan? RetryAfter = null,
    TimeSpan? Latency = null,
    int? Count = null);
