using Microsoft.Extensions.DependencyInjection;

namespace Integrations.Testing;

/// <summary>
/// The stack's long-running services, read from the AppHost's model rather than listed again: every
/// project resource except those another resource waits for with <c>WaitForCompletion</c>, which run
/// once and exit (the migrator).
/// </summary>
public static class StackServices
{
    /// <summary>The services among <paramref name="resources"/>, in the order the AppHost adds them.</summary>
    public static IReadOnlyList<string> Of(IEnumerable<IResource> resources)
    {
        ArgumentNullException.ThrowIfNull(resources);
        var all = resources.ToList();
        var runOnce = all.SelectMany(resource => resource.Annotations.OfType<WaitAnnotation>())
            .Where(wait => wait.WaitType == WaitType.WaitForCompletion)
            .Select(wait => wait.Resource.Name)
            .ToHashSet(StringComparer.Ordinal);
        return [.. all.OfType<ProjectResource>().Select(project => project.Name).Where(name => !runOnce.Contains(name))];
    }

    /// <summary>The services of a built app.</summary>
    public static IReadOnlyList<string> Of(DistributedApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        return Of(app.Services.GetRequiredService<DistributedApplicationModel>().Resources);
    }

    /// <summary>
    /// The services of the AppHost configured with <paramref name="args"/>, from a testing builder that is
    /// never built, on a throwaway data directory. Nothing starts, so a test's theory rows can come from
    /// it at discovery, before any stack exists.
    /// </summary>
    public static async Task<IReadOnlyList<string>> ReadAsync(IEnumerable<string> args)
    {
        using var stack = new ThrowawayStack("model");
        using var cts = new CancellationTokenSource(StackFixture.StartTimeout);
        // Local infrastructure: the model's services are the same either way, and asking the container runtime takes seconds.
        await using var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.AppHost>(
            [$"Infra:DataDirectory={stack.DataDirectory}", "Infra:Mode=local", .. args], cts.Token);
        return Of(builder.Resources);
    }
}
