namespace Integrations.AppHost.Tests;

/// <summary>The tests that share one started stack, <see cref="StackFixture"/> (xunit finds collections in the test assembly).</summary>
[CollectionDefinition(Name)]
public sealed class StackCollection : ICollectionFixture<StackFixture>
{
    public const string Name = "stack";
}
