using Integrations.Worker.Backfill;

namespace Integrations.Services.Tests;

public sealed class BackfillOptionsTests
{
    [Fact]
    public void BackfillDefaultsRunEveryQuarterHourLookingBackThreeDaysOnFullPages()
    {
        var options = Resolve([]);

        Assert.Equal(TimeSpan.FromMinutes(15), options.Interval);
        Assert.Equal(TimeSpan.FromDays(3), options.Lookback);
        Assert.Equal(TimeSpan.FromMinutes(1), options.MinimumAge);
        Assert.Equal(100, options.PageSize);
        Assert.Empty(options.GitHub.Hooks);
    }

    [Fact]
    public void BackfillHooksAreOwnerRepoColonHookId()
    {
        var options = Resolve(new() { ["Backfill:GitHub:Hooks:0"] = "acme/widgets:12345678", ["Backfill:Interval"] = "00:00:00" });

        Assert.Equal(new GitHubHook("acme/widgets", 12345678), GitHubHook.Parse(Assert.Single(options.GitHub.Hooks)));
        Assert.Equal(TimeSpan.Zero, options.Interval);
    }

    [Theory]
    [InlineData("Backfill:GitHub:Hooks:0", "acme/widgets", "Backfill:GitHub:Hooks:0 must be owner/repo:hookId")]
    [InlineData("Backfill:GitHub:Hooks:0", "acme:123", "Backfill:GitHub:Hooks:0 must be owner/repo:hookId")]
    [InlineData("Backfill:PageSize", "101", "PageSize")]
    public void ABadBackfillSettingFailsNamingIt(string key, string value, string expected)
    {
        var error = Assert.Throws<OptionsValidationException>(() => Resolve(new() { [key] = value }));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    private static BackfillOptions Resolve(Dictionary<string, string?> settings)
    {
        var services = new ServiceCollection()
            .AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        services.AddOptions<BackfillOptions>().BindConfiguration(BackfillOptions.SectionName).ValidateDataAnnotations();
        using var provider = services.BuildServiceProvider();
        return provider.GetRequiredService<IOptions<BackfillOptions>>().Value;
    }
}
