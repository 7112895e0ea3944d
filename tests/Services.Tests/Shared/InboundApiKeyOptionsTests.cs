using Integrations.Audit;
using Integrations.Worker;

namespace Integrations.Services.Tests;

/// <summary>
/// Every inbound API key is declared on its service's options and checked at start: a missing or
/// short key stops the service naming the setting, never the value.
/// </summary>
public sealed class InboundApiKeyOptionsTests
{
    private const string Good = "a-long-enough-key-0123456789";

    [Theory]
    [InlineData(null, "Worker:AdminApiKey is required")]
    [InlineData("short-key", "Worker:AdminApiKey must be at least 16 characters")]
    public void TheWorkersAdminKeyIsRequired(string? key, string expected)
    {
        var error = Assert.Throws<OptionsValidationException>(() => Resolve<WorkerOptions>(WorkerOptions.SectionName, new() { ["Worker:AdminApiKey"] = key }));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.Equal(Good, Resolve<WorkerOptions>(WorkerOptions.SectionName, new() { ["Worker:AdminApiKey"] = Good }).AdminApiKey);
    }

    [Theory]
    [InlineData("Audit:ApiKey", "Audit:ApiKey must be at least 16 characters")]
    [InlineData("Audit:AdminKey", "Audit:AdminKey must be at least 16 characters")]
    public void TheAuditKeysMustBeLongEnough(string setting, string expected)
    {
        var values = new Dictionary<string, string?>
        {
            ["Audit:ApiKey"] = Good,
            ["Audit:AdminKey"] = Good,
            ["Audit:ChainKey"] = new string('a', 64),
            [setting] = "short-key",
        };

        var error = Assert.Throws<OptionsValidationException>(() => Resolve<AuditOptions>(AuditOptions.SectionName, values));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("short-key", error.Message, StringComparison.Ordinal);
    }

    private static T Resolve<T>(string section, Dictionary<string, string?> values) where T : class
    {
        var services = new ServiceCollection()
            .AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(values).Build());
        services.AddOptions<T>().BindConfiguration(section).ValidateDataAnnotations();
        using var provider = services.BuildServiceProvider();
        return provider.GetRequiredService<IOptions<T>>().Value;
    }
}
