using Microsoft.Extensions.Configuration;

namespace Integrations.AppHost.Tests;

/// <summary>Webhook sources declared in configuration, and their secrets, as the AppHost reads them.</summary>
public sealed class WebhookSourceTests
{
    private static IConfiguration Configuration(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => KeyValuePair.Create(v.Key, (string?)v.Value))).Build();

    [Fact]
    public void DeclaredSourcesAreReadWithTheirSchemeBodyLimitAndSecretVariable()
    {
        var sources = WebhookSource.Read(Configuration(
            ("Webhooks:Sources:acme-billing:Scheme", "standard"),
            ("Webhooks:Sources:acme-billing:MaxBodyBytes", "2048"),
            ("Webhooks:Sources:github:MaxBodyBytes", "4096")), sandbox: false);

        Assert.Equal(2, sources.Count);
        var acme = Assert.Single(sources, s => s.Name == "acme-billing");
        Assert.Equal(("standard", (long?)2048, "ACME_BILLING_WEBHOOK_SECRET", false), (acme.Scheme, acme.MaxBodyBytes, acme.SecretVariable, acme.IsBuiltIn));
        var github = Assert.Single(sources, s => s.Name == "github");
        Assert.Equal(("github", (long?)4096, "GITHUB_WEBHOOK_SECRET", true), (github.Scheme, github.MaxBodyBytes, github.SecretVariable, github.IsBuiltIn));
    }

    [Fact]
    public void TheSandboxHasTheHelpDeskSourceByDefaultAndLiveOnlyWhenDeclared()
    {
        Assert.Equal([WebhookSource.SandboxSupport], WebhookSource.Read(Configuration(), sandbox: true));
        Assert.Empty(WebhookSource.Read(Configuration(), sandbox: false));
        Assert.Equal(
            [new WebhookSource("support", "standard", 1000)],
            WebhookSource.Read(Configuration(("Webhooks:Sources:support:Scheme", "standard"), ("Webhooks:Sources:support:MaxBodyBytes", "1000")), sandbox: true));
    }

    [Theory]
    [InlineData("Webhooks:Sources:Acme:Scheme", "standard", "Webhooks:Sources:Acme: a source name is lowercase")]
    [InlineData("Webhooks:Sources:acme:Scheme", "hmac", "Webhooks:Sources:acme:Scheme must be standard, github, stripe, slack, not 'hmac'")]
    [InlineData("Webhooks:Sources:acme:MaxBodyBytes", "1024", "Webhooks:Sources:acme:Scheme must be")]
    [InlineData("Webhooks:Sources:stripe:Scheme", "standard", "the built-in source stripe is always verified as stripe")]
    [InlineData("Webhooks:Sources:github:MaxBodyBytes", "26214401", "Webhooks:Sources:github:MaxBodyBytes must be a whole number of bytes from 1 to 26214400")]
    [InlineData("Webhooks:Sources:github:MaxBodyBytes", "1MB", "Webhooks:Sources:github:MaxBodyBytes must be")]
    public void AnInvalidDeclarationStopsStartUpNamingItsKey(string key, string value, string expected)
    {
        var error = Assert.Throws<InvalidOperationException>(() => WebhookSource.Read(Configuration((key, value)), sandbox: true));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LiveRefusesADeclaredSourceWithoutItsSecretNamingTheVariable()
    {
        var sources = WebhookSource.Read(Configuration(("Webhooks:Sources:acme:Scheme", "standard")), sandbox: false);

        var error = Assert.Throws<InvalidOperationException>(() => IntegrationSettings.ResolveSecrets("live", _ => null, sources));

        Assert.Contains("ACME_WEBHOOK_SECRET (the source acme is declared)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LivePassesADeclaredSourcesSecretAndChecksItLikeAnyOther()
    {
        var sources = WebhookSource.Read(Configuration(("Webhooks:Sources:acme:Scheme", "standard")), sandbox: false);

        var values = IntegrationSettings.ResolveSecrets("live", name => name == "ACME_WEBHOOK_SECRET" ? "whsec_c2VjcmV0LWZvci1hY21lLXNvdXJjZQ==" : null, sources);
        var placeholder = Assert.Throws<InvalidOperationException>(
            () => IntegrationSettings.ResolveSecrets("live", name => name == "ACME_WEBHOOK_SECRET" ? "whsec_xxx" : null, sources));

        Assert.Equal("whsec_c2VjcmV0LWZvci1hY21lLXNvdXJjZQ==", Assert.Single(values).Value);
        Assert.Contains("ACME_WEBHOOK_SECRET is a placeholder", placeholder.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TheSandboxGivesAStandardSourceAFreshStandardWebhooksSecret()
    {
        var sources = WebhookSource.Read(Configuration(), sandbox: true);

        var first = IntegrationSettings.ResolveSecrets("sandbox", _ => null, sources)["SUPPORT_WEBHOOK_SECRET"];
        var second = IntegrationSettings.ResolveSecrets("sandbox", _ => null, sources)["SUPPORT_WEBHOOK_SECRET"];

        Assert.StartsWith("whsec_", first, StringComparison.Ordinal);
        Assert.Equal(32, Convert.FromBase64String(first["whsec_".Length..]).Length);
        Assert.NotEqual(first, second);
    }
}
