using Integrations.Gate.Idempotency;

namespace Integrations.Services.Tests;

public sealed class IdempotencyKeyTests
{
    [Theory]
    [InlineData("github:72d3162e-cc78-11e3-81ab-4c9367dc0958:send_message")]
    [InlineData("stripe:evt_1NG8Du2eZvKYlo2CUI79vXWy:record_payment_event")]
    [InlineData("slack:Ev08MFMKH6A9:create_ticket")]
    [InlineData("google:abc/def=+@!:sync.calendar")]
    public void KeysOfTheFormProviderEventIdActionAreValid(string key) =>
        Assert.Null(IdempotencyKey.Problem(key));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("github:only-two")]
    [InlineData("github:a:b:c")]
    [InlineData("GitHub:abc:send_message")]
    [InlineData("github:abc:SendMessage")]
    [InlineData("github:has space:send_message")]
    [InlineData(":abc:send_message")]
    [InlineData("github::send_message")]
    [InlineData("github:abc:")]
    [InlineData("github:é:send_message")]
    public void MalformedKeysAreRefused(string? key) =>
        Assert.NotNull(IdempotencyKey.Problem(key));

    [Fact]
    public void KeysAreAtMost255Characters()
    {
        var longest = "github:" + new string('e', 255 - "github::x".Length) + ":x";

        Assert.Equal(255, longest.Length);
        Assert.Null(IdempotencyKey.Problem(longest));
        Assert.Contains("255", IdempotencyKey.Problem(longest.Replace(":x", "e:x", StringComparison.Ordinal)), StringComparison.Ordinal);
    }
}
