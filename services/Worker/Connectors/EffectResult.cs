namespace Integrations.Worker.Connectors;

/// <summary>What an effect produced.</summary>
/// <param name="Outcome">The provider's id for the effect, e.g. a Slack message <c>ts</c> or an issue URL.</param>
/// <param name="AlreadyDone">True when the key was completed before: nothing was sent this time.</param>
public sealed record EffectResult(string Outcome, bool AlreadyDone);
