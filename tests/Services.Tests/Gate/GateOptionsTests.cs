using Integrations.Gate;
using Integrations.Gate.RateLimits;

namespace Integrations.Services.Tests;

public sealed class GateOptionsTests
{
    [Fact]
    public void DefaultBudgetsFollowTheProvidersDocumentedLimits()
    {
        var budgets = new GateOptions().Budgets;

        Assert.Equal(720, budgets["github"].EmissionIntervalMilliseconds);
        Assert.Equal(1000, budgets["slack"].EmissionIntervalMilliseconds);
        Assert.Equal(10, budgets["stripe"].EmissionIntervalMilliseconds);
        Assert.Equal(40, budgets["stripe-test"].EmissionIntervalMilliseconds);
        Assert.Contains("google", budgets.Keys);
        Assert.Equal(TimeSpan.FromDays(7), new GateOptions().IdempotencyRetention);
    }

    [Fact]
    public void ConfiguringOneBudgetSettingKeepsTheOtherDefaultsAndAddsNewProviders()
    {
        var options = Resolve(new()
        {
            ["Gate:Budgets:github:Limit"] = "15000",
            ["Gate:Budgets:jira:Limit"] = "10",
            ["Gate:IdempotencyRetention"] = "1.00:00:00",
        });

        Assert.Equal(15000, options.Budgets["github"].Limit);
        Assert.Equal(TimeSpan.FromHours(1), options.Budgets["github"].Period);
        Assert.Equal(100, options.Budgets["github"].Burst);
        Assert.Equal(10, options.Budgets["jira"].Limit);
        Assert.Equal(3, options.Budgets["slack"].Burst);
        Assert.Equal(TimeSpan.FromDays(1), options.IdempotencyRetention);
    }

    [Fact]
    public void MissingApiKeyFailsWithAMessageNamingTheSetting()
    {
        var error = Assert.Throws<OptionsValidationException>(() => Resolve(new() { ["Gate:ApiKey"] = null }));

        Assert.Contains("Gate:ApiKey", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void InvalidBudgetFailsWithAMessageNamingTheSetting()
    {
        var error = Assert.Throws<OptionsValidationException>(() => Resolve(new() { ["Gate:Budgets:slack:Limit"] = "0" }));

        Assert.Contains("Gate:Budgets:slack:Limit", error.Message, StringComparison.Ordinal);
    }

    private static GateOptions Resolve(Dictionary<string, string?> settings)
    {
        var values = new Dictionary<string, string?> { ["Gate:ApiKey"] = "unit-test-key-0123456789" };
        foreach (var (key, value) in settings)
        {
            values[key] = value;
        }

        var services = new ServiceCollection()
            .AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(values).Build());
        services.AddOptions<GateOptions>().BindConfiguration(GateOptions.SectionName).ValidateDataAnnotations();
        using var provider = services.BuildServiceProvider();
        return provider.GetRequiredService<IOptions<GateOptions>>().Value;
    }
}
