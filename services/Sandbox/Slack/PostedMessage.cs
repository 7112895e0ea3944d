namespace Integrations.Sandbox.Slack;

/// <summary>A posted message and the idempotency key its sender put in its metadata, if any.</summary>
public sealed record PostedMessage(string Channel, string Ts, string Text, string? EffectKey);
