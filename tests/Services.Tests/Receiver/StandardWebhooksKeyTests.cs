using Integrations.Receiver;
using Integrations.Receiver.Client;

namespace Integrations.Services.Tests;

public sealed class StandardWebhooksKeyTests
{
    private static readonly string s_publicKey = "whpk_" + Convert.ToBase64String(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray());

    [Fact]
    public void AWhpkKeyOfThirtyTwoBytesIsAPublicKeyThatVerifies()
    {
        var key = StandardWebhooksKey.Parse(s_publicKey);

        Assert.Equal(StandardWebhooksKeyKind.PublicKey, key?.Kind);
        Assert.Equal(32, key?.Bytes.Length);
        Assert.Null(StandardWebhooksKey.VerificationKeyProblem(s_publicKey));
    }

    [Theory]
    [InlineData("whpk_AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHw==", "decodes to 31")]
    [InlineData("whpk_AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyAh", "decodes to 33")]
    [InlineData("whpk_not base64!", "not base64")]
    [InlineData("whpk_", "decodes to 0")]
    public void AMalformedWhpkKeyIsRefusedSayingWhyWithoutTheKey(string value, string why)
    {
        var problem = StandardWebhooksKey.VerificationKeyProblem(value);

        Assert.NotNull(problem);
        Assert.Contains("'whpk_' must be followed by the base64 of 32 bytes", problem, StringComparison.Ordinal);
        Assert.Contains(why, problem, StringComparison.Ordinal);
        if (value.Length > "whpk_".Length)
        {
            Assert.DoesNotContain(value["whpk_".Length..], problem, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void AWhskSigningKeyIsNoKeyForTheReceiver()
    {
        const string signingKey = "whsk_VEVTVFNJR05JTkdLRVlET05PVFVTRVRISVNGT1JBTlk=";

        Assert.Equal(StandardWebhooksKeyKind.SecretKey, StandardWebhooksKey.Parse(signingKey)?.Kind);
        var problem = StandardWebhooksKey.VerificationKeyProblem(signingKey);
        Assert.Contains("only the sender should hold", problem, StringComparison.Ordinal);
        Assert.DoesNotContain("VEVTVFNJR05J", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void ReceiverOptionsAcceptAWhpkKeyBesideAWhsecSecretForAStandardSource()
    {
        var options = StandardSource("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", s_publicKey);

        Assert.Empty(options.Validate());
    }

    [Fact]
    public void ReceiverOptionsNameTheMalformedKeyOfAStandardSourceAtStart()
    {
        var options = StandardSource("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "whpk_AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHw==");

        var problem = Assert.Single(options.Validate());

        Assert.StartsWith("Receiver:Sources:acme:Secrets:1 is not an Ed25519 public key", problem, StringComparison.Ordinal);
        Assert.DoesNotContain("AQIDBAUG", problem, StringComparison.Ordinal);
    }

    private static ReceiverOptions StandardSource(params string[] secrets) => new()
    {
        Sources = new(StringComparer.OrdinalIgnoreCase) { ["acme"] = new() { Scheme = "standard", Secrets = [.. secrets] } },
    };
}
