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
        var first = IntegrationSettings.ResolveSecrets("sandbox", name => name == "GITHUB_WEBHOOK_SECRET" ? "given-webhook-secret" : null);
        var second = IntegrationSettings.ResolveSecrets("sandbox", _ => null);

        Assert.Equal(IntegrationSettings.SecretNames.Count, first.Count);
        Assert.Equal("given-webhook-secret", first["GITHUB_WEBHOOK_SECRET"]);
        Assert.StartsWith("xoxb-", first["SLACK_BOT_TOKEN"], StringComparison.Ordinal);
        Assert.StartsWith("whsec_", first["STRIPE_WEBHOOK_SECRET"], StringComparison.Ordinal);
        Assert.StartsWith("sk_test_", first["STRIPE_SECRET_KEY"], StringComparison.Ordinal);
        Assert.NotEqual(first["SLACK_SIGNING_SECRET"], second["SLACK_SIGNING_SECRET"]);
    }

    [Fact]
    public void LiveStartsWithOnlyTheProvidersATeamUses()
    {
        var present = new Dictionary<string, string>
        {
            ["GITHUB_WEBHOOK_SECRET"] = "value-of-GITHUB_WEBHOOK_SECRET",
            ["SLACK_BOT_TOKEN"] = "xoxb-value-of-SLACK_BOT_TOKEN",
        };

        var values = IntegrationSettings.ResolveSecrets("live", name => present.GetValueOrDefault(name));

        Assert.Equal(present, values);
    }

    [Fact]
    public void LiveNamesAHalfConfiguredOAuthAppAndNoValue()
    {
        var present = new Dictionary<string, string> { ["GOOGLE_CLIENT_ID"] = "value-of-GOOGLE_CLIENT_ID" };

        var error = Assert.Throws<InvalidOperationException>(
            () => IntegrationSettings.ResolveSecrets("live", name => present.GetValueOrDefault(name)));

        Assert.Contains("GOOGLE_CLIENT_SECRET", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("value-of-", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LiveWithEverySecretStarts()
    {
        var values = IntegrationSettings.ResolveSecrets("live", name => $"value-of-{name}");

        Assert.All(values, pair => Assert.Equal($"value-of-{pair.Key}", pair.Value));
    }

    [Theory]
    [InlineData("STRIPE_WEBHOOK_SECRET", "whsec_xxx", "sandbox", "is a placeholder")]
    [InlineData("STRIPE_SECRET_KEY", "sk_test_xxx", "sandbox", "is a placeholder")]
    [InlineData("GITHUB_WEBHOOK_SECRET", "changeme", "live", "is a placeholder")]
    [InlineData("SLACK_SIGNING_SECRET", "0000000000000000000000", "live", "is a placeholder")]
    [InlineData("SLACK_BOT_TOKEN", "xoxb-", "sandbox", "is a placeholder")]
    [InlineData("GITHUB_WEBHOOK_SECRET", "hunter2-hunter2", "sandbox", "is shorter than 16 characters")]
    [InlineData("STRIPE_SECRET_KEY", "sk_test_51Hq2xYzA0bCdEfGhIjKlMn", "live", "is a Stripe test-mode key, and INTEGRATION_ENV is live")]
    [InlineData("STRIPE_SECRET_KEY", "sk_live_51Hq2xYzA0bCdEfGhIjKlMn", "sandbox", "is a live Stripe key, and INTEGRATION_ENV is sandbox")]
    public void APlaceholderAShortSecretOrAStripeKeyOfTheOtherModeIsRefusedByNameAndNeverShown(string name, string value, string environment, string problem)
    {
        var values = IntegrationSettings.SecretNames.ToDictionary(n => n, n => $"a-real-looking-value-of-{n}");
        values[name] = value;

        var error = Assert.Throws<InvalidOperationException>(() => IntegrationSettings.ResolveSecrets(environment, n => values[n]));

        Assert.Contains($"{name} {problem}", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(value, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("STRIPE_SECRET_KEY", "sk_test_51Hq2xYzA0bCdEfGhIjKlMn", "sandbox")]
    [InlineData("STRIPE_SECRET_KEY", "sk_live_51Hq2xYzA0bCdEfGhIjKlMn", "live")]
    [InlineData("STRIPE_WEBHOOK_SECRET", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "live")]
    [InlineData("SLACK_WEBHOOK_URL", "/slack/services/T0/B0/abc", "sandbox")]
    public void RealLookingValuesAreAccepted(string name, string value, string environment) =>
        Assert.Null(IntegrationSettings.Problem(name, value, environment));

    [Theory]
    [InlineData("whpk_AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA=")]
    [InlineData("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")]
    public void ADeclaredStandardSourceTakesAWhpkPublicKeyOrAWhsecSecret(string key)
    {
        var values = IntegrationSettings.ResolveSecrets("live", name => name == "ACME_WEBHOOK_SECRET" ? key : null, [new WebhookSource("acme", "standard", null)]);

        Assert.Equal(key, values["ACME_WEBHOOK_SECRET"]);
    }

    [Theory]
    [InlineData("whpk_AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHw==", "is not an Ed25519 public key: 'whpk_' must be followed by the base64 of 32 bytes (it decodes to 31)")]
    [InlineData("whpk_AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eH!A=", "is not an Ed25519 public key: 'whpk_' must be followed by the base64 of 32 bytes (it is not base64)")]
    [InlineData("whsk_VEVTVFNJR05JTkdLRVlET05PVFVTRVRISVNGT1JBTlk=", "is a whsk_ signing key, which only the sender should hold")]
    [InlineData("a-hex-secret-0123456789abcdef", "is not a Standard Webhooks key")]
    public void AMalformedKeyOfADeclaredStandardSourceStopsStartNamingItsVariable(string key, string problem)
    {
        var error = Assert.Throws<InvalidOperationException>(
            () => IntegrationSettings.ResolveSecrets("sandbox", name => name == "ACME_WEBHOOK_SECRET" ? key : null, [new WebhookSource("acme", "standard", null)]));

        Assert.Contains($"ACME_WEBHOOK_SECRET {problem}", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(key[5..], error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData("", null)]
    [InlineData("0", 0.0)]
    [InlineData("0.25", 0.25)]
    [InlineData("1", 1.0)]
    public void TraceSampleRatioIsUnsetOrFromZeroToOne(string? value, double? expected) =>
        Assert.Equal(expected, ServiceWiringExtensions.TraceSampleRatio(value));

    [Theory]
    [InlineData("1.5")]
    [InlineData("-0.1")]
    [InlineData("all")]
    public void TraceSampleRatioOutOfRangeNamesTheSetting(string value)
    {
        var error = Assert.Throws<InvalidOperationException>(() => ServiceWiringExtensions.TraceSampleRatio(value));

        Assert.Contains("TELEMETRY_TRACE_SAMPLE_RATIO", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData("", null)]
    [InlineData("0", 0.0)]
    [InlineData("200", 200.0)]
    public void TracesPerSecondIsUnsetOrANumber(string? value, double? expected) =>
        Assert.Equal(expected, ServiceWiringExtensions.TracesPerSecond(value));

    [Theory]
    [InlineData("-1")]
    [InlineData("100001")]
    [InlineData("many")]
    public void TracesPerSecondOutOfRangeNamesTheSetting(string value)
    {
        var error = Assert.Throws<InvalidOperationException>(() => ServiceWiringExtensions.TracesPerSecond(value));

        Assert.Contains("TELEMETRY_TRACES_PER_SECOND", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, ServiceWiringExtensions.DefaultMetricExportSeconds)]
    [InlineData("", ServiceWiringExtensions.DefaultMetricExportSeconds)]
    [InlineData("1", 1)]
    [InlineData("60", 60)]
    [InlineData("300", 300)]
    public void MetricExportIntervalIsWholeSecondsWithADefault(string? value, int expected) =>
        Assert.Equal(expected, ServiceWiringExtensions.MetricExportSeconds(value));

    [Theory]
    [InlineData("0")]
    [InlineData("301")]
    [InlineData("1.5")]
    [InlineData("-5")]
    [InlineData("ten")]
    public void MetricExportIntervalOutOfRangeNamesTheSetting(string value)
    {
        var error = Assert.Throws<InvalidOperationException>(() => ServiceWiringExtensions.MetricExportSeconds(value));

        Assert.Contains("TELEMETRY_METRIC_EXPORT_SECONDS", error.Message, StringComparison.Ordinal);
    }
}
