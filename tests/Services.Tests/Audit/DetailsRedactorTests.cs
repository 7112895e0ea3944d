using System.Text.Json;
using Integrations.Audit;

namespace Integrations.Services.Tests;

public sealed class DetailsRedactorTests
{
    [Theory]
    [InlineData("access_token")]
    [InlineData("X-Api-Key")]
    [InlineData("clientSecret")]
    [InlineData("Stripe-Signature")]
    [InlineData("Authorization")]
    [InlineData("db.password")]
    [InlineData("set-cookie")]
    public void KeysThatLookLikeSecretsAreRecognised(string key) => Assert.True(DetailsRedactor.IsSecretKey(key));

    [Theory]
    [InlineData("channel")]
    [InlineData("repository")]
    [InlineData("status")]
    public void OrdinaryKeysAreKept(string key) => Assert.False(DetailsRedactor.IsSecretKey(key));

    [Fact]
    public void SecretValuesAreRedactedAtEveryDepthAndTheRestIsKept()
    {
        var details = JsonSerializer.SerializeToElement(new
        {
            channel = "#general",
            api_key = new { nested = "k-123" },
            items = new object[] { new { refresh_token = "r-456", n = 1 }, "Bearer b-789", 2.5, true },
        });

        var redacted = DetailsRedactor.Redact(details);

        Assert.Equal("""{"channel":"#general","api_key":"[redacted]","items":[{"refresh_token":"[redacted]","n":1},"[redacted]",2.5,true]}""", redacted);
    }

    [Fact]
    public void MissingDetailsAreStoredAsAnEmptyObject()
    {
        Assert.Equal("{}", DetailsRedactor.Redact(null));
        Assert.Equal("{}", DetailsRedactor.Redact(JsonSerializer.SerializeToElement<object?>(null)));
    }
}
