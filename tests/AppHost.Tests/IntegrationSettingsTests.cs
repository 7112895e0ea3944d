namespace Integrations.AppHost.Tests;

public sealed class IntegrationSettingsTests
{
    [Theory]
    [InlineData(null, "sandbox")]
    [InlineData("", "sandbox")]
    [InlineData("Sandbox", "sandbox")]
    [InlineData(" live ", "live")]
    public void EnvironmentDefaultsToSandbox(string? value, string expected) =>
        Assert.Equal(expected, IntegrationSettings.ParseEnvironment(value));

    [Fact]
    public void UnknownEnvironmentIsRefused() =>
        Assert.Throws<InvalidOperationException>(() => IntegrationSettings.ParseEnvironment("production"));

    [Fact]
    public void SandboxFillsMissingSecretsWithFreshValuesAndKeepsGivenOnes()
    {
        var first = IntegrationSettings.ResolveSecrets("sandbox", name => name == "GITHUB_WEBHOOK_SECRET" ? "given" : null);
        var second = IntegrationSettings.ResolveSecrets("sandbox", _ => null);

        Assert.Equal(IntegrationSettings.SecretNames.Count, first.Count);
        Assert.Equal("given", first["GITHUB_WEBHOOK_SECRET"]);
        Assert.StartsWith("xoxb-", first["SLACK_BOT_TOKEN"], StringComparison.Ordinal);
        Assert.StartsWith("whsec_", first["STRIPE_WEBHOOK_SECRET"], StringComparison.Ordinal);
        Assert.StartsWith("sk_test_", first["STRIPE_SECRET_KEY"], StringComparison.Ordinal);
        Assert.NotEqual(first["SLACK_SIGNING_SECRET"], second["SLACK_SIGNING_SECRET"]);
    }

    [Fact]
    public void LiveNamesEveryMissingVariableAndNoValue()
    {
        var present = IntegrationSettings.SecretNames.Where(n => n != "SLACK_BOT_TOKEN" && n != "GOOGLE_CLIENT_SECRET")
            .ToDictionary(n => n, n => $"value-of-{n}");

        var error = Assert.Throws<InvalidOperationException>(
            () => IntegrationSettings.ResolveSecrets("live", name => present.GetValueOrDefault(name)));

        Assert.Contains("SLACK_BOT_TOKEN", error.Message, StringComparison.Ordinal);
        Assert.Contains("GOOGLE_CLIENT_SECRET", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("value-of-", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LiveWithEverySecretStarts()
    {
        var values = IntegrationSettings.ResolveSecrets("live", name => $"value-of-{name}");

        Assert.All(values, pair => Assert.Equal($"value-of-{pair.Key}", pair.Value));
    }
}
