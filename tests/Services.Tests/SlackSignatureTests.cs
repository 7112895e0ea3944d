using System.Text;
using Integrations.Receiver.Verification;
using Microsoft.AspNetCore.Http;
using static Integrations.Services.Tests.SchemeTestKit;

namespace Integrations.Services.Tests;

public sealed class SlackSignatureTests
{
    private const string Secret = "slack-signing-secret";
    private readonly SlackSignature _scheme = new();

    [Fact]
    public void SignatureIsHmacOfVersionTimestampAndBody()
    {
        var body = Encoding.UTF8.GetBytes("""{"type":"event_callback"}""");
        var expected = "v0=" + Convert.ToHexStringLower(Hmac(Encoding.UTF8.GetBytes(Secret), "v0:1531420618:" + """{"type":"event_callback"}"""));

        Assert.Equal(expected, SlackSignature.Sign(body, 1531420618, Secret));
    }

    [Fact]
    public void EventCallbackVerifiesWithItsEventId()
    {
        var body = EventBody("Ev123");

        var result = _scheme.Verify(Signed(body, Now), body, [Secret], Sandbox);

        Assert.Equal("Ev123", result.Delivery?.DeliveryId);
        Assert.Equal("app_mention", result.Delivery?.EventType);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1_700_000_000), result.Delivery?.OccurredAt);
    }

    [Fact]
    public void UrlVerificationIsAnsweredWithTheChallenge()
    {
        var body = Encoding.UTF8.GetBytes("""{"token":"t","challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P","type":"url_verification"}""");

        var result = _scheme.Verify(Signed(body, Now), body, [Secret], Sandbox);

        Assert.Equal("3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P", result.Challenge);
        Assert.Null(result.Delivery);
    }

    [Theory]
    [InlineData(-301)]
    [InlineData(301)]
    public void TimestampOutsideFiveMinutesIsRefused(int offsetSeconds)
    {
        var body = EventBody("Ev1");

        var result = _scheme.Verify(Signed(body, Now.AddSeconds(offsetSeconds)), body, [Secret], Sandbox);

        Assert.Equal(StatusCodes.Status401Unauthorized, result.Rejection?.Status);
        Assert.Contains("timestamp", result.Rejection!.Title, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void TimestampWithinFiveMinutesIsAccepted()
    {
        var body = EventBody("Ev1");

        Assert.NotNull(_scheme.Verify(Signed(body, Now.AddSeconds(-299)), body, [Secret], Sandbox).Delivery);
    }

    [Fact]
    public void ReplayWithAnotherTimestampFailsTheSignature()
    {
        var body = EventBody("Ev1");
        var headers = Signed(body, Now.AddSeconds(-10));
        headers[SlackSignature.TimestampHeader] = Now.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);

        Assert.Equal(StatusCodes.Status401Unauthorized, _scheme.Verify(headers, body, [Secret], Sandbox).Rejection?.Status);
    }

    [Fact]
    public void MissingTimestampIsABadRequest() =>
        Assert.Equal(StatusCodes.Status400BadRequest, _scheme.CheckHeaders(Headers((SlackSignature.SignatureHeader, "v0=" + new string('a', 64))))?.Status);

    private static byte[] EventBody(string eventId) =>
        Encoding.UTF8.GetBytes($$$"""{"type":"event_callback","event_id":"{{{eventId}}}","event_time":1700000000,"event":{"type":"app_mention","text":"hi"}}""");

    private static HeaderDictionary Signed(byte[] body, DateTimeOffset at)
    {
        var ts = at.ToUnixTimeSeconds();
        return Headers(
            (SlackSignature.TimestampHeader, ts.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            (SlackSignature.SignatureHeader, SlackSignature.Sign(body, ts, Secret)));
    }
}
