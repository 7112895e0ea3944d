namespace Integrations.Gate.Client;

/// <summary>Asks to spend <paramref name="Cost"/> units of the <c>(provider, connection)</c> budget.</summary>
/// <param name="Provider">A configured budget, e.g. <c>github</c>, <c>slack</c>, <c>stripe</c>, <c>stripe-test</c>, <c>google</c>.</param>
/// <param name="Connection">The account, token or channel the budget belongs to.</param>
public sealed record RateLimitRequest(string Provider, string Connection, int Cost = 1);
