namespace Integrations.Resilience.Tests;

/// <summary>The proofs that share one <see cref="ResilienceStack"/> (xunit finds collections in the test assembly).</summary>
[CollectionDefinition(Name)]
public sealed class ResilienceCollection : ICollectionFixture<ResilienceStack>
{
    public const string Name = "resilience";
}
